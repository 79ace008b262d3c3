/**
 * The scheduler's view of backups (issue 7 §5): plain job objects the job registry runs (`npm run job -- backup`,
 * `npm run job -- backup-drill`); the drill is meant to run right after every scheduled backup.
 * Each returns counts for job_runs; a failure throws (the drill with a loud message), so the run is recorded failed.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import type { Clock } from '../../lib/clock.js';
import { backupEnvFromConfig, runBackup, runDrill } from './backup.service.js';

/** What a backup job runs with (the job registry passes it). */
export interface BackupJobContext {
  db: Knex;
  config: Readonly<Config>;
  clock: Clock;
  logger: Logger;
}

export interface BackupJob {
  name: 'backup' | 'backup-drill';
  /** Short Vietnamese name shown on pages. */
  title: string;
  description: string;
  run(ctx: BackupJobContext): Promise<Record<string, number>>;
}

export const backupJob: BackupJob = {
  name: 'backup',
  // the backup directory is BACKUP_DIR; each backup carries a manifest.
  title: 'Sao lưu định kỳ',
  description: 'Sao lưu cơ sở dữ liệu và kho tệp gốc vào thư mục sao lưu, kèm bản kê các bảng và tệp; xóa bản cũ theo quy tắc lưu giữ.',
  async run(ctx) {
    const r = await runBackup(backupEnvFromConfig(ctx.config, ctx.db, ctx.clock, ctx.logger));
    return {
      backupRunId: r.runId,
      tables: r.manifest.totals.tables,
      rows: r.manifest.totals.rows,
      files: r.manifest.totals.files,
      bytes: r.sizeBytes,
      pruned: r.pruned.length,
    };
  },
};

export const backupDrillJob: BackupJob = {
  name: 'backup-drill',
  // RELIABILITY 38: compares the manifest and the files' SHA-256.
  title: 'Diễn tập khôi phục bản sao lưu',
  description: 'Diễn tập khôi phục bản sao lưu mới nhất vào cơ sở dữ liệu tạm, đối chiếu bản kê và mã kiểm tra của từng tệp.',
  async run(ctx) {
    const r = await runDrill(backupEnvFromConfig(ctx.config, ctx.db, ctx.clock, ctx.logger));
    return {
      drillRunId: r.runId,
      tables: r.comparison.length,
      filesChecked: r.filesChecked,
      restoreMs: Math.round(r.restoreSeconds * 1000),
    };
  },
};

export const backupJobs: readonly BackupJob[] = [backupJob, backupDrillJob];
