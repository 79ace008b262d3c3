/**
 * Biểu mẫu 1 as a task list (issue 18 item 2, the GOV.UK "task list" pattern): each section of definition.ts is a
 * page of its own, saved on its own. This module holds what the staff edit and the officer's form share: which keys
 * of the flat body belong to a section, a section's post laid over the stored body (the other sections kept), the
 * section's errors, its state on the task list, and the row buttons that work without JavaScript
 * (`action=add:leaders`, `action=remove:leaders:3`, `action=keep:leaders:3`).
 */
import type { Translate } from '../../lib/i18n.js';
import { type FieldDef, SECTIONS, type SectionDef, SUBLISTS, type SubListDef } from './definition.js';
import type { FlatBody } from './flat-body.js';
import { type FormValues, shownValue } from './schema.js';

export type SectionState = 'not_started' | 'in_progress' | 'done' | 'errors';

/** The task list's status tags (Vietnamese labels — on screen they come from form:state.<state>, see stateTag — and
 * Bootstrap badge classes with a contrast of 4.5:1 or more). */
// server-text: the Vietnamese labels are not printed; the page shows form:state.<state> (stateTag)
export const SECTION_STATES: Readonly<Record<SectionState, { label: string; badge: string }>> = {
  not_started: { label: 'Chưa bắt đầu', badge: 'text-bg-light border' }, // server-text: not printed (form:state)
  in_progress: { label: 'Đang khai', badge: 'text-bg-info' }, // server-text: not printed (form:state)
  done: { label: 'Đã xong', badge: 'text-bg-success' }, // server-text: not printed (form:state)
  errors: { label: 'Có lỗi', badge: 'text-bg-danger' }, // server-text: not printed (form:state)
};

/** A state's tag on the task list with its label in the reader's language (`form:state.<state>`). */
export function stateTag(state: SectionState, t: Translate): { label: string; badge: string } {
  return { label: t(`form:state.${state}`), badge: SECTION_STATES[state].badge };
}

/** A section's title in the reader's language (`form:sections.<key>`; the definition's Vietnamese title otherwise). */
export function sectionTitle(section: SectionDef, t: Translate): string {
  return t(`form:sections.${section.key}`, { defaultValue: section.title });
}

const LIST_BY_NAME: ReadonlyMap<string, SubListDef> = new Map(SUBLISTS.map((l) => [l.name, l]));

export function sectionBySlug(sections: readonly SectionDef[], slug: string): SectionDef | undefined {
  return sections.find((s) => s.slug === slug);
}

/** The section after `section` in `sections` (the "Lưu và tiếp tục" target), or null after the last. */
export function nextSection(sections: readonly SectionDef[], section: SectionDef): SectionDef | null {
  const i = sections.findIndex((s) => s.key === section.key);
  return sections[i + 1] ?? null;
}

export function sectionLists(section: SectionDef): SubListDef[] {
  return section.sublists.map((n) => LIST_BY_NAME.get(n)).filter((l): l is SubListDef => Boolean(l));
}

/** Whether a key of the flat body or of the errors (`name`, `leaders`, `leaders.2.full_name`) is the section's. */
export function inSection(section: SectionDef, key: string): boolean {
  const head = key.includes('.') ? key.slice(0, key.indexOf('.')) : key;
  return section.fields.some((f) => f.name === key) || section.sublists.includes(head);
}

/** The section a key belongs to. */
export function sectionOfKey(key: string, sections: readonly SectionDef[] = SECTIONS): SectionDef | undefined {
  return sections.find((s) => inSection(s, key));
}

/**
 * The stored flat body with the section's keys replaced by the posted ones: a field or row the post does not carry is
 * empty (an unticked box, a removed row), every other section's value stays as stored.
 */
export function withSection(stored: FlatBody, posted: Record<string, unknown>, section: SectionDef): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stored)) if (!inSection(section, k)) out[k] = v;
  for (const [k, v] of Object.entries(posted)) if (inSection(section, k)) out[k] = v;
  return out;
}

export function sectionErrors(errors: Record<string, string>, section: SectionDef): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).filter(([k]) => inSection(section, k)));
}

/** The value shown for an error's key (a field, or a row's cell), '' when there is none. */
function shownAt(values: FormValues, key: string): string {
  const parts = key.split('.');
  if (parts.length === 1) {
    const v = values.fields[key];
    return Array.isArray(v) ? v.join('') : (v ?? '');
  }
  if (parts.length === 3) return values.lists[parts[0] as string]?.[Number(parts[1])]?.[parts[2] as string] ?? '';
  return 'x'; // a list-wide error (too many rows) is never a missing value
}

/** Only a required value left empty: what a draft may still hold, and what sets a section "in progress". */
export function isMissing(values: FormValues, key: string, message: string): boolean {
  return shownAt(values, key) === '' && message.endsWith('là bắt buộc.'); // server-text: matches a message, not shown
}

/** The errors a draft may not keep: wrong values (a bad date, an unknown code), not required ones left empty. */
export function invalidErrors(values: FormValues, errors: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(errors).filter(([k, m]) => !isMissing(values, k, m)));
}

function hasContent(values: FormValues, section: SectionDef): boolean {
  const field = (f: FieldDef) => {
    const v = values.fields[f.name];
    return Array.isArray(v) ? v.length > 0 : Boolean(v);
  };
  return section.fields.some(field) || section.sublists.some((n) => (values.lists[n] ?? []).length > 0);
}

/**
 * A section's state on the task list. `errors`: the whole form's errors on these values. `started`: whether the
 * section was saved in this filing (the officer's draft); unset (staff), a section with no value is "not started".
 */
export function sectionState(section: SectionDef, values: FormValues, errors: Record<string, string>, started?: boolean): SectionState {
  const own = sectionErrors(errors, section);
  if (Object.keys(invalidErrors(values, own)).length > 0) return 'errors';
  if (started === undefined ? !hasContent(values, section) : !started) return 'not_started';
  if (Object.keys(own).length > 0) return 'in_progress';
  return 'done';
}

/** A row button pressed instead of a save: add a blank row, mark a row for removal, keep it after all. */
export type RowAction = { kind: 'add' | 'remove' | 'keep'; list: string; index: number };

export function rowAction(section: SectionDef, action: unknown): RowAction | null {
  if (typeof action !== 'string') return null;
  const m = /^(add|remove|keep):([a-z_]+)(?::(\d{1,3}))?$/.exec(action);
  if (!m || !section.sublists.includes(m[2] as string)) return null;
  const kind = m[1] as RowAction['kind'];
  if (kind !== 'add' && m[3] === undefined) return null;
  return { kind, list: m[2] as string, index: Number(m[3] ?? -1) };
}

/** The section's values as posted, every row kept (blank ones too), for the page shown again after a row button. */
export function postedSectionValues(section: SectionDef, posted: Record<string, unknown>): FormValues {
  const fields: FormValues['fields'] = {};
  for (const f of section.fields) fields[f.name] = shownValue(f, posted[f.name]);
  const lists: FormValues['lists'] = {};
  for (const list of sectionLists(section)) {
    const rows = new Map<number, Record<string, unknown>>();
    for (const [k, v] of Object.entries(posted)) {
      const m = new RegExp(`^${list.name}\\.(\\d{1,3})\\.([a-z_]+)$`).exec(k);
      if (!m) continue;
      const row = rows.get(Number(m[1])) ?? {};
      row[m[2] as string] = v;
      rows.set(Number(m[1]), row);
    }
    lists[list.name] = [...rows.entries()]
      .sort(([a], [b]) => a - b)
      .map(([, raw]) => {
        const out: Record<string, string> = {};
        for (const f of list.fields) out[f.name] = shownValue(f, raw[f.name]) as string;
        if (typeof raw.id === 'string' && /^\d{1,10}$/.test(raw.id)) out.id = raw.id;
        if (out.id && raw._delete) out._delete = 'on';
        return out;
      });
  }
  return { fields, lists };
}

/** Apply a row button to the values shown: a blank row added, a new row dropped, a stored row marked (or unmarked). */
export function applyRowAction(values: FormValues, a: RowAction): FormValues {
  const rows = [...(values.lists[a.list] ?? [])];
  const list = LIST_BY_NAME.get(a.list);
  if (a.kind === 'add' && list && rows.length < list.maxRows) rows.push({});
  const row = rows[a.index];
  if (a.kind === 'remove' && row) {
    if (row.id) rows[a.index] = { ...row, _delete: 'on' };
    else rows.splice(a.index, 1);
  }
  if (a.kind === 'keep' && row) rows[a.index] = { ...row, _delete: '' };
  return { ...values, lists: { ...values.lists, [a.list]: rows } };
}
