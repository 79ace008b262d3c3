/**
 * The hand-over of accounts to an exploiting organisation: a unique username from the person's name
 * and a random one-time password, returned to the caller once (for the hand-over note) and stored only as an
 * argon2id hash.
 */
import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import type { Role } from '../../lib/roles.js';
import { hashPassword } from '../auth/password.js';
import type { UsersRepository } from '../auth/users.repository.js';
import type { CategoryKey } from '../reports/categories.js';
import type { AccessRepository } from './access.repository.js';

/** One-time passwords of the hand-over expire unused after this long (RELIABILITY check 8). */
export const ONE_TIME_PASSWORD_HOURS = 72;

export interface HandedOverAccount {
  userId: number;
  username: string;
  displayName: string;
  email: string;
  role: Role;
  /** Shown once on the hand-over note; never stored in clear. */
  password: string;
}

export interface Handover {
  organisation: { id: number; name: string };
  grant: { categories: CategoryKey[]; personal: boolean; expiresAt: Date } | null;
  accounts: HandedOverAccount[];
  passwordsExpireAt: Date;
}

/** "Hoàng Thị Mai" → "hoang.thi.mai" (ASCII, for a username). */
export function usernameBase(name: string): string {
  const folded = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
  return (folded || 'can.bo').slice(0, 40);
}

/** Creates a hand-over account: a unique username, a random one-time password hashed with argon2id. */
export async function createHandoverAccount(
  deps: { repo: Pick<AccessRepository, 'usernameTaken'>; users: Pick<UsersRepository, 'insert'> },
  trx: Knex,
  person: { displayName: string; email: string },
  role: Role,
  organisationId: number,
  now: Date,
): Promise<HandedOverAccount> {
  const { repo, users } = deps;
  const base = usernameBase(person.displayName);
  let username = base;
  for (let i = 2; await repo.usernameTaken(username, trx); i++) username = `${base}.${i}`;
  const password = randomBytes(12).toString('base64url');
  const user = await users.insert(
    {
      username,
      displayName: person.displayName,
      email: person.email,
      passwordHash: await hashPassword(password),
      roles: [role],
      organisationId,
      mustChangePassword: true,
      passwordExpiresAt: new Date(now.getTime() + ONE_TIME_PASSWORD_HOURS * 3_600_000),
    },
    trx,
  );
  return { userId: user.id, username, displayName: person.displayName, email: person.email, role, password };
}
