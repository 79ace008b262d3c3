/**
 * ExcelJS, loaded on first use: the library and its dependencies take about 30 MB of the process's memory, and only
 * exports, templates and imports need it (SPEC §7: the app's memory under load ≤ 300 MB).
 */
import type ExcelJSModule from 'exceljs';

let loading: Promise<typeof ExcelJSModule> | null = null;

export function excel(): Promise<typeof ExcelJSModule> {
  loading ??= import('exceljs').then((m) => m.default);
  return loading;
}

/**
 * Text a spreadsheet would run as a formula (RELIABILITY check 20): it starts with = + - @, a tab or a carriage
 * return, possibly behind apostrophes this function added before. One helper for every export (reports, open data,
 * the Biểu mẫu 1 workbook).
 */
const FORMULA_START = /^'*[=+\-@\t\r]/;
const NEUTRALISED = /^'+[=+\-@\t\r]/;

/** Puts an apostrophe before text that a spreadsheet would run as a formula; other text is kept as is. */
export function neutralise(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The text `neutralise` was given: exact for every string (the apostrophe it adds is the one removed). */
export function unneutralise(text: string): string {
  return NEUTRALISED.test(text) ? text.slice(1) : text;
}
