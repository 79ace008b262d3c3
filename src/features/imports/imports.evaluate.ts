/**
 * Validation of an import file's rows: every row with the register form's own rules (parseAssociationForm
 * over the row's flat body laid over the stored record's), then the register's database checks in bulk
 * (`resolveMany`). Natural key: the register code when given, else name + scope. A row whose association exists and
 * whose values equal the stored ones is "unchanged".
 */
import type { AssociationsRepository, FullRecord } from '../associations/associations.repository.js';
import type { AssociationsService } from '../associations/associations.service.js';
import { ALL_FIELDS, type FieldDef, SUBLISTS } from '../register-form/definition.js';
import type { CatalogueOptions } from '../register-form/display.js';
import { type FlatBody, toFlatBody } from '../register-form/flat-body.js';
import { type AssociationInput, type ListRow, parseAssociationForm, valuesFromRecord } from '../register-form/schema.js';
import { CODE_KEY } from '../register-form/workbook.js';
import { type BulkFile, type BulkRow, type FileError, LIST_SHEET } from './bulk-file.js';
import type { ImportRowRecord } from './imports.repository.js';

export interface Evaluated {
  row: BulkRow;
  naturalKey: string;
  errors: FileError[];
  existing: FullRecord | null;
  input: AssociationInput | null;
  changed: boolean;
}

interface EvaluateDeps {
  associations: AssociationsService;
  associationsRepo: AssociationsRepository;
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing a parsed row with a stored record (what "unchanged" means).

function norm(def: FieldDef, v: unknown): unknown {
  if (v === null || v === undefined || v === '') return def.type === 'bool' ? false : null;
  switch (def.type) {
    case 'bool':
      return v === true || v === 'true' || v === 't';
    case 'int':
    case 'year':
    case 'money':
    case 'decimal':
      return Number(v);
    case 'date':
      return String(v).slice(0, 10);
    default:
      return def.name === 'related_association_code' ? String(v).toUpperCase() : String(v);
  }
}

function listRowKey(fields: readonly FieldDef[], row: Record<string, unknown>): string {
  return JSON.stringify(fields.map((f) => norm(f, row[f.name])));
}

function canonical(
  record: Record<string, unknown>,
  other: readonly string[],
  lists: Record<string, ReadonlyArray<Record<string, unknown>>>,
): string {
  const rec = ALL_FIELDS.filter((f) => f.type !== 'multiselect').map((f) => norm(f, record[f.name]));
  const ls = SUBLISTS.map((def) => (lists[def.name] ?? []).map((r) => listRowKey(def.fields, r)).sort());
  return JSON.stringify([rec, [...other].sort(), ls]);
}

/** Existing records matching the rows' natural keys (+ their full data). */
async function loadExisting(
  associationsRepo: AssociationsRepository,
  file: BulkFile,
): Promise<{ byKey: Map<string, FullRecord | 'ambiguous'>; missingCodes: Set<string> }> {
  const codes = [...new Set(file.rows.map((r) => r.values[CODE_KEY]).filter((c): c is string => !!c))];
  const names = [
    ...new Set(file.rows.filter((r) => !r.values[CODE_KEY] && r.values.name).map((r) => (r.values.name as string).toLowerCase())),
  ];
  const { byCode: found, byName } = await associationsRepo.matchNaturalKeys(codes, names);
  const full = await associationsRepo.loadFullMany([...new Set([...found, ...byName].map((f) => f.id))]);
  const byKey = new Map<string, FullRecord | 'ambiguous'>();
  for (const f of found) byKey.set(`code:${f.code}`, full.get(f.id) as FullRecord);
  for (const f of byName) {
    const key = `name:${f.lname}|${f.scope}`;
    byKey.set(key, byKey.has(key) ? 'ambiguous' : (full.get(f.id) as FullRecord));
  }
  const missingCodes = new Set(codes.filter((c) => !byKey.has(`code:${c}`)));
  return { byKey, missingCodes };
}

/** Validates every row of a file against the register's rules and the database. */
export async function evaluate(
  deps: EvaluateDeps,
  file: BulkFile,
  catalogues: CatalogueOptions,
  onProgress?: (done: number) => Promise<void>,
): Promise<Evaluated[]> {
  const { associations } = deps;
  const codes = associations.codesOf(catalogues);
  const { byKey, missingCodes } = await loadExisting(deps.associationsRepo, file);
  const mainSheet = file.format === 'csv' ? 'CSV' : LIST_SHEET;
  const defs = new Map<string, FieldDef>(ALL_FIELDS.map((f) => [f.name, f]));
  const seen = new Map<string, number>();
  const out: Evaluated[] = [];

  const locate = (row: BulkRow, key: string, message: string): FileError => {
    const m = /^([a-z_]+)\.(\d+)\.([a-z_]+)$/.exec(key);
    if (m) {
      const list = SUBLISTS.find((s) => s.name === m[1]);
      const where = file.lists.get(m[1] as string);
      const col = where?.columns.get(m[3] as string);
      const field = list?.fields.find((f) => f.name === m[3]);
      // server-text: only matched, to strip the form's own prefix from the message (the sheet and row have their columns)
      const prefix = list ? `${list.title}, dòng ${Number(m[2]) + 1}: ` : '';
      return {
        sheet: where?.sheet ?? list?.title ?? '',
        row: row.subRows.get(`${m[1]}.${m[2]}`) ?? row.rowNumber,
        column: col?.letter ?? '',
        label: col?.label ?? field?.label ?? key,
        message: message.startsWith(prefix) ? message.slice(prefix.length) : message,
      };
    }
    const list = SUBLISTS.find((s) => s.name === key);
    if (list) return { sheet: file.lists.get(key)?.sheet ?? list.title, row: row.rowNumber, column: '', label: list.title, message };
    const col = file.columns.get(key);
    const label = col?.label ?? defs.get(key)?.label ?? (key === CODE_KEY ? 'Mã hội' : key);
    return {
      sheet: mainSheet,
      row: row.rowNumber,
      column: col?.letter ?? '',
      label: col ? label : `${label} (tệp không có cột này)`,
      message,
    };
  };

  let done = 0;
  for (const row of file.rows) {
    const errors: FileError[] = [];
    const code = String(row.values[CODE_KEY] ?? '');
    const naturalKey = code ? `code:${code}` : `name:${String(row.values.name ?? '').toLowerCase()}|${String(row.values.scope ?? '')}`;
    let existing: FullRecord | null = null;
    if (code && !/^H\d{6}$/.test(code))
      errors.push(locate(row, CODE_KEY, `Mã hội «${code}» không đúng dạng (chữ H và 6 chữ số, ví dụ H000123).`));
    else if (code && missingCodes.has(code)) errors.push(locate(row, CODE_KEY, `Không có hội mang mã ${code} trong cơ sở dữ liệu.`));
    else {
      const hit = byKey.get(naturalKey);
      if (hit === 'ambiguous')
        errors.push(locate(row, 'name', 'Có nhiều hội cùng tên và phạm vi hoạt động trong cơ sở dữ liệu: hãy ghi mã hội.'));
      else existing = hit ?? null;
    }
    const firstRow = seen.get(naturalKey);
    if (firstRow !== undefined) errors.push(locate(row, code ? CODE_KEY : 'name', `Hội này đã có ở dòng ${firstRow} của tệp.`));
    else seen.set(naturalKey, row.rowNumber);

    // Stored values, then the file's columns over them (a column left out keeps the stored value).
    const merged: FlatBody = existing ? toFlatBody(valuesFromRecord(existing.record, existing.lists)) : {};
    for (const list of file.lists.keys()) for (const k of Object.keys(merged)) if (k.startsWith(`${list}.`)) delete merged[k];
    for (const [k, v] of Object.entries(row.values)) if (k !== CODE_KEY) merged[k] = v;
    const parsed = parseAssociationForm(merged, codes);
    for (const [k, message] of Object.entries(parsed.errors)) errors.push(locate(row, k, message));
    out.push({ row, naturalKey, errors, existing, input: errors.length ? null : parsed.input, changed: true });
    done += 1;
    if (onProgress && done % 1000 === 0) await onProgress(done);
  }

  // The database checks of the register (related codes, live-name uniqueness), in bulk.
  const ok = out.filter((e) => e.input);
  const resolved = await associations.resolveMany(
    ok.map((e) => ({ input: e.input as AssociationInput, selfId: e.existing?.record.id ?? null })),
  );
  for (const [i, errs] of resolved) {
    const e = ok[i] as Evaluated;
    for (const [k, message] of Object.entries(errs)) e.errors.push(locate(e.row, k, message));
    e.input = null;
  }
  for (const e of out) {
    if (!e.input || !e.existing) continue;
    const ex = e.existing;
    e.changed =
      canonical(e.input.record, e.input.other_field_codes, e.input.lists) !== canonical(ex.record, ex.record.other_field_codes, ex.lists);
    if (e.changed) keepRowIds(e.input, ex, file);
  }
  return out;
}

/** Rows of a replaced sub-list that equal a stored row keep its id (the history shows real changes only). */
function keepRowIds(input: AssociationInput, existing: FullRecord, file: BulkFile): void {
  for (const list of file.lists.keys()) {
    const def = SUBLISTS.find((s) => s.name === list);
    if (!def) continue;
    const pool = new Map<string, number[]>();
    for (const r of existing.lists[list] ?? []) {
      const k = listRowKey(def.fields, r);
      pool.set(k, [...(pool.get(k) ?? []), r.id as number]);
    }
    for (const r of input.lists[list] ?? []) {
      const ids = pool.get(listRowKey(def.fields, r));
      const id = ids?.shift();
      if (id !== undefined) (r as ListRow).id = id;
    }
  }
}

/** The bad rows with their errors (good rows get their row when applied). */
export function rowRecords(evaluated: readonly Evaluated[]): ImportRowRecord[] {
  return evaluated
    .filter((e) => e.errors.length)
    .map((e) => ({
      row_number: e.row.rowNumber,
      natural_key: e.naturalKey.slice(0, 400),
      status: 'invalid',
      association_code: e.existing?.record.code ?? null,
      errors: e.errors,
    }));
}
