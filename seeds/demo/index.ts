/** Demo data: refused in production. */
import type { Knex } from 'knex';
import type { Config } from '../../src/config.js';
import { seedDemoAccess } from './access.js';
import { DEMO_HOI_DEMO_ASSOCIATION, type DemoAssociationsDeps, seedDemoAssociations } from './associations.js';
import { seedDemoSubmission } from './submissions.js';
import { seedDemoUsers } from './users.js';

export interface DemoSeedResult {
  users: number;
  associations: number;
  ms: number;
}

/**
 * Demo accounts, then a few hundred demo associations (SPEC §6); links `hoi.demo` to its association.
 * Each part is idempotent, so it runs at every start in demo mode.
 */
export async function seedDemo(
  knex: Knex,
  config: Pick<Config, 'isProduction' | 'demo'>,
  deps: DemoAssociationsDeps,
  options: { associations?: number } = {},
): Promise<DemoSeedResult> {
  if (config.isProduction) throw new Error('Demo data is refused in production.');
  const started = performance.now();
  const users = await knex.transaction((trx) => seedDemoUsers(trx, config.demo.password, config.demo.totpSecret));
  const { created } = await seedDemoAssociations(knex, deps, options.associations === undefined ? {} : { count: options.associations });
  // The association officer answers for one demo association (left alone once set).
  const association = await knex('associations').where({ name: DEMO_HOI_DEMO_ASSOCIATION }).first('id');
  if (association) {
    await knex('users').where({ username: 'hoi.demo' }).whereNull('association_id').update({ association_id: association.id });
  }
  await seedDemoSubmission(knex, deps.clock);
  // The demo organisation's grant (reports a, b, c, e, l; SPEC §6) for org.manager and exploiter.
  await knex.transaction((trx) => seedDemoAccess(trx));
  return { users, associations: created, ms: Math.round(performance.now() - started) };
}
