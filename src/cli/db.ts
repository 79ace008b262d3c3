/** Operator commands: `npm run db:migrate | db:rollback [-- --all] | db:seed | db:status`. */

import { seedDemo } from '../../seeds/demo/index.js';
import { seedReference } from '../../seeds/reference/index.js';
import { loadConfig } from '../config.js';
import { migrateLatest, pendingMigrations, rollback } from '../db/migrations.js';
import { openDatabase } from '../db/setup.js';
import { createLogger } from '../logger.js';
import { demoSeedDeps } from './seeding.js';

async function main(): Promise<void> {
  const [command, ...flags] = process.argv.slice(2);
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    switch (command) {
      case 'migrate': {
        const applied = await migrateLatest(database.knex);
        console.log(
          applied.length ? `Đã áp dụng ${applied.length} migration:\n  ${applied.join('\n  ')}` : 'Cơ sở dữ liệu đã ở phiên bản mới nhất.',
        );
        break;
      }
      case 'rollback': {
        const undone = await rollback(database.knex, flags.includes('--all'));
        console.log(undone.length ? `Đã hoàn tác:\n  ${undone.join('\n  ')}` : 'Không có migration nào để hoàn tác.');
        break;
      }
      case 'seed': {
        const reference = await seedReference(database.knex);
        console.log(`Danh mục tham chiếu: ${reference.length} nhóm.`);
        if (config.demo.enabled) {
          const { users, associations } = await seedDemo(database.knex, config, demoSeedDeps(database.knex));
          console.log(`Dữ liệu demo: ${users} tài khoản mới, ${associations} hội mới.`);
        }
        break;
      }
      case 'status': {
        const pending = await pendingMigrations(database.knex);
        console.log(
          pending.length
            ? `Còn ${pending.length} migration chưa áp dụng:\n  ${pending.join('\n  ')}`
            : 'Không còn migration nào chưa áp dụng.',
        );
        break;
      }
      default:
        console.error('Cách dùng: db.js migrate | rollback [--all] | seed | status');
        process.exitCode = 2;
    }
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
