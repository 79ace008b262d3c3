/**
 * `npm run restore -- <artefact folder or its manifest.json> [--force]` — restores a backup into the configured
 * database and raw-file store, then verifies row counts and hashes against the manifest and prints the comparison.
 * A database that holds data is refused unless --force. Exit 1 on any difference.
 */
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/setup.js';
import { backupEnvFromConfig, restoreBackup } from '../features/backup/backup.service.js';
import { formatComparison } from '../features/backup/manifest.js';
import { systemClock } from '../lib/clock.js';
import { createLogger } from '../logger.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const force = args.includes('--force');
  const target = args.find((a) => !a.startsWith('--'));
  if (!target) {
    console.error('Cách dùng: npm run restore -- <thư mục bản sao lưu | manifest.json> [--force]');
    process.exit(2);
  }
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    const r = await restoreBackup(backupEnvFromConfig(config, database.knex, systemClock, logger), target, { force });
    console.log(formatComparison(r.comparison));
    console.log(`Tệp: ${r.filesChecked} tệp trong manifest, ${r.filesRestored} tệp đã chép.`);
    for (const p of r.fileProblems) console.log(`  SAI ${p}`);
    for (const p of r.pendingAfter) console.log(`  Migration chưa áp dụng: ${p}`);
    if (!r.ok) {
      console.error('KHÔI PHỤC KHÔNG KHỚP MANIFEST — xem các dòng SAI ở trên.');
      process.exitCode = 1;
      return;
    }
    console.log(`Khôi phục xong và khớp manifest (${r.seconds.toFixed(2)} giây). Mọi người dùng cần đăng nhập lại.`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(`LỖI: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
