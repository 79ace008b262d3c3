/**
 * CSRF (RELIABILITY rule 2, SPEC §6): every POST route refuses a request without a token or with a wrong one
 * (403, with the Vietnamese explanation), and accepts the token in the `x-csrf-token` header. The one exception is
 * an e-mail's one-click unsubscribe, which carries its own signed token.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfToken, login } from '../helpers/http.js';
import { listRoutes } from '../helpers/routes.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let officer: TestUser;
let postRoutes: string[];

const CSRF_MESSAGE = 'Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ';

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000' });
  officer = await createUser(t.db.knex, ['association']);
  postRoutes = listRoutes(t.app)
    .filter((r) => r.method === 'POST')
    // The one exception: an e-mail's one-click unsubscribe (RFC 8058), posted by the mail program with no session; its
    // signed token is the proof of intent (a bad one: 400, nothing changes — test/integration/notice-mail.test.ts).
    .filter((r) => r.path !== '/thu-dien-tu/huy-nhan')
    .map((r) => r.path.replace(/:(\w+)/g, 'mau-thu-$1'));
});
afterAll(() => t.db.destroy());

async function signedIn(): Promise<{ a: Agent; token: string }> {
  const a = agent(t);
  await login(t, a, officer);
  return { a, token: await csrfToken(a, '/tai-khoan/doi-mat-khau') };
}

/** Still signed in: the officer's home answers. */
async function stillSignedIn(a: Agent): Promise<boolean> {
  return (await a.get('/hoi-cua-toi/')).status === 200;
}

describe('CSRF tokens on every POST route (RELIABILITY rule 2)', () => {
  it('the app has POST routes to check', () => {
    expect(postRoutes).toEqual(expect.arrayContaining(['/dang-nhap', '/dang-xuat', '/tai-khoan/doi-mat-khau']));
  });

  it('refuses a POST without a token with 403 and changes nothing', async () => {
    const { a } = await signedIn();
    for (const path of postRoutes) {
      const res = await a.post(path).type('form').send({ username: officer.username, password: officer.password });
      expect(res.status, path).toBe(403);
      expect(res.text, path).toContain(CSRF_MESSAGE);
    }
    // Neither the logout nor anything else happened.
    expect(await stillSignedIn(a)).toBe(true);
  });

  it('refuses a POST with no body at all', async () => {
    const { a } = await signedIn();
    for (const path of postRoutes) {
      expect((await a.post(path)).status, path).toBe(403);
    }
  });

  it('refuses a wrong token: made up, or valid for another browser', async () => {
    const { a, token } = await signedIn();
    const other = await signedIn();
    expect(other.token).not.toBe(token);
    for (const path of postRoutes) {
      for (const bad of [`${token.slice(0, -2)}xx`, 'x', other.token]) {
        const res = await a.post(path).type('form').send({ _csrf: bad });
        expect(res.status, `${path} with ${bad}`).toBe(403);
        const viaHeader = await a.post(path).set('x-csrf-token', bad).type('form').send({});
        expect(viaHeader.status, `${path} with header ${bad}`).toBe(403);
      }
    }
    expect(await stillSignedIn(a)).toBe(true);
  });

  it('accepts the token in the x-csrf-token header', async () => {
    const { a, token } = await signedIn();
    for (const path of postRoutes.filter((p) => p !== '/dang-xuat')) {
      const res = await a.post(path).set('x-csrf-token', token).type('form').send({});
      // Past the CSRF check: the route may still refuse the officer's role (403 without the CSRF message).
      expect(res.text, path).not.toContain(CSRF_MESSAGE);
      expect(res.status, path).toBeLessThan(500);
    }
    const out = await a.post('/dang-xuat').set('x-csrf-token', token);
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/dang-nhap?da-dang-xuat=1');
    expect(await stillSignedIn(a)).toBe(false);
  });

  it('a login form posted without its token does not sign anybody in', async () => {
    const a = agent(t);
    await a.get('/dang-nhap');
    const res = await a.post('/dang-nhap').type('form').send({ username: officer.username, password: officer.password });
    expect(res.status).toBe(403);
    expect((await a.get('/hoi-cua-toi/')).status).toBe(303);
  });
});
