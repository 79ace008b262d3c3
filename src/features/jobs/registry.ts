/**
 * The job registry (issue 7, RELIABILITY rule 6). A job is `{ name, description, schedule?, period?, run(ctx) }`;
 * the runner (job-runner.ts) takes a PostgreSQL advisory lock, records the run in `job_runs` and makes it succeed
 * at most once per period. Jobs of other features (backup, backup-drill) are appended to `JOBS` at merge.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import type { Services } from '../../services.js';
import { annualReportReminderJob } from './annual-report-reminder.job.js';
import { congressAlertsJob } from './congress-alerts.job.js';
import { quarterlyCycleJob } from './quarterly-cycle.job.js';

export interface JobContext {
  db: Knex;
  services: Services;
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
  /** The period this run is for (a quarter `2026-Q4`, a day `2026-12-31`, a firing `2026-12-27T02:00:00` …). */
  period: string;
  trigger: JobTrigger;
}

export type JobTrigger = 'schedule' | 'startup' | 'manual';

export interface JobDefinition {
  name: string;
  /** Vietnamese, shown on the job runs page and by `npm run job`. */
  description: string;
  /** Key into config.jobs.schedules (the job's name by convention); none = run by hand only. */
  schedule?: string;
  /**
   * The period due at `now` (Viet Nam time), or null when nothing is due. Default: the latest firing of the
   * schedule (a scheduled job) or the start time (a job run by hand only, or a manual run of such a job).
   * A job succeeds at most once per period; a period not yet succeeded is caught up at startup.
   */
  period?(now: Date): string | null;
  /** Returns the counts recorded with the run (e.g. `{ notices: 12, emails: 3 }`). Throw to fail the run. */
  run(ctx: JobContext): Promise<Record<string, number>>;
}

/** Every job of the application. The lead registers `backup` and `backup-drill` here at merge. */
export const JOBS: readonly JobDefinition[] = [quarterlyCycleJob, congressAlertsJob, annualReportReminderJob];

export function findJob(jobs: readonly JobDefinition[], name: string): JobDefinition | undefined {
  return jobs.find((j) => j.name === name);
}
