/**
 * SPEC §7: the public search page at 50 connections (p95 ≤ 50 ms) and its throughput against a bare Express +
 * EJS page rendering the same 20 rows from memory, measured in the same run (≥ half of it).
 *
 * Measured twice: the app as it runs by default, whose in-process list cache (PUBLIC_SEARCH_CACHE_SIZE) answers
 * the 10 repeated queries of the mix from memory after their first request; and a second app process with the
 * cache off (PUBLIC_SEARCH_CACHE_SIZE=0), where every request runs the search SQL — the figure for queries nobody
 * asked in the last 30 s. PGlite cannot be opened by two processes: there only the first run is made.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cannon } from '../lib/cannon.js';
import { startChild } from '../lib/child.js';
import { type BenchStep, ms } from '../lib/step.js';

/** The ceiling renders the first page of this query (the first of the mix): the same 20 rows the app shows. */
export const CEILING_QUERY = 'khuyến học';

/** The query mix: words with and without diacritics, a typo, a code, filters, and the bare list. */
export const SEARCH_PATHS = [
  '/hoi?q=khuy%E1%BA%BFn%20h%E1%BB%8Dc', // khuyến học
  '/hoi?q=nguoi%20cao%20tuoi',
  '/hoi?q=Hi%E1%BB%87p%20h%E1%BB%99i%20Ch%C3%A8', // Hiệp hội Chè
  '/hoi?q=cuu%20chien%20binh%20tan%20phong',
  '/hoi?q=tin%20hoc&tinh=01',
  '/hoi?q=h%E1%BB%99i%20nu%C3%B4i%20ong', // hội nuôi ong
  '/hoi?q=ng%C6%B0%E1%BB%9Di%20cao%20tuoy', // người cao tuoy (typo)
  '/hoi?q=H500123',
  '/hoi',
  '/hoi?linh-vuc=YTE&pham-vi=tinh',
];

export const searchStep: BenchStep = {
  name: 'search',
  async run(ctx) {
    const { config } = ctx;
    const rows = ctx.ceilingRows;
    const dir = mkdtempSync(path.join(tmpdir(), 'csdl-hoi-ceiling-'));
    const rowsFile = path.join(dir, 'rows.json');
    writeFileSync(rowsFile, JSON.stringify(rows));
    const ceilingServer = await startChild('ceiling', { BENCH_CEILING_ROWS: rowsFile, NODE_ENV: 'production' });
    const common = { connections: config.BENCH_CONNECTIONS, durationS: config.BENCH_DURATION, warmupS: config.BENCH_WARMUP };
    ctx.log(`ceiling: bare Express + EJS, ${rows.length} rows, ${common.connections} connections, ${common.durationS} s`);
    const ceiling = await cannon({ ...common, baseUrl: ceilingServer.baseUrl, requests: [{ path: SEARCH_PATHS[0] as string }] });
    await ceilingServer.stop();
    rmSync(dir, { recursive: true, force: true });

    ctx.log(`search: ${SEARCH_PATHS.length} queries in turn, ${common.connections} connections, ${common.durationS} s`);
    const search = await cannon({ ...common, baseUrl: ctx.app.baseUrl, requests: SEARCH_PATHS.map((p) => ({ path: p })) });
    const ok2xx = search.statuses['200'] ?? 0;
    if (ok2xx !== search.requests)
      ctx.notes.push(`search: ${search.requests - ok2xx} responses were not 200 (${JSON.stringify(search.statuses)})`);

    let uncached: Awaited<ReturnType<typeof cannon>> | null = null;
    if (ctx.target.backend === 'postgres') {
      const plain = await startChild('app', { ...ctx.appEnv, PUBLIC_SEARCH_CACHE_SIZE: '0', PUBLIC_PAGE_CACHE_MB: '0' });
      try {
        ctx.log(`search, cache off: ${SEARCH_PATHS.length} queries in turn, ${common.connections} connections, ${common.durationS} s`);
        uncached = await cannon({ ...common, baseUrl: plain.baseUrl, requests: SEARCH_PATHS.map((p) => ({ path: p })) });
      } finally {
        await plain.stop();
      }
      const ok = uncached.statuses['200'] ?? 0;
      if (ok !== uncached.requests)
        ctx.notes.push(`search, cache off: ${uncached.requests - ok} responses were not 200 (${JSON.stringify(uncached.statuses)})`);
    } else {
      ctx.notes.push('PGlite: the search with the cache off (a second app process) is not measured.');
    }

    const ratio = Math.round((search.rps / ceiling.rps) * 1000) / 1000;
    const uncachedRatio = uncached ? Math.round((uncached.rps / ceiling.rps) * 1000) / 1000 : null;
    Object.assign(ctx.results, {
      search_p95_ms: search.p95_ms,
      search_rps: search.rps,
      ceiling_rps: ceiling.rps,
      ceiling_p95_ms: ceiling.p95_ms,
      search_vs_ceiling: ratio,
      search_detail: { paths: SEARCH_PATHS, ...search, timeline: undefined },
      ceiling_detail: { ...ceiling, timeline: undefined },
      search_uncached_p95_ms: uncached?.p95_ms ?? null,
      search_uncached_rps: uncached?.rps ?? null,
      search_uncached_vs_ceiling: uncachedRatio,
      search_uncached_detail: uncached ? { paths: SEARCH_PATHS, ...uncached, timeline: undefined } : null,
    });
    ctx.rows.push(
      { measure: `search p95, cache on (${common.connections} conn.)`, value: ms(search.p95_ms), goal: '≤ 50 ms', ok: search.p95_ms <= 50 },
      { measure: 'search throughput, cache on', value: `${search.rps} req/s`, goal: '', ok: null },
      { measure: 'ceiling (bare Express + EJS)', value: `${ceiling.rps} req/s, p95 ${ms(ceiling.p95_ms)}`, goal: '', ok: null },
      { measure: 'search / ceiling, cache on', value: ratio.toFixed(3), goal: '≥ 0.5', ok: ratio >= 0.5 },
    );
    if (uncached && uncachedRatio !== null) {
      ctx.rows.push(
        {
          measure: `search p95, cache off (${common.connections} conn.)`,
          value: ms(uncached.p95_ms),
          goal: '≤ 50 ms',
          ok: uncached.p95_ms <= 50,
        },
        { measure: 'search throughput, cache off', value: `${uncached.rps} req/s`, goal: '', ok: null },
        { measure: 'search / ceiling, cache off', value: uncachedRatio.toFixed(3), goal: '≥ 0.5', ok: uncachedRatio >= 0.5 },
      );
    }
  },
};
