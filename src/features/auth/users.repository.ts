import type { Knex } from 'knex';
import type { Role } from '../../lib/roles.js';

export interface UserRow {
  id: number;
  username: string;
  display_name: string;
  email: string | null;
  password_hash: string;
  roles: Role[];
  association_id: number | null;
  organisation_id: number | null;
  must_change_password: boolean;
  password_expires_at: Date | null;
  password_changed_at: Date | null;
  session_generation: number;
  failed_login_count: number;
  locked_until: Date | null;
  last_login_at: Date | null;
  disabled_at: Date | null;
  /** A violation's suspension of this account: no sign-in before this moment. */
  suspended_until: Date | null;
  totp_secret: string | null;
  totp_enabled_at: Date | null;
  totp_last_step: number | null;
  created_at: Date;
  updated_at: Date;
}

export interface NewUser {
  username: string;
  displayName: string;
  email?: string | null;
  passwordHash: string;
  roles: Role[];
  associationId?: number | null;
  organisationId?: number | null;
  mustChangePassword?: boolean;
  passwordExpiresAt?: Date | null;
  totpSecret?: string | null;
  totpEnabledAt?: Date | null;
}

export function createUsersRepository(db: Knex) {
  return {
    findById(id: number, trx: Knex = db): Promise<UserRow | undefined> {
      return trx<UserRow>('users').where({ id }).first();
    },
    findByUsername(username: string, trx: Knex = db): Promise<UserRow | undefined> {
      return trx<UserRow>('users').whereRaw('lower(username) = lower(?)', [username]).first();
    },
    async insert(user: NewUser, trx: Knex = db): Promise<UserRow> {
      const [row] = await trx<UserRow>('users')
        .insert({
          username: user.username,
          display_name: user.displayName,
          email: user.email ?? null,
          password_hash: user.passwordHash,
          roles: user.roles,
          association_id: user.associationId ?? null,
          organisation_id: user.organisationId ?? null,
          must_change_password: user.mustChangePassword ?? false,
          password_expires_at: user.passwordExpiresAt ?? null,
          totp_secret: user.totpSecret ?? null,
          totp_enabled_at: user.totpEnabledAt ?? null,
        })
        .returning('*');
      if (!row) throw new Error('insert returned no row');
      return row;
    },
    /** Upsert by username (demo seeds): refreshes password and roles, keeps the id. */
    async upsert(user: NewUser, trx: Knex = db): Promise<UserRow> {
      const existing = await this.findByUsername(user.username, trx);
      if (!existing) return this.insert(user, trx);
      const [row] = await trx<UserRow>('users')
        .where({ id: existing.id })
        .update({
          display_name: user.displayName,
          email: user.email ?? null,
          password_hash: user.passwordHash,
          roles: user.roles,
          association_id: user.associationId ?? existing.association_id,
          must_change_password: user.mustChangePassword ?? false,
          totp_secret: user.totpSecret ?? existing.totp_secret,
          totp_enabled_at: user.totpEnabledAt ?? existing.totp_enabled_at,
          updated_at: trx.fn.now(),
        })
        .returning('*');
      if (!row) throw new Error('update returned no row');
      return row;
    },
    async recordFailure(id: number, maxFailures: number, lockUntil: Date, trx: Knex = db): Promise<{ locked: boolean }> {
      const [row] = await trx<UserRow>('users')
        .where({ id })
        .update({
          failed_login_count: trx.raw('CASE WHEN failed_login_count + 1 >= ? THEN 0 ELSE failed_login_count + 1 END', [maxFailures]),
          locked_until: trx.raw('CASE WHEN failed_login_count + 1 >= ? THEN ?::timestamptz ELSE locked_until END', [
            maxFailures,
            lockUntil.toISOString(),
          ]),
        })
        .returning(['locked_until']);
      return { locked: !!row?.locked_until && row.locked_until.getTime() === lockUntil.getTime() };
    },
    async recordSuccess(id: number, at: Date, trx: Knex = db): Promise<void> {
      await trx('users').where({ id }).update({ failed_login_count: 0, locked_until: null, last_login_at: at });
    },
    /**
     * Spend a one-time password (an account that must change its password): from `at` on it has expired, so it signs
     * in once. Returns false when another login spent it first (or it had expired already).
     */
    async spendOneTimePassword(id: number, at: Date, trx: Knex = db): Promise<boolean> {
      const n = await trx('users')
        .where({ id, must_change_password: true })
        .andWhere((q) => q.whereNull('password_expires_at').orWhere('password_expires_at', '>', at))
        .update({ password_expires_at: at });
      return n === 1;
    },
    /**
     * Accept a TOTP time step only if it is newer than the last one used (RELIABILITY check 7: no replay).
     * Returns false when another request already used this step or a later one.
     */
    async useTotpStep(id: number, step: number, trx: Knex = db): Promise<boolean> {
      const n = await trx('users')
        .where({ id })
        .andWhere((q) => q.whereNull('totp_last_step').orWhere('totp_last_step', '<', step))
        .update({ totp_last_step: step });
      return n === 1;
    },
    /** Enrol a second factor, only if none is enrolled yet (two racing enrolments: one wins). */
    async enableTotp(id: number, secret: string, step: number, at: Date, trx: Knex = db): Promise<boolean> {
      const n = await trx('users')
        .where({ id })
        .whereNull('totp_enabled_at')
        .update({ totp_secret: secret, totp_enabled_at: at, totp_last_step: step, updated_at: at });
      return n === 1;
    },
    /** Set a new password and end every session of the user (RELIABILITY check 4). Returns the new generation. */
    async setPassword(id: number, passwordHash: string, at: Date, trx: Knex = db): Promise<number> {
      const [row] = await trx<UserRow>('users')
        .where({ id })
        .update({
          password_hash: passwordHash,
          password_changed_at: at,
          must_change_password: false,
          password_expires_at: null,
          session_generation: trx.raw('session_generation + 1'),
          updated_at: at,
        })
        .returning(['session_generation']);
      await trx('sessions').where({ user_id: id }).delete();
      return row?.session_generation ?? 0;
    },
    async setDisabled(id: number, disabledAt: Date | null, trx: Knex = db): Promise<void> {
      await trx('users')
        .where({ id })
        .update({ disabled_at: disabledAt, session_generation: trx.raw('session_generation + 1'), updated_at: trx.fn.now() });
      if (disabledAt) await trx('sessions').where({ user_id: id }).delete();
    },
    /** End every session of a user everywhere (logout from all devices). */
    async bumpSessionGeneration(id: number, trx: Knex = db): Promise<void> {
      await trx('users')
        .where({ id })
        .update({ session_generation: trx.raw('session_generation + 1') });
      await trx('sessions').where({ user_id: id }).delete();
    },
    async replaceRecoveryCodes(id: number, hashes: string[], trx: Knex = db): Promise<void> {
      await trx('user_recovery_codes').where({ user_id: id }).delete();
      if (hashes.length > 0) await trx('user_recovery_codes').insert(hashes.map((h) => ({ user_id: id, code_hash: h })));
    },
    /** Mark a recovery code used; false if it does not exist or was already used. */
    async useRecoveryCode(id: number, hash: string, at: Date, trx: Knex = db): Promise<boolean> {
      const n = await trx('user_recovery_codes').where({ user_id: id, code_hash: hash }).whereNull('used_at').update({ used_at: at });
      return n === 1;
    },
    async countRecoveryCodes(id: number): Promise<{ total: number; unused: number }> {
      const row = await db('user_recovery_codes')
        .where({ user_id: id })
        .select(db.raw('count(*)::int AS total'), db.raw('count(*) FILTER (WHERE used_at IS NULL)::int AS unused'))
        .first<{ total: number; unused: number }>();
      return { total: Number(row?.total ?? 0), unused: Number(row?.unused ?? 0) };
    },
  };
}

export type UsersRepository = ReturnType<typeof createUsersRepository>;
