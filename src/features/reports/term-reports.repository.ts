/**
 * SQL of the congress tracking (report e and the staff home; Knex only): the live associations (statuses.ts) with
 * their stored term (association_terms, kept by triggers; its `live` mirrors the association's status) and each
 * one's deadline and state derived in SQL on `today`. A live association without a founding or term congress is
 * in the population as 'chua_co_dai_hoi' (no deadline: listed after the dated ones, by code); dissolved and
 * otherwise ended associations are not (they owe no congress and are never overdue).
 */
import type { Knex } from 'knex';
import type { TrackedTermState } from '../associations/congress-term.js';
import { termDeadlineSql, termStateSql, trackedStateSql } from '../associations/congress-term-sql.js';
import { LIVE_STATUSES } from '../associations/statuses.js';
import { associations, foldIfPiledUp, hasAssociationFilter, num } from './report-base.repository.js';
import type { ReportFilters } from './reports.schemas.js';

/** Report e's filters on the term: states in, and/or a deadline range (inclusive). */
export interface TermFilters {
  states?: TrackedTermState[];
  deadlineFrom?: string;
  deadlineTo?: string;
}

export interface TermRow {
  code: string;
  name: string;
  term_number: number | null;
  last_congress: string | null;
  term_years: number | null;
  term_end: string | null;
  extension_number: string | null;
  deadline: string | null;
  state: TrackedTermState;
}

const TERM_COLUMNS = ['term_number', 'last_congress', 'term_years', 'term_end', 'extension_number'];

/** Whether the filters can keep associations without a congress (they have no deadline and one state). */
const keepsUndated = (tf: TermFilters): boolean =>
  tf.deadlineFrom === undefined && tf.deadlineTo === undefined && (tf.states === undefined || tf.states.includes('chua_co_dai_hoi'));

/** Live associations without a stored term, as rows of report e's list (no term, no deadline), in code order. */
function undatedRows(db: Knex, f: ReportFilters): Knex.QueryBuilder {
  return associations(db, f)
    .whereIn('a.status', LIVE_STATUSES)
    .whereNotExists(db('association_terms as x').whereRaw('x.association_id = a.id'))
    .select(
      'a.id as association_id',
      'a.code',
      db.raw('NULL::integer AS term_number'),
      db.raw('NULL::date AS last_congress'),
      db.raw('NULL::integer AS term_years'),
      db.raw('NULL::date AS term_end'),
      db.raw('NULL::text AS extension_number'),
      db.raw('NULL::date AS deadline'),
      db.raw("'chua_co_dai_hoi' AS state"),
    )
    .orderBy('a.code');
}

/**
 * Report e's unfiltered page: live rows without an extension have the term end as deadline and come in (deadline,
 * code) order from an index (association_terms_live_deadline_idx); the few with one are sorted apart; both are
 * merged, then the associations without a congress (`undated`: false when the page ends before them).
 */
function unfilteredTermPage(db: Knex, today: string, limit: number, offset: number, undated: boolean): Knex.QueryBuilder {
  const columns = ['t.association_id', 't.code', ...TERM_COLUMNS.map((c) => `t.${c}`)];
  const plain = db('association_terms as t')
    .whereNull('t.extension_deadline')
    .where('t.live', true)
    .select(...columns, db.raw('t.term_end AS deadline'), termStateSql(db, today, 't', 'state'))
    .orderBy('t.term_end')
    .orderBy('t.code')
    .limit(offset + limit);
  const extended = db('association_terms as t')
    .whereNotNull('t.extension_deadline')
    .where('t.live', true)
    .select(...columns, termDeadlineSql(db, today, 't', 'deadline'), termStateSql(db, today, 't', 'state'))
    .orderByRaw('deadline, t.code')
    .limit(offset + limit);
  const parts = undated ? [plain, extended, undatedRows(db, {}).limit(offset + limit)] : [plain, extended];
  return db
    .from(db.raw(`(${parts.map(() => '(?)').join(' UNION ALL ')}) AS t`, parts))
    .select('*')
    .orderByRaw('deadline NULLS LAST, t.code')
    .limit(limit)
    .offset(offset);
}

/**
 * Report e's rows: the filtered live associations with their term (those without a congress too, when the
 * filters can keep them), as `t` with association_id and code.
 */
function termRowsQuery(db: Knex, f: ReportFilters, today: string, tf: TermFilters): Knex.QueryBuilder {
  let q: Knex.QueryBuilder;
  if (keepsUndated(tf)) {
    q = associations(db, f)
      .whereIn('a.status', LIVE_STATUSES)
      .leftJoin('association_terms as t', 't.association_id', 'a.id')
      .select('a.id as association_id', 'a.code');
    if (tf.states) q.whereIn(trackedStateSql(db, today) as unknown as string, tf.states);
  } else {
    // Without an association filter the stored terms alone answer (they carry the association's code).
    q = hasAssociationFilter(f)
      ? associations(db, f).join('association_terms as t', 't.association_id', 'a.id')
      : db('association_terms as t');
    q.where('t.live', true).select('t.association_id', 't.code');
    if (tf.states) q.whereIn(termStateSql(db, today) as unknown as string, tf.states);
  }
  if (tf.deadlineFrom) q.where(termDeadlineSql(db, today), '>=', tf.deadlineFrom);
  if (tf.deadlineTo) q.where(termDeadlineSql(db, today), '<=', tf.deadlineTo);
  return q;
}

export function createTermReportsRepository(db: Knex) {
  return {
    /**
     * Report e: the number of filtered live associations per state on `today` (TrackedTermState: those without a
     * congress as 'chua_co_dai_hoi'). Unfiltered, from the summaries: the live terms per term end and extension
     * deadline (report_term_parts), and the live associations (report_association_parts) less those terms.
     */
    async termStateCounts(f: ReportFilters, today: string): Promise<Array<{ state: TrackedTermState; n: number }>> {
      if (!hasAssociationFilter(f)) {
        // The state depends only on the term end and the extension deadline: count per pair.
        const grouped = db
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
          .count('* as groups')
          .groupByRaw('1');
        const live = db('report_association_parts').where('dimension', 'status').whereIn('key', LIVE_STATUSES).sum('n');
        const terms = db('report_term_parts').sum('n');
        const undated = db.select(
          db.raw("'chua_co_dai_hoi' AS state"),
          db.raw('coalesce((?), 0) - coalesce((?), 0) AS n', [live, terms]),
          db.raw('0 AS parts'),
          db.raw('0 AS groups'),
        );
        // One statement: both summaries read in one snapshot.
        const ordered = db.from(grouped.as('s')).select('state', 'n', 'parts', 'groups');
        const rows = (await db.from(db.raw('((?) UNION ALL (?)) AS u', [ordered, undated])).select('*')) as Array<{
          state: TrackedTermState;
          n: unknown;
          parts: unknown;
          groups: unknown;
        }>;
        await foldIfPiledUp(
          db,
          rows,
          rows.reduce((s, r) => s + num(r.groups), 0),
        );
        return rows.map((r) => ({ state: r.state, n: num(r.n) })).filter((r) => r.n !== 0);
      }
      const rows = await associations(db, f)
        .whereIn('a.status', LIVE_STATUSES)
        .leftJoin('association_terms as t', 't.association_id', 'a.id')
        .select(trackedStateSql(db, today, 't', 'state'))
        .count<Array<{ state: TrackedTermState; n: unknown }>>('* as n')
        .groupByRaw('1');
      return rows.map((r) => ({ state: r.state, n: num(r.n) }));
    },

    async countTermRows(f: ReportFilters, today: string, tf: TermFilters): Promise<number> {
      if (!hasAssociationFilter(f) && !tf.states && !keepsUndated(tf)) {
        // A deadline range alone (the staff home's "due within 6 months"): without an extension the deadline is the
        // term end, counted by index range; the few with one are counted apart. One statement, one snapshot.
        const plain = db('association_terms as t').whereNull('t.extension_deadline').where('t.live', true).count('*');
        const extended = db('association_terms as t').whereNotNull('t.extension_deadline').where('t.live', true).count('*');
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
      const q = termRowsQuery(db, f, today, tf).clearSelect();
      const row = await q.count<{ n: number }[]>('* as n').first();
      return num(row?.n);
    },

    /**
     * One page (or all) of report e's rows, by deadline (none last) then code. `dated`: the number of rows with a
     * deadline when known (the unfiltered page then reads the associations without a congress only when it reaches them).
     */
    async termRows(
      f: ReportFilters,
      today: string,
      tf: TermFilters,
      limit: number | null,
      offset: number,
      dated?: number,
    ): Promise<TermRow[]> {
      // The page is chosen from the stored terms (sorted by deadline, code), then joined to the names.
      const fast = limit !== null && !hasAssociationFilter(f) && !tf.states && !tf.deadlineFrom && !tf.deadlineTo;
      const page = fast
        ? unfilteredTermPage(db, today, limit, offset, dated === undefined || offset + limit > dated)
        : termRowsQuery(db, f, today, tf)
            .select(
              ...TERM_COLUMNS.map((c) => `t.${c}`),
              termDeadlineSql(db, today, 't', 'deadline'),
              keepsUndated(tf) ? trackedStateSql(db, today, 't', 'state') : termStateSql(db, today, 't', 'state'),
            )
            .orderByRaw('deadline NULLS LAST, code');
      if (!fast && limit !== null) page.limit(limit).offset(offset);
      return db
        .from(page.as('p'))
        .join('associations as n', 'n.id', 'p.association_id')
        .select('p.code', 'n.name', ...TERM_COLUMNS.map((c) => `p.${c}`), 'p.deadline', 'p.state')
        .orderByRaw('p.deadline NULLS LAST, p.code');
    },
  };
}

export type TermReportsRepository = ReturnType<typeof createTermReportsRepository>;
