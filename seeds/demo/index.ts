/** Demo data: refused in production. */
import type { Knex } from 'knex';
import type { Config } from '../../src/config.js';
import { seedDemoUsers } from './users.js';

export async function seedDemo(knex: Knex, config: Pick<Config, 'isProduction' | 'demo'>): Promise<{ users: number }> {
  if (config.isProduction) throw new Error('Demo data is refused in production.');
  const users = await knex.transaction((trx) => seedDemoUsers(trx, config.demo.password, config.demo.totpSecret));
  return { users };
}
