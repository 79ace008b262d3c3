/**
 * SQL of the congress tracking (report e and the staff home; Knex only): the stored terms (association_terms, kept
 * by triggers) with each one's deadline and state derived in SQL on `today`.
 */
import type { Knex } from 'knex';
import type { TermState } from '../associations/congress-term.js';
import { termDeadlineSql, termStateSql } from '../associations/congress-term-sql.js';
import { associations, foldIfPiledUp, hasAssociationFilter, num } from './report-base.repository.js';
import type { ReportFilters } from './reports.schemas.js';

/** Report e's filters on the term: states in, and/or a deadline range (inclusive). */
export interface TermFilters {
  states?: TermState[];
  deadlineFrom?: string;
  deadlineTo?: string;
}

export interface TermRow {
  code: string;
  name: string;
  term_number: number;
  last_congress: string;
  term_years: number;
  term_end: string;
  extension_number: string | null;
  deadline: string;
  state: TermState;
}

export function createTermReportsRepository(db: Knex) {
  /**
   * Report e's unfiltered page: rows without an extension have the term end as deadline and come in (deadline, code)
   * order from an index (association_terms_deadline_idx); the few with one are sorted apart; both are merged.
   */
  function unfilteredTermPage(today: string, limit: number, offset: number): Knex.QueryBuilder {
    const columns = ['t.association_id', 't.code', 't.term_number', 't.last_congress', 't.term_years', 't.term_end', 't.extension_number'];
    const plain = db('association_terms as t')
      .whereNull('t.extension_deadline')
      .select(...columns, db.raw('t.term_end AS deadline'), termStateSql(db, today, 't', 'state'))
      .orderBy('t.term_end')
      .orderBy('t.code')
      .limit(offset + limit);
    const extended = db('association_terms as t')
      .whereNotNull('t.extension_deadline')
      .select(...columns, termDeadlineSql(db, today, 't', 'deadline'), termStateSql(db, today, 't', 'state'))
      .orderByRaw('deadline, t.code')
      .limit(offset + limit);
    return db
      .from(db.raw('((?) UNION ALL (?)) AS t', [plain, extended]))
      .select('*')
      .orderByRaw('deadline, t.code')
      .limit(limit)
      .offset(offset);
  }

  /** Report e's rows: filtered associations with their term, by deadline then code, one page or all. */
  function termRowsQuery(f: ReportFilters, today: string, tf: TermFilters): Knex.QueryBuilder {
    // Without an association filter the stored terms alone answer (they carry the association's code).
    const q: Knex.QueryBuilder = hasAssociationFilter(f)
      ? associations(db, f).join('association_terms as t', 't.association_id', 'a.id')
      : db('association_terms as t');
    if (tf.states) q.whereIn(termStateSql(db, today) as unknown as string, tf.states);
    if (tf.deadlineFrom) q.where(termDeadlineSql(db, today), '>=', tf.deadlineFrom);
    if (tf.deadlineTo) q.where(termDeadlineSql(db, today), '<=', tf.deadlineTo);
    return q;
  }

  return {
    /**
     * Report e: the number of filtered associations per term state on `today`, from the stored terms
     * (association_terms; associations without a founding or term congress have none and are not counted).
     */
    async termStateCounts(f: ReportFilters, today: string): Promise<Array<{ state: TermState; n: number }>> {
      if (!hasAssociationFilter(f)) {
        // The state depends only on the term end and the extension deadline: count per pair (report_term_parts).
        const rows = await db
          .from(
            db('report_term_parts')
              .select('term_end', 'extension_deadline')
              .sum({ n: 'n' })
              .count('* as parts')
              .groupBy('term_end', 'extension_deadline')
              .as('g'),
          )
          .select(termStateSql(db, today, 'g', 'state'))
          .sum({ n: 'g.n', parts: 'g.parts' })
          .count<Array<{ state: TermState; n: unknown; parts: unknown; groups: unknown }>>('* as groups')
          .groupByRaw('1');
        await foldIfPiledUp(
          db,
          rows,
          rows.reduce((s, r) => s + num(r.groups), 0),
        );
        return rows.map((r) => ({ state: r.state, n: num(r.n) })).filter((r) => r.n !== 0);
      }
      const rows = await associations(db, f)
        .join('association_terms as t', 't.association_id', 'a.id')
        .select(termStateSql(db, today, 't', 'state'))
        .count<Array<{ state: TermState; n: unknown }>>('* as n')
        .groupByRaw('1');
      return rows.map((r) => ({ state: r.state, n: num(r.n) }));
    },

    async countTermRows(f: ReportFilters, today: string, tf: TermFilters): Promise<number> {
      if (!hasAssociationFilter(f) && !tf.states) {
        // A deadline range alone (the staff home's "due within 6 months"): without an extension the deadline is the
        // term end, counted by index range; the few with one are counted apart. One statement, one snapshot.
        const plain = db('association_terms as t').whereNull('t.extension_deadline').count('*');
        const extended = db('association_terms as t').whereNotNull('t.extension_deadline').count('*');
        if (tf.deadlineFrom) {
          plain.where('t.term_end', '>=', tf.deadlineFrom);
          extended.where(termDeadlineSql(db, today), '>=', tf.deadlineFrom);
        }
        if (tf.deadlineTo) {
          plain.where('t.term_end', '<=', tf.deadlineTo);
          extended.where(termDeadlineSql(db, today), '<=', tf.deadlineTo);
        }
        const row = (await db.first(db.raw('(?) + (?) AS n', [plain, extended]))) as { n: unknown } | undefined;
        return num(row?.n);
      }
      const row = await termRowsQuery(f, today, tf).count<{ n: number }[]>('* as n').first();
      return num(row?.n);
    },

    async termRows(f: ReportFilters, today: string, tf: TermFilters, limit: number | null, offset: number): Promise<TermRow[]> {
      // The page is chosen from the stored terms (sorted by deadline, code), then joined to the names.
      const fast = limit !== null && !hasAssociationFilter(f) && !tf.states && !tf.deadlineFrom && !tf.deadlineTo;
      const page = fast ? unfilteredTermPage(today, limit, offset) : termRowsQuery(f, today, tf);
      if (!fast)
        page
          .select(
            't.association_id',
            't.code',
            't.term_number',
            't.last_congress',
            't.term_years',
            't.term_end',
            't.extension_number',
            termDeadlineSql(db, today, 't', 'deadline'),
            termStateSql(db, today, 't', 'state'),
          )
          .orderByRaw('deadline, t.code');
      if (!fast && limit !== null) page.limit(limit).offset(offset);
      return db
        .from(page.as('p'))
        .join('associations as n', 'n.id', 'p.association_id')
        .select(
          'p.code',
          'n.name',
          'p.term_number',
          'p.last_congress',
          'p.term_years',
          'p.term_end',
          'p.extension_number',
          'p.deadline',
          'p.state',
        )
        .orderByRaw('p.deadline, p.code');
    },
  };
}

export type TermReportsRepository = ReturnType<typeof createTermReportsRepository>;
