/**
 * The session cookie (RELIABILITY check 9; R-21 secure transport): HttpOnly, SameSite=Lax, no Domain, Secure in
 * production, lifetime no longer than the absolute timeout.
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/middleware/session.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { agent, csrfFrom, login, sessionCookie } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

function setCookieHeader(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const c = list.find((x) => x.startsWith(`${SESSION_COOKIE}=`));
  if (!c) throw new Error('no session cookie set');
  return c;
}

/** The pre-session CSRF cookie the login page sets instead of a session (issue 15 item 6). */
function csrfCookieHeader(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const c = list.find((x) => /^(__Host-)?csdl\.csrf=/.test(x));
  if (!c) throw new Error('no CSRF cookie set');
  return c;
}

function attributes(header: string): Map<string, string> {
  const [, ...attrs] = header.split(';').map((s) => s.trim());
  return new Map(
    attrs.map((a) => {
      const [k, ...v] = a.split('=');
      return [(k as string).toLowerCase(), v.join('=')];
    }),
  );
}

function expectCommonFlags(header: string, absoluteMs: number) {
  const attrs = attributes(header);
  expect(attrs.has('httponly')).toBe(true);
  expect(attrs.get('samesite')).toBe('Lax');
  expect(attrs.has('domain')).toBe(false);
  expect(attrs.get('path')).toBe('/');
  const expires = Date.parse(attrs.get('expires') as string);
  expect(expires - Date.now()).toBeLessThanOrEqual(absoluteMs + 5_000);
  expect(expires - Date.now()).toBeGreaterThan(absoluteMs - 60_000);
}

describe('session cookie in development and test (check 9)', () => {
  let t: TestContext;
  let user: TestUser;
  beforeAll(async () => {
    t = await buildTestApp();
    user = await createUser(t.db.knex, ['association']);
  });
  afterAll(() => t.db.destroy());

  it('is HttpOnly, SameSite=Lax, host-only and not Secure over plain HTTP, before and after login', async () => {
    const a = agent(t);
    const page = await a.get('/dang-nhap');
    // Before login the page stores no session (issue 15 item 6); its CSRF cookie has the same flags.
    expect(sessionCookie(page)).toBeUndefined();
    const before = attributes(csrfCookieHeader(page));
    expect(before.has('httponly')).toBe(true);
    expect(before.get('samesite')).toBe('Lax');
    expect(before.has('domain')).toBe(false);
    expect(before.get('path')).toBe('/');
    expect(before.has('secure')).toBe(false);
    const res = await login(t, a, user);
    const after = setCookieHeader(res);
    expectCommonFlags(after, t.config.session.absoluteMs);
    expect(attributes(after).has('secure')).toBe(false);
  });
});

describe('session cookie in production (check 9)', () => {
  let t: TestContext;
  let user: TestUser;
  beforeAll(async () => {
    // A real production configuration (loadConfig refuses defaults there) behind a TLS-terminating proxy on loopback.
    t = await buildTestApp({ NODE_ENV: 'production', SESSION_SECRET: randomBytes(32).toString('base64url'), TRUST_PROXY: 'loopback' });
    user = await createUser(t.db.knex, ['association']);
  });
  afterAll(() => t.db.destroy());

  it('runs with a production configuration', () => {
    expect(t.config.isProduction).toBe(true);
    expect(t.config.session.secureCookie).toBe(true);
  });

  it('is Secure, HttpOnly, SameSite=Lax and host-only over HTTPS, and login works with it', async () => {
    const https = (req: request.Test) => req.set('X-Forwarded-Proto', 'https');
    const page = await https(request(t.app).get('/dang-nhap'));
    expect(page.status).toBe(200);
    // Before login the page stores no session (issue 15 item 6); its CSRF cookie is Secure and `__Host-` prefixed.
    expect(sessionCookie(page)).toBeUndefined();
    const header = csrfCookieHeader(page);
    expect(header.startsWith('__Host-csdl.csrf=')).toBe(true);
    expect(attributes(header).has('secure')).toBe(true);
    expect(attributes(header).has('httponly')).toBe(true);
    expect(attributes(header).has('domain')).toBe(false);
    expect(attributes(header).get('path')).toBe('/');

    const cookie = header.split(';')[0] as string;
    const res = await https(request(t.app).post('/dang-nhap'))
      .set('Cookie', cookie)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username: user.username, password: user.password });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/hoi-cua-toi/');
    const loggedIn = setCookieHeader(res);
    expect(attributes(loggedIn).has('secure')).toBe(true);
    expectCommonFlags(loggedIn, t.config.session.absoluteMs);
    const home = await https(request(t.app).get('/hoi-cua-toi/')).set('Cookie', `${SESSION_COOKIE}=${sessionCookie(res)}`);
    expect(home.status).toBe(200);
  });

  it('is never sent over plain HTTP', async () => {
    const page = await request(t.app).get('/dang-nhap');
    expect(page.status).toBe(200);
    expect(sessionCookie(page)).toBeUndefined();
  });
});
