/**
 * The flat body of Biểu mẫu 1: the one shape a filled form travels in. The web form posts it (`name`,
 * `other_field_codes` as a list, sub-list rows as `leaders.0.full_name` with `leaders.0.id` for a stored row and
 * `leaders.0._delete` for a row marked for removal), a submission stores it, the Excel template is written from it
 * and read back into it, and the bulk import builds one per association. `parseAssociationForm` (schema.ts) reads
 * it; these two functions convert it to and from FormValues (what a form shows back), with no validation.
 */
import { ALL_FIELDS, SUBLISTS } from './definition.js';
import type { FormValues } from './schema.js';

export type FlatBody = Record<string, string | string[]>;

/** FormValues → flat body: empty row cells left out; `omit` names top-level fields not carried. */
export function toFlatBody(values: FormValues, omit: ReadonlySet<string> = new Set()): FlatBody {
  const out: FlatBody = {};
  for (const [k, v] of Object.entries(values.fields)) if (!omit.has(k)) out[k] = v;
  for (const list of SUBLISTS) {
    (values.lists[list.name] ?? []).forEach((row, i) => {
      for (const [f, v] of Object.entries(row)) if (v !== '' && v !== undefined) out[`${list.name}.${i}.${f}`] = v;
    });
  }
  return out;
}

/** Rows of one sub-list from a flat body, in index order (`leaders.0.*`, `leaders.1.*` …). */
export function flatRows(body: FlatBody, list: string): Array<Record<string, string>> {
  const rows = new Map<number, Record<string, string>>();
  const prefix = `${list}.`;
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith(prefix)) continue;
    const m = /^(\d{1,3})\.([a-z_]+)$/.exec(key.slice(prefix.length));
    if (!m) continue;
    const row = rows.get(Number(m[1])) ?? {};
    row[m[2] as string] = Array.isArray(value) ? value.join(', ') : value;
    rows.set(Number(m[1]), row);
  }
  return [...rows.entries()].sort(([a], [b]) => a - b).map(([, r]) => r);
}

/** Flat body → FormValues (a body saved by `toFlatBody` converts back exactly; a field left out is empty). */
export function fromFlatBody(body: FlatBody): FormValues {
  const fields: FormValues['fields'] = {};
  for (const def of ALL_FIELDS) fields[def.name] = body[def.name] ?? (def.type === 'multiselect' ? [] : '');
  return { fields, lists: Object.fromEntries(SUBLISTS.map((l) => [l.name, flatRows(body, l.name)])) };
}
