/** SQL of the State support reports (Knex only): staff quotas (report h) and operating funds (report i). */
import type { Knex } from 'knex';
import { associations, foldIfPiledUp, hasAssociationFilter, num } from './report-base.repository.js';
import type { ReportFilters } from './reports.schemas.js';

export function createSupportReportsRepository(db: Knex) {
  return {
    /** State staff quota per year (report h). */
    async quotaByYear(f: ReportFilters): Promise<Array<Record<string, number>>> {
      // Without an association filter every quota row counts: the join to 100,000 associations is skipped, and as
      // (association, year) is unique, the associations of a year are its rows.
      const q: Knex.QueryBuilder = hasAssociationFilter(f)
        ? associations(db, f).join('staff_quotas as q', 'q.association_id', 'a.id').select('q.year').countDistinct('a.id as associations')
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
      return associations(db, f)
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
        await foldIfPiledUp(db, rows);
        return rows.filter((r) => num(r.n) !== 0).map((r) => ({ year: num(r.year), source: String(r.source), amount: num(r.amount) }));
      }
      const q = associations(db, f)
        .join('funds as fu', 'fu.association_id', 'a.id')
        .select('fu.year', 'fu.source')
        .sum<Array<Record<string, unknown>>>('fu.amount_vnd as amount')
        .groupBy('fu.year', 'fu.source')
        .orderBy('fu.year');
      if (f.year) q.where('fu.year', f.year);
      const rows = await q;
      return rows.map((r) => ({ year: num(r.year), source: String(r.source), amount: num(r.amount) }));
    },

    async fundsDetail(f: ReportFilters, year: number): Promise<Array<{ code: string; name: string; source: string; amount: number }>> {
      const rows = await associations(db, f)
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
      const base = () => associations(db, f).join('funds as fu', 'fu.association_id', 'a.id').where('fu.year', year);
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
  };
}

export type SupportReportsRepository = ReturnType<typeof createSupportReportsRepository>;
