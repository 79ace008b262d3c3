/**
 * Issue 19 item 2, the routing through the whole app (the real standby is test/scale/replica.test.ts): with a read
 * router over a fake probe, the public pages, the open data and the reports read the "replica"; a signed-in user's
 * reads go to the primary for the read-after-write window after their write; everything goes to the primary while
 * the replica lags too much, cannot be reached or lost its connection; /readyz and /metrics say which.
 *
 * On PostgreSQL the "replica" is a pool of its own on the same database whose sessions are read-only (as on a hot
 * standby): a write sent there would fail the request. On PGlite (one connection by nature) it is the same
 * connection, and the router's counts tell where each statement went.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDatabase } from '../../src/db/knex.js';
import { createReadRouter, type ReadRouter, type ReplicaProbe } from '../../src/db/read-router.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';
import { type Agent, csrfToken, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

const METRICS_TOKEN = 'replica-metrics-token-0123456789';
const READ_AFTER_WRITE_MS = 15_000;

let t: TestContext;
let router: ReadRouter;
let probe: () => Promise<ReplicaProbe>;
const caughtUp = async (): Promise<ReplicaProbe> => ({
  primaryLsn: 500n,
  at: Date.now(),
  inRecovery: true,
  replayLsn: 500n,
  sinceReplaySeconds: 0.2,
});
let staff: Agent;
let lead: Agent;

beforeAll(async () => {
  probe = caughtUp;
  t = await buildTestApp(
    { METRICS_TOKEN },
    {
      reads: async (db) => {
        const replica = db.url
          ? await createDatabase({
              backend: 'postgres',
              url: `${db.url}?options=${encodeURIComponent('-c default_transaction_read_only=on')}`,
              poolMax: 4,
              applicationName: 'csdl-hoi-reads',
            })
          : null;
        router = createReadRouter({
          primary: db.knex,
          replica: replica?.knex ?? db.knex,
          maxLagSeconds: 5,
          checkMs: 1000,
          readAfterWriteMs: READ_AFTER_WRITE_MS,
          probeFn: () => probe(),
          closeReplica: () => replica?.close() ?? Promise.resolve(),
        });
        return router;
      },
    },
  );
  await insertAssociations(t.db.knex, [
    anAssociation({ code: 'H980001', name: 'Hội Bản sao Việt Nam', published: true }),
    anAssociation({ code: 'H980002', name: 'Hội Đọc ghi Việt Nam', published: true }),
  ]);
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  lead = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
  await router.probe();
}, 60_000);

afterAll(async () => {
  await router.close();
  await t.db.destroy();
});

/** Where the statements of `fn`'s requests went (the router's counts before and after). */
async function targetsOf(fn: () => Promise<unknown>): Promise<{ replica: number; primary: number }> {
  const before = { ...router.state().statements };
  await fn();
  const after = router.state().statements;
  return { replica: after.replica - before.replica, primary: after.primary - before.primary };
}

async function ok(a: Agent | ReturnType<typeof request>, path: string): Promise<string> {
  const res = await (a as Agent).get(path);
  expect(res.status, path).toBe(200);
  return res.text;
}

describe('with the replica caught up', () => {
  it('anonymous public pages and open data read the replica', async () => {
    const anon = request(t.app);
    const moved = await targetsOf(async () => {
      expect(await ok(anon as never, '/hoi/H980001')).toContain('Hội Bản sao Việt Nam');
      await ok(anon as never, '/hoi?q=ban+sao');
      await ok(anon as never, '/');
      await ok(anon as never, '/thong-ke');
      expect(await ok(anon as never, '/du-lieu-mo/hoi.csv')).toContain('H980002');
      await ok(anon as never, '/du-lieu-mo/hoi.json');
    });
    expect(moved.replica).toBeGreaterThan(6);
    expect(moved.primary).toBe(0);
  });

  it('a signed-in user who has not written reads the replica: public pages and reports', async () => {
    const moved = await targetsOf(async () => {
      await ok(staff, '/hoi/H980002');
      await ok(lead, '/bao-cao/b');
    });
    expect(moved.replica).toBeGreaterThan(1);
    expect(moved.primary).toBe(0);
  });

  it('after a write, that user reads the primary for the window, then the replica again; others stay on the replica', async () => {
    const token = await csrfToken(staff, '/thong-bao');
    const write = await staff.post('/thong-bao/da-doc-tat-ca').type('form').send({ _csrf: token });
    expect(write.status).toBe(303);

    const writer = await targetsOf(async () => {
      expect(await ok(staff, '/hoi/H980001')).toContain('Hội Bản sao Việt Nam');
      await ok(staff, '/hoi?q=doc+ghi');
      await ok(staff, '/du-lieu-mo/hoi.csv');
    });
    expect(writer.replica).toBe(0);
    expect(writer.primary).toBeGreaterThan(2);

    const others = await targetsOf(async () => {
      await ok(request(t.app) as never, '/hoi/H980001');
      await ok(lead, '/bao-cao/b');
    });
    expect(others.primary).toBe(0);
    expect(others.replica).toBeGreaterThan(1);

    t.clock.advance(READ_AFTER_WRITE_MS + 1000);
    const later = await targetsOf(() => ok(staff, '/hoi/H980001'));
    expect(later.primary).toBe(0);
    expect(later.replica).toBeGreaterThan(0);
  });

  it('a write of report n (a saved list) is on the primary, and its owner reads it back at once', async () => {
    const page = await lead.get('/bao-cao/n');
    expect(page.status).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const saved = await lead
      .post('/bao-cao/n/mau')
      .type('form')
      .send({ _csrf: token, name: 'Danh sách bản sao', 'cot.code': '1', 'cot.name': '1' });
    expect(saved.status, saved.text.slice(0, 500)).toBe(303);
    const back = await targetsOf(async () => expect(await ok(lead, '/bao-cao/n')).toContain('Danh sách bản sao'));
    expect(back.replica).toBe(0);
  });

  it('/readyz and /metrics show the replica in use and its lag', async () => {
    const ready = await request(t.app).get('/readyz');
    expect(ready.status).toBe(200);
    // (Degraded by the missing backup of a test database: not by the replica.)
    expect(ready.body.warnings?.replica).toBeUndefined();
    expect(ready.body.checks.replica).toEqual({ ok: true, detail: 'đang dùng cho các lượt đọc, trễ 0,000 giây (tối đa 5 giây)' });
    expect(ready.body.replica).toMatchObject({ inUse: true, reachable: true, lagSeconds: 0, lagBytes: 0, maxLagSeconds: 5 });
    const metrics = await request(t.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(metrics.text).toMatch(/^csdl_hoi_replica_in_use 1$/m);
    expect(metrics.text).toMatch(/^csdl_hoi_replica_lag_seconds 0$/m);
    expect(metrics.text).toMatch(/^csdl_hoi_replica_reads_total\{target="replica",via="request"\} [1-9]\d*$/m);
  });
});

describe('falling back to the primary', () => {
  async function anonymousTargets() {
    return targetsOf(async () => {
      expect(await ok(request(t.app) as never, '/hoi/H980001')).toContain('Hội Bản sao Việt Nam');
      await ok(request(t.app) as never, '/du-lieu-mo/hoi.csv');
    });
  }

  it('when the lag passes DATABASE_REPLICA_MAX_LAG_SECONDS: /readyz degraded with the reason', async () => {
    // Behind every position the earlier probes saw (500), its last replayed commit 8 s ago.
    probe = async () => ({ primaryLsn: 900n, at: Date.now(), inRecovery: true, replayLsn: 400n, sinceReplaySeconds: 8 });
    await router.probe();
    const moved = await anonymousTargets();
    expect(moved.replica).toBe(0);
    expect(moved.primary).toBeGreaterThan(1);
    const ready = await request(t.app).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.warnings.replica).toBe(
      'bản sao chỉ đọc trễ 8,0 giây (quá 5 giây); các trang công khai, dữ liệu mở và báo cáo đọc từ máy chủ chính',
    );
    const metrics = await request(t.app).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(metrics.text).toMatch(/^csdl_hoi_replica_in_use 0$/m);
    expect(metrics.text).toMatch(/^csdl_hoi_replica_lag_seconds 8$/m);
    expect(metrics.text).toMatch(/^csdl_hoi_replica_lag_bytes 500$/m);
  });

  it('when the replica cannot be reached, and back when it can', async () => {
    probe = () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));
    await router.probe();
    expect((await anonymousTargets()).replica).toBe(0);
    const ready = await request(t.app).get('/readyz');
    expect(ready.body.warnings.replica).toMatch(/^không kết nối được bản sao chỉ đọc; /);

    probe = caughtUp;
    await router.probe();
    expect((await anonymousTargets()).primary).toBe(0);
  });

  it('at once when a replica connection is lost, before the next probe', async () => {
    router.connectionLost(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    expect((await anonymousTargets()).replica).toBe(0);
    await router.probe();
    expect((await anonymousTargets()).primary).toBe(0);
  });
});
