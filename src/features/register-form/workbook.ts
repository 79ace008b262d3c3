/**
 * The ministry's Excel template of Biểu mẫu 1 (FORM-1.md) and its reader, derived from definition.ts (the
 * single list of fields): a change there changes the template, the reader and the bulk import together.
 *
 * Values: the flat body the web form posts (flat-body.ts) — `name`, `scope` … and sub-list rows as
 * `leaders.0.full_name`, with an optional `leaders.0.id` (the stored row, so a re-upload edits the same row). In a
 * cell, the multiselect `other_field_codes` is one string of codes separated by commas; in the body, a list.
 * `code` (the register code) is carried when known.
 *
 * Layout of the single-association workbook:
 *   "Biểu mẫu 1"   one row per field: A label (required ones end with *), B value, C hint, D field key (hidden)
 *   one sheet per sub-list: row 1 labels, row 2 field keys (hidden), data from row 3; last column the row id
 *   "Danh mục"     hidden: the allowed entries of every drop-down list, written "code — name"
 */
import type ExcelJS from 'exceljs';
import { excel, neutralise, unneutralise } from '../../lib/excel.js';
import { ALL_FIELDS, type FieldDef, type OptionSource, SECTIONS, SUBLISTS, type SubListDef } from './definition.js';
import type { CatalogueOptions } from './display.js';
import { type FlatBody, flatRows } from './flat-body.js';
import { isoToVietnameseDate, parseVietnameseDate } from './schema.js';

// server-text: a sheet name of the Vietnamese Excel template
export const MAIN_SHEET = 'Biểu mẫu 1';
// server-text: a sheet name of the Vietnamese Excel template
export const CATALOGUE_SHEET = 'Danh mục';
/** Data rows of a sub-list sheet start here (row 1 labels, row 2 hidden keys). */
export const SUBLIST_FIRST_ROW = 3;
/** Rows of a sub-list sheet that get drop-down validation (users may add more rows below; they are read too). */
const VALIDATED_ROWS = 500;
export const OPTION_SEPARATOR = ' — ';
export const MULTI_SEPARATOR = ',';
export const CODE_KEY = 'code';
// server-text: a row label of the Vietnamese Excel template
export const CODE_LABEL = 'Mã hội (do Bộ cấp; để trống nếu là hội mới)';
export const ROW_ID_KEY = 'id';
// server-text: a column heading of the Vietnamese Excel template
export const ROW_ID_LABEL = 'Mã dòng (không sửa)';

export interface TemplateOptions {
  /** Catalogue entries (services.associations.catalogueOptions()). */
  catalogues: CatalogueOptions;
  /** Shown in the title row, e.g. the association's name. */
  title?: string;
}

export type ReadResult = { ok: true; values: FlatBody } | { ok: false; errors: string[] };

/** Excel's sheet names: at most 31 characters, none of : \ / ? * [ ]. */
export function sheetName(title: string): string {
  return title.replace(/[:\\/?*[\]]/g, ' ').slice(0, 31);
}

/** 1 → A, 27 → AA. */
export function columnLetter(n: number): string {
  let s = '';
  let x = n;
  while (x > 0) {
    const r = (x - 1) % 26;
    s = String.fromCharCode(65 + r) + s;
    x = Math.floor((x - 1) / 26);
  }
  return s;
}

export function fieldLabel(def: FieldDef): string {
  return def.required ? `${def.label} *` : def.label;
}

// ---------------------------------------------------------------------------------------------------------------
// Options: every drop-down list, as "code — name" entries in a column of the hidden catalogue sheet.

interface OptionList {
  key: string;
  entries: Array<[code: string, name: string]>;
}

function optionKey(source: OptionSource): string {
  return 'catalogue' in source ? `c:${source.catalogue}` : `v:${source.values.map(([c]) => c).join('|')}`;
}

function optionEntries(source: OptionSource, catalogues: CatalogueOptions): Array<[string, string]> {
  if ('values' in source) return source.values.map(([c, n]) => [c, n]);
  // server-text: an entry of the template's drop-down lists
  return (catalogues[source.catalogue] ?? []).map((o) => [o.code, o.current ? o.name : `${o.name} (không còn hiệu lực)`]);
}

// server-text: a cell value of the template
export const BOOL_YES = 'Có';
// server-text: a cell value of the template
export const BOOL_NO = 'Không';

/** Adds the hidden catalogue sheet; returns, per option source, the absolute range for a validation formula. */
export function addCatalogueSheet(wb: ExcelJS.Workbook, catalogues: CatalogueOptions): (def: FieldDef) => string | null {
  const ws = wb.addWorksheet(CATALOGUE_SHEET, { state: 'hidden' });
  const lists = new Map<string, { list: OptionList; column: number }>();
  const all: FieldDef[] = [...ALL_FIELDS, ...SUBLISTS.flatMap((s) => s.fields)];
  let column = 0;
  const bool: OptionList = {
    key: 'bool',
    entries: [
      [BOOL_YES, ''],
      [BOOL_NO, ''],
    ],
  };
  column += 1;
  lists.set('bool', { list: bool, column });
  for (const def of all) {
    if (!def.options) continue;
    const key = optionKey(def.options);
    if (lists.has(key)) continue;
    column += 1;
    lists.set(key, { list: { key, entries: optionEntries(def.options, catalogues) }, column });
  }
  for (const { list, column: c } of lists.values()) {
    ws.getCell(1, c).value = list.key;
    list.entries.forEach(([code, name], i) => {
      ws.getCell(i + 2, c).value = name ? `${code}${OPTION_SEPARATOR}${name}` : code;
    });
  }
  const quoted = `'${CATALOGUE_SHEET}'`;
  return (def: FieldDef) => {
    const key = def.type === 'bool' ? 'bool' : def.options ? optionKey(def.options) : null;
    const found = key ? lists.get(key) : undefined;
    if (!found || found.list.entries.length === 0) return null;
    const letter = columnLetter(found.column);
    return `${quoted}!$${letter}$2:$${letter}$${found.list.entries.length + 1}`;
  };
}

/** Data validation for a field's cells (drop-down for catalogues and yes/no; whole numbers; dates). */
export function validationFor(def: FieldDef, rangeOf: (def: FieldDef) => string | null): ExcelJS.DataValidation | null {
  const range = rangeOf(def);
  if ((def.type === 'select' || def.type === 'bool') && range) {
    return {
      type: 'list',
      allowBlank: !def.required,
      formulae: [range],
      showErrorMessage: true,
      errorStyle: 'warning',
      errorTitle: def.label,
      // server-text: Excel's own message for a cell of the template
      error: 'Chọn một mục trong danh sách.',
    };
  }
  if (def.type === 'date') {
    return {
      type: 'date',
      operator: 'between',
      allowBlank: true,
      formulae: [new Date(Date.UTC(1900, 0, 1)), new Date(Date.UTC(2100, 11, 31))],
      showErrorMessage: true,
      errorStyle: 'warning',
      errorTitle: def.label,
      // server-text: Excel's own message for a cell of the template
      error: 'Nhập ngày dạng ngày/tháng/năm, ví dụ 05/02/2013.',
    };
  }
  return null;
}

export function hintFor(def: FieldDef): string {
  const parts: string[] = [];
  if (def.hint) parts.push(def.hint);
  // server-text-start: the template's hint column (the file is in Vietnamese)
  if (def.type === 'date') parts.push('Ngày/tháng/năm.');
  if (def.type === 'money') parts.push('Số tiền (đồng), ví dụ 1.500.000.');
  if (def.type === 'decimal') parts.push('Số, phần thập phân sau dấu phẩy, ví dụ 120,5.');
  if (def.type === 'multiselect') parts.push('Ghi các mã trong danh mục, cách nhau bởi dấu phẩy.');
  if ((def.type === 'select' || def.type === 'bool') && def.required) parts.push('Bắt buộc; chọn trong danh sách.');
  else if (def.type === 'select' || def.type === 'bool') parts.push('Chọn trong danh sách.');
  else if (def.required) parts.push('Bắt buộc.');
  // server-text-end
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// Values ↔ cells. A value is written as a typed cell only when reading it back gives the same string (the
// canonical form valuesFromRecord produces); anything else stays text, so a round trip never alters a value.

const VI_WHOLE = (n: number) => n.toLocaleString('vi-VN');

/** The canonical flat string of a number read from a cell. */
function numberString(def: FieldDef, n: number): string {
  if (def.type === 'money' || (def.type === 'int' && Math.abs(n) >= 10_000)) return VI_WHOLE(n);
  if (def.type === 'decimal') return String(n).replace('.', ',');
  return String(n);
}

function parseCanonicalNumber(def: FieldDef, s: string): number | null {
  let n: number;
  if (def.type === 'decimal') {
    if (!/^-?\d{1,13}(,\d{1,4})?$/.test(s)) return null;
    n = Number(s.replace(',', '.'));
  } else {
    const digits = s.replace(/\./g, '');
    if (!/^-?\d{1,15}$/.test(digits)) return null;
    n = Number(digits);
  }
  return Number.isSafeInteger(Math.trunc(n)) && numberString(def, n) === s ? n : null;
}

/** A Date at UTC midnight for a canonical dd/mm/yyyy, else null. */
function canonicalDate(s: string): Date | null {
  const iso = parseVietnameseDate(s);
  if (!iso || isoToVietnameseDate(iso) !== s) return null;
  return new Date(`${iso}T00:00:00Z`);
}

/** Label shown in a select cell for a code. */
export function optionDisplay(def: FieldDef, code: string, catalogues: CatalogueOptions): string {
  if (!def.options) return code;
  const found = optionEntries(def.options, catalogues).find(([c]) => c === code);
  return found ? `${code}${OPTION_SEPARATOR}${found[1]}` : code;
}

/**
 * The cell value for a value of the flat body (a multiselect's codes in one cell, separated by commas). Text that a
 * spreadsheet would run as a formula gets an apostrophe (RELIABILITY check 20), which the reader removes.
 */
export function cellFor(def: FieldDef, bodyValue: string | string[] | undefined, catalogues: CatalogueOptions): ExcelJS.CellValue {
  const cell = typedCell(def, bodyValue, catalogues);
  return typeof cell === 'string' ? neutralise(cell) : cell;
}

function typedCell(def: FieldDef, bodyValue: string | string[] | undefined, catalogues: CatalogueOptions): ExcelJS.CellValue {
  const value = Array.isArray(bodyValue) ? bodyValue.join(MULTI_SEPARATOR) : bodyValue;
  if (value === undefined || value === '') return null;
  switch (def.type) {
    case 'bool':
      return value === 'on' ? BOOL_YES : value;
    case 'select':
      return optionDisplay(def, value, catalogues);
    case 'date':
      return canonicalDate(value) ?? value;
    case 'int':
    case 'year':
    case 'money':
    case 'decimal':
      return parseCanonicalNumber(def, value) ?? value;
    default:
      return value;
  }
}

export function numFmtFor(def: FieldDef): string | undefined {
  if (def.type === 'date') return 'dd/mm/yyyy';
  if (def.type === 'money' || def.type === 'int') return '#,##0';
  if (def.type === 'decimal') return '#,##0.####';
  if (def.type === 'year') return '0';
  return undefined;
}

/** The text inside a cell, whatever Excel stored (rich text, formula result, hyperlink, shared string). */
export function cellText(value: ExcelJS.CellValue): string | number | boolean | Date | null {
  if (value === null || value === undefined) return null;
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value instanceof Date) return value;
  if (typeof value === 'object') {
    if ('richText' in value && Array.isArray(value.richText)) return value.richText.map((r) => r.text).join('');
    if ('formula' in value || 'sharedFormula' in value) return cellText((value as { result?: ExcelJS.CellValue }).result ?? null);
    if ('text' in value && 'hyperlink' in value) return cellText((value as { text: ExcelJS.CellValue }).text);
    if ('error' in value) return null;
  }
  return String(value);
}

/** Looks a select answer up: "code — name", the code, or the name (any case); returns the code or the text as is. */
export type OptionLookup = (def: FieldDef, text: string) => string;

export function optionLookup(catalogues: CatalogueOptions | null): OptionLookup {
  const cache = new Map<string, Map<string, string>>();
  const mapFor = (def: FieldDef): Map<string, string> => {
    const source = def.options as OptionSource;
    const key = optionKey(source);
    let m = cache.get(key);
    if (!m) {
      m = new Map();
      const entries = catalogues || 'values' in source ? optionEntries(source, catalogues ?? {}) : ([] as Array<[string, string]>);
      for (const [code, name] of entries) {
        m.set(code.toLowerCase(), code);
        m.set(name.toLowerCase(), code);
        m.set(`${code}${OPTION_SEPARATOR}${name}`.toLowerCase(), code);
      }
      cache.set(key, m);
    }
    return m;
  };
  return (def, text) => {
    const t = text.trim();
    if (!def.options) return t;
    const m = mapFor(def);
    const hit = m.get(t.toLowerCase());
    if (hit) return hit;
    const sep = t.indexOf(OPTION_SEPARATOR.trim());
    if (sep > 0) {
      const code = t.slice(0, sep).trim();
      return m.get(code.toLowerCase()) ?? code;
    }
    // A code typed as a number loses its leading zero in Excel (01 → 1).
    if (/^\d+$/.test(t)) {
      const padded = m.get(t.padStart(2, '0'));
      if (padded) return padded;
    }
    return t;
  };
}

function dateString(d: Date): string {
  // Excel dates carry no zone; exceljs gives them at UTC midnight.
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

/** The flat body's value for a cell read back (a multiselect's codes as a list). */
export function bodyValueFromCell(def: FieldDef, value: ExcelJS.CellValue, lookup: OptionLookup): string | string[] {
  if (def.type === 'multiselect') {
    const text = cellText(value);
    if (text === null || text instanceof Date) return [];
    return unneutralise(String(text).trim())
      .split(/[,;\n]/)
      .map((x) => x.trim())
      .filter(Boolean)
      .map((x) => lookup(def, x));
  }
  return stringFromCell(def, value, lookup);
}

/** The text of a cell read back, for a field of one value. */
function stringFromCell(def: FieldDef, value: ExcelJS.CellValue, lookup: OptionLookup): string {
  const v = cellText(value);
  if (v === null) return '';
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? '' : dateString(v);
  if (typeof v === 'boolean') return def.type === 'bool' ? (v ? 'on' : '') : v ? BOOL_YES : BOOL_NO;
  if (typeof v === 'number') {
    if (def.type === 'select') return lookup(def, String(v));
    if (def.type === 'bool') return v ? 'on' : '';
    if (def.type === 'int' || def.type === 'year' || def.type === 'money' || def.type === 'decimal')
      return Number.isFinite(v) ? numberString(def, v) : String(v);
    return String(v);
  }
  const s = unneutralise(v.trim());
  if (def.type === 'bool') {
    const low = s.toLowerCase();
    // server-text: words read from a cell
    if (low === '' || low === 'không' || low === 'khong' || low === 'false' || low === '0' || low === 'no') return '';
    // server-text: words read from a cell
    return ['có', 'co', 'x', 'true', '1', 'on', 'yes'].includes(low) ? 'on' : s;
  }
  if (def.type === 'select') return s === '' ? '' : lookup(def, s);
  return s;
}

// ---------------------------------------------------------------------------------------------------------------
// Sub-list sheets (shared with the bulk template, which adds a leading key column).

export interface SheetColumn {
  key: string;
  label: string;
  def: FieldDef | null;
  width: number;
  hidden?: boolean;
}

function widthFor(def: FieldDef): number {
  if (def.type === 'textarea') return 50;
  if (def.type === 'select') return 32;
  if (def.type === 'date' || def.type === 'year' || def.type === 'int' || def.type === 'bool') return 14;
  return Math.min(40, Math.max(16, Math.round(def.label.length * 0.8)));
}

/** Writes header (labels, hidden key row), widths, number formats and validations for `rows` data rows. */
export function setUpTableSheet(
  ws: ExcelJS.Worksheet,
  columns: readonly SheetColumn[],
  rangeOf: (def: FieldDef) => string | null,
  dataRows: number,
): void {
  columns.forEach((col, i) => {
    const c = i + 1;
    const header = ws.getCell(1, c);
    header.value = col.label;
    header.font = { bold: true };
    header.alignment = { wrapText: true, vertical: 'top' };
    header.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE6F0' } };
    if (col.def) header.note = hintFor(col.def) || col.def.label;
    ws.getCell(2, c).value = col.key;
    const column = ws.getColumn(c);
    column.width = col.width;
    if (col.hidden) column.hidden = true;
    if (col.def) {
      const fmt = numFmtFor(col.def);
      if (fmt) column.numFmt = fmt;
      const validation = validationFor(col.def, rangeOf);
      if (validation) {
        const letter = columnLetter(c);
        (ws as unknown as { dataValidations: { add(a: string, v: ExcelJS.DataValidation): void } }).dataValidations.add(
          `${letter}${SUBLIST_FIRST_ROW}:${letter}${SUBLIST_FIRST_ROW + Math.max(dataRows, VALIDATED_ROWS) - 1}`,
          validation,
        );
      }
    }
  });
  ws.getRow(2).hidden = true;
  ws.getRow(1).height = 45;
  ws.views = [{ state: 'frozen', ySplit: 2 }];
}

export function subListColumns(list: SubListDef): SheetColumn[] {
  return [
    ...list.fields.map((f) => ({ key: f.name, label: fieldLabel(f), def: f, width: widthFor(f) })),
    { key: ROW_ID_KEY, label: ROW_ID_LABEL, def: null, width: 12, hidden: true },
  ];
}

export function scalarColumns(): SheetColumn[] {
  return ALL_FIELDS.map((f) => ({ key: f.name, label: fieldLabel(f), def: f, width: widthFor(f) }));
}

/** Maps a table sheet's columns to keys: by the hidden key row, else by the header label. */
export function readColumnKeys(ws: ExcelJS.Worksheet, columns: readonly SheetColumn[]): Map<number, SheetColumn> {
  const byKey = new Map(columns.map((c) => [c.key, c]));
  const byLabel = new Map<string, SheetColumn>();
  for (const c of columns) {
    byLabel.set(normaliseLabel(c.label), c);
    if (c.def) byLabel.set(normaliseLabel(c.def.label), c);
  }
  const out = new Map<number, SheetColumn>();
  const keyRow = ws.getRow(2);
  const labelRow = ws.getRow(1);
  const count = Math.max(ws.columnCount, columns.length);
  for (let c = 1; c <= count; c++) {
    const key = String(cellText(keyRow.getCell(c).value) ?? '').trim();
    const label = normaliseLabel(String(cellText(labelRow.getCell(c).value) ?? ''));
    const col = byKey.get(key) ?? byLabel.get(label);
    if (col) out.set(c, col);
  }
  return out;
}

export function normaliseLabel(s: string): string {
  return s
    .normalize('NFC')
    .replace(/\s*\*\s*$/, '')
    .replace(/\s+/g, ' ')
    .trim()
    .toLowerCase();
}

// ---------------------------------------------------------------------------------------------------------------
// The single-association template.

export async function formTemplateWorkbook(options: TemplateOptions, values: FlatBody = {}): Promise<Buffer> {
  const { catalogues } = options;
  const { Workbook } = await excel();
  const wb = new Workbook();
  // server-text: the workbook's author property
  wb.creator = 'Cơ sở dữ liệu hội và tổ chức phi chính phủ — Bộ Nội vụ';
  wb.created = new Date(0);
  const main = wb.addWorksheet(MAIN_SHEET, { views: [{ state: 'frozen', ySplit: 3 }] });
  const subSheets = SUBLISTS.map((list) => ({ list, ws: wb.addWorksheet(sheetName(list.title)) }));
  const rangeOf = addCatalogueSheet(wb, catalogues);

  main.columns = [
    { key: 'label', width: 48 },
    { key: 'value', width: 48 },
    { key: 'hint', width: 60 },
    { key: 'key', width: 24, hidden: true },
  ];
  main.getCell('A1').value =
    // server-text: the template's title
    `BIỂU MẪU 1 — PHIẾU THÔNG TIN ĐẦU VÀO VỀ HỘI, TỔ CHỨC PHI CHÍNH PHỦ${options.title ? `: ${options.title}` : ''}`;
  main.getCell('A1').font = { bold: true, size: 13 };
  main.getCell('A2').value =
    // server-text: the template's instructions
    'Ghi giá trị vào cột B. Mục có dấu * là bắt buộc. Danh sách lặp lại (lãnh đạo, đại hội, kinh phí …) ghi ở các trang tính tiếp theo, mỗi dòng một mục.';
  main.getCell('A2').alignment = { wrapText: true };
  main.mergeCells('A2:C2');
  main.getRow(2).height = 32;
  const header = main.getRow(3);
  // server-text: column headings of the template
  header.values = ['Nội dung', 'Giá trị', 'Hướng dẫn', 'Khóa'];
  header.font = { bold: true };

  let r = 4;
  const put = (label: string, key: string, def: FieldDef | null, value: ExcelJS.CellValue, hint: string) => {
    const row = main.getRow(r);
    row.getCell(1).value = label;
    row.getCell(1).alignment = { wrapText: true, vertical: 'top' };
    const cell = row.getCell(2);
    cell.value = value;
    cell.alignment = { wrapText: def?.type === 'textarea', vertical: 'top' };
    if (def) {
      const fmt = numFmtFor(def);
      if (fmt) cell.numFmt = fmt;
      const validation = validationFor(def, rangeOf);
      if (validation) cell.dataValidation = validation;
    } else {
      cell.numFmt = '@';
    }
    row.getCell(3).value = hint || null;
    row.getCell(3).alignment = { wrapText: true, vertical: 'top' };
    row.getCell(4).value = key;
    r += 1;
  };

  // server-text: a hint column of the template
  put(CODE_LABEL, CODE_KEY, null, (values[CODE_KEY] as string | undefined) || null, 'Mã hội gồm chữ H và 6 chữ số, ví dụ H000123.');
  for (const section of SECTIONS) {
    const titleRow = main.getRow(r);
    titleRow.getCell(1).value = section.title;
    titleRow.getCell(1).font = { bold: true };
    titleRow.getCell(1).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE6F0' } };
    r += 1;
    for (const def of section.fields) {
      put(fieldLabel(def), def.name, def, cellFor(def, values[def.name], catalogues), hintFor(def));
    }
    for (const name of section.sublists) {
      const list = SUBLISTS.find((s) => s.name === name) as SubListDef;
      const row = main.getRow(r);
      // server-text: a row of the template
      row.getCell(1).value = `${list.title}: ghi ở trang tính «${sheetName(list.title)}».`;
      row.getCell(1).font = { italic: true };
      r += 1;
    }
  }

  for (const { list, ws } of subSheets) {
    const columns = subListColumns(list);
    const rows = flatRows(values, list.name);
    setUpTableSheet(ws, columns, rangeOf, rows.length);
    rows.forEach((row, i) => {
      const excelRow = ws.getRow(SUBLIST_FIRST_ROW + i);
      columns.forEach((col, c) => {
        excelRow.getCell(c + 1).value = col.def ? cellFor(col.def, row[col.key], catalogues) : row[col.key] || null;
      });
    });
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Catalogue lookup from the workbook's own hidden sheet (so a template is readable without the database). */
function lookupFromWorkbook(wb: ExcelJS.Workbook, catalogues: CatalogueOptions | null): OptionLookup {
  if (catalogues) return optionLookup(catalogues);
  const ws = wb.getWorksheet(CATALOGUE_SHEET);
  const rebuilt: CatalogueOptions = {};
  if (ws) {
    for (let c = 1; c <= ws.columnCount; c++) {
      const key = String(cellText(ws.getCell(1, c).value) ?? '');
      if (!key.startsWith('c:')) continue;
      const entries: CatalogueOptions[string] = [];
      for (let r = 2; r <= ws.rowCount; r++) {
        const text = String(cellText(ws.getCell(r, c).value) ?? '');
        if (!text) break;
        const at = text.indexOf(OPTION_SEPARATOR);
        if (at > 0) entries.push({ code: text.slice(0, at), name: text.slice(at + OPTION_SEPARATOR.length), current: true });
      }
      rebuilt[key.slice(2)] = entries;
    }
  }
  return optionLookup(rebuilt);
}

export async function loadWorkbook(buffer: Buffer): Promise<ExcelJS.Workbook | null> {
  const { Workbook } = await excel();
  const wb = new Workbook();
  try {
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
    return wb;
  } catch {
    return null;
  }
}

function isBlankRow(row: ExcelJS.Row, columns: Map<number, SheetColumn>): boolean {
  for (const c of columns.keys()) {
    const v = cellText(row.getCell(c).value);
    if (v !== null && !(typeof v === 'string' && v.trim() === '')) return false;
  }
  return true;
}

/** Reads a filled template back into flat values. `catalogues` (optional) also maps names typed by hand. */
export async function readFormWorkbook(buffer: Buffer, options: { catalogues?: CatalogueOptions } = {}): Promise<ReadResult> {
  const wb = await loadWorkbook(buffer);
  if (!wb) return { ok: false, errors: ['Tệp không phải là tệp Excel (.xlsx) hợp lệ. Hãy dùng mẫu tải về từ hệ thống.'] };
  const main = wb.getWorksheet(MAIN_SHEET);
  if (!main) return { ok: false, errors: [`Tệp không có trang tính «${MAIN_SHEET}». Hãy dùng mẫu Biểu mẫu 1 tải về từ hệ thống.`] };
  const lookup = lookupFromWorkbook(wb, options.catalogues ?? null);
  const errors: string[] = [];
  const values: FlatBody = {};

  const byKey = new Map<string, FieldDef>(ALL_FIELDS.map((f) => [f.name, f]));
  const byLabel = new Map<string, FieldDef>(ALL_FIELDS.map((f) => [normaliseLabel(f.label), f]));
  let found = 0;
  main.eachRow((row) => {
    const key = String(cellText(row.getCell(4).value) ?? '').trim();
    const label = normaliseLabel(String(cellText(row.getCell(1).value) ?? ''));
    if (key === CODE_KEY || label === normaliseLabel(CODE_LABEL)) {
      const code = String(cellText(row.getCell(2).value) ?? '')
        .trim()
        .toUpperCase();
      if (code) values[CODE_KEY] = code;
      return;
    }
    const def = byKey.get(key) ?? byLabel.get(label);
    if (!def) return;
    found += 1;
    values[def.name] = bodyValueFromCell(def, row.getCell(2).value, lookup);
  });
  if (found === 0) errors.push(`Trang tính «${MAIN_SHEET}» không có dòng nào của Biểu mẫu 1 (cột D «Khóa» hoặc cột A «Nội dung»).`);
  for (const def of ALL_FIELDS) values[def.name] ??= def.type === 'multiselect' ? [] : '';

  for (const list of SUBLISTS) {
    const ws = wb.getWorksheet(sheetName(list.title));
    if (!ws) continue;
    const columns = readColumnKeys(ws, subListColumns(list));
    let index = 0;
    for (let r = SUBLIST_FIRST_ROW; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      if (isBlankRow(row, columns)) continue;
      if (index >= list.maxRows) {
        errors.push(`Trang tính «${ws.name}»: tối đa ${list.maxRows} dòng.`);
        break;
      }
      for (const [c, col] of columns) {
        const text = col.def ? stringFromCell(col.def, row.getCell(c).value, lookup) : String(cellText(row.getCell(c).value) ?? '').trim();
        if (col.key === ROW_ID_KEY) {
          if (text && !/^\d{1,10}$/.test(text)) {
            const cell = `${columnLetter(c)}${r}`;
            errors.push(`Trang tính «${ws.name}», ô ${cell}: ${ROW_ID_LABEL} đã bị sửa.`);
            continue;
          }
        }
        if (text !== '') values[`${list.name}.${index}.${col.key}`] = text;
      }
      index += 1;
    }
  }
  return errors.length ? { ok: false, errors } : { ok: true, values };
}
