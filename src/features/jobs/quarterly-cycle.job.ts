/**
 * the quarterly update cycle. Runs daily; on the last day of March, June, September and December (Viet Nam
 * time) — or within CATCH_UP_DAYS after it, if the app was down — it opens the quarter's cycle:
 *  1. the cycle row and a statistics snapshot frozen once (both unique per quarter);
 *  2. in-app notices to NGO staff and to each live association's officers (dedupe key per association and quarter);
 *  3. when SMTP is configured, one e-mail per notice to the users who chose to receive each notice at once
 *     (`users.notice_email`; the daily digest and "never" are left to the notice-mail path), one at a time: sent,
 *     then `emailed_at` set. A run killed or
 *     failing midway leaves the rest unmarked and the re-run sends only those: exactly one e-mail per recipient per
 *     quarter (RELIABILITY check 35). The only window for a duplicate is a process killed between the SMTP server's
 *     acceptance and that one UPDATE; the Message-ID is stable per notice so a receiving side can drop it.
 */
import type { Knex } from 'knex';
import type { JobDefinition } from '../../jobs/job.js';
import type { Clock } from '../../lib/clock.js';
import type { Mailer } from '../../lib/mailer.js';
import { paths } from '../../lib/urls.js';
import { noticeMail } from '../notifications/notice-mail.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { CyclesRepository } from './cycles.repository.js';
import { dueQuarter, quarterLabel, quarterRange } from './quarters.js';

/** Associations notified per transaction. */
const BATCH = 200;
/** Consecutive refused e-mails after which the server is taken to be down and the run stops (to retry later). */
const MAX_CONSECUTIVE_FAILURES = 5;

export interface QuarterlyCycleJobDeps {
  db: Knex;
  cycles: CyclesRepository;
  notifications: Pick<NotificationsService, 'notifyRoles' | 'notifyUsers'>;
  /** E-mail of the notices when SMTP is configured (`enabled`). */
  mailer: Mailer;
  clock: Clock;
  /** Links in e-mails are made absolute with it (none: the e-mail has no link). */
  publicUrl: string | null;
  /** Signs the unsubscribe link of each e-mail (the session secret). */
  secret: string;
}

export const createQuarterlyCycleJob = ({
  db,
  cycles: repo,
  notifications,
  mailer,
  clock,
  publicUrl,
  secret,
}: QuarterlyCycleJobDeps): JobDefinition => ({
  name: 'quarterly-cycle',
  //
  title: 'Kỳ cập nhật dữ liệu hằng quý',
  description: 'Mở kỳ cập nhật dữ liệu hằng quý (ngày cuối quý), nhắc Vụ TCPCP và các hội, chốt số liệu thống kê của quý',
  schedule: 'quarterly-cycle',
  period: dueQuarter,
  async run({ logger, period: quarter }) {
    const { from, to, start, end } = quarterRange(quarter);
    // 'Quý IV/2026' (quarterLabel) written out in each notice's template, so that the notices page can translate
    // each notice as one text (locales/texts/en/jobs.json): the quarter's numeral and its year.
    // server-text: the prefix cut off quarterLabel, never printed
    const [roman, year] = quarterLabel(quarter).slice('Quý '.length).split('/');
    const prefix = `cycle:${quarter}:`;
    const counts = { associations: 0, officer_notices: 0, staff_notices: 0, emails_sent: 0, emails_without_address: 0, snapshot_total: 0 };

    await db.transaction(async (trx) => {
      await repo.openCycle(trx, { quarter, period_start: start, period_end: end, opened_at: clock.now() });
      // Frozen: taken once, never recomputed by a re-run.
      await repo.freezeSnapshot(trx, quarter, from, to, clock.now());
      counts.staff_notices = await notifications.notifyRoles(trx, ['ngo_staff', 'ngo_lead'], {
        kind: 'cycle.quarterly',
        title: `Kỳ cập nhật dữ liệu Quý ${roman}/${year} đã mở`,
        body: `Hôm nay là ngày cuối Quý ${roman}/${year}: Vụ Tổ chức phi chính phủ cập nhật các thay đổi, bổ sung của hồ sơ hội. Danh sách hồ sơ chưa được cập nhật trong quý ở trang Kỳ cập nhật.`,
        link: paths.jobs.cycle(quarter),
        dedupeKey: `${prefix}staff`,
      });
    });
    counts.snapshot_total = (await repo.findSnapshot(quarter))?.total ?? 0;

    const officers = await repo.liveOfficers(db);
    const byAssociation = new Map<number, { code: string; name: string; users: number[] }>();
    for (const o of officers) {
      const entry = byAssociation.get(o.association_id) ?? { code: o.code, name: o.name, users: [] };
      entry.users.push(o.user_id);
      byAssociation.set(o.association_id, entry);
    }
    const entries = [...byAssociation.entries()];
    counts.associations = entries.length;
    for (let i = 0; i < entries.length; i += BATCH) {
      await db.transaction(async (trx) => {
        for (const [associationId, a] of entries.slice(i, i + BATCH)) {
          counts.officer_notices += await notifications.notifyUsers(trx, a.users, {
            kind: 'cycle.quarterly',
            title: `Đề nghị cập nhật thông tin của hội — Quý ${roman}/${year}`,
            body: `Kỳ cập nhật dữ liệu Quý ${roman}/${year} đã mở. Đề nghị ${a.name} (mã ${a.code}) rà soát và gửi các thay đổi, bổ sung thông tin của hội (Biểu mẫu 1) cho Vụ Tổ chức phi chính phủ.`,
            link: paths.submissions.officerHome(),
            dedupeKey: `${prefix}assoc:${associationId}`,
          });
        }
      });
    }

    if (mailer.enabled) {
      // Keyset over notice ids: a message refused by the server is left unmarked (retried by the next run) without
      // stopping the others; the run fails when any is left, and gives up early when the server seems down.
      let lastId = 0;
      let failures = 0;
      let consecutive = 0;
      let lastError: unknown = null;
      outer: for (;;) {
        const batch = await repo.pendingEmails(prefix, lastId, 100);
        if (batch.length === 0) break;
        for (const n of batch) {
          lastId = n.id;
          try {
            // The same e-mail as every notice's (features/notifications/notice-mail.ts), to users who chose "immediately".
            await mailer.send(
              noticeMail({ id: n.user_id, email: n.email, display_name: n.display_name }, n, { publicUrl, secret, now: clock.now() }),
            );
          } catch (err) {
            failures += 1;
            consecutive += 1;
            lastError = err;
            logger.warn({ err, notification: n.id }, 'reminder e-mail not sent');
            if (consecutive >= MAX_CONSECUTIVE_FAILURES) break outer;
            continue;
          }
          consecutive = 0;
          await repo.markEmailed(n.id, clock.now());
          counts.emails_sent += 1;
        }
      }
      if (failures > 0) {
        const why = lastError instanceof Error ? lastError.message : String(lastError);
        throw new Error(`${failures} thư nhắc chưa gửi được (${counts.emails_sent} thư đã gửi; lần chạy sau gửi tiếp): ${why}`);
      }
      counts.emails_without_address = await repo.countWithoutAddress(prefix);
    }
    return counts;
  },
});
