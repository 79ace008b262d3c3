/**
 * Entry point of `npm start` and the container: config → database (PostgreSQL or embedded PGlite) → migrate and seed
 * (seeding.ts) → in production, no account with the demo password or TOTP secret (else exit 1) → services → app →
 * listen, then the URL and — in demo mode — the demo accounts.
 * Graceful shutdown on SIGTERM/SIGINT: stop accepting, finish requests in flight (≤ 25 s), stop the scheduler (a job
 * in flight gets ≤ 15 s), close the read replica's pool (DATABASE_REPLICA_URL) and the database.
 */
import type { Server } from 'node:http';
import { DEMO_ACCOUNTS } from '../../seeds/demo/users.js';
import { createApp } from '../app.js';
import { ConfigError, loadConfig } from '../config.js';
import { openDatabase, openReadRouter } from '../db/setup.js';
import { demoCredentialsRefusal } from '../features/auth/demo-credentials.js';
import { createScheduler } from '../jobs/scheduler.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../logger.js';
import { KnexSessionStore } from '../middleware/session.js';
import { createServices } from '../services.js';
import { prepareDatabase } from './seeding.js';

async function main(): Promise<void> {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  await prepareDatabase(database, config, logger);
  // A demo database promoted to production: its demo accounts' credentials are published (SPEC §6). Refuse to serve.
  const refusal = await demoCredentialsRefusal(database.knex, config);
  if (refusal) {
    logger.error(
      { accounts: refusal.accounts.map((a) => a.username) },
      'accounts with the demo password or TOTP secret; refusing to start',
    );
    console.error(refusal.message);
    await database.close();
    process.exit(1);
  }

  const clock = systemClock;
  // Issue 19 item 2: the public pages, open data and reports read the replica (DATABASE_REPLICA_URL) while it is well.
  const reads = await openReadRouter(config, database.knex, logger);
  reads.start();
  const services = createServices({ db: database.knex, config, clock, logger, reads });
  const app = createApp({ config, db: database.knex, services, logger, clock });
  // Temp files of uploads cut off by a previous stop (RELIABILITY check 37).
  const swept = await services.documentStorage.sweepTemp(clock.now());
  if (swept > 0) logger.info({ swept }, 'removed unfinished upload temp files');
  // The in-process public search index loads in the background; until it is there the SQL search answers.
  services.publicSearch.start();
  const store = app.locals.sessionStore;
  if (store instanceof KnexSessionStore) store.startPruning();
  // Ended rate-limit windows are deleted every 5 minutes (a no-op with RATE_LIMIT_STORE=memory).
  app.locals.rateLimitStores.startPruning();
  // Scheduled jobs (issue 7): node-cron in this process unless SCHEDULER=off; missed periods are caught up.
  const scheduler = config.jobs.scheduler ? createScheduler(services.jobs.runner, logger) : null;
  if (scheduler) await scheduler.start({ catchUpDelayMs: config.jobs.catchUpDelayMs });

  const server: Server = app.listen(config.port, config.host, () => {
    const url = config.publicUrl ?? `http://localhost:${config.port}`;
    const backend =
      database.backend === 'pglite'
        ? `PGlite nhúng (${config.database.backend === 'pglite' ? config.database.dataDir : ''})`
        : 'PostgreSQL';
    const lines = ['', `  CSDL hội và tổ chức phi chính phủ đang chạy: ${url}`, `  Cơ sở dữ liệu: ${backend}`];
    if (reads.configured) lines.push('  Bản sao chỉ đọc (DATABASE_REPLICA_URL): trang công khai, dữ liệu mở và báo cáo');
    if (config.demo.enabled) {
      lines.push(
        '',
        `  Tài khoản demo (mật khẩu: ${config.demo.password}):`,
        ...DEMO_ACCOUNTS.map((a) => `    ${a.username.padEnd(12)} ${a.roles.join(', ')}${a.totp ? '  (TOTP)' : ''}`),
        `  Cán bộ Bộ (TOTP) dùng khóa bí mật base32: ${config.demo.totpSecret}`,
        '',
      );
    }
    console.log(lines.join('\n'));
  });
  server.keepAliveTimeout = 65_000;

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => {
      logger.error('shutdown timed out; exiting');
      process.exit(1);
    }, 25_000);
    force.unref();
    server.close(async () => {
      if (store instanceof KnexSessionStore) store.stopPruning();
      app.locals.rateLimitStores.stopPruning();
      services.publicSearch.stop();
      // Stop the cron tasks and let a job in flight finish (≤ 15 s) before the database closes.
      if (scheduler) await scheduler.stop(15_000).catch((err: unknown) => logger.error({ err }, 'stopping the scheduler failed'));
      services.mailer.close();
      await reads.close().catch((err: unknown) => logger.error({ err }, 'closing the read replica failed'));
      await database.close().catch((err: unknown) => logger.error({ err }, 'closing the database failed'));
      logger.info('stopped');
      process.exit(0);
    });
    server.closeIdleConnections();
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('unhandledRejection', (err) => logger.error({ err }, 'unhandled rejection'));
}

main().catch((err: unknown) => {
  console.error('Không khởi động được ứng dụng:', err);
  process.exit(1);
});
