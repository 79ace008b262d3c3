/**
 * Runs registered jobs: at most one run of a job at a time across every app instance (advisory lock), at most one
 * success per period (checked under the lock and enforced by a partial unique index), every run recorded in
 * `job_runs` with its counts or error, host and pid. Used by the scheduler, the startup catch-up, `npm run job`
 * and the "Chạy ngay" button.
 */
import os from 'node:os';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { tryAdvisoryLock } from '../db/advisory-lock.js';
import { createNotificationsRepository } from '../features/notifications/notifications.repository.js';
import { createNotificationsService, type NotificationsService } from '../features/notifications/notifications.service.js';
import type { Clock } from '../lib/clock.js';
import { localStamp, previousFire } from '../lib/cron.js';
import { paths } from '../lib/urls.js';
import { type JobDefinition, type JobTrigger, jobTitle } from './job.js';
import { createJobRunsRepository, INTERRUPTED, type JobRunsRepository, type JobStatus } from './job-runs.repository.js';

export interface RunOptions {
  trigger: JobTrigger;
  /** User who pressed "Chạy ngay". */
  requestedBy?: number | null;
  /** Run for this period instead of the one due now. */
  period?: string;
}

export interface RunResult {
  job: string;
  period: string | null;
  /** `idle`: nothing due (no row recorded). */
  status: JobStatus | 'idle';
  runId: number | null;
  counts: Record<string, number> | null;
  reason: string | null;
  /** Skipped because another run of the job held its lock: worth trying again once it frees (scheduler.ts). */
  busy?: boolean;
}

/**
 * The reason recorded for a period skipped because an earlier run of the job (another period) still held the job's
 * lock. Such a period is run again once the lock frees: by the scheduler's next tick or retry and by the startup
 * catch-up, even after the period stopped being due (`retrySkipped`).
 */
export const LOCK_BUSY_REASON = 'Lần chạy trước của tác vụ vẫn đang giữ khóa: kỳ này chưa chạy và sẽ được chạy khi lần chạy đó kết thúc.';

export interface JobRunnerDeps {
  db: Knex;
  /** Only the schedules: which cron expression each job's `schedule` key names. */
  config: Readonly<Pick<Config, 'jobs'>>;
  clock: Clock;
  logger: Logger;
  /** The jobs, each built with its own dependencies (registry.ts). */
  jobs: readonly JobDefinition[];
  /** Where the IT Centre's alerts go (default: the notices of `db`). */
  notifications?: Pick<NotificationsService, 'notifyRoles'>;
}

const MAX_ERROR = 2000;

/**
 * Jobs running in this process (name → period), per database handle: two runners sharing one handle (PGlite's single
 * session, where advisory locks are re-entrant) must still exclude each other.
 */
const runningInProcess = new WeakMap<Knex, Map<string, string>>();

/** Who wants to know that a run was recorded on a database handle (any runner on it: health.ts drops its cache). */
const recordListeners = new WeakMap<Knex, Set<() => void>>();

function listenersOf(db: Knex): Set<() => void> {
  const listeners = recordListeners.get(db) ?? new Set<() => void>();
  recordListeners.set(db, listeners);
  return listeners;
}

export interface JobRunner {
  readonly jobs: readonly JobDefinition[];
  readonly repo: JobRunsRepository;
  scheduleOf(job: JobDefinition): string | null;
  duePeriod(job: JobDefinition, now: Date, trigger: JobTrigger): string | null;
  run(name: string, opts: RunOptions): Promise<RunResult>;
  /** Runs the periods of `name` skipped for the lock that have no success yet, oldest first. */
  retrySkipped(name: string, trigger: JobTrigger): Promise<RunResult[]>;
  catchUp(): Promise<RunResult[]>;
  drain(timeoutMs: number): Promise<void>;
  /** Called after every run recorded by any runner on the same database handle (health.ts drops its cached view). */
  onRecorded(listener: () => void): void;
}

/**
 * Issue 19 item 4: a failed run, or a due period skipped because the lock was held, raises one notice to every
 * it_admin (e-mailed by the notice-mail jobs when SMTP is configured), one per job and period (dedupe key), in
 * Vietnamese, linking to the job's runs. Never throws: an alert that cannot be written is logged.
 */
function alerter(notifications: Pick<NotificationsService, 'notifyRoles'>, db: Knex, logger: Logger, jobs: readonly JobDefinition[]) {
  const titleOf = (name: string) => {
    const job = jobs.find((j) => j.name === name);
    return job ? jobTitle(job) : name;
  };
  return async function alert(kind: 'failed' | 'lock-skipped', job: string, period: string, detail: string): Promise<void> {
    const title = titleOf(job);
    try {
      await notifications.notifyRoles(db, ['it_admin'], {
        kind: kind === 'failed' ? 'job.failed' : 'job.lock_skipped',
        title:
          kind === 'failed'
            ? `Tác vụ định kỳ thất bại: ${title} (kỳ ${period})`
            : `Tác vụ định kỳ bị bỏ qua một kỳ: ${title} (kỳ ${period})`,
        body: detail.slice(0, 2000),
        link: paths.jobs.runs({ 'tac-vu': job, 'trang-thai': kind === 'failed' ? 'failed' : 'skipped' }),
        dedupeKey: `job.${kind}:${job}:${period}`,
      });
    } catch (err) {
      logger.error({ err, job, period }, 'job alert notice not written');
    }
  };
}

/** Records skipped runs: every manual one, and a due period skipped for the lock whatever the trigger. */
function skipRecorder(
  repo: JobRunsRepository,
  clock: Clock,
  logger: Logger,
  host: string,
  onSkippedForLock: (job: string, period: string) => Promise<void>,
) {
  async function record(job: string, period: string, opts: RunOptions, status: JobStatus, reason: string): Promise<RunResult> {
    const now = clock.now();
    // Scheduled ticks that find nothing to do are not recorded (they would fill the table); manual ones are.
    let runId: number | null = null;
    if (opts.trigger === 'manual') {
      runId = await repo.start({
        job,
        period_key: period,
        trigger: opts.trigger,
        status,
        started_at: now,
        finished_at: now,
        error: reason,
        host,
        pid: process.pid,
        requested_by: opts.requestedBy ?? null,
      });
    }
    return { job, period, status, runId, counts: null, reason };
  }

  /**
   * A due period that could not run because another run of the job held the lock. A scheduled or startup trigger
   * records it too (once per period), unless the holder is running this very period (then nothing was skipped).
   * `holderPeriods`: the periods the holder is known to run (none known: the holder just started, nothing recorded).
   */
  async function busy(job: string, period: string, opts: RunOptions, holderPeriods: readonly string[]): Promise<RunResult> {
    const result: RunResult = { job, period, status: 'skipped', runId: null, counts: null, reason: LOCK_BUSY_REASON, busy: true };
    if (!holderPeriods.some((p) => p !== period)) return { ...result, reason: 'Kỳ này đang được chạy.' };
    const existing = await repo.lockSkipOf(job, period, LOCK_BUSY_REASON);
    if (existing !== null) return { ...result, runId: existing };
    const now = clock.now();
    const runId = await repo.start({
      job,
      period_key: period,
      trigger: opts.trigger,
      status: 'skipped',
      started_at: now,
      finished_at: now,
      error: LOCK_BUSY_REASON,
      host,
      pid: process.pid,
      requested_by: opts.requestedBy ?? null,
    });
    logger.warn({ job, period, holderPeriods }, 'job period skipped: an earlier run still holds the lock');
    await onSkippedForLock(job, period);
    return { ...result, runId };
  }

  return { record, busy };
}

export function createJobRunner(deps: JobRunnerDeps): JobRunner {
  const { db, config, clock, logger, jobs } = deps;
  const repo = createJobRunsRepository(db);
  const runningHere = runningInProcess.get(db) ?? new Map<string, string>();
  runningInProcess.set(db, runningHere);
  const inFlight = new Set<Promise<unknown>>();
  const host = os.hostname();

  function scheduleOf(job: JobDefinition): string | null {
    return job.schedule ? (config.jobs.schedules[job.schedule] ?? null) : null;
  }

  /** The period due at `now`, or null (nothing due). */
  function duePeriod(job: JobDefinition, now: Date, trigger: JobTrigger): string | null {
    if (job.period) return job.period(now);
    const schedule = scheduleOf(job);
    // A job without a period of its own, run by hand: each manual run is its own period (a backup made on demand).
    if (trigger === 'manual' || !schedule) return trigger === 'manual' ? `manual:${localStamp(now)}` : null;
    const fired = previousFire(schedule, now);
    return fired ? localStamp(fired) : null;
  }

  const alert = alerter(deps.notifications ?? createNotificationsService(createNotificationsRepository(db)), db, logger, jobs);
  const { record, busy } = skipRecorder(repo, clock, logger, host, (job, period) => alert('lock-skipped', job, period, LOCK_BUSY_REASON));
  async function execute(job: JobDefinition, opts: RunOptions): Promise<RunResult> {
    const period = opts.period ?? duePeriod(job, clock.now(), opts.trigger);
    if (!period) {
      if (opts.trigger === 'manual') return record(job.name, '-', opts, 'skipped', 'Chưa đến kỳ chạy của tác vụ này.');
      return { job: job.name, period: null, status: 'idle', runId: null, counts: null, reason: 'nothing due' };
    }
    if (await repo.hasSucceeded(job.name, period)) return record(job.name, period, opts, 'skipped', 'Kỳ này đã chạy thành công.');
    const lock = await tryAdvisoryLock(db, `job:${job.name}`);
    if (!lock) {
      if (opts.trigger === 'manual') return record(job.name, period, opts, 'skipped', 'Tác vụ đang chạy ở một tiến trình khác.');
      return busy(job.name, period, opts, await repo.runningPeriods(job.name));
    }
    let runId: number | null = null;
    try {
      // Under the lock: another instance may have just finished this period.
      if (await repo.hasSucceeded(job.name, period)) return record(job.name, period, opts, 'skipped', 'Kỳ này đã chạy thành công.');
      const stale = await repo.markInterrupted(job.name, clock.now());
      if (stale.length > 0) logger.warn({ job: job.name, stale }, 'job runs left running by a stopped process marked failed');
      for (const p of stale) await alert('failed', job.name, p, INTERRUPTED);
      runId = await repo.start({
        job: job.name,
        period_key: period,
        trigger: opts.trigger,
        status: 'running',
        started_at: clock.now(),
        host,
        pid: process.pid,
        requested_by: opts.requestedBy ?? null,
      });
      logger.info({ job: job.name, period, trigger: opts.trigger, runId }, 'job started');
      try {
        const counts = await job.run({ period, trigger: opts.trigger, logger: logger.child({ job: job.name }) });
        try {
          await repo.finish(runId, 'succeeded', clock.now(), counts, null);
        } catch (err) {
          // The partial unique index: this period succeeded elsewhere meanwhile (cannot happen under the lock, unless
          // the lock's connection was lost during the run).
          if ((err as { code?: string }).code !== '23505') throw err;
          await repo.finish(runId, 'skipped', clock.now(), counts, 'Kỳ này đã chạy thành công ở nơi khác.');
          return { job: job.name, period, status: 'skipped', runId, counts, reason: 'duplicate' };
        }
        logger.info({ job: job.name, period, runId, counts }, 'job succeeded');
        return { job: job.name, period, status: 'succeeded', runId, counts, reason: null };
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        await repo.finish(runId, 'failed', clock.now(), null, message.slice(0, MAX_ERROR));
        logger.error({ err, job: job.name, period, runId }, 'job failed');
        if (!job.notifiesFailures) await alert('failed', job.name, period, `Lỗi: ${message}`);
        return { job: job.name, period, status: 'failed', runId, counts: null, reason: message };
      }
    } finally {
      await lock.release();
    }
  }

  /** Runs one job now (it may be skipped: period done, or running elsewhere). Never throws for a job failure. */
  async function run(name: string, opts: RunOptions): Promise<RunResult> {
    const job = jobs.find((j) => j.name === name);
    if (!job) throw new Error(`Unknown job ${name}`);
    const holder = runningHere.get(name);
    if (holder !== undefined) {
      const period = opts.trigger === 'manual' ? null : (opts.period ?? duePeriod(job, clock.now(), opts.trigger));
      if (period) return busy(name, period, opts, [holder]);
      return record(name, opts.period ?? '-', opts, 'skipped', 'Tác vụ đang chạy trong tiến trình này.');
    }
    const period = opts.period ?? duePeriod(job, clock.now(), opts.trigger);
    runningHere.set(name, period ?? '-');
    const p = execute(job, period ? { ...opts, period } : opts).finally(() => {
      runningHere.delete(name);
      for (const listener of listenersOf(db)) listener();
    });
    inFlight.add(p);
    try {
      return await p;
    } finally {
      inFlight.delete(p);
    }
  }

  async function retrySkipped(name: string, trigger: JobTrigger): Promise<RunResult[]> {
    const out: RunResult[] = [];
    for (const period of await repo.pendingLockSkips(name, LOCK_BUSY_REASON)) {
      logger.info({ job: name, period }, 'running a period skipped for the lock');
      const r = await run(name, { trigger, period });
      out.push(r);
      if (r.busy) break;
    }
    return out;
  }

  return {
    jobs,
    run,
    retrySkipped,
    scheduleOf,
    duePeriod,

    /**
     * At startup: every scheduled job's periods skipped for the lock and still without a success, then its latest
     * due period when it has no successful run, one after another.
     */
    async catchUp(): Promise<RunResult[]> {
      const out: RunResult[] = [];
      for (const job of jobs) {
        if (!scheduleOf(job)) continue;
        out.push(...(await retrySkipped(job.name, 'startup')));
        const period = duePeriod(job, clock.now(), 'startup');
        if (!period || (await repo.hasSucceeded(job.name, period))) continue;
        logger.info({ job: job.name, period }, 'catching up on a missed period');
        out.push(await run(job.name, { trigger: 'startup', period }));
      }
      return out;
    },

    /** Resolves when the runs in flight have finished (or after `timeoutMs`). */
    async drain(timeoutMs: number): Promise<void> {
      if (inFlight.size === 0) return;
      await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    },
    onRecorded(listener: () => void): void {
      listenersOf(db).add(listener);
    },

    repo,
  };
}
