/**
 * RELIABILITY check 41 (overload: only 429/503 besides normal answers, no crash, recovery): the in-flight limiter
 * (MAX_IN_FLIGHT, src/middleware/overload.ts) refuses the request past the limit at once with 503, Retry-After and
 * the Vietnamese page, keeps the health probes and static files answering, and admits requests again as soon as
 * the held ones finish. Also the bounded wait for a database connection (DATABASE_ACQUIRE_TIMEOUT_MS): a pool that
 * stays busy gives 503 + Retry-After, not a hang or a 500 (checks 36, 41).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createDatabase, type Database } from '../../src/db/knex.js';
import { publicAccess } from '../../src/middleware/auth.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';

const MAX = 3;
const METRICS_TOKEN = 'metrics-token-for-overload-tests-0123456789';

let t: TestContext;
let server: http.Server;
let port: number;
/** Requests held by /__test/hold until release() is called. */
let arrived = 0;
let releaseHeld: () => void = () => {};
let held: Promise<void> = Promise.resolve();
function holdNext(): void {
  held = new Promise<void>((resolve) => {
    releaseHeld = resolve;
  });
}
/** A second database handle with one pooled connection and a 300 ms acquire timeout. */
let tiny: Database;

function testRoutes(): Router {
  const r = Router();
  r.get('/__test/hold', publicAccess, async (_req, res) => {
    arrived += 1;
    await held;
    res.type('text/plain').send('done');
  });
  r.get('/__test/tiny-pool', publicAccess, async (_req, res) => {
    const rows = await tiny.knex.raw('select 1 as one');
    res.json({ ok: Boolean(rows) });
  });
  return r;
}

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(path: string, accept = 'text/html', headers: Record<string, string> = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    // A fresh connection per request (no keep-alive): each held request occupies its own socket, as clients do.
    const req = http.request({ host: '127.0.0.1', port, path, method: 'GET', agent: false, headers: { accept, ...headers } }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

function until(cond: () => boolean): Promise<void> {
  return vi.waitFor(
    () => {
      if (!cond()) throw new Error('timed out waiting');
    },
    { timeout: 5_000, interval: 10 },
  );
}

beforeAll(async () => {
  t = await buildTestApp({ MAX_IN_FLIGHT: String(MAX), METRICS_TOKEN }, { extraRoutes: testRoutes() });
  tiny = t.db.url
    ? await createDatabase({ backend: 'postgres', url: t.db.url, poolMax: 1, acquireTimeoutMs: 300 })
    : await createDatabase({ backend: 'pglite', dataDir: null, acquireTimeoutMs: 300 });
  server = http.createServer(t.app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  releaseHeld();
  await new Promise((resolve) => server.close(resolve));
  await tiny.close();
  await t.db.destroy();
});

describe('load shedding: MAX_IN_FLIGHT (RELIABILITY check 41)', () => {
  it('config: MAX_IN_FLIGHT is read, 64 by default, 0 turns shedding off', async () => {
    expect(t.config.maxInFlight).toBe(MAX);
    const { loadConfig } = await import('../../src/config.js');
    expect(loadConfig({ NODE_ENV: 'test' }).maxInFlight).toBe(64);
    expect(loadConfig({ NODE_ENV: 'test', MAX_IN_FLIGHT: '0' }).maxInFlight).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test' }).database.acquireTimeoutMs).toBe(2500);
    expect(loadConfig({ NODE_ENV: 'test', DATABASE_ACQUIRE_TIMEOUT_MS: '1500' }).database.acquireTimeoutMs).toBe(1500);
  });

  it('holds MAX requests, refuses the next with 503 + Retry-After (HTML, JSON, text), keeps probes and static files, then recovers', async () => {
    arrived = 0;
    holdNext();
    const holding = Array.from({ length: MAX }, () => get('/__test/hold', 'text/plain'));
    await until(() => arrived === MAX);

    // The next request, whatever it is, is refused at once with the Vietnamese page.
    const page = await get('/');
    expect(page.status).toBe(503);
    expect(page.headers['retry-after']).toBe('5');
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.body).toContain('Hệ thống đang quá tải');
    expect(page.body).toContain('Vui lòng thử lại sau ít giây');
    expect(page.body).toMatch(/<html lang="vi"/);

    const json = await get('/tra-cuu', 'application/json');
    expect(json.status).toBe(503);
    expect(json.headers['retry-after']).toBe('5');
    expect(JSON.parse(json.body)).toMatchObject({ error: 'Hệ thống đang quá tải' });

    const text = await get('/__test/hold', 'text/plain');
    expect(text.status).toBe(503);
    expect(text.body).toContain('quá tải');
    expect(arrived).toBe(MAX); // the refused request never reached its handler

    // Probes, static assets and the metrics scrape still answer.
    expect((await get('/healthz', 'application/json')).status).toBe(200);
    expect((await get('/readyz', 'application/json')).status).toBe(200);
    expect((await get('/static/vendor/bootstrap/css/bootstrap.min.css', 'text/css')).status).toBe(200);
    const metrics = await get('/metrics', 'text/plain', { authorization: `Bearer ${METRICS_TOKEN}` });
    expect(metrics.status).toBe(200);
    expect(metrics.body).toMatch(/csdl_hoi_http_requests_shed_total 3/);
    expect(metrics.body).toMatch(new RegExp(`csdl_hoi_http_requests_in_flight ${MAX}`));

    // Release: every held request completes normally, and new requests are admitted again.
    releaseHeld();
    const results = await Promise.all(holding);
    expect(results.map((r) => r.status)).toEqual(Array(MAX).fill(200));
    const after = await get('/');
    expect(after.status).toBe(200);
    // The slots are all free again: MAX more can be held at once.
    arrived = 0;
    holdNext();
    const again = Array.from({ length: MAX }, () => get('/__test/hold', 'text/plain'));
    await until(() => arrived === MAX);
    releaseHeld();
    expect((await Promise.all(again)).map((r) => r.status)).toEqual(Array(MAX).fill(200));
  });

  it('a client that gives up frees its slot', async () => {
    arrived = 0;
    holdNext();
    const aborted: http.ClientRequest[] = [];
    for (let i = 0; i < MAX; i++) {
      const req = http.request({ host: '127.0.0.1', port, path: '/__test/hold', agent: false });
      req.on('error', () => {});
      req.end();
      aborted.push(req);
    }
    await until(() => arrived === MAX);
    expect((await get('/')).status).toBe(503);
    for (const req of aborted) req.destroy();
    // The server sees each close on its own time: the slots are free as soon as the home page answers again.
    await vi.waitFor(async () => expect((await get('/')).status).toBe(200), { timeout: 1_000, interval: 20 });
    releaseHeld();
  });
});

describe('bounded wait for a database connection: DATABASE_ACQUIRE_TIMEOUT_MS (checks 36, 41)', () => {
  it('a pool that stays busy gives 503 + Retry-After after the timeout, not a hang or a 500; then recovers', async () => {
    const conn = await tiny.knex.client.acquireConnection();
    const started = Date.now();
    const busy = await get('/__test/tiny-pool', 'application/json');
    const waited = Date.now() - started;
    expect(busy.status).toBe(503);
    expect(busy.headers['retry-after']).toBeDefined();
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(5000);
    await tiny.knex.client.releaseConnection(conn);
    const ok = await get('/__test/tiny-pool', 'application/json');
    expect(ok.status).toBe(200);
  });
});
