/**
 * `npm run backup` — one backup of the configured database and raw-file store into BACKUP_DIR.
 * `npm run backup -- --drill [<artefact>]` — a restore drill of the latest (or the given) backup; exits 1 on any
 * difference. With the embedded database, stop the app first (a PGlite data folder has one user at a time) or let
 * the app's scheduled job do it.
 */
import { loadConfig } from '../config.js';
import { migrateLatest } from '../db/migrations.js';
import { openDatabase } from '../db/setup.js';
import { backupEnvFromConfig, runBackup, runDrill } from '../features/backup/backup.service.js';
import { formatComparison } from '../features/backup/manifest.js';
import { systemClock } from '../lib/clock.js';
import { formatNumber } from '../lib/format.js';
import { createLogger } from '../logger.js';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const config = loadConfig();
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await openDatabase(config, logger);
  try {
    await migrateLatest(database.knex);
    const env = backupEnvFromConfig(config, database.knex, systemClock, logger);
    if (args[0] === '--drill') {
      const r = await runDrill(env, args[1] ? { artefact: args[1] } : {});
      console.log(formatComparison(r.comparison));
      console.log(
        `Diễn tập khôi phục ĐẠT: ${r.artefact}\n  ${r.comparison.length} bảng khớp, ${r.filesChecked} tệp kiểm tra SHA-256, thời gian khôi phục ${r.restoreSeconds.toFixed(2)} giây.`,
      );
      return;
    }
    const r = await runBackup(env);
    console.log(
      [
        `Đã sao lưu: ${r.dir}`,
        `  ${r.manifest.totals.tables} bảng, ${formatNumber(r.manifest.totals.rows)} dòng, ${formatNumber(r.manifest.totals.files)} tệp, ${formatNumber(Math.round(r.sizeBytes / 1024))} KB`,
        `  SHA-256 manifest: ${r.manifestHash}`,
        r.pruned.length ? `  Đã xóa theo quy tắc lưu giữ: ${r.pruned.join(', ')}` : '  Không có bản cũ nào cần xóa.',
      ].join('\n'),
    );
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(`LỖI: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
