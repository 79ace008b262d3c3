/**
 * The report of the weakest records (issue 16 item 4), Knex only: the lowest stored scores (index (score,
 * association_id)), filtered by field (main or secondary) and province (a current province also finds records still
 * filed under a former province it succeeded, as the staff list does) and by score band; and a summary per province or
 * per field: records, average score, and how many records fail each rule.
 */
import type { Knex } from 'knex';
import { textArray } from '../../db/arrays.js';
import { SCORE_BANDS, type ScoreBand } from './quality-rules.js';

export interface ReportFilters {
  field?: string;
  province?: string;
  band?: ScoreBand;
}

export interface WeakRow {
  id: number;
  code: string;
  name: string;
  main_field_code: string;
  hq_province_code: string | null;
  score: number;
  failed: string[];
  computed_at: Date;
}

export interface SummaryRow {
  key: string | null;
  records: number;
  average: number;
  failed: Record<string, number>;
}

/** Matches counted at most (the page says "hơn 10.000"); pages by number go that deep. */
export const REPORT_COUNT_CAP = 10_000;

export function createQualityReportRepository(db: Knex) {
  async function provincesOf(province: string): Promise<string[]> {
    const former: string[] = await db('provinces').where('successor_code', province).pluck('code');
    return [province, ...former.filter((c) => c !== province)];
  }

  /** The matches of the filters (a query builder is thenable: never returned from an async function). */
  async function provinces(f: ReportFilters): Promise<string[] | null> {
    return f.province ? provincesOf(f.province) : null;
  }

  function base(f: ReportFilters, inProvinces: string[] | null): Knex.QueryBuilder {
    // Score -1: not yet computed (a placeholder row): not in the report.
    const q = db('association_quality as q').join('associations as a', 'a.id', 'q.association_id').where('q.score', '>=', 0);
    if (f.field) {
      const field = f.field;
      q.where((w) =>
        w
          .where('a.main_field_code', field)
          .orWhereIn('a.id', db('association_other_fields').where('field_code', field).select('association_id')),
      );
    }
    if (inProvinces) q.whereIn('a.hq_province_code', inProvinces);
    if (f.band) q.whereBetween('q.score', [SCORE_BANDS[f.band].min, SCORE_BANDS[f.band].max]);
    return q;
  }

  return {
    /** A page of the weakest records (lowest score first, then id) and their number, exact up to REPORT_COUNT_CAP. */
    async weakest(f: ReportFilters, page: number, pageSize: number): Promise<{ rows: WeakRow[]; total: number; more: boolean }> {
      const p = await provinces(f);
      const counted = await base(f, p)
        .select(db.raw('1'))
        .limit(REPORT_COUNT_CAP + 1);
      const total = Math.min(counted.length, REPORT_COUNT_CAP);
      const rows = await base(f, p)
        .select('a.id', 'a.code', 'a.name', 'a.main_field_code', 'a.hq_province_code', 'q.score', 'q.failed', 'q.computed_at')
        .orderBy([{ column: 'q.score' }, { column: 'q.association_id' }])
        .limit(pageSize)
        .offset((page - 1) * pageSize);
      return {
        rows: rows.map((r: WeakRow) => ({ ...r, id: Number(r.id), score: Number(r.score), failed: textArray(r.failed) })),
        total,
        more: counted.length > REPORT_COUNT_CAP,
      };
    },

    /** Every match in report order, `chunk` rows at a time after the (score, id) of the last one (the CSV). */
    async weakestAfter(f: ReportFilters, after: { score: number; id: number } | null, chunk: number): Promise<WeakRow[]> {
      const q = base(f, await provinces(f))
        .select('a.id', 'a.code', 'a.name', 'a.main_field_code', 'a.hq_province_code', 'q.score', 'q.failed', 'q.computed_at')
        .orderBy([{ column: 'q.score' }, { column: 'q.association_id' }])
        .limit(chunk);
      if (after) q.whereRaw('(q.score, q.association_id) > (?, ?)', [after.score, after.id]);
      const rows = await q;
      return rows.map((r: WeakRow) => ({ ...r, id: Number(r.id), score: Number(r.score), failed: textArray(r.failed) }));
    },

    /** Per province (the record's own province code) or per main field: records, average score, failures per rule. */
    async summary(f: ReportFilters, by: 'province' | 'field', ruleCodes: readonly string[]): Promise<SummaryRow[]> {
      const key = by === 'province' ? 'a.hq_province_code' : 'a.main_field_code';
      const q = base(f, await provinces(f))
        .select(db.raw(`${key} AS key`), db.raw('count(*)::int AS records'), db.raw('round(avg(q.score), 1)::float AS average'))
        .groupBy(key)
        .orderBy('average')
        .orderBy('key');
      ruleCodes.forEach((code, i) => {
        q.select(db.raw(`count(*) FILTER (WHERE ? = ANY (q.failed))::int AS f${i}`, [code]));
      });
      const rows: Array<Record<string, unknown>> = await q;
      return rows.map((r) => ({
        key: (r.key as string | null) ?? null,
        records: Number(r.records),
        average: Number(r.average),
        failed: Object.fromEntries(ruleCodes.map((c, i) => [c, Number(r[`f${i}`])])),
      }));
    },
  };
}

export type QualityReportRepository = ReturnType<typeof createQualityReportRepository>;
