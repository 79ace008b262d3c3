/**
 * Biểu mẫu 1 as an association files it, on top of the register's one form definition: the body is
 * the flat form body the web form posts (flat-body.ts), parsed and validated by the same parseAssociationForm;
 * this module only adds what a submission needs — the body of a record (pre-filling), the keyed list of changes
 * against the current record (the register's diffSnapshots), merging a corrected returned submission (only the
 * returned items change) and applying the accepted changes.
 *
 * Item keys: a record field by its name (`purpose`), a sub-list row by `<list>.<row id>` (`leaders.12`), a row the
 * association adds by `<list>.new<k>` (k = its order among the added rows of that list), a row of the form that
 * the record no longer has (removed by staff since the form was filled) by `<list>.was<old id>`.
 */
import { GROUPS, SUBLISTS } from './definition.js';
import { type Diff, diffSnapshots, type FieldChange, type RecordSnapshot } from './diff.js';
import { type CatalogueOptions, codesOf } from './display.js';
import { type FlatBody, fromFlatBody, toFlatBody } from './flat-body.js';
import {
  type AssociationInput,
  type CatalogueCodes,
  type FormValues,
  type ParseResult,
  parseAssociationForm,
  shownValue,
  valuesFromRecord,
} from './schema.js';

/** Record management (status, data level, paper dossier) stays with the NGO Department: not on the officer's form. */
export const STAFF_ONLY_GROUP = 'K';
const STAFF_ONLY_FIELDS: ReadonlySet<string> = new Set((GROUPS.find((g) => g.key === STAFF_ONLY_GROUP)?.fields ?? []).map((f) => f.name));

/** The body an association stores: what its form shows back, without the staff-only fields. */
export function officerBody(values: FormValues): FlatBody {
  return toFlatBody(values, STAFF_ONLY_FIELDS);
}

/** The form pre-filled from the current record. */
export function bodyFromRecord(full: RecordSnapshot): FlatBody {
  return officerBody(valuesFromRecord(full.record, full.lists));
}

/** The body with the record's own management fields, which the officer neither sees nor changes. */
function withStaffFields(body: Record<string, unknown>, record: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) if (!STAFF_ONLY_FIELDS.has(k)) out[k] = v;
  for (const name of STAFF_ONLY_FIELDS) {
    const v = record[name];
    out[name] = v === null || v === undefined ? '' : String(v);
  }
  return out;
}

/**
 * The one parse of a submission's body (posted or stored) with the register's schema, staff-only fields taken from
 * the record: `values` is what to store (officerBody) and show again, `errors` what stops it being submitted.
 */
export function parseSubmission(body: Record<string, unknown>, record: Record<string, unknown>, codes: CatalogueCodes): ParseResult {
  return parseAssociationForm(withStaffFields(body, record), codes);
}

/** Row ids of the current record, per list. */
export function knownIds(full: RecordSnapshot): Record<string, Set<string>> {
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

/**
 * A parsed input as a snapshot the diff reads: rows keep their id when the record has it, `new<k>` for rows the
 * association adds, `was<id>` for rows the record no longer has.
 */
function keyedSnapshot(input: AssociationInput, known: Record<string, Set<string>>): RecordSnapshot {
  const lists: RecordSnapshot['lists'] = {};
  for (const list of SUBLISTS) {
    let k = 0;
    const ids = known[list.name] ?? new Set<string>();
    lists[list.name] = (input.lists[list.name] ?? []).map((r) => {
      const id = r.id === undefined ? `new${k++}` : ids.has(String(r.id)) ? r.id : `was${r.id}`;
      return { ...r, id };
    });
  }
  return { record: { ...input.record, other_field_codes: [...input.other_field_codes].sort() }, lists };
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
  current: RecordSnapshot;
  submitted: RecordSnapshot;
  items: ChangeItem[];
  /** The submission is invalid against the schema (only possible for a draft or a legacy body). */
  errors: Record<string, string>;
}

/** The record as its own submission would carry it, keyed like a submission's rows. */
function recordSnapshot(full: RecordSnapshot, codes: CatalogueCodes, known: Record<string, Set<string>>): RecordSnapshot {
  return keyedSnapshot(parseSubmission(bodyFromRecord(full), full.record, codes).input, known);
}

/**
 * Only what the association changed from the version its form was filled from: a change staff made to the record
 * meanwhile (a field edited, a leader added) is neither shown as the association's nor undone on approval.
 */
function limitToBase(d: Diff, base: RecordSnapshot, input: AssociationInput, codes: CatalogueCodes, options: CatalogueOptions): void {
  const baseKnown = knownIds(base);
  const fromBase = diffSnapshots(recordSnapshot(base, codes, baseKnown), keyedSnapshot(input, baseKnown), options);
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

/** Every change the submission makes to the current record: fields, and sub-list rows added, removed or changed. */
export function compare(full: RecordSnapshot, body: FlatBody, options: CatalogueOptions, base: RecordSnapshot | null = null): Comparison {
  const codes = codesOf(options);
  const known = knownIds(full);
  const current = recordSnapshot(full, codes, known);
  const parsed = parseSubmission(body, full.record, codes);
  const submitted = keyedSnapshot(parsed.input, known);
  const d = diffSnapshots(current, submitted, options);
  if (base) limitToBase(d, base, parsed.input, codes, options);
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
  const { other_field_codes: currentOther, ...current } = cmp.current.record;
  const record = current as AssociationInput['record'];
  let other = [...currentOther];
  for (const item of cmp.items) {
    if (item.kind !== 'field' || !accepted.has(item.key)) continue;
    if (item.key === 'other_field_codes') other = [...cmp.submitted.record.other_field_codes];
    else record[item.key] = cmp.submitted.record[item.key] as AssociationInput['record'][string];
  }
  const lists: AssociationInput['lists'] = {};
  for (const list of SUBLISTS) {
    const proposed = new Map((cmp.submitted.lists[list.name] ?? []).map((r) => [`${list.name}.${String(r.id)}`, r]));
    const rows: Array<Record<string, unknown>> = [];
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
 * Returns the merged body for the one parse (parseSubmission) that validates and normalises it.
 */
export function mergeReturned(
  previous: FlatBody,
  posted: Record<string, unknown>,
  returned: ReadonlySet<string>,
  full: RecordSnapshot,
): FlatBody {
  const values = fromFlatBody(previous);
  const known = knownIds(full);
  for (const g of GROUPS) {
    for (const def of g.fields) if (returned.has(def.name)) values.fields[def.name] = shownValue(def, posted[def.name]);
  }
  for (const list of SUBLISTS) {
    const rows = values.lists[list.name] ?? [];
    const keys = rowKeys(values, list.name, known[list.name] ?? new Set());
    rows.forEach((row, i) => {
      if (!returned.has(keys[i] as string)) return;
      for (const f of list.fields) row[f.name] = shownValue(f, posted[`${list.name}.${i}.${f.name}`]) as string;
      const drop = Boolean(posted[`${list.name}.${i}._delete`]);
      if (row.id) row._delete = drop ? 'on' : '';
      else if (drop) for (const f of list.fields) row[f.name] = ''; // an added row withdrawn: a blank row is dropped
    });
  }
  return officerBody(values);
}
