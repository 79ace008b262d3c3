/**
 * `npm run seed:generate -- --size N [--seed S] [--replace] [--today YYYY-MM-DD] [--batch B]`: the generated data
 * set of the benchmarks (seeds/generated/generate.ts) in the configured database (DATABASE_URL, or PGlite in
 * DATA_DIR). Brings the schema up to date and seeds the catalogues first. Refused in production.
 */
import { parseArgs } from 'node:util';
import { generateAssociations } from '../../seeds/generated/generate.js';
import { seedReference } from '../../seeds/reference/index.js';
import { loadConfig } from '../config.js';
import { migrateLatest } from '../db/migrations.js';
import { openDatabase } from '../db/setup.js';
import { createLogger } from '../logger.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: '100000' },
      seed: { type: 'string', default: '20261129' },
      today: { type: 'string' },
      batch: { type: 'string', default: '1000' },
      replace: { type: 'boolean', default: false },
    },
  });
  const size = Number(values.size);
  const seed = Number(values.seed);
  const batchSize = Number(values.batch);
  if (!Number.isInteger(size) || size < 1) throw new Error('--size phải là số nguyên dương');
  if (!Number.isInteger(seed)) throw new Error('--seed phải là số nguyên');
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error('--batch phải là số nguyên dương');
  if (values.today !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(values.today)) throw new Error('--today có dạng YYYY-MM-DD');

  const config = loadConfig();
  if (config.isProduction) throw new Error('Không sinh dữ liệu thử trong môi trường production.');
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    await migrateLatest(database.knex);
    await seedReference(database.knex);
    let lastPrint = 0;
    const result = await generateAssociations(database.knex, {
      size,
      seed,
      batchSize,
      replace: values.replace,
      ...(values.today ? { today: values.today } : {}),
      onProgress(done, total) {
        if (done === total || performance.now() - lastPrint > 5000) {
          lastPrint = performance.now();
          console.log(`  ${done.toLocaleString('vi-VN')} / ${total.toLocaleString('vi-VN')} hội`);
        }
      },
    });
    console.log(
      `Đã sinh ${result.associations.toLocaleString('vi-VN')} hội, ${result.leaders.toLocaleString('vi-VN')} người lãnh đạo, ` +
        `${result.congresses.toLocaleString('vi-VN')} đại hội, ${result.decisions.toLocaleString('vi-VN')} quyết định, ` +
        `${result.funds.toLocaleString('vi-VN')} dòng kinh phí, ${result.staffQuotas.toLocaleString('vi-VN')} dòng biên chế ` +
        `trong ${(result.ms / 1000).toFixed(1)} s (${database.backend}).`,
    );
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
