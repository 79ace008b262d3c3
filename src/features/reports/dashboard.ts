/** The headline figures of the staff and leaders' home, equal to the reports they link to. */
import type { Clock } from '../../lib/clock.js';
import { vietnamToday } from '../../lib/format.js';
import { OVERDUE_STATES } from '../associations/congress-term.js';
import { congressTracking } from './congress-report.js';
import { addMonths, nameOf, type Options, SCOPE_SHORT } from './report-builder.js';
import type { ReportsRepository } from './reports.repository.js';

/** The first day of the quarter that contains `iso` (R-13.2 quarterly cycle), midnight in Viet Nam. */
export function quarterStart(iso: string): Date {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  const month = Math.floor((m - 1) / 3) * 3 + 1;
  return new Date(`${y}-${String(month).padStart(2, '0')}-01T00:00:00+07:00`);
}

/** Counts per code, largest first. */
function fold(rows: Array<{ key: string | null; n: number }>): Array<[string | null, number]> {
  const m = new Map<string | null, number>();
  for (const r of rows) m.set(r.key, (m.get(r.key) ?? 0) + r.n);
  return [...m.entries()].sort((a, b) => b[1] - a[1]);
}

export function createDashboard(deps: {
  repo: Pick<ReportsRepository, 'countBy' | 'countTotal' | 'countNotUpdatedSince' | 'termStateCounts' | 'countTermRows' | 'termRows'>;
  clock: Clock;
  catalogues: { loadAll(): Promise<Options> };
}) {
  const { repo, clock, catalogues } = deps;
  return async function dashboard() {
    const options = await catalogues.loadAll();
    const today = vietnamToday(clock.now());
    const [byStatus, byScope, byField, tracking, notUpdated, total] = await Promise.all([
      repo.countBy('status', {}),
      repo.countBy('scope', {}),
      repo.countBy('field', {}),
      congressTracking(repo, clock, {}),
      repo.countNotUpdatedSince(quarterStart(today)),
      repo.countTotal({}),
    ]);
    const dueSoon = await repo.countTermRows({}, today, { deadlineFrom: today, deadlineTo: addMonths(today, 6) });
    return {
      total,
      byStatus: fold(byStatus).map(([code, n]) => ({ code, name: nameOf(options, 'statuses', code), n })),
      byScope: fold(byScope).map(([code, n]) => ({ code, name: SCOPE_SHORT[String(code)] ?? String(code), n })),
      topFields: fold(byField)
        .slice(0, 5)
        .map(([code, n]) => ({ code, name: nameOf(options, 'fields', code), n })),
      // Live associations only (report e's population), as the congress-alerts job counts them.
      overdue: OVERDUE_STATES.reduce((n, state) => n + (tracking.states.get(state) ?? 0), 0),
      dueSoon,
      notUpdated,
      quarterStart: quarterStart(today),
    };
  };
}
