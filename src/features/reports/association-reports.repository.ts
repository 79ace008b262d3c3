/**
 * SQL of the reports on the associations themselves (Knex only): counts by a grouping (b, c, the staff home), the
 * detail lists (b, c, l), headquarters (k), natures (l) and the custom list (n); report a's are in
 * general-report.repository.ts.
 * Groupings come from an allow-list; the custom list's columns from the field catalogue, never from the request.
 */
import type { Knex } from 'knex';
import { associationSummary, associations, LIST_SORT_SQL, num, summaryAnswers } from './report-base.repository.js';
import type { ReportFilters } from './reports.schemas.js';

export interface CountRow {
  key: string | null;
  scope: string;
  n: number;
}

/** Whitelisted groupings of the count reports. */
const GROUP_COLUMNS = {
  field: 'a.main_field_code',
  ministry: 'a.managing_ministry_code',
  nature: 'a.nature_code',
  origin: 'a.hq_origin_code',
  status: 'a.status',
  scope: 'a.scope',
} as const;
export type GroupKey = keyof typeof GROUP_COLUMNS;

/** The summary dimension of a grouping ('scope' has none of its own: every dimension is kept per scope). */
const SUMMARY_DIMENSION: Record<GroupKey, string> = {
  field: 'field',
  ministry: 'ministry',
  nature: 'nature',
  origin: 'origin',
  status: 'status',
  scope: 'status',
};

/** The detail lists' columns: a catalogue code's name under the code's own column name. */
const LIST_SELECT = [
  'a.id',
  'a.code',
  'a.name',
  'a.scope',
  'p.name as hq_province_code',
  'fi.name as main_field_code',
  'm.name as managing_ministry_code',
  'na.name as nature_code',
  'a.party_state_tasked',
  's.name as status',
];

export function createAssociationReportsRepository(db: Knex) {
  return {
    /** Number of associations per group value and scope. */
    async countBy(group: GroupKey, f: ReportFilters): Promise<CountRow[]> {
      if (summaryAnswers(f)) {
        if (group === 'scope') {
          const rows = await associationSummary(db, SUMMARY_DIMENSION[group], f.scope, 'scope');
          return rows.map((r) => ({ key: r.scope, scope: String(r.scope), n: r.n }));
        }
        const rows = await associationSummary(db, SUMMARY_DIMENSION[group], f.scope, 'key-scope');
        return rows.map((r) => ({ key: r.key, scope: String(r.scope), n: r.n }));
      }
      const col = GROUP_COLUMNS[group];
      const rows = await associations(db, f)
        .select(db.raw(`${col} as key`), 'a.scope')
        .count<{ key: string | null; scope: string; n: string | number }[]>('* as n')
        .groupByRaw(`${col}, a.scope`);
      return rows.map((r) => ({ key: r.key, scope: r.scope, n: num(r.n) }));
    },

    async countTotal(f: ReportFilters): Promise<number> {
      if (summaryAnswers(f)) return (await associationSummary(db, 'status', f.scope, 'scope')).reduce((s, r) => s + r.n, 0);
      const row = await associations(db, f).count<{ n: number }[]>('* as n').first();
      return num(row?.n);
    },

    /**
     * Associations matching the filters: the detail lists of b, c, l. Each column is named by its field of Biểu mẫu 1
     * (a catalogue field holds the catalogue entry's name).
     */
    async listAssociations(f: ReportFilters, limit: number | null, offset: number): Promise<Array<Record<string, unknown>>> {
      const q = associations(db, f)
        .leftJoin('provinces as p', 'p.code', 'a.hq_province_code')
        .leftJoin('statuses as s', 's.code', 'a.status')
        .leftJoin('fields as fi', 'fi.code', 'a.main_field_code')
        .leftJoin('ministries as m', 'm.code', 'a.managing_ministry_code')
        .leftJoin('natures as na', 'na.code', 'a.nature_code')
        .select(LIST_SELECT.filter((c) => !f.provinceMap || !c.endsWith(' as hq_province_code')));
      // By the 63 provinces before 01/07/2025: the former province (issue 16 item 7), as report k groups it.
      if (f.provinceMap)
        q.leftJoin('provinces as fp', 'fp.code', 'a.former_province_code').select(
          // server-text: SQL (the province cell of a list, data read from the catalogue)
          db.raw(`CASE WHEN a.hq_province_code IS NULL THEN NULL
                       ELSE coalesce(fp.name, p.name || ' (chưa xác định tỉnh cũ)') END AS hq_province_code`),
        );
      for (const col of LIST_SORT_SQL[f.sort === 'ma-hoi' ? 'ma-hoi' : 'ten-hoi']) q.orderBy(col);
      if (limit !== null) q.limit(limit).offset(offset);
      return q;
    },

    /** Headquarters area and origin (report k). */
    async hqByOrigin(f: ReportFilters): Promise<Array<{ key: string | null; n: number; with_area: number; area: number }>> {
      if (summaryAnswers(f)) {
        const rows = await associationSummary(db, 'origin', f.scope, 'key');
        return rows.map((r) => ({ key: r.key, n: r.n, with_area: r.with_area, area: r.area }));
      }
      const rows = await associations(db, f)
        .select(db.raw('a.hq_origin_code as key'))
        .count<Array<Record<string, unknown>>>('* as n')
        .count('a.hq_area_m2 as with_area')
        .sum('a.hq_area_m2 as area')
        .groupBy('a.hq_origin_code');
      return rows.map((r) => ({ key: (r.key as string | null) ?? null, n: num(r.n), with_area: num(r.with_area), area: num(r.area) }));
    },

    /** Associations by nature, with the Party/State-tasked ones (report l). */
    async byNature(f: ReportFilters): Promise<Array<{ key: string | null; n: number; tasked: number }>> {
      if (summaryAnswers(f)) {
        const rows = await associationSummary(db, 'nature', f.scope, 'key');
        return rows.map((r) => ({ key: r.key, n: r.n, tasked: r.tasked }));
      }
      const rows = await associations(db, f)
        .select(db.raw('a.nature_code as key'))
        .count<Array<Record<string, unknown>>>('* as n')
        .select(db.raw('sum(case when a.party_state_tasked then 1 else 0 end) as tasked'))
        .groupBy('a.nature_code');
      return rows.map((r) => ({ key: (r.key as string | null) ?? null, n: num(r.n), tasked: num(r.tasked) }));
    },

    /** Custom list (n): `columns` are field-catalogue names checked by the service. */
    async custom(
      columns: readonly string[],
      f: ReportFilters,
      limit: number | null,
      offset: number,
    ): Promise<Array<Record<string, unknown>>> {
      const q = associations(db, f).select(['a.id', 'a.code', ...columns.filter((c) => c !== 'code').map((c) => `a.${c}`)]);
      for (const col of LIST_SORT_SQL[f.sort === 'ma-hoi' ? 'ma-hoi' : 'ten-hoi']) q.orderBy(col);
      if (limit !== null) q.limit(limit).offset(offset);
      return q;
    },

    /** Dashboard: records not saved since `since`. */
    async countNotUpdatedSince(since: Date): Promise<number> {
      // All associations (the summary) minus those saved since (few, by index on updated_at, which is never null),
      // in one statement: the same figure as counting the not-updated ones, without reading 100,000 rows.
      const recent = db('associations').where('updated_at', '>=', since).count('*');
      const all = db('report_association_parts').where('dimension', 'status').sum('n');
      const row = (await db.first(db.raw('coalesce((?), 0) - (?) AS n', [all, recent]))) as { n: unknown } | undefined;
      return num(row?.n);
    },
  };
}

export type AssociationReportsRepository = ReturnType<typeof createAssociationReportsRepository>;
