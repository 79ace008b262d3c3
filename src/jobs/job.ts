/**
 * What a job is (issue 7, RELIABILITY rule 6): `{ name, description, schedule?, period?, run(ctx) }`. A job is built
 * by its feature with the repositories and services it uses (a factory taking typed dependencies); the runner
 * (runner.ts) gives each run only its period, its trigger and a logger, takes a PostgreSQL advisory lock, records
 * the run in `job_runs` and makes it succeed at most once per period.
 */
import type { Logger } from 'pino';

export type JobTrigger = 'schedule' | 'startup' | 'manual';

export interface JobRunContext {
  /** The period this run is for (a quarter `2026-Q4`, a day `2026-12-31`, a firing `2026-12-27T02:00:00` …). */
  period: string;
  trigger: JobTrigger;
  /** The runner's logger with the job's name. */
  logger: Logger;
}

export interface JobDefinition {
  /** The job's code (URLs, job_runs.job, `npm run job`); never shown as a name on a page. */
  name: string;
  /** Short Vietnamese name shown on pages (job runs, annual report); defaults to the description. */
  title?: string;
  /** Vietnamese, shown on the job runs page and by `npm run job`; no requirement codes (they go in comments). */
  description: string;
  /** Key into config.jobs.schedules (the job's name by convention); none = run by hand only. */
  schedule?: string;
  /**
   * The period due at `now` (Viet Nam time), or null when nothing is due. Default: the latest firing of the
   * schedule (a scheduled job) or the start time (a job run by hand only, or a manual run of such a job).
   * A job succeeds at most once per period; a period not yet succeeded is caught up at startup.
   */
  period?(now: Date): string | null;
  /**
   * The job raises its own, more detailed notice to it_admin when it fails (the backup and the restore drill,
   * backup.service.ts): the runner then adds no generic one (issue 19 item 4: one notice per failure).
   */
  notifiesFailures?: boolean;
  /** Returns the counts recorded with the run (e.g. `{ notices: 12, emails: 3 }`). Throw to fail the run. */
  run(ctx: JobRunContext): Promise<Record<string, number>>;
}

/** The Vietnamese name of a job, for pages: its title, else its description. */
export function jobTitle(job: Pick<JobDefinition, 'title' | 'description'>): string {
  return job.title ?? job.description;
}
