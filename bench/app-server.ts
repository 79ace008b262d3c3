/**
 * A server under test, in its own process so the load generator never shares its event loop or its memory
 * figure. Started by bench/lib/child.ts with an IPC channel:
 *  - BENCH_CHILD=app: the real app exactly as src/cli/start.ts builds it (createServices + createApp) on the environment
 *    it was given (the parent migrated and filled the database already);
 *  - BENCH_CHILD=ceiling: a bare Express + EJS page rendering the same 20 rows from memory (the SPEC §7 ceiling).
 * It samples its own resident set size every 50 ms and answers {type:'rss'} with the current and peak values.
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import express from 'express';
import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/setup.js';
import { systemClock } from '../src/lib/clock.js';
import { createLogger } from '../src/logger.js';
import { KnexSessionStore } from '../src/middleware/session.js';
import { createServices } from '../src/services.js';
import { reportRss } from './lib/rss.js';

reportRss();

async function startApp(): Promise<express.Express> {
  const config = loadConfig();
  // Log lines are produced (the cost production pays) and discarded.
  const sink = new Writable({
    write(_chunk, _enc, cb) {
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const database = await openDatabase(config, logger);
  const services = createServices({ db: database.knex, config, clock: systemClock, logger });
  const app = createApp({ config, db: database.knex, services, logger, clock: systemClock });
  // As src/cli/start.ts: expired sessions are deleted in the background (the soak watches the session rows).
  const store = app.locals.sessionStore;
  if (store instanceof KnexSessionStore) store.startPruning();
  // As src/cli/start.ts: the public search index loads in the background from the start. The bench measures the app once
  // it is loaded (until then, a few seconds after start, public lists run the SQL search).
  services.publicSearch.start();
  await services.publicSearch.loaded();
  return app;
}

function startCeiling(): express.Express {
  const rows = JSON.parse(readFileSync(process.env.BENCH_CEILING_ROWS ?? '', 'utf8')) as unknown[];
  const app = express();
  app.disable('x-powered-by');
  app.set('views', path.join(process.cwd(), 'bench/views'));
  app.set('view engine', 'ejs');
  app.enable('view cache');
  app.get('/hoi', (req, res) => {
    res.render('ceiling', { rows, q: String(req.query.q ?? ''), total: rows.length });
  });
  return app;
}

async function main(): Promise<void> {
  const app = process.env.BENCH_CHILD === 'ceiling' ? startCeiling() : await startApp();
  const server = app.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    process.send?.({ type: 'ready', port });
  });
  server.keepAliveTimeout = 65_000;
  process.on('SIGTERM', () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}

process.on('unhandledRejection', (err) => console.error('unhandled rejection in bench child', err));
main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
