/**
 * node-cron in the app process (time zone Asia/Ho_Chi_Minh): one task per scheduled job, each firing going through
 * the job runner (advisory lock, once per period). At start, periods missed while the app was down are caught up —
 * `catchUpDelayMs` later, so that a restarted server answers its first requests before a catch-up backup and its
 * restore drill take the machine (on the embedded PGlite a drill holds the event loop for seconds).
 * A period skipped because an earlier run still held the job's lock (recorded by the runner) is run again on the
 * job's next tick, and every LOCK_RETRY_MS until the lock frees, so that a slow run never costs a period.
 * `SCHEDULER=off` for tests and for extra instances that should not run jobs.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { JOB_TIME_ZONE } from '../lib/cron.js';
import type { JobRunner, RunResult } from './runner.js';

/** How often a period skipped for the lock is tried again while this process runs. */
export const LOCK_RETRY_MS = 60_000;

export interface Scheduler {
  start(options?: { catchUp?: boolean; catchUpDelayMs?: number }): Promise<void>;
  /** Stops the cron tasks, then waits (≤ timeoutMs) for runs in flight. Call before closing the database. */
  stop(timeoutMs?: number): Promise<void>;
  /** Resolves when the firings in progress (looking for skipped periods, then running) have finished (≤ timeoutMs). */
  settle(timeoutMs: number): Promise<void>;
  readonly tasks: number;
}

export function createScheduler(runner: JobRunner, logger: Logger, settings: { lockRetryMs?: number } = {}): Scheduler {
  const tasks: ScheduledTask[] = [];
  let catchUp: Promise<unknown> | null = null;
  let catchUpTimer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;
  const retries = new Map<string, ReturnType<typeof setTimeout>>();
  /**
   * Firings in progress. A firing reads the skipped periods before it reaches the runner, so the runner's own drain
   * does not see it yet: stop() waits for these too, or a run could start after the database is closed.
   */
  const firing = new Set<Promise<void>>();
  /** Tries the job's periods skipped for the lock again in a while (one timer per job). */
  const armRetry = (name: string) => {
    if (stopped || retries.has(name)) return;
    const timer = setTimeout(() => {
      retries.delete(name);
      if (stopped) return;
      runner.retrySkipped(name, 'schedule').then(
        (rs) => {
          if (rs.some((r) => r.busy)) armRetry(name);
        },
        (err: unknown) => logger.error({ err, job: name }, 'retrying a period skipped for the lock failed'),
      );
    }, settings.lockRetryMs ?? LOCK_RETRY_MS);
    timer.unref?.();
    retries.set(name, timer);
  };
  const fire = async (name: string) => {
    if (stopped) return;
    try {
      const results: RunResult[] = [...(await runner.retrySkipped(name, 'schedule'))];
      if (!results.some((r) => r.busy)) results.push(await runner.run(name, { trigger: 'schedule' }));
      for (const r of results) {
        if (r.status === 'skipped' || r.status === 'idle') logger.debug({ job: name, period: r.period, reason: r.reason }, 'job not run');
      }
      if (results.some((r) => r.busy)) armRetry(name);
    } catch (err) {
      logger.error({ err, job: name }, 'scheduled job could not start');
    }
  };
  const track = (p: Promise<void>) => {
    firing.add(p);
    return p.finally(() => firing.delete(p));
  };
  const settle = async (timeoutMs: number) => {
    if (firing.size > 0) await Promise.race([Promise.allSettled([...firing]), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    await runner.drain(timeoutMs);
  };
  return {
    settle,
    get tasks() {
      return tasks.length;
    },
    async start(options = {}) {
      for (const job of runner.jobs) {
        const expression = runner.scheduleOf(job);
        if (!expression) continue;
        const task = cron.createTask(expression, () => track(fire(job.name)), {
          timezone: JOB_TIME_ZONE,
          name: job.name,
          noOverlap: true,
        });
        await task.start();
        tasks.push(task);
      }
      logger.info({ jobs: tasks.map((t) => t.name) }, 'scheduler started');
      if (options.catchUp !== false) {
        const run = () => {
          catchUpTimer = null;
          if (stopped) return;
          catchUp = runner.catchUp().catch((err: unknown) => logger.error({ err }, 'catching up on missed jobs failed'));
        };
        const delay = options.catchUpDelayMs ?? 0;
        if (delay > 0) {
          logger.info({ inSeconds: Math.round(delay / 1000) }, 'catching up on missed jobs after a delay');
          catchUpTimer = setTimeout(run, delay);
          catchUpTimer.unref?.();
        } else run();
      }
    },
    async stop(timeoutMs = 15_000) {
      stopped = true;
      if (catchUpTimer) clearTimeout(catchUpTimer);
      catchUpTimer = null;
      for (const timer of retries.values()) clearTimeout(timer);
      retries.clear();
      for (const t of tasks.splice(0)) await t.destroy();
      if (catchUp) await Promise.race([catchUp, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      await settle(timeoutMs);
    },
  };
}
