/** Incidents and their history (R-18.2). Knex only. */
import type { Knex } from 'knex';
import type { IncidentKind, IncidentStatus, Severity } from './incidents.schemas.js';

export interface IncidentRow {
  id: number;
  kind: IncidentKind;
  title: string;
  description: string;
  severity: Severity;
  status: IncidentStatus;
  reporter_user_id: number | null;
  reporter_name: string;
  created_at: Date;
  updated_at: Date;
  routed_at: Date | null;
  resolved_at: Date | null;
  closed_at: Date | null;
}

export interface IncidentEventRow {
  id: number;
  incident_id: number;
  occurred_at: Date;
  actor_user_id: number | null;
  actor_name: string;
  action: string;
  from_status: string | null;
  to_status: string | null;
  comment: string | null;
}

export interface IncidentFilters {
  q?: string | undefined;
  status?: IncidentStatus | undefined;
  kind?: IncidentKind | undefined;
  severity?: Severity | undefined;
}

export function createIncidentsRepository(db: Knex) {
  return {
    async list(f: IncidentFilters, page: number, pageSize: number): Promise<{ rows: IncidentRow[]; total: number }> {
      const q = db('incidents');
      if (f.status) q.where('status', f.status);
      if (f.kind) q.where('kind', f.kind);
      if (f.severity) q.where('severity', f.severity);
      if (f.q) {
        const like = `%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q.where((w) =>
          w.whereRaw('f_unaccent(title) LIKE f_unaccent(?)', [like]).orWhereRaw('f_unaccent(description) LIKE f_unaccent(?)', [like]),
        );
      }
      const [rows, total] = await Promise.all([
        q
          .clone()
          .orderBy([
            { column: 'created_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .select<IncidentRow[]>('*'),
        q.clone().count<{ n: number | string }[]>('* as n').first(),
      ]);
      return { rows, total: Number(total?.n ?? 0) };
    },

    find(id: number, trx: Knex = db): Promise<IncidentRow | undefined> {
      return trx<IncidentRow>('incidents').where({ id }).first();
    },

    async insert(
      values: Omit<IncidentRow, 'id' | 'status' | 'updated_at' | 'routed_at' | 'resolved_at' | 'closed_at'>,
      trx: Knex,
    ): Promise<IncidentRow> {
      const [row] = await trx<IncidentRow>('incidents')
        .insert({ ...values, status: 'moi', updated_at: values.created_at })
        .returning('*');
      if (!row) throw new Error('insert returned no row');
      return row;
    },

    /** Moves the status only from the status the user saw (two people acting at once: one wins, the other gets 409). */
    async transition(id: number, from: IncidentStatus, to: IncidentStatus, at: Date, trx: Knex): Promise<boolean> {
      const stamps: Record<string, Date | null> = {};
      if (to === 'da_chuyen_tttt') stamps.routed_at = at;
      if (to === 'da_giai_quyet') stamps.resolved_at = at;
      if (to === 'dong') stamps.closed_at = at;
      if (to === 'dang_xu_ly') {
        stamps.resolved_at = null;
        stamps.closed_at = null;
      }
      const n = await trx('incidents')
        .where({ id, status: from })
        .update({ status: to, updated_at: at, ...stamps });
      return n === 1;
    },

    async touch(id: number, at: Date, trx: Knex): Promise<void> {
      await trx('incidents').where({ id }).update({ updated_at: at });
    },

    async addEvent(e: Omit<IncidentEventRow, 'id'>, trx: Knex): Promise<void> {
      await trx('incident_events').insert(e);
    },

    events(id: number): Promise<IncidentEventRow[]> {
      return db<IncidentEventRow>('incident_events')
        .where({ incident_id: id })
        .orderBy([
          { column: 'occurred_at', order: 'asc' },
          { column: 'id', order: 'asc' },
        ]);
    },
  };
}

export type IncidentsRepository = ReturnType<typeof createIncidentsRepository>;
