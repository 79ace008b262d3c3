/**
 * Issue 19 item 4, alerts on every failure: a failed job run, or a period skipped because the job's lock was held,
 * raises one notice to every it_admin (one per job and period); /readyz turns `degraded` with the reason (still
 * 200) and back to `ready` after a later success; /metrics exposes the jobs' last success and failures and the
 * backup's age from the tables.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDefinition } from '../../src/jobs/job.js';
import { createJobRunner, LOCK_BUSY_REASON } from '../../src/jobs/runner.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { aJobRun } from '../helpers/builders.js';
import { agent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const METRICS_TOKEN = 'metrics-token-for-job-alerts-tests-0123456789';
let t: TestContext;
let admin: TestUser;
let staff: TestUser;

beforeAll(async () => {
  t = await buildTestApp({ METRICS_TOKEN });
  admin = await createUser(t.db.knex, ['it_admin']);
  staff = await createUser(t.db.knex, ['ngo_staff']);
});
afterAll(() => t.db.destroy());

/** A stand-in for the real `quality-scores` job (same name, so /readyz and /metrics report it) that does what it is told. */
function runnerWith(behaviour: { fail: boolean; gate?: Promise<void>; entered?: () => void }) {
  const job: JobDefinition = {
    name: 'quality-scores',
    title: 'Tính lại điểm chất lượng dữ liệu',
    description: 'Tác vụ thử nghiệm',
    schedule: 'quality-scores',
    async run() {
      behaviour.entered?.();
      if (behaviour.gate) await behaviour.gate;
      if (behaviour.fail) throw new Error('Lỗi thử nghiệm: hết dung lượng đĩa');
      return { scored: 1 };
    },
  };
  return createJobRunner({ db: t.db.knex, config: t.config, clock: t.clock, logger: pino({ level: 'silent' }), jobs: [job] });
}

async function noticesOf(userId: number, kind: string) {
  return t.db.knex('notifications').where({ user_id: userId, kind }).select('title', 'body', 'link', 'dedupe_key');
}

async function scrape(): Promise<string> {
  const res = await agent(t).get('/metrics').set('authorization', `Bearer ${METRICS_TOKEN}`);
  expect(res.status).toBe(200);
  return res.text;
}

describe('alerts on job failures (issue 19 item 4)', () => {
  it('a failed run raises one notice to it_admin per period, /readyz degraded, /metrics counts it; a success clears it', async () => {
    const failing = runnerWith({ fail: true });
    const first = await failing.run('quality-scores', { trigger: 'manual', period: 'thu-2026-12-01' });
    expect(first.status).toBe('failed');
    // Re-running the same period fails again: still one notice.
    expect((await failing.run('quality-scores', { trigger: 'manual', period: 'thu-2026-12-01' })).status).toBe('failed');

    const notices = await noticesOf(admin.id, 'job.failed');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      title: 'Tác vụ định kỳ thất bại: Tính lại điểm chất lượng dữ liệu (kỳ thu-2026-12-01)',
      link: '/quan-tri/he-thong/tac-vu?tac-vu=quality-scores&trang-thai=failed',
      dedupe_key: 'job.failed:quality-scores:thu-2026-12-01',
    });
    expect(notices[0]?.body).toContain('hết dung lượng đĩa');
    expect(await noticesOf(staff.id, 'job.failed')).toHaveLength(0);

    // A backup three days old: only the job degrades the probe.
    const backupAt = new Date(t.clock.now().getTime() - 3 * 86_400_000);
    await t.db.knex('backup_runs').insert({ kind: 'backup', status: 'succeeded', started_at: backupAt, finished_at: backupAt });

    let ready = await agent(t).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.reasons).toEqual(['tác vụ "Tính lại điểm chất lượng dữ liệu" thất bại ở lần chạy gần nhất (kỳ thu-2026-12-01)']);
    expect(ready.body.checks.jobs.detail).toHaveLength(1);

    let text = await scrape();
    expect(text).toContain('# TYPE csdl_hoi_job_failures_total counter');
    expect(text).toMatch(/^csdl_hoi_job_failures_total\{job="quality-scores"\} 2$/m);
    expect(text).toMatch(/^csdl_hoi_job_failures_total\{job="congress-alerts"\} 0$/m);
    expect(text).not.toMatch(/^csdl_hoi_job_last_success_timestamp\{job="quality-scores"\}/m);
    expect(text).toMatch(/^csdl_hoi_backup_age_seconds 259200$/m);

    t.clock.advance(60_000);
    const ok = await runnerWith({ fail: false }).run('quality-scores', { trigger: 'manual', period: 'thu-2026-12-01' });
    expect(ok.status).toBe('succeeded');
    const finished = (await t.db.knex('job_runs').where({ id: ok.runId }).first('finished_at')).finished_at as Date;

    ready = await agent(t).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('ready');
    expect(ready.body.reasons).toBeUndefined();

    text = await scrape();
    expect(text).toMatch(/^csdl_hoi_job_failures_total\{job="quality-scores"\} 2$/m);
    expect(text).toMatch(
      new RegExp(`^csdl_hoi_job_last_success_timestamp\\{job="quality-scores"\\} ${Math.floor(new Date(finished).getTime() / 1000)}$`, 'm'),
    );
    expect(text).toMatch(/^csdl_hoi_backup_age_seconds 259260$/m);
  });

  it('a period skipped because the lock was held raises one notice to it_admin', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    let entered = false;
    const runner = runnerWith({
      fail: false,
      gate,
      entered: () => {
        entered = true;
      },
    });
    const slow = runner.run('quality-scores', { trigger: 'schedule', period: 'thu-2026-12-02' });
    while (!entered) await new Promise((r) => setImmediate(r));

    const skipped = await runner.run('quality-scores', { trigger: 'schedule', period: 'thu-2026-12-03' });
    expect(skipped).toMatchObject({ status: 'skipped', reason: LOCK_BUSY_REASON });
    // The next tick finds the lock still held: the same period, still one notice.
    await runner.run('quality-scores', { trigger: 'schedule', period: 'thu-2026-12-03' });
    release();
    expect((await slow).status).toBe('succeeded');

    const notices = await noticesOf(admin.id, 'job.lock_skipped');
    expect(notices).toHaveLength(1);
    expect(notices[0]).toMatchObject({
      title: 'Tác vụ định kỳ bị bỏ qua một kỳ: Tính lại điểm chất lượng dữ liệu (kỳ thu-2026-12-03)',
      body: LOCK_BUSY_REASON,
      link: '/quan-tri/he-thong/tac-vu?tac-vu=quality-scores&trang-thai=skipped',
    });
  });

  it('/readyz degraded when a scheduled job went two of its periods without a success', async () => {
    // The daily digest (06:45) succeeded three days ago and has not run since.
    const at = new Date(t.clock.now().getTime() - 3 * 86_400_000);
    await aJobRun({ job: 'notice-digest', status: 'succeeded', started_at: at, finished_at: at, error: null }).insert(t.db.knex);
    const ready = await agent(t).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.reasons).toEqual([expect.stringMatching(/^tác vụ ".+" đã quá hai kỳ chưa chạy thành công$/)]);
  });

  it('a failed restore drill raises its own detailed notice only, not a second generic one', async () => {
    const drill = await t.services.jobs.runner.run('backup-drill', { trigger: 'manual' });
    expect(drill.status).toBe('failed');
    const kinds = (await t.db.knex('notifications').where({ user_id: admin.id }).orderBy('id').pluck('kind')) as string[];
    expect(kinds.filter((k) => k === 'backup.drill_failed')).toHaveLength(1);
    expect(kinds.filter((k) => k === 'job.failed')).toHaveLength(1); // the quality-scores failure of the first test
  });
});
