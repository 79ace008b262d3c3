/**
 * Issue 19 item 2 on this machine: a real streaming standby of the local PostgreSQL and the real application process.
 *
 * A fresh database on the primary; a standby made with pg_basebackup -R and started on its own port; the built app
 * (`node dist/src/cli/start.js`) with DATABASE_URL = the primary's database and DATABASE_REPLICA_URL = the same
 * database on the standby. The test shows:
 *  1. the public pages, the open data and the reports are served by the standby — its own statistics count the
 *     reads of `associations`, its pg_stat_activity shows the app's read pool, and the app's
 *     csdl_hoi_replica_reads_total counts them as replica reads, none as primary ones;
 *  2. the replica lag, measured (a row committed on the primary, polled on the standby until visible) and as the app
 *     reports it in /readyz;
 *  3. read-after-write: with the standby's replay paused, a signed-in user's edit is on their next page (read from
 *     the primary) while the standby still has the old value;
 *  4. lag fallback: the standby paused past DATABASE_REPLICA_MAX_LAG_SECONDS, every read goes to the primary (and
 *     back to the standby once replay resumes);
 *  5. the standby stopped (pg_ctl stop -m immediate): the public pages keep working from the primary, and the standby
 *     is used again once it is back.
 * Nothing here asserts a duration: every wait polls for a state (with a generous bound so a broken run ends). The
 * figures (basebackup, lag, requests failed while the standby died) are printed.
 *
 * Needs: the PostgreSQL 15 server at SCALE_PG_URL (default postgres://postgres@127.0.0.1:5432/postgres) with its
 * binaries (PG_BIN_DIR, default /usr/lib/postgresql/<major>/bin), accepting replication from 127.0.0.1
 * (scripts/ci/ensure-replication.sh, run here when it does not); `npm run build` done (npm run test:scale does it).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/features/auth/totp.js';
import { editRecord } from '../helpers/register-edit.js';
import {
  createStandby,
  dropAbandonedSlots,
  ensureReplication,
  freePort,
  PRIMARY_URL,
  query,
  type Standby,
  withDatabase,
} from './standby.js';

type Agent = ReturnType<typeof request.agent>;

const ROOT = path.resolve(import.meta.dirname, '../..');
const METRICS_TOKEN = `scale-replica-${randomBytes(12).toString('hex')}`;
const DEMO_PASSWORD = 'Demo-CSDL-Hoi-2026';
const DEMO_TOTP = 'JBSWY3DPEHPK3PXP';
const MAX_LAG_SECONDS = 5;
const database = `csdl_hoi_scale_replica_${randomBytes(4).toString('hex')}`;
const primaryDb = withDatabase(PRIMARY_URL, database);

let standby: Standby | null = null;
let app: ChildProcess | null = null;
let appPort = 0;
let appLog = '';
let work = '';
let base = '';
/** A published association of the demo data (code, name). */
let record = { code: '', name: '' };
/** ngo.staff, signed in once (a TOTP code works once). */
let staff: Agent;
const figures: Record<string, unknown> = {};

/** Polls `check` until it returns a value (not undefined/false); fails after `boundMs` (a hang guard, not a timing). */
async function waitFor<T>(what: string, check: () => Promise<T | undefined | false>, boundMs = 120_000): Promise<T> {
  const until = Date.now() + boundMs;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}${last ? `: ${String(last)}` : ''}\n${tail()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function tail(): string {
  const appOut = appLog && existsSync(appLog) ? readFileSync(appLog, 'utf8').split('\n').slice(-40).join('\n') : '';
  const pgOut = standby?.log().split('\n').slice(-20).join('\n') ?? '';
  return `--- app log (tail) ---\n${appOut}\n--- standby log (tail) ---\n${pgOut}`;
}

interface ReplicaJson {
  inUse: boolean;
  reachable: boolean;
  lagSeconds: number | null;
  lagBytes: number | null;
  statements: { replica: number; primary: number };
}

async function readyz(): Promise<{ status: string; replica: ReplicaJson; warnings?: Record<string, string> }> {
  const res = await fetch(`${base}/readyz`);
  return (await res.json()) as { status: string; replica: ReplicaJson; warnings?: Record<string, string> };
}

/**
 * The app's count of the statements its requests started through the read router, by target
 * (csdl_hoi_replica_reads_total{via="request"}; the search index's background reads are `via="shared"`).
 */
async function routed(): Promise<{ replica: number; primary: number }> {
  const res = await fetch(`${base}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await res.text();
  const read = (target: string) =>
    Number(new RegExp(`^csdl_hoi_replica_reads_total\\{target="${target}",via="request"\\} (\\d+)`, 'm').exec(text)?.[1]);
  return { replica: read('replica'), primary: read('primary') };
}

/** Where the statements of `fn`'s requests went, per the app's counters. */
async function targetsOf(fn: () => Promise<unknown>): Promise<{ replica: number; primary: number }> {
  const before = await routed();
  await fn();
  const after = await routed();
  return { replica: after.replica - before.replica, primary: after.primary - before.primary };
}

/** Reads of `associations` counted by a server's own statistics (scans of the table and its indexes). */
async function associationScans(url: string): Promise<number> {
  const [row] = await query<{ n: number }>(
    url,
    "SELECT coalesce(sum(coalesce(seq_scan, 0) + coalesce(idx_scan, 0)), 0)::int AS n FROM pg_stat_user_tables WHERE relname = 'associations'",
  );
  return Number(row?.n ?? 0);
}

async function get(path: string, agent?: Agent): Promise<{ status: number; text: string }> {
  const res = await (agent ?? request(base)).get(path);
  return { status: res.status, text: res.text };
}

/** Signs a demo staff account in through the forms (password, then TOTP). */
async function signIn(username: string): Promise<Agent> {
  const a = request.agent(base);
  const form = await a.get('/dang-nhap');
  const csrf = (html: string) => /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
  const first = await a
    .post('/dang-nhap')
    .type('form')
    .send({ _csrf: csrf(form.text), username, password: DEMO_PASSWORD });
  expect(first.status).toBe(303);
  expect(first.headers.location).toBe('/dang-nhap/ma-xac-thuc');
  const codePage = await a.get('/dang-nhap/ma-xac-thuc');
  const done = await a
    .post('/dang-nhap/ma-xac-thuc')
    .type('form')
    .send({ _csrf: csrf(codePage.text), code: await totpCode(DEMO_TOTP, new Date()) });
  expect(done.status, done.text.slice(0, 300)).toBe(303);
  return a;
}

async function startApp(): Promise<void> {
  if (!standby) throw new Error('no standby');
  appPort = await freePort(4120, 4139);
  base = `http://127.0.0.1:${appPort}`;
  appLog = path.join(work, 'app.log');
  const out = createWriteStream(appLog);
  app = spawn(process.execPath, ['dist/src/cli/start.js'], {
    cwd: ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: String(appPort),
      LOG_LEVEL: 'info',
      DATABASE_URL: primaryDb,
      DATABASE_REPLICA_URL: standby.url(database),
      DATABASE_REPLICA_MAX_LAG_SECONDS: String(MAX_LAG_SECONDS),
      DATABASE_REPLICA_CHECK_MS: '250',
      DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS: '120',
      METRICS_TOKEN,
      SESSION_SECRET: randomBytes(24).toString('hex'),
      DATA_DIR: path.join(work, 'data'),
      BACKUP_DIR: path.join(work, 'backups'),
      SCHEDULER: 'off',
      // Every public page is rendered from the database (no rendered-page cache in front of the reads).
      PUBLIC_PAGE_CACHE_MB: '0',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  app.stdout?.pipe(out);
  app.stderr?.pipe(out);
  // The first start migrates and seeds the demo data (about a minute).
  await waitFor(
    'the app to be ready',
    async () => {
      if (app?.exitCode !== null) throw new Error(`the app exited with ${app?.exitCode}`);
      return (await fetch(`${base}/readyz`)).status === 200;
    },
    420_000,
  );
}

beforeAll(async () => {
  work = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-scale-replica-'));
  figures.ensureReplication = await ensureReplication();
  figures.abandonedSlotsDropped = await dropAbandonedSlots();
  await query(PRIMARY_URL, `CREATE DATABASE ${database}`);
  standby = await createStandby(await freePort(54330, 54339));
  figures.basebackupSeconds = Number(standby.basebackupSeconds.toFixed(1));
  await standby.start();
  await waitFor('the database on the standby', async () => (await query(standby?.url(database) ?? '', 'SELECT 1 AS one')).length === 1);
  await startApp();
  await waitFor('the app to use the standby', async () => (await readyz()).replica.inUse);
  const [row] = await query<{ code: string; name: string }>(
    primaryDb,
    'SELECT code, name FROM associations WHERE published ORDER BY id LIMIT 1',
  );
  if (!row) throw new Error('no published association in the demo data');
  record = row;
  staff = await signIn('ngo.staff');
}, 900_000);

afterAll(async () => {
  console.log(`[scale:replica] ${JSON.stringify(figures)}`);
  if (app && app.exitCode === null) {
    const exited = new Promise((r) => app?.once('exit', r));
    app.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    if (app.exitCode === null) app.kill('SIGKILL');
  }
  await standby?.remove();
  await query(PRIMARY_URL, `DROP DATABASE IF EXISTS ${database} WITH (FORCE)`).catch((err: unknown) => console.error(err));
  if (work) rmSync(work, { recursive: true, force: true });
}, 120_000);

describe('a streaming standby of the local PostgreSQL for reads', () => {
  it('is a hot standby streaming from the primary, and the app reads it through its own pool', async () => {
    const url = standby?.url(database) ?? '';
    expect((await query<{ r: boolean }>(url, 'SELECT pg_is_in_recovery() AS r'))[0]?.r).toBe(true);
    const senders = await query<{ state: string }>(PRIMARY_URL, 'SELECT state FROM pg_stat_replication WHERE application_name = $1', [
      `csdl_hoi_standby_${standby?.port}`,
    ]);
    expect(senders.map((s) => s.state)).toEqual(['streaming']);
    const pools = await query<{ n: number }>(
      url,
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'csdl-hoi-reads'",
      [database],
    );
    expect(pools[0]?.n).toBeGreaterThan(0);
  });

  it('serves the public pages, the open data and the reports from the standby', async () => {
    const url = standby?.url(database) ?? '';
    const standbyBefore = await associationScans(url);
    const moved = await targetsOf(async () => {
      for (let i = 0; i < 20; i++) {
        const page = await get(`/hoi/${record.code}`);
        expect(page.status).toBe(200);
      }
      expect((await get('/du-lieu-mo/hoi.csv')).status).toBe(200);
      expect((await get('/thong-ke')).status).toBe(200);
      // A signed-in user who has not written: the public record page and a report, from the standby as well.
      expect((await get(`/hoi/${record.code}`, staff)).status).toBe(200);
      expect((await get('/bao-cao/b', staff)).status).toBe(200);
    });
    expect(moved.replica).toBeGreaterThanOrEqual(22);
    expect(moved.primary).toBe(0);
    // The standby's own statistics (flushed by its backends within seconds) count the reads of the table.
    const seen = await waitFor('the standby to count the reads', async () => {
      const n = (await associationScans(url)) - standbyBefore;
      return n >= 20 ? n : undefined;
    });
    figures.standbyAssociationScans = seen;
    figures.routedToReplica = moved.replica;
  });

  it('measures the replica lag: a committed row is visible on the standby after …', async () => {
    const primary = new pg.Client({ connectionString: primaryDb });
    const replica = new pg.Client({ connectionString: standby?.url(database) ?? '' });
    await primary.connect();
    await replica.connect();
    try {
      await primary.query('CREATE TABLE scale_lag_marks (id int PRIMARY KEY)');
      const lags: number[] = [];
      for (let i = 1; i <= 30; i++) {
        await primary.query('INSERT INTO scale_lag_marks VALUES ($1)', [i]);
        const committed = performance.now();
        await waitFor(`row ${i} on the standby`, async () => {
          try {
            return (await replica.query('SELECT 1 FROM scale_lag_marks WHERE id = $1', [i])).rowCount === 1;
          } catch (err) {
            // The table itself may not have been replayed yet.
            if ((err as { code?: string }).code === '42P01') return false;
            throw err;
          }
        });
        lags.push(performance.now() - committed);
      }
      lags.sort((a, b) => a - b);
      const ms = (q: number) => Number((lags[Math.min(lags.length - 1, Math.floor(q * lags.length))] ?? 0).toFixed(2));
      figures.lagMs = { median: ms(0.5), p90: ms(0.9), max: ms(1) };
      const state = await readyz();
      figures.appLagAtRest = { lagSeconds: state.replica.lagSeconds, lagBytes: state.replica.lagBytes };
      expect(state.replica.inUse).toBe(true);
      expect(state.replica.lagSeconds).not.toBeNull();
    } finally {
      await primary.end();
      await replica.end();
    }
  });

  it('sends a user back to the primary after their write (read-after-write), and every read when the lag passes the limit', async () => {
    const url = standby?.url(database) ?? '';
    await query(url, 'SELECT pg_wal_replay_pause()');
    try {
      // The staff edit saves one section of Biểu mẫu 1 (issue 18 item 2): the name is in section A.
      const renamed = `${record.name} (đổi tên thử bản sao)`;
      const saved = await editRecord(staff, record.code, { name: renamed, reason: 'Kiểm tra đọc sau khi ghi với bản sao chỉ đọc' });
      expect(saved.status, saved.text.slice(0, 2000)).toBe(303);

      // The writer's next page shows the new name: read from the primary, while the paused standby has the old one.
      const writer = await targetsOf(async () => {
        const page = await get(`/hoi/${record.code}`, staff);
        expect(page.status).toBe(200);
        expect(page.text).toContain(renamed);
      });
      expect(writer.replica).toBe(0);
      expect(writer.primary).toBeGreaterThan(0);
      const onStandby = await query<{ name: string }>(url, 'SELECT name FROM associations WHERE code = $1', [record.code]);
      expect(onStandby[0]?.name).toBe(record.name);

      // Past DATABASE_REPLICA_MAX_LAG_SECONDS behind, the app stops reading the standby: everyone reads the primary.
      const behind = await waitFor('the app to leave the lagging standby', async () => {
        const s = await readyz();
        return s.replica.inUse ? undefined : s;
      });
      expect(behind.status).toBe('degraded');
      expect(behind.warnings?.replica).toMatch(/^bản sao chỉ đọc trễ [\d,]+ giây \(quá 5 giây\)/);
      figures.lagWhenLeft = { lagSeconds: behind.replica.lagSeconds, lagBytes: behind.replica.lagBytes };
      const anonymous = await targetsOf(async () => {
        const page = await get(`/hoi/${record.code}`);
        expect(page.status).toBe(200);
        expect(page.text).toContain(renamed);
        expect((await get('/du-lieu-mo/hoi.csv')).status).toBe(200);
      });
      expect(anonymous.replica).toBe(0);
      expect(anonymous.primary).toBeGreaterThan(0);
    } finally {
      await query(url, 'SELECT pg_wal_replay_resume()');
    }
    // Replay resumed: the standby catches up and serves again, with the new name.
    await waitFor('the app to use the standby again', async () => (await readyz()).replica.inUse);
    const again = await targetsOf(async () => {
      const page = await get(`/hoi/${record.code}`);
      expect(page.text).toContain('(đổi tên thử bản sao)');
    });
    expect(again.replica).toBeGreaterThan(0);
    expect(again.primary).toBe(0);
  });

  it('keeps the public pages working from the primary when the standby goes down, and uses it again when it is back', async () => {
    await standby?.stop('immediate');
    // Requests right after the crash: the first statement on a dead connection takes the standby out at once.
    let failed = 0;
    for (let i = 0; i < 30; i++) if ((await get(`/hoi/${record.code}`)).status !== 200) failed++;
    figures.requestsFailedWhenStandbyDied = failed;
    const down = await waitFor('the app to leave the stopped standby', async () => {
      const s = await readyz();
      return s.replica.inUse ? undefined : s;
    });
    expect(down.replica.reachable).toBe(false);
    expect(down.warnings?.replica).toMatch(/bản sao chỉ đọc/);
    const fallback = await targetsOf(async () => {
      for (let i = 0; i < 20; i++) expect((await get(`/hoi/${record.code}`)).status).toBe(200);
      expect((await get('/du-lieu-mo/hoi.json')).status).toBe(200);
      expect((await get('/')).status).toBe(200);
    });
    expect(fallback.replica).toBe(0);
    expect(fallback.primary).toBeGreaterThanOrEqual(21);
    expect(failed).toBeLessThanOrEqual(2);

    await standby?.start();
    await waitFor('the app to use the restarted standby', async () => (await readyz()).replica.inUse);
    const back = await targetsOf(async () => {
      expect((await get(`/hoi/${record.code}`)).status).toBe(200);
    });
    expect(back.replica).toBeGreaterThan(0);
    expect(back.primary).toBe(0);
  });
});
