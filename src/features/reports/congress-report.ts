/**
 * Report e (and the staff home's overdue figure): the congress terms of the filtered live associations (statuses.ts;
 * those without a congress as "Chưa có đại hội") — how many are in each state, and one page of them by deadline
 * with the state filters applied. "Quá hạn" is OVERDUE_STATES (congress-term.ts), as everywhere.
 */
import { barChart } from '../../lib/bar-chart.js';
import type { Clock } from '../../lib/clock.js';
import { vietnamToday } from '../../lib/format.js';
import { isOverdueState, OVERDUE_STATES, TRACKED_TERM_STATE_LABELS, type TrackedTermState } from '../associations/congress-term.js';
import { addMonths, CODE_COLUMN, limitOf, offsetOf, type Paging, paged, type ReportBuilder, sum } from './report-builder.js';
import type { ChartSpec, ReportRow, ReportTable } from './report-model.js';
import type { ReportsRepository } from './reports.repository.js';
import type { ReportFilters } from './reports.schemas.js';
import type { TermFilters } from './term-reports.repository.js';

type Repo = Pick<ReportsRepository, 'termStateCounts' | 'countTermRows' | 'termRows'>;

export interface CongressTracking {
  rows: ReportRow[];
  count: number;
  summary: ReportTable;
  states: Map<TrackedTermState, number>;
}

/** The states' names in the interface's messages (the report's filter offers the same). */
const STATE_KEYS: Record<string, string> = Object.fromEntries(
  Object.entries(TRACKED_TERM_STATE_LABELS).map(([state, label]) => [label, `reports:filters.termStates.${state}`]),
);

const STATE_ORDER: TrackedTermState[] = ['qua_han_gia_han', 'qua_han', 'dang_gia_han', 'sap_den_han', 'chua_den_han', 'chua_co_dai_hoi'];

/** The term filters of report e's filters on `today`; `states` null: every state. */
function termFilters(f: ReportFilters, today: string): { tf: TermFilters; states: TrackedTermState[] | null } {
  const tf: TermFilters = {};
  let states: TrackedTermState[] | null = null;
  if (f.termState) states = [f.termState];
  if (f.overdue) states = (states ?? [...OVERDUE_STATES]).filter(isOverdueState);
  if (states) tf.states = states;
  if (f.withinMonths) {
    tf.deadlineFrom = today;
    tf.deadlineTo = addMonths(today, f.withinMonths);
  }
  return { tf, states };
}

/**
 * The filtered associations' term states (counted in the database from association_terms), then the state filters
 * and one page of rows by deadline, code. `paging` undefined: the summary only.
 */
export async function congressTracking(repo: Repo, clock: Clock, f: ReportFilters, paging?: Paging): Promise<CongressTracking> {
  const today = vietnamToday(clock.now());
  const counts = await repo.termStateCounts(f, today);
  const states = new Map<TrackedTermState, number>(counts.map((c) => [c.state, c.n]));
  const { tf, states: stateList } = termFilters(f, today);
  // Without a deadline range the count is the sum of the state counts already read.
  const count =
    tf.deadlineFrom !== undefined
      ? await repo.countTermRows(f, today, tf)
      : stateList
        ? stateList.reduce((n, s) => n + (states.get(s) ?? 0), 0)
        : counts.reduce((n, c) => n + c.n, 0);
  // The unfiltered list reads the associations without a congress only when the page reaches them.
  const dated = counts.reduce((n, c) => n + (c.state === 'chua_co_dai_hoi' ? 0 : c.n), 0);
  const data = paging === undefined || count === 0 ? [] : await repo.termRows(f, today, tf, limitOf(paging), offsetOf(paging), dated);
  const rows: ReportRow[] = data.map((r) => ({
    code: r.code,
    name: r.name,
    term_number: r.term_number,
    last_congress: r.last_congress,
    term_years: r.term_years,
    term_end: r.term_end,
    // The extension's number only while its deadline is the one in force (as termInfo's deadline).
    extension: r.deadline !== r.term_end ? r.extension_number : null,
    deadline: r.deadline,
    state: TRACKED_TERM_STATE_LABELS[r.state],
    stateKey: r.state,
  }));
  const summaryRows = STATE_ORDER.map((s) => ({ state: TRACKED_TERM_STATE_LABELS[s], n: states.get(s) ?? 0 }));
  const summary: ReportTable = {
    id: 'tinh-trang',
    title: 'Số hội theo tình trạng đại hội nhiệm kỳ',
    columns: [
      { key: 'state', label: 'Tình trạng', type: 'text', valueKeys: STATE_KEYS },
      { key: 'n', label: 'Số hội', type: 'int' },
    ],
    rows: summaryRows,
    totals: { state: 'Tổng cộng', n: sum(summaryRows, 'n') },
  };
  return { rows, count, summary, states };
}

/** e: associations per term state (chart), then the tracking list. */
export function congressReport(repo: Repo, clock: Clock): ReportBuilder {
  return async (f, _options, paging) => {
    const { rows, count, summary } = await congressTracking(repo, clock, f, paging);
    const chart: ChartSpec = {
      ...barChart({
        labels: summary.rows.map((r) => String(r.state)),
        datasets: [{ label: 'Số hội', data: summary.rows.map((r) => Number(r.n)) }],
        about: 'số hội theo tình trạng đại hội nhiệm kỳ. Số liệu ở bảng bên dưới.',
      }),
      labelKeys: STATE_KEYS,
    };
    const list = paged(
      {
        id: 'theo-doi',
        title: 'Theo dõi hạn đại hội của từng hội',
        columns: [
          CODE_COLUMN,
          { key: 'name', label: 'Tên hội', type: 'text' },
          { key: 'term_number', label: 'Nhiệm kỳ (khóa)', type: 'int' },
          { key: 'last_congress', label: 'Đại hội gần nhất', type: 'date' },
          { key: 'term_years', label: 'Thời hạn nhiệm kỳ (năm)', type: 'int' },
          { key: 'term_end', label: 'Hết nhiệm kỳ', type: 'date' },
          { key: 'extension', label: 'Văn bản gia hạn', type: 'text' },
          { key: 'deadline', label: 'Hạn tổ chức đại hội', type: 'date' },
          { key: 'state', label: 'Tình trạng', type: 'text', valueKeys: STATE_KEYS },
        ],
        rows,
        totals: null,
      },
      count,
      paging,
    );
    return { tables: [summary, list], chart };
  };
}
