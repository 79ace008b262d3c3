/**
 * The bulk import file: many associations, one row each, in the columns of the Biểu mẫu 1 template.
 *
 * XLSX layout (what `bulkTemplateWorkbook` writes and `readBulkFile` reads):
 *   "Danh sách hội"   row 1 labels, row 2 field keys (hidden), one association per row from row 3;
 *                     column A the register code (empty for a new association), then every field of GROUPS
 *   one sheet per sub-list (same names as the single template): column A «Hội» holds the register code or the
 *                     exact name of the association as written on "Danh sách hội", then the sub-list's fields;
 *                     an association's rows there replace its whole sub-list; a sheet left out of the file
 *                     leaves every association's sub-list as it is
 *   "Danh mục"        hidden: the drop-down entries
 * CSV: the "Danh sách hội" columns only (header row = labels or keys), UTF-8 (BOM optional), comma or semicolon.
 * A column left out of the file keeps the stored value of an existing association; an empty cell clears it.
 */
import type ExcelJS from 'exceljs';
import { excel } from '../../lib/excel.js';
import { SUBLISTS, type SubListDef } from '../register-form/definition.js';
import type { CatalogueOptions } from '../register-form/display.js';
import type { FlatBody } from '../register-form/flat-body.js';
import {
  addCatalogueSheet,
  bodyValueFromCell,
  CODE_KEY,
  cellText,
  columnLetter,
  loadWorkbook,
  normaliseLabel,
  optionLookup,
  type SheetColumn,
  SUBLIST_FIRST_ROW,
  scalarColumns,
  setUpTableSheet,
  sheetName,
} from '../register-form/workbook.js';

// server-text: the name of a sheet of the Vietnamese template file, shown as the file names it
export const LIST_SHEET = 'Danh sách hội';
export const GUIDE_SHEET = 'Hướng dẫn';
export const ASSOCIATION_KEY = 'association';
export const ASSOCIATION_LABEL = 'Hội (mã hội hoặc tên hội như ở trang «Danh sách hội») *';
const BULK_CODE_LABEL = 'Mã hội (để trống nếu là hội mới)';

export type FileFormat = 'xlsx' | 'csv';

/** Where a value sits in the file: for messages "Trang …, dòng 12, cột C (Tên hội)". */
export interface CellRef {
  sheet: string;
  row: number;
  column: string;
  label: string;
}

export interface FileError extends CellRef {
  message: string;
}

export interface BulkRow {
  /** Row number in the file (Excel row or CSV line). */
  rowNumber: number;
  /** The flat body of the present columns (sub-list rows as `leaders.0.full_name`), and `code` when given. */
  values: FlatBody;
  /** Where each sub-list row came from: `leaders.0` → sheet row. */
  subRows: Map<string, number>;
}

export interface BulkFile {
  format: FileFormat;
  rows: BulkRow[];
  /** Scalar columns present: key → letter and label. */
  columns: Map<string, { letter: string; label: string }>;
  /** Sub-lists whose sheet is in the file (they replace the stored rows); their column letters. */
  lists: Map<string, { sheet: string; columns: Map<string, { letter: string; label: string }> }>;
  /** Problems not tied to one association row (unknown association in a sub-list sheet, missing columns …). */
  fileErrors: FileError[];
  /** Problems that make the file unreadable: nothing can be validated. */
  fatal: string[];
}

export function bulkColumns(): SheetColumn[] {
  return [{ key: CODE_KEY, label: BULK_CODE_LABEL, def: null, width: 14 }, ...scalarColumns()];
}

function bulkSubColumns(list: SubListDef): SheetColumn[] {
  return [
    { key: ASSOCIATION_KEY, label: ASSOCIATION_LABEL, def: null, width: 36 },
    ...list.fields.map((f) => ({ key: f.name, label: f.required ? `${f.label} *` : f.label, def: f, width: 20 })),
  ];
}

// The guide sheet of the Vietnamese template file (a file of record, like the CSV/XLSX exports): not the interface.
// server-text-start: the lines of the template file's guide sheet (the file is in Vietnamese)
const GUIDE_LINES = [
  'MẪU NHẬP DỮ LIỆU HỘI HÀNG LOẠT (Biểu mẫu 1)',
  '',
  '1. Trang «Danh sách hội»: mỗi dòng một hội, bắt đầu từ dòng 3. Cột «Mã hội» để trống nếu là hội mới; nếu có mã, dòng đó cập nhật hội mang mã ấy.',
  '   Hội không có mã được nhận ra theo tên hội cùng phạm vi hoạt động: nhập lại cùng một tệp không tạo hội trùng.',
  '2. Các trang danh sách (Lãnh đạo hội, Đại hội, Kinh phí hoạt động …): mỗi dòng một mục; cột A ghi mã hội hoặc tên hội đúng như ở trang «Danh sách hội».',
  '   Các dòng của một hội trong một trang thay thế toàn bộ danh sách đó của hội. Xóa hẳn một trang khỏi tệp nếu không muốn thay đổi danh sách ấy.',
  '3. Bỏ hẳn một cột thì giá trị đang lưu của hội được giữ nguyên; để trống một ô thì giá trị đó bị xóa.',
  '4. Ngày ghi ngày/tháng/năm; số tiền ghi bằng số (đồng); mục có dấu * là bắt buộc; mục có danh sách chọn thì chọn trong danh sách.',
  '5. Tệp CSV (UTF-8) chỉ gồm các cột của trang «Danh sách hội», dòng đầu là tên cột.',
  '6. Không có dữ liệu nào được ghi nếu tệp còn dòng sai, trừ khi cán bộ chọn «chỉ áp dụng các dòng hợp lệ».',
];
// server-text-end

/** The empty bulk template (XLSX) with drop-downs from the catalogues. */
export async function bulkTemplateWorkbook(catalogues: CatalogueOptions): Promise<Buffer> {
  const { Workbook } = await excel();
  const wb = new Workbook();
  wb.creator = 'Cơ sở dữ liệu hội và tổ chức phi chính phủ — Bộ Nội vụ';
  wb.created = new Date(0);
  const guide = wb.addWorksheet(GUIDE_SHEET);
  guide.getColumn(1).width = 140;
  GUIDE_LINES.forEach((line, i) => {
    guide.getCell(i + 1, 1).value = line;
  });
  guide.getCell(1, 1).font = { bold: true, size: 13 };
  const main = wb.addWorksheet(LIST_SHEET);
  const subs = SUBLISTS.map((list) => ({ list, ws: wb.addWorksheet(sheetName(list.title)) }));
  const rangeOf = addCatalogueSheet(wb, catalogues);
  setUpTableSheet(main, bulkColumns(), rangeOf, 2000);
  for (const { list, ws } of subs) setUpTableSheet(ws, bulkSubColumns(list), rangeOf, 2000);
  wb.views = [{ activeTab: 1, x: 0, y: 0, width: 20000, height: 12000, firstSheet: 0, visibility: 'visible' }];
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** The CSV template: a header of the list's labels (UTF-8 with BOM so Excel shows Vietnamese). */
export function bulkTemplateCsv(): string {
  return `\uFEFF${bulkColumns()
    .map((c) => csvQuote(c.label))
    .join(',')}\r\n`;
}

function csvQuote(s: string): string {
  return /[",\r\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV (quotes, doubled quotes, CRLF/LF, BOM); the separator is guessed from the header line. */
export function parseCsv(text: string): string[][] {
  const src = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const firstLine = src.slice(0, src.search(/\r?\n|$/));
  const sep = (firstLine.match(/;/g) ?? []).length > (firstLine.match(/,/g) ?? []).length ? ';' : ',';
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < src.length; i++) {
    const ch = src[i];
    if (quoted) {
      if (ch === '"') {
        if (src[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === sep) {
      row.push(field);
      field = '';
    } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && src[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows;
}

/** A sheet-like view over XLSX or CSV: cell values by (row, column), 1-based. */
interface Grid {
  name: string;
  rowCount: number;
  columnCount: number;
  cell(r: number, c: number): ExcelJS.CellValue;
}

function gridOfSheet(ws: ExcelJS.Worksheet): Grid {
  return {
    name: ws.name,
    rowCount: ws.rowCount,
    columnCount: ws.columnCount,
    cell: (r, c) => ws.getRow(r).getCell(c).value,
  };
}

function gridOfCsv(rows: string[][]): Grid {
  return {
    name: 'CSV',
    rowCount: rows.length,
    columnCount: Math.max(0, ...rows.map((r) => r.length)),
    cell: (r, c) => rows[r - 1]?.[c - 1] ?? null,
  };
}

/** Columns of a table grid by key (row 2 when it holds keys) or label (row 1). Returns the first data row. */
function mapColumns(
  grid: Grid,
  columns: readonly SheetColumn[],
): { map: Map<number, SheetColumn>; firstRow: number; duplicates: Array<{ letter: string; label: string }> } {
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const byLabel = new Map<string, SheetColumn>();
  for (const c of columns) {
    byLabel.set(normaliseLabel(c.label), c);
    byLabel.set(c.key, c);
    if (c.def) byLabel.set(normaliseLabel(c.def.label), c);
  }
  const map = new Map<number, SheetColumn>();
  let keyRow = 0;
  const seen = new Set<string>();
  const duplicates: Array<{ letter: string; label: string }> = [];
  for (let c = 1; c <= grid.columnCount; c++) {
    const key = String(cellText(grid.cell(2, c)) ?? '').trim();
    if (byKey.has(key)) keyRow += 1;
  }
  const hasKeyRow = keyRow >= 2;
  for (let c = 1; c <= grid.columnCount; c++) {
    const key = hasKeyRow ? String(cellText(grid.cell(2, c)) ?? '').trim() : '';
    const label = normaliseLabel(String(cellText(grid.cell(1, c)) ?? ''));
    const col = byKey.get(key) ?? byLabel.get(label);
    if (!col) continue;
    if (seen.has(col.key)) {
      duplicates.push({ letter: columnLetter(c), label: col.label });
      continue;
    }
    seen.add(col.key);
    map.set(c, col);
  }
  return { map, firstRow: hasKeyRow ? SUBLIST_FIRST_ROW : 2, duplicates };
}

function textOf(v: ExcelJS.CellValue): string {
  const t = cellText(v);
  if (t === null) return '';
  if (t instanceof Date) return t.toISOString().slice(0, 10);
  return String(t).trim();
}

function isBlank(grid: Grid, r: number, map: Map<number, SheetColumn>): boolean {
  for (const c of map.keys()) if (textOf(grid.cell(r, c)) !== '') return false;
  return true;
}

/** Reads a bulk file. `format` comes from the content sniffing of the upload (ZIP/OOXML → xlsx, text → csv). */
export async function readBulkFile(buffer: Buffer, format: FileFormat, catalogues: CatalogueOptions): Promise<BulkFile> {
  const out: BulkFile = { format, rows: [], columns: new Map(), lists: new Map(), fileErrors: [], fatal: [] };
  const lookup = optionLookup(catalogues);
  let main: Grid;
  const subGrids = new Map<string, Grid>();
  if (format === 'xlsx') {
    const wb = await loadWorkbook(buffer);
    if (!wb) {
      out.fatal.push('Tệp không phải là tệp Excel (.xlsx) đọc được.');
      return out;
    }
    const ws = wb.getWorksheet(LIST_SHEET) ?? wb.worksheets.find((w) => w.state !== 'hidden' && w.name !== GUIDE_SHEET);
    if (!ws) {
      out.fatal.push(`Tệp không có trang tính «${LIST_SHEET}».`);
      return out;
    }
    main = gridOfSheet(ws);
    for (const list of SUBLISTS) {
      const sub = wb.getWorksheet(sheetName(list.title));
      if (sub) subGrids.set(list.name, gridOfSheet(sub));
    }
  } else {
    const text = buffer.toString('utf8');
    if (text.includes('\uFFFD')) {
      out.fatal.push('Tệp CSV phải được lưu với bảng mã UTF-8 (trong Excel: «CSV UTF-8»).');
      return out;
    }
    main = gridOfCsv(parseCsv(text));
  }

  const { map, firstRow, duplicates } = mapColumns(main, bulkColumns());
  for (const d of duplicates) out.fatal.push(`Trang «${main.name}»: cột ${d.letter} (${d.label}) bị lặp.`);
  if (![...map.values()].some((c) => c.key === 'name')) {
    out.fatal.push(
      `Trang «${main.name}»: không tìm thấy cột «Tên hội (tiếng Việt)» ở dòng tiêu đề (dòng 1). Hãy dùng mẫu tải về từ hệ thống.`,
    );
  }
  if (out.fatal.length) return out;
  for (const [c, col] of map) out.columns.set(col.key, { letter: columnLetter(c), label: col.label });

  const byCode = new Map<string, BulkRow>();
  const byName = new Map<string, BulkRow[]>();
  for (let r = firstRow; r <= main.rowCount; r++) {
    if (isBlank(main, r, map)) continue;
    const values: FlatBody = {};
    let code = '';
    for (const [c, col] of map) {
      const v = main.cell(r, c);
      if (col.def) values[col.key] = bodyValueFromCell(col.def, v, lookup);
      else values[col.key] = code = textOf(v).toUpperCase();
    }
    const row: BulkRow = { rowNumber: r, values, subRows: new Map() };
    out.rows.push(row);
    if (code) byCode.set(code, row);
    const name = String(values.name ?? '').toLowerCase();
    if (name) byName.set(name, [...(byName.get(name) ?? []), row]);
  }

  for (const list of SUBLISTS) {
    const grid = subGrids.get(list.name);
    if (!grid) continue;
    const cols = mapColumns(grid, bulkSubColumns(list));
    const keyCol = [...cols.map].find(([, c]) => c.key === ASSOCIATION_KEY)?.[0];
    const letters = new Map<string, { letter: string; label: string }>();
    for (const [c, col] of cols.map) letters.set(col.key, { letter: columnLetter(c), label: col.label });
    out.lists.set(list.name, { sheet: grid.name, columns: letters });
    for (const d of cols.duplicates)
      out.fileErrors.push({ sheet: grid.name, row: 1, column: d.letter, label: d.label, message: 'Cột bị lặp.' });
    if (!keyCol) {
      out.fileErrors.push({
        sheet: grid.name,
        row: 1,
        column: 'A',
        label: ASSOCIATION_LABEL,
        message: 'Thiếu cột «Hội» (mã hội hoặc tên hội) ở cột đầu tiên.',
      });
      continue;
    }
    const counts = new Map<BulkRow, number>();
    for (let r = cols.firstRow; r <= grid.rowCount; r++) {
      if (isBlank(grid, r, cols.map)) continue;
      const ref = textOf(grid.cell(r, keyCol));
      const where = { sheet: grid.name, row: r, column: columnLetter(keyCol), label: ASSOCIATION_LABEL };
      let owner: BulkRow | undefined;
      if (/^H\d{6}$/i.test(ref)) owner = byCode.get(ref.toUpperCase());
      if (!owner) {
        const named = byName.get(ref.toLowerCase()) ?? [];
        if (named.length > 1) {
          out.fileErrors.push({ ...where, message: `Có nhiều hội tên «${ref}» trong trang «${LIST_SHEET}»: hãy ghi mã hội.` });
          continue;
        }
        owner = named[0];
      }
      if (!owner) {
        out.fileErrors.push({
          ...where,
          message: ref ? `Không có hội «${ref}» trong trang «${LIST_SHEET}».` : 'Chưa ghi mã hội hoặc tên hội.',
        });
        continue;
      }
      const texts: Array<[string, string | string[]]> = [];
      for (const [c, col] of cols.map) {
        if (!col.def) continue;
        const value = bodyValueFromCell(col.def, grid.cell(r, c), lookup);
        if (value.length) texts.push([col.key, value]);
      }
      if (!texts.length) continue; // only the association named: nothing to add
      const index = counts.get(owner) ?? 0;
      counts.set(owner, index + 1);
      for (const [key, text] of texts) owner.values[`${list.name}.${index}.${key}`] = text;
      owner.subRows.set(`${list.name}.${index}`, r);
    }
  }
  return out;
}
