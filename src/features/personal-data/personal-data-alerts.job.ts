/**
 * Issue 17 item 1 — daily reminders of personal-data requests: NGO staff get one notice per open request due within
 * REMIND_DAYS days, and one more once it is overdue (dedupe keys per request and stage, so a re-run or the next day
 * adds nothing new for the same stage). One transaction per run; at most MAX_PER_RUN requests.
 */
import type { Knex } from 'knex';
import type { JobDefinition } from '../../jobs/job.js';
import type { Clock } from '../../lib/clock.js';
import { formatDateTime, vietnamToday } from '../../lib/format.js';
import { paths } from '../../lib/urls.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { PersonalDataRepository } from './personal-data.repository.js';
import { receiptNumber, TYPE_LABELS } from './personal-data.schemas.js';

export const REMIND_DAYS = 2;
const MAX_PER_RUN = 2000;

export interface PersonalDataRemindersDeps {
  db: Knex;
  repo: Pick<PersonalDataRepository, 'dueBefore'>;
  notifications: Pick<NotificationsService, 'notifyRoles'>;
  clock: Clock;
}

export const createPersonalDataRemindersJob = ({ db, repo, notifications, clock }: PersonalDataRemindersDeps): JobDefinition => ({
  name: 'personal-data-alerts',
  title: 'Nhắc hạn yêu cầu về dữ liệu cá nhân',
  description: `Nhắc cán bộ Vụ TCPCP các yêu cầu về dữ liệu cá nhân còn không quá ${REMIND_DAYS} ngày đến hạn trả lời và các yêu cầu đã quá hạn`,
  schedule: 'personal-data-alerts',
  period: (now) => vietnamToday(now),
  async run() {
    const now = clock.now();
    const rows = await repo.dueBefore(new Date(now.getTime() + REMIND_DAYS * 86_400_000), MAX_PER_RUN);
    const counts = { personal_data_due_soon: 0, personal_data_overdue: 0, personal_data_notices: 0 };
    await db.transaction(async (trx) => {
      for (const r of rows) {
        const overdue = r.due_at.getTime() < now.getTime();
        if (overdue) counts.personal_data_overdue += 1;
        else counts.personal_data_due_soon += 1;
        const receipt = receiptNumber(r.id, r.received_at);
        counts.personal_data_notices += await notifications.notifyRoles(trx, ['ngo_staff', 'ngo_lead'], {
          kind: overdue ? 'personal_data.overdue' : 'personal_data.due_soon',
          title: overdue
            ? `Yêu cầu về dữ liệu cá nhân ${receipt} đã quá hạn trả lời`
            : `Yêu cầu về dữ liệu cá nhân ${receipt} sắp đến hạn trả lời`,
          body: `${TYPE_LABELS[r.request_type]} — ${r.requester_name}. Hạn trả lời: ${formatDateTime(r.due_at)}.`,
          link: paths.personalData.show(r.id),
          dedupeKey: `personal-data:${r.id}:${overdue ? 'overdue' : 'due-soon'}`,
        });
      }
    });
    return counts;
  },
});
