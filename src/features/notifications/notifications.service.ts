/**
 * In-app notifications (issue 5 §4; the jobs issue adds e-mail through the same rows). Writers pass their own
 * transaction so a notice exists exactly when the change that caused it was committed. A `dedupeKey` makes a
 * notice idempotent per recipient: notifying twice (a retried request, a re-run job) leaves one row.
 */
import type { Knex } from 'knex';
import type { Role } from '../../lib/roles.js';

export interface NoticeInput {
  /** Machine kind, e.g. `submission.returned`, `cycle.quarterly`. */
  kind: string;
  title: string;
  body?: string;
  /** A path inside the portal (never an external address). */
  link?: string | null;
  /** Same key for the same user → one notice only. */
  dedupeKey?: string | null;
}

export interface NotificationRow {
  id: number;
  user_id: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  created_at: Date;
  read_at: Date | null;
}

export function createNotificationsService(db: Knex) {
  /** Inserts one notice per user; returns how many were new (duplicates by dedupe key are skipped). */
  async function notifyUsers(trx: Knex | Knex.Transaction, userIds: readonly number[], n: NoticeInput): Promise<number> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return 0;
    if (n.link && !n.link.startsWith('/')) throw new Error('A notification link must be a path inside the portal.');
    const rows = ids.map((user_id) => ({
      user_id,
      kind: n.kind,
      title: n.title,
      body: n.body ?? '',
      link: n.link ?? null,
      dedupe_key: n.dedupeKey ?? null,
    }));
    const inserted = await trx('notifications').insert(rows).onConflict(['user_id', 'dedupe_key']).ignore().returning('id');
    return inserted.length;
  }

  /** Active (not disabled) users holding any of the roles. */
  async function usersWithRoles(trx: Knex | Knex.Transaction, roles: readonly Role[]): Promise<number[]> {
    const rows = await trx('users')
      .whereNull('disabled_at')
      .whereRaw('roles && ?::text[]', [roles as Role[]])
      .select<{ id: number }[]>('id');
    return rows.map((r) => r.id);
  }

  /** Active officers (role `association`) of one association. */
  async function officersOf(trx: Knex | Knex.Transaction, associationId: number): Promise<number[]> {
    const rows = await trx('users')
      .whereNull('disabled_at')
      .where('association_id', associationId)
      .whereRaw("'association' = ANY(roles)")
      .select<{ id: number }[]>('id');
    return rows.map((r) => r.id);
  }

  return {
    notifyUsers,
    usersWithRoles,
    officersOf,
    async notifyRoles(trx: Knex | Knex.Transaction, roles: readonly Role[], n: NoticeInput): Promise<number> {
      return notifyUsers(trx, await usersWithRoles(trx, roles), n);
    },
    async notifyAssociation(trx: Knex | Knex.Transaction, associationId: number, n: NoticeInput): Promise<number> {
      return notifyUsers(trx, await officersOf(trx, associationId), n);
    },

    async unreadCount(userId: number): Promise<number> {
      const row = await db('notifications')
        .where({ user_id: userId })
        .whereNull('read_at')
        .count<{ n: string | number }[]>('* as n')
        .first();
      return Number(row?.n ?? 0);
    },

    async list(userId: number, page: number, pageSize: number): Promise<{ rows: NotificationRow[]; total: number }> {
      const [rows, total] = await Promise.all([
        db('notifications')
          .where({ user_id: userId })
          .orderBy([
            { column: 'created_at', order: 'desc' },
            { column: 'id', order: 'desc' },
          ])
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .select<NotificationRow[]>('id', 'user_id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at'),
        db('notifications').where({ user_id: userId }).count<{ n: string | number }[]>('* as n').first(),
      ]);
      return { rows: rows.map((r) => ({ ...r, id: Number(r.id) })), total: Number(total?.n ?? 0) };
    },

    /** Marks one of the user's own notices read (scope in the query: another user's id changes nothing). */
    async markRead(userId: number, id: number, at: Date): Promise<NotificationRow | null> {
      const [row] = await db('notifications')
        .where({ id, user_id: userId })
        .update({ read_at: db.raw('coalesce(read_at, ?)', [at]) })
        .returning<NotificationRow[]>(['id', 'user_id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at']);
      return row ?? null;
    },

    async markAllRead(userId: number, at: Date): Promise<number> {
      return db('notifications').where({ user_id: userId }).whereNull('read_at').update({ read_at: at });
    },
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
