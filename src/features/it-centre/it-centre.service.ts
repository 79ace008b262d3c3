/**
 * The IT Centre (Trung tâm Thông tin, R-9.1): watch backups and drills, sessions, server errors and lockouts, and
 * administer accounts (disable/enable, unlock, reset the second factor). Every change is audited; an administrator
 * cannot disable their own account.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { UsersRepository } from '../auth/users.repository.js';
import { backupStatus } from '../backup/backup.service.js';
import type { ItCentreRepository, UserFilters } from './it-centre.repository.js';

export interface ErrorEventInput {
  requestId: string | null;
  method: string;
  path: string;
  status: number;
  errorName: string | null;
  message: string | null;
}

/**
 * An error message may quote values (a unique-violation key, bad input): literals in quotes, key details and long
 * digit runs (phone or ID numbers) are masked before storing.
 */
export function redactMessage(message: string): string {
  return message
    .replace(/'[^']*'/g, "'…'")
    .replace(/=\([^)]*\)/g, '=(…)')
    .replace(/: "[^"]*"/g, ': "…"')
    .replace(/\d{6,}/g, '…')
    .slice(0, 500);
}

/** A backup or drill `running` for longer than this is taken as interrupted: the page stops refreshing. */
export const BACKUP_RUNNING_HOURS = 6;

export function createItCentreService(deps: {
  db: Knex;
  repo: ItCentreRepository;
  users: UsersRepository;
  audit: AuditService;
  clock: Clock;
  maxBackupAgeDays: number;
}) {
  const { db, repo, users, audit, clock } = deps;

  async function target(id: number, trx: Knex = db) {
    const u = await repo.findUser(id, trx);
    if (!u) throw new NotFoundError('Không tìm thấy tài khoản này.');
    return u;
  }

  return {
    now: () => clock.now(),
    backupStatus: () => backupStatus(db, clock.now(), deps.maxBackupAgeDays),

    async overview() {
      const now = clock.now();
      const [backup, sessions, locked, errors24h] = await Promise.all([
        backupStatus(db, now, deps.maxBackupAgeDays),
        repo.countActiveSessions(),
        repo.countLocked(now),
        repo.countErrorsSince(new Date(now.getTime() - 86_400_000)),
      ]);
      return { backup, sessions, locked, errors24h };
    },

    backupRuns: repo.backupRuns,
    /** A run in progress: one started in the last BACKUP_RUNNING_HOURS hours (an older `running` row is a dead process). */
    backupRunning: () => repo.backupRunning(new Date(clock.now().getTime() - BACKUP_RUNNING_HOURS * 3_600_000)),
    errors: repo.errors,
    activeSessions: (page: number, pageSize: number) => repo.activeSessions(page, pageSize),
    lockouts: () => repo.lockouts(clock.now()),
    users: (filters: UserFilters, page: number, pageSize: number) => repo.users(filters, clock.now(), page, pageSize),

    /** A user's account page shows personal data: the view is audited. */
    async user(actor: Actor, id: number) {
      const u = await target(id);
      await audit.record(actor, { action: 'user.view', targetType: 'user', targetId: id });
      return { user: u, sessions: await repo.userSessionCount(id) };
    },

    async revokeSession(actor: Actor, ref: string): Promise<void> {
      await db.transaction(async (trx) => {
        const userId = await repo.revokeSession(ref, trx);
        if (userId === null) throw new NotFoundError('Không tìm thấy phiên này (có thể đã kết thúc).');
        await audit.record(actor, { action: 'session.revoke', targetType: 'user', targetId: userId }, trx);
      });
    },

    async setDisabled(actor: Actor, id: number, disabled: boolean): Promise<void> {
      if (disabled && actor.userId === id) throw new ConflictError('Bạn không thể tự vô hiệu hóa tài khoản của chính mình.');
      await db.transaction(async (trx) => {
        const u = await target(id, trx);
        if (!!u.disabled_at === disabled) return;
        // Bumps session_generation and deletes the user's sessions: a session in use ends at its next request.
        await users.setDisabled(id, disabled ? clock.now() : null, trx);
        await audit.record(actor, { action: disabled ? 'user.disable' : 'user.enable', targetType: 'user', targetId: id }, trx);
      });
    },

    async unlock(actor: Actor, id: number): Promise<void> {
      await db.transaction(async (trx) => {
        const u = await target(id, trx);
        await repo.unlock(id, trx);
        await audit.record(
          actor,
          {
            action: 'user.unlock',
            targetType: 'user',
            targetId: id,
            details: { failedLoginCount: u.failed_login_count, lockedUntil: u.locked_until },
          },
          trx,
        );
      });
    },

    async resetTotp(actor: Actor, id: number): Promise<void> {
      await db.transaction(async (trx) => {
        await target(id, trx);
        await repo.resetTotp(id, trx);
        await audit.record(actor, { action: 'user.totp_reset', targetType: 'user', targetId: id }, trx);
      });
    },

    /** Written by the error handler for every 5xx (no personal data: no user, IP, query string or body). */
    async recordError(e: ErrorEventInput): Promise<void> {
      await repo.insertError({
        request_id: e.requestId,
        method: e.method.slice(0, 10),
        path: e.path.slice(0, 300),
        status: e.status,
        error_name: e.errorName?.slice(0, 100) ?? null,
        message: e.message ? redactMessage(e.message) : null,
      });
    },
  };
}

export type ItCentreService = ReturnType<typeof createItCentreService>;
