/**
 * SQL shared by the reports' repositories (Knex only): the association filters every report applies, whether the
 * summary tables answer a set of filters, and the folding of their piled-up parts. Every filter value is bound.
 */
import type { Knex } from 'knex';
import type { ListSort, ReportFilters } from './reports.schemas.js';

export const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

export const LIST_SORT_SQL: Record<ListSort, string[]> = {
  'ten-hoi': ['a.name', 'a.code'],
  'ma-hoi': ['a.code'],
  'ho-ten': ['l.full_name', 'a.name'],
};

/** Whether any filter on the association itself is set (report-specific ones such as the year excluded). */
export function hasAssociationFilter(f: ReportFilters): boolean {
  return [f.field, f.ministry, f.scope, f.province, f.nature, f.status, f.tasked].some((v) => v !== undefined);
}

/**
 * Whether the summary table report_association_parts answers these filters: none on the association, or the scope
 * alone (the summary is kept per scope).
 */
export function summaryAnswers(f: ReportFilters): boolean {
  return [f.field, f.ministry, f.province, f.nature, f.status, f.tasked].every((v) => v === undefined);
}

/**
 * A summary read folds the parts (one per group and write statement) into one row per group once they number more
 * than twice its groups plus this slack: a handful of record saves never trigger it, a bulk load does once.
 */
export const SUMMARY_SLACK = 1000;
const shouldFold = (parts: number, groups: number): boolean => parts > 2 * groups + SUMMARY_SLACK;

/** The association filters every report shares. */
export function applyFilters(db: Knex, q: Knex.QueryBuilder, f: ReportFilters): Knex.QueryBuilder {
  if (f.field) q.where('a.main_field_code', f.field);
  if (f.ministry) q.where('a.managing_ministry_code', f.ministry);
  if (f.scope) q.where('a.scope', f.scope);
  // A current province also finds records still filed under a former province leading to it (province_current,
  // migration 20261231003100); a former province, the records mapped to it (filed under it, or under its successor
  // with it in their address history: former_province_code). As `= ANY(ARRAY(…))` OR an equality, both indexed, the
  // planner combines two index scans (9 ms at 100,000 associations, where `IN (subquery)` scanned the table: 140 ms).
  if (f.province) {
    const province = f.province;
    const leading = db('province_current as pc').where('pc.current_code', province).orWhere('pc.code', province).select('pc.code');
    q.where((w) => w.whereRaw('a.hq_province_code = ANY(ARRAY(?))', [leading]).orWhere('a.former_province_code', province));
  }
  if (f.nature) q.where('a.nature_code', f.nature);
  if (f.status) q.where('a.status', f.status);
  if (f.tasked !== undefined) q.where('a.party_state_tasked', f.tasked);
  return q;
}

/** The filtered associations, as `a`. */
export function associations(db: Knex, f: ReportFilters): Knex.QueryBuilder {
  return applyFilters(db, db('associations as a'), f);
}

/** Folds the summary parts into one row per group when a read saw too many of them (`shouldFold`). */
export async function foldIfPiledUp(db: Knex, rows: ReadonlyArray<{ parts?: unknown }>, groups: number = rows.length): Promise<void> {
  if (
    shouldFold(
      rows.reduce((s, r) => s + num(r.parts), 0),
      groups,
    )
  )
    // Fold each summary's parts into one row per group (exact under concurrent writers and compactions).
    await db.raw('SELECT compact_report_summaries()');
}

/**
 * The summed parts of one dimension of report_association_parts (migration 20261230000200_report_summaries),
 * per code and scope, per code, or per scope (`by`); groups whose associations are all gone (n = 0) are left out,
 * as a direct GROUP BY would. Folds the parts when they have piled up.
 */
export async function associationSummary(
  db: Knex,
  dimension: string,
  scope: string | undefined,
  by: 'key-scope' | 'key' | 'scope',
): Promise<Array<{ key: string | null; scope: string | null; n: number; tasked: number; with_area: number; area: number }>> {
  const cols = by === 'key-scope' ? ['key', 'scope'] : [by];
  const q = db('report_association_parts')
    .where('dimension', dimension)
    .select(cols)
    .sum({ n: 'n', tasked: 'tasked', with_area: 'with_area', area: 'area' })
    .count<Array<Record<string, unknown>>>('* as parts')
    .groupBy(cols);
  if (scope !== undefined) q.where('scope', scope);
  const rows = await q;
  await foldIfPiledUp(db, rows);
  return rows
    .map((r) => ({
      key: (r.key as string | null | undefined) ?? null,
      scope: (r.scope as string | undefined) ?? null,
      n: num(r.n),
      tasked: num(r.tasked),
      with_area: num(r.with_area),
      area: num(r.area),
    }))
    .filter((r) => r.n !== 0);
}
