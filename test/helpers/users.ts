/** Test users made directly in the database (the password is hashed with argon2id as in production). */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { hashPassword } from '../../src/features/auth/password.js';
import { createUsersRepository, type UserRow } from '../../src/features/auth/users.repository.js';
import { needsMfa, type Role } from '../../src/lib/roles.js';

export const TEST_PASSWORD = 'Mật khẩu thử nghiệm dài 2026';
export const TEST_TOTP_SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

let hashed: Promise<string> | null = null;

export interface TestUser extends UserRow {
  password: string;
  totpSecret: string | null;
}

export async function createUser(
  db: Knex,
  roles: Role[],
  overrides: Partial<{
    username: string;
    password: string;
    mustChangePassword: boolean;
    passwordExpiresAt: Date;
    enrolled: boolean;
    associationId: number;
  }> = {},
): Promise<TestUser> {
  const password = overrides.password ?? TEST_PASSWORD;
  hashed ??= hashPassword(TEST_PASSWORD);
  const passwordHash = overrides.password ? await hashPassword(password) : await hashed;
  const staff = needsMfa(roles);
  const enrolled = staff && overrides.enrolled !== false;
  const username = overrides.username ?? `${roles[0] ?? 'user'}.${randomBytes(3).toString('hex')}`;
  const row = await createUsersRepository(db).insert({
    username,
    displayName: `Người dùng ${username}`,
    passwordHash,
    roles,
    mustChangePassword: overrides.mustChangePassword ?? false,
    passwordExpiresAt: overrides.passwordExpiresAt ?? null,
    associationId: overrides.associationId ?? null,
    totpSecret: enrolled ? TEST_TOTP_SECRET : null,
    totpEnabledAt: enrolled ? new Date() : null,
  });
  return { ...row, password, totpSecret: enrolled ? TEST_TOTP_SECRET : null };
}
