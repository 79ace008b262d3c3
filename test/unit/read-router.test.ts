/**
 * Issue 19 item 2: the read router without a server — which Knex each statement goes to, the lag bound, when the
 * replica is used and when it is not (a fake probe), and the settings that are refused.
 */
import knexFactory, { type Knex } from 'knex';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import {
  createReadRouter,
  isConnectionError,
  lagOf,
  parseLsn,
  type ReadRouter,
  type ReplicaProbe,
  routedKnex,
} from '../../src/db/read-router.js';

/** Two Knex instances that only build SQL (never connect): their `userParams` name them. */
function builder(name: string): Knex {
  return knexFactory({ client: 'pg' }).withUserParams({ name });
}
const nameOf = (k: Knex) => (k.userParams as { name?: string }).name;

describe('parseLsn and the lag bound', () => {
  it('reads pg_lsn values as byte positions', () => {
    expect(parseLsn('0/0')).toBe(0n);
    expect(parseLsn('16/B374D848')).toBe((0x16n << 32n) + 0xb374d848n);
    expect(parseLsn(null)).toBeNull();
    expect(parseLsn('garbage')).toBeNull();
  });

  const probe = (p: Partial<ReplicaProbe>): ReplicaProbe => ({
    primaryLsn: 1000n,
    at: 100_000,
    inRecovery: true,
    replayLsn: 1000n,
    sinceReplaySeconds: 600,
    ...p,
  });

  it('is 0 when the replica has replayed everything the primary had, however old its last commit', () => {
    expect(lagOf(probe({ replayLsn: 1000n, sinceReplaySeconds: 3600 }), [], 100_000)).toBe(0);
    expect(lagOf(probe({ replayLsn: 1200n }), [], 100_000)).toBe(0);
  });

  it('is bounded by the earlier probe the replica has passed, when the primary was idle before the last write', () => {
    // Last commit replayed 10 min ago (an idle primary), but the replica had passed the primary's position of 2 s ago.
    const history = [
      { lsn: 900n, at: 96_000 },
      { lsn: 950n, at: 98_000 },
    ];
    expect(lagOf(probe({ replayLsn: 960n, sinceReplaySeconds: 600 }), history, 100_000)).toBe(2);
  });

  it('is bounded by the last replayed commit when that is shorter', () => {
    expect(lagOf(probe({ replayLsn: 960n, sinceReplaySeconds: 0.3 }), [{ lsn: 900n, at: 90_000 }], 100_000)).toBe(0.3);
  });

  it('grows while replay is paused and the primary writes', () => {
    const history = [{ lsn: 900n, at: 90_000 }];
    expect(lagOf(probe({ replayLsn: 900n, sinceReplaySeconds: 15 }), history, 100_000)).toBe(10);
    expect(lagOf(probe({ replayLsn: 900n, sinceReplaySeconds: 25 }), history, 110_000)).toBe(20);
  });

  it('is unknown before the replica replayed anything', () => {
    expect(lagOf(probe({ replayLsn: null }), [], 100_000)).toBeNull();
    expect(lagOf(probe({ replayLsn: 10n, sinceReplaySeconds: null }), [], 100_000)).toBeNull();
  });
});

describe('routedKnex', () => {
  it('sends each statement to the instance picked when it starts', () => {
    const a = builder('a');
    const b = builder('b');
    let current = a;
    const routed = routedKnex(() => current);
    const q1 = routed('associations').where({ id: 1 });
    current = b;
    const q2 = routed.raw('select ?', [2]);
    expect(q1.toString()).toBe('select * from "associations" where "id" = 1');
    expect(q2.toString()).toBe('select 2');
    const clientOf = (q: unknown) => (q as { client: unknown }).client;
    expect(clientOf(q1)).toBe(a.client);
    expect(clientOf(q2)).toBe(b.client);
    expect(nameOf(routed as Knex)).toBe('b');
    current = a;
    expect(nameOf(routed as Knex)).toBe('a');
  });
});

describe('the router (fake probe)', () => {
  let router: ReadRouter | null = null;
  afterEach(async () => {
    await router?.close();
    router = null;
  });

  function setUp(maxLagSeconds = 5) {
    const primary = builder('primary');
    const replica = builder('replica');
    let next: () => Promise<ReplicaProbe> = async () => ({
      primaryLsn: 100n,
      at: 0,
      inRecovery: true,
      replayLsn: 100n,
      sinceReplaySeconds: 1,
    });
    const r = createReadRouter({
      primary,
      replica,
      maxLagSeconds,
      checkMs: 1000,
      readAfterWriteMs: 15_000,
      probeFn: () => next(),
      now: () => 0,
      closeReplica: () => Promise.resolve(),
    });
    router = r;
    const where = (k: Knex) => nameOf(k);
    return {
      r,
      where,
      setProbe(p: () => Promise<ReplicaProbe>) {
        next = p;
      },
    };
  }

  it('reads the primary until the first probe, then the replica while it is caught up', async () => {
    const { r, where } = setUp();
    expect(where(r.reads)).toBe('primary');
    expect(r.state().reason).toMatch(/chưa được kiểm tra/);
    await r.probe();
    expect(r.state()).toMatchObject({ configured: true, inUse: true, reachable: true, lagSeconds: 0, lagBytes: 0, reason: null });
    expect(where(r.reads)).toBe('replica');
    expect(where(r.shared)).toBe('replica');
  });

  it('sends a request that must see its writes to the primary, `shared` still to the replica', async () => {
    const { r, where } = setUp();
    await r.probe();
    const seen = r.withRequest(true, () => [where(r.reads), where(r.shared), r.requestNeedsPrimary()]);
    expect(seen).toEqual(['primary', 'replica', true]);
    // Across awaits of the same request, too.
    const later = await r.withRequest(true, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      return where(r.reads);
    });
    expect(later).toBe('primary');
    expect(r.withRequest(false, () => where(r.reads))).toBe('replica');
    expect(where(r.reads)).toBe('replica');
  });

  it('falls back to the primary when the lag passes the limit, and comes back when it is within', async () => {
    const { r, where, setProbe } = setUp(5);
    setProbe(async () => ({ primaryLsn: 200n, at: 0, inRecovery: true, replayLsn: 100n, sinceReplaySeconds: 12 }));
    await r.probe();
    expect(r.state()).toMatchObject({ inUse: false, reachable: true, lagSeconds: 12, lagBytes: 100 });
    expect(r.state().reason).toBe('bản sao chỉ đọc trễ 12,0 giây (quá 5 giây)');
    expect(where(r.reads)).toBe('primary');
    setProbe(async () => ({ primaryLsn: 200n, at: 0, inRecovery: true, replayLsn: 150n, sinceReplaySeconds: 4 }));
    await r.probe();
    expect(r.state()).toMatchObject({ inUse: true, lagSeconds: 4 });
    expect(where(r.reads)).toBe('replica');
  });

  it('falls back when the probe fails or the server is not a standby, and on a lost connection at once', async () => {
    const { r, where, setProbe } = setUp();
    setProbe(() => Promise.reject(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:54339'), { code: 'ECONNREFUSED' })));
    await r.probe();
    expect(r.state()).toMatchObject({ inUse: false, reachable: false, lagSeconds: null, reason: 'không kết nối được bản sao chỉ đọc' });
    expect(where(r.reads)).toBe('primary');

    setProbe(async () => ({ primaryLsn: 200n, at: 0, inRecovery: false, replayLsn: null, sinceReplaySeconds: null }));
    await r.probe();
    expect(r.state().inUse).toBe(false);
    expect(r.state().reason).toMatch(/không phải bản sao/);

    setProbe(async () => ({ primaryLsn: 200n, at: 0, inRecovery: true, replayLsn: 200n, sinceReplaySeconds: 0 }));
    await r.probe();
    expect(where(r.reads)).toBe('replica');
    r.connectionLost(new Error('syntax error'));
    expect(where(r.reads)).toBe('replica');
    r.connectionLost(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    expect(r.state()).toMatchObject({ inUse: false, reason: 'mất kết nối tới bản sao chỉ đọc' });
    expect(where(r.reads)).toBe('primary');
  });

  it('counts where the statements went', async () => {
    const { r } = setUp();
    void r.reads.raw('select 1');
    await r.probe();
    void r.reads.raw('select 1');
    void r.shared('associations');
    r.withRequest(true, () => r.reads.raw('select 1'));
    r.withRequest(true, () => r.shared.raw('select 1'));
    expect(r.state().statements).toEqual({ primary: 2, replica: 1 });
    expect(r.state().sharedStatements).toEqual({ primary: 0, replica: 2 });
  });

  it('runs one probe at a time', async () => {
    const { r, setProbe } = setUp();
    let calls = 0;
    let release: () => void = () => undefined;
    setProbe(() => {
      calls++;
      return new Promise((resolve) => {
        release = () => resolve({ primaryLsn: 1n, at: 0, inRecovery: true, replayLsn: 1n, sinceReplaySeconds: 0 });
      });
    });
    const first = r.probe();
    const second = r.probe();
    release();
    await Promise.all([first, second]);
    expect(calls).toBe(1);
  });
});

describe('isConnectionError', () => {
  it('tells a lost server from a failed statement', () => {
    expect(isConnectionError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '57P01' }))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '08006' }))).toBe(true);
    expect(isConnectionError(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isConnectionError(Object.assign(new Error('x'), { code: '42P01' }))).toBe(false);
    expect(isConnectionError(Object.assign(new Error('canceling statement due to conflict with recovery'), { code: '40001' }))).toBe(false);
    expect(isConnectionError(null)).toBe(false);
  });
});

describe('DATABASE_REPLICA_* settings', () => {
  const base = { NODE_ENV: 'test', DATABASE_URL: 'postgres://app@db:5432/csdl' };

  it('are off without DATABASE_REPLICA_URL, with defaults when it is set', () => {
    expect(loadConfig(base).replica).toBeNull();
    expect(loadConfig({ ...base, DATABASE_REPLICA_URL: 'postgres://app@replica:5432/csdl' }).replica).toEqual({
      url: 'postgres://app@replica:5432/csdl',
      maxLagSeconds: 5,
      checkMs: 1000,
      readAfterWriteMs: 15_000,
    });
  });

  function problems(env: Record<string, string>): string[] {
    try {
      loadConfig(env);
    } catch (err) {
      if (err instanceof ConfigError) return err.problems;
      throw err;
    }
    return [];
  }

  it('refuse a replica without a PostgreSQL primary (PGlite has none), a bad URL and inconsistent timings', () => {
    expect(problems({ NODE_ENV: 'test', DATABASE_REPLICA_URL: 'postgres://app@replica/csdl' })).toEqual([
      'DATABASE_REPLICA_URL: chỉ dùng được cùng DATABASE_URL (PostgreSQL); PGlite nhúng không có bản sao',
    ]);
    expect(problems({ ...base, DATABASE_REPLICA_URL: 'mysql://replica/csdl' })).toEqual([
      'DATABASE_REPLICA_URL: phải là một URL postgres://…',
    ]);
    const replica = { ...base, DATABASE_REPLICA_URL: 'postgres://app@replica/csdl' };
    expect(problems({ ...replica, DATABASE_REPLICA_MAX_LAG_SECONDS: '2', DATABASE_REPLICA_CHECK_MS: '2000' })).toContain(
      'DATABASE_REPLICA_CHECK_MS: phải nhỏ hơn DATABASE_REPLICA_MAX_LAG_SECONDS (đổi ra mili giây)',
    );
    expect(problems({ ...replica, DATABASE_REPLICA_MAX_LAG_SECONDS: '10', DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS: '10' })).toEqual([
      'DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS: phải ít nhất bằng độ trễ tối đa cộng một chu kỳ kiểm tra bản sao',
    ]);
  });
});
