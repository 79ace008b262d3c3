/**
 * Reads sent to a streaming replica (issue 19 item 2, DATABASE_REPLICA_URL).
 *
 * The public pages, the open data and the reports read through `reads` (or `shared`), a Knex that picks, for each
 * statement it starts, the replica or the primary:
 *  - the replica while it is in use: the last probe (every DATABASE_REPLICA_CHECK_MS, never per query) reached it,
 *    found it in recovery and its lag within DATABASE_REPLICA_MAX_LAG_SECONDS; a connection error on it takes it out
 *    at once, until a probe finds it well again;
 *  - the primary otherwise, and — for `reads`, not `shared` — for the whole of a request that must see its user's
 *    own writes (`withRequest(true, …)`, set by middleware/read-after-write.ts).
 * `shared` serves what is the same for every visitor and kept in memory (the public data version, the search index):
 * one user's window must not make the process-wide version go back and forth.
 * Everything else in the application is given the primary's Knex directly; writes never go through these.
 *
 * The lag is an upper bound: the time since the latest moment at which everything the primary had written was
 * replayed on the replica (from the primary's WAL position sampled at each probe), or since the replica's last
 * replayed commit, whichever is shorter; 0 when the replica has replayed everything the primary had at the probe.
 */
// server-text-file: replica states for /readyz (JSON for monitoring) and the logs, not a page
import { AsyncLocalStorage } from 'node:async_hooks';
import type { Knex } from 'knex';

export type ReadTarget = 'replica' | 'primary';

/** What the probe read: the replica's recovery state, its replay position and its last replayed commit. */
export interface ReplicaProbe {
  /** The primary's WAL position (read first) and when it was read (ms). */
  primaryLsn: bigint;
  at: number;
  /** False when the server answering is not a standby (promoted, or the primary's own URL). */
  inRecovery: boolean;
  replayLsn: bigint | null;
  /** Seconds since the replica's last replayed commit, per its own clock (null before any). */
  sinceReplaySeconds: number | null;
}

export interface ReplicaState {
  configured: boolean;
  /** The replica answers `reads` and `shared` now. */
  inUse: boolean;
  /** The last probe reached a standby. */
  reachable: boolean;
  lagSeconds: number | null;
  lagBytes: number | null;
  maxLagSeconds: number;
  checkedAt: Date | null;
  /** Why the replica is not in use (Vietnamese, for /readyz), null when it is. */
  reason: string | null;
  /** Statements started through `reads` (a request's own reads), by where they went. */
  statements: Record<ReadTarget, number>;
  /** Statements started through `shared` (the caches' and the search index's reads, mostly in the background). */
  sharedStatements: Record<ReadTarget, number>;
}

export interface ReadRouter {
  readonly configured: boolean;
  /** Reads of a request: the primary when the request must see its user's writes, else as `shared`. */
  readonly reads: Knex;
  /** Reads the same for every visitor (caches, the search index): the replica while in use, else the primary. */
  readonly shared: Knex;
  /** How long after a write its user's reads stay on the primary (ms); 0 without a replica. */
  readonly readAfterWriteMs: number;
  /** Runs `fn` (a request's handling) with its choice: `needsPrimary` sends its `reads` to the primary. */
  withRequest<T>(needsPrimary: boolean, fn: () => T): T;
  /** Whether the current request's reads go to the primary because of its user's recent write. */
  requestNeedsPrimary(): boolean;
  /** A replica connection failed (its pool's error listener): a connection error takes the replica out at once. */
  connectionLost(err: unknown): void;
  state(): ReplicaState;
  /** One probe now (the timer calls it; tests call it directly). */
  probe(): Promise<void>;
  start(): void;
  stop(): void;
  /** Stops the probe and closes the replica's pool (the primary's stays open). */
  close(): Promise<void>;
}

/** A Knex that forwards every call and property to the instance `pick()` names at that moment. */
export function routedKnex(pick: () => Knex): Knex {
  const target = function routed() {} as unknown as Knex;
  return new Proxy(target, {
    apply(_t, _this, args: unknown[]) {
      return (pick() as unknown as (...a: unknown[]) => unknown)(...args);
    },
    get(_t, prop) {
      const k = pick();
      const value = Reflect.get(k, prop) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(k) : value;
    },
  });
}

/** Without a replica: every read on the primary, nothing to probe. */
export function primaryOnly(primary: Knex): ReadRouter {
  const statements = { replica: 0, primary: 0 };
  const sharedStatements = { replica: 0, primary: 0 };
  return {
    configured: false,
    reads: primary,
    shared: primary,
    readAfterWriteMs: 0,
    withRequest: (_needsPrimary, fn) => fn(),
    requestNeedsPrimary: () => false,
    connectionLost() {},
    state: () => ({
      configured: false,
      inUse: false,
      reachable: false,
      lagSeconds: null,
      lagBytes: null,
      maxLagSeconds: 0,
      checkedAt: null,
      reason: null,
      statements,
      sharedStatements,
    }),
    probe: () => Promise.resolve(),
    start() {},
    stop() {},
    close: () => Promise.resolve(),
  };
}

/** Errors that mean the replica's server is gone or going: connection refused or reset, shutdown, crash. */
export function isConnectionError(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND'].includes(code)) return true;
  // 57P01-57P03: admin shutdown, crash shutdown, cannot connect now; class 08: connection exceptions.
  if (/^57P0[123]$/.test(code) || /^08/.test(code)) return true;
  const message = typeof e?.message === 'string' ? e.message : '';
  return /Connection terminated|connection timeout|Timeout acquiring a connection/i.test(message);
}

export interface ReadRouterOptions {
  primary: Knex;
  replica: Knex;
  maxLagSeconds: number;
  checkMs: number;
  readAfterWriteMs: number;
  /** Reads the positions (default: `probeReplica` over the two Knex instances); tests pass a fake. */
  probeFn?: () => Promise<ReplicaProbe>;
  now?: () => number;
  logger?: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Closes the replica's pool (default: replica.destroy()). */
  closeReplica?: () => Promise<void>;
}

const PROBE_SQL = `SELECT pg_is_in_recovery() AS recovery, pg_last_wal_replay_lsn()::text AS replay,
  extract(epoch FROM clock_timestamp() - pg_last_xact_replay_timestamp())::float8 AS since`;

/** Parses a pg_lsn ('16/B374D848') into a number of bytes. */
export function parseLsn(lsn: string | null | undefined): bigint | null {
  if (!lsn) return null;
  const [hi, lo] = lsn.split('/');
  if (hi === undefined || lo === undefined) return null;
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

/** The primary's WAL position, then the replica's replay state (in this order: see the module comment). */
export async function probeReplica(primary: Knex, replica: Knex, timeoutMs: number): Promise<ReplicaProbe> {
  const p = await primary.raw<{ rows: Array<{ lsn: string }> }>('SELECT pg_current_wal_lsn()::text AS lsn').timeout(timeoutMs);
  const at = Date.now();
  const primaryLsn = parseLsn(p.rows[0]?.lsn) ?? 0n;
  const r = await replica
    .raw<{ rows: Array<{ recovery: boolean; replay: string | null; since: number | null }> }>(PROBE_SQL)
    .timeout(timeoutMs, { cancel: true });
  const row = r.rows[0];
  return {
    primaryLsn,
    at,
    inRecovery: row?.recovery === true,
    replayLsn: parseLsn(row?.replay),
    sinceReplaySeconds: row?.since === null || row?.since === undefined ? null : Number(row.since),
  };
}

/** The primary's positions of the last probes, to bound the lag when the replica is behind (see the module comment). */
const HISTORY = 120;

/** The lag bound from a probe and the primary's earlier positions (`history`, oldest first). */
export function lagOf(probe: ReplicaProbe, history: ReadonlyArray<{ lsn: bigint; at: number }>, now: number): number | null {
  if (probe.replayLsn === null) return null;
  if (probe.replayLsn >= probe.primaryLsn) return 0;
  let bound: number | null = probe.sinceReplaySeconds === null ? null : Math.max(0, probe.sinceReplaySeconds);
  // The latest earlier sample the replica has passed: everything committed before it is on the replica.
  for (let i = history.length - 1; i >= 0; i--) {
    const h = history[i] as { lsn: bigint; at: number };
    if (h.lsn <= probe.replayLsn) {
      const since = Math.max(0, (now - h.at) / 1000);
      bound = bound === null ? since : Math.min(bound, since);
      break;
    }
  }
  return bound;
}

/** The router over a primary and a replica (PostgreSQL only). The probe starts with `start()`. */
export function createReadRouter(options: ReadRouterOptions): ReadRouter {
  const { primary, replica, maxLagSeconds, checkMs, readAfterWriteMs, logger } = options;
  const now = options.now ?? Date.now;
  const probeFn = options.probeFn ?? (() => probeReplica(primary, replica, Math.max(1000, checkMs)));
  const requests = new AsyncLocalStorage<{ primary: boolean }>();
  const statements: Record<ReadTarget, number> = { replica: 0, primary: 0 };
  const sharedStatements: Record<ReadTarget, number> = { replica: 0, primary: 0 };
  const history: Array<{ lsn: bigint; at: number }> = [];
  let inUse = false;
  let reachable = false;
  let lagSeconds: number | null = null;
  let lagBytes: number | null = null;
  let checkedAt: Date | null = null;
  let reason: string | null = 'bản sao chỉ đọc chưa được kiểm tra lần nào';
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> | null = null;

  function use(next: boolean, why: string | null): void {
    if (next !== inUse) {
      if (next) logger?.info({ lagSeconds }, 'read replica in use');
      else logger?.warn({ reason: why, lagSeconds }, 'read replica not in use; reads go to the primary');
    }
    inUse = next;
    reason = why;
  }

  function target(counts: Record<ReadTarget, number>, needsPrimary: boolean): Knex {
    if (inUse && !needsPrimary) {
      counts.replica++;
      return replica;
    }
    counts.primary++;
    return primary;
  }
  const sharedTarget = () => target(sharedStatements, false);
  const requestTarget = () => target(statements, requests.getStore()?.primary === true);

  // A statement or a connection that fails because the replica's server is gone takes it out at once (the next
  // probe brings it back).
  function connectionLost(err: unknown): void {
    if (inUse && isConnectionError(err)) {
      reachable = false;
      use(false, 'mất kết nối tới bản sao chỉ đọc');
    }
  }
  replica.on('query-error', connectionLost);
  (replica.client as { pool?: { on?(event: string, cb: (id: unknown, err: unknown) => void): void } }).pool?.on?.(
    'createFail',
    (_id, err) => connectionLost(err),
  );

  async function probeOnce(): Promise<void> {
    try {
      const p = await probeFn();
      const at = now();
      checkedAt = new Date(at);
      reachable = p.inRecovery;
      lagBytes = p.replayLsn === null ? null : Math.max(0, Number(p.primaryLsn - p.replayLsn));
      lagSeconds = p.inRecovery ? lagOf(p, history, at) : null;
      history.push({ lsn: p.primaryLsn, at: p.at });
      if (history.length > HISTORY) history.shift();
      if (!p.inRecovery) use(false, 'máy chủ ở DATABASE_REPLICA_URL không phải bản sao đang nhận dữ liệu (không ở chế độ recovery)');
      else if (lagSeconds === null) use(false, 'chưa đo được độ trễ của bản sao chỉ đọc');
      else if (lagSeconds > maxLagSeconds)
        use(false, `bản sao chỉ đọc trễ ${lagSeconds.toFixed(1).replace('.', ',')} giây (quá ${maxLagSeconds} giây)`);
      else use(true, null);
    } catch (err) {
      // Logged once when it starts failing, not at every probe while the replica is away.
      if (reachable || checkedAt === null) logger?.warn({ err }, 'read replica probe failed');
      checkedAt = new Date(now());
      reachable = false;
      lagSeconds = null;
      use(false, 'không kết nối được bản sao chỉ đọc');
    }
  }

  const router: ReadRouter = {
    configured: true,
    reads: routedKnex(requestTarget),
    shared: routedKnex(sharedTarget),
    readAfterWriteMs,
    withRequest: (needsPrimary, fn) => requests.run({ primary: needsPrimary }, fn),
    requestNeedsPrimary: () => requests.getStore()?.primary === true,
    connectionLost,
    state: () => ({
      configured: true,
      inUse,
      reachable,
      lagSeconds,
      lagBytes,
      maxLagSeconds,
      checkedAt,
      reason,
      statements,
      sharedStatements,
    }),
    probe() {
      // One probe at a time: a slow replica does not pile them up.
      running ??= probeOnce().finally(() => {
        running = null;
      });
      return running;
    },
    start() {
      if (timer) return;
      void router.probe();
      timer = setInterval(() => void router.probe(), checkMs);
      timer.unref();
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
    async close() {
      router.stop();
      await running;
      await (options.closeReplica ? options.closeReplica() : replica.destroy());
    },
  };
  return router;
}
