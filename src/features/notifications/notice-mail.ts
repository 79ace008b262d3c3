/**
 * The e-mail of notices (issue 17 item 4), pure: the Vietnamese text of a notice's own e-mail and of the daily
 * digest, with an absolute link (PUBLIC_URL), the footer (the settings page and the one-click unsubscribe), the
 * RFC 8058 headers, and the signed unsubscribe token — HMAC-SHA256 under the session secret of "user id and last
 * valid day", so a link works without signing in, cannot be made for another user, and expires.
 */
// server-text-file: the e-mails of notices are written in Vietnamese (the language of record) whatever the reader's
// language; the settings page names the choices with t('notifications:…')
import { createHmac, timingSafeEqual } from 'node:crypto';
import { formatDate, formatDateTime } from '../../lib/format.js';
import type { MailMessage } from '../../lib/mailer.js';
import { paths } from '../../lib/urls.js';

export const NOTICE_EMAIL_CHOICES = ['immediately', 'daily', 'never'] as const;
export type NoticeEmailChoice = (typeof NOTICE_EMAIL_CHOICES)[number];

export const NOTICE_EMAIL_LABELS: Record<NoticeEmailChoice, string> = {
  immediately: 'Gửi ngay mỗi thông báo',
  daily: 'Một thư tổng hợp mỗi ngày',
  never: 'Không gửi thư (chỉ xem thông báo trên cổng)',
};

/** How long an unsubscribe link stays valid. */
export const UNSUBSCRIBE_VALID_DAYS = 90;
const DAY_MS = 86_400_000;

function sign(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(`notice-unsubscribe:${payload}`).digest('base64url');
}

/** `<user id>.<last valid day since epoch>.<signature>` */
export function unsubscribeToken(secret: string, userId: number, now: Date): string {
  const payload = `${userId}.${Math.floor(now.getTime() / DAY_MS) + UNSUBSCRIBE_VALID_DAYS}`;
  return `${payload}.${sign(secret, payload)}`;
}

/** The user a token was made for, or null when it is malformed, tampered with or expired. */
export function verifyUnsubscribeToken(secret: string, token: unknown, now: Date): number | null {
  if (typeof token !== 'string' || token.length > 200) return null;
  const m = /^(\d{1,12})\.(\d{1,9})\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m) return null;
  const [, user, day, sig] = m as unknown as [string, string, string, string];
  const expected = Buffer.from(sign(secret, `${user}.${day}`));
  const given = Buffer.from(sig);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  if (Number(day) < Math.floor(now.getTime() / DAY_MS)) return null;
  return Number(user);
}

export interface MailRecipient {
  id: number;
  email: string;
  display_name: string;
}

export interface MailNotice {
  id: number;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
}

export interface MailContext {
  /** PUBLIC_URL; without it the e-mail names the pages instead of linking them, and carries no unsubscribe link. */
  publicUrl: string | null;
  secret: string;
  now: Date;
}

function base(publicUrl: string | null): string | null {
  return publicUrl ? publicUrl.replace(/\/$/, '') : null;
}

/** The footer and headers every notice e-mail carries. */
function footerAndHeaders(user: MailRecipient, ctx: MailContext, why: string): { footer: string; headers: Record<string, string> } {
  const b = base(ctx.publicUrl);
  if (!b) {
    return {
      footer: [
        why,
        'Để đổi cách nhận thư (gửi ngay, tổng hợp mỗi ngày hoặc không gửi), đăng nhập rồi mở trang "Thông báo" → "Cài đặt nhận thư".',
      ].join('\n'),
      headers: {},
    };
  }
  const unsubscribe = `${b}${paths.notifications.unsubscribe({ t: unsubscribeToken(ctx.secret, user.id, ctx.now) })}`;
  return {
    footer: [
      why,
      `Đổi cách nhận thư (gửi ngay, tổng hợp mỗi ngày hoặc không gửi): ${b}${paths.notifications.emailSettings()}`,
      `Ngừng nhận thư thông báo (không cần đăng nhập): ${unsubscribe}`,
    ].join('\n'),
    headers: { 'List-Unsubscribe': `<${unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  };
}

const SENDER = 'Thư này được gửi tự động từ Cơ sở dữ liệu hội và tổ chức phi chính phủ, Bộ Nội vụ.';

/** One notice's own e-mail (a user who chose "immediately"); the Message-ID is stable per notice. */
export function noticeMail(user: MailRecipient, n: MailNotice, ctx: MailContext): MailMessage {
  const b = base(ctx.publicUrl);
  const { footer, headers } = footerAndHeaders(user, ctx, `${SENDER} Bạn nhận thư này vì đã chọn nhận ngay mỗi thông báo.`);
  return {
    to: user.email,
    subject: `[CSDL hội] ${n.title}`,
    text: [
      `Kính gửi ${user.display_name},`,
      '',
      n.title,
      ...(n.body ? ['', n.body] : []),
      ...(b && n.link ? ['', `Xem tại: ${b}${n.link}`] : []),
      '',
      `Thời điểm: ${formatDateTime(n.created_at)}`,
      '',
      '--',
      footer,
    ].join('\n'),
    messageId: `<notice-${n.id}@csdl-hoi>`,
    headers,
  };
}

/** The daily digest: one e-mail listing the user's notices of the day; the Message-ID is stable per user and period. */
export function digestMail(user: MailRecipient, notices: readonly MailNotice[], period: string, ctx: MailContext): MailMessage {
  const b = base(ctx.publicUrl);
  const items = notices.map((n, i) => {
    const link = b && n.link ? `\n   Xem tại: ${b}${n.link}` : '';
    return `${i + 1}. ${n.title} (${formatDateTime(n.created_at)})${n.body ? `\n   ${n.body}` : ''}${link}`;
  });
  const { footer, headers } = footerAndHeaders(user, ctx, `${SENDER} Bạn nhận thư này vì đã chọn nhận một thư tổng hợp mỗi ngày.`);
  return {
    to: user.email,
    subject: `[CSDL hội] Thông báo ngày ${formatDate(ctx.now)}: ${notices.length} thông báo mới`,
    text: [
      `Kính gửi ${user.display_name},`,
      '',
      `Bạn có ${notices.length} thông báo mới trên Cơ sở dữ liệu hội:`,
      '',
      items.join('\n\n'),
      '',
      b ? `Xem tất cả thông báo: ${b}${paths.notifications.list()}` : 'Xem tất cả ở trang "Thông báo" sau khi đăng nhập.',
      '',
      '--',
      footer,
    ].join('\n'),
    messageId: `<notice-digest-${user.id}.${period}@csdl-hoi>`,
    headers,
  };
}
