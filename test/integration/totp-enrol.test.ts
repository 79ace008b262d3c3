/**
 * Staff TOTP enrolment on first login (RELIABILITY rule 4, check 7; R-21): a QR code and the secret, confirmation with
 * a code, ten recovery codes shown once; a recovery code logs in once and only once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/features/auth/totp.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfFrom, csrfToken } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.db.destroy());

async function passwordStep(a: Agent, user: TestUser) {
  const token = await csrfToken(a, '/dang-nhap');
  return a.post('/dang-nhap').type('form').send({ _csrf: token, username: user.username, password: user.password });
}

function secretFrom(html: string): string {
  const m = /Khóa bí mật:<\/p>\s*<p><code[^>]*>([A-Z2-7 ]+)<\/code>/.exec(html);
  if (!m?.[1]) throw new Error('no secret on the enrolment page');
  return m[1].replace(/\s/g, '');
}

async function logout(a: Agent, page = '/quan-tri/') {
  const home = await a.get(page);
  const out = await a
    .post('/dang-xuat')
    .type('form')
    .send({ _csrf: csrfFrom(home.text) });
  expect(out.status).toBe(303);
}

async function recoveryLogin(a: Agent, user: TestUser, code: string) {
  const first = await passwordStep(a, user);
  expect(first.headers.location).toBe('/dang-nhap/ma-xac-thuc');
  const page = await a.get('/dang-nhap/ma-xac-thuc');
  return a
    .post('/dang-nhap/ma-xac-thuc')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), code });
}

describe('TOTP enrolment on first login (rule 4)', () => {
  it('shows a QR code, enrols with a code from the shown secret, gives 10 recovery codes; each works once', async () => {
    const staff = await createUser(t.db.knex, ['ngo_staff'], { enrolled: false });
    const a = agent(t);
    const res = await passwordStep(a, staff);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dang-nhap/dang-ky-xac-thuc');
    // Not signed in yet.
    expect((await a.get('/quan-tri/')).status).toBe(303);

    const page = await a.get('/dang-nhap/dang-ky-xac-thuc');
    expect(page.status).toBe(200);
    expect(page.headers['cache-control']).toContain('no-store');
    expect(page.text).toMatch(/<img src="data:image\/png;base64,[A-Za-z0-9+/=]{200,}"/);
    const secret = secretFrom(page.text);
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);

    // A wrong code: refused, nothing stored.
    const wrong = await a
      .post('/dang-nhap/dang-ky-xac-thuc')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: '000000' });
    expect(wrong.status).toBe(401);
    expect(wrong.text).toContain('Mã xác thực không đúng hoặc đã được dùng');
    expect(await t.db.knex('users').where({ id: staff.id }).first('totp_enabled_at')).toMatchObject({ totp_enabled_at: null });
    // The page keeps the same secret so the app the user already scanned stays right.
    expect(secretFrom(wrong.text)).toBe(secret);

    t.clock.advance(30_000);
    const code = await totpCode(secret, t.clock.now());
    const done = await a
      .post('/dang-nhap/dang-ky-xac-thuc')
      .type('form')
      .send({ _csrf: csrfFrom(wrong.text), code });
    expect(done.status).toBe(200);
    expect(done.headers['cache-control']).toContain('no-store');
    const codes = [...done.text.matchAll(/<code class="fs-5">([A-Z0-9-]+)<\/code>/g)].map((m) => m[1] as string);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(done.text).toContain('href="/quan-tri/"');

    const row = await t.db.knex('users').where({ id: staff.id }).first('totp_secret', 'totp_enabled_at');
    expect(row.totp_secret).toBe(secret);
    expect(row.totp_enabled_at).not.toBeNull();
    const stored = await t.db.knex('user_recovery_codes').where({ user_id: staff.id }).select('code_hash');
    expect(stored).toHaveLength(10);
    // Only hashes are stored.
    expect(JSON.stringify(stored)).not.toContain(codes[0]);

    // Signed in now.
    expect((await a.get('/quan-tri/')).status).toBe(200);
    await logout(a);

    // The next login asks for a code, no second enrolment; the enrolment code cannot be replayed.
    const b = agent(t);
    const again = await passwordStep(b, staff);
    expect(again.headers.location).toBe('/dang-nhap/ma-xac-thuc');
    expect((await b.get('/dang-nhap/dang-ky-xac-thuc')).headers.location).toBe('/dang-nhap');
    const codePage = await b.get('/dang-nhap/ma-xac-thuc');
    const replay = await b
      .post('/dang-nhap/ma-xac-thuc')
      .type('form')
      .send({ _csrf: csrfFrom(codePage.text), code });
    expect(replay.status).toBe(401);

    // A recovery code logs in once...
    const recovery = codes[3] as string;
    const first = await recoveryLogin(agent(t), staff, recovery);
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/quan-tri/');
    // ...and only once, however it is typed.
    const second = await recoveryLogin(agent(t), staff, recovery.toLowerCase().replace(/-/g, ' '));
    expect(second.status).toBe(401);
    expect(second.text).toContain('Mã xác thực không đúng hoặc đã được dùng');
    // Another one, typed in lower case with spaces, still works.
    const other = await recoveryLogin(agent(t), staff, (codes[7] as string).toLowerCase().replace(/-/g, ' '));
    expect(other.status).toBe(303);
    const used = await t.db
      .knex('user_recovery_codes')
      .where({ user_id: staff.id })
      .whereNotNull('used_at')
      .count<{ n: string }[]>('* as n');
    expect(Number(used[0]?.n)).toBe(2);
  });

  it('refuses enrolment when the account was disabled after the password step (check 4)', async () => {
    const staff = await createUser(t.db.knex, ['ngo_lead'], { enrolled: false });
    const a = agent(t);
    expect((await passwordStep(a, staff)).headers.location).toBe('/dang-nhap/dang-ky-xac-thuc');
    const page = await a.get('/dang-nhap/dang-ky-xac-thuc');
    const secret = secretFrom(page.text);
    await t.services.users.setDisabled(staff.id, t.clock.now());
    t.clock.advance(30_000);
    const res = await a
      .post('/dang-nhap/dang-ky-xac-thuc')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: await totpCode(secret, t.clock.now()) });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('Mã khôi phục');
    const row = await t.db.knex('users').where({ id: staff.id }).first('totp_secret', 'totp_enabled_at', 'last_login_at');
    expect(row).toMatchObject({ totp_secret: null, totp_enabled_at: null, last_login_at: null });
    expect(await t.db.knex('user_recovery_codes').where({ user_id: staff.id })).toHaveLength(0);
    expect((await a.get('/quan-tri/')).status).toBe(303);
  });

  it('refuses a second, older pending enrolment once the account is enrolled (no silent secret swap)', async () => {
    const staff = await createUser(t.db.knex, ['it_admin'], { enrolled: false });
    const a = agent(t);
    const b = agent(t);
    await passwordStep(a, staff);
    await passwordStep(b, staff);
    const pageA = await a.get('/dang-nhap/dang-ky-xac-thuc');
    const pageB = await b.get('/dang-nhap/dang-ky-xac-thuc');
    const secretA = secretFrom(pageA.text);
    const secretB = secretFrom(pageB.text);
    expect(secretB).not.toBe(secretA);
    t.clock.advance(30_000);
    const okA = await a
      .post('/dang-nhap/dang-ky-xac-thuc')
      .type('form')
      .send({ _csrf: csrfFrom(pageA.text), code: await totpCode(secretA, t.clock.now()) });
    expect(okA.status).toBe(200);
    const hashesA = await t.db.knex('user_recovery_codes').where({ user_id: staff.id }).orderBy('code_hash').pluck('code_hash');
    t.clock.advance(30_000);
    const lateB = await b
      .post('/dang-nhap/dang-ky-xac-thuc')
      .type('form')
      .send({ _csrf: csrfFrom(pageB.text), code: await totpCode(secretB, t.clock.now()) });
    expect(lateB.status).toBe(401);
    expect((await t.db.knex('users').where({ id: staff.id }).first('totp_secret')).totp_secret).toBe(secretA);
    expect(await t.db.knex('user_recovery_codes').where({ user_id: staff.id }).orderBy('code_hash').pluck('code_hash')).toEqual(hashesA);
    expect((await b.get('/quan-tri/')).status).toBe(303);
  });

  it('abandons a pending enrolment after five minutes', async () => {
    const staff = await createUser(t.db.knex, ['leader'], { enrolled: false });
    const a = agent(t);
    await passwordStep(a, staff);
    const page = await a.get('/dang-nhap/dang-ky-xac-thuc');
    const secret = secretFrom(page.text);
    t.clock.advance(5 * 60_000 + 30_000);
    const res = await a
      .post('/dang-nhap/dang-ky-xac-thuc')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), code: await totpCode(secret, t.clock.now()) });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/dang-nhap?het-han=1');
    expect(await t.db.knex('users').where({ id: staff.id }).first('totp_enabled_at')).toMatchObject({ totp_enabled_at: null });
  });
});
