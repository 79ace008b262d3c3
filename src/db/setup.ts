/** Open the configured database: a PostgreSQL server (`DATABASE_URL`) or the embedded PGlite in `DATA_DIR`. */
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createDatabase, type Database } from './knex.js';

export function openDatabase(config: Pick<Config, 'database'>, logger?: Logger): Promise<Database> {
  return config.database.backend === 'postgres'
    ? createDatabase({
        backend: 'postgres',
        url: config.database.url,
        poolMax: config.database.poolMax,
        acquireTimeoutMs: config.database.acquireTimeoutMs,
        ...(logger ? { logger } : {}),
      })
    : createDatabase({
        backend: 'pglite',
        dataDir: config.database.dataDir,
        acquireTimeoutMs: config.database.acquireTimeoutMs,
        ...(logger ? { logger } : {}),
      });
}
