/**
 * Reading the audit trail for the IT Centre's audit log (SPEC §1): the rows matching the filters, newest first in
 * the order (occurred_at, id), by keyset. Each filter has an index in that order (migration
 * 20261231002200_index_audit_log_filters), so a page or an export batch reads about as many index entries as it
 * returns, however many rows match and however deep the page; no count over the table. With several filters the
 * planner walks the most selective one's index and checks the others row by row. Knex only.
 */
import type { Knex } from 'knex';
import type { AuditEventRow } from './audit.repository.js';

/** The address with an IPv4-mapped IPv6 address read as IPv4: the expression the address index is built on. */
const IP_KEY = "(CASE WHEN ip LIKE '::ffff:%' THEN substr(ip, 8) ELSE ip END)";

export interface AuditLogFilters {
  actorUserId?: number | undefined;
  action?: string | undefined;
  /** Instants: from (inclusive), before (exclusive). */
  from?: Date | undefined;
  before?: Date | undefined;
  /** Both or neither: the record an event names. */
  targetType?: string | undefined;
  targetId?: string | undefined;
  /** Compared with the address read as IPv4 when it is IPv4-mapped. */
  ip?: string | undefined;
}

/** A page starts after (older than) or before (newer than) the row with this id. */
export interface AuditLogCursor {
  dir: 'after' | 'before';
  id: number;
}

export interface AuditLogPage {
  rows: AuditEventRow[];
  /** Whether older rows follow the last one shown / newer rows precede the first one. */
  hasOlder: boolean;
  hasNewer: boolean;
}

export interface AuditActorRow {
  id: number;
  username: string;
  display_name: string;
  roles: string[];
}

export function createAuditLogRepository(db: Knex) {
  function matching(f: AuditLogFilters, cursor: AuditLogCursor | null): Knex.QueryBuilder {
    const q = db<AuditEventRow>('audit_events');
    if (f.actorUserId !== undefined) q.where('actor_user_id', f.actorUserId);
    if (f.action !== undefined) q.where('action', f.action);
    if (f.targetType !== undefined) q.where('target_type', f.targetType);
    if (f.targetId !== undefined) q.where('target_id', f.targetId);
    if (f.ip !== undefined) q.whereRaw(`${IP_KEY} = ?`, [f.ip]);
    if (f.from) q.where('occurred_at', '>=', f.from);
    if (f.before) q.where('occurred_at', '<', f.before);
    if (cursor) {
      // The cursor row's own time is read by the database (a JavaScript Date would drop its microseconds); two
      // scalar subqueries keep the row comparison usable as an index condition.
      const op = cursor.dir === 'after' ? '<' : '>';
      q.whereRaw(`(occurred_at, id) ${op} ((SELECT c.occurred_at FROM audit_events c WHERE c.id = ?), ?)`, [cursor.id, cursor.id]);
    }
    const order = cursor?.dir === 'before' ? 'asc' : 'desc';
    return q.orderBy([
      { column: 'occurred_at', order },
      { column: 'id', order },
    ]);
  }

  const normalise = (r: AuditEventRow): AuditEventRow => ({ ...r, id: Number(r.id) });

  return {
    /** One page of `size` rows, and whether there are rows on either side of it. */
    async page(f: AuditLogFilters, cursor: AuditLogCursor | null, size: number): Promise<AuditLogPage> {
      const got = (await matching(f, cursor)
        .limit(size + 1)
        .select('*')) as AuditEventRow[];
      const more = got.length > size;
      const rows = got.slice(0, size).map(normalise);
      if (cursor?.dir === 'before') return { rows: rows.reverse(), hasOlder: true, hasNewer: more };
      return { rows, hasOlder: more, hasNewer: cursor !== null };
    },

    /** The next `size` matching rows older than the row `afterId` (from the newest when null): export batches. */
    async batch(f: AuditLogFilters, afterId: number | null, size: number): Promise<AuditEventRow[]> {
      const rows = (await matching(f, afterId === null ? null : { dir: 'after', id: afterId })
        .limit(size)
        .select('*')) as AuditEventRow[];
      return rows.map(normalise);
    },

    /** The accounts named by a page's rows (who did it, which account it was done to). */
    async users(ids: readonly number[]): Promise<AuditActorRow[]> {
      if (ids.length === 0) return [];
      const rows = (await db('users')
        .whereIn('id', [...new Set(ids)])
        .select('id', 'username', 'display_name', 'roles')) as AuditActorRow[];
      return rows.map((r) => ({ ...r, id: Number(r.id) }));
    },

    async userIdByUsername(username: string): Promise<number | undefined> {
      const row = (await db('users').whereRaw('lower(username) = lower(?)', [username]).first('id')) as { id: number } | undefined;
      return row ? Number(row.id) : undefined;
    },
  };
}

export type AuditLogRepository = ReturnType<typeof createAuditLogRepository>;
