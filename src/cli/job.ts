/**
 * Run a scheduled job by hand: `npm run job -- <name> [--period <key>]`; without a name, list the jobs.
 * The run goes through the same runner as the scheduler (advisory lock, once per period, recorded in job_runs).
 * On the embedded database (PGlite) stop the app first: its data directory is single-process.
 */
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { migrateLatest } from '../db/migrations.js';
import { openDatabase } from '../db/setup.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../logger.js';
import { createServices } from '../services.js';

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { period: { type: 'string' } } });
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    await migrateLatest(database.knex);
    const services = createServices({ db: database.knex, config, clock: systemClock, logger });
    const runner = services.jobs.runner;
    const name = positionals[0];
    if (!name) {
      console.log('Các tác vụ (npm run job -- <tên> [--period <kỳ>]):');
      for (const j of runner.jobs) {
        const schedule = runner.scheduleOf(j);
        console.log(`  ${j.name.padEnd(24)} ${schedule ? `[${schedule}]` : '[chạy tay]'}  ${j.description}`);
      }
      return;
    }
    if (!runner.jobs.some((j) => j.name === name)) {
      console.error(`Không có tác vụ "${name}". Chạy "npm run job" để xem danh sách.`);
      process.exitCode = 2;
      return;
    }
    const result = await runner.run(name, { trigger: 'manual', ...(values.period ? { period: values.period } : {}) });
    const counts = result.counts
      ? Object.entries(result.counts)
          .map(([k, v]) => `${k}=${v}`)
          .join(' ')
      : '';
    console.log(
      `${result.job} [${result.period ?? '-'}]: ${result.status}${result.reason ? ` — ${result.reason}` : ''}${counts ? ` — ${counts}` : ''}`,
    );
    if (result.status === 'failed') process.exitCode = 1;
    services.mailer.close();
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
