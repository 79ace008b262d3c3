/** Query conditions shared by every list of associations (register, public pages, reports). */
import type { Knex } from 'knex';

/**
 * Headquarters in a province. A current province also finds records still filed under a former province it
 * succeeded (the 63 → 34 reorganisation of 01/07/2025), so statistics by today's map stay whole.
 */
export function whereInProvince(db: Knex, q: Knex.QueryBuilder, province: string, column = 'a.hq_province_code'): Knex.QueryBuilder {
  return q.where((w) => w.where(column, province).orWhereIn(column, db('provinces').where('successor_code', province).select('code')));
}
