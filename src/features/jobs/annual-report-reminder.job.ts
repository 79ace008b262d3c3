/** early December, staff are reminded to prepare the annual report (in-app, once per year). */
import type { Knex } from 'knex';
import type { JobDefinition } from '../../jobs/job.js';
import { vietnamToday } from '../../lib/format.js';
import { paths } from '../../lib/urls.js';
import type { NotificationsService } from '../notifications/notifications.service.js';

export interface AnnualReportReminderJobDeps {
  db: Knex;
  notifications: Pick<NotificationsService, 'notifyRoles'>;
}

export const createAnnualReportReminderJob = ({ db, notifications }: AnnualReportReminderJobDeps): JobDefinition => ({
  name: 'annual-report-reminder',
  //
  title: 'Nhắc lập báo cáo năm',
  description: 'Nhắc cán bộ Vụ TCPCP lập báo cáo năm về quản lý cơ sở dữ liệu (đầu tháng 12)',
  schedule: 'annual-report-reminder',
  // Due from 1 December (Viet Nam time) to the end of the year; a December missed while down is caught up.
  period(now) {
    const today = vietnamToday(now);
    return today.slice(5, 7) === '12' ? today.slice(0, 4) : null;
  },
  async run({ period: year }) {
    const notices = await notifications.notifyRoles(db, ['ngo_staff', 'ngo_lead'], {
      kind: 'annual_report.reminder',
      title: `Lập báo cáo năm ${year} về quản lý cơ sở dữ liệu hội`,
      body: `Báo cáo năm ${year} (khoản 1 Điều 13 Quy chế) cần trình Lãnh đạo Bộ trước ngày 31/12/${year}. Số liệu của năm đã được tổng hợp sẵn.`,
      link: paths.jobs.annualReport(year),
      dedupeKey: `annual-report:${year}`,
    });
    return { notices };
  },
});
