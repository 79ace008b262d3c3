/**
 * RELIABILITY rule 6: the advisory lock is held on one connection and excludes other sessions; two schedulers
 * (two app instances: two pools on one PostgreSQL, or one handle on PGlite) firing the same fast schedule run each
 * period exactly once; stop() ends the cron tasks.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { tryAdvisoryLock } from '../../src/db/advisory-lock.js';
import { createDatabase, type Database } from '../../src/db/knex.js';
import type { JobDefinition } from '../../src/jobs/job.js';
import { createJobRunner } from '../../src/jobs/runner.js';
import { createScheduler } from '../../src/jobs/scheduler.js';
import { systemClock } from '../../src/lib/clock.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';

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

describe('advisory lock', () => {
  it('excludes another session until released, and leaves no lock on a pooled connection', async () => {
    const l1 = await tryAdvisoryLock(t.db.knex, 'job:lock-test');
    expect(l1).not.toBeNull();
    // The job's own queries keep using the pool while the lock is held.
    await Promise.all(Array.from({ length: 12 }, () => t.db.knex.raw('select 1')));
    if (t.db.url) {
      expect(await tryAdvisoryLock(other.knex, 'job:lock-test')).toBeNull();
    }
    await l1?.release();
    const l2 = await tryAdvisoryLock(other.knex, 'job:lock-test');
    expect(l2).not.toBeNull();
    await l2?.release();
    // pg_locks is server-wide: other test files (each on its own database) may hold job locks meanwhile.
    const held = await t.db.knex.raw<{ rows: Array<{ n: number }> }>(
      "select count(*)::int as n from pg_locks where locktype = 'advisory' and database = (select oid from pg_database where datname = current_database())",
    );
    expect(held.rows[0]?.n).toBe(0);
  });
});

describe('two schedulers on one database (check 35 with a fast schedule)', () => {
  it('run each one-second period exactly once', async () => {
    // node-cron's timers and the date are faked: the test moves time a second at a time, then waits for the runs
    // that fired (their database work is real) instead of sleeping through real seconds.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'], now: new Date('2026-06-15T03:00:00.500Z') });
    try {
      const executed: string[] = [];
      const tick: JobDefinition = {
        name: 'tick',
        description: 'Tác vụ thử mỗi giây',
        schedule: 'tick',
        async run({ period }) {
          executed.push(period);
          return { ticks: 1 };
        },
      };
      const config = { ...t.config, jobs: { scheduler: true, catchUpDelayMs: 0, schedules: { tick: '* * * * * *' } } };
      const logger = pino({ level: 'silent' });
      const runners = [t.db, other].map((db) => createJobRunner({ db: db.knex, config, clock: systemClock, logger, jobs: [tick] }));
      // A firing first looks for periods skipped for the lock: on a loaded server that read is slow, and the firing
      // is not a run yet (CI once saw no run at all when only the runner's runs were awaited).
      for (const [i, runner] of runners.entries()) {
        const lookUp = runner.retrySkipped;
        const db = [t.db, other][i] as Database;
        runner.retrySkipped = async (...args) => {
          for (let i = 0; i < 20; i++) await db.knex.raw('select 1');
          return lookUp(...args);
        };
      }
      const schedulers = runners.map((runner) => createScheduler(runner, logger));
      /** Moves the clock on by `ms`, firing what falls due, and waits for those firings (and their runs) to finish. */
      const elapse = async (ms: number) => {
        for (let step = 0; step < ms; step += 500) {
          await vi.advanceTimersByTimeAsync(Math.min(500, ms - step));
          await Promise.all(schedulers.map((s) => s.settle(5_000)));
        }
      };
      for (const s of schedulers) await s.start({ catchUp: false });
      expect(schedulers.map((s) => s.tasks)).toEqual([1, 1]);
      await elapse(3_300);
      for (const s of schedulers) await s.stop(5_000);
      const after = executed.length;
      await elapse(1_200);
      expect(executed.length, 'no firing after stop()').toBe(after);

      expect(executed.length).toBeGreaterThanOrEqual(2);
      expect(new Set(executed).size).toBe(executed.length);
      const rows = await t.db.knex('job_runs').where({ job: 'tick' }).select('period_key', 'status');
      const succeeded = rows.filter((r) => r.status === 'succeeded').map((r) => r.period_key);
      expect(succeeded.sort()).toEqual([...executed].sort());
      expect(rows.every((r) => r.status === 'succeeded')).toBe(true);
      for (const p of executed) expect(p).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('a period that succeeded elsewhere meanwhile', () => {
  it('is recorded as skipped, never as a second success (partial unique index)', async () => {
    const sneaky: JobDefinition = {
      name: 'sneaky',
      description: 'Tác vụ thử',
      period: () => 'p1',
      async run() {
        // Another instance that lost track of the lock finishes the same period first.
        await t.db.knex('job_runs').insert({ job: 'sneaky', period_key: 'p1', trigger: 'schedule', status: 'succeeded' });
        return { n: 1 };
      },
    };
    const runner = createJobRunner({
      db: t.db.knex,
      config: t.config,
      clock: systemClock,
      logger: pino({ level: 'silent' }),
      jobs: [sneaky],
    });
    const r = await runner.run('sneaky', { trigger: 'schedule' });
    expect(r.status).toBe('skipped');
    // The runner's own row (inserted first) ends skipped; the other instance's success stays the only one.
    const rows = await t.db.knex('job_runs').where({ job: 'sneaky' }).orderBy('id').select('status');
    expect(rows.map((x) => x.status)).toEqual(['skipped', 'succeeded']);
  });
});
