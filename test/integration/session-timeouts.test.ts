/**
 * Session timeouts (RELIABILITY check 3; session limits): 30 minutes idle and 12 hours absolute, measured by
 * the application clock, force a new login; the expired cookie gives no authenticated page again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { agent, csrfFrom, loggedInAgent, login, sessionCookie } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

let t: TestContext;
let officer: TestUser;
let staff: TestUser;

beforeAll(async () => {
  t = await buildTestApp();
  officer = await createUser(t.db.knex, ['association']);
  staff = await createUser(t.db.knex, ['ngo_staff']);
});
afterAll(() => t.db.destroy());

function expectLoginRedirect(res: { status: number; headers: Record<string, string> }, returnTo?: string) {
  expect(res.status).toBe(303);
  expect(res.headers.location).toMatch(/^\/dang-nhap\?het-han=1/);
  if (returnTo) expect(res.headers.location).toContain(`tiep=${encodeURIComponent(returnTo)}`);
}

describe('idle timeout (check 3)', () => {
  it('keeps a session used every 29 minutes', async () => {
    const a = await loggedInAgent(t, officer);
    for (let i = 0; i < 4; i++) {
      t.clock.advance(29 * MINUTE);
      expect((await a.get('/hoi-cua-toi/')).status).toBe(200);
    }
  });

  it('ends a session left alone for more than 30 minutes and says so on the login page', async () => {
    const a = await loggedInAgent(t, officer);
    const home = await a.get('/hoi-cua-toi/');
    expect(home.status).toBe(200);
    t.clock.advance(31 * MINUTE);
    const res = await a.get('/hoi-cua-toi/');
    expectLoginRedirect(res, '/hoi-cua-toi/');
    const page = await a.get(res.headers.location as string);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.');
    // Still out on the next request: the session holds no user any more.
    const again = await a.get('/hoi-cua-toi/');
    expect(again.status).toBe(303);
    expect(again.headers.location).toMatch(/^\/dang-nhap\?tiep=/);
    // An expiry is audited.
    const rows = await t.db.knex('audit_events').where({ action: 'session.expired' }).select('details');
    expect(rows.some((r: { details: unknown }) => JSON.stringify(r.details).includes('idle'))).toBe(true);
  });

  it('refuses a form post from an idle session and writes nothing under the user', async () => {
    const a = await loggedInAgent(t, officer);
    const page = await a.get('/tai-khoan/doi-mat-khau');
    const before = await t.db.knex('users').where({ id: officer.id }).first('password_hash', 'session_generation');
    t.clock.advance(45 * MINUTE);
    const res = await a
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        currentPassword: officer.password,
        newPassword: 'một mật khẩu mới đủ dài cho phiên hết hạn',
        confirmPassword: 'một mật khẩu mới đủ dài cho phiên hết hạn',
      });
    expectLoginRedirect(res);
    const after = await t.db.knex('users').where({ id: officer.id }).first('password_hash', 'session_generation');
    expect(after).toEqual(before);
  });

  it('lets the user log in again and return to the page they asked for', async () => {
    const a = await loggedInAgent(t, officer);
    t.clock.advance(31 * MINUTE);
    const expired = await a.get('/tai-khoan/doi-mat-khau');
    expectLoginRedirect(expired, '/tai-khoan/doi-mat-khau');
    const form = await a.get(expired.headers.location as string);
    const res = await a
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), username: officer.username, password: officer.password, tiep: '/tai-khoan/doi-mat-khau' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/tai-khoan/doi-mat-khau');
    expect((await a.get('/tai-khoan/doi-mat-khau')).status).toBe(200);
  });

  it('applies to staff after the TOTP step too', async () => {
    const a = agent(t);
    const res = await login(t, a, staff);
    expect(res.headers.location).toBe('/quan-tri/');
    expect((await a.get('/quan-tri/')).status).toBe(200);
    t.clock.advance(30 * MINUTE + 1_000);
    expectLoginRedirect(await a.get('/quan-tri/'), '/quan-tri/');
  });
});

describe('absolute timeout (check 3)', () => {
  it('ends an active session 12 hours after login, even with a request every 25 minutes', async () => {
    const a = agent(t);
    const first = await login(t, a, officer);
    const cookie = sessionCookie(first);
    expect(cookie).toBeDefined();
    let elapsed = 0;
    // Active all day: every request is well inside the idle limit.
    while (elapsed + 25 * MINUTE < 12 * HOUR) {
      t.clock.advance(25 * MINUTE);
      elapsed += 25 * MINUTE;
      const res = await a.get('/hoi-cua-toi/');
      expect(res.status, `after ${elapsed / MINUTE} minutes`).toBe(200);
    }
    expect(elapsed).toBeGreaterThan(11.5 * HOUR);
    t.clock.advance(12 * HOUR - elapsed + MINUTE);
    expectLoginRedirect(await a.get('/hoi-cua-toi/'), '/hoi-cua-toi/');
    // The cookie from the login, replayed by another client, is refused as well.
    const replay = await agent(t).get('/hoi-cua-toi/').set('Cookie', `csdl.sid=${cookie}`);
    expect(replay.status).toBe(303);
    expect(replay.headers.location).toMatch(/^\/dang-nhap/);
    const rows = await t.db.knex('audit_events').where({ action: 'session.expired' }).select('details');
    expect(rows.some((r: { details: unknown }) => JSON.stringify(r.details).includes('absolute'))).toBe(true);
  });

  it('is not reset by changing the password', async () => {
    const user = await createUser(t.db.knex, ['association']);
    const a = await loggedInAgent(t, user);
    t.clock.advance(20 * MINUTE);
    const page = await a.get('/tai-khoan/doi-mat-khau');
    const newPassword = 'đổi mật khẩu giữa ngày làm việc dài';
    const changed = await a
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: user.password, newPassword, confirmPassword: newPassword });
    expect(changed.status).toBe(303);
    let elapsed = 20 * MINUTE;
    while (elapsed + 25 * MINUTE < 12 * HOUR) {
      t.clock.advance(25 * MINUTE);
      elapsed += 25 * MINUTE;
      expect((await a.get('/hoi-cua-toi/')).status).toBe(200);
    }
    t.clock.advance(12 * HOUR - elapsed + MINUTE);
    expectLoginRedirect(await a.get('/hoi-cua-toi/'));
  });
});

describe('a short idle timeout (SESSION_IDLE_MINUTES=1)', () => {
  let short: TestContext;
  beforeAll(async () => {
    short = await buildTestApp({ SESSION_IDLE_MINUTES: '1' });
  });
  afterAll(() => short.db.destroy());

  it('keeps a session used every 20 seconds: activity is recorded more often than the idle limit', async () => {
    const user = await createUser(short.db.knex, ['association']);
    const a = await loggedInAgent(short, user);
    for (let i = 0; i < 9; i++) {
      short.clock.advance(20_000);
      const res = await a.get('/hoi-cua-toi/');
      expect(res.status, `request ${i + 1}, ${(i + 1) * 20} s after sign-in`).toBe(200);
    }
    short.clock.advance(61_000);
    expectLoginRedirect(await a.get('/hoi-cua-toi/'), '/hoi-cua-toi/');
  });
});
