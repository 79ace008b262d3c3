/** Query conditions shared by the lists (register, public pages, reports, and any search by user text). */
import type { Knex } from 'knex';

/** User text as a LIKE pattern's literal part: the wildcards % and _ and the escape character itself escaped. */
export function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * Headquarters in a province. A current province also finds records still filed under a former province it
 * succeeded (the 63 → 34 reorganisation of 01/07/2025), so statistics by today's map stay whole.
 */
export function whereInProvince(db: Knex, q: Knex.QueryBuilder, province: string, column = 'a.hq_province_code'): Knex.QueryBuilder {
  return q.where((w) => w.where(column, province).orWhereIn(column, db('provinces').where('successor_code', province).select('code')));
}
