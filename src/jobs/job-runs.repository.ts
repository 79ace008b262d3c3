/** SQL of `job_runs` (Knex only). */
import type { Knex } from 'knex';

export type JobStatus = 'running' | 'succeeded' | 'failed' | 'skipped';

export interface JobRunRow {
  id: number;
  job: string;
  period_key: string;
  trigger: string;
  status: JobStatus;
  started_at: Date;
  finished_at: Date | null;
  counts: Record<string, number> | null;
  error: string | null;
  host: string | null;
  pid: number | null;
  requested_by: number | null;
  requested_by_name?: string | null;
}

export interface JobRunFilters {
  job?: string;
  status?: JobStatus;
  /** Runs started at or after this instant. */
  since?: Date;
}

export interface JobHealthRow {
  job: string;
  /** When its latest successful run finished. */
  lastSuccess: Date | null;
  /** Its latest run that succeeded or failed (skipped runs do not count). */
  lastStatus: JobStatus | null;
  lastPeriod: string | null;
  lastError: string | null;
  /** Failed runs recorded (the table is pruned never: a counter for Prometheus). */
  failures: number;
}

/** The error recorded for a run its process left `running` when it stopped. */
export const INTERRUPTED = 'Bị gián đoạn (tiến trình dừng khi tác vụ đang chạy).';

export function createJobRunsRepository(db: Knex) {
  return {
    async hasSucceeded(job: string, period: string): Promise<boolean> {
      const row = await db('job_runs').where({ job, period_key: period, status: 'succeeded' }).first('id');
      return Boolean(row);
    },

    /** The periods of the job's runs in progress (any instance; a row left by a dead process included). */
    async runningPeriods(job: string): Promise<string[]> {
      const rows = await db('job_runs').where({ job, status: 'running' }).select<{ period_key: string }[]>('period_key');
      return rows.map((r) => r.period_key);
    },

    /** The id of the run recording `period` as skipped for the lock (`reason`), if any. */
    async lockSkipOf(job: string, period: string, reason: string): Promise<number | null> {
      const row = await db('job_runs').where({ job, period_key: period, status: 'skipped', error: reason }).first('id');
      return row ? Number(row.id) : null;
    },

    /** Periods recorded as skipped for the lock (`reason`) that have no successful run yet, oldest first. */
    async pendingLockSkips(job: string, reason: string): Promise<string[]> {
      const rows = await db('job_runs as r')
        .where({ 'r.job': job, 'r.status': 'skipped', 'r.error': reason })
        .whereNotExists(
          db('job_runs as s')
            .where('s.job', job)
            .where('s.status', 'succeeded')
            .whereRaw('s.period_key = r.period_key')
            .select(db.raw('1')),
        )
        .groupBy('r.period_key')
        .orderByRaw('min(r.id)')
        .select<{ period_key: string }[]>('r.period_key');
      return rows.map((r) => r.period_key);
    },

    /** Rows left `running` by a process that died (their periods): only called while holding the job's lock. */
    async markInterrupted(job: string, at: Date): Promise<string[]> {
      const rows = await db('job_runs')
        .where({ job, status: 'running' })
        .update({ status: 'failed', finished_at: at, error: INTERRUPTED })
        .returning<{ period_key: string }[]>('period_key');
      return rows.map((r) => r.period_key);
    },

    async start(row: {
      job: string;
      period_key: string;
      trigger: string;
      status: JobStatus;
      started_at: Date;
      host: string;
      pid: number;
      requested_by: number | null;
      finished_at?: Date | null;
      error?: string | null;
    }): Promise<number> {
      const [r] = await db('job_runs').insert(row).returning<{ id: number }[]>('id');
      return Number(r?.id);
    },

    async finish(id: number, status: JobStatus, at: Date, counts: Record<string, number> | null, error: string | null): Promise<void> {
      await db('job_runs')
        .where({ id })
        .update({ status, finished_at: at, counts: counts ? JSON.stringify(counts) : null, error });
    },

    async list(f: JobRunFilters, page: number, pageSize: number): Promise<{ rows: JobRunRow[]; total: number }> {
      const base = () => {
        const q = db('job_runs as r');
        if (f.job) q.where('r.job', f.job);
        if (f.status) q.where('r.status', f.status);
        if (f.since) q.where('r.started_at', '>=', f.since);
        return q;
      };
      const [rows, total] = await Promise.all([
        base()
          .leftJoin('users as u', 'u.id', 'r.requested_by')
          .select<JobRunRow[]>('r.*', 'u.display_name as requested_by_name')
          .orderBy([
            { column: 'r.started_at', order: 'desc' },
            { column: 'r.id', order: 'desc' },
          ])
          .limit(pageSize)
          .offset((page - 1) * pageSize),
        base().count<{ n: number }[]>('* as n').first(),
      ]);
      return { rows: rows.map((r) => ({ ...r, id: Number(r.id) })), total: Number(total?.n ?? 0) };
    },

    /** The latest run of each job (for the job list). */
    async latestByJob(): Promise<Map<string, JobRunRow>> {
      const rows = await db
        .select<JobRunRow[]>('*')
        .from(db('job_runs').select('*', db.raw('row_number() over (partition by job order by started_at desc, id desc) as rn')).as('x'))
        .where('rn', 1);
      return new Map(rows.map((r) => [r.job, r]));
    },

    /**
     * For /readyz and /metrics (issue 19 item 4), per job named: the end of its latest success, its latest run that
     * succeeded or failed, and how many runs failed. Index-backed lookups per job (`job, started_at`; failed rows
     * through `status, started_at`), never a scan of the whole table.
     */
    async healthOf(jobs: readonly string[]): Promise<JobHealthRow[]> {
      if (jobs.length === 0) return [];
      const values = jobs.map(() => '(?)').join(', ');
      const { rows } = (await db.raw(
        `SELECT j.job,
           (SELECT r.finished_at FROM job_runs r WHERE r.job = j.job AND r.status = 'succeeded'
             ORDER BY r.started_at DESC, r.id DESC LIMIT 1) AS last_success,
           l.status AS last_status, l.period_key AS last_period, l.error AS last_error,
           (SELECT count(*) FROM job_runs r WHERE r.job = j.job AND r.status = 'failed') AS failures
         FROM (VALUES ${values}) AS j(job)
         LEFT JOIN LATERAL (
           SELECT r.status, r.period_key, r.error FROM job_runs r WHERE r.job = j.job AND r.status IN ('succeeded', 'failed')
           ORDER BY r.started_at DESC, r.id DESC LIMIT 1
         ) l ON true`,
        [...jobs],
      )) as {
        rows: {
          job: string;
          last_success: Date | string | null;
          last_status: JobStatus | null;
          last_period: string | null;
          last_error: string | null;
          failures: number | string;
        }[];
      };
      return rows.map((r) => ({
        job: r.job,
        lastSuccess: r.last_success === null ? null : new Date(r.last_success),
        lastStatus: r.last_status,
        lastPeriod: r.last_period,
        lastError: r.last_error,
        failures: Number(r.failures),
      }));
    },

    find(id: number): Promise<JobRunRow | undefined> {
      return db<JobRunRow>('job_runs').where({ id }).first();
    },
  };
}

export type JobRunsRepository = ReturnType<typeof createJobRunsRepository>;
