/**
 * The jobs' health for /readyz and /metrics (issue 19 item 4): per job, the end of its latest success, whether its
 * latest run (succeeded or failed) failed, how many runs failed, and whether a scheduled job has gone two of its
 * periods without a success. Read with one query (job-runs.repository.ts `healthOf`), cached a few seconds so a
 * probe polled often and a scrape share it; the runner drops the cache whenever it records a run.
 */
// server-text-file: the reasons go only to /readyz JSON for monitoring and operators (docs/alerts.md), never a page
import type { Clock } from '../lib/clock.js';
import { previousFire } from '../lib/cron.js';
import { jobTitle } from './job.js';
import type { JobHealthRow } from './job-runs.repository.js';
import type { JobRunner } from './runner.js';

export interface JobHealth extends JobHealthRow {
  /** Vietnamese name of the job. */
  title: string;
  /** A scheduled job without a success since two of its firings (jobs with their own period are not judged). */
  stale: boolean;
}

export interface JobsHealthView {
  jobs: JobHealth[];
  /** Vietnamese reasons the service is degraded (empty: every job is fine). */
  reasons: string[];
}

const CACHE_MS = 5_000;

/** The firing before the latest one: a success older than this means two periods went by without one. */
function secondPreviousFire(schedule: string, now: Date): Date | null {
  const latest = previousFire(schedule, now);
  return latest ? previousFire(schedule, new Date(latest.getTime() - 1)) : null;
}

export function createJobsHealth(deps: { runner: JobRunner; clock: Clock; cacheMs?: number }) {
  const { runner, clock } = deps;
  const cacheMs = deps.cacheMs ?? CACHE_MS;
  let cached: { at: number; view: Promise<JobsHealthView> } | null = null;
  runner.onRecorded(() => {
    cached = null;
  });

  async function compute(): Promise<JobsHealthView> {
    const now = clock.now();
    const rows = await runner.repo.healthOf(runner.jobs.map((j) => j.name));
    const jobs: JobHealth[] = [];
    const reasons: string[] = [];
    for (const row of rows) {
      const job = runner.jobs.find((j) => j.name === row.job);
      if (!job) continue;
      const title = jobTitle(job);
      const schedule = runner.scheduleOf(job);
      // A job with its own period (a quarter, a day it decides) succeeds once per period, not once per firing.
      const before = schedule && !job.period && row.lastSuccess ? secondPreviousFire(schedule, now) : null;
      const stale = before !== null && row.lastSuccess !== null && row.lastSuccess < before;
      jobs.push({ ...row, title, stale });
      if (row.lastStatus === 'failed') reasons.push(`tác vụ "${title}" thất bại ở lần chạy gần nhất (kỳ ${row.lastPeriod ?? '-'})`);
      else if (stale) reasons.push(`tác vụ "${title}" đã quá hai kỳ chưa chạy thành công`);
    }
    return { jobs, reasons };
  }

  return {
    /** The current view (cached `cacheMs`; a failed read is not cached). */
    view(): Promise<JobsHealthView> {
      const t = performance.now();
      if (cached && t - cached.at < cacheMs) return cached.view;
      const view = compute();
      const entry = { at: t, view };
      cached = entry;
      view.catch(() => {
        if (cached === entry) cached = null;
      });
      return view;
    },
  };
}

export type JobsHealth = ReturnType<typeof createJobsHealth>;
