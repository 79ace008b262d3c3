/**
 * Ending a user's sessions (RELIABILITY rule 1 and check 4; ): disabling the account or changing the password
 * ends every other session at its next request; the browser that changed the password keeps working; a request
 * still in flight cannot write a stale session back.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KnexSessionStore } from '../../src/middleware/session.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfFrom, csrfToken, loggedInAgent, login, sessionCookie } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.db.destroy());

async function expectLoggedOut(a: Agent, path = '/hoi-cua-toi/') {
  const res = await a.get(path);
  expect(res.status).toBe(303);
  expect(res.headers.location).toMatch(/^\/dang-nhap\?tiep=/);
}

async function passwordLogin(a: Agent, username: string, password: string) {
  const token = await csrfToken(a, '/dang-nhap');
  return a.post('/dang-nhap').type('form').send({ _csrf: token, username, password });
}

function sessionRows(userId: number) {
  return t.db.knex('sessions').where({ user_id: userId }).select('sid', 'sess');
}

describe('disabling an account (check 4)', () => {
  it('ends every session of the user at the next request and refuses a new login', async () => {
    const user = await createUser(t.db.knex, ['association']);
    const bystander = await createUser(t.db.knex, ['association']);
    const a = await loggedInAgent(t, user);
    const b = await loggedInAgent(t, user);
    const other = await loggedInAgent(t, bystander);
    expect((await a.get('/hoi-cua-toi/')).status).toBe(200);
    expect((await b.get('/hoi-cua-toi/')).status).toBe(200);

    await t.services.users.setDisabled(user.id, t.clock.now());

    await expectLoggedOut(a);
    await expectLoggedOut(b);
    expect(await sessionRows(user.id)).toHaveLength(0);
    // Someone else's session is untouched.
    expect((await other.get('/hoi-cua-toi/')).status).toBe(200);

    const refused = await passwordLogin(agent(t), user.username, user.password);
    expect(refused.status).toBe(401);
    expect(refused.text).toContain('Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa');

    // Enabled again: the same password works.
    await t.services.users.setDisabled(user.id, null);
    const again = await passwordLogin(agent(t), user.username, user.password);
    expect(again.status).toBe(303);
    expect(again.headers.location).toBe('/hoi-cua-toi/');
  });

  it('ends a staff session as well', async () => {
    const staff = await createUser(t.db.knex, ['ngo_staff']);
    const a = await loggedInAgent(t, staff);
    expect((await a.get('/quan-tri/')).status).toBe(200);
    await t.services.users.setDisabled(staff.id, t.clock.now());
    await expectLoggedOut(a, '/quan-tri/');
  });
});

describe('changing the password (check 4)', () => {
  it('ends the other sessions; the browser that changed it keeps working', async () => {
    const user = await createUser(t.db.knex, ['association']);
    const a = await loggedInAgent(t, user);
    const b = await loggedInAgent(t, user);
    const c = agent(t);
    const cLogin = await login(t, c, user);
    const cCookie = sessionCookie(cLogin);
    expect(await sessionRows(user.id)).toHaveLength(3);

    const page = await a.get('/tai-khoan/doi-mat-khau');
    expect(page.status).toBe(200);
    const newPassword = 'hoa sen nở giữa mùa hè ở Đồng Tháp';
    const res = await a
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: user.password, newPassword, confirmPassword: newPassword });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/hoi-cua-toi/');

    const home = await a.get('/hoi-cua-toi/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Đã đổi mật khẩu. Các phiên đăng nhập khác của tài khoản đã được kết thúc.');
    // The changing browser can still post forms (its CSRF token came with its new session).
    const form = await a.get('/tai-khoan/doi-mat-khau');
    expect(form.status).toBe(200);

    await expectLoggedOut(b);
    await expectLoggedOut(c);
    const replay = await agent(t).get('/hoi-cua-toi/').set('Cookie', `csdl.sid=${cCookie}`);
    expect(replay.status).toBe(303);
    expect(await sessionRows(user.id)).toHaveLength(1);

    expect((await passwordLogin(agent(t), user.username, user.password)).status).toBe(401);
    expect((await passwordLogin(agent(t), user.username, newPassword)).status).toBe(303);
  });
});

describe('a stale session in flight cannot be written back (rule 1, check 4)', () => {
  function promisify<T>(fn: (cb: (err?: unknown, value?: T) => void) => void): Promise<T | undefined> {
    return new Promise((resolve, reject) => fn((err, value) => (err ? reject(err) : resolve(value))));
  }

  it('the store refuses to save a session whose generation was bumped by a password change', async () => {
    const user = await createUser(t.db.knex, ['association']);
    const a = agent(t);
    const res = await login(t, a, user);
    const cookie = sessionCookie(res);
    const [row] = await sessionRows(user.id);
    expect(row).toBeDefined();
    const sid = row?.sid as string;
    const sess = typeof row?.sess === 'string' ? JSON.parse(row.sess) : row?.sess;
    expect(sess.passport.user).toEqual({ id: user.id, gen: user.session_generation });

    // Another browser changes the password: the generation moves on and the rows go.
    const other = await loggedInAgent(t, user);
    const page = await other.get('/tai-khoan/doi-mat-khau');
    const newPassword = 'một mật khẩu mới giữa lúc yêu cầu cũ đang chạy';
    const changed = await other
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: user.password, newPassword, confirmPassword: newPassword });
    expect(changed.status).toBe(303);
    expect(await t.db.knex('sessions').where({ sid }).first()).toBeUndefined();

    // The slow request that loaded the old session now finishes and saves it, as express-session would.
    const store = new KnexSessionStore(t.db.knex, t.config.session.idleMs);
    await promisify<void>((cb) => store.set(sid, { ...sess, seenAt: Date.now() }, cb));
    expect(await t.db.knex('sessions').where({ sid }).first()).toBeUndefined();
    const replay = await agent(t).get('/hoi-cua-toi/').set('Cookie', `csdl.sid=${cookie}`);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toMatch(/^\/dang-nhap/);

    // Control: the same write with the current generation is stored, so the refusal above is about the generation.
    const fresh = await t.db.knex('users').where({ id: user.id }).first('session_generation');
    await promisify<void>((cb) => store.set(sid, { ...sess, passport: { user: { id: user.id, gen: fresh.session_generation } } }, cb));
    expect(await t.db.knex('sessions').where({ sid }).first()).toBeDefined();
    await promisify<void>((cb) => store.destroy(sid, cb));
  });

  it('the store refuses to save a session over an existing row once the generation moved', async () => {
    const user = await createUser(t.db.knex, ['association']);
    const a = await loggedInAgent(t, user);
    const [row] = await sessionRows(user.id);
    const sid = row?.sid as string;
    const sess = typeof row?.sess === 'string' ? JSON.parse(row.sess) : row?.sess;
    // The generation moves but (say, mid-transaction) the row is still there.
    await t.db.knex('users').where({ id: user.id }).increment('session_generation', 1);
    const store = new KnexSessionStore(t.db.knex, t.config.session.idleMs);
    await promisify<void>((cb) => store.set(sid, { ...sess, flash: [{ type: 'info', text: 'ghi đè' }] }, cb));
    const after = await t.db.knex('sessions').where({ sid }).first('sess');
    const stored = typeof after?.sess === 'string' ? JSON.parse(after.sess) : after?.sess;
    expect(stored.flash ?? []).not.toContainEqual({ type: 'info', text: 'ghi đè' });
    // And the session no longer authenticates.
    await expectLoggedOut(a);
  });

  it('the store refuses to save the session of a disabled user', async () => {
    const user = await createUser(t.db.knex, ['association']);
    await loggedInAgent(t, user);
    const [row] = await sessionRows(user.id);
    const sid = row?.sid as string;
    const sess = typeof row?.sess === 'string' ? JSON.parse(row.sess) : row?.sess;
    // Disabled directly in the database, generation unchanged: the account state alone refuses the write.
    await t.db.knex('users').where({ id: user.id }).update({ disabled_at: new Date() });
    await t.db.knex('sessions').where({ sid }).delete();
    const store = new KnexSessionStore(t.db.knex, t.config.session.idleMs);
    await promisify<void>((cb) => store.set(sid, sess, cb));
    expect(await t.db.knex('sessions').where({ sid }).first()).toBeUndefined();
  });
});
