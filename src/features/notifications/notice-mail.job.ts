/**
 * E-mail for every notice (issue 17 item 4), one path for all kinds, when SMTP is configured:
 *  - `notice-mail` (every few minutes) walks the notices not yet handled (partial index, keyset by id, capped per
 *    run) and, by the recipient's choice: "immediately" → its own e-mail, sent then marked `sent` at once (a run
 *    killed or refused midway leaves the rest unmarked: the next run sends only those; the Message-ID is stable per
 *    notice so a receiving side can drop the one duplicate a kill between acceptance and marking could cause);
 *    "daily" → left for the digest (`daily`); "never", no address, a disabled account, or older than MAX_AGE_DAYS
 *    → `skipped`. The quarterly cycle's notices to "immediately" users are e-mailed by that job itself (it keeps its
 *    own exactly-once reminder run, RELIABILITY check 35), with the same text and preference.
 *  - `notice-digest` (daily) sends each user with notices waiting one e-mail listing them (at most MAX_DIGEST; the
 *    rest the next day); notices read in the portal meanwhile are left out. Message-ID stable per user and day.
 * Without SMTP both do nothing and say so (`smtp_configured: 0`).
 */
import type { JobDefinition } from '../../jobs/job.js';
import type { Clock } from '../../lib/clock.js';
import type { Mailer, MailMessage } from '../../lib/mailer.js';
import { digestMail, type MailContext, noticeMail } from './notice-mail.js';
import type { NoticeMailRepository, PendingNotice } from './notice-mail.repository.js';

const BATCH = 200;
/** E-mails sent per run at most (the rest the next run). */
const MAX_PER_RUN = 2000;
/** A notice older than this when first handled is not e-mailed (SMTP configured late, a long outage). */
const MAX_AGE_DAYS = 3;
const MAX_DIGEST = 50;
/** Consecutive refused e-mails after which the server is taken to be down and the run stops (to retry later). */
const MAX_CONSECUTIVE_FAILURES = 5;
/** Kinds whose e-mails to "immediately" users another job sends (it marks them `sent` itself). */
const SENT_ELSEWHERE = new Set(['cycle.quarterly']);

export interface NoticeMailJobDeps {
  repo: NoticeMailRepository;
  mailer: Mailer;
  clock: Clock;
  publicUrl: string | null;
  /** Signs the unsubscribe links (the session secret). */
  secret: string;
}

function hasAddress(n: { email: string | null }): n is { email: string } {
  return typeof n.email === 'string' && n.email.trim() !== '';
}

/** Sends one by one; counts failures; stops after too many in a row. */
function sender(mailer: Mailer, logger: { warn(obj: object, msg: string): void }) {
  const state = { failures: 0, consecutive: 0, lastError: null as unknown, sent: 0 };
  return {
    state,
    get down() {
      return state.consecutive >= MAX_CONSECUTIVE_FAILURES;
    },
    async send(m: MailMessage, what: object): Promise<boolean> {
      try {
        await mailer.send(m);
      } catch (err) {
        state.failures += 1;
        state.consecutive += 1;
        state.lastError = err;
        logger.warn({ err, ...what }, 'notice e-mail not sent');
        return false;
      }
      state.consecutive = 0;
      state.sent += 1;
      return true;
    },
    throwIfFailed(kind: string) {
      if (state.failures === 0) return;
      const why = state.lastError instanceof Error ? state.lastError.message : String(state.lastError);
      throw new Error(`${state.failures} ${kind} chưa gửi được (${state.sent} thư đã gửi; lần chạy sau gửi tiếp): ${why}`);
    },
  };
}

/** Classifies the notices of one batch: what to skip, what waits for the digest, what to send now. */
export function classify(rows: readonly PendingNotice[], now: Date): { skip: number[]; daily: number[]; send: PendingNotice[] } {
  const out = { skip: [] as number[], daily: [] as number[], send: [] as PendingNotice[] };
  const oldest = now.getTime() - MAX_AGE_DAYS * 86_400_000;
  for (const n of rows) {
    if (n.disabled || !hasAddress(n) || n.notice_email === 'never' || new Date(n.created_at).getTime() < oldest) out.skip.push(n.id);
    else if (n.notice_email === 'daily') out.daily.push(n.id);
    else if (!SENT_ELSEWHERE.has(n.kind)) out.send.push(n);
  }
  return out;
}

export function createNoticeMailJob({ repo, mailer, clock, publicUrl, secret }: NoticeMailJobDeps): JobDefinition {
  return {
    name: 'notice-mail',
    title: 'Gửi thư điện tử cho thông báo mới',
    description:
      'Gửi thư điện tử cho từng thông báo mới tới người chọn nhận ngay; chuyển thông báo của người chọn thư tổng hợp sang thư hằng ngày (chỉ khi đã cấu hình máy chủ thư)',
    schedule: 'notice-mail',
    async run({ logger }) {
      const counts = { smtp_configured: mailer.enabled ? 1 : 0, emails_sent: 0, notices_for_digest: 0, notices_skipped: 0 };
      if (!mailer.enabled) return counts;
      const s = sender(mailer, logger);
      const ctx = (): MailContext => ({ publicUrl, secret, now: clock.now() });
      outer: for (let afterId = 0; counts.emails_sent < MAX_PER_RUN; ) {
        const rows = await repo.pending(afterId, BATCH);
        if (rows.length === 0) break;
        afterId = rows[rows.length - 1]?.id ?? afterId;
        const c = classify(rows, clock.now());
        counts.notices_skipped += await repo.mark(c.skip, 'skipped', null);
        counts.notices_for_digest += await repo.mark(c.daily, 'daily', null);
        for (const n of c.send) {
          if (
            !(await s.send(noticeMail({ id: n.user_id, email: n.email as string, display_name: n.display_name }, n, ctx()), {
              notification: n.id,
            }))
          )
            if (s.down) break outer;
            else continue;
          await repo.mark([n.id], 'sent', clock.now());
          counts.emails_sent += 1;
          if (counts.emails_sent >= MAX_PER_RUN) break outer;
        }
      }
      s.throwIfFailed('thư thông báo');
      return counts;
    },
  };
}

export function createNoticeDigestJob({ repo, mailer, clock, publicUrl, secret }: NoticeMailJobDeps): JobDefinition {
  return {
    name: 'notice-digest',
    title: 'Thư tổng hợp thông báo hằng ngày',
    description:
      'Gửi mỗi người chọn thư tổng hợp một thư điện tử mỗi ngày liệt kê các thông báo mới chưa đọc, kể cả tin theo dõi (chỉ khi đã cấu hình máy chủ thư)',
    // Its period is the schedule's latest firing (once a day by default): a restart later that day sends nothing again.
    schedule: 'notice-digest',
    async run({ period, logger }) {
      const counts = { smtp_configured: mailer.enabled ? 1 : 0, recipients: 0, emails_sent: 0, notices_sent: 0, notices_skipped: 0 };
      if (!mailer.enabled) return counts;
      // Notices the frequent job has not handled yet: classified first (never e-mailed from here one by one).
      for (let afterId = 0; ; ) {
        const rows = await repo.pending(afterId, BATCH);
        if (rows.length === 0) break;
        afterId = rows[rows.length - 1]?.id ?? afterId;
        const c = classify(rows, clock.now());
        counts.notices_skipped += await repo.mark(c.skip, 'skipped', null);
        await repo.mark(c.daily, 'daily', null);
      }
      const s = sender(mailer, logger);
      outer: for (let afterId = 0; ; ) {
        const users = await repo.digestUsers(afterId, 100);
        if (users.length === 0) break;
        for (const u of users) {
          afterId = u.id;
          if (u.disabled || !hasAddress(u) || u.notice_email === 'never') {
            counts.notices_skipped += await repo.mark(await repo.allDigestIds(u.id), 'skipped', null, 'daily');
            continue;
          }
          const all = await repo.digestNotices(u.id, MAX_DIGEST);
          const read = all.filter((n) => n.read).map((n) => n.id);
          counts.notices_skipped += await repo.mark(read, 'skipped', null, 'daily');
          const notices = all.filter((n) => !n.read);
          if (notices.length === 0) continue;
          counts.recipients += 1;
          const mail = digestMail({ id: u.id, email: u.email, display_name: u.display_name }, notices, period, {
            publicUrl,
            secret,
            now: clock.now(),
          });
          if (!(await s.send(mail, { user: u.id }))) {
            if (s.down) break outer;
            continue;
          }
          await repo.mark(
            notices.map((n) => n.id),
            'digest',
            clock.now(),
            'daily',
          );
          counts.emails_sent += 1;
          counts.notices_sent += notices.length;
        }
      }
      s.throwIfFailed('thư tổng hợp');
      return counts;
    },
  };
}
