/**
 * RELIABILITY check 30: logins (success and failure), refused requests, password changes and logouts each leave
 * exactly one audit row; the application cannot update, delete or truncate audit rows.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditEventRow } from '../../src/features/audit/audit.repository.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfFrom, csrfToken, login } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let officer: TestUser;
let staff: TestUser;

beforeAll(async () => {
  t = await buildTestApp();
  officer = await createUser(t.db.knex, ['association']);
  staff = await createUser(t.db.knex, ['leader']);
});
afterAll(() => t.db.destroy());

async function maxId(): Promise<number> {
  const row = (await t.db.knex('audit_events').max('id as id').first()) as { id: number | null } | undefined;
  return Number(row?.id ?? 0);
}

/** Runs `step` and returns the audit rows it wrote. */
async function rowsWritten(step: () => Promise<unknown>): Promise<AuditEventRow[]> {
  const before = await maxId();
  await step();
  return t.db.knex<AuditEventRow>('audit_events').where('id', '>', before).orderBy('id');
}

describe('audit trail (check 30)', () => {
  // One browser through the file: login, refused page, refused form, password change, logout.
  let a: Agent;

  it('a successful login leaves one row', async () => {
    a = agent(t);
    const rows = await rowsWritten(() => login(t, a, officer));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'login', outcome: 'success', actor_user_id: officer.id, actor_username: officer.username });
    expect(rows[0]?.ip).toBeTruthy();
    expect(rows[0]?.request_id).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('a staff login through TOTP leaves one row', async () => {
    const rows = await rowsWritten(() => login(t, agent(t), staff));
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'login', outcome: 'success', actor_user_id: staff.id, details: { method: 'totp' } });
  });

  it('a failed login leaves one row, also for an unknown user name', async () => {
    const b = agent(t);
    const token = await csrfToken(b, '/dang-nhap');
    const wrong = await rowsWritten(async () => {
      const res = await b
        .post('/dang-nhap')
        .type('form')
        .send({ _csrf: token, username: officer.username, password: 'không phải mật khẩu này' });
      expect(res.status).toBe(401);
    });
    expect(wrong).toHaveLength(1);
    expect(wrong[0]).toMatchObject({ action: 'login', outcome: 'failure', actor_user_id: officer.id, details: { reason: 'bad_password' } });
    const unknown = await rowsWritten(async () => {
      const res = await b
        .post('/dang-nhap')
        .type('form')
        .send({ _csrf: token, username: 'khong.ton.tai', password: 'không phải mật khẩu này' });
      expect(res.status).toBe(401);
    });
    expect(unknown).toHaveLength(1);
    expect(unknown[0]).toMatchObject({ action: 'login', outcome: 'failure', actor_user_id: null, actor_username: 'khong.ton.tai' });
  });

  it('a refused page (403) leaves one access.denied row', async () => {
    const rows = await rowsWritten(async () => {
      expect((await a.get('/quan-tri/')).status).toBe(403);
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'access.denied',
      outcome: 'denied',
      actor_user_id: officer.id,
      target_type: 'route',
      target_id: 'GET /quan-tri/',
      details: { reason: 'role' },
    });
  });

  it('a form refused for its CSRF token leaves one access.denied row', async () => {
    const rows = await rowsWritten(async () => {
      expect((await a.post('/tai-khoan/doi-mat-khau').type('form').send({ _csrf: 'sai' })).status).toBe(403);
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'access.denied',
      outcome: 'denied',
      target_id: 'POST /tai-khoan/doi-mat-khau',
      details: { reason: 'csrf' },
    });
  });

  it('a password change leaves one row', async () => {
    const form = await a.get('/tai-khoan/doi-mat-khau');
    const newPassword = 'Mật khẩu mới dành cho kiểm toán 2026';
    const rows = await rowsWritten(async () => {
      const res = await a
        .post('/tai-khoan/doi-mat-khau')
        .type('form')
        .send({ _csrf: csrfFrom(form.text), currentPassword: officer.password, newPassword, confirmPassword: newPassword });
      expect(res.status).toBe(303);
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({
      action: 'password.change',
      outcome: 'success',
      actor_user_id: officer.id,
      target_id: String(officer.id),
    });
    expect(JSON.stringify(rows[0])).not.toContain(newPassword);
  });

  it('a logout leaves one row', async () => {
    const home = await a.get('/hoi-cua-toi/');
    expect(home.status).toBe(200);
    const rows = await rowsWritten(async () => {
      const res = await a
        .post('/dang-xuat')
        .type('form')
        .send({ _csrf: csrfFrom(home.text) });
      expect(res.status).toBe(303);
    });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'logout', outcome: 'success', actor_user_id: officer.id });
  });

  it('rows cannot be updated, deleted or truncated by the application', async () => {
    const count = async () => Number(((await t.db.knex('audit_events').count('* as n').first()) as { n: number | string }).n);
    const before = await count();
    expect(before).toBeGreaterThan(5);
    const original = await t.db.knex<AuditEventRow>('audit_events').orderBy('id').first();
    const attempts: Array<[string, string]> = [
      ['update', `UPDATE audit_events SET action = 'nothing', actor_username = 'someone else'`],
      ['update one', `UPDATE audit_events SET outcome = 'success' WHERE action = 'access.denied'`],
      ['delete', 'DELETE FROM audit_events'],
      ['delete one', `DELETE FROM audit_events WHERE id = ${Number(original?.id)}`],
      ['truncate', 'TRUNCATE audit_events'],
    ];
    for (const [label, sql] of attempts) {
      await expect(t.db.knex.raw(sql), label).rejects.toThrow(/append-only/);
    }
    // Also through Knex's query builder, as a repository would write it.
    await expect(t.db.knex('audit_events').where('id', Number(original?.id)).update({ action: 'x' })).rejects.toThrow(/append-only/);
    await expect(t.db.knex('audit_events').where('id', Number(original?.id)).delete()).rejects.toThrow(/append-only/);
    expect(await count()).toBe(before);
    expect(await t.db.knex<AuditEventRow>('audit_events').orderBy('id').first()).toEqual(original);
  });
});
