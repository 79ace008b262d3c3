/**
 * The quarterly update state (R-13.2) in SQL, for lists of many associations: the rules of quarterlyState()
 * (quarterly-update.ts) over the association row `alias` — its status (association_status_live(), the database's
 * copy of LIVE_STATUSES) and updated_at (the time of its latest saved version). A column test, no join: the staff
 * list's filter reads it through the index (updated_at DESC, id), the export selects it.
 * test/integration/register-badges-export.test.ts checks that both forms agree on every boundary.
 */
import type { Knex } from 'knex';
import { type QuarterlyState, quarterlyDueSince } from './quarterly-update.js';

/** SQL of the state on `today` of the association row `alias`. */
export function quarterlyStateSql(db: Knex, today: string, alias = 'a', as?: string): Knex.Raw {
  return db.raw(
    `(CASE WHEN NOT association_status_live(${alias}.status) THEN 'khong_ap_dung'
       WHEN ${alias}.updated_at >= ?::timestamptz THEN 'dung_han' ELSE 'qua_han' END)${as ? ` AS ${as}` : ''}`,
    [quarterlyDueSince(today).toISOString()],
  );
}

/**
 * SQL condition (text and bindings, for `whereRaw`): the association row `alias` is in `state` on `today` — for the
 * live ones a range of updated_at.
 */
export function quarterlyCondition(state: QuarterlyState, today: string, alias = 'a'): { sql: string; bindings: string[] } {
  if (state === 'khong_ap_dung') return { sql: `NOT association_status_live(${alias}.status)`, bindings: [] };
  return {
    sql: `(association_status_live(${alias}.status) AND ${alias}.updated_at ${state === 'dung_han' ? '>=' : '<'} ?::timestamptz)`,
    bindings: [quarterlyDueSince(today).toISOString()],
  };
}
