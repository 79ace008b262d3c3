/**
 * The record page's funds chart (issue 16; Biểu mẫu 1 H, the `funds` sub-list of register-form/definition.ts): the
 * operating funds of the five most recent years the record has, one stacked bar per year, one colour per source.
 * Drawn by /static/js/charts.js (Chart.js served from node_modules, as the reports draw theirs) from the numbers in
 * the canvas's data-chart attribute; the funds table beside it holds the same numbers and stays the accessible
 * source (the chart is hidden until the script draws it, so without JavaScript only the table shows).
 * Staff pages only: no field of the funds sub-list is public under either regime (no `public` attribute), so the
 * public record page shows no funds.
 */
import { type BarChart, barChart } from '../../lib/bar-chart.js';
import { formatYear } from '../../lib/format.js';
import { FUND_SOURCES } from '../register-form/definition.js';

export const CHART_YEARS = 5;

export interface FundRow {
  year: number | string;
  source: string;
  amount_vnd: number | string;
}

export interface FundsYear {
  year: number;
  /** Amount per source of FUND_SOURCES, in its order (null: none recorded). */
  amounts: Array<number | null>;
  total: number;
}

/** One stacked bar per year (the caption says so: src/lib/bar-chart.ts). */
export type FundsChart = BarChart;

/** Every year of the record's funds, newest first: the table (amounts per source and the year's total). */
export function fundsByYear(funds: readonly FundRow[]): FundsYear[] {
  const years = [...new Set(funds.map((f) => Number(f.year)))].sort((a, b) => b - a);
  return years.map((year) => {
    const amounts = FUND_SOURCES.map(([source]) => {
      const rows = funds.filter((f) => Number(f.year) === year && f.source === source);
      return rows.length ? rows.reduce((s, f) => s + Number(f.amount_vnd), 0) : null;
    });
    return { year, amounts, total: amounts.reduce<number>((s, a) => s + (a ?? 0), 0) };
  });
}

/** The chart of the CHART_YEARS most recent years (oldest first, as a time axis reads), or null without funds. */
export function fundsChart(funds: readonly FundRow[]): FundsChart | null {
  const recent = fundsByYear(funds).slice(0, CHART_YEARS).reverse();
  if (recent.length === 0 || recent.every((y) => y.total === 0)) return null;
  const datasets = FUND_SOURCES.map(([, label], i) => ({ label, data: recent.map((y) => y.amounts[i] ?? 0) })).filter((d) =>
    d.data.some((v) => v > 0),
  );
  const first = formatYear(recent[0]?.year);
  const last = formatYear(recent.at(-1)?.year);
  const count = recent.length;
  // One whole sentence per case, so that each has its English text (locales/texts/en/associations.json).
  const about =
    count === CHART_YEARS
      ? first === last
        ? `kinh phí hoạt động theo nguồn, ${count} năm gần nhất có số liệu (năm ${first}), đơn vị: đồng. Số liệu chi tiết ở bảng dưới.`
        : `kinh phí hoạt động theo nguồn, ${count} năm gần nhất có số liệu (${first}–${last}), đơn vị: đồng. Số liệu chi tiết ở bảng dưới.`
      : first === last
        ? `kinh phí hoạt động theo nguồn, ${count} năm có số liệu (năm ${first}), đơn vị: đồng. Số liệu chi tiết ở bảng dưới.`
        : `kinh phí hoạt động theo nguồn, ${count} năm có số liệu (${first}–${last}), đơn vị: đồng. Số liệu chi tiết ở bảng dưới.`;
  return barChart({ stacked: true, labels: recent.map((y) => formatYear(y.year)), datasets, about });
}
