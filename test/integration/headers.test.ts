/**
 * RELIABILITY check 26: security headers on every kind of response (page, 403, 404, 500, static file), no-store
 * for signed-in users, no X-Powered-By, HSTS only in production. The anonymous public pages (issue 13,
 * src/middleware/anonymous-pages.ts) carry the same set with a static CSP: no nonce, and still no 'unsafe-inline'.
 */
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from '../../src/middleware/security.js';
import { SESSION_COOKIE } from '../../src/middleware/session.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, login } from '../helpers/http.js';
import { failingRoutes } from '../helpers/routes.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let officer: TestUser;

beforeAll(async () => {
  t = await buildTestApp({}, { extraRoutes: failingRoutes() });
  officer = await createUser(t.db.knex, ['association']);
});
afterAll(() => t.db.destroy());

type Res = { status: number; headers: Record<string, string | string[] | undefined> };

function directives(res: Res): Map<string, string[]> {
  const csp = String(res.headers['content-security-policy'] ?? '');
  const map = new Map<string, string[]>();
  for (const part of csp.split(';')) {
    const [name, ...values] = part.trim().split(/\s+/);
    if (name) map.set(name, values);
  }
  return map;
}

function nonceOf(res: Res): string | undefined {
  return directives(res)
    .get('script-src')
    ?.find((v) => v.startsWith("'nonce-"));
}

/** Every header but the nonce: the CSP's fixed directives, nosniff, referrer policy, no X-Powered-By, no HSTS. */
function expectCommonHeaders(res: Res, label: string): void {
  const csp = directives(res);
  expect(csp.size, `${label}: CSP present`).toBeGreaterThan(0);
  expect(csp.get('default-src'), label).toEqual(["'self'"]);
  expect(csp.get('form-action'), label).toEqual(["'self'"]);
  expect(csp.get('script-src'), `${label}: no unsafe-inline`).not.toContain("'unsafe-inline'");
  expect(csp.get('style-src'), `${label}: no unsafe-inline`).not.toContain("'unsafe-inline'");
  expect(csp.get('object-src'), label).toEqual(["'none'"]);
  expect(csp.get('base-uri'), label).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors'), label).toEqual(["'none'"]);
  expect(res.headers['x-content-type-options'], label).toBe('nosniff');
  expect(res.headers['referrer-policy'], label).toBe('same-origin');
  expect(res.headers['x-powered-by'], label).toBeUndefined();
  // Not production: no HSTS (it would pin plain-HTTP development hosts to HTTPS).
  expect(res.headers['strict-transport-security'], label).toBeUndefined();
}

function expectSecurityHeaders(res: Res, label: string): void {
  expectCommonHeaders(res, label);
  expect(nonceOf(res), `${label}: script nonce`).toMatch(/^'nonce-[A-Za-z0-9+/]{22}==?'$/);
  expect(directives(res).get('style-src'), `${label}: style nonce`).toContain(nonceOf(res));
}

/** The anonymous public pages: the same headers with a static policy, 'self' only for scripts and styles. */
function expectStaticCspHeaders(res: Res, label: string): void {
  expectCommonHeaders(res, label);
  expect(directives(res).get('script-src'), label).toEqual(["'self'"]);
  expect(directives(res).get('style-src'), label).toEqual(["'self'"]);
}

/** The headers helmet sets, by name (lower case), without the CSP. */
const HELMET_HEADERS = [
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'strict-transport-security',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('security headers (check 26)', () => {
  it('on the login form, 404, 500, static files and probes (a nonce each)', async () => {
    const cases: Array<[string, string, number]> = [
      ['login page', '/dang-nhap', 200],
      ['not found', '/khong-co-trang-nay', 404],
      ['thrown error', '/__test/throw', 500],
      ['rejected promise', '/__test/reject', 500],
      ['static css', '/static/css/app.css', 200],
      ['vendored bootstrap', '/static/vendor/bootstrap/css/bootstrap.min.css', 200],
      ['health probe', '/healthz', 200],
    ];
    for (const [label, path, status] of cases) {
      const res = await agent(t).get(path);
      expect(res.status, label).toBe(status);
      expectSecurityHeaders(res, label);
    }
  });

  it('on the anonymous public pages: the same headers, with a static CSP (no nonce, no unsafe-inline)', async () => {
    const full = await agent(t).get('/dang-nhap');
    for (const path of ['/', '/hoi', '/hoi?q=hoi', '/linh-vuc']) {
      const res = await agent(t).get(path);
      expect(res.status, path).toBe(200);
      expectStaticCspHeaders(res, path);
      expect(nonceOf(res), path).toBeUndefined();
      // The CSP is the full stack's with the nonce sources left out; every other helmet header is identical.
      expect(String(res.headers['content-security-policy']), path).toBe(
        String(full.headers['content-security-policy']).replace(/ 'nonce-[^']+'/g, ''),
      );
      for (const name of HELMET_HEADERS) expect(res.headers[name], `${path} ${name}`).toEqual(full.headers[name]);
    }
    // With a session cookie (here a forged one) the same page takes the full stack and gets its nonce.
    const withCookie = await agent(t).get('/').set('Cookie', `${SESSION_COOKIE}=s%3Aforged.sig`);
    expect(withCookie.status).toBe(200);
    expectSecurityHeaders(withCookie, 'home page with a session cookie');
  });

  it('gives every response its own nonce', async () => {
    const a = await agent(t).get('/khong-co-trang-nay');
    const b = await agent(t).get('/khong-co-trang-nay');
    expect(nonceOf(a)).toBeDefined();
    expect(nonceOf(a)).not.toBe(nonceOf(b));
  });

  it('marks every response to a signed-in user no-store: page, 403, 404, 500', async () => {
    const a: Agent = agent(t);
    await login(t, a, officer);
    const cases: Array<[string, number]> = [
      ['/hoi-cua-toi/', 200],
      ['/tai-khoan/doi-mat-khau', 200],
      ['/quan-tri/', 403],
      ['/khong-co-trang-nay', 404],
      ['/__test/throw', 500],
    ];
    for (const [path, status] of cases) {
      const res = await a.get(path);
      expect(res.status, path).toBe(status);
      expectSecurityHeaders(res, path);
      expect(res.headers['cache-control'], path).toContain('no-store');
    }
  });

  it('sends HSTS in production only', async () => {
    const prod = express();
    prod.use(securityHeaders(true));
    prod.get('/', (_req, res) => {
      res.send('ok');
    });
    const res = await request(prod).get('/');
    expect(res.headers['strict-transport-security']).toBe('max-age=31536000; includeSubDomains');
    expect(String(res.headers['content-security-policy'])).toContain('upgrade-insecure-requests');

    const dev = express();
    dev.use(securityHeaders(false));
    dev.get('/', (_req, res) => {
      res.send('ok');
    });
    const devRes = await request(dev).get('/');
    expect(devRes.headers['strict-transport-security']).toBeUndefined();
  });

  it('the real app in production mode sends HSTS on pages and errors', async () => {
    const p = await buildTestApp({ NODE_ENV: 'production', SESSION_SECRET: 'production-like-secret-for-tests-0123456789' });
    try {
      for (const [path, status] of [
        ['/', 200],
        ['/khong-co', 404],
      ] as const) {
        const res = await agent(p).get(path);
        expect(res.status, path).toBe(status);
        expect(res.headers['strict-transport-security'], path).toBe('max-age=31536000; includeSubDomains');
        expect(String(res.headers['content-security-policy']), path).toContain('upgrade-insecure-requests');
        expect(res.headers['x-powered-by'], path).toBeUndefined();
      }
    } finally {
      await p.db.destroy();
    }
  });
});
