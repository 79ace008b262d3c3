/**
 * SQL of report a (Knex only): the filtered associations' own columns a page (or an export batch) at a time, and their
 * sub-lists read for a set of ids in one statement per sub-list — never one statement per association. The columns
 * and tables come from the form definition (report a's builder), the row choices from the fixed picks below; nothing
 * from the request reaches the SQL but bound values.
 */
import type { Knex } from 'knex';
import { associations, hasAssociationFilter, LIST_SORT_SQL } from './report-base.repository.js';
import type { ReportFilters } from './reports.schemas.js';

/**
 * How report a picks an association's rows of a sub-list: every row (in the definition's order, undated first), the
 * leaders in office (no leaving date; by the position's rank, then as entered, as report d), the founding decision (the earliest
 * «cho phép thành lập» one, as the public page), or the latest congress held.
 */
export type SubListPick = { kind: 'all'; orderBy: readonly string[] } | { kind: 'in_office' } | { kind: 'founding' } | { kind: 'latest' };

export interface SubListQuery {
  table: string;
  columns: readonly string[];
  pick: SubListPick;
  /** At most this many rows per association (every matching row is still counted in `n`). */
  cap: number;
}

/** A picked row with its association and `n`, the number of the association's rows the pick matched. */
export type SubListRow = Record<string, unknown> & { association_id: number; n: number };

function orderOf(db: Knex, pick: SubListPick): Knex.Raw {
  switch (pick.kind) {
    case 'all':
      return db.raw(
        [...pick.orderBy.map(() => '?? ASC NULLS FIRST'), 't.id'].join(', '),
        pick.orderBy.map((c) => `t.${c}`),
      );
    case 'in_office':
      return db.raw('lp.sort_order, t.id');
    case 'founding':
      return db.raw('t.signed_on ASC NULLS LAST, t.id');
    case 'latest':
      return db.raw('t.held_on DESC, t.id DESC');
  }
}

/**
 * Filters matching at most this many associations are read by their conditions' indexes and sorted, rather than by
 * walking the name index: a field's 2,500 associations among 100,000 are found in milliseconds, where the walk
 * reads 40 rows for each one it keeps.
 */
export const NARROW_MATCHES = 10_000;

/** The list's sort columns, without their table. */
const sortColumns = (f: ReportFilters): string[] =>
  LIST_SORT_SQL[f.sort === 'ma-hoi' ? 'ma-hoi' : 'ten-hoi'].map((c) => c.replace(/^a\./, ''));

export function createGeneralReportRepository(db: Knex) {
  function ordered(q: Knex.QueryBuilder, f: ReportFilters, table = 'a'): Knex.QueryBuilder {
    for (const col of sortColumns(f)) q.orderBy(`${table}.${col}`);
    return q;
  }

  return {
    /**
     * One page of the filtered associations (`matches` of them): id, code and `columns` of the record, in report
     * order. Unfiltered or broadly filtered, by the index of the order; narrowly filtered, the matches first (their
     * ids and sort keys, materialised), then the page's rows by id.
     */
    generalPage(
      f: ReportFilters,
      columns: readonly string[],
      limit: number,
      offset: number,
      matches: number,
    ): Promise<Array<Record<string, unknown>>> {
      const select = ['a.id', 'a.code', ...columns.map((c) => `a.${c}`)];
      if (!hasAssociationFilter(f) || matches > NARROW_MATCHES)
        return ordered(associations(db, f).select(select), f).limit(limit).offset(offset);
      const keys = [
        'a.id',
        ...sortColumns(f)
          .filter((c) => c !== 'id')
          .map((c) => `a.${c}`),
      ];
      const page = ordered(db.from('m').select('m.*'), f, 'm').limit(limit).offset(offset);
      return ordered(
        db
          .withMaterialized('m', associations(db, f).select(keys))
          .from(page.as('p'))
          .join('associations as a', 'a.id', 'p.id')
          .select(select),
        f,
        'p',
      );
    },

    /** Every filtered association's id and code in report order (an export reads them batch by batch). */
    generalIds(f: ReportFilters): Promise<Array<{ id: number; code: string }>> {
      return ordered(associations(db, f).select(['a.id', 'a.code']), f);
    },

    /** The associations of `ids` (any order): id, code and `columns` of the record. */
    generalByIds(ids: readonly number[], columns: readonly string[]): Promise<Array<Record<string, unknown>>> {
      if (ids.length === 0) return Promise.resolve([]);
      return db('associations as a')
        .whereIn('a.id', ids)
        .select(['a.id', 'a.code', ...columns.map((c) => `a.${c}`)]);
    },

    /** The association with this code, or undefined. */
    generalByCode(code: string, columns: readonly string[]): Promise<Record<string, unknown> | undefined> {
      return db('associations as a')
        .where('a.code', code)
        .first(['a.id', 'a.code', ...columns.map((c) => `a.${c}`)]);
    },

    /** A multiselect's codes per association of `ids` (`table` and `column` from the definition). */
    async codesByIds(table: string, column: string, ids: readonly number[]): Promise<Map<number, string[]>> {
      const out = new Map<number, string[]>();
      if (ids.length === 0) return out;
      const rows = await db(table)
        .whereIn('association_id', ids)
        .select<Array<{ association_id: number; code: string }>>('association_id', `${column} as code`)
        .orderBy(['association_id', column]);
      for (const r of rows) out.set(r.association_id, [...(out.get(r.association_id) ?? []), r.code]);
      return out;
    },

    /**
     * The picked rows of a sub-list for the associations of `ids`, at most `cap` each, with each association's count
     * of matching rows: one statement over the sub-list's index on association_id (leaders in office: their partial
     * index), whatever the number of associations.
     */
    async subListByIds(q: SubListQuery, ids: readonly number[]): Promise<SubListRow[]> {
      if (ids.length === 0) return [];
      const inner = db(`${q.table} as t`)
        .whereIn('t.association_id', ids)
        .select('t.association_id', ...q.columns.map((c) => `t.${c}`))
        .select(db.raw('row_number() OVER (PARTITION BY t.association_id ORDER BY ?) AS rn', [orderOf(db, q.pick)]))
        .select(db.raw('count(*) OVER (PARTITION BY t.association_id) AS n'));
      if (q.pick.kind === 'in_office') inner.leftJoin('leader_positions as lp', 'lp.code', 't.position_code').whereNull('t.left_on');
      if (q.pick.kind === 'founding') inner.where('t.event_type', 'cho_phep_thanh_lap');
      const rows = await db.from(inner.as('x')).where('x.rn', '<=', q.cap).select('x.*').orderBy(['x.association_id', 'x.rn']);
      return rows.map((r: Record<string, unknown>) => ({ ...r, association_id: Number(r.association_id), n: Number(r.n) }));
    },
  };
}

export type GeneralReportRepository = ReturnType<typeof createGeneralReportRepository>;
