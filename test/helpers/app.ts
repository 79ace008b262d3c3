/** The real app on a fresh database, as cli/start.ts builds it, with a controllable clock and silent logs. */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import type { Router } from 'express';
import { type App, createApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/knex.js';
import type { ReadRouter } from '../../src/db/read-router.js';
import { createFakeClock, type FakeClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/logger.js';
import { createServices, type Services } from '../../src/services.js';
import { createTestDatabase, type TestDatabase } from './db.js';

export interface TestContext {
  app: App;
  db: TestDatabase;
  services: Services;
  clock: FakeClock;
  config: Readonly<Config>;
  /** Everything the app logged, one JSON line each (to check redaction). */
  logLines: string[];
}

/**
 * `extraRoutes` (e.g. a handler that throws) are mounted after the feature routers, before not-found and errors.
 * `sameDatabaseAs` builds a second instance of the application on another app's database and clock (issue 19 item 3:
 * state that N instances must share): on PostgreSQL through a connection pool of its own, on PGlite (one process
 * by nature) through the same connection. Its `db.destroy()` closes only its own pool.
 */
export async function buildTestApp(
  env: Record<string, string> = {},
  options: {
    extraRoutes?: Router;
    sameDatabaseAs?: TestContext;
    /** The read router (issue 19 item 2) over this app's database; without it, every read on that database. */
    reads?: (db: TestDatabase) => ReadRouter | Promise<ReadRouter>;
  } = {},
): Promise<TestContext> {
  // Each app writes its backups to its own temporary folder (never ./backups; test files run in parallel and the
  // retention rule would prune each other's backups).
  const backupDir = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-test-backups-'));
  // The public list cache reads the data version on every request in tests: a write is seen by the next request.
  const config = loadConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'info',
    SEED_DEMO: 'false',
    BACKUP_DIR: backupDir,
    PUBLIC_SEARCH_CACHE_CHECK_MS: '0',
    ...env,
  });
  const db = options.sameDatabaseAs ? await secondConnection(options.sameDatabaseAs.db) : await createTestDatabase();
  const clock = options.sameDatabaseAs?.clock ?? createFakeClock(new Date());
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, cb) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      if (logLines.length > 5000) logLines.splice(0, logLines.length - 5000);
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const reads = options.reads ? await options.reads(db) : undefined;
  const services = createServices({ db: db.knex, config, clock, logger, ...(reads ? { reads } : {}) });
  const app = createApp({
    config,
    db: db.knex,
    services,
    logger,
    clock,
    ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
  });
  return { app, db, services, clock, config, logLines };
}

async function secondConnection(first: TestDatabase): Promise<TestDatabase> {
  if (!first.url) return { ...first, destroy: () => Promise.resolve() };
  const db = await createDatabase({ backend: 'postgres', url: first.url, poolMax: 10 });
  return { ...db, url: first.url, destroy: () => db.close() };
}
