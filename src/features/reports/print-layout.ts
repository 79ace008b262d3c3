/**
 * How a report prints (issue 18 item 3): the page orientation and an estimate of the number of A4 pages, so that a
 * print of more than PRINT_WARN_PAGES pages asks first and offers the Excel file instead. Pure functions.
 *
 * Decree 30/2020/NĐ-CP allows landscape pages for wide tables; a table with more than PORTRAIT_MAX_COLUMNS columns
 * does not fit a portrait A4 page at 12 pt, so the whole report prints in landscape. A table marked `wide` prints a
 * block per row (label and value) and needs no landscape page.
 */
import type { Report, ReportTable } from './report-model.js';

export type Orientation = 'portrait' | 'landscape';

export const PORTRAIT_MAX_COLUMNS = 6;
export const PRINT_WARN_PAGES = 50;

/**
 * Lines of 12 pt text an A4 page holds inside the Decree 30 margins, and how many lines a table row takes: one, plus
 * about a third of a line per text column (names and titles wrap in narrow cells; numbers and dates do not).
 * Measured on Chromium's print of the demo register (07/12/2026): report d (2,593 rows, 10 text columns, landscape)
 * prints 431 pages, estimated 418; report n with three columns (300 rows, portrait) prints 11, estimated 14.
 */
const LINES_PER_PAGE: Record<Orientation, number> = { portrait: 50, landscape: 28 };
const WRAP_PER_TEXT_COLUMN = 0.35;
const NUMERIC = new Set(['int', 'year', 'decimal', 'money', 'date', 'bool']);
/** The header (issuing body, motto, title, filters) and the signature block take about a page between them. */
const FRAME_PAGES = 1;

const tableRows = (t: ReportTable): number => (t.count ?? t.rows.length) + (t.totals ? 1 : 0);
const linesPerRow = (t: ReportTable): number => 1 + WRAP_PER_TEXT_COLUMN * t.columns.filter((c) => !NUMERIC.has(c.type)).length;

export function printOrientation(report: Pick<Report, 'tables'>): Orientation {
  return report.tables.some((t) => !t.wide && t.columns.length > PORTRAIT_MAX_COLUMNS) ? 'landscape' : 'portrait';
}

/** About how many A4 pages the print view of this report fills (its tables counted whole, not the page shown). */
export function estimatePrintPages(report: Pick<Report, 'tables'>, orientation: Orientation = printOrientation(report)): number {
  let pages = 0;
  for (const t of report.tables) {
    // A title and a header row per table; a wide table prints a title line and a line per column for every row.
    const lines = t.wide ? tableRows(t) * (t.columns.length + 1) : (tableRows(t) + 2) * linesPerRow(t);
    pages += lines / LINES_PER_PAGE[orientation];
  }
  return Math.max(1, Math.ceil(pages + FRAME_PAGES));
}
