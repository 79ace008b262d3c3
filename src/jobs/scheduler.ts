/**
 * node-cron in the app process (time zone Asia/Ho_Chi_Minh): one task per scheduled job, each firing going through
 * the job runner (advisory lock, once per period). At start, periods missed while the app was down are caught up.
 * `SCHEDULER=off` for tests and for extra instances that should not run jobs.
 */
import cron, { type ScheduledTask } from 'node-cron';
import type { Logger } from 'pino';
import { JOB_TIME_ZONE } from '../lib/cron.js';
import type { JobRunner } from './runner.js';

export interface Scheduler {
  start(options?: { catchUp?: boolean }): Promise<void>;
  /** Stops the cron tasks, then waits (≤ timeoutMs) for runs in flight. Call before closing the database. */
  stop(timeoutMs?: number): Promise<void>;
  readonly tasks: number;
}

export function createScheduler(runner: JobRunner, logger: Logger): Scheduler {
  const tasks: ScheduledTask[] = [];
  let catchUp: Promise<unknown> | null = null;
  let stopped = false;
  return {
    get tasks() {
      return tasks.length;
    },
    async start(options = {}) {
      for (const job of runner.jobs) {
        const expression = runner.scheduleOf(job);
        if (!expression) continue;
        const task = cron.createTask(
          expression,
          async () => {
            if (stopped) return;
            try {
              const r = await runner.run(job.name, { trigger: 'schedule' });
              if (r.status === 'skipped' || r.status === 'idle')
                logger.debug({ job: job.name, period: r.period, reason: r.reason }, 'job not run');
            } catch (err) {
              logger.error({ err, job: job.name }, 'scheduled job could not start');
            }
          },
          { timezone: JOB_TIME_ZONE, name: job.name, noOverlap: true },
        );
        await task.start();
        tasks.push(task);
      }
      logger.info({ jobs: tasks.map((t) => t.name) }, 'scheduler started');
      if (options.catchUp !== false) {
        catchUp = runner.catchUp().catch((err: unknown) => logger.error({ err }, 'catching up on missed jobs failed'));
      }
    },
    async stop(timeoutMs = 15_000) {
      stopped = true;
      for (const t of tasks.splice(0)) await t.destroy();
      if (catchUp) await Promise.race([catchUp, new Promise((r) => setTimeout(r, timeoutMs).unref())]);
      await runner.drain(timeoutMs);
    },
  };
}
