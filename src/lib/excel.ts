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
