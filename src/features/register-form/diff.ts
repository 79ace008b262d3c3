/**
 * Field-by-field differences between two snapshots of a record: the history page, the conflict shown on a
 * stale save, and a submission's change-set (change-set.ts) all read the same diff.
 */
import { formatDateTime } from '../../lib/format.js';
import { type FieldDef, GROUPS, SUBLISTS } from './definition.js';
import { type CatalogueOptions, display } from './display.js';

/** A record with its sub-lists as stored (a version's snapshot; row `id`s identify the rows). */
export interface RecordSnapshot {
  record: Record<string, unknown> & { other_field_codes: string[] };
  lists: Record<string, Array<Record<string, unknown>>>;
}

export interface FieldChange {
  /** The field's name (top-level fields of the record; absent inside a sub-list row). */
  key?: string;
  label: string;
  before: string;
  after: string;
  /** The values are texts of the form itself ("Có", a fixed option's name), not data: a view may translate them. */
  fixed?: true;
}
export interface ListChange {
  /** `<list>.<row id>`: identifies the row (used by the submissions review to accept or return each change). */
  key: string;
  title: string;
  kind: 'added' | 'removed' | 'changed';
  row: string;
  changes: FieldChange[];
}
export interface Diff {
  fields: FieldChange[];
  lists: ListChange[];
}

/** Values that are texts of the form (yes/no, a fixed list's option), which a view translates; not typed data. */
const fixedTexts = (def: FieldDef): { fixed?: true } =>
  def.type === 'bool' || (def.options !== undefined && 'values' in def.options) ? { fixed: true } : {};

/** Record attributes outside the form that the history still shows. */
const RECORD_EXTRAS: ReadonlyArray<[string, string, (v: unknown) => string]> = [
  ['published', 'Công khai trên cổng thông tin', (v) => (v ? 'Có' : 'Không')],
  ['paper_checked_at', 'Đối chiếu hồ sơ giấy lần cuối', (v) => formatDateTime(v as Date | string | null)],
];

function fieldChanges(a: RecordSnapshot, b: RecordSnapshot, options: CatalogueOptions): FieldChange[] {
  const fields: FieldChange[] = [];
  for (const g of GROUPS) {
    for (const def of g.fields) {
      const before = display(def, a.record[def.name], options);
      const after = display(def, b.record[def.name], options);
      if (before !== after) fields.push({ key: def.name, label: def.label, before, after, ...fixedTexts(def) });
    }
  }
  for (const [key, label, fmt] of RECORD_EXTRAS) {
    if (fmt(a.record[key]) !== fmt(b.record[key]))
      fields.push({
        key,
        label,
        before: fmt(a.record[key]),
        after: fmt(b.record[key]),
        ...(key === 'published' ? { fixed: true as const } : {}),
      });
  }
  return fields;
}

function listChanges(a: RecordSnapshot, b: RecordSnapshot, options: CatalogueOptions): ListChange[] {
  const lists: ListChange[] = [];
  for (const def of SUBLISTS) {
    const byId = new Map((a.lists[def.name] ?? []).map((r) => [r.id, r]));
    const show = (r: Record<string, unknown>, f: FieldDef) => display(f, r[f.name], options);
    const label = (r: Record<string, unknown>) =>
      def.fields
        .slice(0, 3)
        .map((f) => show(r, f))
        .filter(Boolean)
        .join(' — ');
    const change = (
      kind: ListChange['kind'],
      row: Record<string, unknown>,
      before: Record<string, unknown>,
      after: Record<string, unknown>,
    ) => {
      const changes = def.fields
        .map((f) => ({ label: f.label, before: show(before, f), after: show(after, f), ...fixedTexts(f) }))
        .filter((c) => c.before !== c.after);
      return { key: `${def.name}.${String(row.id)}`, title: def.title, kind, row: label(row), changes };
    };
    for (const rowB of b.lists[def.name] ?? []) {
      const rowA = byId.get(rowB.id);
      byId.delete(rowB.id);
      if (!rowA) lists.push(change('added', rowB, {}, rowB));
      else {
        const changed = change('changed', rowB, rowA, rowB);
        if (changed.changes.length) lists.push(changed);
      }
    }
    for (const gone of byId.values()) lists.push(change('removed', gone, gone, {}));
  }
  return lists;
}

/** Every difference from `a` to `b`, as display text: record fields first, then sub-list rows added, changed, removed. */
export function diffSnapshots(a: RecordSnapshot, b: RecordSnapshot, options: CatalogueOptions): Diff {
  return { fields: fieldChanges(a, b, options), lists: listChanges(a, b, options) };
}
