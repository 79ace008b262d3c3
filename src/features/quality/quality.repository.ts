/**
 * Data-quality scores (issue 16 item 4), Knex only: the rules catalogue, the set-based recompute of the stored
 * scores (association_quality) from the checks of quality-rules.ts, a record's stored checklist, and the report of
 * the weakest records.
 */
import type { Knex } from 'knex';
import { textArray } from '../../db/arrays.js';
import { vietnamToday } from '../../lib/format.js';
import { activeRules, type QualityRule, RULE_SQL } from './quality-rules.js';

/** Rows recomputed per statement when every record is (rule change, nightly job). */
export const RECOMPUTE_BATCH = 5000;

/** A record's stored score and outcomes. */
export interface StoredQuality {
  score: number;
  passed: string[];
  failed: string[];
  computed_at: Date;
}

/** Fresh outcomes of the checks (1, 0 or null per rule code) of one association. */
export interface FreshOutcome {
  id: number;
  results: Record<string, 0 | 1 | null>;
}

const SAFE_CODE = /^[a-z][a-z0-9_]*$/;

const col = (code: string): string => {
  if (!SAFE_CODE.test(code)) throw new Error(`quality rule code ${code} is not an identifier`);
  return `r_${code}`;
};

export function createQualityRepository(db: Knex) {
  /** The checks of the active rules for the associations `where` selects: `id` and one column r_<code> per rule. */
  function outcomes(trx: Knex, rules: readonly QualityRule[], today: string): Knex.QueryBuilder {
    const q = trx('associations as a').leftJoin('association_terms as t', 't.association_id', 'a.id').select('a.id');
    for (const r of activeRules(rules)) {
      const sql = RULE_SQL[r.code];
      if (sql) q.select(trx.raw(`? AS ${col(r.code)}`, [sql(trx, today, r.param)]));
    }
    return q;
  }

  /** The stored row of each association the outcomes query `o` holds (alias c): score, passed, failed. */
  function scoreSelect(trx: Knex, rules: readonly QualityRule[]): { score: string; passed: string; failed: string } {
    const active = activeRules(rules);
    if (active.length === 0) return { score: '100', passed: 'ARRAY[]::text[]', failed: 'ARRAY[]::text[]' };
    const weight = (r: QualityRule) => String(Math.trunc(r.weight));
    const total = active.map((r) => `(CASE WHEN c.${col(r.code)} IS NULL THEN 0 ELSE ${weight(r)} END)`).join(' + ');
    const got = active.map((r) => `(CASE WHEN c.${col(r.code)} = 1 THEN ${weight(r)} ELSE 0 END)`).join(' + ');
    const codes = (v: number) =>
      `array_remove(ARRAY[${active.map((r) => `CASE WHEN c.${col(r.code)} = ${v} THEN ${trx.raw('?', [r.code]).toQuery()} END`).join(', ')}]::text[], NULL)`;
    return {
      score: `(CASE WHEN (${total}) = 0 THEN 100 ELSE floor(100.0 * (${got}) / (${total}) + 0.5)::int END)`,
      passed: codes(1),
      failed: codes(0),
    };
  }

  /** Upsert the stored scores of the associations the outcomes query (already filtered) holds. */
  async function upsert(trx: Knex, o: Knex.QueryBuilder, rules: readonly QualityRule[], at: Date): Promise<number> {
    const s = scoreSelect(trx, rules);
    const res = await trx.raw(
      // The checks are computed once per record (a materialised CTE): the score and both lists read them.
      `WITH c AS MATERIALIZED (?)
       INSERT INTO association_quality (association_id, score, passed, failed, computed_at)
       SELECT c.id, ${s.score}, ${s.passed}, ${s.failed}, ?::timestamptz FROM c
       ON CONFLICT (association_id) DO UPDATE SET score = EXCLUDED.score, passed = EXCLUDED.passed,
         failed = EXCLUDED.failed, computed_at = EXCLUDED.computed_at`,
      [o, at.toISOString()],
    );
    return Number((res as { rowCount?: number; affectedRows?: number }).rowCount ?? (res as { affectedRows?: number }).affectedRows ?? 0);
  }

  const repo = {
    async rules(trx: Knex = db): Promise<QualityRule[]> {
      const rows = await trx<QualityRule>('quality_rules').orderBy('sort_order').orderBy('code');
      return rows.map((r) => ({ ...r, weight: Number(r.weight), param: r.param === null ? null : Number(r.param) }));
    },

    async rule(code: string, trx: Knex = db): Promise<QualityRule | undefined> {
      return (await repo.rules(trx)).find((r) => r.code === code);
    },

    async updateRule(
      trx: Knex,
      code: string,
      patch: { weight: number; enabled: boolean; param: number | null },
      actorId: number | null,
      at: Date,
    ): Promise<number> {
      return trx('quality_rules')
        .where({ code })
        .update({ ...patch, updated_by: actorId, updated_at: at });
    },

    /** Recompute the stored scores of these associations (the caller's transaction: a record's write). */
    async recomputeIds(trx: Knex, ids: readonly number[], today: string, at: Date): Promise<number> {
      if (ids.length === 0) return 0;
      const rules = await repo.rules(trx);
      let n = 0;
      for (let i = 0; i < ids.length; i += RECOMPUTE_BATCH) {
        n += await upsert(trx, outcomes(trx, rules, today).whereIn('a.id', ids.slice(i, i + RECOMPUTE_BATCH)), rules, at);
      }
      return n;
    },

    /**
     * Recompute every association, RECOMPUTE_BATCH ids per statement (each its own short transaction, in id order):
     * a rule change or the nightly job. Returns the number of rows written.
     */
    async recomputeAll(today: string, at: Date, batch = RECOMPUTE_BATCH): Promise<{ associations: number; batches: number }> {
      const rules = await repo.rules();
      let after = 0;
      let associations = 0;
      let batches = 0;
      for (;;) {
        const ids: number[] = (await db('associations').where('id', '>', after).orderBy('id').limit(batch).pluck('id')).map(Number);
        if (ids.length === 0) break;
        const last = ids[ids.length - 1] as number;
        associations += await db.transaction((trx) =>
          upsert(
            trx,
            outcomes(trx, rules, today)
              .where('a.id', '>=', ids[0] as number)
              .andWhere('a.id', '<=', last),
            rules,
            at,
          ),
        );
        batches += 1;
        after = last;
      }
      return { associations, batches };
    },

    /** Fresh outcomes (not stored) of these associations: the same SQL as recompute. */
    async fresh(ids: readonly number[], today: string): Promise<FreshOutcome[]> {
      const rules = activeRules(await repo.rules());
      const rows: Array<Record<string, unknown>> = await outcomes(db, rules, today).whereIn('a.id', [...ids]);
      return rows.map((row) => ({
        id: Number(row.id),
        results: Object.fromEntries(
          rules.map((r) => {
            const v = row[col(r.code)];
            return [r.code, v === null || v === undefined ? null : (Number(v) as 0 | 1)];
          }),
        ),
      }));
    },

    async stored(associationId: number, trx: Knex = db): Promise<StoredQuality | null> {
      const row = await trx('association_quality')
        .where({ association_id: associationId })
        .first('score', 'passed', 'failed', 'computed_at');
      // Score -1: the placeholder of a record not yet computed.
      if (!row || Number(row.score) < 0) return null;
      return { score: Number(row.score), passed: textArray(row.passed), failed: textArray(row.failed), computed_at: row.computed_at };
    },

    /** Stored scores of these associations (the staff list's rows). */
    async scores(ids: readonly number[]): Promise<Map<number, number>> {
      if (ids.length === 0) return new Map();
      const rows = await db('association_quality')
        .whereIn('association_id', [...ids])
        .where('score', '>=', 0)
        .select('association_id', 'score');
      return new Map(rows.map((r) => [Number(r.association_id), Number(r.score)]));
    },
  };
  return repo;
}

export type QualityRepository = ReturnType<typeof createQualityRepository>;

/**
 * Recompute the stored scores of these associations inside the transaction that wrote their new version (called
 * by associations.repository.ts insertVersion / insertVersions, the one place versions are written): the score of a
 * saved record is always its own.
 */
export function recomputeQuality(trx: Knex, ids: readonly number[], at: Date): Promise<number> {
  return createQualityRepository(trx).recomputeIds(trx, ids, vietnamToday(at), at);
}
