/**
 * Validation of Biểu mẫu 1 as posted by a form: built from definition.ts, Vietnamese messages
 * per field, nothing saved unless everything is valid. Sub-list rows are posted as flat names
 * `leaders.0.full_name` (no brackets: the app refuses bracketed keys as parameter pollution).
 * Only fields named in the definition are read, so extra form fields (role, version, published …) are ignored.
 */
import { z } from 'zod';
import type { FieldErrors } from '../../lib/errors.js';
import { formatNumber, formatYear } from '../../lib/format.js';
import { ALL_FIELDS, type FieldDef, GROUPS, type OptionSource, SUBLISTS, type SubListDef } from './definition.js';

/** Allowed codes per catalogue table (loaded by the caller). */
export type CatalogueCodes = Record<string, ReadonlySet<string>>;

export type ScalarValue = string | number | boolean | null;
export type ListRow = Record<string, ScalarValue> & { id?: number };

export interface AssociationInput {
  record: Record<string, ScalarValue>;
  other_field_codes: string[];
  lists: Record<string, ListRow[]>;
}

/** What the form shows back: the raw strings the user typed. */
export interface FormValues {
  fields: Record<string, string | string[]>;
  lists: Record<string, Array<Record<string, string>>>;
}

const MAX_ROW_INDEX = 999;

function optionCodes(source: OptionSource | undefined, catalogues: CatalogueCodes): ReadonlySet<string> {
  if (!source) return new Set();
  if ('values' in source) return new Set(source.values.map(([c]) => c));
  return catalogues[source.catalogue] ?? new Set();
}

/** dd/mm/yyyy (or yyyy-mm-dd) → 'YYYY-MM-DD', or null when not a real date. */
export function parseVietnameseDate(raw: string): string | null {
  const s = raw.trim();
  let d: number;
  let m: number;
  let y: number;
  const vn = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$/.exec(s);
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (vn) [d, m, y] = [Number(vn[1]), Number(vn[2]), Number(vn[3])];
  else if (iso) [y, m, d] = [Number(iso[1]), Number(iso[2]), Number(iso[3])];
  else return null;
  const date = new Date(Date.UTC(y, m - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || y < 1900 || y > 2100) return null;
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** 'YYYY-MM-DD' → dd/mm/yyyy */
export function isoToVietnameseDate(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(String(iso));
  return m ? `${m[3]}/${m[2]}/${m[1]}` : String(iso);
}

/** Whole numbers as Vietnamese write them: 1.234.567 or 1 234 567. */
function parseWhole(raw: string): number | null {
  const s = raw.replace(/[\s.]/g, '').replace(/đ$/i, '');
  return /^-?\d{1,16}$/.test(s) ? Number(s) : null;
}

/** Decimals with a comma (120,5) or a point (120.5); points before a comma are thousands separators. */
function parseDecimal(raw: string): number | null {
  let s = raw.replace(/\s/g, '');
  if (s.includes(',')) s = s.replace(/\./g, '').replace(',', '.');
  return /^-?\d{1,13}(\.\d{1,4})?$/.test(s) ? Number(s) : null;
}

/** A state-secret stamp as written on documents: TUYỆT MẬT, TỐI MẬT, or MẬT standing alone, in capitals. */
const CLASSIFIED_MARK = /(TUYỆT MẬT|TỐI MẬT)|^\s*MẬT\s*($|[\n.,:;)\]-])|\(MẬT\)|ĐỘ MẬT/u;

// server-text: words a checkbox or a cell may hold, read, never shown
const TRUE_VALUES = new Set(['on', 'true', '1', 'co', 'có', 'yes']);

/** Convert one raw form value; returns [value, error]. */
export function convertField(def: FieldDef, raw: unknown, catalogues: CatalogueCodes): [ScalarValue | string[], string | null] {
  const label = def.label;
  if (def.type === 'multiselect') {
    const list = raw === undefined || raw === '' ? [] : Array.isArray(raw) ? raw : [raw];
    if (!list.every((v) => typeof v === 'string')) return [[], `${label} không hợp lệ.`];
    const allowed = optionCodes(def.options, catalogues);
    const codes = [...new Set((list as string[]).filter((v) => v !== ''))];
    if (codes.some((c) => !allowed.has(c))) return [codes, `${label}: có mục không có trong danh mục.`];
    return [codes, null];
  }
  if (def.type === 'bool') {
    if (raw === undefined || raw === '') return [false, null];
    if (typeof raw !== 'string') return [false, `${label} không hợp lệ.`];
    return [TRUE_VALUES.has(raw.toLowerCase()), null];
  }
  if (raw !== undefined && typeof raw !== 'string') return [null, `${label} không hợp lệ.`];
  const s = (raw ?? '').trim();
  if (s === '') return [null, def.required ? `${label} là bắt buộc.` : null];
  const tooBig = (n: number) => (def.max !== undefined && n > def.max) || (def.min !== undefined && n < def.min);
  // A year takes no thousands separator (1900, not 1.900); amounts do (1.000.000).
  const bound = (n: number) => (def.type === 'year' ? formatYear(n) : formatNumber(n));
  const range = () =>
    def.min !== undefined && def.max !== undefined
      ? `${label} phải từ ${bound(def.min)} đến ${bound(def.max)}.`
      : `${label} không được âm.`;
  switch (def.type) {
    case 'text':
    case 'textarea':
      if (def.max !== undefined && s.length > def.max) return [s, `${label} không được dài quá ${def.max.toLocaleString('vi-VN')} ký tự.`];
      // classified information is not stored in this database.
      if (CLASSIFIED_MARK.test(s)) return [s, `${label} có dấu mức độ mật: Cơ sở dữ liệu không lưu thông tin mật (Điều 4 QĐ 113/QĐ-BNV).`];
      if (def.format && !def.format.pattern.test(s)) return [s, def.format.message];
      return [s, null];
    case 'email':
      if (s.length > (def.max ?? 200) || !z.email().safeParse(s).success)
        return [s, `${label} không đúng định dạng, ví dụ: vanphong@hoi.org.vn.`];
      return [s.toLowerCase(), null];
    case 'url': {
      const withScheme = /^https?:\/\//i.test(s) ? s : `https://${s}`;
      try {
        const u = new URL(withScheme);
        if (!u.hostname.includes('.') || s.length > (def.max ?? 300)) throw new Error('bad');
        return [withScheme, null];
      } catch {
        return [s, `${label} không đúng định dạng, ví dụ: https://hoi.org.vn.`];
      }
    }
    case 'phone':
      if (!/^[0-9 +().-]{6,40}$/.test(s) || (s.match(/\d/g) ?? []).length < 6)
        return [s, `${label} chỉ gồm chữ số, dấu cách, dấu + ( ) . - và có ít nhất 6 chữ số.`];
      return [s, null];
    case 'int':
    case 'year':
    case 'money': {
      const n = parseWhole(s);
      if (n === null)
        return [s, def.type === 'money' ? `${label} phải là số nguyên (đồng), ví dụ 1.500.000.` : `${label} phải là số nguyên.`];
      if (tooBig(n)) return [s, range()];
      return [n, null];
    }
    case 'decimal': {
      const n = parseDecimal(s);
      if (n === null) return [s, `${label} phải là số, phần thập phân sau dấu phẩy, ví dụ 120,5.`];
      if (tooBig(n)) return [s, range()];
      return [n, null];
    }
    case 'date': {
      const iso = parseVietnameseDate(s);
      if (!iso) return [s, `${label} phải là ngày có thật, dạng ngày/tháng/năm, ví dụ 05/02/2013.`];
      return [iso, null];
    }
    case 'select': {
      const allowed = optionCodes(def.options, catalogues);
      if (!allowed.has(s)) return [s, `${label}: chọn một mục trong danh sách.`];
      return [s, null];
    }
    default:
      return [s, null];
  }
}

/** A posted value as the form shows it again: the text typed, a list of codes, or 'on' / '' for a checkbox. */
export function shownValue(def: FieldDef, raw: unknown): string | string[] {
  if (def.type === 'multiselect')
    return Array.isArray(raw) ? raw.filter((x) => typeof x === 'string') : typeof raw === 'string' && raw ? [raw] : [];
  if (def.type === 'bool') return raw ? 'on' : '';
  return rawString(raw);
}

function rawString(v: unknown): string {
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return v.filter((x) => typeof x === 'string').join(', ');
  return '';
}

/** The body's dotted keys by their first segment (`leaders.0.full_name` → leaders), read once per form. */
function dottedKeys(body: Record<string, unknown>): Map<string, Array<[string, unknown]>> {
  const out = new Map<string, Array<[string, unknown]>>();
  for (const key of Object.keys(body)) {
    const dot = key.indexOf('.');
    if (dot <= 0) continue;
    const head = key.slice(0, dot);
    const list = out.get(head);
    if (list) list.push([key, body[key]]);
    else out.set(head, [[key, body[key]]]);
  }
  return out;
}

/** Group the flat `list.index.field` keys into rows, in index order. */
function collectRows(entries: ReadonlyArray<[string, unknown]>, list: SubListDef): Array<{ index: number; raw: Record<string, unknown> }> {
  const rows = new Map<number, Record<string, unknown>>();
  const prefix = `${list.name}.`;
  const allowed = new Set([...list.fields.map((f) => f.name), 'id', '_delete']);
  for (const [key, value] of entries) {
    if (!key.startsWith(prefix)) continue;
    const m = /^(\d{1,3})\.([a-z_]+)$/.exec(key.slice(prefix.length));
    if (!m) continue;
    const index = Number(m[1]);
    const field = m[2] as string;
    if (index > MAX_ROW_INDEX || !allowed.has(field)) continue;
    const row = rows.get(index) ?? Object.create(null);
    row[field] = value;
    rows.set(index, row);
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([index, raw]) => ({ index, raw }));
}

export interface ParseResult {
  ok: boolean;
  input: AssociationInput;
  errors: FieldErrors;
  values: FormValues;
}

/** Validate a posted Biểu mẫu 1. `errors` keys are the form field names (e.g. `leaders.2.full_name`). */
export function parseAssociationForm(body: unknown, catalogues: CatalogueCodes): ParseResult {
  const src = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors: FieldErrors = {};
  const record: Record<string, ScalarValue> = {};
  let otherFields: string[] = [];
  const values: FormValues = { fields: {}, lists: {} };

  for (const def of ALL_FIELDS) {
    const raw = src[def.name];
    values.fields[def.name] = shownValue(def, raw);
    const [value, error] = convertField(def, raw, catalogues);
    if (error) errors[def.name] = error;
    if (def.type === 'multiselect') otherFields = value as string[];
    else record[def.name] = value as ScalarValue;
  }
  if (typeof record.tasked_from === 'string' && typeof record.tasked_to === 'string' && record.tasked_to < record.tasked_from) {
    errors.tasked_to ??= 'Ngày kết thúc giao nhiệm vụ phải sau ngày bắt đầu.';
  }
  crossFieldRules(record, errors);
  if (record.main_field_code && otherFields.includes(String(record.main_field_code))) {
    otherFields = otherFields.filter((c) => c !== record.main_field_code);
  }

  const lists: Record<string, ListRow[]> = {};
  const dotted = dottedKeys(src);
  for (const list of SUBLISTS) {
    const out: ListRow[] = [];
    const shown: Array<Record<string, string>> = [];
    for (const { raw } of collectRows(dotted.get(list.name) ?? [], list)) {
      const strings: Record<string, string> = {};
      for (const f of list.fields) strings[f.name] = shownValue(f, raw[f.name]) as string;
      const idRaw = rawString(raw.id);
      const id = /^\d{1,10}$/.test(idRaw) ? Number(idRaw) : undefined;
      if (id !== undefined) strings.id = String(id);
      const deleting = rawString(raw._delete) !== '';
      const empty = list.fields.every((f) => strings[f.name] === '' || (f.type === 'bool' && strings[f.name] === ''));
      if (deleting) {
        if (id !== undefined) {
          strings._delete = 'on';
          shown.push(strings);
        }
        continue;
      }
      if (empty && id === undefined) continue; // a blank row offered for additions
      const position = shown.length;
      shown.push(strings);
      const row: ListRow = Object.create(null);
      if (id !== undefined) row.id = id;
      for (const f of list.fields) {
        const [value, error] = convertField(f, raw[f.name], catalogues);
        if (error) errors[`${list.name}.${position}.${f.name}`] = `${list.title}, dòng ${position + 1}: ${error}`;
        row[f.name] = value as ScalarValue;
      }
      out.push(row);
    }
    if (out.length > list.maxRows) errors[list.name] = `${list.title}: tối đa ${list.maxRows} dòng.`;
    lists[list.name] = out;
    values.lists[list.name] = shown;
  }
  crossRowRules(lists, errors);
  return { ok: Object.keys(errors).length === 0, input: { record, other_field_codes: otherFields, lists }, errors, values };
}

/** Rules across fields of the record (FORM-1 §E, §I), reported next to the field that breaks them. */
function crossFieldRules(record: Record<string, ScalarValue>, errors: FieldErrors): void {
  const n = (name: string): number | null => (typeof record[name] === 'number' ? (record[name] as number) : null);
  const vi = (x: number) => x.toLocaleString('vi-VN');
  const total = n('members_total');
  const official = n('members_official');
  if (total !== null && official !== null && official > total) {
    errors.members_official ??= `Số hội viên chính thức (${vi(official)}) không được lớn hơn tổng số hội viên (${vi(total)}).`;
  }
  const parts = (n('members_organisations') ?? 0) + (n('members_individuals') ?? 0);
  if (total !== null && parts > total) {
    const field = n('members_individuals') === null ? 'members_organisations' : 'members_individuals';
    errors[field] ??= `Hội viên tổ chức và hội viên cá nhân cộng lại (${vi(parts)}) không được lớn hơn tổng số hội viên (${vi(total)}).`;
  }
  const year = n('annual_report_year');
  const filed = record.annual_report_filed_on;
  if (year !== null && typeof filed === 'string' && Number(filed.slice(0, 4)) < year) {
    errors.annual_report_filed_on ??= `Ngày nộp báo cáo hoạt động không được trước năm của báo cáo (${year}).`;
  }
}

/** Rules across rows of a sub-list, reported on the row that breaks them. */
function crossRowRules(lists: Record<string, ListRow[]>, errors: FieldErrors): void {
  const dup = (name: string, key: (r: ListRow) => string, field: string, message: (row: number) => string) => {
    const seen = new Set<string>();
    (lists[name] ?? []).forEach((r, i) => {
      const k = key(r);
      if (seen.has(k)) errors[`${name}.${i}.${field}`] ??= message(i + 1);
      seen.add(k);
    });
  };
  dup(
    'staff_quotas',
    (r) => String(r.year),
    'year',
    (row) => `Biên chế được giao, dòng ${row}: năm này đã có ở dòng khác.`,
  );
  dup(
    'funds',
    (r) => `${r.year}|${r.source}`,
    'source',
    (row) => `Kinh phí hoạt động, dòng ${row}: nguồn này của năm này đã có ở dòng khác.`,
  );
  (lists.leaders ?? []).forEach((r, i) => {
    if (typeof r.elected_on === 'string' && typeof r.left_on === 'string' && r.left_on < r.elected_on) {
      errors[`leaders.${i}.left_on`] ??= `Lãnh đạo hội, dòng ${i + 1}: ngày thôi phải sau ngày bầu.`;
    }
  });
  (lists.extensions ?? []).forEach((r, i) => {
    if (typeof r.decided_on === 'string' && typeof r.new_deadline === 'string' && r.new_deadline < r.decided_on) {
      errors[`extensions.${i}.new_deadline`] ??= `Gia hạn tổ chức đại hội, dòng ${i + 1}: hạn mới phải sau ngày văn bản.`;
    }
  });
}

/** Form values from a stored record (for the edit form). */
export function valuesFromRecord(
  record: Record<string, unknown> & { other_field_codes?: string[] },
  lists: Record<string, Array<Record<string, unknown>>>,
): FormValues {
  const show = (def: FieldDef, v: unknown): string => {
    if (v === null || v === undefined) return '';
    if (def.type === 'date') return isoToVietnameseDate(String(v));
    if (def.type === 'bool') return v ? 'on' : '';
    if (def.type === 'money' || (def.type === 'int' && Number(v) >= 10_000)) return Number(v).toLocaleString('vi-VN');
    if (def.type === 'decimal') return String(v).replace('.', ',');
    return String(v);
  };
  const fields: Record<string, string | string[]> = {};
  for (const g of GROUPS) {
    for (const def of g.fields)
      fields[def.name] = def.type === 'multiselect' ? (record.other_field_codes ?? []) : show(def, record[def.name]);
  }
  const out: FormValues = { fields, lists: {} };
  for (const list of SUBLISTS) {
    out.lists[list.name] = (lists[list.name] ?? []).map((row) => {
      const r: Record<string, string> = { id: String(row.id ?? '') };
      for (const f of list.fields) r[f.name] = show(f, row[f.name]);
      return r;
    });
  }
  return out;
}
