/**
 * RELIABILITY 42 — a long soak shows no growth of memory, connections or session rows (`npm run bench:soak`).
 *
 * A second app process on the same scratch database runs with a short session idle timeout
 * (BENCH_SOAK_IDLE_MINUTES, so sessions expire and are pruned within the run) and a metrics token. For
 * BENCH_SOAK_MINUTES it gets the realistic mix of the R40 run (public pages, searches, record pages, two signed-in
 * staff users checked against each other's data) plus anonymous visits to the login page (each creates a session
 * row, as a visitor's would), at BENCH_SOAK_RATE requests/s; every 31 s another staff user signs in through the
 * real forms (password + TOTP) and signs out. Every BENCH_SOAK_SAMPLE_S seconds it samples the app's resident set
 * size, its pool's open connections (from /metrics), and (PostgreSQL) the session rows and the server's
 * connections to the database.
 *
 * Verdict, after a warm-up (the first third of the run at most, at least two idle periods) so the session rows
 * can reach their steady state: the median RSS of the last quarter exceeds that of the early half by at most
 * 10 % (or 16 MB); the pool never holds more connections than its maximum; the session rows of the last quarter
 * stay within 20 % (+ 20) of the early half's maximum; no 5xx, no error, no cross-user response, every sign-in
 * and sign-out worked.
 */
import { randomBytes } from 'node:crypto';
import { cannon, PROXY_HEADERS } from '../lib/cannon.js';
import { startChild } from '../lib/child.js';
import { BENCH_PASSWORD, BENCH_TOTP_SECRET } from '../lib/db.js';
import { staffCookie } from '../lib/login.js';
import type { BenchContext, BenchStep } from '../lib/step.js';
import { mix } from './load.js';

export interface SoakSample {
  /** Seconds since the measured run began. */
  t: number;
  rss_mb: number;
  pool_open: number | null;
  pool_used: number | null;
  session_rows: number | null;
  db_connections: number | null;
}

const median = (xs: readonly number[]) => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

/** Least-squares slope of y over t (per hour). */
export function slopePerHour(points: ReadonlyArray<readonly [number, number]>): number {
  const n = points.length;
  if (n < 2) return 0;
  const mt = points.reduce((a, [t]) => a + t, 0) / n;
  const my = points.reduce((a, [, y]) => a + y, 0) / n;
  const num = points.reduce((a, [t, y]) => a + (t - mt) * (y - my), 0);
  const den = points.reduce((a, [t]) => a + (t - mt) ** 2, 0);
  return den === 0 ? 0 : (num / den) * 3600;
}

export interface SoakVerdict {
  warmup_s: number;
  rss_early_median_mb: number;
  rss_late_median_mb: number;
  rss_slope_mb_per_h: number;
  rss_ok: boolean;
  pool_open_max: number | null;
  pool_ok: boolean;
  sessions_early_max: number | null;
  sessions_late_max: number | null;
  sessions_ok: boolean | null;
}

/** The growth checks of RELIABILITY 42 over the samples (pure, unit-tested). */
export function judgeSoak(samples: readonly SoakSample[], durationS: number, idleS: number, poolMax: number): SoakVerdict {
  const warmup = Math.min(durationS / 3, Math.max(120, 2 * idleS));
  const after = samples.filter((s) => s.t >= warmup);
  const span = durationS - warmup;
  const early = after.filter((s) => s.t < warmup + span / 2);
  const late = after.filter((s) => s.t >= warmup + (3 * span) / 4);
  const rssEarly = median(early.map((s) => s.rss_mb));
  const rssLate = median(late.map((s) => s.rss_mb));
  const pools = samples.map((s) => s.pool_open).filter((n): n is number => n !== null);
  const poolMaxSeen = pools.length ? Math.max(...pools) : null;
  const sessionsEarly = early.map((s) => s.session_rows).filter((n): n is number => n !== null);
  const sessionsLate = late.map((s) => s.session_rows).filter((n): n is number => n !== null);
  const sEarly = sessionsEarly.length ? Math.max(...sessionsEarly) : null;
  const sLate = sessionsLate.length ? Math.max(...sessionsLate) : null;
  return {
    warmup_s: Math.round(warmup),
    rss_early_median_mb: rssEarly,
    rss_late_median_mb: rssLate,
    rss_slope_mb_per_h: Math.round(slopePerHour(after.map((s) => [s.t, s.rss_mb] as const)) * 10) / 10,
    rss_ok: early.length > 0 && late.length > 0 && rssLate - rssEarly <= Math.max(0.1 * rssEarly, 16),
    pool_open_max: poolMaxSeen,
    pool_ok: poolMaxSeen === null || poolMaxSeen <= poolMax,
    sessions_early_max: sEarly,
    sessions_late_max: sLate,
    sessions_ok: sEarly === null || sLate === null ? null : sLate <= sEarly * 1.2 + 20,
  };
}

/** One gauge value of the Prometheus text format, e.g. csdl_hoi_db_pool_connections{state="used"}. */
export function gauge(text: string, name: string, labels = ''): number | null {
  const escaped = `${name}${labels}`.replace(/[{}"=]/g, (c) => `\\${c}`);
  const m = new RegExp(`^${escaped} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : null;
}

function csrfFrom(html: string): string | null {
  return /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? null;
}

async function signInAndOut(baseUrl: string): Promise<void> {
  const cookie = await staffCookie(baseUrl, 'bench.soak', BENCH_PASSWORD, BENCH_TOTP_SECRET);
  const home = await fetch(`${baseUrl}/quan-tri/`, { headers: { ...PROXY_HEADERS, cookie }, redirect: 'manual' });
  const token = csrfFrom(await home.text());
  if (home.status !== 200 || !token) throw new Error(`staff home after sign-in: ${home.status} ${home.headers.get('location') ?? ''}`);
  const out = await fetch(`${baseUrl}/dang-xuat`, {
    method: 'POST',
    headers: { ...PROXY_HEADERS, cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ _csrf: token }).toString(),
    redirect: 'manual',
  });
  if (out.status !== 303) throw new Error(`sign-out: ${out.status}`);
  const after = await fetch(`${baseUrl}/quan-tri/`, { headers: { ...PROXY_HEADERS, cookie }, redirect: 'manual' });
  await after.arrayBuffer();
  if (after.status === 200) throw new Error('the session still works after sign-out');
}

export const soakStep: BenchStep = {
  name: 'soak',
  async run(ctx: BenchContext) {
    const { BENCH_SOAK_MINUTES: minutes, BENCH_SOAK_RATE: rate, BENCH_SOAK_SAMPLE_S: every } = ctx.config;
    const idleS = ctx.config.BENCH_SOAK_IDLE_MINUTES * 60;
    const poolMax = Number(ctx.appEnv.DATABASE_POOL_MAX ?? 10);
    const token = randomBytes(24).toString('base64url');
    const app = await startChild('app', {
      ...ctx.appEnv,
      SESSION_IDLE_MINUTES: String(ctx.config.BENCH_SOAK_IDLE_MINUTES),
      METRICS_TOKEN: token,
    });
    const samples: SoakSample[] = [];
    let cycles = 0;
    const cycleErrors: string[] = [];
    const sample = async (t: number) => {
      const { rss } = await app.rss();
      const metrics = await fetch(`${app.baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })
        .then((r) => r.text())
        .catch(() => '');
      const used = gauge(metrics, 'csdl_hoi_db_pool_connections', '{state="used"}');
      const free = gauge(metrics, 'csdl_hoi_db_pool_connections', '{state="free"}');
      let sessionRows: number | null = null;
      let dbConnections: number | null = null;
      if (ctx.target.backend === 'postgres') {
        const s = await ctx.db.knex('sessions').count<{ n: string }[]>('* as n').first();
        sessionRows = Number(s?.n ?? 0);
        const c = await ctx.db.knex.raw<{ rows: Array<{ n: string }> }>(
          'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database()',
        );
        dbConnections = Number(c.rows[0]?.n ?? 0);
      }
      const row: SoakSample = {
        t,
        rss_mb: Math.round(rss / 2 ** 20),
        pool_open: used === null || free === null ? null : used + free,
        pool_used: used,
        session_rows: sessionRows,
        db_connections: dbConnections,
      };
      samples.push(row);
      ctx.log(
        `soak ${t} s: RSS ${row.rss_mb} MB, pool ${row.pool_open ?? '—'} open, sessions ${row.session_rows ?? '—'}, DB connections ${row.db_connections ?? '—'}`,
      );
    };
    try {
      // Fresh sign-ins of the mix's two users (their sessions must not have idled out before the soak began); a
      // TOTP code works once, so wait for the next time step after the bench's own sign-ins.
      await new Promise((r) => setTimeout(r, 31_000 - (Date.now() % 30_000)));
      const cookies = {
        staff: await staffCookie(app.baseUrl, 'bench.staff', BENCH_PASSWORD, BENCH_TOTP_SECRET),
        staff2: await staffCookie(app.baseUrl, 'bench.staff2', BENCH_PASSWORD, BENCH_TOTP_SECRET),
      };
      const codes = (ctx.ceilingRows as Array<{ code: string }>).map((r) => r.code);
      const requests = [...mix(codes, cookies), { path: '/dang-nhap' }];
      ctx.log(`soak: ${minutes} min at ${rate} req/s, sessions idle after ${idleS / 60} min, a sample every ${every} s`);
      let lastCycle = Number.NEGATIVE_INFINITY;
      let busy = false;
      const r = await cannon({
        baseUrl: app.baseUrl,
        requests,
        connections: 10,
        overallRate: rate,
        durationS: minutes * 60,
        warmupS: 0,
        onTick: async (s) => {
          if (busy) return;
          busy = true;
          try {
            if (s % every === 0) await sample(s);
            if (s - lastCycle >= 31) {
              lastCycle = s;
              await signInAndOut(app.baseUrl).then(
                () => cycles++,
                (err: unknown) => cycleErrors.push(`${s} s: ${err instanceof Error ? err.message : String(err)}`),
              );
            }
          } catch (err) {
            ctx.log(`soak sample at ${s} s failed: ${err instanceof Error ? err.message : String(err)}`);
          } finally {
            busy = false;
          }
        },
      });
      await sample(minutes * 60);
      const verdict = judgeSoak(samples, minutes * 60, idleS, poolMax);
      const fivexx = Object.entries(r.statuses)
        .filter(([code]) => code.startsWith('5'))
        .reduce((n, [, c]) => n + c, 0);
      const pass =
        verdict.rss_ok &&
        verdict.pool_ok &&
        verdict.sessions_ok !== false &&
        fivexx === 0 &&
        r.errors === 0 &&
        r.timeouts === 0 &&
        r.failed_checks === 0 &&
        cycleErrors.length === 0;
      Object.assign(ctx.results, {
        soak: {
          minutes,
          rate,
          idle_minutes: idleS / 60,
          ...r,
          timeline: undefined,
          fivexx,
          sign_in_out_cycles: cycles,
          sign_in_out_errors: cycleErrors,
          verdict,
          samples,
          pass,
        },
      });
      ctx.rows.push({
        measure: `R42 soak (${minutes} min, ${rate} req/s)`,
        value:
          `${r.rps} req/s, RSS ${verdict.rss_early_median_mb} → ${verdict.rss_late_median_mb} MB (${verdict.rss_slope_mb_per_h} MB/h), ` +
          `pool ≤ ${verdict.pool_open_max ?? '—'}, sessions ${verdict.sessions_early_max ?? '—'} → ${verdict.sessions_late_max ?? '—'}, ` +
          `5xx ${fivexx}, cross-user ${r.failed_checks}, sign-in/out ${cycles} (${cycleErrors.length} failed)`,
        goal: 'no growth of memory, connections, sessions',
        ok: pass,
      });
      if (ctx.target.backend !== 'postgres') ctx.notes.push('soak on PGlite: session rows and server connections not sampled.');
    } finally {
      await app.stop();
    }
  },
};
