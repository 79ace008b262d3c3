/**
 * The job registry (issue 7, RELIABILITY rule 6): every job of the application, each built with the repositories
 * and services it uses. The composition root (services.ts) calls `createJobs` with those dependencies and hands
 * the list to the runner; tests build the same list with their own (a mailer that fails, a second database).
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { backupDrillJob, backupJob } from '../features/backup/jobs.js';
import { createFollowChangesJob, type FollowJobsDeps } from '../features/follows/follow-changes.job.js';
import { createAnnualReportReminderJob } from '../features/jobs/annual-report-reminder.job.js';
import { createCongressAlertsJob } from '../features/jobs/congress-alerts.job.js';
import { createCongressAlertsRepository } from '../features/jobs/congress-alerts.repository.js';
import { createCyclesRepository } from '../features/jobs/cycles.repository.js';
import { createQuarterlyCycleJob } from '../features/jobs/quarterly-cycle.job.js';
import { createNoticeDigestJob, createNoticeMailJob } from '../features/notifications/notice-mail.job.js';
import { createNoticeMailRepository } from '../features/notifications/notice-mail.repository.js';
import type { NotificationsService } from '../features/notifications/notifications.service.js';
import { createPersonalDataRepository } from '../features/personal-data/personal-data.repository.js';
import { createPersonalDataRemindersJob } from '../features/personal-data/personal-data-alerts.job.js';
import { createQualityRepository } from '../features/quality/quality.repository.js';
import { createQualityScoresJob } from '../features/quality/quality-scores.job.js';
import type { Clock } from '../lib/clock.js';
import type { Mailer } from '../lib/mailer.js';
import type { JobDefinition } from './job.js';

export interface JobDeps {
  db: Knex;
  config: Readonly<Config>;
  clock: Clock;
  notifications: NotificationsService;
  mailer: Mailer;
  /** What the follow jobs read (features/follows); absent in tests that build only the other jobs. */
  follows?: Omit<FollowJobsDeps, 'regime'>;
}

/** Every job of the application. */
export function createJobs({ db, config, clock, notifications, mailer, follows }: JobDeps): readonly JobDefinition[] {
  const backupContext = (logger: Logger) => ({ db, config, clock, logger });
  /**
   * The scheduled backup is followed at once by a restore drill of what it wrote (RELIABILITY 38): a drill
   * that fails fails the run, so the IT Centre sees it. `backup-drill` alone stays available by hand.
   */
  const scheduledBackupJob: JobDefinition = {
    name: 'backup',
    title: backupJob.title,
    description: `${backupJob.description} Sau mỗi lần sao lưu, diễn tập khôi phục ngay bản vừa tạo.`,
    schedule: 'backup',
    notifiesFailures: true,
    async run({ logger }) {
      const backup = await backupJob.run(backupContext(logger));
      const drill = await backupDrillJob.run(backupContext(logger));
      return { ...backup, ...Object.fromEntries(Object.entries(drill).map(([k, v]) => [`drill_${k}`, v])) };
    },
  };
  const drillJob: JobDefinition = {
    name: backupDrillJob.name,
    title: backupDrillJob.title,
    description: backupDrillJob.description,
    notifiesFailures: true,
    run: ({ logger }) => backupDrillJob.run(backupContext(logger)),
  };
  const noticeMail = { repo: createNoticeMailRepository(db), mailer, clock, publicUrl: config.publicUrl, secret: config.session.secret };
  return [
    createQuarterlyCycleJob({
      db,
      cycles: createCyclesRepository(db),
      notifications,
      mailer,
      clock,
      publicUrl: config.publicUrl,
      secret: config.session.secret,
    }),
    createCongressAlertsJob({ db, alerts: createCongressAlertsRepository(db), notifications, clock }),
    createAnnualReportReminderJob({ db, notifications }),
    createPersonalDataRemindersJob({ db, repo: createPersonalDataRepository(db), notifications, clock }),
    scheduledBackupJob,
    drillJob,
    createQualityScoresJob({ repo: createQualityRepository(db), clock }),
    // E-mail for every notice (issue 17 item 4): each one at once, or the daily digest (follow notices included).
    createNoticeMailJob(noticeMail),
    createNoticeDigestJob(noticeMail),
    ...(follows ? [createFollowChangesJob({ db, notifications, clock, regime: config.publicFieldsRegime, ...follows })] : []),
  ];
}
