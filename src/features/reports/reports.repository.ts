/**
 * SQL of the reports (Knex only). Every filter value is bound; sort keys come from an allow-list; the columns of
 * the custom list (n) come from the field catalogue, never from the request.
 */
import type { Knex } from 'knex';
import { whereInProvince } from '../../db/filters.js';
import type { TermState } from '../associations/congress-term.js';
import { termDeadlineSql, termStateSql } from '../associations/congress-term-sql.js';
import type { ListSort, ReportFilters } from './reports.schemas.js';

/** Report e's filters on the term: states in, and/or a deadline range (inclusive). */
export interface TermFilters {
  states?: TermState[];
  deadlineFrom?: string;
  deadlineTo?: string;
}

export interface CountRow {
  key: string | null;
  scope: string;
  n: number;
}

const LIST_SORT_SQL: Record<ListSort, string[]> = {
  'ten-hoi': ['a.name', 'a.code'],
  'ma-hoi': ['a.code'],
  'ho-ten': ['l.full_name', 'a.name'],
};

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

const num = (v: unknown): number => (v === null || v === undefined ? 0 : Number(v));

/** Whether any filter on the association itself is set (report-specific ones such as the year excluded). */
function hasAssociationFilter(f: ReportFilters): boolean {
  return [f.field, f.ministry, f.scope, f.province, f.nature, f.status, f.tasked].some((v) => v !== undefined);
}

/**
 * Whether the summary table report_association_parts answers these filters: none on the association, or the scope
 * alone (the summary is kept per scope).
 */
function summaryAnswers(f: ReportFilters): boolean {
  return [f.field, f.ministry, f.province, f.nature, f.status, f.tasked].every((v) => v === undefined);
}

/**
 * A summary read folds the parts (one per group and write statement) into one row per group once they number more
 * than twice its groups plus this slack: a handful of record saves never trigger it, a bulk load does once.
 */
export const SUMMARY_SLACK = 1000;
const shouldFold = (parts: number, groups: number): boolean => parts > 2 * groups + SUMMARY_SLACK;

/** The summary dimension of a grouping ('scope' has none of its own: every dimension is kept per scope). */
const SUMMARY_DIMENSION: Record<GroupKey, string> = {
  field: 'field',
  ministry: 'ministry',
  nature: 'nature',
  origin: 'origin',
  status: 'status',
  scope: 'status',
};

export function createReportsRepository(db: Knex) {
  /** The association filters every report shares. */
  function applyFilters(q: Knex.QueryBuilder, f: ReportFilters): Knex.QueryBuilder {
    if (f.field) q.where('a.main_field_code', f.field);
    if (f.ministry) q.where('a.managing_ministry_code', f.ministry);
    if (f.scope) q.where('a.scope', f.scope);
    // A current province also finds records still filed under a former province it succeeded.
    if (f.province) whereInProvince(db, q, f.province);
    if (f.nature) q.where('a.nature_code', f.nature);
    if (f.status) q.where('a.status', f.status);
    if (f.tasked !== undefined) q.where('a.party_state_tasked', f.tasked);
    return q;
  }

  function associations(f: ReportFilters): Knex.QueryBuilder {
    return applyFilters(db('associations as a'), f);
  }

  /**
   * The summed parts of one dimension of report_association_parts (migration 20261230000200_report_summaries),
   * per code and scope, per code, or per scope (`by`); groups whose associations are all gone (n = 0) are left out,
   * as a direct GROUP BY would. Folds the parts when they have piled up.
   */
  async function associationSummary(
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
    await foldIfPiledUp(rows);
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

  /** Fold each summary's parts into one row per group (exact under concurrent writers and compactions). */
  async function compactSummaries(): Promise<void> {
    await db.raw('SELECT compact_report_summaries()');
  }

  /** Folds the summary parts into one row per group when a read saw too many of them (`shouldFold`). */
  async function foldIfPiledUp(rows: ReadonlyArray<{ parts?: unknown }>, groups: number = rows.length): Promise<void> {
    if (
      shouldFold(
        rows.reduce((s, r) => s + num(r.parts), 0),
        groups,
      )
    )
      await compactSummaries();
  }

  return {
    /** Number of associations per group value and scope. */
    async countBy(group: GroupKey, f: ReportFilters): Promise<CountRow[]> {
      if (summaryAnswers(f)) {
        if (group === 'scope') {
          const rows = await associationSummary(SUMMARY_DIMENSION[group], f.scope, 'scope');
          return rows.map((r) => ({ key: r.scope, scope: String(r.scope), n: r.n }));
        }
        const rows = await associationSummary(SUMMARY_DIMENSION[group], f.scope, 'key-scope');
        return rows.map((r) => ({ key: r.key, scope: String(r.scope), n: r.n }));
      }
      const col = GROUP_COLUMNS[group];
      const rows = await associations(f)
        .select(db.raw(`${col} as key`), 'a.scope')
        .count<{ key: string | null; scope: string; n: string | number }[]>('* as n')
        .groupByRaw(`${col}, a.scope`);
      return rows.map((r) => ({ key: r.key, scope: r.scope, n: num(r.n) }));
    },

    async countTotal(f: ReportFilters): Promise<number> {
      if (summaryAnswers(f)) return (await associationSummary('status', f.scope, 'scope')).reduce((s, r) => s + r.n, 0);
      const row = await associations(f).count<{ n: number }[]>('* as n').first();
      return num(row?.n);
    },

    /** Associations (code, name …) matching the filters: the detail lists of b, c, l. */
    async listAssociations(f: ReportFilters, limit: number | null, offset: number): Promise<Array<Record<string, unknown>>> {
      const q = associations(f)
        .leftJoin('provinces as p', 'p.code', 'a.hq_province_code')
        .leftJoin('statuses as s', 's.code', 'a.status')
        .leftJoin('fields as fi', 'fi.code', 'a.main_field_code')
        .leftJoin('ministries as m', 'm.code', 'a.managing_ministry_code')
        .leftJoin('natures as na', 'na.code', 'a.nature_code')
        .select(
          'a.code',
          'a.name',
          'a.scope',
          'p.name as province',
          'fi.name as field',
          'm.name as ministry',
          'na.name as nature',
          'a.party_state_tasked',
          's.name as status',
        );
      for (const col of LIST_SORT_SQL[f.sort === 'ma-hoi' ? 'ma-hoi' : 'ten-hoi']) q.orderBy(col);
      if (limit !== null) q.limit(limit).offset(offset);
      return q;
    },

    /** The association row and its decisions (report a). */
    async general(
      code: string,
    ): Promise<{ record: Record<string, unknown>; otherFields: string[]; decisions: Array<Record<string, unknown>> } | null> {
      const record = await db('associations').where({ code }).first();
      if (!record) return null;
      const otherFields = await db('association_other_fields')
        .where({ association_id: record.id })
        .orderBy('field_code')
        .pluck('field_code');
      const decisions = await db('decisions')
        .where({ association_id: record.id })
        .orderByRaw('signed_on ASC NULLS FIRST')
        .orderBy('id')
        .select('event_type', 'number', 'signed_on', 'issuer', 'summary');
      return { record, otherFields, decisions };
    },

    /** Leaders in office (no leaving date) of the filtered associations: reports d and đ. */
    leadersQuery(f: ReportFilters, position: string | undefined): Knex.QueryBuilder {
      const q = associations(f).join('leaders as l', 'l.association_id', 'a.id').whereNull('l.left_on');
      if (position) q.where('l.position_code', position);
      return q;
    },

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
        await foldIfPiledUp(rows);
        return { n: rows.reduce((s, r) => s + num(r.n), 0), exact: true };
      }
      const q = this.leadersQuery(f, position);
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
      const q = this.leadersQuery(f, position)
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
          rows,
          rows.reduce((s, r) => s + num(r.groups), 0),
        );
        return rows.map((r) => ({ state: r.state, n: num(r.n) })).filter((r) => r.n !== 0);
      }
      const q: Knex.QueryBuilder = hasAssociationFilter(f)
        ? associations(f).join('association_terms as t', 't.association_id', 'a.id')
        : db('association_terms as t');
      const rows = await q
        .select(termStateSql(db, today, 't', 'state'))
        .count<Array<{ state: TermState; n: unknown }>>('* as n')
        .groupByRaw('1');
      return rows.map((r) => ({ state: r.state, n: num(r.n) }));
    },

    /** Report e's rows: filtered associations with their term, by deadline then code, one page or all. */
    termRowsQuery(f: ReportFilters, today: string, tf: TermFilters): Knex.QueryBuilder {
      // Without an association filter the stored terms alone answer (they carry the association's code).
      const q: Knex.QueryBuilder = hasAssociationFilter(f)
        ? associations(f).join('association_terms as t', 't.association_id', 'a.id')
        : db('association_terms as t');
      if (tf.states) q.whereIn(termStateSql(db, today) as unknown as string, tf.states);
      if (tf.deadlineFrom) q.where(termDeadlineSql(db, today), '>=', tf.deadlineFrom);
      if (tf.deadlineTo) q.where(termDeadlineSql(db, today), '<=', tf.deadlineTo);
      return q;
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
      const row = await this.termRowsQuery(f, today, tf).count<{ n: number }[]>('* as n').first();
      return num(row?.n);
    },

    async termRows(
      f: ReportFilters,
      today: string,
      tf: TermFilters,
      limit: number | null,
      offset: number,
    ): Promise<
      Array<{
        code: string;
        name: string;
        term_number: number;
        last_congress: string;
        term_years: number;
        term_end: string;
        extension_number: string | null;
        deadline: string;
        state: TermState;
      }>
    > {
      // The page is chosen from the stored terms (sorted by deadline, code), then joined to the names.
      const fast = limit !== null && !hasAssociationFilter(f) && !tf.states && !tf.deadlineFrom && !tf.deadlineTo;
      const page = fast ? unfilteredTermPage(today, limit, offset) : this.termRowsQuery(f, today, tf);
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

    /** State staff quota per year (report h). */
    async quotaByYear(f: ReportFilters): Promise<Array<Record<string, number>>> {
      // Without an association filter every quota row counts: the join to 100,000 associations is skipped, and as
      // (association, year) is unique, the associations of a year are its rows.
      const q: Knex.QueryBuilder = hasAssociationFilter(f)
        ? associations(f).join('staff_quotas as q', 'q.association_id', 'a.id').select('q.year').countDistinct('a.id as associations')
        : db('staff_quotas as q').select('q.year').count('* as associations');
      q.sum('q.quota as quota')
        .sum('q.in_use as in_use')
        .sum('q.on_quota as on_quota')
        .sum('q.on_contract as on_contract')
        .sum('q.elected_retirees as elected_retirees')
        .groupBy('q.year')
        .orderBy('q.year');
      if (f.year) q.where('q.year', f.year);
      const rows = (await q) as Array<Record<string, unknown>>;
      return rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, num(v)])));
    },

    async quotaDetail(f: ReportFilters, year: number): Promise<Array<Record<string, unknown>>> {
      return associations(f)
        .join('staff_quotas as q', 'q.association_id', 'a.id')
        .where('q.year', year)
        .select('a.code', 'a.name', 'q.quota', 'q.deciding_document', 'q.in_use', 'q.on_quota', 'q.on_contract', 'q.elected_retirees')
        .orderBy('a.name');
    },

    /** Operating funds per year and source (report i). */
    async fundsByYearSource(f: ReportFilters): Promise<Array<{ year: number; source: string; amount: number }>> {
      if (!hasAssociationFilter(f)) {
        // Every fund row counts: the summed parts of report_fund_parts (one per year, source and write statement).
        const q = db('report_fund_parts')
          .select('year', 'source')
          .sum({ n: 'n', amount: 'amount' })
          .count<Array<Record<string, unknown>>>('* as parts')
          .groupBy('year', 'source')
          .orderBy('year')
          .orderBy('source');
        if (f.year) q.where('year', f.year);
        const rows = await q;
        await foldIfPiledUp(rows);
        return rows.filter((r) => num(r.n) !== 0).map((r) => ({ year: num(r.year), source: String(r.source), amount: num(r.amount) }));
      }
      // Without an association filter every fund row counts: the join to 100,000 associations is skipped.
      const base: Knex.QueryBuilder = hasAssociationFilter(f)
        ? associations(f).join('funds as fu', 'fu.association_id', 'a.id')
        : db('funds as fu');
      const q = base
        .select('fu.year', 'fu.source')
        .sum<Array<Record<string, unknown>>>('fu.amount_vnd as amount')
        .groupBy('fu.year', 'fu.source')
        .orderBy('fu.year');
      if (f.year) q.where('fu.year', f.year);
      const rows = await q;
      return rows.map((r) => ({ year: num(r.year), source: String(r.source), amount: num(r.amount) }));
    },

    async fundsDetail(f: ReportFilters, year: number): Promise<Array<{ code: string; name: string; source: string; amount: number }>> {
      const rows = await associations(f)
        .join('funds as fu', 'fu.association_id', 'a.id')
        .where('fu.year', year)
        .select('a.code', 'a.name', 'fu.source', 'fu.amount_vnd as amount')
        .orderBy('a.name');
      return rows.map((r: Record<string, unknown>) => ({
        code: String(r.code),
        name: String(r.name),
        source: String(r.source),
        amount: num(r.amount),
      }));
    },

    /**
     * One page of report i's detail for a year: an association a row, one column per source (`sources` come from
     * the FUND_SOURCES constant, never from the request), by name then code; with the number of associations.
     */
    async fundsDetailPage(
      f: ReportFilters,
      year: number,
      sources: readonly string[],
      limit: number,
      offset: number,
    ): Promise<{ count: number; rows: Array<Record<string, unknown>> }> {
      const base = () => associations(f).join('funds as fu', 'fu.association_id', 'a.id').where('fu.year', year);
      const [countRow, rows] = await Promise.all([
        base().countDistinct<{ n: number }[]>('a.id as n').first(),
        base()
          .select('a.code', 'a.name', db.raw('sum(fu.amount_vnd) as total'))
          .select(sources.map((src) => db.raw('sum(CASE WHEN fu.source = ? THEN fu.amount_vnd ELSE 0 END) as ??', [src, src])))
          .groupBy('a.id', 'a.code', 'a.name')
          .orderBy('a.name')
          .orderBy('a.code')
          .limit(limit)
          .offset(offset),
      ]);
      return {
        count: num(countRow?.n),
        rows: (rows as Array<Record<string, unknown>>).map((r) => ({
          ...r,
          total: num(r.total),
          ...Object.fromEntries(sources.map((src) => [src, num(r[src])])),
        })),
      };
    },

    /** Headquarters area and origin (report k). */
    async hqByOrigin(f: ReportFilters): Promise<Array<{ key: string | null; n: number; with_area: number; area: number }>> {
      if (summaryAnswers(f)) {
        const rows = await associationSummary('origin', f.scope, 'key');
        return rows.map((r) => ({ key: r.key, n: r.n, with_area: r.with_area, area: r.area }));
      }
      const rows = await associations(f)
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
        const rows = await associationSummary('nature', f.scope, 'key');
        return rows.map((r) => ({ key: r.key, n: r.n, tasked: r.tasked }));
      }
      const rows = await associations(f)
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
      const q = associations(f).select(['a.code', ...columns.filter((c) => c !== 'code').map((c) => `a.${c}`)]);
      for (const col of LIST_SORT_SQL[f.sort === 'ma-hoi' ? 'ma-hoi' : 'ten-hoi']) q.orderBy(col);
      if (limit !== null) q.limit(limit).offset(offset);
      return q;
    },

    savedReports(ownerId: number): Promise<Array<{ id: number; name: string; definition: unknown; updated_at: Date }>> {
      return db('saved_reports').where({ owner_user_id: ownerId }).orderBy('name').select('id', 'name', 'definition', 'updated_at');
    },

    savedReport(ownerId: number, id: number): Promise<{ id: number; name: string; definition: unknown } | undefined> {
      return db('saved_reports').where({ owner_user_id: ownerId, id }).first('id', 'name', 'definition');
    },

    /** Insert or replace the owner's definition of that name; returns its id. */
    async saveReport(trx: Knex, ownerId: number, name: string, definition: unknown, at: Date): Promise<number> {
      const [row] = await trx('saved_reports')
        .insert({ owner_user_id: ownerId, name, definition: JSON.stringify(definition), created_at: at, updated_at: at })
        .onConflict(['owner_user_id', 'name'])
        .merge({ definition: JSON.stringify(definition), updated_at: at })
        .returning('id');
      return Number((row as { id: number }).id);
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

export type ReportsRepository = ReturnType<typeof createReportsRepository>;
