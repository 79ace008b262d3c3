/**
 * The register's checks that need the database: a decision's related association exists and is another one,
 * the managing ministry defaults to the main field's, and a live association's name is not used by another live
 * one. `resolveInput` for one saved form, `resolveMany` for a bulk import (one query per kind of check).
 */
import type { Knex } from 'knex';
import { ValidationError } from '../../lib/errors.js';
import type { AssociationInput } from '../register-form/schema.js';
import { type AssociationsRepository, LIVE_STATUSES } from './associations.repository.js';

const LIVE = new Set(LIVE_STATUSES);

const relatedMissing = (row: number, code: string) => `Quyết định và sự kiện pháp lý, dòng ${row + 1}: không có hội mang mã ${code}.`;
const relatedSelf = (row: number) => `Quyết định và sự kiện pháp lý, dòng ${row + 1}: hội liên quan phải là một hội khác.`;

function relatedCodes(input: AssociationInput): string[] {
  return (input.lists.decisions ?? [])
    .map((d) => d.related_association_code)
    .filter((c): c is string => typeof c === 'string' && c !== '')
    .map((c) => c.toUpperCase());
}

/** Sets each decision's related_association_id from its code; reports codes unknown or pointing at the record itself. */
function linkDecisions(
  input: AssociationInput,
  selfId: number | null,
  ids: ReadonlyMap<string, number>,
  fail: (key: string, message: string) => void,
): void {
  (input.lists.decisions ?? []).forEach((d, i) => {
    const code = typeof d.related_association_code === 'string' ? d.related_association_code.toUpperCase() : '';
    d.related_association_id = null;
    if (!code) return;
    const id = ids.get(code);
    if (!id) fail(`decisions.${i}.related_association_code`, relatedMissing(i, code));
    else if (id === selfId) fail(`decisions.${i}.related_association_code`, relatedSelf(i));
    else d.related_association_id = id;
  });
}

function isLive(input: AssociationInput): boolean {
  return LIVE.has(String(input.record.status));
}

/** Checks one input; adds related association ids to its decision rows and the default ministry. */
export async function resolveInput(repo: AssociationsRepository, input: AssociationInput, selfId: number | null, trx: Knex): Promise<void> {
  const errors: Record<string, string> = {};
  linkDecisions(input, selfId, await repo.idsForCodes(relatedCodes(input), trx), (key, message) => {
    errors[key] = message;
  });
  // The managing ministry defaults to the main field's (FORM-1.md: each field has a default ministry).
  if (!input.record.managing_ministry_code && input.record.main_field_code)
    input.record.managing_ministry_code = await repo.defaultMinistry(String(input.record.main_field_code), trx);
  const name = String(input.record.name ?? '');
  if (isLive(input) && name) {
    const clash = await repo.liveNameHolder(name, selfId, trx);
    if (clash) errors.name = `Tên hội đã được dùng cho một hội đang hoạt động (mã ${clash.code}).`;
  }
  if (Object.keys(errors).length) throw new ValidationError(errors);
}

/**
 * The checks of `resolveInput` for many inputs at once (bulk import, R-8.2). Mutates the inputs like `resolveInput`
 * (related ids, default ministry) and returns the errors of each item by its index. Names clashing between items of
 * the same batch are reported too.
 */
export async function resolveMany(
  repo: AssociationsRepository,
  items: ReadonlyArray<{ input: AssociationInput; selfId: number | null }>,
  trx: Knex,
): Promise<Map<number, Record<string, string>>> {
  const errorsOf = new Map<number, Record<string, string>>();
  const fail = (i: number, key: string, message: string) => {
    const e = errorsOf.get(i) ?? {};
    e[key] ??= message;
    errorsOf.set(i, e);
  };
  const codeList = [...new Set(items.flatMap(({ input }) => relatedCodes(input)))];
  const ids = new Map<string, number>();
  for (let i = 0; i < codeList.length; i += 5000)
    for (const [c, id] of await repo.idsForCodes(codeList.slice(i, i + 5000), trx)) ids.set(c, id);
  const defaults = await repo.defaultMinistries(trx);
  const liveNames = new Map<string, number[]>();
  items.forEach(({ input, selfId }, i) => {
    linkDecisions(input, selfId, ids, (key, message) => fail(i, key, message));
    if (!input.record.managing_ministry_code && input.record.main_field_code)
      input.record.managing_ministry_code = defaults.get(String(input.record.main_field_code)) ?? null;
    const name = String(input.record.name ?? '').toLowerCase();
    if (isLive(input) && name) liveNames.set(name, [...(liveNames.get(name) ?? []), i]);
  });
  for (const indexes of liveNames.values())
    for (const i of indexes.slice(1)) fail(i, 'name', 'Tên hội trùng với một hội đang hoạt động ở dòng khác của tệp.');
  for (const c of await repo.liveNameHolders([...liveNames.keys()], trx))
    for (const i of liveNames.get(c.lname) ?? [])
      if (items[i]?.selfId !== c.id) fail(i, 'name', `Tên hội đã được dùng cho một hội đang hoạt động (mã ${c.code}).`);
  return errorsOf;
}
