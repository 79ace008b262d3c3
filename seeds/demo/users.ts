/**
 * Demo accounts of SPEC §6, one per role, all with DEMO_PASSWORD; staff come enrolled in TOTP with
 * DEMO_TOTP_SECRET. Created when missing and otherwise left alone, so a changed password survives restarts.
 */
import type { Knex } from 'knex';
import { hashPassword } from '../../src/features/auth/password.js';
import { createUsersRepository } from '../../src/features/auth/users.repository.js';
import type { Role } from '../../src/lib/roles.js';

export interface DemoAccount {
  username: string;
  displayName: string;
  roles: Role[];
  totp: boolean;
}

export const DEMO_ACCOUNTS: readonly DemoAccount[] = [
  { username: 'ngo.staff', displayName: 'Nguyễn Thị Thu Hà', roles: ['ngo_staff'], totp: true },
  { username: 'ngo.lead', displayName: 'Trần Văn Minh', roles: ['ngo_lead'], totp: true },
  { username: 'it.admin', displayName: 'Lê Quang Huy', roles: ['it_admin'], totp: true },
  { username: 'leader', displayName: 'Phạm Đức Thắng', roles: ['leader'], totp: true },
  { username: 'hoi.demo', displayName: 'Đỗ Thị Lan (cán bộ đầu mối của hội)', roles: ['association'], totp: false },
  { username: 'org.manager', displayName: 'Vũ Hoàng Nam (quản lý tổ chức khai thác)', roles: ['org_manager'], totp: false },
  { username: 'exploiter', displayName: 'Hoàng Thị Mai (cán bộ khai thác)', roles: ['exploiter'], totp: false },
];

export async function seedDemoUsers(knex: Knex, password: string, totpSecret: string): Promise<number> {
  const users = createUsersRepository(knex);
  const passwordHash = await hashPassword(password);
  let created = 0;
  for (const account of DEMO_ACCOUNTS) {
    if (await users.findByUsername(account.username, knex)) continue;
    await users.insert(
      {
        username: account.username,
        displayName: account.displayName,
        email: `${account.username}@demo.csdl-hoi.local`,
        passwordHash,
        roles: account.roles,
        totpSecret: account.totp ? totpSecret : null,
        totpEnabledAt: account.totp ? new Date() : null,
      },
      knex,
    );
    created++;
  }
  return created;
}
