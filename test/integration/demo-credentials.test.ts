/**
 * Production start refuses a database whose accounts still sign in with the demo credentials of SPEC §6 (a demo
 * database promoted to production, RELIABILITY check 44): the demo password (DEMO_PASSWORD or its default) verified
 * against each stored argon2id hash, and the demo TOTP secret (DEMO_TOTP_SECRET or its default). The refusal names
 * the accounts, never a secret; a fresh production database (no demo accounts) passes.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoUsers } from '../../seeds/demo/users.js';
import { DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_TOTP_SECRET, loadConfig } from '../../src/config.js';
import { accountsWithDemoCredentials, demoCredentialsRefusal } from '../../src/features/auth/demo-credentials.js';
import { hashPassword } from '../../src/features/auth/password.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { createUser } from '../helpers/users.js';

const PRODUCTION = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: 'x'.repeat(48), SEED_DEMO: 'false' });

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterEach(async () => {
  await db.knex('users').del();
});
afterAll(() => db.destroy());

describe('demo credentials at production start (SPEC §6)', () => {
  it('a production database with no demo account passes', async () => {
    await createUser(db.knex, ['it_admin']);
    await createUser(db.knex, ['exploiter']);
    expect(await accountsWithDemoCredentials(db.knex, PRODUCTION.demo)).toEqual([]);
    expect(await demoCredentialsRefusal(db.knex, PRODUCTION)).toBeNull();
  });

  it('a fresh production database (no account at all) passes', async () => {
    expect(await demoCredentialsRefusal(db.knex, PRODUCTION)).toBeNull();
  });

  it('a promoted demo database is refused, naming every demo account and no secret', async () => {
    await seedDemoUsers(db.knex, DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_TOTP_SECRET);
    await createUser(db.knex, ['ngo_staff'], { username: 'real.staff' });
    const found = await accountsWithDemoCredentials(db.knex, PRODUCTION.demo);
    expect(found.map((a) => a.username).sort()).toEqual(
      ['exploiter', 'hoi.demo', 'it.admin', 'leader', 'ngo.lead', 'ngo.staff', 'org.manager'].sort(),
    );
    expect(found.find((a) => a.username === 'ngo.staff')).toEqual({ username: 'ngo.staff', demoPassword: true, demoTotpSecret: true });
    expect(found.find((a) => a.username === 'exploiter')).toEqual({ username: 'exploiter', demoPassword: true, demoTotpSecret: false });
    const refusal = await demoCredentialsRefusal(db.knex, PRODUCTION);
    expect(refusal).not.toBeNull();
    expect(refusal?.accounts).toHaveLength(7);
    for (const name of ['ngo.staff', 'it.admin', 'exploiter', 'org.manager']) expect(refusal?.message).toContain(name);
    expect(refusal?.message).not.toContain('real.staff');
    expect(refusal?.message).not.toContain(DEFAULT_DEMO_PASSWORD);
    expect(refusal?.message).not.toContain(DEFAULT_DEMO_TOTP_SECRET);
    expect(refusal?.message).toMatch(/production/);
  });

  it('one account with the demo password (its password changed elsewhere) is refused', async () => {
    await createUser(db.knex, ['it_admin'], { username: 'admin.tt' });
    await createUser(db.knex, ['leader'], { username: 'lanh.dao', password: DEFAULT_DEMO_PASSWORD });
    const refusal = await demoCredentialsRefusal(db.knex, PRODUCTION);
    expect(refusal?.accounts).toEqual([{ username: 'lanh.dao', demoPassword: true, demoTotpSecret: false }]);
    expect(refusal?.message).toContain('lanh.dao');
    expect(refusal?.message).not.toContain('admin.tt');
  });

  it('a configured DEMO_PASSWORD and DEMO_TOTP_SECRET are checked as well as the defaults', async () => {
    const custom = { password: 'Mật khẩu demo riêng 2026', totpSecret: 'MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43U' };
    const config = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: 'x'.repeat(48),
      DEMO_PASSWORD: custom.password,
      DEMO_TOTP_SECRET: custom.totpSecret,
    });
    await createUser(db.knex, ['exploiter'], { username: 'ca.nhan', password: custom.password });
    await createUser(db.knex, ['ngo_staff'], { username: 'can.bo' });
    // The staff account's password is its own, but its TOTP secret is the configured demo one (lower case, spaced).
    await db
      .knex('users')
      .where({ username: 'can.bo' })
      .update({
        totp_secret: custom.totpSecret
          .toLowerCase()
          .replace(/(.{4})/g, '$1 ')
          .trim(),
      });
    const found = await accountsWithDemoCredentials(db.knex, config.demo);
    expect(found).toEqual([
      { username: 'ca.nhan', demoPassword: true, demoTotpSecret: false },
      { username: 'can.bo', demoPassword: false, demoTotpSecret: true },
    ]);
    // The default demo password is still a demo password when DEMO_PASSWORD names another one.
    await db
      .knex('users')
      .where({ username: 'ca.nhan' })
      .update({ password_hash: await hashPassword(DEFAULT_DEMO_PASSWORD) });
    expect((await accountsWithDemoCredentials(db.knex, config.demo)).map((a) => a.username)).toEqual(['ca.nhan', 'can.bo']);
  });

  it('outside production the demo accounts are expected: no refusal', async () => {
    await seedDemoUsers(db.knex, DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_TOTP_SECRET);
    const demo = loadConfig({ NODE_ENV: 'development' });
    expect(await demoCredentialsRefusal(db.knex, demo)).toBeNull();
  });
});
