/** Open the configured database, bring its schema up to date and seed it, as `npm start` does. */
import type { Logger } from 'pino';
import { seedDemo } from '../../seeds/demo/index.js';
import { seedReference } from '../../seeds/reference/index.js';
import type { Config } from '../config.js';
import { createDatabase, type Database } from './knex.js';
import { migrateLatest } from './migrations.js';

export function openDatabase(config: Pick<Config, 'database'>, logger?: Logger): Promise<Database> {
  return config.database.backend === 'postgres'
    ? createDatabase({ backend: 'postgres', url: config.database.url, poolMax: config.database.poolMax, ...(logger ? { logger } : {}) })
    : createDatabase({ backend: 'pglite', dataDir: config.database.dataDir, ...(logger ? { logger } : {}) });
}

export async function prepareDatabase(database: Database, config: Pick<Config, 'isProduction' | 'demo'>, logger: Logger): Promise<void> {
  const applied = await migrateLatest(database.knex);
  if (applied.length > 0) logger.info({ applied }, 'migrations applied');
  await seedReference(database.knex);
  if (config.demo.enabled) {
    const { users } = await seedDemo(database.knex, config);
    if (users > 0) logger.info({ users }, 'demo accounts created');
  }
}
