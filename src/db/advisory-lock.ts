/**
 * `pg_try_advisory_lock` around a job so two app instances never run it at once (RELIABILITY rule 6).
 *
 * A session-level advisory lock belongs to one database connection: it must be taken and released on the same one.
 *  - PostgreSQL (pooled `pg`): a connection is taken out of the pool for the lock and kept until release, while
 *    the job itself uses the pool as usual.
 *  - PGlite (one connection, pool of 1): holding the connection would starve the job's own queries, so the lock
 *    is taken and released through the pool; it is the same session either way. Advisory locks are re-entrant
 *    within a session, so the runner also keeps an in-process guard (two runners in one process).
 */
import type { Knex } from 'knex';

/** Lock namespace (the first int4 key): 'jobs' in ASCII. */
const NAMESPACE = 0x6a6f6273;

export interface HeldLock {
  release(): Promise<void>;
}

function dedicatedConnections(db: Knex): boolean {
  const client = db.client as { config?: { client?: unknown }; pool?: { max?: number } };
  return client.config?.client === 'pg' && (client.pool?.max ?? 1) >= 2;
}

/** The lock, or null when another session holds it. */
export async function tryAdvisoryLock(db: Knex, name: string): Promise<HeldLock | null> {
  const sql = 'select pg_try_advisory_lock(?, hashtext(?)) as ok';
  const unlockSql = 'select pg_advisory_unlock(?, hashtext(?)) as ok';
  if (!dedicatedConnections(db)) {
    const r = await db.raw<{ rows: Array<{ ok: boolean }> }>(sql, [NAMESPACE, name]);
    if (!r.rows[0]?.ok) return null;
    return {
      async release() {
        await db.raw(unlockSql, [NAMESPACE, name]);
      },
    };
  }
  const client = db.client as { acquireConnection(): Promise<unknown>; releaseConnection(c: unknown): Promise<void> };
  const conn = await client.acquireConnection();
  let ok = false;
  try {
    const r = await db.raw<{ rows: Array<{ ok: boolean }> }>(sql, [NAMESPACE, name]).connection(conn);
    ok = Boolean(r.rows[0]?.ok);
  } finally {
    if (!ok) await client.releaseConnection(conn);
  }
  if (!ok) return null;
  return {
    async release() {
      try {
        await db.raw(unlockSql, [NAMESPACE, name]).connection(conn);
      } finally {
        await client.releaseConnection(conn);
      }
    },
  };
}
