/**
 * RELIABILITY check 16: parameter and prototype pollution (`a[]=`, duplicated keys, `__proto__`,
 * `constructor[prototype]`) gets 400 with a Vietnamese message, never 500, never a login, never a change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../../src/features/auth/password.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfToken, login } from '../helpers/http.js';
import { listRoutes } from '../helpers/routes.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let officer: TestUser;

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000' });
  officer = await createUser(t.db.knex, ['association']);
});
afterAll(() => t.db.destroy());

const VIETNAMESE_400 = /không đúng định dạng|không hợp lệ/;

function form(fields: Array<[string, string]>): string {
  return fields.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&');
}

async function signedOut(a: Agent): Promise<boolean> {
  const res = await a.get('/hoi-cua-toi/');
  return res.status === 303 && String(res.headers.location).startsWith('/dang-nhap');
}

describe('parameter and prototype pollution (check 16)', () => {
  it.each<[string, Array<[string, string]>]>([
    ['username[]=a', [['username[]', 'a']]],
    ['duplicated username', [['username', 'a']]],
    ['duplicated password', [['password', 'b']]],
    ['__proto__[x]=1', [['__proto__[x]', '1']]],
    ['__proto__[]=1', [['__proto__[]', '1']]],
    ['constructor[prototype][x]=1', [['constructor[prototype][x]', '1']]],
    ['constructor=1', [['constructor', '1']]],
    ['prototype=1', [['prototype', '1']]],
  ])('login form with %s → 400 and nobody signed in', async (_label, extra) => {
    const a = agent(t);
    const token = await csrfToken(a, '/dang-nhap');
    // The right credentials are there too: a request that slipped through would sign the officer in.
    const body = form([['_csrf', token], ['username', officer.username], ['password', officer.password], ...extra]);
    const res = await a.post('/dang-nhap').type('form').send(body);
    expect(res.status).toBe(400);
    expect(res.text).toMatch(VIETNAMESE_400);
    expect(await signedOut(a)).toBe(true);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty('x');
  });

  it('username[]=a alone → 400 with the field message', async () => {
    const a = agent(t);
    const token = await csrfToken(a, '/dang-nhap');
    const res = await a
      .post('/dang-nhap')
      .type('form')
      .send(
        form([
          ['_csrf', token],
          ['username[]', 'a'],
          ['password', 'x'],
        ]),
      );
    expect(res.status).toBe(400);
  });

  it('duplicated username alone → 400 with the field message on the login form', async () => {
    const a = agent(t);
    const token = await csrfToken(a, '/dang-nhap');
    const res = await a
      .post('/dang-nhap')
      .type('form')
      .send(
        form([
          ['_csrf', token],
          ['username', 'a'],
          ['username', 'b'],
          ['password', 'x'],
        ]),
      );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Tên đăng nhập không hợp lệ.');
    expect(res.text).toContain('name="username"');
  });

  it('every POST route refuses bracketed and prototype keys with 400', async () => {
    const a = agent(t);
    await login(t, a, officer);
    const token = await csrfToken(a, '/tai-khoan/doi-mat-khau');
    const posts = listRoutes(t.app)
      .filter((r) => r.method === 'POST')
      .map((r) => r.path);
    expect(posts.length).toBeGreaterThan(3);
    for (const path of posts) {
      for (const key of ['x[]', '__proto__[x]', 'constructor[prototype][x]']) {
        const res = await a
          .post(path)
          .type('form')
          .send(
            form([
              ['_csrf', token],
              [key, '1'],
            ]),
          );
        expect(res.status, `${path} ${key}`).toBe(400);
      }
    }
    // Still signed in (POST /dang-xuat did nothing) and the password unchanged.
    expect((await a.get('/hoi-cua-toi/')).status).toBe(200);
  });

  it('a password change with a duplicated or bracketed new password changes nothing', async () => {
    const a = agent(t);
    await login(t, a, officer);
    const token = await csrfToken(a, '/tai-khoan/doi-mat-khau');
    const next = 'Mật khẩu mới không được lưu 2026';
    for (const fields of [
      [
        ['newPassword', next],
        ['newPassword', next],
        ['confirmPassword', next],
      ],
      [
        ['newPassword[]', next],
        ['confirmPassword', next],
      ],
    ] as Array<Array<[string, string]>>) {
      const res = await a
        .post('/tai-khoan/doi-mat-khau')
        .type('form')
        .send(form([['_csrf', token], ['currentPassword', officer.password], ...fields]));
      expect(res.status).toBe(400);
      // The form again with its error summary (duplicate), or the bad-request page (brackets).
      expect(res.text).toMatch(/Có lỗi cần sửa|không đúng định dạng/);
    }
    const row = (await t.db.knex('users').where({ id: officer.id }).first()) as { password_hash: string };
    expect(await verifyPassword(row.password_hash, officer.password)).toBe(true);
  });

  it('query strings: bracketed or prototype keys → 400, duplicated keys never 500', async () => {
    for (const url of ['/?__proto__[x]=1', '/dang-nhap?tiep[]=%2Fquan-tri%2F', '/?constructor[prototype][x]=1', '/hoi-cua-toi/?a[b]=1']) {
      const res = await agent(t).get(url);
      expect(res.status, url).toBe(400);
      expect(res.text, url).toMatch(VIETNAMESE_400);
    }
    const dup = await agent(t).get('/dang-nhap?tiep=%2Fquan-tri%2F&tiep=https%3A%2F%2Fevil.example&het-han=1&het-han=1');
    expect(dup.status).toBe(200);
    expect(dup.text).not.toContain('evil.example');
    expect((await agent(t).get('/healthz')).status).toBe(200);
  });
});
