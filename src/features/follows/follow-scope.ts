/**
 * What a follower may be told about a record (issue 16 item 2; R-8.5, R-17.2, SPEC §1): the one place that decides
 * whether a user can follow a record, which of its changes a notice may name, and where the notice links.
 *
 * Three ways to read a record, best first:
 *  - `full`: the register (ngo_staff, ngo_lead, leader) or the association's own officer — every field;
 *  - `grant`: an exploiter whose organisation's grant in force includes report (a) (the general information of an
 *    association, of any record) — the fields of report (a), never leaders' personal data;
 *  - `public`: anyone signed in, while the record is published — the public fields of the record itself under the
 *    configured regime (sub-list-derived public values, such as the president's name, are not compared: a change
 *    to another leader must not show as a public change).
 * No way at all: no follow (404) and no notice.
 */
import type { AuthUser } from '../../lib/auth-context.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import type { EffectiveAccess } from '../access/effective-access.js';
import { canReadCategory, REPORT_ROLES } from '../access/report-access.js';
import { type FieldDef, GROUPS, type PublicRegime, SUBLISTS } from '../register-form/definition.js';
import type { RecordSnapshot } from '../register-form/diff.js';

export type ReadLevel = 'full' | 'grant' | 'public';

/** The reader as the policy needs it: a request's user, or a follower loaded by the job. */
export type FollowReader = Pick<AuthUser, 'roles' | 'associationId'> & { access?: EffectiveAccess | null | undefined };

/** How this reader may read this record, or null (then they may neither follow it nor hear of it). */
export function readLevel(reader: FollowReader, record: { id: number; published: boolean }): ReadLevel | null {
  if (hasAnyRole(reader.roles, REPORT_ROLES)) return 'full';
  if (reader.associationId === record.id && hasAnyRole(reader.roles, ['association'])) return 'full';
  if (canReadCategory(reader, 'a')) return 'grant';
  return record.published ? 'public' : null;
}

/** The page a notice links to: the reader's own view of the record. */
export function recordLink(level: ReadLevel, reader: FollowReader, code: string): string {
  if (level === 'full') return hasAnyRole(reader.roles, REPORT_ROLES) ? paths.register.record(code) : paths.submissions.officerHome();
  if (level === 'grant') return paths.reports.category('a', { ma: code });
  return paths.public.association(code);
}

const feedsA = (def: FieldDef) => def.reports?.includes('a') ?? false;

/** Record attributes outside the form that only the register's readers see. */
const FULL_EXTRAS: ReadonlyArray<readonly [string, string]> = [
  ['published', 'Công khai trên cổng thông tin'],
  ['paper_checked_at', 'Đối chiếu hồ sơ giấy'],
];

/** Whether a field of the record itself may be named to this level. */
function recordFieldVisible(def: FieldDef, level: ReadLevel, regime: PublicRegime): boolean {
  if (level === 'full') return true;
  if (level === 'grant') return feedsA(def) && !def.personal;
  return def.public?.regimes.includes(regime) ?? false;
}

/** The fields of a sub-list this level may see changed (none for `public`, see the header). */
function listFieldsVisible(fields: readonly FieldDef[], level: ReadLevel): readonly FieldDef[] {
  if (level === 'full') return fields;
  if (level === 'grant') return fields.filter((f) => feedsA(f) && !f.personal);
  return [];
}

const norm = (v: unknown): string => JSON.stringify(v === undefined || v === '' ? null : v);

function listChanged(
  before: ReadonlyArray<Record<string, unknown>>,
  after: ReadonlyArray<Record<string, unknown>>,
  fields: readonly FieldDef[],
): boolean {
  const byId = new Map(before.map((r) => [String(r.id), r]));
  for (const row of after) {
    const old = byId.get(String(row.id));
    byId.delete(String(row.id));
    if (!old || fields.some((f) => norm(old[f.name]) !== norm(row[f.name]))) return true;
  }
  return byId.size > 0;
}

/**
 * The labels of what changed from `before` to `after` that this level may see, in the form's order (record fields,
 * then sub-lists by title). `before` null (the earlier version was not kept): null — nothing can be named.
 */
export function visibleChanges(
  before: RecordSnapshot | null,
  after: RecordSnapshot,
  level: ReadLevel,
  regime: PublicRegime,
): string[] | null {
  if (!before) return null;
  const labels: string[] = [];
  for (const g of GROUPS) {
    for (const def of g.fields) {
      if (recordFieldVisible(def, level, regime) && norm(before.record[def.name]) !== norm(after.record[def.name])) labels.push(def.label);
    }
  }
  if (level === 'full') {
    for (const [key, label] of FULL_EXTRAS) if (norm(before.record[key]) !== norm(after.record[key])) labels.push(label);
  }
  for (const list of SUBLISTS) {
    const fields = listFieldsVisible(list.fields, level);
    if (fields.length > 0 && listChanged(before.lists[list.name] ?? [], after.lists[list.name] ?? [], fields)) labels.push(list.title);
  }
  return labels;
}
