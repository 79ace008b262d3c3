/** SQL of `notifications` and of the recipients a notice is addressed to (Knex only). */
import type { Knex } from 'knex';
import type { Role } from '../../lib/roles.js';

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

/**
 * A notice as the list shows it: with what a follow notice is about (features/follows), for its "Bỏ theo dõi"
 * button — the record's code while the user still follows it, the saved search's id while it is still saved.
 */
export interface ListedNotification extends NotificationRow {
  follow_code: string | null;
  saved_search_id: number | null;
}

export interface NewNotificationRow {
  user_id: number;
  kind: string;
  title: string;
  body: string;
  link: string | null;
  dedupe_key: string | null;
  /** A follow notice: the association followed, or the saved search (migration 20261231002600). */
  follow_association_id?: number | null;
  saved_search_id?: number | null;
}

const COLUMNS = ['id', 'user_id', 'kind', 'title', 'body', 'link', 'created_at', 'read_at'] as const;

export function createNotificationsRepository(db: Knex) {
  return {
    /** Inserts the rows in the caller's transaction; returns how many were new (a per-user dedupe key repeats none). */
    async insertNew(trx: Knex | Knex.Transaction, rows: readonly NewNotificationRow[]): Promise<number> {
      const inserted = await trx('notifications').insert(rows).onConflict(['user_id', 'dedupe_key']).ignore().returning('id');
      return inserted.length;
    },

    /** Active (not disabled) users holding any of the roles. */
    async usersWithRoles(trx: Knex | Knex.Transaction, roles: readonly Role[]): Promise<number[]> {
      const rows = await trx('users')
        .whereNull('disabled_at')
        .whereRaw('roles && ?::text[]', [roles as Role[]])
        .select<{ id: number }[]>('id');
      return rows.map((r) => r.id);
    },

    /** Active officers (role `association`) of one association. */
    async officersOf(trx: Knex | Knex.Transaction, associationId: number): Promise<number[]> {
      const rows = await trx('users')
        .whereNull('disabled_at')
        .where('association_id', associationId)
        .whereRaw("'association' = ANY(roles)")
        .select<{ id: number }[]>('id');
      return rows.map((r) => r.id);
    },

    async unreadCount(userId: number): Promise<number> {
      const row = await db('notifications')
        .where({ user_id: userId })
        .whereNull('read_at')
        .count<{ n: string | number }[]>('* as n')
        .first();
      return Number(row?.n ?? 0);
    },

    async list(userId: number, page: number, pageSize: number): Promise<{ rows: ListedNotification[]; total: number }> {
      const [rows, total] = await Promise.all([
        db('notifications as n')
          .leftJoin('follows as f', (j) => j.on('f.association_id', 'n.follow_association_id').andOn('f.user_id', 'n.user_id'))
          .leftJoin('associations as a', 'a.id', 'f.association_id')
          .where('n.user_id', userId)
          .orderBy([
            { column: 'n.created_at', order: 'desc' },
            { column: 'n.id', order: 'desc' },
          ])
          .limit(pageSize)
          .offset((page - 1) * pageSize)
          .select<ListedNotification[]>(...COLUMNS.map((c) => `n.${c}`), 'a.code as follow_code', 'n.saved_search_id'),
        db('notifications').where({ user_id: userId }).count<{ n: string | number }[]>('* as n').first(),
      ]);
      return {
        rows: rows.map((r) => ({ ...r, id: Number(r.id), saved_search_id: r.saved_search_id === null ? null : Number(r.saved_search_id) })),
        total: Number(total?.n ?? 0),
      };
    },

    /** Marks one of the user's own notices read (scope in the query: another user's id changes nothing). */
    async markRead(userId: number, id: number, at: Date): Promise<NotificationRow | null> {
      const [row] = await db('notifications')
        .where({ id, user_id: userId })
        .update({ read_at: db.raw('coalesce(read_at, ?)', [at]) })
        .returning<NotificationRow[]>([...COLUMNS]);
      return row ?? null;
    },

    async markAllRead(userId: number, at: Date): Promise<number> {
      return db('notifications').where({ user_id: userId }).whereNull('read_at').update({ read_at: at });
    },
  };
}

export type NotificationsRepository = ReturnType<typeof createNotificationsRepository>;
