import type { Knex } from 'knex';

export interface AuditEventInput {
  actorUserId?: number | null;
  actorUsername?: string | null;
  action: string;
  outcome?: 'success' | 'failure' | 'denied';
  targetType?: string | null;
  targetId?: string | number | null;
  ip?: string | null;
  requestId?: string | null;
  details?: Record<string, unknown> | null;
}

export interface AuditEventRow {
  id: number;
  occurred_at: Date;
  actor_user_id: number | null;
  actor_username: string | null;
  action: string;
  outcome: string;
  target_type: string | null;
  target_id: string | null;
  ip: string | null;
  request_id: string | null;
  details: Record<string, unknown> | null;
}

export function createAuditRepository(db: Knex) {
  return {
    /** Insert one row; pass `trx` to write it inside the change it records. */
    async insert(event: AuditEventInput, trx: Knex = db): Promise<void> {
      await trx('audit_events').insert(auditRow(event));
    },
    /** Many rows in few statements (bulk import: one row per record written). */
    async insertMany(events: readonly AuditEventInput[], trx: Knex = db): Promise<void> {
      for (let i = 0; i < events.length; i += 2000) await trx('audit_events').insert(events.slice(i, i + 2000).map(auditRow));
    },
    async recent(limit = 50, action?: string): Promise<AuditEventRow[]> {
      const q = db<AuditEventRow>('audit_events').orderBy('id', 'desc').limit(limit);
      if (action) q.where('action', action);
      return q;
    },
  };
}

function auditRow(event: AuditEventInput) {
  return {
    actor_user_id: event.actorUserId ?? null,
    actor_username: event.actorUsername ?? null,
    action: event.action,
    outcome: event.outcome ?? 'success',
    target_type: event.targetType ?? null,
    target_id: event.targetId === undefined || event.targetId === null ? null : String(event.targetId),
    ip: event.ip ?? null,
    request_id: event.requestId ?? null,
    details: event.details ? JSON.stringify(event.details) : null,
  };
}

export type AuditRepository = ReturnType<typeof createAuditRepository>;
