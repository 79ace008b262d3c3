/**
 * The IT Centre's pages (R-9.1; RELIABILITY checks 4, 30, 39): the backup alert (also in /readyz), backups and
 * drills with sizes, active sessions and revoking one, recent 5xx errors (error_events, no personal data), lockouts,
 * and user administration (disable/enable, unlock, reset TOTP), each audited. The role matrix is in route-matrix.
 */
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfFrom, loggedInAgent, login } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let admin: TestUser;
let adminAgent: Agent;

const BASE = '/quan-tri/he-thong';

beforeAll(async () => {
  const extraRoutes = Router();
  extraRoutes.get('/thu-loi/:x', (_req, _res) => {
    throw new Error("duplicate key value (username)=(nguyen.van.a) for 'Nguyễn Văn A' phone 0912345678");
  });
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000' }, { extraRoutes });
  admin = await createUser(t.db.knex, ['it_admin']);
  adminAgent = await loggedInAgent(t, admin);
});
afterAll(() => t.db.destroy());

async function post(a: Agent, page: string, action: string, fields: Record<string, string> = {}) {
  const res = await a.get(page);
  expect(res.status, page).toBe(200);
  return a
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(res.text), ...fields });
}

async function auditCount(action: string, targetId: number): Promise<number> {
  const r = await t.db
    .knex('audit_events')
    .where({ action, target_id: String(targetId) })
    .count<{ n: number }[]>('* as n');
  return Number(r[0]?.n);
}

describe('backups and the 8-day alert (check 39)', () => {
  it('flags a missing or stale last good backup on the pages and in /readyz (a warning, not a 503)', async () => {
    let page = await adminAgent.get(BASE);
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="canh-bao-sao-luu"');
    expect(page.text).toContain('chưa có bản sao lưu thành công nào');
    let ready = await agent(t).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.warnings.backup).toBe('chưa có bản sao lưu thành công nào');
    expect(ready.body.reasons).toEqual(['chưa có bản sao lưu thành công nào']);

    const finished = t.clock.now();
    await t.db.knex('backup_runs').insert([
      {
        kind: 'backup',
        status: 'succeeded',
        started_at: finished,
        finished_at: finished,
        size_bytes: 1_572_864,
        path: '/sao-luu/csdl-hoi-a',
      },
      { kind: 'drill', status: 'succeeded', started_at: finished, finished_at: finished, restore_seconds: 2.5 },
      { kind: 'backup', status: 'failed', started_at: finished, finished_at: finished, error: 'pg_dump thất bại: đĩa đầy' },
    ]);
    page = await adminAgent.get(BASE);
    expect(page.text).not.toContain('id="canh-bao-sao-luu"');
    ready = await agent(t).get('/readyz');
    expect(ready.body.status).toBe('ready');
    expect(ready.body.warnings).toBeUndefined();
    expect(ready.body.checks.backup).toEqual({ ok: true });

    const list = await adminAgent.get(`${BASE}/sao-luu`);
    expect(list.status).toBe(200);
    expect(list.text).toContain('1,5'); // 1 572 864 bytes = 1,5 MB
    expect(list.text).toContain('2,5'); // restore seconds
    expect(list.text).toContain('pg_dump thất bại: đĩa đầy');
    expect(list.text).toContain('Diễn tập khôi phục');
    expect(list.text).toContain('/quan-tri/he-thong/tac-vu');

    t.clock.advance(8 * 86_400_000 + 3_600_000);
    // Signed in again after the clock jump (the idle timeout ended the session).
    adminAgent = await loggedInAgent(t, admin);
    page = await adminAgent.get(`${BASE}/sao-luu`);
    expect(page.text).toContain('id="canh-bao-sao-luu"');
    expect(page.text).toContain('đã cũ hơn 8 ngày');
    ready = await agent(t).get('/readyz');
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('degraded');
    expect(ready.body.warnings.backup).toMatch(/bản sao lưu thành công gần nhất đã 8 ngày \(quá 8 ngày\)/);
    expect(ready.body.checks.backup.detail).toMatch(/quá 8 ngày/);
  });
});

describe('sessions', () => {
  it('lists active sessions without their ids and revokes one: that user must sign in again', async () => {
    const staff = await createUser(t.db.knex, ['ngo_staff']);
    const staffAgent = await loggedInAgent(t, staff);
    expect((await staffAgent.get('/quan-tri/')).status).toBe(200);
    const page = await adminAgent.get(`${BASE}/phien`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(staff.username);
    const sids = (await t.db.knex('sessions').where({ user_id: staff.id }).select('sid')) as Array<{ sid: string }>;
    expect(sids.length).toBe(1);
    expect(page.text).not.toContain(sids[0]?.sid);
    // The revoke form of the staff member's row.
    const row = page.text.split('<tr>').find((r) => r.includes(staff.username)) as string;
    const ref = /name="ref" value="([0-9a-f]{64})"/.exec(row)?.[1] as string;
    const res = await adminAgent
      .post(`${BASE}/phien/thu-hoi`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ref });
    expect(res.status).toBe(303);
    expect(await t.db.knex('sessions').where({ user_id: staff.id }).first()).toBeUndefined();
    const after = await staffAgent.get('/quan-tri/');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/dang-nhap/);
    expect(await auditCount('session.revoke', staff.id)).toBe(1);
    // An unknown reference: 404, nothing else deleted.
    const again = await adminAgent.get(`${BASE}/phien`);
    const bad = await adminAgent
      .post(`${BASE}/phien/thu-hoi`)
      .type('form')
      .send({ _csrf: csrfFrom(again.text), ref: 'a'.repeat(64) });
    expect(bad.status).toBe(404);
    expect(await t.db.knex('sessions').where({ user_id: admin.id }).first()).toBeDefined();
  });
});

describe('recent errors', () => {
  it('records each 5xx with its request id and path, masks quoted values, keeps no query string', async () => {
    const res = await agent(t).get('/thu-loi/abc?cccd=001234567890');
    expect(res.status).toBe(500);
    const requestId = String(res.headers['x-request-id']);
    // The error is recorded after the response has gone: wait for the row rather than for a fixed time.
    const row = await vi.waitFor(async () => {
      const found = await t.db.knex('error_events').where({ request_id: requestId }).first();
      if (!found) throw new Error('no error event yet');
      return found;
    });
    expect(row).toMatchObject({ method: 'GET', path: '/thu-loi/abc', status: 500, error_name: 'Error' });
    expect(row.message).not.toMatch(/nguyen\.van\.a|Nguyễn Văn A|0912345678|001234567890/);
    const page = await adminAgent.get(`${BASE}/loi`);
    expect(page.status).toBe(200);
    expect(page.text).toContain(requestId);
    expect(page.text).toContain('/thu-loi/abc');
    expect(page.text).not.toContain('cccd');
  });
});

describe('lockouts and user administration', () => {
  it('lists a locked account and unlocks it (audited)', async () => {
    const locked = await createUser(t.db.knex, ['exploiter']);
    await t.db
      .knex('users')
      .where({ id: locked.id })
      .update({ failed_login_count: 3, locked_until: new Date(t.clock.now().getTime() + 600_000) });
    const page = await adminAgent.get(`${BASE}/khoa-tai-khoan`);
    expect(page.text).toContain(locked.username);
    expect(page.text).toContain('Đang khóa');
    const res = await post(adminAgent, `${BASE}/khoa-tai-khoan`, `${BASE}/nguoi-dung/${locked.id}/mo-khoa`, {
      tiep: `${BASE}/khoa-tai-khoan`,
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${BASE}/khoa-tai-khoan`);
    expect(await t.db.knex('users').where({ id: locked.id }).first()).toMatchObject({ failed_login_count: 0, locked_until: null });
    expect(await auditCount('user.unlock', locked.id)).toBe(1);
    // The unlocked account signs in.
    const a = agent(t);
    expect((await login(t, a, locked)).status).toBe(303);
  });

  it('finds users by name without diacritics and by role', async () => {
    const u = await createUser(t.db.knex, ['leader']);
    await t.db.knex('users').where({ id: u.id }).update({ display_name: 'Trần Thị Hồng Nhung' });
    const res = await adminAgent.get(`${BASE}/nguoi-dung?q=hong+nhung&vai-tro=leader`);
    expect(res.status).toBe(200);
    expect(res.text).toContain(u.username);
    const none = await adminAgent.get(`${BASE}/nguoi-dung?q=hong+nhung&vai-tro=exploiter`);
    expect(none.text).not.toContain(u.username);
    // Viewing an account (personal data) is audited.
    expect((await adminAgent.get(`${BASE}/nguoi-dung/${u.id}`)).status).toBe(200);
    expect(await auditCount('user.view', u.id)).toBe(1);
    expect((await adminAgent.get(`${BASE}/nguoi-dung/999999`)).status).toBe(404);
  });

  it('disabling ends the user’s session at the next request; enabling lets them back (check 4)', async () => {
    const staff = await createUser(t.db.knex, ['ngo_staff']);
    const staffAgent = await loggedInAgent(t, staff);
    expect((await staffAgent.get('/quan-tri/hoi')).status).toBe(200);
    const userPage = `${BASE}/nguoi-dung/${staff.id}`;
    const res = await post(adminAgent, userPage, `${userPage}/vo-hieu-hoa`);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(userPage);
    const after = await staffAgent.get('/quan-tri/hoi');
    expect(after.status).toBe(303);
    expect(after.headers.location).toMatch(/^\/dang-nhap/);
    expect((await t.db.knex('users').where({ id: staff.id }).first()).disabled_at).not.toBeNull();
    expect(await auditCount('user.disable', staff.id)).toBe(1);
    await expect(login(t, agent(t), staff)).rejects.toThrow();

    await post(adminAgent, userPage, `${userPage}/kich-hoat`);
    expect((await t.db.knex('users').where({ id: staff.id }).first()).disabled_at).toBeNull();
    expect(await auditCount('user.enable', staff.id)).toBe(1);
    expect((await login(t, agent(t), staff)).status).toBe(303);
  });

  it('an administrator cannot disable their own account', async () => {
    const self = `${BASE}/nguoi-dung/${admin.id}`;
    const page = await adminAgent.get(self);
    expect(page.text).toContain('Bạn không thể tự vô hiệu hóa tài khoản của mình.');
    const res = await adminAgent
      .post(`${self}/vo-hieu-hoa`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    expect((await t.db.knex('users').where({ id: admin.id }).first()).disabled_at).toBeNull();
    const follow = await adminAgent.get(self);
    expect(follow.status).toBe(200);
    expect(follow.text).toContain('Bạn không thể tự vô hiệu hóa tài khoản của chính mình.');
    expect(await auditCount('user.disable', admin.id)).toBe(0);
  });

  it('resetting TOTP clears the secret and recovery codes, ends sessions, and the next login enrols again', async () => {
    const staff = await createUser(t.db.knex, ['ngo_lead']);
    const staffAgent = await loggedInAgent(t, staff);
    await t.db.knex('user_recovery_codes').insert({ user_id: staff.id, code_hash: 'x' });
    const userPage = `${BASE}/nguoi-dung/${staff.id}`;
    expect((await post(adminAgent, userPage, `${userPage}/dat-lai-totp`)).status).toBe(303);
    const row = await t.db.knex('users').where({ id: staff.id }).first();
    expect(row).toMatchObject({ totp_secret: null, totp_enabled_at: null, totp_last_step: null });
    expect(await t.db.knex('user_recovery_codes').where({ user_id: staff.id }).first()).toBeUndefined();
    expect((await staffAgent.get('/quan-tri/')).status).toBe(303);
    expect(await auditCount('user.totp_reset', staff.id)).toBe(1);
    const a = agent(t);
    const form = await a.get('/dang-nhap');
    const res = await a
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), username: staff.username, password: staff.password });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dang-nhap/dang-ky-xac-thuc');
  });
});
