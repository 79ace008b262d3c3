/** SPEC §7: every report (a–m) with no filter, p95 ≤ 200 ms, signed in as NGO Department staff. */
import { CATEGORIES } from '../../src/features/reports/categories.js';
import { cannon, PROXY_HEADERS } from '../lib/cannon.js';
import { type BenchStep, ms } from '../lib/step.js';

export const reportsStep: BenchStep = {
  name: 'reports',
  async run(ctx) {
    const { config } = ctx;
    const keys = CATEGORIES.map((c) => c.key).filter((k) => k !== 'n'); // n is the custom report (a form)
    const perReport: Record<string, number> = {};
    const detail: Record<string, unknown> = {};
    for (const key of keys) {
      const path = `/bao-cao/${key}`;
      const first = await fetch(ctx.app.baseUrl + path, { headers: { ...PROXY_HEADERS, cookie: ctx.cookies.staff }, redirect: 'manual' });
      if (first.status !== 200) throw new Error(`GET ${path} as staff answered ${first.status}`);
      await first.arrayBuffer();
      const r = await cannon({
        baseUrl: ctx.app.baseUrl,
        requests: [{ path }],
        headers: { cookie: ctx.cookies.staff },
        connections: config.BENCH_REPORT_CONNECTIONS,
        durationS: config.BENCH_REPORT_DURATION,
        warmupS: Math.min(2, config.BENCH_WARMUP),
        timeoutS: 30,
      });
      perReport[key] = r.p95_ms;
      detail[key] = { ...r, timeline: undefined };
      if ((r.statuses['200'] ?? 0) !== r.requests) ctx.notes.push(`report ${key}: non-200 responses ${JSON.stringify(r.statuses)}`);
      ctx.log(`report ${key}: p95 ${ms(r.p95_ms)}, ${r.rps} req/s`);
    }
    const max = Math.max(...Object.values(perReport));
    const worst = Object.entries(perReport).sort((a, b) => b[1] - a[1])[0]?.[0];
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
      ok: max <= 200,
    });
    for (const [k, v] of Object.entries(perReport))
      ctx.rows.push({ measure: `  report ${k}`, value: ms(v), goal: '≤ 200 ms', ok: v <= 200 });
  },
};
