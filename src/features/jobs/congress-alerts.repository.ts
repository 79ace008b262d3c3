/**
 * SQL of the term-congress alerts (R-17.1 e): the stored terms of live associations (statuses.ts: the population of
 * report e and the staff home) and the alerts already sent.
 */
import type { Knex } from 'knex';
import type { TermInfo } from '../associations/congress-term.js';
import { type StoredTermRow, termDeadlineSql, termStateSql, toTermInfo } from '../associations/congress-term-sql.js';
import { LIVE_STATUSES } from '../associations/statuses.js';

export interface AlertRow {
  association_id: number;
  deadline: string;
  threshold: string;
  alerted_at: Date;
}

export function createCongressAlertsRepository(db: Knex) {
  return {
    /**
     * Term info of live associations with a founding or term congress (all, or one association), from the stored
     * terms (association_terms, the same rows and rules as report e: congress-term-sql.ts).
     */
    async termInfos(today: string, associationId?: number): Promise<Array<{ id: number; code: string; name: string; info: TermInfo }>> {
      const q = db('associations as a')
        .join('association_terms as t', 't.association_id', 'a.id')
        .whereIn('a.status', LIVE_STATUSES)
        .select(
          'a.id',
          'a.code',
          'a.name',
          't.last_congress',
          't.term_end',
          termDeadlineSql(db, today, 't', 'deadline'),
          termStateSql(db, today, 't', 'state'),
        )
        .orderBy('a.id');
      if (associationId !== undefined) q.where('a.id', associationId);
      const rows = (await q) as Array<{ id: number; code: string; name: string } & StoredTermRow>;
      return rows.map((r) => ({ id: r.id, code: r.code, name: r.name, info: toTermInfo(r) }));
    },

    /** Records the alerts; returns the ids of the associations whose alert is new (an alert is sent once). */
    async recordAlerts(trx: Knex, rows: readonly AlertRow[]): Promise<Set<number>> {
      if (rows.length === 0) return new Set();
      const inserted = await trx('congress_alerts')
        .insert(rows)
        .onConflict(['association_id', 'deadline', 'threshold'])
        .ignore()
        .returning<{ association_id: number }[]>('association_id');
      return new Set(inserted.map((r) => r.association_id));
    },

    findAssociation(id: number): Promise<{ id: number; code: string; name: string } | undefined> {
      return db('associations').where({ id }).first('id', 'code', 'name');
    },
  };
}

export type CongressAlertsRepository = ReturnType<typeof createCongressAlertsRepository>;
