/**
 * Brute-force protection (RELIABILITY check 5; R-21): 10 wrong passwords lock the account for LOGIN_LOCK_MINUTES with
 * the same generic message; a per-IP limiter answers 429 with Retry-After that a forged X-Forwarded-For cannot reset.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfToken } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const GENERIC = 'Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa. Vui lòng thử lại sau ít phút.';

/** The alert the user reads after a refused login (the page minus per-request noise such as tokens and nonces). */
function messageOf(html: string): string {
  const m = /<div[^>]*class="[^"]*alert[^"]*"[^>]*>([\s\S]*?)<\/div>/.exec(html);
  return (m?.[1] ?? '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

describe('account lockout (check 5)', () => {
  let t: TestContext;
  let user: TestUser;
  let a: Agent;
  let token: string;

  beforeAll(async () => {
    t = await buildTestApp();
    user = await createUser(t.db.knex, ['association']);
    a = agent(t);
    token = await csrfToken(a, '/dang-nhap');
  });
  afterAll(() => t.db.destroy());

  const attempt = (password: string, username = user.username) =>
    a.post('/dang-nhap').type('form').send({ _csrf: token, username, password });

  it('locks after 10 wrong passwords, refuses even the right one with the same message, and opens again later', async () => {
    expect(t.config.login.maxFailures).toBe(10);
    const wrongMessages = new Set<string>();
    for (let i = 1; i <= 10; i++) {
      const res = await attempt(`mật khẩu sai lần thứ ${i}`);
      expect(res.status, `attempt ${i}`).toBe(401);
      expect(res.text).toContain(GENERIC);
      wrongMessages.add(messageOf(res.text));
    }
    const row = await t.db.knex('users').where({ id: user.id }).first('locked_until');
    expect(row.locked_until).not.toBeNull();
    expect(new Date(row.locked_until).getTime()).toBe(t.clock.now().getTime() + t.config.login.lockMs);

    // The right password while locked: refused, and the page says nothing more than for a wrong password.
    const locked = await attempt(user.password);
    expect(locked.status).toBe(401);
    expect(messageOf(locked.text)).toBe([...wrongMessages][0]);
    expect(wrongMessages.size).toBe(1);
    expect([...wrongMessages][0]).toContain(GENERIC);
    // An unknown user gets the very same answer.
    const unknown = await attempt('bất kỳ mật khẩu nào', 'khong.ton.tai');
    expect(unknown.status).toBe(401);
    expect(messageOf(unknown.text)).toBe(messageOf(locked.text));

    // Still locked one minute before the end.
    t.clock.advance(t.config.login.lockMs - 60_000);
    expect((await attempt(user.password)).status).toBe(401);

    // After LOGIN_LOCK_MINUTES the right password works again and the counter starts from zero.
    t.clock.advance(61_000);
    const ok = await attempt(user.password);
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/hoi-cua-toi/');
    expect((await a.get('/hoi-cua-toi/')).status).toBe(200);
    const after = await t.db.knex('users').where({ id: user.id }).first('failed_login_count', 'locked_until');
    expect(after).toMatchObject({ failed_login_count: 0, locked_until: null });

    // Each refusal left an audit row, the lock is marked on the tenth.
    const failures = await t.db
      .knex('audit_events')
      .where({ action: 'login', outcome: 'failure', target_id: String(user.id) })
      .select('details');
    expect(failures.length).toBeGreaterThanOrEqual(12);
    expect(failures.filter((f: { details: unknown }) => JSON.stringify(f.details).includes('"locked":true'))).toHaveLength(1);
  });

  it('9 wrong passwords then the right one log in and reset the count', async () => {
    const other = await createUser(t.db.knex, ['association']);
    const b = agent(t);
    const tok = await csrfToken(b, '/dang-nhap');
    for (let i = 0; i < 9; i++) {
      const res = await b
        .post('/dang-nhap')
        .type('form')
        .send({ _csrf: tok, username: other.username, password: `sai ${i} lần rồi đó` });
      expect(res.status).toBe(401);
    }
    const ok = await b.post('/dang-nhap').type('form').send({ _csrf: tok, username: other.username, password: other.password });
    expect(ok.status).toBe(303);
    const row = await t.db.knex('users').where({ id: other.id }).first('failed_login_count', 'locked_until');
    expect(row).toMatchObject({ failed_login_count: 0, locked_until: null });
  });
});

describe('per-IP login rate limit (check 5)', () => {
  let t: TestContext;

  beforeAll(async () => {
    t = await buildTestApp({ LOGIN_RATE_LIMIT: '5' });
  });
  afterAll(() => t.db.destroy());

  it('answers 429 with Retry-After after 5 attempts, whatever X-Forwarded-For says', async () => {
    const user = await createUser(t.db.knex, ['association']);
    const a = agent(t);
    const token = await csrfToken(a, '/dang-nhap');
    for (let i = 1; i <= 5; i++) {
      const res = await a
        .post('/dang-nhap')
        .set('X-Forwarded-For', `203.0.113.${i}`)
        .type('form')
        .send({ _csrf: token, username: user.username, password: `đoán mò lần thứ ${i}` });
      expect(res.status, `attempt ${i}`).toBe(401);
    }
    const limited = await a
      .post('/dang-nhap')
      .set('X-Forwarded-For', '198.51.100.77')
      .type('form')
      .send({ _csrf: token, username: user.username, password: user.password });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers['retry-after']);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(t.config.login.rateWindowMs / 1000);
    expect(limited.text).toContain('Bạn đã thử đăng nhập quá nhiều lần từ địa chỉ này');
    // The limiter stops the request before the password check: no session was created for the user.
    expect(await t.db.knex('sessions').where({ user_id: user.id }).first()).toBeUndefined();

    // A fresh browser (new cookie) with yet another forged address is still limited.
    const b = agent(t);
    const token2 = await csrfToken(b, '/dang-nhap');
    const again = await b
      .post('/dang-nhap')
      .set('X-Forwarded-For', '192.0.2.200, 10.0.0.1')
      .set('X-Real-IP', '192.0.2.201')
      .type('form')
      .send({ _csrf: token2, username: user.username, password: user.password });
    expect(again.status).toBe(429);
    expect(again.headers['retry-after']).toBeDefined();
  });

  it('limits the TOTP step from the same address too (the budget spent above is shared)', async () => {
    const res = await agent(t).get('/dang-nhap');
    const token = /name="_csrf" value="([^"]+)"/.exec(res.text)?.[1];
    const cookie = (res.headers['set-cookie'] as unknown as string[])[0]?.split(';')[0] as string;
    const code = await agent(t)
      .post('/dang-nhap/ma-xac-thuc')
      .set('Cookie', cookie)
      .set('X-Forwarded-For', '203.0.113.250')
      .type('form')
      .send({ _csrf: token, code: '123456' });
    expect(code.status).toBe(429);
  });
});
