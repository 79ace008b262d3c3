/** The floor: the search page's own SQL (repository call: count + page of 20), timed alone on one connection. */
import { createPublicRepository, type PublicFilters } from '../../src/features/public/public.repository.js';
import { percentile } from '../lib/cannon.js';
import { type BenchStep, ms } from '../lib/step.js';
import { SEARCH_PATHS } from './search.js';

function filtersOf(p: string): PublicFilters {
  const q = new URL(`http://x${p}`).searchParams;
  return {
    ...(q.get('q') ? { q: q.get('q') as string } : {}),
    ...(q.get('linh-vuc') ? { field: q.get('linh-vuc') as string } : {}),
    ...(q.get('pham-vi') ? { scope: q.get('pham-vi') as string } : {}),
    ...(q.get('tinh') ? { province: q.get('tinh') as string } : {}),
  };
}

export const sqlFloorStep: BenchStep = {
  name: 'sql-floor',
  async run(ctx) {
    const repo = createPublicRepository(ctx.db.knex);
    const all: number[] = [];
    const perQuery: Record<string, { median_ms: number; total: number }> = {};
    for (const p of SEARCH_PATHS) {
      const filters = filtersOf(p);
      const sort = filters.q ? 'phu-hop' : 'ten';
      for (let i = 0; i < 3; i++) await repo.list(filters, sort, 1, 20);
      const times: number[] = [];
      let total = 0;
      for (let i = 0; i < 15; i++) {
        const t0 = performance.now();
        total = (await repo.list(filters, sort, 1, 20)).total;
        times.push(performance.now() - t0);
      }
      times.sort((a, b) => a - b);
      all.push(...times);
      perQuery[decodeURIComponent(p)] = { median_ms: Math.round(percentile(times, 50) * 10) / 10, total };
    }
    all.sort((a, b) => a - b);
    const median = Math.round(percentile(all, 50) * 10) / 10;
    const p95 = Math.round(percentile(all, 95) * 10) / 10;
    Object.assign(ctx.results, { search_sql_ms: median, search_sql_p95_ms: p95, search_sql_by_query: perQuery });
    const slowest = Object.entries(perQuery).sort((a, b) => b[1].median_ms - a[1].median_ms)[0];
    ctx.rows.push({
      measure: 'search SQL alone (floor)',
      value: `median ${ms(median)}, p95 ${ms(p95)}`,
      goal: '',
      ok: null,
    });
    if (slowest) ctx.log(`slowest query: ${slowest[0]} ${slowest[1].median_ms} ms (${slowest[1].total} matches)`);
  },
};
