/**
 * The staff register list as CSV and Excel (issue 16): the list's columns — labels from Biểu mẫu 1's definition —
 * plus the quarterly update state (R-13.2), written chunk by chunk as the rows are read (never the whole list in
 * memory). CSV: UTF-8 with BOM, CRLF, RFC 4180 quoting; Excel: exceljs's streaming writer, bold frozen header with an
 * autofilter, the update date as a date cell. Both neutralise formula injection with the one helper every export uses
 * (lib/excel.ts `neutralise`, RELIABILITY check 20).
 */
// server-text-file: the CSV and Excel export of the register, a document in Vietnamese whatever the reader's language
import type { Writable } from 'node:stream';
import { excel, neutralise } from '../../lib/excel.js';
import { formatDate, vietnamToday } from '../../lib/format.js';
import { ALL_FIELDS } from '../register-form/definition.js';
import { QUARTERLY_BADGE, QUARTERLY_PREFIX, type QuarterlyState } from './quarterly-update.js';
import type { ListItem } from './register-list.repository.js';

/** A row of the export: the list's row with its catalogue names and the quarterly state. */
export interface ExportRow extends ListItem {
  quarterly_state: QuarterlyState;
  /** The stored data-quality score (features/quality); null before its first computation. */
  quality_score: number | null;
}

/** Names of the codes a row carries (the controller's catalogues, as on the list page). */
export interface ExportNames {
  field(code: string | null): string | null;
  ministry(code: string | null): string | null;
  province(code: string | null): string | null;
  status(code: string | null): string | null;
  scope(code: string): string;
  dataLevel(code: string): string;
}

interface Column {
  label: string;
  kind: 'text' | 'date';
  value(row: ExportRow, names: ExportNames): string | Date | null;
}

const labelOf = (name: string, fallback: string): string => ALL_FIELDS.find((f) => f.name === name)?.label ?? fallback;

export const EXPORT_COLUMNS: readonly Column[] = [
  { label: 'Mã hội', kind: 'text', value: (r) => r.code },
  { label: labelOf('name', 'Tên hội'), kind: 'text', value: (r) => r.name },
  { label: labelOf('abbreviation', 'Tên viết tắt'), kind: 'text', value: (r) => r.abbreviation },
  { label: labelOf('main_field_code', 'Lĩnh vực hoạt động chính'), kind: 'text', value: (r, n) => n.field(r.main_field_code) },
  { label: labelOf('managing_ministry_code', 'Bộ, ngành quản lý'), kind: 'text', value: (r, n) => n.ministry(r.managing_ministry_code) },
  { label: labelOf('scope', 'Phạm vi hoạt động'), kind: 'text', value: (r, n) => n.scope(r.scope) },
  { label: labelOf('hq_province_code', 'Tỉnh, thành phố (trụ sở)'), kind: 'text', value: (r, n) => n.province(r.hq_province_code) },
  { label: labelOf('status', 'Trạng thái'), kind: 'text', value: (r, n) => n.status(r.status) },
  { label: labelOf('data_level', 'Mức dữ liệu'), kind: 'text', value: (r, n) => n.dataLevel(r.data_level) },
  { label: 'Công khai', kind: 'text', value: (r) => (r.published ? 'Có' : 'Không') },
  { label: 'Cập nhật lần cuối', kind: 'date', value: (r) => new Date(r.updated_at) },
  { label: QUARTERLY_PREFIX, kind: 'text', value: (r) => QUARTERLY_BADGE[r.quarterly_state].label },
  {
    label: 'Điểm chất lượng dữ liệu',
    kind: 'text',
    value: (r) => (r.quality_score === null || r.quality_score === undefined ? 'Chưa tính' : String(r.quality_score)),
  },
];

/** Resolves once `out` can take more (or rejects when it closed first: the client went away). */
function drained(out: Writable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = () => {
      out.off('close', closed);
      resolve();
    };
    const closed = () => {
      out.off('drain', done);
      reject(new Error('export stream closed'));
    };
    out.once('drain', done);
    out.once('close', closed);
  });
}

function csvLine(cells: readonly string[]): string {
  return `${cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(',')}\r\n`;
}

function csvText(col: Column, row: ExportRow, names: ExportNames): string {
  const v = col.value(row, names);
  if (v === null || v === '') return '';
  return v instanceof Date ? formatDate(v) : neutralise(v);
}

/** Writes the CSV to `out` chunk by chunk (waiting when it is full); resolves with the number of rows written. */
export async function writeListCsv(out: Writable, chunks: AsyncIterable<ExportRow[]>, names: ExportNames): Promise<number> {
  let n = 0;
  out.write(`\uFEFF${csvLine(EXPORT_COLUMNS.map((c) => neutralise(c.label)))}`);
  for await (const rows of chunks) {
    let text = '';
    for (const row of rows) text += csvLine(EXPORT_COLUMNS.map((c) => csvText(c, row, names)));
    n += rows.length;
    if (!out.write(text)) await drained(out);
  }
  return n;
}

function columnLetter(n: number): string {
  let s = '';
  for (let x = n; x > 0; x = Math.floor((x - 1) / 26)) s = String.fromCharCode(65 + ((x - 1) % 26)) + s;
  return s;
}

/** Streams the workbook to `out` (one sheet, a row committed as soon as it is written); resolves with the rows. */
export async function writeListXlsx(
  out: Writable,
  chunks: AsyncIterable<ExportRow[]>,
  names: ExportNames,
  meta: { title: string; creator: string },
): Promise<number> {
  const { stream } = await excel();
  const workbook = new stream.xlsx.WorkbookWriter({ stream: out, useStyles: true, useSharedStrings: false });
  workbook.creator = meta.creator;
  workbook.title = meta.title;
  workbook.created = new Date();
  const sheet = workbook.addWorksheet('Sổ đăng ký hội', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = EXPORT_COLUMNS.map((c) => ({
    header: neutralise(c.label),
    width: c.kind === 'date' ? 14 : c.label === 'Mã hội' ? 10 : 32,
    style: c.kind === 'date' ? { numFmt: 'dd/mm/yyyy' } : {},
  }));
  sheet.getRow(1).font = { bold: true };
  sheet.autoFilter = `A1:${columnLetter(EXPORT_COLUMNS.length)}1`;
  let n = 0;
  for await (const rows of chunks) {
    for (const row of rows) {
      sheet
        .addRow(
          EXPORT_COLUMNS.map((c) => {
            const v = c.value(row, names);
            if (v === null || v === '') return null;
            // The Viet Nam calendar day of the update, as a date cell (midnight UTC: no time zone shift in Excel).
            return v instanceof Date ? new Date(`${vietnamToday(v)}T00:00:00Z`) : neutralise(v);
          }),
        )
        .commit();
    }
    n += rows.length;
  }
  sheet.commit();
  await workbook.commit();
  return n;
}
