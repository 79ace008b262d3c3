/** SPEC §7: every report (a–m) with no filter, p95 ≤ 200 ms, signed in as NGO Department staff. */
import { CATEGORIES } from '../../src/features/reports/categories.js';
import { cannon, PROXY_HEADERS } from '../lib/cannon.js';
import { type BenchStep, ms } from '../lib/step.js';

async function timedGet(url: string, cookie: string, timeoutMs: number): Promise<{ status: number | null; ms: number }> {
  const t0 = performance.now();
  try {
    const res = await fetch(url, { headers: { ...PROXY_HEADERS, cookie }, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return { status: res.status, ms: Math.round((performance.now() - t0) * 10) / 10 };
  } catch {
    return { status: null, ms: Math.round(performance.now() - t0) };
  }
}

/** Wait (≤ 120 s) until the app answers /readyz within a second. */
export async function settle(baseUrl: string): Promise<void> {
  const until = Date.now() + 120_000;
  while (Date.now() < until) {
    const r = await fetch(`${baseUrl}/readyz`, { signal: AbortSignal.timeout(1000) }).then(
      (res) => res.arrayBuffer().then(() => res.status),
      () => 0,
    );
    if (r === 200) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

export const reportsStep: BenchStep = {
  name: 'reports',
  async run(ctx) {
    const { config } = ctx;
    const keys = CATEGORIES.map((c) => c.key).filter((k) => k !== 'n'); // n is the custom report (a form)
    const perReport: Record<string, number | null> = {};
    const detail: Record<string, unknown> = {};
    for (const key of keys) {
      const path = `/bao-cao/${key}`;
      // Start each report on an idle app: requests of a slow report still queued for the pool must not be
      // charged to the next one.
      await settle(ctx.app.baseUrl);
      const single = await timedGet(ctx.app.baseUrl + path, ctx.cookies.staff, 120_000);
      if (single.status !== 200) {
        ctx.notes.push(`report ${key}: GET as staff answered ${single.status ?? 'nothing within 120 s'}`);
        perReport[key] = null;
        continue;
      }
      const r = await cannon({
        baseUrl: ctx.app.baseUrl,
        requests: [{ path }],
        headers: { cookie: ctx.cookies.staff },
        connections: config.BENCH_REPORT_CONNECTIONS,
        durationS: config.BENCH_REPORT_DURATION,
        warmupS: Math.min(2, config.BENCH_WARMUP),
        timeoutS: 30,
      });
      detail[key] = { ...r, timeline: undefined, single_request_ms: single.ms };
      if (r.requests < config.BENCH_REPORT_CONNECTIONS) {
        // Too slow for any measured response under load: the one request alone is the best (lowest) bound.
        perReport[key] = single.ms;
        ctx.notes.push(
          `report ${key}: ${r.requests} responses in ${config.BENCH_REPORT_DURATION} s under load; p95 recorded as the single request alone (${single.ms} ms), a lower bound`,
        );
      } else {
        perReport[key] = r.p95_ms;
      }
      if ((r.statuses['200'] ?? 0) !== r.requests) ctx.notes.push(`report ${key}: non-200 responses ${JSON.stringify(r.statuses)}`);
      ctx.log(`report ${key}: p95 ${ms(perReport[key])}, ${r.rps} req/s (alone: ${ms(single.ms)})`);
    }
    const measured = Object.values(perReport).filter((v): v is number => v !== null);
    const max = measured.length ? Math.max(...measured) : Number.NaN;
    const worst = Object.entries(perReport).sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0))[0]?.[0];
    Object.assign(ctx.results, {
      reports_max_p95_ms: max,
      reports_p95_ms: perReport,
      ...Object.fromEntries(Object.entries(perReport).map(([k, v]) => [`report_${k}_p95_ms`, v])),
      reports_detail: detail,
      report_connections: config.BENCH_REPORT_CONNECTIONS,
    });
    ctx.rows.push({
      measure: `reports a–m, worst p95 (${config.BENCH_REPORT_CONNECTIONS} conn.)`,
      value: `${ms(max)} (${worst})`,
      goal: '≤ 200 ms',
      ok: measured.length === keys.length && max <= 200,
    });
    for (const [k, v] of Object.entries(perReport))
      ctx.rows.push({ measure: `  report ${k}`, value: ms(v), goal: '≤ 200 ms', ok: v !== null && v <= 200 });
  },
};
