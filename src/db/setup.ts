/** Open the configured database: a PostgreSQL server (`DATABASE_URL`) or the embedded PGlite in `DATA_DIR`; and the read replica. */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { createDatabase, type Database } from './knex.js';
import { createReadRouter, primaryOnly, type ReadRouter } from './read-router.js';

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

/**
 * The read router (src/db/read-router.ts): over a replica pool of its own when DATABASE_REPLICA_URL is set (its
 * connections named `csdl-hoi-reads` in pg_stat_activity), else every read on the primary. Its probe starts with
 * `start()`.
 */
export async function openReadRouter(config: Pick<Config, 'database' | 'replica'>, primary: Knex, logger?: Logger): Promise<ReadRouter> {
  const replicaConfig = config.replica;
  if (!replicaConfig || config.database.backend !== 'postgres') return primaryOnly(primary);
  let router: ReadRouter | null = null;
  const replica = await createDatabase({
    backend: 'postgres',
    url: replicaConfig.url,
    poolMax: config.database.poolMax,
    acquireTimeoutMs: config.database.acquireTimeoutMs,
    applicationName: 'csdl-hoi-reads',
    onClientError: (err) => router?.connectionLost(err),
    ...(logger ? { logger } : {}),
  });
  router = createReadRouter({
    primary,
    replica: replica.knex,
    maxLagSeconds: replicaConfig.maxLagSeconds,
    checkMs: replicaConfig.checkMs,
    readAfterWriteMs: replicaConfig.readAfterWriteMs,
    closeReplica: () => replica.close(),
    ...(logger ? { logger } : {}),
  });
  return router;
}
