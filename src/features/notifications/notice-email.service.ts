/**
 * The user's choice of e-mail for notices (issue 17 item 4): read and change it on the settings page (signed in),
 * or turn it to "never" from an e-mail's one-click unsubscribe link (signed token, no login). Each change is audited
 * in its own transaction with the update.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import type { Mailer } from '../../lib/mailer.js';
import type { AuditService } from '../audit/audit.service.js';
import { type NoticeEmailChoice, verifyUnsubscribeToken } from './notice-mail.js';
import type { NoticeMailRepository } from './notice-mail.repository.js';

export interface NoticeEmailDeps {
  db: Knex;
  repo: NoticeMailRepository;
  audit: Pick<AuditService, 'record'>;
  clock: Clock;
  /** Signs the unsubscribe links (the session secret). */
  secret: string;
  /** Whether e-mail can be sent at all (SMTP configured): `enabled`. */
  mailer: Pick<Mailer, 'enabled'>;
}

export function createNoticeEmailService({ db, repo, audit, clock, secret, mailer }: NoticeEmailDeps) {
  async function change(actor: Actor | null, userId: number, choice: NoticeEmailChoice, action: string): Promise<boolean> {
    return db.transaction(async (trx) => {
      const before = await repo.setChoice(trx, userId, choice);
      if (before === null) return false;
      await audit.record(actor, { action, targetType: 'user', targetId: userId, details: { from: before, to: choice } }, trx);
      return true;
    });
  }
  return {
    smtpConfigured: mailer.enabled,
    settings: (userId: number) => repo.getAccount(userId),
    /** The signed-in user's own choice (scope: the actor's own row only). */
    update: (actor: Actor & { userId: number }, choice: NoticeEmailChoice) => change(actor, actor.userId, choice, 'notice_email.update'),
    /** The user a token names, or null (tampered, malformed, expired). */
    tokenUser: (token: unknown) => verifyUnsubscribeToken(secret, token, clock.now()),
    /** Sets "never" for the token's user; false when the token is not valid. */
    async unsubscribe(actor: Actor | null, token: unknown): Promise<boolean> {
      const userId = verifyUnsubscribeToken(secret, token, clock.now());
      if (userId === null) return false;
      return change(actor, userId, 'never', 'notice_email.unsubscribe');
    },
  };
}

export type NoticeEmailService = ReturnType<typeof createNoticeEmailService>;
