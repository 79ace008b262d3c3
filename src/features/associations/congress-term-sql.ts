/**
 * The term-congress state (R-17.1 e) read from `association_terms` (migration 20261229000100_report_performance),
 * for lists of many associations: report e, the staff home's figures and the congress-alerts job. The table holds
 * each association's last term congress, term end and extension in force, kept up to date by triggers on
 * congresses and congress_extensions; the deadline in force and the state depend on today and are derived here with the rules of
 * termInfo() (congress-term.ts), which the record page's badge still computes from the record's own lists.
 * test/integration/congress-terms.test.ts checks that both agree. Each row's `live` says whether its association is
 * live (statuses.ts; kept by triggers, migration 20261231001500): only live associations are tracked and can be
 * overdue (test/integration/congress-overdue.test.ts).
 */
import type { Knex } from 'knex';
import type { TermInfo, TermState } from './congress-term.js';

/** SQL of the state on `today` of the association_terms row `alias`: the rules of termInfo(). */
export function termStateSql(db: Knex, today: string, alias = 't', as?: string): Knex.Raw {
  return db.raw(
    `(CASE WHEN ?::date <= ${alias}.term_end
       THEN CASE WHEN ?::date > (${alias}.term_end - interval '6 months')::date THEN 'sap_den_han' ELSE 'chua_den_han' END
     WHEN ${alias}.extension_deadline IS NOT NULL
       THEN CASE WHEN ?::date <= ${alias}.extension_deadline THEN 'dang_gia_han' ELSE 'qua_han_gia_han' END
     ELSE 'qua_han' END)${as ? ` AS ${as}` : ''}`,
    [today, today, today],
  );
}

/**
 * SQL of report e's state (TrackedTermState) of a live association left-joined to its association_terms row
 * `alias`: 'chua_co_dai_hoi' when it has none (no founding or term congress yet), else termStateSql's.
 */
export function trackedStateSql(db: Knex, today: string, alias = 't', as?: string): Knex.Raw {
  return db.raw(`(CASE WHEN ${alias}.association_id IS NULL THEN 'chua_co_dai_hoi' ELSE ? END)${as ? ` AS ${as}` : ''}`, [
    termStateSql(db, today, alias),
  ]);
}

/**
 * SQL of the deadline in force on `today` (termInfo's `deadline`): the term end until it has passed, then the
 * extension's new deadline when one applies.
 */
export function termDeadlineSql(db: Knex, today: string, alias = 't', as?: string): Knex.Raw {
  return db.raw(
    `(CASE WHEN ?::date <= ${alias}.term_end THEN ${alias}.term_end ELSE coalesce(${alias}.extension_deadline, ${alias}.term_end) END)${as ? ` AS ${as}` : ''}`,
    [today],
  );
}

/** The stored term of an association row read with termStateSql as `state`. */
export interface StoredTermRow {
  last_congress: string;
  term_end: string;
  deadline: string;
  state: TermState;
}

export function toTermInfo(r: StoredTermRow): TermInfo {
  return { state: r.state, termEnd: r.term_end, deadline: r.deadline, lastCongress: r.last_congress };
}

/** Term info of one association from the stored table (null: no founding or term congress). */
export async function storedTermInfo(db: Knex, associationId: number, today: string): Promise<TermInfo | null> {
  const row = await db('association_terms as t')
    .where('t.association_id', associationId)
    .first<StoredTermRow | undefined>(
      't.last_congress',
      't.term_end',
      termDeadlineSql(db, today, 't', 'deadline'),
      termStateSql(db, today, 't', 'state'),
    );
  return row ? toTermInfo(row) : null;
}
