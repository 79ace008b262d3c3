/** Reports h and i: the State's support — staff quotas and operating funds per year, and per association for a year. */
import { barChart } from '../../lib/bar-chart.js';
import { FUND_SOURCES } from '../register-form/definition.js';
import { CODE_COLUMN, formKey, offsetOf, PAGE_SIZE, type Paging, paged, type ReportBuilder, sum } from './report-builder.js';
import type { ChartSpec, ReportColumn, ReportRow, ReportTable } from './report-model.js';
import type { ReportsRepository } from './reports.repository.js';
import type { ReportFilters } from './reports.schemas.js';

type Repo = Pick<ReportsRepository, 'quotaByYear' | 'quotaDetail' | 'fundsByYearSource' | 'fundsDetail' | 'fundsDetailPage'>;

const FUND_LABEL: Record<string, string> = Object.fromEntries(FUND_SOURCES);
const SOURCES: string[] = FUND_SOURCES.map(([s]) => s);
/** A source's name in the form's messages (the option of the fund's source). */
const sourceKey = (s: string) => `${formKey('source', 'funds')}.options.${s}`;
const MONEY_COLUMNS: ReportColumn[] = SOURCES.map((s) => ({
  key: s,
  label: FUND_LABEL[s] ?? s,
  type: 'money' as const,
  form: { key: sourceKey(s), label: FUND_LABEL[s] ?? s },
}));

/** h: staff quotas per year; a year chosen, per association. */
export function staffQuotaReport(repo: Repo): ReportBuilder {
  return async (f) => {
    const rows: ReportRow[] = await repo.quotaByYear(f);
    const keys = ['associations', 'quota', 'in_use', 'on_quota', 'on_contract', 'elected_retirees'];
    const totals: ReportRow = { year: 'Tổng cộng' };
    for (const k of keys.slice(1)) totals[k] = sum(rows, k);
    const summary: ReportTable = {
      id: 'theo-nam',
      title: 'Biên chế được giao theo năm',
      columns: [
        { key: 'year', label: 'Năm', type: 'text' },
        { key: 'associations', label: 'Số hội được giao', type: 'int' },
        { key: 'quota', label: 'Biên chế được giao', type: 'int' },
        { key: 'in_use', label: 'Biên chế đang sử dụng', type: 'int' },
        { key: 'on_quota', label: 'Người làm việc trong biên chế', type: 'int' },
        { key: 'on_contract', label: 'Người làm việc theo hợp đồng', type: 'int' },
        { key: 'elected_retirees', label: 'Người nghỉ hưu được bầu', type: 'int' },
      ],
      rows: rows.map((r) => ({ ...r, year: String(r.year) })),
      totals: rows.length > 1 ? totals : null,
    };
    const tables = [summary];
    if (f.year) {
      const detail = await repo.quotaDetail(f, f.year);
      tables.push({
        id: 'chi-tiet',
        title: `Biên chế được giao năm ${f.year} theo hội`,
        columns: [
          CODE_COLUMN,
          { key: 'name', label: 'Tên hội', type: 'text' },
          { key: 'quota', label: 'Biên chế được giao', type: 'int' },
          { key: 'deciding_document', label: 'Văn bản giao biên chế', type: 'text' },
          { key: 'in_use', label: 'Đang sử dụng', type: 'int' },
          { key: 'on_quota', label: 'Trong biên chế', type: 'int' },
          { key: 'on_contract', label: 'Hợp đồng', type: 'int' },
          { key: 'elected_retirees', label: 'Nghỉ hưu được bầu', type: 'int' },
        ],
        rows: detail,
        totals: {
          code: 'Tổng cộng',
          quota: sum(detail, 'quota'),
          in_use: sum(detail, 'in_use'),
          on_quota: sum(detail, 'on_quota'),
          on_contract: sum(detail, 'on_contract'),
          elected_retirees: sum(detail, 'elected_retirees'),
        },
      });
    }
    const chart: ChartSpec = barChart({
      labels: rows.map((r) => String(r.year)),
      datasets: [
        { label: 'Biên chế được giao', data: rows.map((r) => Number(r.quota)) },
        { label: 'Biên chế đang sử dụng', data: rows.map((r) => Number(r.in_use)) },
      ],
      about: 'biên chế được giao và đang sử dụng theo năm. Số liệu ở bảng bên dưới.',
    });
    return { tables, chart };
  };
}

/** Amounts by source folded into one row per `keyOf` (a year, an association), each with its total. */
function bySource<T extends { source: string; amount: number }>(data: readonly T[], keyOf: (d: T) => string, first: (d: T) => ReportRow) {
  const rows = new Map<string, ReportRow>();
  for (const d of data) {
    const row = rows.get(keyOf(d)) ?? { ...first(d), total: 0 };
    row[d.source] = d.amount;
    row.total = Number(row.total) + d.amount;
    rows.set(keyOf(d), row);
  }
  const out = [...rows.values()];
  for (const r of out) for (const s of SOURCES) r[s] ??= 0;
  return out;
}

function fundsDetailTable(year: number, rows: ReportRow[], totals: ReportRow): ReportTable {
  return {
    id: 'chi-tiet',
    title: `Kinh phí hoạt động năm ${year} theo hội (đồng)`,
    columns: [
      CODE_COLUMN,
      { key: 'name', label: 'Tên hội', type: 'text' },
      ...MONEY_COLUMNS,
      { key: 'total', label: 'Tổng cộng', type: 'money' },
    ],
    rows,
    totals,
  };
}

/** A year's funds per association: one page summed by source in the database, or (exports) every association. */
async function fundsDetail(repo: Repo, f: ReportFilters, year: number, paging: Paging, summaryRows: ReportRow[]): Promise<ReportTable> {
  if (paging.page !== null) {
    // The page shows one page of associations (93,000 of them in a year at 100,000 associations), summed by
    // source in the database; the totals are the year's row of the summary (the same filters).
    const yearRow = summaryRows.find((r) => r.year === String(year));
    const totals: ReportRow = { code: 'Tổng cộng', total: Number(yearRow?.total ?? 0) };
    for (const s of SOURCES) totals[s] = Number(yearRow?.[s] ?? 0);
    const { count, rows } = await repo.fundsDetailPage(f, year, SOURCES, PAGE_SIZE, offsetOf(paging));
    return paged(fundsDetailTable(year, rows, totals), count, paging);
  }
  const rows = bySource(
    await repo.fundsDetail(f, year),
    (d) => d.code,
    (d) => ({ code: d.code, name: d.name }),
  );
  const totals: ReportRow = { code: 'Tổng cộng', total: sum(rows, 'total') };
  for (const s of SOURCES) totals[s] = sum(rows, s);
  return fundsDetailTable(year, rows, totals);
}

/** i: operating funds per year and source; a year chosen, per association. */
export function fundsReport(repo: Repo): ReportBuilder {
  return async (f, _options, paging) => {
    const rows = bySource(
      await repo.fundsByYearSource(f),
      (d) => String(d.year),
      (d) => ({ year: String(d.year) }),
    );
    const totals: ReportRow = { year: 'Tổng cộng', total: sum(rows, 'total') };
    for (const s of SOURCES) totals[s] = sum(rows, s);
    const summary: ReportTable = {
      id: 'theo-nam',
      title: 'Kinh phí hoạt động theo năm và nguồn (đồng)',
      columns: [{ key: 'year', label: 'Năm', type: 'text' }, ...MONEY_COLUMNS, { key: 'total', label: 'Tổng cộng', type: 'money' }],
      rows,
      totals: rows.length > 1 ? totals : null,
    };
    const tables = [summary];
    if (f.year) tables.push(await fundsDetail(repo, f, f.year, paging, rows));
    const chart: ChartSpec = barChart({
      stacked: true,
      labels: rows.map((r) => String(r.year)),
      datasets: SOURCES.map((s) => ({ label: FUND_LABEL[s] ?? s, labelKey: sourceKey(s), data: rows.map((r) => Number(r[s] ?? 0)) })),
      about: 'kinh phí hoạt động theo năm, chia theo nguồn (đồng). Số liệu ở bảng bên dưới.',
    });
    return { tables, chart };
  };
}
