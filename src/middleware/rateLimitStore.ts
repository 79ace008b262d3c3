/**
 * Rate-limit counters in the database (issue 19 item 3): an express-rate-limit `Store` over the `rate_limit_hits`
 * table, so N instances of the application share one budget per client instead of N. Plain SQL through Knex, so it
 * runs on PostgreSQL and PGlite alike (the maintained PostgreSQL stores for express-rate-limit talk to a `pg` Pool of
 * their own and run their own migrations: neither works on PGlite).
 *
 * Fixed windows, like express-rate-limit's MemoryStore: the first hit opens a window of `windowMs`; hits within it are
 * counted; the first hit after it ends starts a new window at 1. The upsert does the counting and the reset in one
 * statement, so two instances hitting the same key at once never lose a hit. Times come from the application's Clock
 * (the tests move it). Ended windows are deleted by `prune()` (indexed on `reset_at`), which cli/start.ts runs
 * periodically on every instance (a cheap DELETE; running it twice at once is harmless).
 */
import type { ClientRateLimitInfo, Options, Store } from 'express-rate-limit';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../lib/clock.js';

const TABLE = 'rate_limit_hits';

interface HitsRow {
  hits: number | string;
  reset_at: Date | string;
}

/** Rows a DELETE removed: a number from the pg client, a result object from PGlite's. */
function deletedCount(res: unknown): number {
  if (typeof res === 'number') return res;
  const r = res as { rowCount?: number; affectedRows?: number };
  return Number(r.rowCount ?? r.affectedRows ?? 0);
}

function toInfo(row: HitsRow): ClientRateLimitInfo {
  return { totalHits: Number(row.hits), resetTime: new Date(row.reset_at) };
}

export class KnexRateLimitStore implements Store {
  /** Hits counted by one instance are seen by every other: express-rate-limit's double-count checks do not apply. */
  readonly localKeys = false;
  private windowMs = 60_000;

  constructor(
    private readonly db: Knex,
    private readonly clock: Clock,
    /** Which limiter the counters belong to (one store per limiter): part of the row's key. */
    readonly prefix: string,
  ) {}

  init(options: Options): void {
    this.windowMs = options.windowMs;
  }

  async get(key: string): Promise<ClientRateLimitInfo | undefined> {
    const row = (await this.db(TABLE)
      .first('hits', 'reset_at')
      .where({ limiter: this.prefix, key })
      .andWhere('reset_at', '>', this.clock.now())) as HitsRow | undefined;
    return row ? toInfo(row) : undefined;
  }

  async increment(key: string): Promise<ClientRateLimitInfo> {
    const now = this.clock.now();
    const resetAt = new Date(now.getTime() + this.windowMs);
    const res = await this.db.raw<{ rows: HitsRow[] }>(
      `INSERT INTO ${TABLE} AS r (limiter, key, hits, reset_at) VALUES (?, ?, 1, ?::timestamptz)
       ON CONFLICT (limiter, key) DO UPDATE SET
         hits = CASE WHEN r.reset_at <= ?::timestamptz THEN 1 ELSE r.hits + 1 END,
         reset_at = CASE WHEN r.reset_at <= ?::timestamptz THEN excluded.reset_at ELSE r.reset_at END
       RETURNING hits, reset_at`,
      [this.prefix, key, resetAt, now, now],
    );
    const row = res.rows[0];
    if (!row) throw new Error('rate limit upsert returned no row');
    return toInfo(row);
  }

  async decrement(key: string): Promise<void> {
    await this.db(TABLE)
      .where({ limiter: this.prefix, key })
      .andWhere('reset_at', '>', this.clock.now())
      .andWhere('hits', '>', 0)
      .update({ hits: this.db.raw('hits - 1') });
  }

  async resetKey(key: string): Promise<void> {
    await this.db(TABLE).where({ limiter: this.prefix, key }).delete();
  }

  async resetAll(): Promise<void> {
    await this.db(TABLE).where({ limiter: this.prefix }).delete();
  }
}

/** The stores of one application: one per limiter, over one table, with the clean-up of ended windows. */
export interface RateLimitStores {
  /** A store for the limiter named `prefix`, or undefined for express-rate-limit's own memory store. */
  store(prefix: string): Store | undefined;
  /** Deletes the rows whose window has ended (every limiter); returns how many. */
  prune(): Promise<number>;
  startPruning(intervalMs?: number): void;
  stopPruning(): void;
}

export function createRateLimitStores(deps: { db: Knex; clock: Clock; logger?: Logger; kind: 'database' | 'memory' }): RateLimitStores {
  let timer: NodeJS.Timeout | null = null;
  const prune = async (): Promise<number> =>
    deps.kind === 'database' ? deletedCount(await deps.db(TABLE).where('reset_at', '<=', deps.clock.now()).delete()) : 0;
  return {
    store: (prefix) => (deps.kind === 'database' ? new KnexRateLimitStore(deps.db, deps.clock, prefix) : undefined),
    prune,
    startPruning(intervalMs = 5 * 60_000) {
      if (deps.kind !== 'database' || timer) return;
      timer = setInterval(() => {
        prune().catch((err: unknown) => deps.logger?.warn({ err }, 'rate limit prune failed'));
      }, intervalMs);
      timer.unref();
    },
    stopPruning() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}
