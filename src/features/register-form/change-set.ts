/**
 * Biểu mẫu 1 as an association files it, on top of the register's one form definition: the body is
 * the flat form body the web form posts (`name`, `leaders.0.full_name` …), parsed and validated by the same
 * parseAssociationForm; this module only adds what a submission needs — the body of a record (pre-filling), the
 * keyed list of changes against the current record (reusing the register's diffSnapshots), merging a corrected
 * returned submission (only the returned items change) and applying the accepted changes.
 *
 * Item keys: a record field by its name (`purpose`), a sub-list row by `<list>.<row id>` (`leaders.12`), a row the
 * association adds by `<list>.new<k>` (k = its order among the added rows of that list), a row of the form that
 * the record no longer has (removed by staff since the form was filled) by `<list>.was<old id>`.
 */
import type { FullRecord } from '../associations/associations.repository.js';
import type { Diff, FieldChange } from '../associations/associations.service.js';
import { GROUPS, SUBLISTS } from './definition.js';
import {
  type AssociationInput,
  type CatalogueCodes,
  type FormValues,
  type ParseResult,
  parseAssociationForm,
  valuesFromRecord,
} from './schema.js';

export type FlatBody = Record<string, string | string[]>;

/** Record management (status, data level, paper dossier) stays with the NGO Department: not on the officer's form. */
export const STAFF_ONLY_GROUP = 'K';
const STAFF_ONLY_FIELDS = new Set((GROUPS.find((g) => g.key === STAFF_ONLY_GROUP)?.fields ?? []).map((f) => f.name));

export function flatten(values: FormValues): FlatBody {
  const out: FlatBody = {};
  for (const [k, v] of Object.entries(values.fields)) if (!STAFF_ONLY_FIELDS.has(k)) out[k] = v;
  for (const list of SUBLISTS) {
    (values.lists[list.name] ?? []).forEach((row, i) => {
      for (const [f, v] of Object.entries(row)) if (v !== '' && v !== undefined) out[`${list.name}.${i}.${f}`] = v;
    });
  }
  return out;
}

/** A posted or uploaded body, kept as the form would show it again (partial data allowed: no validation). */
export function normalizeBody(body: unknown, codes: CatalogueCodes): FlatBody {
  return flatten(parseAssociationForm(body, codes).values);
}

export function valuesOf(body: FlatBody, codes: CatalogueCodes): FormValues {
  return parseAssociationForm(body, codes).values;
}

/** The form pre-filled from the current record. */
export function bodyFromRecord(full: FullRecord): FlatBody {
  return flatten(valuesFromRecord(full.record, full.lists));
}

/** The body with the record's own management fields, which the officer neither sees nor changes. */
function withStaffFields(body: FlatBody, record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!STAFF_ONLY_FIELDS.has(k)) out[k] = v;
  for (const name of STAFF_ONLY_FIELDS) {
    const v = record[name];
    out[name] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

/** Full validation of a submission with the register's schema (staff-only fields taken from the record). */
export function parseSubmission(body: FlatBody, record: Record<string, unknown>, codes: CatalogueCodes): ParseResult {
  return parseAssociationForm(withStaffFields(body, record), codes);
}

type Row = Record<string, unknown>;
export interface KeyedInput {
  record: Record<string, unknown>;
  other_field_codes: string[];
  /** Rows with `id` = the row id (known rows) or `new<k>` (rows the association adds). */
  lists: Record<string, Row[]>;
}

/** Row ids of the current record, per list. */
export function knownIds(full: FullRecord): Record<string, Set<string>> {
  return Object.fromEntries(SUBLISTS.map((l) => [l.name, new Set((full.lists[l.name] ?? []).map((r) => String(r.id)))]));
}

/** The key of each row of a list as the form shows it (deleted rows included), index for index. */
export function rowKeys(values: FormValues, list: string, known: Set<string>): string[] {
  let k = 0;
  return (values.lists[list] ?? []).map((r, i) => {
    if (r.id && known.has(r.id)) return `${list}.${r.id}`;
    if (r._delete) return `${list}.gone${i}`;
    if (r.id) return `${list}.was${r.id}`; // a row removed from the record since the form was filled
    return `${list}.new${k++}`;
  });
}

function keyed(input: AssociationInput, known: Record<string, Set<string>>): KeyedInput {
  const lists: Record<string, Row[]> = {};
  for (const list of SUBLISTS) {
    let k = 0;
    const ids = known[list.name] ?? new Set<string>();
    lists[list.name] = (input.lists[list.name] ?? []).map((r) => {
      const id = r.id === undefined ? `new${k++}` : ids.has(String(r.id)) ? r.id : `was${r.id}`;
      return { ...r, id };
    });
  }
  return { record: { ...input.record }, other_field_codes: [...input.other_field_codes].sort(), lists };
}

function asSnapshot(k: KeyedInput): FullRecord {
  return { record: { ...k.record, other_field_codes: k.other_field_codes } as FullRecord['record'], lists: k.lists };
}

export interface ChangeItem {
  key: string;
  kind: 'field' | 'added' | 'removed' | 'changed';
  /** Field label, or the sub-list title and the row's label. */
  title: string;
  row: string;
  changes: FieldChange[];
  /** What the association proposes for this item (to carry an acceptance over a resubmission only if unchanged). */
  fingerprint: string;
}

export interface Comparison {
  current: KeyedInput;
  submitted: KeyedInput;
  items: ChangeItem[];
  /** The submission is invalid against the schema (only possible for a draft or a legacy body). */
  errors: Record<string, string>;
}

/**
 * Every change the submission makes to the current record: fields, and sub-list rows added, removed or changed.
 * `diff` is the register's diffSnapshots (display values, labels and keys).
 */
export function compare(
  full: FullRecord,
  body: FlatBody,
  codes: CatalogueCodes,
  diff: (a: FullRecord, b: FullRecord) => Diff,
  base: FullRecord | null = null,
): Comparison {
  const known = knownIds(full);
  const current = keyed(parseSubmission(bodyFromRecord(full), full.record, codes).input, known);
  const parsed = parseSubmission(body, full.record, codes);
  const submitted = keyed(parsed.input, known);
  const d = diff(asSnapshot(current), asSnapshot(submitted));
  if (base) {
    // Only what the association changed from the version its form was filled from: a change staff made to the
    // record meanwhile (a field edited, a leader added) is neither shown as the association's nor undone on approval.
    const baseKnown = knownIds(base);
    const fromBase = diff(
      asSnapshot(keyed(parseSubmission(bodyFromRecord(base), base.record, codes).input, baseKnown)),
      asSnapshot(keyed(parsed.input, baseKnown)),
    );
    const changed = new Set<string>([...fromBase.fields.map((c) => c.key ?? c.label), ...fromBase.lists.map((l) => l.key)]);
    d.fields = d.fields.filter((c) => changed.has(c.key ?? c.label));
    d.lists = d.lists.filter((l) => {
      const dot = l.key.indexOf('.');
      const [list, id] = [l.key.slice(0, dot), l.key.slice(dot + 1)];
      if (id.startsWith('new')) return true;
      if (id.startsWith('was')) return changed.has(`${list}.${id.slice(3)}`);
      return changed.has(l.key);
    });
  }
  const items: ChangeItem[] = [
    ...d.fields.map((c) => ({
      key: c.key ?? c.label,
      kind: 'field' as const,
      title: c.label,
      row: '',
      changes: [c],
      fingerprint: JSON.stringify(['field', c.after]),
    })),
    ...d.lists.map((l) => ({
      key: l.key,
      kind: l.kind,
      title: l.title,
      row: l.row,
      changes: l.changes,
      fingerprint: JSON.stringify([l.kind, l.changes.map((c) => [c.label, c.after])]),
    })),
  ];
  return { current, submitted, items, errors: parsed.errors };
}

/** The record with only the accepted items of the submission applied, ready for associations.update. */
export function applyAccepted(cmp: Comparison, accepted: ReadonlySet<string>): AssociationInput {
  const record = { ...cmp.current.record } as AssociationInput['record'];
  let other = [...cmp.current.other_field_codes];
  for (const item of cmp.items) {
    if (item.kind !== 'field' || !accepted.has(item.key)) continue;
    if (item.key === 'other_field_codes') other = [...cmp.submitted.other_field_codes];
    else record[item.key] = cmp.submitted.record[item.key] as AssociationInput['record'][string];
  }
  const lists: AssociationInput['lists'] = {};
  for (const list of SUBLISTS) {
    const proposed = new Map((cmp.submitted.lists[list.name] ?? []).map((r) => [`${list.name}.${String(r.id)}`, r]));
    const rows: Row[] = [];
    for (const r of cmp.current.lists[list.name] ?? []) {
      const key = `${list.name}.${String(r.id)}`;
      if (!accepted.has(key)) rows.push(r);
      else if (proposed.has(key)) rows.push({ ...proposed.get(key), id: r.id }); // changed
      // else: removed
    }
    for (const [key, r] of proposed) {
      if (/^(new|was)/.test(String(r.id)) && accepted.has(key)) {
        const { id: _new, ...rest } = r;
        rows.push(rest);
      }
    }
    lists[list.name] = rows as AssociationInput['lists'][string];
  }
  return { record, other_field_codes: other, lists };
}

/**
 * A corrected returned submission: the previous body with only the returned items taken from the posted body
 * (the form shows only those, under the previous body's row indices). Everything else stays as it was accepted.
 */
export function mergeReturned(
  previous: FlatBody,
  posted: Record<string, unknown>,
  returned: ReadonlySet<string>,
  full: FullRecord,
  codes: CatalogueCodes,
): FlatBody {
  const values = valuesOf(previous, codes);
  const known = knownIds(full);
  const fresh = parseAssociationForm(posted, codes).values; // the posted top-level fields, normalised
  for (const g of GROUPS) {
    for (const def of g.fields) {
      if (returned.has(def.name) && fresh.fields[def.name] !== undefined)
        values.fields[def.name] = fresh.fields[def.name] as string | string[];
    }
  }
  const text = (v: unknown) => (typeof v === 'string' ? v : Array.isArray(v) ? v.filter((x) => typeof x === 'string').join(', ') : '');
  for (const list of SUBLISTS) {
    const rows = values.lists[list.name] ?? [];
    const keys = rowKeys(values, list.name, known[list.name] ?? new Set());
    rows.forEach((row, i) => {
      if (!returned.has(keys[i] as string)) return;
      for (const f of list.fields) {
        const raw = posted[`${list.name}.${i}.${f.name}`];
        row[f.name] = f.type === 'bool' ? (raw ? 'on' : '') : text(raw);
      }
      const drop = Boolean(posted[`${list.name}.${i}._delete`]);
      if (row.id) row._delete = drop ? 'on' : '';
      else if (drop) for (const f of list.fields) row[f.name] = ''; // an added row withdrawn: a blank row is dropped
    });
  }
  return normalizeBody(flatten(values), codes);
}
