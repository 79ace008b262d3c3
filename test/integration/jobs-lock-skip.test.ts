/**
 * Issue 15 item 15 (R-13.2, RELIABILITY rule 6): a period skipped because an earlier run of the job still held its
 * lock is recorded (a `skipped` run with a Vietnamese reason, scheduled triggers included) and is run once the lock
 * frees — by the scheduler's next tick or retry, and by the startup catch-up even after the period stopped being due.
 * Two runners on one database (two pools on PostgreSQL, one handle on PGlite), with the fake clock.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDatabase, type Database } from '../../src/db/knex.js';
import type { JobDefinition } from '../../src/jobs/job.js';
import { createJobs } from '../../src/jobs/registry.js';
import { createJobRunner, LOCK_BUSY_REASON } from '../../src/jobs/runner.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { systemClock } from '../../src/lib/clock.js';
import type { Mailer } from '../../src/lib/mailer.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation } from '../helpers/builders.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let other: Database;

beforeAll(async () => {
  t = await buildTestApp();
  other = t.db.url ? await createDatabase({ backend: 'postgres', url: t.db.url, poolMax: 4 }) : t.db;
});
afterAll(async () => {
  if (other !== t.db) await other.close();
  await t.db.destroy();
});

/**
 * Lets the event loop turn (setImmediate and performance.now are not faked) until `cond` holds, for up to 10 s of
 * real time: on a PostgreSQL server the runs' queries take real milliseconds, not a few loop turns as on PGlite.
 */
async function settle(cond: () => Promise<boolean> | boolean, budgetMs = 10_000): Promise<void> {
  const start = performance.now();
  while (performance.now() - start < budgetMs) {
    if (await cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error('condition not reached');
}

describe('quarterly cycle skipped for the lock (R-13.2)', () => {
  it('records the scheduled skip with its reason and runs the quarter at catch-up once the lock frees', async () => {
    const a = await anAssociation({ created_at: new Date('2026-03-01T00:00:00Z') }).insert(t.db.knex);
    const officer = await createUser(t.db.knex, ['association'], { associationId: a.id });
    await t.db.knex('users').where({ id: officer.id }).update({ email: 'officer@hoi.test' });
    // The Q3 run (caught up on 5/10) is slow: its e-mail hangs until released.
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered = false;
    const slowMailer: Mailer = {
      enabled: true,
      async send() {
        entered = true;
        await gate;
      },
      close() {},
    } as unknown as Mailer;
    const runnerOn = (db: Database, mailer: Mailer) => {
      const deps = { db: db.knex, config: t.config, clock: t.clock };
      // The quarterly job only: the catch-up below must not start the backup and the other jobs.
      const jobs = createJobs({ ...deps, notifications: t.services.notifications, mailer }).filter((j) => j.name === 'quarterly-cycle');
      return createJobRunner({ ...deps, logger: pino({ level: 'silent' }), jobs });
    };
    const first = runnerOn(t.db, slowMailer);
    const second = runnerOn(other, t.services.mailer);

    t.clock.set(new Date('2026-10-05T01:00:00Z'));
    const q3 = first.run('quarterly-cycle', { trigger: 'schedule' });
    await settle(() => entered);

    // 31/12/2026: the Q4 tick of the other instance finds the Q3 run still holding the lock.
    t.clock.set(new Date('2026-12-31T01:00:00Z'));
    const skipped = await second.run('quarterly-cycle', { trigger: 'schedule' });
    expect(skipped).toMatchObject({ status: 'skipped', period: '2026-Q4', reason: LOCK_BUSY_REASON });
    expect(skipped.runId).not.toBeNull();
    // A second tick while still locked records nothing more.
    await second.run('quarterly-cycle', { trigger: 'schedule' });
    const q4 = await t.db.knex('job_runs').where({ job: 'quarterly-cycle', period_key: '2026-Q4' }).select('status', 'trigger', 'error');
    expect(q4).toEqual([{ status: 'skipped', trigger: 'schedule', error: LOCK_BUSY_REASON }]);
    expect(LOCK_BUSY_REASON).toMatch(/đang giữ khóa/);

    release();
    expect((await q3).status).toBe('succeeded');
    // 15/02/2027: Q4 is no longer due (past the 31-day catch-up), yet its skipped period has no success: run it.
    t.clock.set(new Date('2027-02-15T01:00:00Z'));
    const caught = await second.catchUp();
    expect(caught.map((r) => [r.period, r.status])).toEqual([['2026-Q4', 'succeeded']]);
    const after = await t.db.knex('job_runs').where({ job: 'quarterly-cycle', period_key: '2026-Q4' }).orderBy('id').select('status');
    expect(after.map((r) => r.status)).toEqual(['skipped', 'succeeded']);
    expect(await t.db.knex('update_cycles').where({ quarter: '2026-Q4' }).count('* as n').first()).toMatchObject({ n: 1 });
    // Nothing left to retry.
    expect(await second.catchUp()).toEqual([]);
  });
});

describe('two schedulers, the lock held by the previous period (fake clock)', () => {
  it('the skip is recorded and the period runs on the next tick once the lock frees', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: new Date('2026-06-15T03:00:00.500Z') });
    try {
      let release: () => void = () => {};
      const gate = new Promise<void>((r) => {
        release = r;
      });
      const executed: string[] = [];
      let holding = false;
      // Periods of two seconds: P1 until 03:00:02, then P2. P1's run holds the lock until released.
      const slow: JobDefinition = {
        name: 'slow-period',
        description: 'Tác vụ thử chạy chậm',
        schedule: 'slow-period',
        period: (now) => (now.getTime() < Date.parse('2026-06-15T03:00:02Z') ? 'P1' : 'P2'),
        async run({ period }) {
          executed.push(period);
          if (period === 'P1') {
            holding = true;
            await gate;
          }
          return { n: 1 };
        },
      };
      const config = { ...t.config, jobs: { scheduler: true, catchUpDelayMs: 0, schedules: { 'slow-period': '* * * * * *' } } };
      const logger = pino({ level: 'silent' });
      const runners = [t.db, other].map((db) => createJobRunner({ db: db.knex, config, clock: systemClock, logger, jobs: [slow] }));
      const schedulers = runners.map((runner) => createScheduler(runner, logger));
      for (const s of schedulers) await s.start({ catchUp: false });
      const rowsOf = (period: string) =>
        t.db.knex('job_runs').where({ job: 'slow-period', period_key: period }).orderBy('id').select('status', 'trigger', 'error');

      await vi.advanceTimersByTimeAsync(600); // 03:00:01.1: P1 starts and holds the lock
      await settle(() => holding);
      await vi.advanceTimersByTimeAsync(1_000); // 03:00:02.1: P2 is due, the lock is held by P1
      await settle(async () => (await rowsOf('P2')).length > 0);
      await vi.advanceTimersByTimeAsync(2_000); // two more ticks while locked: no second skip row
      await settle(async () => true, 50);
      expect(await rowsOf('P2')).toEqual([{ status: 'skipped', trigger: 'schedule', error: LOCK_BUSY_REASON }]);
      expect(executed).toEqual(['P1']);

      release();
      await settle(async () => (await rowsOf('P1'))[0]?.status === 'succeeded');
      // The row says 'succeeded' before the run gives its lock back: wait for the firings to end, or the next tick can
      // still find the lock held and put P2 off to the one-minute retry (a real flake on PostgreSQL under load).
      await Promise.all(schedulers.map((s) => s.settle(10_000)));
      await vi.advanceTimersByTimeAsync(1_000); // the next tick runs P2
      await settle(async () => (await rowsOf('P2')).some((r) => r.status === 'succeeded'));
      for (const s of schedulers) await s.stop(5_000);
      expect(executed).toEqual(['P1', 'P2']);
      expect((await rowsOf('P2')).map((r) => r.status)).toEqual(['skipped', 'succeeded']);
      expect((await rowsOf('P1')).map((r) => r.status)).toEqual(['succeeded']);
    } finally {
      vi.useRealTimers();
    }
  });
});
