/**
 * SQL of the statistics by province (issue 16 item 7; migration 20261231003100_former_province_statistics): the
 * associations counted per headquarters province in force (its successor chain followed, view province_current) and
 * per former province (associations.former_province_code, kept by the database from the record's headquarters and
 * address history), and per scope — one grouped statement, never one lookup per record. Unfiltered (or filtered by
 * scope alone), and for the public statistics (published records only), the sums of report_province_parts; with
 * other filters, a GROUP BY over the filtered associations.
 */
import type { Knex } from 'knex';
import { associations, num, SUMMARY_SLACK, summaryAnswers } from './report-base.repository.js';
import type { ReportFilters } from './reports.schemas.js';

/** Associations of one current province, former province (null: not determined, or no province) and scope. */
export interface ProvinceCount {
  current: string | null;
  former: string | null;
  scope: string;
  n: number;
}

export function createProvinceReportsRepository(db: Knex) {
  /** The grouped rows `inner` (hq_province_code, former_province_code, scope, n[, parts]) mapped to current provinces. */
  async function mapped(inner: Knex.QueryBuilder, withParts: boolean): Promise<ProvinceCount[]> {
    const rows = (await db
      .from(inner.as('g'))
      .leftJoin('province_current as pc', 'pc.code', 'g.hq_province_code')
      .select('pc.current_code as current', 'g.former_province_code as former', 'g.scope')
      .sum({ n: 'g.n' })
      .modify((q) => {
        if (withParts) q.sum({ parts: 'g.parts' });
      })
      .groupBy('pc.current_code', 'g.former_province_code', 'g.scope')) as Array<Record<string, unknown>>;
    if (withParts) {
      const parts = rows.reduce((s, r) => s + num(r.parts), 0);
      if (parts > 2 * rows.length + SUMMARY_SLACK) await db.raw('SELECT compact_province_parts()');
    }
    return rows
      .map((r) => ({
        current: (r.current as string | null) ?? null,
        former: (r.former as string | null) ?? null,
        scope: String(r.scope),
        n: num(r.n),
      }))
      .filter((r) => r.n !== 0);
  }

  function fromParts(scope: string | undefined, publishedOnly: boolean): Knex.QueryBuilder {
    const q = db('report_province_parts')
      .select('hq_province_code', 'former_province_code', 'scope')
      .sum({ n: 'n' })
      .count({ parts: '*' })
      .groupBy('hq_province_code', 'former_province_code', 'scope');
    if (scope !== undefined) q.where('scope', scope);
    if (publishedOnly) q.where('published', true);
    return q;
  }

  return {
    /** Associations per current province, former province and scope, for the reports' filters. */
    countByProvince(f: ReportFilters): Promise<ProvinceCount[]> {
      if (summaryAnswers(f)) return mapped(fromParts(f.scope, false), true);
      const inner = associations(db, f)
        .select('a.hq_province_code', 'a.former_province_code', 'a.scope')
        .count({ n: '*' })
        .groupBy('a.hq_province_code', 'a.former_province_code', 'a.scope');
      return mapped(inner, false);
    },

    /** Every province, in force first then former, in catalogue order (names and order of the public statistics). */
    async provinceCatalogue(): Promise<Array<{ code: string; name: string; current: boolean }>> {
      const rows = await db('provinces')
        .select('code', 'name', db.raw('successor_code IS NULL AS current'))
        .orderByRaw('successor_code IS NOT NULL, sort_order, code');
      return rows.map((r: { code: string; name: string; current: boolean }) => ({
        code: r.code,
        name: r.name,
        current: Boolean(r.current),
      }));
    },

    /** The same for the public statistics: published associations only. */
    publishedByProvince(): Promise<ProvinceCount[]> {
      return mapped(fromParts(undefined, true), true);
    },
  };
}

export type ProvinceReportsRepository = ReturnType<typeof createProvinceReportsRepository>;
