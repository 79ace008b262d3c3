/**
 * Load and fault runs of RELIABILITY.md:
 *  40. 200 requests/s of a realistic mix: p97.5 < 500 ms, no 5xx, no cross-user data (each signed-in page must
 *      greet its own user and never the other one);
 *  41. overload (many more connections than the app can serve): only 429/503 besides 200, no crash, and normal
 *      service again within 60 s;
 *  36. database restarted under load: the same app process answers 503 during the outage and is back to full
 *      service within 10 s after. By default on a throwaway PostgreSQL cluster the bench starts itself
 *      (BENCH_FAULT_PG=private) so a shared server is never restarted under someone else's tests;
 *      BENCH_FAULT_PG=configured restarts the local cluster with pg_ctlcluster.
 * 42 (soak) is its own step, bench/steps/soak.ts (`npm run bench:soak`): it runs for an hour by default.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createDatabase } from '../../src/db/knex.js';
import { type CannonRequest, type CannonResult, cannon, PROXY_HEADERS } from '../lib/cannon.js';
import { startChild } from '../lib/child.js';
import { BENCH_PASSWORD, BENCH_TOTP_SECRET, prepare } from '../lib/db.js';
import { staffCookie } from '../lib/login.js';
import { type BenchContext, type BenchStep, ms } from '../lib/step.js';
import { SEARCH_PATHS } from './search.js';

const greets = (name: string, other: string) => (status: number, body: string) =>
  status !== 200 || (body.includes(`Cán bộ đo hiệu năng ${name}<`) && !body.includes(`Cán bộ đo hiệu năng ${other}<`));

export function mix(codes: readonly string[], cookies: { staff: string; staff2: string }): CannonRequest[] {
  const staff = (p: string): CannonRequest => ({
    path: p,
    headers: { cookie: cookies.staff },
    check: greets('bench.staff', 'bench.staff2'),
  });
  const staff2 = (p: string): CannonRequest => ({
    path: p,
    headers: { cookie: cookies.staff2 },
    check: greets('bench.staff2', 'bench.staff'),
  });
  const detail = (i: number) => `/hoi/${codes[i % codes.length] ?? 'H500001'}`;
  return [
    { path: '/' },
    { path: SEARCH_PATHS[0] as string },
    { path: detail(0) },
    staff('/quan-tri/hoi'),
    { path: SEARCH_PATHS[1] as string },
    { path: detail(1) },
    staff2('/bao-cao/a'),
    { path: '/linh-vuc' },
    { path: SEARCH_PATHS[4] as string },
    staff(`/quan-tri${detail(2)}`),
    { path: detail(3) },
    staff2('/quan-tri/hoi?q=khuyen%20hoc'),
    { path: SEARCH_PATHS[8] as string },
    { path: detail(4) },
  ];
}

const summary = (r: CannonResult) => ({ ...r, timeline: undefined });
const only = (r: CannonResult, allowed: readonly string[]) => Object.keys(r.statuses).every((s) => allowed.includes(s));

async function until(test: () => Promise<boolean>, limitS: number): Promise<number | null> {
  const t0 = performance.now();
  while (performance.now() - t0 < limitS * 1000) {
    if (await test().catch(() => false)) return Math.round((performance.now() - t0) / 100) / 10;
    await new Promise((r) => setTimeout(r, 250));
  }
  return null;
}

async function answersQuickly(baseUrl: string, path: string, withinMs: number): Promise<boolean> {
  const t0 = performance.now();
  const res = await fetch(baseUrl + path, { headers: PROXY_HEADERS, signal: AbortSignal.timeout(withinMs) });
  await res.arrayBuffer();
  return res.status === 200 && performance.now() - t0 < withinMs;
}

export interface MixRun {
  result: CannonResult;
  fivexx: number;
  pass: boolean;
}

/** RELIABILITY 40: the mix at 200 requests/s offered (25 connections, twice BENCH_DURATION, at least 20 s). */
export async function mix200(ctx: BenchContext): Promise<MixRun> {
  const codes = (ctx.ceilingRows as Array<{ code: string }>).map((r) => r.code);
  const duration = Math.max(ctx.config.BENCH_DURATION * 2, 20);
  ctx.log(`load: 200 req/s mix for ${duration} s`);
  const result = await cannon({
    baseUrl: ctx.app.baseUrl,
    requests: mix(codes, ctx.cookies),
    connections: 25,
    overallRate: 200,
    durationS: duration,
    warmupS: 2,
  });
  const fivexx = Object.entries(result.statuses)
    .filter(([s]) => s.startsWith('5'))
    .reduce((n, [, c]) => n + c, 0);
  const pass = result.p97_5_ms < 500 && fivexx === 0 && result.failed_checks === 0 && result.errors === 0;
  return { result, fivexx, pass };
}

async function rate200(ctx: BenchContext): Promise<void> {
  const { result: r, fivexx, pass } = await mix200(ctx);
  Object.assign(ctx.results, {
    load_200rps: { ...summary(r), fivexx, pass },
    load_200rps_p97_5_ms: r.p97_5_ms,
  });
  ctx.rows.push({
    measure: 'R40 200 req/s mix',
    value: `${r.rps} req/s, p97.5 ${ms(r.p97_5_ms)}, 5xx ${fivexx}, cross-user ${r.failed_checks}`,
    goal: 'p97.5 < 500 ms, no 5xx, no cross-user',
    ok: pass,
  });
}

async function overload(ctx: BenchContext): Promise<void> {
  const connections = 400;
  const duration = Math.max(ctx.config.BENCH_DURATION, 15);
  ctx.log(`overload: ${connections} connections, no rate limit, ${duration} s`);
  const r = await cannon({
    baseUrl: ctx.app.baseUrl,
    requests: SEARCH_PATHS.map((p) => ({ path: p })),
    connections,
    durationS: duration,
    timeoutS: 10,
  });
  const alive = ctx.app.process.exitCode === null;
  const recovery = await until(() => answersQuickly(ctx.app.baseUrl, SEARCH_PATHS[0] as string, 1000), 120);
  const onlyShed = only(r, ['200', '429', '503']);
  const pass = alive && onlyShed && r.timeouts === 0 && r.errors === 0 && recovery !== null && recovery <= 60;
  Object.assign(ctx.results, { overload: { connections, ...summary(r), alive, recovery_s: recovery, only_200_429_503: onlyShed, pass } });
  ctx.rows.push({
    measure: `R41 overload (${connections} conn.)`,
    value: `${JSON.stringify(r.statuses)}, timeouts ${r.timeouts}, p99 ${ms(r.p99_ms)}, recovered in ${recovery ?? '—'} s`,
    goal: 'only 429/503, no crash, ≤ 60 s',
    ok: pass,
  });
}

/** A throwaway cluster in a temp folder (owned by the postgres user when the bench runs as root). */
function privateCluster(log: (s: string) => void) {
  const versions = readdirSync('/usr/lib/postgresql').sort((a, b) => Number(a) - Number(b));
  const bin = `/usr/lib/postgresql/${versions.at(-1)}/bin`;
  const dir = mkdtempSync(path.join(tmpdir(), 'csdl-hoi-pgfault-'));
  chmodSync(dir, 0o777);
  const dataDir = path.join(dir, 'data');
  const port = 5400 + Math.floor(Math.random() * 90);
  const asPostgres = process.getuid?.() === 0;
  const run = (cmd: string, args: string[]) =>
    asPostgres
      ? execFileSync('runuser', ['-u', 'postgres', '--', `${bin}/${cmd}`, ...args], { stdio: 'pipe' })
      : execFileSync(`${bin}/${cmd}`, args, { stdio: 'pipe' });
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  run('initdb', ['-D', dataDir, '-U', 'postgres', '-A', 'trust', '--no-sync']);
  run('pg_ctl', ['-D', dataDir, '-o', opts, '-l', path.join(dir, 'log'), '-w', 'start']);
  log(`private PostgreSQL cluster on port ${port}`);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    restart: () => run('pg_ctl', ['-D', dataDir, '-o', opts, '-l', path.join(dir, 'log'), '-m', 'fast', '-w', 'restart']),
    destroy: () => {
      try {
        run('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']);
      } catch {
        /* already stopped */
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function dbRestart(ctx: BenchContext): Promise<void> {
  const mode = ctx.config.BENCH_FAULT_PG;
  if (mode === 'off' || ctx.target.backend !== 'postgres') {
    const why = mode === 'off' ? 'BENCH_FAULT_PG=off' : 'no PostgreSQL (PGlite runs inside the app process)';
    Object.assign(ctx.results, { db_restart: null, db_restart_note: why });
    ctx.rows.push({ measure: 'R36 database restart under load', value: `not run (${why})`, goal: '503, back ≤ 10 s', ok: null });
    return;
  }
  let cluster: ReturnType<typeof privateCluster> | null = null;
  let app = ctx.app;
  let cookies = ctx.cookies;
  let restart: () => void;
  try {
    if (mode === 'private') {
      cluster = privateCluster(ctx.log);
      const c = cluster;
      const db = await createDatabase({ backend: 'postgres', url: c.url, poolMax: 4 });
      try {
        await prepare(db.knex, 2000, ctx.config.BENCH_SEED, ctx.log);
      } finally {
        await db.close();
      }
      app = await startChild('app', { ...ctx.appEnv, DATABASE_URL: c.url });
      // A fresh TOTP time step for the second login of the same users (codes work once).
      await new Promise((r) => setTimeout(r, 31_000 - (Date.now() % 30_000)));
      cookies = {
        staff: await staffCookie(app.baseUrl, 'bench.staff', BENCH_PASSWORD, BENCH_TOTP_SECRET),
        staff2: await staffCookie(app.baseUrl, 'bench.staff2', BENCH_PASSWORD, BENCH_TOTP_SECRET),
      };
      restart = () => c.restart();
    } else {
      const version =
        readdirSync('/etc/postgresql')
          .sort((a, b) => Number(a) - Number(b))
          .at(-1) ?? '15';
      restart = () =>
        execFileSync('pg_ctlcluster', ['--skip-systemctl-redirect', version, 'main', 'restart', '--', '-m', 'fast'], { stdio: 'pipe' });
    }
    const pid = app.process.pid;
    const codes = (ctx.ceilingRows as Array<{ code: string }>).map((r) => r.code);
    const requests =
      mode === 'private'
        ? [...SEARCH_PATHS.slice(0, 3).map((p) => ({ path: p })), { path: '/quan-tri/hoi', headers: { cookie: cookies.staff } }]
        : mix(codes, cookies);
    let restartAt: number | null = null;
    let restartedAt: number | null = null;
    const t0 = performance.now();
    const r = await cannon({
      baseUrl: app.baseUrl,
      requests,
      connections: 10,
      overallRate: 100,
      durationS: 30,
      onTick: (s) => {
        if (s === 5 && restartAt === null) {
          restartAt = (performance.now() - t0) / 1000;
          ctx.log('restarting PostgreSQL');
          restart();
          restartedAt = (performance.now() - t0) / 1000;
          ctx.log(`PostgreSQL back after ${(restartedAt - restartAt).toFixed(1)} s`);
        }
      },
    });
    // Seconds with anything but 200 (and 302/303) after the restart began; the last of them ends the outage.
    const bad = r.timeline.filter(([, , failed, errors]) => failed + errors > 0);
    const statuses = r.statuses;
    const lastBad = bad.at(-1)?.[0] ?? null;
    const serverBack = restartedAt ?? 0;
    const recovery = lastBad === null ? 0 : Math.max(0, lastBad + 1 - serverBack);
    const samePid = app.process.exitCode === null && app.process.pid === pid;
    const onlyOk503 = only(r, ['200', '302', '303', '503']);
    const pass = samePid && onlyOk503 && recovery <= 10;
    Object.assign(ctx.results, {
      db_restart: {
        mode,
        ...summary(r),
        timeline: r.timeline,
        restart_began_s: restartAt,
        server_back_s: restartedAt,
        seconds_with_errors: bad.map((b) => b[0]),
        recovery_after_server_back_s: recovery,
        same_process: samePid,
        only_200_503: onlyOk503,
        pass,
      },
    });
    ctx.rows.push({
      measure: `R36 database restart under load (${mode})`,
      value: `${JSON.stringify(statuses)}, errors ${r.errors}, full service ${recovery.toFixed(1)} s after the server was back`,
      goal: '503 only, same process, ≤ 10 s',
      ok: pass,
    });
  } finally {
    if (app !== ctx.app) await app.stop();
    cluster?.destroy();
  }
}

export const loadStep: BenchStep = {
  name: 'load',
  async run(ctx) {
    await rate200(ctx);
    await overload(ctx);
    await dbRestart(ctx);
  },
};
