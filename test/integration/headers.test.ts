/**
 * RELIABILITY check 26: security headers on every kind of response (page, 403, 404, 500, static file), no-store
 * for signed-in users, no X-Powered-By, HSTS only in production.
 */
import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { securityHeaders } from '../../src/middleware/security.js';
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

function expectSecurityHeaders(res: Res, label: string): void {
  const csp = directives(res);
  expect(csp.size, `${label}: CSP present`).toBeGreaterThan(0);
  expect(nonceOf(res), `${label}: script nonce`).toMatch(/^'nonce-[A-Za-z0-9+/]{22}==?'$/);
  expect(csp.get('style-src'), `${label}: style nonce`).toContain(nonceOf(res));
  expect(csp.get('script-src'), `${label}: no unsafe-inline`).not.toContain("'unsafe-inline'");
  expect(csp.get('object-src'), label).toEqual(["'none'"]);
  expect(csp.get('base-uri'), label).toEqual(["'none'"]);
  expect(csp.get('frame-ancestors'), label).toEqual(["'none'"]);
  expect(res.headers['x-content-type-options'], label).toBe('nosniff');
  expect(res.headers['referrer-policy'], label).toBe('same-origin');
  expect(res.headers['x-powered-by'], label).toBeUndefined();
  // Not production: no HSTS (it would pin plain-HTTP development hosts to HTTPS).
  expect(res.headers['strict-transport-security'], label).toBeUndefined();
}

describe('security headers (check 26)', () => {
  it('on public pages, the login form, 404, 500 and static files', async () => {
    const cases: Array<[string, string, number]> = [
      ['home page', '/', 200],
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

  it('gives every response its own nonce', async () => {
    const a = await agent(t).get('/');
    const b = await agent(t).get('/');
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
        expect(res.headers['x-powered-by'], path).toBeUndefined();
      }
    } finally {
      await p.db.destroy();
    }
  });
});
