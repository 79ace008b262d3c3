/**
 * SQL of the notice e-mail path (Knex only): the notices still to handle (`mail_state IS NULL`, partial index
 * notifications_mail_pending_idx), those waiting for the daily digest (`mail_state = 'daily'`), their marking, and
 * each user's choice (`users.notice_email`).
 */
import type { Knex } from 'knex';
import type { MailNotice, MailRecipient, NoticeEmailChoice } from './notice-mail.js';

export interface PendingNotice extends MailNotice {
  kind: string;
  user_id: number;
  email: string | null;
  display_name: string;
  notice_email: NoticeEmailChoice;
  disabled: boolean;
}

export type FinalMailState = 'sent' | 'digest' | 'skipped' | 'daily';

export function createNoticeMailRepository(db: Knex) {
  return {
    /** The next notices not yet handled, by id after `afterId`, with their recipient. */
    async pending(afterId: number, limit: number): Promise<PendingNotice[]> {
      const rows = await db('notifications as n')
        .join('users as u', 'u.id', 'n.user_id')
        .whereNull('n.mail_state')
        .where('n.id', '>', afterId)
        .orderBy('n.id')
        .limit(limit)
        .select(
          'n.id',
          'n.kind',
          'n.title',
          'n.body',
          'n.link',
          'n.created_at',
          'n.user_id',
          'u.email',
          'u.display_name',
          'u.notice_email',
          db.raw('(u.disabled_at IS NOT NULL) as disabled'),
        );
      return rows.map((r: PendingNotice) => ({ ...r, id: Number(r.id) }));
    },

    /** Marks notices handled (only those still in `from`: a concurrent marking is never overwritten). */
    async mark(ids: readonly number[], state: FinalMailState, at: Date | null, from: 'pending' | 'daily' = 'pending'): Promise<number> {
      if (ids.length === 0) return 0;
      const q = db('notifications').whereIn('id', [...ids]);
      if (from === 'pending') q.whereNull('mail_state');
      else q.where('mail_state', 'daily');
      return q.update({ mail_state: state, ...(state === 'sent' || state === 'digest' ? { emailed_at: at } : {}) });
    },

    /** Users with notices waiting for the digest, by id after `afterId`. */
    async digestUsers(
      afterId: number,
      limit: number,
    ): Promise<Array<MailRecipient & { email: string | null; notice_email: NoticeEmailChoice; disabled: boolean }>> {
      const ids = db('notifications').where('mail_state', 'daily').where('user_id', '>', afterId).distinct('user_id');
      return db('users as u')
        .whereIn('u.id', ids)
        .orderBy('u.id')
        .limit(limit)
        .select('u.id', 'u.email', 'u.display_name', 'u.notice_email', db.raw('(u.disabled_at IS NOT NULL) as disabled'));
    },

    /** One user's notices waiting for the digest, oldest first, with whether each was read already. */
    async digestNotices(userId: number, limit: number): Promise<Array<MailNotice & { read: boolean }>> {
      const rows = await db('notifications')
        .where({ user_id: userId, mail_state: 'daily' })
        .orderBy('id')
        .limit(limit)
        .select('id', 'title', 'body', 'link', 'created_at', db.raw('(read_at IS NOT NULL) as read'));
      return rows.map((r: MailNotice & { read: boolean }) => ({ ...r, id: Number(r.id) }));
    },

    async allDigestIds(userId: number): Promise<number[]> {
      const rows = await db('notifications').where({ user_id: userId, mail_state: 'daily' }).select<{ id: string | number }[]>('id');
      return rows.map((r) => Number(r.id));
    },

    async getChoice(userId: number): Promise<NoticeEmailChoice | null> {
      const row = await db('users').where({ id: userId }).first<{ notice_email: NoticeEmailChoice } | undefined>('notice_email');
      return row?.notice_email ?? null;
    },

    async getAccount(userId: number): Promise<{ notice_email: NoticeEmailChoice; email: string | null } | null> {
      const row = await db('users')
        .where({ id: userId })
        .first<{ notice_email: NoticeEmailChoice; email: string | null } | undefined>('notice_email', 'email');
      return row ?? null;
    },

    /** Sets the choice; returns the previous one (null: no such user). */
    async setChoice(trx: Knex | Knex.Transaction, userId: number, choice: NoticeEmailChoice): Promise<NoticeEmailChoice | null> {
      const row = await trx('users')
        .where({ id: userId })
        .forUpdate()
        .first<{ notice_email: NoticeEmailChoice } | undefined>('notice_email');
      if (!row) return null;
      if (row.notice_email !== choice) await trx('users').where({ id: userId }).update({ notice_email: choice });
      return row.notice_email;
    },
  };
}

export type NoticeMailRepository = ReturnType<typeof createNoticeMailRepository>;
