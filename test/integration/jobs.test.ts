/**
 * Scheduled work (issue 7; RELIABILITY rule 6, checks 35 and 11): the quarterly update cycle with e-mail
 * through a local SMTP server, killed midway and re-run → exactly one reminder per recipient; two runners at once →
 * one success; catch-up after downtime; the job runs page and "Chạy ngay" (audited); term-congress alerts once per
 * threshold and the badge (R-17.1 e); the annual reminder.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDatabase } from '../../src/db/knex.js';
import { dueQuarter } from '../../src/features/jobs/quarters.js';
import { createJobs } from '../../src/jobs/registry.js';
import { createJobRunner } from '../../src/jobs/runner.js';
import type { Mailer } from '../../src/lib/mailer.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';
import { csrfFrom, loggedInAgent } from '../helpers/http.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createUser, type TestUser } from '../helpers/users.js';

async function setEmail(t: TestContext, user: TestUser, email: string | null) {
  await t.db.knex('users').where({ id: user.id }).update({ email });
}

/** A runner of the application's jobs on `db` (default: the app's), sending e-mail through `mailer`. */
function runnerWith(t: TestContext, { mailer = t.services.mailer, db = t.db.knex } = {}) {
  const deps = { db, config: t.config, clock: t.clock };
  const jobs = createJobs({ ...deps, notifications: t.services.notifications, mailer });
  return createJobRunner({ ...deps, logger: pino({ level: 'silent' }), jobs });
}

async function runs(t: TestContext, job: string) {
  return t.db.knex('job_runs').where({ job }).orderBy('id').select('*');
}

describe('dueQuarter (R-13.2: last day of March, June, September, December, Viet Nam time)', () => {
  it('is due on the last day, caught up for 31 days after, otherwise none', () => {
    expect(dueQuarter(new Date('2026-12-31T00:30:00Z'))).toBe('2026-Q4'); // 07:30 on 31/12 in Ha Noi
    expect(dueQuarter(new Date('2026-12-30T16:59:00Z'))).toBeNull(); // 23:59 on 30/12
    expect(dueQuarter(new Date('2026-06-30T02:00:00Z'))).toBe('2026-Q2');
    expect(dueQuarter(new Date('2026-09-30T17:00:00Z'))).toBe('2026-Q3'); // 00:00 on 1/10: catch-up
    expect(dueQuarter(new Date('2027-01-20T02:00:00Z'))).toBe('2026-Q4');
    expect(dueQuarter(new Date('2027-02-15T02:00:00Z'))).toBeNull();
  });
});

describe('quarterly update cycle with e-mail (R-13.2, check 35)', () => {
  let t: TestContext;
  let smtp: TestSmtp;
  let staff: TestUser;
  let lead: TestUser;
  const officers: TestUser[] = [];
  const assoc: Array<{ id: number; code: string }> = [];
  let dissolved: { id: number; code: string };

  beforeAll(async () => {
    smtp = await startTestSmtp();
    t = await buildTestApp({ SMTP_URL: smtp.url, MAIL_FROM: 'CSDL hội <no-reply@csdl-hoi.test>', LOGIN_RATE_LIMIT: '1000' });
    t.clock.set(new Date('2026-12-31T01:00:00Z')); // 08:00 on 31/12/2026 in Ha Noi
    staff = await createUser(t.db.knex, ['ngo_staff']);
    lead = await createUser(t.db.knex, ['ngo_lead']);
    await setEmail(t, staff, 'staff@bnv.test');
    await setEmail(t, lead, 'lead@bnv.test');
    for (let i = 0; i < 5; i++) assoc.push(await anAssociation({ created_at: new Date('2026-03-01T00:00:00Z') }).insert(t.db.knex));
    dissolved = await anAssociation({ status: 'giai_the' }).insert(t.db.knex);
    // Officers: two for the first association, one for each other; the last one has no e-mail address.
    for (const [i, a] of [assoc[0], assoc[0], assoc[1], assoc[2], assoc[3], assoc[4], dissolved].entries()) {
      const u = await createUser(t.db.knex, ['association'], { associationId: (a as { id: number }).id });
      await setEmail(t, u, i === 5 ? null : `officer${i}@hoi.test`);
      officers.push(u);
    }
    // Association 1 was updated in Q4 (a saved version on 10/11/2026); the others were not.
    await t.db.knex('association_versions').insert({
      association_id: assoc[1]?.id,
      version: 2,
      snapshot: JSON.stringify({ record: { status: 'hoat_dong' } }),
      source: 'edit',
      created_at: new Date('2026-11-10T03:00:00Z'),
    });
  });
  afterAll(async () => {
    await t.db.destroy();
    await smtp.close();
  });

  it('killed after 3 e-mails and re-run: exactly one e-mail per recipient, one notice per officer, frozen snapshot', async () => {
    const runner = t.services.jobs.runner;
    let sent = 0;
    const failing: Mailer = {
      enabled: true,
      async send(m) {
        if (sent >= 3) throw new Error('SMTP connection lost (injected)');
        sent += 1;
        await t.services.mailer.send(m);
      },
      close() {},
    };
    const first = await runnerWith(t, { mailer: failing }).run('quarterly-cycle', { trigger: 'schedule' });
    expect(first.status).toBe('failed');
    expect(first.period).toBe('2026-Q4');
    expect(smtp.messages).toHaveLength(3);

    const second = await runner.run('quarterly-cycle', { trigger: 'schedule' });
    expect(second.status).toBe('succeeded');
    // Staff and lead + six officers with an address (the dissolved association's officer is not asked).
    const expected = [
      'staff@bnv.test',
      'lead@bnv.test',
      'officer0@hoi.test',
      'officer1@hoi.test',
      'officer2@hoi.test',
      'officer3@hoi.test',
      'officer4@hoi.test',
    ];
    const recipients = smtp.messages.flatMap((m) => m.to).sort();
    expect(recipients).toEqual([...expected].sort());
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(smtp.messages.length);
    expect(second.counts).toMatchObject({ associations: 5, emails_sent: 4, emails_without_address: 1 });

    // A third run (the next daily tick) does nothing: the period succeeded.
    const third = await runner.run('quarterly-cycle', { trigger: 'schedule' });
    expect(third.status).toBe('skipped');
    expect(smtp.messages).toHaveLength(expected.length);

    const notices = await t.db.knex('notifications').where('kind', 'cycle.quarterly').select('user_id', 'dedupe_key');
    for (const o of officers.slice(0, 6)) expect(notices.filter((n) => n.user_id === o.id)).toHaveLength(1);
    expect(notices.filter((n) => n.user_id === officers[6]?.id)).toHaveLength(0);
    expect(notices.filter((n) => n.user_id === staff.id)).toHaveLength(1);
    expect(await t.db.knex('update_cycles').count('* as n').first()).toMatchObject({ n: 1 });
    const snap = await t.db.knex('quarter_snapshots').where({ quarter: '2026-Q4' }).first();
    const data = typeof snap.data === 'string' ? JSON.parse(snap.data) : snap.data;
    expect(data).toMatchObject({ total: 6, live: 5, updated_in_quarter: 1, not_updated_in_quarter: 4 });
    expect(data.by_status).toMatchObject({ hoat_dong: 5, giai_the: 1 });
    const statuses = (await runs(t, 'quarterly-cycle')).map((r) => r.status);
    expect(statuses).toEqual(['failed', 'succeeded']);
  });

  it('two runners at once (two pools on PostgreSQL, one handle on PGlite): one success, no duplicate e-mail', async () => {
    // A fresh quarter: 31/03/2027.
    t.clock.set(new Date('2027-03-31T01:00:00Z'));
    const before = smtp.messages.length;
    const db2 = t.db.url ? await createDatabase({ backend: 'postgres', url: t.db.url, poolMax: 4 }) : t.db;
    const runner2 = runnerWith(t, { db: db2.knex });
    const [a, b] = await Promise.all([
      t.services.jobs.runner.run('quarterly-cycle', { trigger: 'schedule' }),
      runner2.run('quarterly-cycle', { trigger: 'schedule' }),
    ]);
    if (db2 !== t.db) await db2.close();
    expect([a.status, b.status].sort()).toEqual(['skipped', 'succeeded']);
    const q1 = await t.db.knex('job_runs').where({ job: 'quarterly-cycle', period_key: '2027-Q1', status: 'succeeded' });
    expect(q1).toHaveLength(1);
    const recipients = smtp.messages.slice(before).flatMap((m) => m.to);
    expect(recipients).toHaveLength(7);
    expect(new Set(recipients).size).toBe(7);
  });

  it('an address the server refuses does not hold back the others; the next run sends only it', async () => {
    t.clock.set(new Date('2027-06-30T01:00:00Z'));
    const runner = t.services.jobs.runner;
    const before = smtp.messages.length;
    const refusing: Mailer = {
      enabled: true,
      async send(m) {
        if (m.to === 'officer2@hoi.test') throw new Error('550 mailbox unavailable (injected)');
        await t.services.mailer.send(m);
      },
      close() {},
    };
    const first = await runnerWith(t, { mailer: refusing }).run('quarterly-cycle', { trigger: 'schedule' });
    expect(first.status).toBe('failed');
    expect(first.reason).toMatch(/^1 thư nhắc chưa gửi được \(6 thư đã gửi/);
    expect(smtp.messages.slice(before).flatMap((m) => m.to)).not.toContain('officer2@hoi.test');
    expect(smtp.messages.length - before).toBe(6);
    const second = await runner.run('quarterly-cycle', { trigger: 'schedule' });
    expect(second.status).toBe('succeeded');
    expect(smtp.messages.slice(before + 6).flatMap((m) => m.to)).toEqual(['officer2@hoi.test']);
  });

  it('staff see the cycles, the records not updated in the quarter and the comparison of snapshots', async () => {
    const a = await loggedInAgent(t, staff);
    const list = await a.get('/quan-tri/chu-ky-cap-nhat');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Quý IV/2026');
    expect(list.text).toContain('Quý I/2027');
    expect(list.text).toContain('Quý II/2027');
    const q4 = await a.get('/quan-tri/chu-ky-cap-nhat/2026-Q4');
    expect(q4.status).toBe(200);
    for (const x of [assoc[0], assoc[2], assoc[3], assoc[4]]) expect(q4.text).toContain(`>${x?.code}<`);
    expect(q4.text).not.toContain(`>${assoc[1]?.code}<`);
    expect(q4.text).not.toContain(`>${dissolved.code}<`);
    expect(q4.text).toMatch(/<strong>4<\/strong> \/ 5 hồ sơ/);
    expect((await a.get('/quan-tri/chu-ky-cap-nhat/2026-Q5')).status).toBe(404);
    expect((await a.get('/quan-tri/chu-ky-cap-nhat/2099-Q1')).status).toBe(404);
    const cmp = await a.get('/quan-tri/chu-ky-cap-nhat/so-sanh?theo=status');
    expect(cmp.status).toBe(200);
    expect(cmp.text).toMatch(/Quý IV\/2026[\s\S]*Quý I\/2027/);
    expect(cmp.text).toContain('Đã giải thể');
    expect((await a.get('/quan-tri/chu-ky-cap-nhat/so-sanh?theo=%3Cx%3E')).status).toBe(200);
  });

  it('pages the records not updated (50 a page), the frozen snapshot unchanged', async () => {
    await insertAssociations(
      t.db.knex,
      Array.from({ length: 55 }, () => anAssociation()),
    );
    const a = await loggedInAgent(t, staff);
    const p1 = await a.get('/quan-tri/chu-ky-cap-nhat/2026-Q4');
    const p2 = await a.get('/quan-tri/chu-ky-cap-nhat/2026-Q4?trang=2');
    const codes = (html: string) => [...html.matchAll(/<a href="\/quan-tri\/hoi\/(H\d+)">/g)].map((m) => m[1]);
    expect(codes(p1.text)).toHaveLength(50);
    expect(codes(p2.text)).toHaveLength(9);
    expect(new Set([...codes(p1.text), ...codes(p2.text)]).size).toBe(59);
    expect(p1.text).toMatch(/<strong>59<\/strong> \/ 60 hồ sơ/);
    expect(p1.text).toContain('?trang=2');
    const list = await a.get('/quan-tri/chu-ky-cap-nhat');
    // The snapshot frozen at the cycle still says 6 records, 4 not updated.
    expect(list.text).toMatch(/Quý IV\/2026[\s\S]*?<td class="text-end">6<\/td>\s*<td class="text-end">4<\/td>/);
  });
});

describe('runner: catch-up, interrupted runs, job runs page and "Chạy ngay"', () => {
  let t: TestContext;
  let admin: TestUser;

  beforeAll(async () => {
    t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000' });
    admin = await createUser(t.db.knex, ['it_admin']);
    await createUser(t.db.knex, ['ngo_staff']);
  });
  afterAll(() => t.db.destroy());

  // The catch-up includes the weekly backup and its restore drill (pg_dump and a scratch restore on PostgreSQL).
  it('catches up at startup on the quarter missed while the app was down, once', { timeout: 120_000 }, async () => {
    // The app was down on 31/12/2026; it starts on 05/01/2027.
    t.clock.set(new Date('2027-01-05T02:00:00Z'));
    const results = await t.services.jobs.runner.catchUp();
    const byJob = Object.fromEntries(results.map((r) => [r.job, r]));
    expect(byJob['quarterly-cycle']).toMatchObject({ status: 'succeeded', period: '2026-Q4' });
    expect(byJob['congress-alerts']).toMatchObject({ status: 'succeeded', period: '2027-01-05' });
    expect(byJob['annual-report-reminder']).toBeUndefined(); // not due in January
    // The weekly backup of Sunday 03/01/2027 02:00 was missed too: made at startup, with its drill.
    expect(byJob.backup).toMatchObject({ status: 'succeeded', period: '2027-01-03T02:00:00' });
    expect(byJob.backup?.counts).toMatchObject({ drill_tables: expect.any(Number) });
    const rows = await runs(t, 'quarterly-cycle');
    expect(rows.map((r) => [r.trigger, r.status, r.period_key])).toEqual([['startup', 'succeeded', '2026-Q4']]);
    expect(await t.services.jobs.runner.catchUp()).toEqual([]);
  });

  it('a run left "running" by a killed process is marked failed by the next run', async () => {
    await t.db
      .knex('job_runs')
      .insert({ job: 'congress-alerts', period_key: '2027-01-06', trigger: 'schedule', status: 'running', host: 'x', pid: 1 });
    t.clock.set(new Date('2027-01-06T02:00:00Z'));
    const r = await t.services.jobs.runner.run('congress-alerts', { trigger: 'schedule' });
    expect(r.status).toBe('succeeded');
    const rows = await t.db.knex('job_runs').where({ job: 'congress-alerts', period_key: '2027-01-06' }).orderBy('id');
    expect(rows.map((x) => x.status)).toEqual(['failed', 'succeeded']);
    expect(rows[0].error).toMatch(/gián đoạn/);
    // The interrupted run is a failure: the IT Centre is told once (issue 19 item 4).
    const notices = await t.db.knex('notifications').where({ user_id: admin.id, kind: 'job.failed' }).select('title', 'body', 'dedupe_key');
    expect(notices).toEqual([
      {
        title: expect.stringMatching(/^Tác vụ định kỳ thất bại: .+ \(kỳ 2027-01-06\)$/),
        body: expect.stringMatching(/gián đoạn/),
        dedupe_key: 'job.failed:congress-alerts:2027-01-06',
      },
    ]);
  });

  it('it_admin lists runs with filters and runs a job by hand (audited); a bad job name is 404', async () => {
    const a = await loggedInAgent(t, admin);
    const page = await a.get('/quan-tri/he-thong/tac-vu');
    expect(page.status).toBe(200);
    for (const j of ['quarterly-cycle', 'congress-alerts', 'annual-report-reminder']) expect(page.text).toContain(j);
    expect(page.text).toContain('Chạy bù khi khởi động');
    const res = await a
      .post('/quan-tri/he-thong/tac-vu/annual-report-reminder/chay')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    // The run goes on after the redirect: wait for its row.
    const manual = await vi.waitFor(
      async () => {
        const rows: Array<Record<string, unknown>> = await t.db
          .knex('job_runs')
          .where({ job: 'annual-report-reminder', trigger: 'manual' });
        if (rows.length === 0) throw new Error('no manual run yet');
        return rows;
      },
      { timeout: 2_500 },
    );
    // January: the reminder is not due; the manual run is recorded as skipped with the reason.
    expect(manual).toHaveLength(1);
    expect(manual[0]).toMatchObject({ status: 'skipped', requested_by: admin.id });
    const audit = await t.db.knex('audit_events').where({ action: 'job.run_manual', target_id: 'annual-report-reminder' });
    expect(audit).toHaveLength(1);
    const failed = await a.get('/quan-tri/he-thong/tac-vu?trang-thai=failed');
    // Periods read as dates and quarters (issue 15 item 16): 06/01/2027, not 2027-01-06.
    expect(failed.text).toContain('06/01/2027');
    expect(failed.text).not.toContain('2027-01-06');
    expect(failed.text).not.toContain('2026-Q4');
    expect(failed.text).not.toContain('Quý IV/2026');
    const bogus = await a
      .post('/quan-tri/he-thong/tac-vu/khong-co/chay')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(bogus.status).toBe(404);
  });

  it('the annual reminder is due in December, once per year', async () => {
    t.clock.set(new Date('2027-12-01T01:00:00Z'));
    const r1 = await t.services.jobs.runner.run('annual-report-reminder', { trigger: 'schedule' });
    expect(r1).toMatchObject({ status: 'succeeded', period: '2027' });
    expect(r1.counts?.notices).toBe(1);
    t.clock.set(new Date('2027-12-05T01:00:00Z'));
    const r2 = await t.services.jobs.runner.run('annual-report-reminder', { trigger: 'schedule' });
    expect(r2.status).toBe('skipped');
    const n = await t.db.knex('notifications').where({ kind: 'annual_report.reminder' });
    expect(n).toHaveLength(1);
    expect(n[0].link).toBe('/quan-tri/bao-cao-nam/2027');
  });
});

describe('term-congress alerts (R-17.1 e)', () => {
  let t: TestContext;
  let staff: TestUser;
  let officer: TestUser;
  const a: Record<string, { id: number; code: string }> = {};

  beforeAll(async () => {
    t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000' });
    staff = await createUser(t.db.knex, ['ngo_staff']);
    t.clock.set(new Date('2026-12-01T01:00:00Z'));
    const congress = async (key: string, held_on: string, term_years = 5) => {
      a[key] = await anAssociation()
        .withCongresses([{ term_number: 1, congress_type: 'nhiem_ky', held_on, term_years }])
        .insert(t.db.knex);
    };
    await congress('oneMonth', '2021-12-20'); // term ends 20/12/2026
    await congress('sixMonths', '2022-05-01'); // 01/05/2027
    await congress('overdue', '2020-01-01'); // 01/01/2025
    await congress('fine', '2025-01-01'); // 2030
    officer = await createUser(t.db.knex, ['association'], { associationId: a.oneMonth?.id as number });
  });
  afterAll(() => t.db.destroy());

  it('alerts each threshold once: officers per association, staff one digest a day', async () => {
    const runner = t.services.jobs.runner;
    const r1 = await runner.run('congress-alerts', { trigger: 'schedule' });
    expect(r1.counts).toMatchObject({ checked: 4, due: 3, new_alerts: 3, officer_notices: 1, staff_notices: 1 });
    const alerts = await t.db.knex('congress_alerts').orderBy('association_id').select('association_id', 'threshold');
    expect(alerts).toEqual([
      { association_id: a.oneMonth?.id, threshold: '1m' },
      { association_id: a.sixMonths?.id, threshold: '6m' },
      { association_id: a.overdue?.id, threshold: 'overdue' },
    ]);
    // The next day: same thresholds, nothing new.
    t.clock.set(new Date('2026-12-02T01:00:00Z'));
    const r2 = await runner.run('congress-alerts', { trigger: 'schedule' });
    expect(r2.counts).toMatchObject({ new_alerts: 0, staff_notices: 0, officer_notices: 0 });
    // February 2027: six-months crosses 3 months; one-month is now overdue.
    t.clock.set(new Date('2027-02-05T01:00:00Z'));
    const r3 = await runner.run('congress-alerts', { trigger: 'schedule' });
    expect(r3.counts).toMatchObject({ new_alerts: 2, officer_notices: 1, staff_notices: 1 });
    const officerNotices = await t.db.knex('notifications').where({ user_id: officer.id, kind: 'congress.alert' }).orderBy('id');
    expect(officerNotices.map((n) => n.title)).toEqual(['Sắp đến hạn tổ chức đại hội nhiệm kỳ', 'Hội đã quá hạn tổ chức đại hội nhiệm kỳ']);
    expect(await t.db.knex('notifications').where({ user_id: staff.id, kind: 'congress.alert' })).toHaveLength(2);
  });

  it('shows the "Đúng hạn / Sắp đến hạn / Quá hạn đại hội" badge on the record and on the officer\'s home', async () => {
    t.clock.set(new Date('2026-12-01T01:00:00Z'));
    const s = await loggedInAgent(t, staff);
    expect((await s.get(`/quan-tri/hoi/${a.overdue?.code}`)).text).toContain('Đại hội nhiệm kỳ: Quá hạn đại hội');
    expect((await s.get(`/quan-tri/hoi/${a.fine?.code}`)).text).toContain('Đại hội nhiệm kỳ: Đúng hạn');
    expect((await s.get(`/quan-tri/hoi/${a.sixMonths?.code}`)).text).toContain('Đại hội nhiệm kỳ: Sắp đến hạn');
    const o = await loggedInAgent(t, officer);
    const home = await o.get('/hoi-cua-toi/');
    expect(home.status).toBe(200);
    expect(home.text).toMatch(/badge text-bg-warning">Sắp đến hạn</);
    expect(home.text).toContain('20/12/2026');
  });
});
