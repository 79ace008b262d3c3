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

/** Table rows per page (12 pt, a name wrapping on two lines now and then) and the block lines of a wide table. */
const ROWS_PER_PAGE: Record<Orientation, number> = { portrait: 24, landscape: 15 };
const BLOCK_LINES_PER_PAGE: Record<Orientation, number> = { portrait: 40, landscape: 26 };
/** The header (issuing body, motto, title, filters) and the signature block take about a page between them. */
const FRAME_PAGES = 1;

const tableRows = (t: ReportTable): number => (t.count ?? t.rows.length) + (t.totals ? 1 : 0);

export function printOrientation(report: Pick<Report, 'tables'>): Orientation {
  return report.tables.some((t) => !t.wide && t.columns.length > PORTRAIT_MAX_COLUMNS) ? 'landscape' : 'portrait';
}

/** About how many A4 pages the print view of this report fills (its tables counted whole, not the page shown). */
export function estimatePrintPages(report: Pick<Report, 'tables'>, orientation: Orientation = printOrientation(report)): number {
  let pages = 0;
  for (const t of report.tables) {
    // A title and a header row per table; a wide table prints a title line and a line per column for every row.
    pages += t.wide
      ? (tableRows(t) * (t.columns.length + 1)) / BLOCK_LINES_PER_PAGE[orientation]
      : (tableRows(t) + 2) / ROWS_PER_PAGE[orientation];
  }
  return Math.max(1, Math.ceil(pages + FRAME_PAGES));
}
