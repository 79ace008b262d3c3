/**
 * Authentication rules: password check with lockout, TOTP second factor with replay protection and
 * recovery codes, enrolment, password change. Every outcome leaves an audit row (RELIABILITY check 30).
 */
import type { Knex } from 'knex';
import type { Config } from '../../config.js';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ValidationError } from '../../lib/errors.js';
import { needsMfa } from '../../lib/roles.js';
import type { AuditService } from '../audit/audit.service.js';
import { dummyPasswordHash, hashPassword, hashRecoveryCode, passwordProblem, verifyPassword } from './password.js';
import { newRecoveryCodes, verifyTotp } from './totp.js';
import type { UserRow, UsersRepository } from './users.repository.js';

export type PasswordOutcome =
  | { ok: true; user: UserRow; secondFactor: 'none' | 'verify' | 'enrol' }
  | { ok: false; reason: 'unknown' | 'bad_password' | 'locked' | 'disabled' | 'expired' | 'suspended' };

export interface AuthServiceDeps {
  db: Knex;
  users: UsersRepository;
  audit: AuditService;
  clock: Clock;
  config: Pick<Config, 'login'>;
}

/** Records a failed step: counts it towards the lockout (when the account can still be locked) and audits it. */
type RecordFailure = (actor: Actor, user: UserRow | undefined, reason: string, step: 'password' | 'totp') => Promise<void>;

function failureRecorder({ users, audit, clock, config }: Omit<AuthServiceDeps, 'db'>): RecordFailure {
  return async function fail(actor, user, reason, step) {
    let locked = false;
    if (user && reason !== 'locked' && reason !== 'disabled' && reason !== 'suspended') {
      const until = new Date(clock.now().getTime() + config.login.lockMs);
      ({ locked } = await users.recordFailure(user.id, config.login.maxFailures, until));
    }
    await audit.record(
      { ...actor, userId: user?.id ?? null, username: user?.username ?? actor.username },
      {
        action: step === 'password' ? 'login' : 'login.totp',
        outcome: 'failure',
        targetType: 'user',
        targetId: user?.id ?? null,
        details: { reason, locked },
      },
    );
  };
}

/** Signing in: the password, the second factor, the successful login and signing out. */
function signIn({ users, audit, clock }: Omit<AuthServiceDeps, 'db' | 'config'>, fail: RecordFailure) {
  return {
    /** First factor. The caller shows one generic message for every failure reason. */
    async checkPassword(actor: Actor, username: string, password: string): Promise<PasswordOutcome> {
      const now = clock.now();
      const user = username ? await users.findByUsername(username) : undefined;
      if (!user) {
        await verifyPassword(await dummyPasswordHash(), password);
        await fail({ ...actor, username: username.slice(0, 100) }, undefined, 'unknown', 'password');
        return { ok: false, reason: 'unknown' };
      }
      const passwordOk = await verifyPassword(user.password_hash, password);
      if (user.disabled_at) {
        await fail(actor, user, 'disabled', 'password');
        return { ok: false, reason: 'disabled' };
      }
      if (user.locked_until && user.locked_until > now) {
        await fail(actor, user, 'locked', 'password');
        return { ok: false, reason: 'locked' };
      }
      if (!passwordOk) {
        await fail(actor, user, 'bad_password', 'password');
        return { ok: false, reason: 'bad_password' };
      }
      if (user.password_expires_at && user.password_expires_at <= now) {
        await fail(actor, user, 'expired', 'password');
        return { ok: false, reason: 'expired' };
      }
      // an account suspended by a violation's decision cannot sign in until the date (its sessions were
      // already ended by the decision). Same generic message as every other refusal; the audit row says why.
      if (user.suspended_until && new Date(user.suspended_until) > now) {
        await fail(actor, user, 'suspended', 'password');
        return { ok: false, reason: 'suspended' };
      }
      // A one-time password (user:create, access hand-over) works once: this login spends it, the session it opens
      // must change it, and a second login with it fails as an expired one (RELIABILITY check 8).
      if (user.must_change_password && !(await users.spendOneTimePassword(user.id, now))) {
        await fail(actor, user, 'expired', 'password');
        return { ok: false, reason: 'expired' };
      }
      if (!needsMfa(user.roles)) return { ok: true, user, secondFactor: 'none' };
      return { ok: true, user, secondFactor: user.totp_enabled_at && user.totp_secret ? 'verify' : 'enrol' };
    },

    /** Second factor: a 6-digit TOTP code (each time step once) or an unused recovery code. */
    async checkSecondFactor(actor: Actor, userId: number, code: string): Promise<UserRow | null> {
      const now = clock.now();
      const user = await users.findById(userId);
      if (!user?.totp_secret || user.disabled_at || (user.locked_until && user.locked_until > now)) {
        await fail(actor, user, user?.disabled_at ? 'disabled' : 'locked', 'totp');
        return null;
      }
      const cleaned = code.replace(/\s/g, '');
      let ok = false;
      if (/^\d{6}$/.test(cleaned)) {
        const step = await verifyTotp(user.totp_secret, cleaned, now, user.totp_last_step);
        ok = step !== null && (await users.useTotpStep(user.id, step));
      } else if (cleaned.length >= 8) {
        ok = await users.useRecoveryCode(user.id, hashRecoveryCode(cleaned), now);
        if (ok)
          await audit.record(
            { ...actor, userId: user.id, username: user.username },
            { action: 'login.recovery_code', targetType: 'user', targetId: user.id },
          );
      }
      if (!ok) {
        await fail({ ...actor, userId: user.id, username: user.username }, user, 'bad_code', 'totp');
        return null;
      }
      return user;
    },

    async loginSucceeded(actor: Actor, user: UserRow, method: 'password' | 'totp'): Promise<void> {
      await users.recordSuccess(user.id, clock.now());
      await audit.record(
        { ...actor, userId: user.id, username: user.username },
        { action: 'login', targetType: 'user', targetId: user.id, details: { method } },
      );
    },

    recoveryCodes(userId: number): Promise<{ total: number; unused: number }> {
      return users.countRecoveryCodes(userId);
    },

    userForPending(userId: number): Promise<UserRow | undefined> {
      return users.findById(userId);
    },

    async logout(actor: Actor): Promise<void> {
      await audit.record(actor, { action: 'logout', targetType: 'user', targetId: actor.userId });
    },
  };
}

/** Enrolment of the second factor at the first staff login. */
function totpEnrolment({ db, users, audit, clock }: Omit<AuthServiceDeps, 'config'>, fail: RecordFailure) {
  return {
    /** Confirms enrolment with a first code; stores the secret and returns fresh recovery codes (shown once). */
    async enrolTotp(
      actor: Actor,
      userId: number,
      secret: string,
      code: string,
      expectedGeneration?: number,
    ): Promise<{ user: UserRow; recoveryCodes: string[] } | null> {
      const now = clock.now();
      const user = await users.findById(userId);
      // The account may have changed since the password step: disabled, locked, sessions ended, or enrolled from
      // another browser. None of these may end in a new second factor (RELIABILITY check 4).
      if (!user || user.disabled_at || (user.locked_until && user.locked_until > now)) {
        await fail(actor, user, !user ? 'unknown' : user.disabled_at ? 'disabled' : 'locked', 'totp');
        return null;
      }
      if (user.totp_enabled_at || (expectedGeneration !== undefined && user.session_generation !== expectedGeneration)) {
        await fail(actor, user, 'stale_enrolment', 'totp');
        return null;
      }
      const step = await verifyTotp(secret, code.replace(/\s/g, ''), now);
      if (step === null) {
        await fail(actor, user, 'bad_code', 'totp');
        return null;
      }
      const recoveryCodes = newRecoveryCodes();
      const enrolled = await db.transaction(async (trx) => {
        if (!(await users.enableTotp(user.id, secret, step, now, trx))) return false;
        await users.replaceRecoveryCodes(user.id, recoveryCodes.map(hashRecoveryCode), trx);
        await audit.record(
          { ...actor, userId: user.id, username: user.username },
          { action: 'totp.enrol', targetType: 'user', targetId: user.id },
          trx,
        );
        return true;
      });
      if (!enrolled) {
        await fail(actor, user, 'stale_enrolment', 'totp');
        return null;
      }
      const fresh = await users.findById(user.id);
      return fresh ? { user: fresh, recoveryCodes } : null;
    },
  };
}

/** Password change by the signed-in user. */
function passwordChange({ db, users, audit, clock }: Omit<AuthServiceDeps, 'config'>) {
  return {
    /**
     * Changes the password after checking the current one; ends every session of the user.
     * Returns the user with its new session generation so the caller can log the current browser in again.
     */
    async changePassword(actor: Actor, userId: number, current: string, next: string, confirm: string): Promise<UserRow> {
      const user = await users.findById(userId);
      if (!user) throw new ValidationError({ currentPassword: 'Không tìm thấy tài khoản.' });
      const errors: Record<string, string> = {};
      if (!(await verifyPassword(user.password_hash, current))) errors.currentPassword = 'Mật khẩu hiện tại không đúng.';
      const problem = passwordProblem(next, user.username);
      if (problem) errors.newPassword = problem;
      else if (next === current) errors.newPassword = 'Mật khẩu mới phải khác mật khẩu hiện tại.';
      if (next !== confirm) errors.confirmPassword = 'Mật khẩu nhập lại không khớp với mật khẩu mới.';
      if (Object.keys(errors).length > 0) {
        await audit.record(actor, {
          action: 'password.change',
          outcome: 'failure',
          targetType: 'user',
          targetId: user.id,
          details: { fields: Object.keys(errors) },
        });
        throw new ValidationError(errors);
      }
      const passwordHash = await hashPassword(next);
      await db.transaction(async (trx) => {
        await users.setPassword(user.id, passwordHash, clock.now(), trx);
        await audit.record(actor, { action: 'password.change', targetType: 'user', targetId: user.id }, trx);
      });
      const fresh = await users.findById(user.id);
      if (!fresh) throw new Error('user vanished');
      return fresh;
    },
  };
}

export function createAuthService(deps: AuthServiceDeps) {
  const fail = failureRecorder(deps);
  return { ...signIn(deps, fail), ...totpEnrolment(deps, fail), ...passwordChange(deps) };
}

export type AuthService = ReturnType<typeof createAuthService>;
