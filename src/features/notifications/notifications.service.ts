/**
 * In-app notifications (issue 5 §4; the jobs issue adds e-mail through the same rows). Writers pass their own
 * transaction so a notice exists exactly when the change that caused it was committed. A `dedupeKey` makes a
 * notice idempotent per recipient: notifying twice (a retried request, a re-run job) leaves one row.
 */
import type { Knex } from 'knex';
import type { Role } from '../../lib/roles.js';
import type { NotificationsRepository } from './notifications.repository.js';

export interface NoticeInput {
  /** Machine kind, e.g. `submission.returned`, `cycle.quarterly`. */
  kind: string;
  title: string;
  body?: string;
  /** A path inside the portal (never an external address). */
  link?: string | null;
  /** Same key for the same user → one notice only. */
  dedupeKey?: string | null;
  /** A follow notice (features/follows): the association followed, or the saved search; gives it "Bỏ theo dõi". */
  followAssociationId?: number | null;
  savedSearchId?: number | null;
}

export function createNotificationsService(repo: NotificationsRepository) {
  /** Inserts one notice per user; returns how many were new (duplicates by dedupe key are skipped). */
  async function notifyUsers(trx: Knex | Knex.Transaction, userIds: readonly number[], n: NoticeInput): Promise<number> {
    const ids = [...new Set(userIds)];
    if (ids.length === 0) return 0;
    if (n.link && !n.link.startsWith('/')) throw new Error('A notification link must be a path inside the portal.');
    return repo.insertNew(
      trx,
      ids.map((user_id) => ({
        user_id,
        kind: n.kind,
        title: n.title,
        body: n.body ?? '',
        link: n.link ?? null,
        dedupe_key: n.dedupeKey ?? null,
        follow_association_id: n.followAssociationId ?? null,
        saved_search_id: n.savedSearchId ?? null,
      })),
    );
  }

  return {
    notifyUsers,
    async notifyRoles(trx: Knex | Knex.Transaction, roles: readonly Role[], n: NoticeInput): Promise<number> {
      return notifyUsers(trx, await repo.usersWithRoles(trx, roles), n);
    },
    async notifyAssociation(trx: Knex | Knex.Transaction, associationId: number, n: NoticeInput): Promise<number> {
      return notifyUsers(trx, await repo.officersOf(trx, associationId), n);
    },
    unreadCount: repo.unreadCount,
    list: repo.list,
    markRead: repo.markRead,
    markAllRead: repo.markAllRead,
  };
}

export type NotificationsService = ReturnType<typeof createNotificationsService>;
