/**
 * e — term-congress alerts, daily. An association whose term (or extension) ends within 6, 3 or 1 months, or
 * is overdue, is alerted once per threshold and deadline (`congress_alerts` unique row + notice dedupe key): its
 * officers get a notice each; NGO staff get one digest per day listing the new crossings. Everything of one run is
 * committed in one transaction, so a killed run leaves nothing half-sent and its re-run does the whole thing once.
 */
import type { Knex } from 'knex';
import type { JobDefinition } from '../../jobs/job.js';
import type { Clock } from '../../lib/clock.js';
import { vietnamToday } from '../../lib/format.js';
import { paths } from '../../lib/urls.js';
import { isOverdueState, type TermInfo } from '../associations/congress-term.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { CongressAlertsRepository } from './congress-alerts.repository.js';

export type Threshold = '6m' | '3m' | '1m' | 'overdue';

export const THRESHOLD_LABELS: Record<Threshold, string> = {
  '6m': 'còn không quá 6 tháng',
  '3m': 'còn không quá 3 tháng',
  '1m': 'còn không quá 1 tháng',
  overdue: 'đã quá hạn',
};

/** "3 hội còn không quá 6 tháng": one template per threshold (the notices page translates each one whole). */
const THRESHOLD_COUNTS: Record<Threshold, (n: number) => string> = {
  '6m': (n) => `${n} hội còn không quá 6 tháng`,
  '3m': (n) => `${n} hội còn không quá 3 tháng`,
  '1m': (n) => `${n} hội còn không quá 1 tháng`,
  overdue: (n) => `${n} hội đã quá hạn`,
};

function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1 + months, d));
  if (date.getUTCDate() !== d) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

/** The threshold a term is at today, or null (more than 6 months left). */
export function thresholdOf(info: TermInfo, today: string): Threshold | null {
  if (isOverdueState(info.state)) return 'overdue';
  if (info.deadline <= addMonths(today, 1)) return '1m';
  if (info.deadline <= addMonths(today, 3)) return '3m';
  if (info.deadline <= addMonths(today, 6)) return '6m';
  return null;
}

export interface CongressAlertsJobDeps {
  db: Knex;
  alerts: CongressAlertsRepository;
  notifications: Pick<NotificationsService, 'notifyAssociation' | 'notifyRoles'>;
  clock: Clock;
}

export const createCongressAlertsJob = ({ db, alerts, notifications, clock }: CongressAlertsJobDeps): JobDefinition => ({
  name: 'congress-alerts',
  // e
  title: 'Cảnh báo hạn đại hội nhiệm kỳ',
  description: 'Cảnh báo hạn đại hội nhiệm kỳ: còn 6, 3, 1 tháng và quá hạn, gửi cán bộ Vụ và cán bộ đầu mối của hội',
  schedule: 'congress-alerts',
  period: (now) => vietnamToday(now),
  async run({ period }) {
    const today = period;
    const terms = await alerts.termInfos(today);
    const due = terms.flatMap((t) => {
      const threshold = thresholdOf(t.info, today);
      return threshold ? [{ ...t, threshold }] : [];
    });
    const counts = { checked: terms.length, due: due.length, new_alerts: 0, officer_notices: 0, staff_notices: 0 };
    await db.transaction(async (trx) => {
      const fresh: typeof due = [];
      for (let i = 0; i < due.length; i += 500) {
        const chunk = due.slice(i, i + 500);
        const ids = await alerts.recordAlerts(
          trx,
          chunk.map((d) => ({ association_id: d.id, deadline: d.info.deadline, threshold: d.threshold, alerted_at: clock.now() })),
        );
        fresh.push(...chunk.filter((d) => ids.has(d.id)));
      }
      counts.new_alerts = fresh.length;
      for (const d of fresh) {
        const overdue = d.threshold === 'overdue';
        counts.officer_notices += await notifications.notifyAssociation(trx, d.id, {
          kind: 'congress.alert',
          title: overdue ? 'Hội đã quá hạn tổ chức đại hội nhiệm kỳ' : 'Sắp đến hạn tổ chức đại hội nhiệm kỳ',
          body: `${d.name} (mã ${d.code}): hạn tổ chức đại hội là ngày ${d.info.deadline.split('-').reverse().join('/')}, ${THRESHOLD_LABELS[d.threshold]}. Đề nghị hội chuẩn bị và báo cáo Bộ Nội vụ theo quy định.`,
          link: paths.submissions.officerHome(),
          dedupeKey: `congress:${d.id}:${d.info.deadline}:${d.threshold}`,
        });
      }
      if (fresh.length > 0) {
        const by = (t: Threshold) => fresh.filter((d) => d.threshold === t).length;
        const parts = (['overdue', '1m', '3m', '6m'] as const).filter((t) => by(t) > 0).map((t) => THRESHOLD_COUNTS[t](by(t)));
        const codes = fresh
          .slice(0, 10)
          .map((d) => d.code)
          .join(', ');
        const sample = fresh.length > 10 ? `${codes}…` : codes;
        counts.staff_notices = await notifications.notifyRoles(trx, ['ngo_staff', 'ngo_lead'], {
          kind: 'congress.alert',
          title: `Cảnh báo đại hội nhiệm kỳ: ${fresh.length} hội mới đến mốc`,
          body: `${parts.join('; ')}. Ví dụ: ${sample}.`,
          link: paths.reports.category('e', { 'trong-n-thang': 6 }),
          dedupeKey: `congress-digest:${today}`,
        });
      }
    });
    return counts;
  },
});
