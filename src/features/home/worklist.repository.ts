/**
 * The counts of the staff work list (issue 18 item 4), Knex only. Each count reads an index (partial index of waiting
 * submissions, access_registrations (status, created_at), job_runs (status, started_at)) or a small table
 * (import_batches, backup_runs), and stops at `cap` + 1 rows whatever the table's size: the page says "hơn N".
 */
import type { Knex } from 'knex';

export type SubmissionKind = 'form' | 'congress';

export function createWorklistRepository(db: Knex) {
  /** Rows of `query`, counted up to cap + 1 (a LIMIT inside: the cost stops there). */
  async function capped(query: Knex.QueryBuilder, cap: number): Promise<number> {
    const row = await db
      .from(
        query
          .select(db.raw('1'))
          .limit(cap + 1)
          .as('x'),
      )
      .count<{ n: string | number }[]>({ n: '*' })
      .first();
    return Number(row?.n ?? 0);
  }

  return {
    /** Submissions of one kind waiting for the NGO Department's review (the queue's definition of waiting). */
    waitingSubmissions: (kind: SubmissionKind, cap: number) =>
      capped(db('submissions').whereIn('status', ['submitted', 'resubmitted']).where('kind', kind), cap),

    /** Public access registrations not decided yet. */
    pendingRegistrations: (cap: number) => capped(db('access_registrations').where('status', 'pending'), cap),

    /** Import batches validated and waiting to be applied. */
    importsToApply: (cap: number) => capped(db('import_batches').where('status', 'validated'), cap),

    /** Failed scheduled-job runs started since `since`. */
    failedJobRuns: (since: Date, cap: number) => capped(db('job_runs').where('status', 'failed').where('started_at', '>=', since), cap),

    /** Failed backups and restore drills started since `since`. */
    failedBackups: (since: Date, cap: number) => capped(db('backup_runs').where('status', 'failed').where('started_at', '>=', since), cap),
  };
}

export type WorklistRepository = ReturnType<typeof createWorklistRepository>;
