/**
 * Which data a database gets at start (`npm start`, `npm run db:seed`, the browser tests): the reference catalogues
 * in every environment, then — when demo mode is on (never in production) — the demo accounts and associations.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import { seedDemo } from '../../seeds/demo/index.js';
import { seedReference } from '../../seeds/reference/index.js';
import type { Config } from '../config.js';
import type { Database } from '../db/knex.js';
import { migrateLatest } from '../db/migrations.js';
import { createAssociationsRepository } from '../features/associations/associations.repository.js';
import { createAssociationsService } from '../features/associations/associations.service.js';
import { createAuditRepository } from '../features/audit/audit.repository.js';
import { createAuditService } from '../features/audit/audit.service.js';
import { createCataloguesRepository } from '../features/catalogues/catalogues.repository.js';
import { createCataloguesService } from '../features/catalogues/catalogues.service.js';
import { type Clock, systemClock } from '../lib/clock.js';

/** What the demo seed writes through: the associations service, so demo records get versions and audit rows. */
export function demoSeedDeps(knex: Knex, clock: Clock = systemClock) {
  const audit = createAuditService(createAuditRepository(knex));
  const catalogues = createCataloguesService({ db: knex, repo: createCataloguesRepository(knex), audit, clock });
  return {
    associations: createAssociationsService({ db: knex, repo: createAssociationsRepository(knex), audit, clock, catalogues }),
    clock,
  };
}

/** Brings the schema up to date and seeds it, as `npm start` does before serving. */
export async function prepareDatabase(database: Database, config: Pick<Config, 'isProduction' | 'demo'>, logger: Logger): Promise<void> {
  const applied = await migrateLatest(database.knex);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  await seedReference(database.knex);
  if (config.demo.enabled) {
    const { users, associations, ms } = await seedDemo(database.knex, config, demoSeedDeps(database.knex));
    if (users > 0) logger.info({ users }, 'demo accounts created');
    if (associations > 0) logger.info({ associations, ms }, 'demo associations created');
  }
}
