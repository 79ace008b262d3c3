/**
 * RELIABILITY check 27 (nothing but public/ is served: source, secrets, dependencies and the data and upload
 * stores answer 404) and check 28 (a thrown error or a rejected promise gives a Vietnamese 500 page with a
 * correlation id and no stack; the process keeps serving).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { agent, login } from '../helpers/http.js';
import { FAILURE_DETAIL, failingRoutes } from '../helpers/routes.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let server: http.Server;
let port: number;

beforeAll(async () => {
  t = await buildTestApp({}, { extraRoutes: failingRoutes() });
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await t.db.destroy();
});

/** A GET with the path sent byte for byte (supertest would normalise `..` before it leaves the client). */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', headers: { accept: 'text/html' } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Text that only appears in the files we must not serve. */
const LEAK_MARKERS = [
  '"csdl-hoi"',
  '"dependencies"',
  '[core]',
  'repositoryformatversion',
  'SESSION_SECRET',
  'DATABASE_URL',
  '"name": "express"',
];

describe('nothing outside public/ is served (check 27)', () => {
  it.each([
    '/.git/config',
    '/.git/HEAD',
    '/.env',
    '/.env.example',
    '/package.json',
    '/package-lock.json',
    '/node_modules/',
    '/node_modules/express/package.json',
    '/static/../package.json',
    '/static/..%2fpackage.json',
    '/static/%2e%2e/package.json',
    '/static/%2e%2e%2fpackage.json',
    '/static/vendor/bootstrap/../package.json',
    '/static/vendor/bootstrap/%2e%2e/%2e%2e/%2e%2e/package.json',
    '/static/..%5c..%5cpackage.json',
    '/data/',
    '/data/pglite/',
    '/uploads/',
    '/src/config.ts',
    '/dist/src/config.js',
    '/views/errors/500.ejs',
    '/migrations/',
  ])('%s → 404 without its content', async (path) => {
    const res = await rawGet(path);
    expect(res.status).toBe(404);
    for (const marker of LEAK_MARKERS) expect(res.body).not.toContain(marker);
    expect(res.body).toContain('Không tìm thấy trang');
  });

  it('still serves what public/ holds', async () => {
    const res = await rawGet('/static/css/app.css');
    expect(res.status).toBe(200);
    expect(res.body.length).toBeGreaterThan(0);
  });
});

describe('unexpected errors (check 28)', () => {
  it.each([
    ['a thrown error', '/__test/throw'],
    ['a rejected promise', '/__test/reject'],
  ])('%s gives the Vietnamese 500 page with the request id and no stack', async (_label, path) => {
    const res = await agent(t).get(path).set('Accept', 'text/html');
    expect(res.status).toBe(500);
    expect(res.headers['content-type']).toMatch(/^text\/html/);
    expect(res.text).toContain('Lỗi hệ thống');
    expect(res.text).toContain('Mã tham chiếu');
    const requestId = String(res.headers['x-request-id']);
    expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.text).toContain(requestId);
    // Nothing of the failure leaks: no message, no stack frames, no file paths.
    expect(res.text).not.toContain('kaboom');
    expect(res.text).not.toMatch(/\bat .+:\d+:\d+/);
    expect(res.text).not.toMatch(/\/(srv|work|home|app)\/|node_modules|\.ts\b|\.js:/);
    expect(res.text).not.toContain('Error');
    // The operator finds the failure in the log by the same id.
    const logged = t.logLines
      .map((l) => JSON.parse(l) as Record<string, unknown>)
      .find((l) => l.requestId === requestId && l.msg === 'request failed');
    expect(logged, 'the failure is logged with the request id').toBeDefined();
    expect(JSON.stringify(logged)).toContain(FAILURE_DETAIL);
  });

  it('answers a JSON client with JSON, still without detail', async () => {
    const res = await agent(t).get('/__test/reject').set('Accept', 'application/json');
    expect(res.status).toBe(500);
    expect(res.body).toEqual({ error: 'Lỗi hệ thống', message: null, requestId: res.headers['x-request-id'] });
  });

  it('keeps serving after failures, signed-in users included', async () => {
    for (let i = 0; i < 5; i++) {
      expect((await agent(t).get('/__test/throw')).status).toBe(500);
      expect((await agent(t).get('/__test/reject')).status).toBe(500);
    }
    expect((await agent(t).get('/healthz')).status).toBe(200);
    const officer = await createUser(t.db.knex, ['association']);
    const a = agent(t);
    await login(t, a, officer);
    const failed = await a.get('/__test/throw');
    expect(failed.status).toBe(500);
    // The signed-in header still renders on the error page, and the session survives.
    expect(failed.text).toContain(officer.display_name);
    expect((await a.get('/hoi-cua-toi/')).status).toBe(200);
  });
});
