/**
 * What every report builder shares: the builder's signature, paging, catalogue names, sums, and the columns and
 * values of a Biểu mẫu 1 field (label and type from the form definition).
 */
import type { CatalogueOption } from '../catalogues/catalogues.service.js';
import { type FieldDef, fixedOptionLabel } from '../register-form/definition.js';
import type { ColumnType, Report, ReportColumn, ReportRow, ReportTable } from './report-model.js';
import type { ReportFilters } from './reports.schemas.js';

export type Options = Record<string, CatalogueOption[]>;

export interface Paging {
  /** null: every row (exports). */
  page: number | null;
  /** Rows a page (PAGE_SIZE unless the category shows fewer on screen: report a, `screenRows`). */
  size?: number;
}

export interface BuildContext {
  /** The reader may see leaders' personal fields. */
  personal: boolean;
  ownerId: number | null;
  /** The custom list's (n) chosen columns. */
  columns?: string[];
  /** The reader is outside the ministry (an exploiter): fields withheld from the public are left out (report a). */
  withhold?: boolean;
}

/** A report's tables, chart and message: the service adds its category, title, filters and row count. */
export type ReportBody = Omit<Report, 'category' | 'title' | 'filterText' | 'rowCount'>;

export type ReportBuilder = (f: ReportFilters, options: Options, paging: Paging, ctx: BuildContext) => Promise<ReportBody>;

export const PAGE_SIZE = 100;

export const NONE = 'Chưa xác định';

/** The association code: not a field of Biểu mẫu 1 (the register assigns it), the first column of every list. */
export const CODE_FIELD: FieldDef = { name: 'code', label: 'Mã hội', type: 'text' };
/** The code's column, linking to the association's record. */
export const CODE_COLUMN: ReportColumn = { key: 'code', label: CODE_FIELD.label, type: 'text', link: 'association' };
export const SCOPE_SHORT: Record<string, string> = {
  toan_quoc: 'Toàn quốc',
  lien_tinh: 'Liên tỉnh',
  tinh: 'Tỉnh',
  xa: 'Xã',
  huyen: 'Huyện',
};

/** Rows a page of this paging. */
export const sizeOf = (paging: Paging): number => paging.size ?? PAGE_SIZE;
export const limitOf = (paging: Paging): number | null => (paging.page === null ? null : sizeOf(paging));
export const offsetOf = (paging: Paging): number => (paging.page === null ? 0 : (paging.page - 1) * sizeOf(paging));

/** `atLeast`: more than `count` rows exist (a capped count); the page after the count's last one is offered. */
export function paged(table: ReportTable, count: number, paging: Paging, atLeast = false): ReportTable {
  if (paging.page === null) return { ...table, count };
  const size = sizeOf(paging);
  if (atLeast) return { ...table, count, countAtLeast: true, page: paging.page, pages: Math.ceil(count / size) + 1 };
  return { ...table, count, page: paging.page, pages: Math.max(1, Math.ceil(count / size)) };
}

/** A catalogue entry's name (its code when the catalogue has none such; NONE when unset). */
export function nameOf(options: Options, table: string, code: string | null | undefined): string {
  return code ? (options[table]?.find((o) => o.code === code)?.name ?? code) : NONE;
}

export function sum(rows: ReportRow[], key: string): number {
  return rows.reduce((s, r) => s + Number(r[key] ?? 0), 0);
}

export function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1 + months, d));
  if (date.getUTCDate() !== d) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

const COLUMN_TYPES: Partial<Record<FieldDef['type'], ColumnType>> = {
  int: 'int',
  year: 'year',
  decimal: 'decimal',
  money: 'money',
  date: 'date',
  bool: 'bool',
};

/** A form field's key in the form's messages (locales/<lang>/form.json): a record field's, or a sub-list's (`list`). */
export const formKey = (field: string, list?: string): string => (list ? `form:lists.${list}.fields.${field}` : `form:fields.${field}`);

/** Option labels to their keys in the form's messages (`base`: the field's key), for a column whose cells are labels. */
export function optionKeys(base: string, labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).map(([code, label]) => [label, `${base}.options.${code}`]));
}

/**
 * A report column of a form field (`list`: of that sub-list): its label, and its type (a field with options shows the
 * option's name); its keys in the form's messages, for the screen in the reader's language.
 */
export function fieldColumn(def: FieldDef, list?: string): ReportColumn {
  const column: ReportColumn = { key: def.name, label: def.label, type: def.options ? 'text' : (COLUMN_TYPES[def.type] ?? 'text') };
  if (def === CODE_FIELD) return column;
  const base = formKey(def.name, list);
  column.form = { key: `${base}.label`, label: def.label };
  if (def.options && 'values' in def.options) column.valueKeys = optionKeys(base, Object.fromEntries(def.options.values));
  return column;
}

/** A field's value for a report cell: an option's name for a coded field (names joined by "; " for a multi-valued one, as the register shows them: a name may hold a comma). */
export function fieldValue(def: FieldDef, value: unknown, options: Options): unknown {
  if (value === null || value === undefined || value === '') return null;
  if (Array.isArray(value)) return value.length ? value.map((v) => fieldValue(def, v, options)).join('; ') : null;
  if (def.options && 'catalogue' in def.options) return nameOf(options, def.options.catalogue, String(value));
  if (def.options && 'values' in def.options) return fixedOptionLabel(def.options, String(value));
  return value;
}
