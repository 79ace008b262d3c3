/**
 * CSV and Excel renderings of a report. CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting. Both neutralise
 * formula injection (RELIABILITY check 20): a text cell starting with = + - @ tab or CR gets a leading apostrophe.
 * Excel: typed numeric and date cells, bold frozen header row with an autofilter. Both are streamed to the response,
 * a batched table's rows (report a's list) batch by batch as they are read, waiting for the client when it is slow.
 */
// server-text-file: CSV and Excel exports are documents of record, in Vietnamese whatever the reader's language.
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type ExcelJS from 'exceljs';
import { excel, neutralise } from '../../lib/excel.js';
import type { ReportColumn, ReportRow, ReportTable } from './report-model.js';

function isoDate(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  const s = String(value);
  return /^\d{4}-\d{2}-\d{2}/.test(s) ? s.slice(0, 10) : null;
}

/** The text of a cell in CSV (numbers plain, dates dd/mm/yyyy, text neutralised). */
export function csvValue(col: ReportColumn, value: unknown): string {
  if (value === null || value === undefined || value === '') return '';
  switch (col.type) {
    case 'int':
    case 'year':
    case 'decimal':
    case 'money':
      return Number.isFinite(Number(value)) ? String(Number(value)) : '';
    case 'date': {
      const iso = isoDate(value);
      return iso ? `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}` : '';
    }
    case 'bool':
      return value ? 'Có' : 'Không';
    default:
      return neutralise(String(value));
  }
}

function quote(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function csvLine(cells: string[]): string {
  return `${cells.map(quote).join(',')}\r\n`;
}

function rowCells(table: ReportTable, row: ReportRow): string[] {
  return table.columns.map((c) => csvValue(c, row[c.key]));
}

/** A table's title line (when the file holds several tables, after a blank line from the second on) and its header. */
function tableHead(table: ReportTable, index: number, several: boolean): string {
  const title = several ? `${index > 0 ? '\r\n' : ''}${csvLine([neutralise(table.title)])}` : '';
  return title + csvLine(table.columns.map((c) => neutralise(c.label)));
}

/** The CSV of tables held in memory (a batched table's batches are `writeCsv`'s). */
export function toCsv(tables: readonly ReportTable[]): string {
  let out = '\uFEFF';
  tables.forEach((table, i) => {
    out += tableHead(table, i, tables.length > 1);
    for (const row of table.rows) out += csvLine(rowCells(table, row));
    if (table.totals) out += csvLine(rowCells(table, table.totals));
  });
  return out;
}

/** Resolves when `stream` has room again; rejects when it closes first (the client went away: stop reading rows). */
async function drained(stream: Writable): Promise<void> {
  if (stream.destroyed) throw new Error('export stream closed');
  const ac = new AbortController();
  try {
    await Promise.race([
      once(stream, 'drain', { signal: ac.signal }),
      once(stream, 'close', { signal: ac.signal }).then(() => {
        throw new Error('export stream closed');
      }),
    ]);
  } finally {
    ac.abort();
  }
}

/** A table's rows: `rows`, then its batches when it has them. */
async function* rowBatches(table: ReportTable): AsyncGenerator<readonly ReportRow[]> {
  if (table.rows.length > 0) yield table.rows;
  if (table.batches) yield* table.batches();
}

/**
 * Streams the CSV to `stream` (the same bytes as `toCsv`, batches included): a piece per batch of rows, waiting for
 * the stream to drain when it is full; resolves when every row is written.
 */
export async function writeCsv(tables: readonly ReportTable[], stream: Writable): Promise<void> {
  const write = async (piece: string) => {
    if (!stream.write(piece)) await drained(stream);
  };
  await write('\uFEFF');
  for (const [i, table] of tables.entries()) {
    await write(tableHead(table, i, tables.length > 1));
    for await (const rows of rowBatches(table)) await write(rows.map((row) => csvLine(rowCells(table, row))).join(''));
    if (table.totals) await write(csvLine(rowCells(table, table.totals)));
  }
}

function excelValue(col: ReportColumn, value: unknown): ExcelJS.CellValue {
  if (value === null || value === undefined || value === '') return null;
  switch (col.type) {
    case 'int':
    case 'year':
    case 'decimal':
    case 'money': {
      const n = Number(value);
      return Number.isFinite(n) ? n : null;
    }
    case 'date': {
      const iso = isoDate(value);
      return iso ? new Date(`${iso}T00:00:00Z`) : null;
    }
    case 'bool':
      return value ? 'Có' : 'Không';
    default:
      return neutralise(String(value));
  }
}

const NUM_FMT: Partial<Record<ReportColumn['type'], string>> = {
  int: '#,##0',
  money: '#,##0',
  decimal: '#,##0.00',
  year: '0',
  date: 'dd/mm/yyyy',
};

/** Excel sheet names: at most 31 characters, none of : \ / ? * [ ]. */
export function sheetName(title: string, index: number, used: Set<string>): string {
  let base =
    title
      .replace(/[:\\/?*[\]]/g, ' ')
      .trim()
      .slice(0, 28) || `Bang ${index + 1}`;
  while (used.has(base)) base = `${base.slice(0, 26)} ${index + 1}`;
  used.add(base);
  return base;
}

function columnLetter(n: number): string {
  let s = '';
  let x = n;
  while (x > 0) {
    const m = (x - 1) % 26;
    s = String.fromCharCode(65 + m) + s;
    x = Math.floor((x - 1) / 26);
  }
  return s;
}

/** Streams the workbook to `stream` (one sheet per table) and resolves when it is written. */
export async function writeXlsx(tables: readonly ReportTable[], stream: Writable, meta: { title: string; creator: string }): Promise<void> {
  const { stream: excelStream } = await excel();
  const workbook = new excelStream.xlsx.WorkbookWriter({ stream, useStyles: true, useSharedStrings: false });
  workbook.creator = meta.creator;
  workbook.title = meta.title;
  workbook.created = new Date();
  const used = new Set<string>();
  for (const [index, table] of tables.entries()) {
    const sheet = workbook.addWorksheet(sheetName(table.title, index, used), { views: [{ state: 'frozen', ySplit: 1 }] });
    sheet.columns = table.columns.map((c) => ({
      header: c.label,
      key: c.key,
      width: c.type === 'text' ? 36 : 16,
      style: NUM_FMT[c.type] ? { numFmt: NUM_FMT[c.type] as string } : {},
    }));
    sheet.getRow(1).font = { bold: true };
    sheet.autoFilter = `A1:${columnLetter(table.columns.length)}1`;
    const add = (row: ReportRow, bold = false) => {
      const r = sheet.addRow(table.columns.map((c) => excelValue(c, row[c.key])));
      if (bold) r.font = { bold: true };
      r.commit();
    };
    for await (const rows of rowBatches(table)) {
      for (const row of rows) add(row);
      // Let the workbook's stream reach the client before the next batch is read.
      if (stream.writableNeedDrain) await drained(stream);
    }
    if (table.totals) add(table.totals, true);
    sheet.commit();
  }
  await workbook.commit();
}

/** `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266 / RFC 5987) with an ASCII fallback. */
export function contentDisposition(vietnameseName: string): string {
  const ascii = vietnameseName
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/-+/g, '-');
  const encoded = encodeURIComponent(vietnameseName).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
