/**
 * Issue 19 item 1: the compose topology on this machine without Docker — Debian's nginx running the repository's
 * deploy/nginx/csdl-hoi.conf.template (HTTPS, two upstreams, passive health checks, retries of what can be retried)
 * in front of two production-mode app processes on one fresh PostgreSQL database. A bounded load goes through the
 * proxy, one instance is killed (SIGKILL) in the middle of it, and the test shows that:
 *   - both instances served requests before the kill (nginx's access log, $upstream_addr);
 *   - no request failed except ones already in flight when the instance died (none started after the kill fails);
 *   - the session made before the kill still works on the survivor (same cookie: sessions are in the database);
 *   - the survivor serves everything afterwards: public pages, signed-in pages, a POST with its CSRF token;
 *   - the proxy's X-Forwarded-For / X-Forwarded-Proto reach the app (a Secure session cookie over HTTPS, the
 *     client's own address in the audit log, a forged X-Forwarded-For ignored).
 *
 * Needs nginx (`scripts/ci/ensure-nginx.sh` installs Debian's package; without it the suite is skipped with a
 * message), openssl and a PostgreSQL server (SCALE_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres),
 * on which it creates and afterwards drops csdl_hoi_scale_<random>. Run with `npm run test:scale` (builds first).
 * SCALE_KEEP=1 keeps the temp folder (nginx and app logs) after the run.
 */

import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../seeds/demo/index.js';
import { seedReference } from '../../seeds/reference/index.js';
import { demoSeedDeps } from '../../src/cli/seeding.js';
import { loadConfig } from '../../src/config.js';
import type { Database } from '../../src/db/knex.js';
import { migrateLatest } from '../../src/db/migrations.js';
import { openDatabase } from '../../src/db/setup.js';
import { SESSION_COOKIE } from '../../src/middleware/session.js';
import {
  type AppProcess,
  findNginx,
  freePort,
  makeCertificate,
  ProxyClient,
  type Reply,
  renderNginxTemplate,
  startApp,
  stopProcess,
  upstreamsOfLog,
  waitForPort,
  waitReady,
  writeNginxConfig,
} from './proxy-topology.js';

const NGINX = findNginx();
if (!NGINX) {
  console.warn(
    '\n  test/scale/proxy.test.ts SKIPPED: nginx not found (PATH, /usr/sbin). Install it: sudo bash scripts/ci/ensure-nginx.sh\n',
  );
}

const SERVER_URL = process.env.SCALE_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/postgres';
const USERNAME = 'exploiter';
const DISPLAY_NAME = 'Hoàng Thị Mai';
/** The client connects from this loopback address: the app can only learn it from nginx's X-Forwarded-For. */
const CLIENT_ADDRESS = '127.0.0.3';
const FORGED_ADDRESS = '203.0.113.7';
const ASSOCIATIONS = 40;
const LOAD_REQUESTS = 450;
const CONCURRENCY = 10;
/** The instance is killed when this many of the load's requests have been answered. */
const KILL_AFTER = 150;

function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no _csrf field in page');
  return m[1];
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

interface Outcome {
  id: number;
  path: string;
  startedBeforeKill: boolean;
  ok: boolean;
  detail: string;
}

describe.skipIf(!NGINX)('nginx in front of two instances, one killed under load (issue 19 item 1)', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'csdl-hoi-scale-'));
  const dbName = `csdl_hoi_scale_${randomBytes(5).toString('hex')}`;
  const dbUrl = withDatabase(SERVER_URL, dbName);
  const demoPassword = `Scale-${randomBytes(12).toString('hex')}`;
  const accessLog = path.join(dir, 'access.log');
  let database: Database | undefined;
  let dbCreated = false;
  const apps: AppProcess[] = [];
  let nginx: ChildProcess | undefined;
  let signedIn: ProxyClient | undefined;
  let anonymous: ProxyClient | undefined;
  let codes: Array<{ code: string; name: string }> = [];
  let httpsPort = 0;
  let httpPort = 0;
  let sessionBeforeKill: string | undefined;
  let failed = false;

  beforeAll(async () => {
    // One fresh database, migrated and seeded once (demo accounts with a random password and TOTP secret, so the
    // production-mode instances do not refuse it; a small set of demo associations for the public pages).
    await admin(`CREATE DATABASE ${dbName}`);
    dbCreated = true;
    const seedConfig = loadConfig({
      NODE_ENV: 'development',
      DATABASE_URL: dbUrl,
      SEED_DEMO: 'true',
      DEMO_PASSWORD: demoPassword,
      DEMO_TOTP_SECRET: randomBytes(20)
        .toString('hex')
        .toUpperCase()
        .replace(/[^A-Z2-7]/g, 'Q')
        .slice(0, 32),
      LOG_LEVEL: 'silent',
    });
    database = await openDatabase(seedConfig);
    await migrateLatest(database.knex);
    await seedReference(database.knex);
    await seedDemo(database.knex, seedConfig, demoSeedDeps(database.knex), { associations: ASSOCIATIONS });
    codes = await database.knex('associations').where({ published: true }).orderBy('code').limit(8).select('code', 'name');
    expect(codes.length).toBeGreaterThan(3);

    // Two instances as compose runs them (NODE_ENV=production, sessions and rate limits in the database, one
    // proxy hop trusted), one after the other as app2 waits for app1 in docker-compose.yml.
    const [port1, port2] = [await freePort(), await freePort()];
    httpPort = await freePort();
    httpsPort = await freePort();
    const common = {
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      DATABASE_URL: dbUrl,
      DATABASE_POOL_MAX: '5',
      SESSION_SECRET: randomBytes(48).toString('base64'),
      TRUST_PROXY: '1',
      PUBLIC_URL: `https://localhost:${httpsPort}`,
      UPLOAD_DIR: path.join(dir, 'uploads'),
      BACKUP_DIR: path.join(dir, 'backups'),
      LOG_LEVEL: 'warn',
      SCHEDULER: 'off',
    };
    for (const [name, port] of [
      ['app1', port1],
      ['app2', port2],
    ] as const) {
      const app = startApp(name, dir, { ...common, PORT: String(port), DATA_DIR: path.join(dir, name) });
      apps.push(app);
      await waitReady(app);
    }

    const { cert, key } = makeCertificate(dir);
    const site = renderNginxTemplate({
      CSDL_APP1: `127.0.0.1:${port1}`,
      CSDL_APP2: `127.0.0.1:${port2}`,
      // Addresses, not names: nothing to resolve (Debian's nginx 1.22 has no `resolve`; compose's 1.28 does).
      CSDL_RESOLVER: '127.0.0.1',
      CSDL_HTTP_PORT: `127.0.0.1:${httpPort}`,
      CSDL_HTTPS_PORT: `127.0.0.1:${httpsPort}`,
      CSDL_TLS_CERT: cert,
      CSDL_TLS_KEY: key,
      CSDL_ACCESS_LOG: accessLog,
    });
    const conf = writeNginxConfig(dir, site);
    nginx = spawn(NGINX as string, ['-p', dir, '-c', conf, '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
    let nginxErr = '';
    nginx.stderr?.on('data', (c: Buffer) => {
      nginxErr += c.toString();
    });
    await waitForPort(httpsPort, nginx).catch((err: Error) => {
      throw new Error(`${err.message}\n${nginxErr}`);
    });
    const ca = readFileSync(cert, 'utf8');
    signedIn = new ProxyClient(httpsPort, ca, CLIENT_ADDRESS, CONCURRENCY);
    anonymous = new ProxyClient(httpsPort, ca, CLIENT_ADDRESS, CONCURRENCY);
  });

  afterAll(async () => {
    signedIn?.close();
    anonymous?.close();
    await stopProcess(nginx, 'SIGQUIT');
    await Promise.all(apps.map((a) => stopProcess(a.child)));
    await database?.close().catch(() => undefined);
    if (dbCreated) await admin(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    if (failed || process.env.SCALE_KEEP === '1') {
      for (const f of ['error.log', 'app1.log', 'app2.log']) {
        const file = path.join(dir, f);
        if (existsSync(file)) console.error(`--- ${f} (end)\n${readFileSync(file, 'utf8').slice(-2000)}`);
      }
    }
    if (process.env.SCALE_KEEP === '1') console.error(`kept ${dir}`);
    else rmSync(dir, { recursive: true, force: true });
  });

  const ports = () => apps.map((a) => `127.0.0.1:${a.port}`);

  it('plain HTTP is only a redirect to HTTPS (and the local health page of the compose health check)', async () => {
    const res = await new Promise<http.IncomingMessage>((resolve, reject) =>
      http.get({ host: '127.0.0.1', port: httpPort, path: '/hoi?q=x', headers: { host: 'csdlhoi.example' } }, resolve).on('error', reject),
    );
    res.resume();
    expect(res.statusCode).toBe(301);
    expect(res.headers.location).toBe('https://csdlhoi.example/hoi?q=x');
    const health = await fetch(`http://127.0.0.1:${httpPort}/nginx-health`);
    expect(health.status).toBe(200);
  });

  it('signs in through the proxy: a Secure session cookie, and the address from X-Forwarded-For, never a forged one', async () => {
    failed = true;
    const client = signedIn as ProxyClient;
    const form = await client.request('GET', '/dang-nhap');
    expect(form.status).toBe(200);
    const res = await client.request('POST', '/dang-nhap', {
      form: { _csrf: csrfFrom(form.body), username: USERNAME, password: demoPassword },
      headers: { 'x-forwarded-for': FORGED_ADDRESS },
    });
    expect(res.status, res.body.slice(0, 500)).toBe(303);
    const location = String(res.headers.location);
    expect(location).not.toMatch(/dang-nhap/);
    // The app sets its Secure cookie only on a request it sees as HTTPS: nginx's X-Forwarded-Proto got through.
    const cookieLine = client.setCookieLines.filter((l) => l.startsWith(`${SESSION_COOKIE}=`)).at(-1) ?? '';
    expect(cookieLine).toMatch(/;\s*Secure/i);
    expect(cookieLine).toMatch(/;\s*HttpOnly/i);
    sessionBeforeKill = client.cookies.get(SESSION_COOKIE);
    expect(sessionBeforeKill).toBeTruthy();
    const home = await client.request('GET', location);
    expect(home.status).toBe(200);
    expect(home.body).toContain(DISPLAY_NAME);
    // The client's address, as nginx saw it, is the one in the audit log; the X-Forwarded-For it forged is not.
    const audit = await (database as Database)
      .knex('audit_events')
      .where({ action: 'login', actor_username: USERNAME })
      .orderBy('id', 'desc')
      .first('ip');
    expect(String(audit?.ip)).toBe(CLIENT_ADDRESS);
    failed = false;
  });

  it('kills one instance under load: only requests in flight on it may fail, both served before, the survivor after', async () => {
    failed = true;
    const signedPaths = ['/thong-bao', '/theo-doi', '/khai-thac/', ...codes.slice(0, 3).map((c) => `/hoi/${c.code}`)];
    const publicPaths = [
      '/',
      '/hoi',
      '/linh-vuc',
      '/thong-ke',
      `/hoi?q=${encodeURIComponent('hội')}`,
      '/healthz',
      ...codes.map((c) => `/hoi/${c.code}`),
    ];
    const victim = apps[0] as AppProcess;
    const outcomes: Outcome[] = [];
    let next = 0;
    let answered = 0;
    let inFlight = 0;
    let killed = false;
    let inFlightAtKill = -1;
    let logLinesAtKill = 0;
    let upstreamsBeforeKill: string[][] = [];

    const kill = () => {
      killed = true;
      inFlightAtKill = inFlight;
      upstreamsBeforeKill = upstreamsOfLog(accessLog);
      logLinesAtKill = upstreamsBeforeKill.length;
      victim.child.kill('SIGKILL');
    };

    const one = async (id: number) => {
      const signed = id % 3 === 0;
      const list = signed ? signedPaths : publicPaths;
      const p = list[id % list.length] as string;
      const startedBeforeKill = !killed;
      inFlight++;
      let outcome: Outcome;
      try {
        const res: Reply = await (signed ? (signedIn as ProxyClient) : (anonymous as ProxyClient)).request('GET', p);
        const ok = res.status === 200 && (!signed || res.body.includes(DISPLAY_NAME));
        outcome = { id, path: p, startedBeforeKill, ok, detail: `${res.status}` };
      } catch (err) {
        outcome = { id, path: p, startedBeforeKill, ok: false, detail: (err as Error).message };
      }
      inFlight--;
      outcomes.push(outcome);
      answered++;
      if (answered === KILL_AFTER) kill();
    };

    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < LOAD_REQUESTS) await one(next++);
      }),
    );
    await new Promise<void>((resolve) =>
      victim.child.exitCode !== null || victim.child.signalCode ? resolve() : victim.child.once('exit', () => resolve()),
    );

    const failures = outcomes.filter((o) => !o.ok);
    const afterKill = upstreamsOfLog(accessLog).slice(logLinesAtKill);
    const [dead, survivor] = ports() as [string, string];
    const retried = afterKill.filter((u) => u.length > 1).length;
    console.log(
      `scale: ${outcomes.length} requests, ${failures.length} failed (${inFlightAtKill} in flight at the kill), ` +
        `${upstreamsBeforeKill.filter((u) => u.at(-1) === dead).length}/${upstreamsBeforeKill.filter((u) => u.at(-1) === survivor).length} answered by app1/app2 before the kill, ` +
        `${afterKill.length} after it, ${retried} of them retried on the survivor`,
    );

    expect(outcomes).toHaveLength(LOAD_REQUESTS);
    expect(victim.child.signalCode).toBe('SIGKILL');
    // Both instances took part before the kill.
    expect(upstreamsBeforeKill.some((u) => u.at(-1) === dead)).toBe(true);
    expect(upstreamsBeforeKill.some((u) => u.at(-1) === survivor)).toBe(true);
    // Failures: only requests already in flight when the instance died, never more than were in flight.
    expect(
      failures.filter((f) => !f.startedBeforeKill),
      'requests started after the kill that failed',
    ).toEqual([]);
    expect(failures.length).toBeLessThanOrEqual(inFlightAtKill);
    // Logged after the kill: the survivor's answers, and at most the requests that were in flight on the dead one
    // (nginx logs a request when it ends; a request the victim answered as it was killed ends there too).
    expect(afterKill.length).toBeGreaterThan(0);
    expect(afterKill.filter((u) => u.at(-1) !== survivor && u.at(-1) !== dead)).toEqual([]);
    expect(afterKill.filter((u) => u.at(-1) === dead).length).toBeLessThanOrEqual(inFlightAtKill);
    failed = false;
  });

  it('the survivor keeps the session and serves everything: public and signed-in pages, a POST with its CSRF token', async () => {
    failed = true;
    const client = signedIn as ProxyClient;
    const survivor = ports()[1] as string;
    const logLines = upstreamsOfLog(accessLog).length;

    for (const p of ['/', '/hoi', `/hoi/${codes[0]?.code}`, '/linh-vuc', '/du-lieu-mo/hoi.json', '/readyz']) {
      const res = await (anonymous as ProxyClient).request('GET', p);
      expect(res.status, p).toBe(200);
    }
    const notices = await client.request('GET', '/thong-bao');
    expect(notices.status).toBe(200);
    expect(notices.body).toContain(DISPLAY_NAME);
    expect(client.cookies.get(SESSION_COOKIE)).toBe(sessionBeforeKill);

    // A write: follow an association from its record page (the form's token belongs to the session in the database).
    const target = codes[1] as { code: string; name: string };
    const record = await client.request('GET', `/hoi/${target.code}`);
    expect(record.status).toBe(200);
    const followForm = /<form[^>]+action="\/theo-doi\/hoi\/[^"]+"[\s\S]*?<\/form>/.exec(record.body)?.[0] ?? '';
    const follow = await client.request('POST', `/theo-doi/hoi/${target.code}`, { form: { _csrf: csrfFrom(followForm) } });
    expect(follow.status, follow.body.slice(0, 300)).toBe(303);
    const mine = await client.request('GET', '/theo-doi');
    expect(mine.status).toBe(200);
    expect(mine.body).toContain(target.name);
    // The same POST without its token is refused (CSRF still checked behind the proxy).
    const forged = await client.request('POST', `/theo-doi/hoi/${codes[2]?.code}/bo`, { form: {} });
    expect(forged.status).toBe(403);

    const served = upstreamsOfLog(accessLog).slice(logLines);
    expect(served.length).toBeGreaterThanOrEqual(10);
    expect(served.filter((u) => u.at(-1) !== survivor)).toEqual([]);
    failed = false;
  });
});
