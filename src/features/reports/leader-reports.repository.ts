/** SQL of the leaders' lists (reports d and đ; Knex only): leaders in office of the filtered associations. */
import type { Knex } from 'knex';
import { associations, foldIfPiledUp, hasAssociationFilter, LIST_SORT_SQL, num } from './report-base.repository.js';
import type { ReportFilters } from './reports.schemas.js';

export function createLeaderReportsRepository(db: Knex) {
  /** Leaders in office (no leaving date) of the filtered associations. */
  function leadersQuery(f: ReportFilters, position: string | undefined): Knex.QueryBuilder {
    const q = associations(db, f).join('leaders as l', 'l.association_id', 'a.id').whereNull('l.left_on');
    if (position) q.where('l.position_code', position);
    return q;
  }

  return {
    /**
     * Exact count, or up to `cap` + 1 when a cap is given (reading only that many rows) and the count is not known
     * from the summary (no association filter: always exact). `exact` says which.
     */
    async countLeaders(f: ReportFilters, position: string | undefined, cap?: number): Promise<{ n: number; exact: boolean }> {
      if (!hasAssociationFilter(f)) {
        // Every leader belongs to an association: the summed parts of report_leader_parts count them exactly.
        const q = db('report_leader_parts')
          .select('position_code')
          .sum({ n: 'n' })
          .count<Array<Record<string, unknown>>>('* as parts')
          .groupBy('position_code');
        if (position) q.where('position_code', position);
        const rows = await q;
        await foldIfPiledUp(db, rows);
        return { n: rows.reduce((s, r) => s + num(r.n), 0), exact: true };
      }
      const q = leadersQuery(f, position);
      if (cap !== undefined) {
        const row = await db
          .from(
            q
              .select(db.raw('1'))
              .limit(cap + 1)
              .as('x'),
          )
          .count<{ n: number }[]>('* as n')
          .first();
        return { n: num(row?.n), exact: num(row?.n) <= cap };
      }
      const row = await q.count<{ n: number }[]>('* as n').first();
      return { n: num(row?.n), exact: true };
    },

    async leaders(
      f: ReportFilters,
      position: string | undefined,
      limit: number | null,
      offset: number,
      personal = true,
    ): Promise<Array<Record<string, unknown>>> {
      // Leaders' personal fields are selected only for readers entitled to them (R-8.5): an exploiter whose grant
      // excludes them never has them in memory, let alone in a page or file.
      const q = leadersQuery(f, position)
        .leftJoin('leader_positions as lp', 'lp.code', 'l.position_code')
        .select(
          'a.code',
          'a.name as association',
          'l.full_name',
          'lp.name as position',
          'l.term_number',
          'l.elected_on',
          ...(personal ? ['l.birth_year', 'l.gender', 'l.academic_title', 'l.qualification', 'l.outside_position'] : []),
          'l.official_status',
          'l.full_time',
        );
      const sort = f.sort ?? 'ten-hoi';
      for (const col of LIST_SORT_SQL[sort]) q.orderBy(col);
      q.orderBy('lp.sort_order').orderBy('l.id');
      if (limit !== null) q.limit(limit).offset(offset);
      return q;
    },
  };
}

export type LeaderReportsRepository = ReturnType<typeof createLeaderReportsRepository>;
