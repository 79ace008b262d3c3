/**
 * The daily e-mail digest of follow notices (issue 16 item 2), when SMTP is configured: one e-mail per user per day
 * listing their unread follow notices not yet e-mailed (oldest first, at most MAX_NOTICES; the rest go the next day),
 * sent one user at a time and marked (`notifications.emailed_at`) right after, so a run killed or failing midway is
 * re-run for the others only; once per firing of its schedule (daily by default: the job's period). Without SMTP
 * it sends nothing: the notices stay in-app. The Message-ID is stable per user and period, so a receiving side can
 * drop a duplicate.
 */
import type { JobDefinition } from '../../jobs/job.js';
import type { Clock } from '../../lib/clock.js';
import { formatDate, formatDateTime } from '../../lib/format.js';
import type { Mailer } from '../../lib/mailer.js';
import { paths } from '../../lib/urls.js';
import type { DigestNotice, FollowsRepository } from './follows.repository.js';

/** Notices listed in one e-mail. */
const MAX_NOTICES = 50;
/** Consecutive refused e-mails after which the server is taken to be down and the run stops (to retry later). */
const MAX_CONSECUTIVE_FAILURES = 5;

export interface FollowDigestJobDeps {
  repo: FollowsRepository;
  mailer: Mailer;
  clock: Clock;
  /** Links in e-mails are made absolute with it (none: the e-mail names the pages instead). */
  publicUrl: string | null;
}

/** The digest's subject and text for one user (exported for its test). */
export function digestMail(
  user: { display_name: string },
  notices: readonly DigestNotice[],
  day: Date,
  publicUrl: string | null,
): { subject: string; text: string } {
  const base = publicUrl ? publicUrl.replace(/\/$/, '') : null;
  const items = notices.map((n, i) => {
    const link = base && n.link ? `\n   Xem tại: ${base}${n.link}` : '';
    return `${i + 1}. ${n.title} (${formatDateTime(n.created_at)})\n   ${n.body}${link}`;
  });
  const manage = base
    ? `Xem các thông báo và bỏ theo dõi tại: ${base}${paths.follows.mine()}`
    : 'Xem các thông báo và bỏ theo dõi ở trang "Theo dõi của tôi" sau khi đăng nhập.';
  return {
    subject: `[CSDL hội] Tin theo dõi ngày ${formatDate(day)}: ${notices.length} thông báo mới`,
    text: [
      `Kính gửi ${user.display_name},`,
      '',
      `Các hồ sơ hội và tìm kiếm bạn theo dõi có ${notices.length} thông báo mới chưa đọc:`,
      '',
      items.join('\n\n'),
      '',
      manage,
      '',
      'Thư này được gửi tự động mỗi ngày một lần từ Cơ sở dữ liệu hội và tổ chức phi chính phủ, Bộ Nội vụ.',
    ].join('\n'),
  };
}

export function createFollowDigestJob({ repo, mailer, clock, publicUrl }: FollowDigestJobDeps): JobDefinition {
  return {
    name: 'follow-digest',
    title: 'Thư tổng hợp tin theo dõi hằng ngày',
    description: 'Gửi mỗi người dùng một thư điện tử mỗi ngày liệt kê các thông báo theo dõi chưa đọc (chỉ khi đã cấu hình máy chủ thư)',
    // Its period is the schedule's latest firing (once a day by default): a restart later that day sends nothing again.
    schedule: 'follow-digest',
    async run({ period, logger }) {
      const counts = { recipients: 0, emails_sent: 0, notices_sent: 0, smtp_configured: mailer.enabled ? 1 : 0 };
      if (!mailer.enabled) return counts;
      let failures = 0;
      let consecutive = 0;
      let lastError: unknown = null;
      outer: for (let afterId = 0; ; ) {
        const users = await repo.digestRecipients(afterId, 100);
        if (users.length === 0) break;
        for (const u of users) {
          afterId = u.id;
          counts.recipients += 1;
          const notices = await repo.digestNotices(u.id, MAX_NOTICES);
          if (notices.length === 0) continue;
          const mail = digestMail(u, notices, clock.now(), publicUrl);
          try {
            await mailer.send({ to: u.email, ...mail, messageId: `<follow-digest-${u.id}.${period}@csdl-hoi>` });
          } catch (err) {
            failures += 1;
            consecutive += 1;
            lastError = err;
            logger.warn({ err, user: u.id }, 'follow digest e-mail not sent');
            if (consecutive >= MAX_CONSECUTIVE_FAILURES) break outer;
            continue;
          }
          consecutive = 0;
          await repo.markEmailed(
            notices.map((n) => n.id),
            clock.now(),
          );
          counts.emails_sent += 1;
          counts.notices_sent += notices.length;
        }
      }
      if (failures > 0) {
        const why = lastError instanceof Error ? lastError.message : String(lastError);
        throw new Error(`${failures} thư tổng hợp chưa gửi được (${counts.emails_sent} thư đã gửi; lần chạy sau gửi tiếp): ${why}`);
      }
      return counts;
    },
  };
}
