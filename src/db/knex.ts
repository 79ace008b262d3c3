/**
 * One Knex instance over either backend:
 *  - PostgreSQL (15+) through `pg` when DATABASE_URL is set: pooled, with an error listener on every client;
 *  - embedded PGlite (PostgreSQL compiled to WASM) otherwise, with unaccent and pg_trgm loaded.
 * Both run the same migrations and the same queries.
 */
import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import knexFactory, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import pg from 'pg';
import type { Logger } from 'pino';

export type Backend = 'postgres' | 'pglite';

export interface Database {
  knex: Knex;
  backend: Backend;
  /** The embedded instance, when the backend is PGlite (used by backup and test helpers). */
  pglite: PGlite | null;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | {
      backend: 'postgres';
      url: string;
      poolMax?: number;
      acquireTimeoutMs?: number;
      logger?: Logger;
      /** The connections' application_name (pg_stat_activity), 'csdl-hoi' by default. */
      applicationName?: string;
      /** Called when a pooled connection loses its server (besides the log), e.g. to stop reading a replica at once. */
      onClientError?: (err: Error) => void;
    }
  | { backend: 'pglite'; dataDir: string | null; loadDataDir?: Blob | File; acquireTimeoutMs?: number; logger?: Logger };

/**
 * How long a query waits for a pooled connection before it fails (DATABASE_ACQUIRE_TIMEOUT_MS). The failure is a
 * KnexTimeoutError ("Timeout acquiring a connection"), which the error handler answers with 503 + Retry-After
 * (RELIABILITY checks 36, 41): a bounded wait instead of a queue that grows until every client has given up.
 * The app passes its configured value (default 2.5 s); scripts and tests that open a database directly keep 10 s.
 */
export const DEFAULT_ACQUIRE_TIMEOUT_MS = 10_000;

/**
 * Queries waiting for a pooled connection right now (tarn's pending acquires): the load shedding refuses new requests
 * past DATABASE_QUEUE_MAX of them (RELIABILITY check 41).
 */
export function pendingAcquires(knex: Knex): number {
  const pool = (knex.client as { pool?: { numPendingAcquires?(): number } | null }).pool;
  return pool?.numPendingAcquires?.() ?? 0;
}

// Return bigint (int8) columns such as count(*) and bigserial ids as JS numbers: every id and count
// in this application stays far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number.parseInt(v, 10));
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (v) => Number.parseFloat(v));
// DATE stays the calendar day 'YYYY-MM-DD' it is: no time zone shifts (dates are shown as dd/mm/yyyy).
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export const PGLITE_EXTENSIONS = { unaccent, pg_trgm };

export async function createPglite(dataDir: string | null, loadDataDir?: Blob | File): Promise<PGlite> {
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  return PGlite.create({
    ...(dataDir ? { dataDir } : {}),
    ...(loadDataDir ? { loadDataDir } : {}),
    extensions: PGLITE_EXTENSIONS,
    parsers: {
      20: (v: string) => Number.parseInt(v, 10),
      1700: (v: string) => Number.parseFloat(v),
      1082: (v: string) => v,
    },
  });
}

export async function createDatabase(options: DatabaseOptions): Promise<Database> {
  if (options.backend === 'postgres') {
    const logger = options.logger;
    const knex = knexFactory({
      client: 'pg',
      connection: { connectionString: options.url, application_name: options.applicationName ?? 'csdl-hoi' },
      pool: {
        min: 0,
        max: options.poolMax ?? 10,
        // RELIABILITY rule 7: an idle client that loses its server must not crash the process.
        afterCreate(conn: pg.Client, done: (err: Error | null, conn: pg.Client) => void) {
          conn.on('error', (err) => {
            logger?.error({ err }, 'postgres client error');
            options.onClientError?.(err);
          });
          done(null, conn);
        },
      },
      acquireConnectionTimeout: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
    });
    return {
      knex,
      backend: 'postgres',
      pglite: null,
      close: () => knex.destroy(),
    };
  }
  const pglite = await createPglite(options.dataDir, options.loadDataDir);
  const knex = knexFactory({
    client: ClientPgLite as unknown as typeof knexFactory.Client,
    dialect: 'postgres',
    connection: () => ({ pglite }) as object,
    acquireConnectionTimeout: options.acquireTimeoutMs ?? DEFAULT_ACQUIRE_TIMEOUT_MS,
  } as Knex.Config);
  return {
    knex,
    backend: 'pglite',
    pglite,
    close: async () => {
      await knex.destroy();
      if (!pglite.closed) await pglite.close();
    },
  };
}
