/**
 * Backup, restore and restore drill (R-20.1, R-20.2; RELIABILITY rule 5, checks 38–39).
 *
 * An artefact is one folder `BACKUP_DIR/csdl-hoi-<UTC time>/`:
 *   database.dump        PostgreSQL: `pg_dump --format=custom` taken from an exported snapshot
 *   database.ndjson.gz   embedded PGlite: the full logical export (logical.ts)
 *   files/…              the raw-file store (UPLOAD_DIR/files), same layout; every file a register row of the snapshot
 *                        refers to must match the SHA-256 recorded at upload, or the backup fails
 *   manifest.json        per-table row counts and hashes computed IN THE SAME SNAPSHOT as the dump, the migration
 *                        list, a SHA-256 per artefact and per stored file
 *   manifest.json.sha256 the manifest's own SHA-256 (also in backup_runs.manifest_hash)
 * The folder is written as `<name>.partial` and renamed when complete, so a folder without the suffix is whole.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';
import type { Config } from '../../config.js';
import { createDatabase } from '../../db/knex.js';
import { migrateLatest, pendingMigrations } from '../../db/migrations.js';
import type { Clock } from '../../lib/clock.js';
import { paths } from '../../lib/urls.js';
import { createNotificationsRepository } from '../notifications/notifications.repository.js';
import { createNotificationsService, type NotificationsService } from '../notifications/notifications.service.js';
import { artefactOutcomes, lastFailedBackup, type RecordedRawFile, recordedRawFiles } from './backup.repository.js';
import { checkRecordedFiles, copyHashed, copyStore, type FileEntry, type RawFileProblem, safeRelative, sha256File } from './files.js';
import { checkMigrationPrefix, loadLogicalExport, migrateTo, readLogicalHeader, writeLogicalExport } from './logical.js';
import {
  compareDigests,
  type DatabaseDigest,
  databaseDigest,
  EXCLUDED_TABLES,
  LEGACY_TABLE_HASH,
  listTables,
  pinOutputSettings,
  type SequenceState,
  snapshotDigest,
  TABLE_HASH,
  type TableComparison,
  type TableDigest,
  type TableHashAlgorithm,
  tablesDigest,
} from './manifest.js';
import { assertToolVersion, BackupToolError, pgDump, pgRestore, serverMajor } from './pgtools.js';
import { lastVerified, selectRetained } from './retention.js';

export const MANIFEST = 'manifest.json';
export const MANIFEST_SUM = 'manifest.json.sha256';
const NAME_RE = /^csdl-hoi-\d{8}T\d{9}Z$/;

export interface BackupManifest {
  app: 'csdl-hoi';
  manifestVersion: 1;
  createdAt: string;
  backend: 'postgres' | 'pglite';
  database: { format: 'pg_dump-custom' | 'logical'; file: string; serverVersion: string; toolVersion: string | null };
  migrations: string[];
  excludedTables: string[];
  /** How `tables`' hashes were computed (manifest.ts); absent in manifests written before issue 19: `row-md5-sorted`. */
  tableHash?: TableHashAlgorithm;
  tables: Record<string, TableDigest>;
  sequences: Record<string, SequenceState>;
  artefacts: Record<string, { bytes: number; sha256: string }>;
  files: FileEntry[];
  totals: { tables: number; rows: number; files: number; fileBytes: number };
  /** How many raw files recorded in the snapshot were checked against their SHA-256 of upload (absent before ). */
  rawFilesVerified?: number;
}

/** Where and how: built from the config by the CLI and the jobs, explicitly by the tests. */
export interface BackupEnv {
  knex: Knex;
  backend: 'postgres' | 'pglite';
  /** The PostgreSQL URL of `knex` (required for pg_dump/pg_restore and scratch databases). */
  url: string | null;
  backupDir: string;
  uploadDir: string;
  pgBinDir: string | null;
  keepWeekly: number;
  keepMonthly: number;
  drillSample: number;
  clock: Clock;
  logger?: Logger | undefined;
  /**
   * How the manifest's table hashes are computed (default `TABLE_HASH`). `row-md5-sorted` writes the manifest an
   * earlier version wrote (no `tableHash` field): the test of restoring older backups uses it.
   */
  tableHash?: TableHashAlgorithm | undefined;
  /** Who tells the IT Centre a backup failed (default: in-app notices through `knex`). */
  notifications?: Pick<NotificationsService, 'notifyRoles'> | undefined;
}

export function backupEnvFromConfig(config: Readonly<Config>, knex: Knex, clock: Clock, logger?: Logger): BackupEnv {
  return {
    knex,
    backend: config.database.backend,
    url: config.database.backend === 'postgres' ? config.database.url : null,
    backupDir: config.backup.dir,
    uploadDir: config.uploads.dir,
    pgBinDir: config.backup.pgBinDir,
    keepWeekly: config.backup.keepWeekly,
    keepMonthly: config.backup.keepMonthly,
    drillSample: config.backup.drillSample,
    clock,
    logger,
  };
}

export class DrillFailedError extends Error {
  override name = 'DrillFailedError';
}

const REGISTER_LABELS: Record<RawFileProblem['register'], string> = {
  attachment: 'tài liệu đính kèm',
  import: 'tệp nhập dữ liệu',
  violation: 'tệp chứng cứ vi phạm',
};
const LISTED_PROBLEMS = 10;

/** raw files of the register missing from the store or no longer matching their SHA-256 of upload. */
export class RawFilesDamagedError extends Error {
  override name = 'RawFilesDamagedError';
  /** The same damage gives the same signature (one IT Centre notice however often the backup is retried). */
  readonly signature: string;

  constructor(readonly problems: readonly RawFileProblem[]) {
    const items = problems
      .slice(0, LISTED_PROBLEMS)
      .map(
        (p) =>
          `${REGISTER_LABELS[p.register]} #${p.id} (${p.path}): ${p.damage === 'missing' ? 'thiếu tệp trong kho' : 'nội dung đã thay đổi'}`,
      );
    const listed = items.join('; ');
    const list = problems.length > LISTED_PROBLEMS ? `${listed}; và ${problems.length - LISTED_PROBLEMS} tệp khác` : listed;
    // One template (the IT Centre's pages translate it whole: locales/texts/en/backup.json).
    super(
      `Sao lưu thất bại: ${problems.length} tệp gốc không còn khớp mã kiểm tra SHA-256 ghi khi tải lên (tệp bị hỏng hoặc bị mất) — ${list}. Bản sao lưu này không được giữ và không được tính là bản tốt; bản sao lưu tốt gần nhất được giữ lại. Hãy chép lại các tệp trên từ thư mục files/ của bản sao lưu tốt gần nhất rồi chạy lại sao lưu.`,
    );
    this.signature = createHash('sha256')
      .update(problems.map((p) => `${p.register}:${p.id}:${p.damage}`).join('\n'))
      .digest('hex')
      .slice(0, 32);
  }
}

/** Every `it_admin` gets an in-app notice of a failed backup; a notice that cannot be written is logged, never thrown. */
async function alertBackupFailure(env: BackupEnv, runId: number, err: unknown): Promise<void> {
  const notifications = env.notifications ?? createNotificationsService(createNotificationsRepository(env.knex));
  const damaged = err instanceof RawFilesDamagedError;
  try {
    await notifications.notifyRoles(env.knex, ['it_admin'], {
      kind: 'backup.failed',
      title: damaged ? 'Sao lưu thất bại: có tệp gốc bị hỏng' : 'Sao lưu thất bại',
      body: errorText(err).slice(0, 2000),
      link: paths.itCentre.backups(),
      dedupeKey: damaged ? `backup.raw-files:${err.signature}` : `backup.failed:${runId}`,
    });
  } catch (notifyErr) {
    env.logger?.error({ err: notifyErr }, 'backup failure notice not written');
  }
}

/** Every `it_admin` gets an in-app notice (and, by their choice, an e-mail) of a failed restore drill; never thrown. */
async function alertDrillFailure(env: BackupEnv, runId: number, err: unknown): Promise<void> {
  const notifications = env.notifications ?? createNotificationsService(createNotificationsRepository(env.knex));
  try {
    await notifications.notifyRoles(env.knex, ['it_admin'], {
      kind: 'backup.drill_failed',
      title: 'Diễn tập khôi phục bản sao lưu thất bại',
      body: errorText(err).slice(0, 2000),
      link: paths.itCentre.backups(),
      dedupeKey: `backup.drill-failed:${runId}`,
    });
  } catch (notifyErr) {
    env.logger?.error({ err: notifyErr }, 'restore drill failure notice not written');
  }
}

function stampOf(d: Date): string {
  return d.toISOString().replace(/[-:.]/g, '');
}

async function startRun(knex: Knex, kind: 'backup' | 'drill', at: Date, extra: Record<string, unknown>): Promise<number> {
  const [row] = await knex('backup_runs')
    .insert({ kind, status: 'running', started_at: at, ...extra })
    .returning<{ id: number }[]>('id');
  return Number(row?.id);
}

async function finishRun(knex: Knex, id: number, values: Record<string, unknown>): Promise<void> {
  await knex('backup_runs').where({ id }).update(values);
}

function errorText(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).slice(0, 4000);
}

async function folderBytes(dir: string): Promise<number> {
  let total = 0;
  for (const e of await fsp.readdir(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) total += await folderBytes(full);
    else if (e.isFile()) total += (await fsp.stat(full)).size;
  }
  return total;
}

// ------------------------------------------------------------------------------------------------ backup

export interface BackupResult {
  runId: number;
  dir: string;
  manifest: BackupManifest;
  manifestHash: string;
  sizeBytes: number;
  pruned: string[];
}

interface Snapshot {
  digest: DatabaseDigest;
  migrations: string[];
  recorded: RecordedRawFile[];
  serverVersion: string;
}

/**
 * One read-only snapshot: the database file (pg_dump of the exported snapshot, or the logical export) and, from the
 * same snapshot, the manifest's counts and hashes, the migration list and the register's raw files. On PostgreSQL
 * pg_dump runs while this connection computes the digest (issue 19 item 5: the backup takes about what pg_dump
 * alone takes); a failure on either side stops the other.
 */
async function takeSnapshot(env: BackupEnv, file: string): Promise<Snapshot> {
  return env.knex.transaction(async (trx) => {
    await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await pinOutputSettings(trx);
    let dump: Promise<void> | null = null;
    const stop = new AbortController();
    if (env.backend === 'postgres') {
      const snapRes = (await trx.raw('SELECT pg_export_snapshot() AS s')) as { rows: Array<{ s: string }> };
      dump = pgDump({
        binDir: env.pgBinDir,
        url: env.url as string,
        snapshot: String(snapRes.rows[0]?.s),
        file,
        excludeData: Object.keys(EXCLUDED_TABLES).filter((t) => t === 'sessions' || t === 'rate_limit_hits'),
        signal: stop.signal,
      });
      // Observed here so a failure while the digest still runs is never an unhandled rejection.
      dump.catch(() => undefined);
    }
    try {
      const versionRes = (await trx.raw('SHOW server_version')) as { rows: Array<{ server_version: string }> };
      const migrations = ((await trx('knex_migrations').orderBy('id').select('name')) as Array<{ name: string }>).map((r) => r.name);
      const digest = await databaseDigest(trx, env.tableHash ?? TABLE_HASH);
      // The register's files as of this snapshot, with the SHA-256 each had when uploaded.
      const recorded: RecordedRawFile[] = await recordedRawFiles(trx, Object.keys(digest.tables));
      if (dump) {
        await dump;
      } else {
        const counts = await writeLogicalExport(trx, file, { migrations, sequences: digest.sequences }, Object.keys(digest.tables));
        for (const [t, d] of Object.entries(digest.tables)) {
          if (counts[t] !== d.rows) throw new Error(`Số dòng xuất của bảng ${t} (${counts[t]}) khác số đếm (${d.rows}).`);
        }
      }
      return { digest, migrations, recorded, serverVersion: String(versionRes.rows[0]?.server_version ?? '') };
    } catch (err) {
      if (dump) {
        stop.abort();
        await dump.catch(() => undefined);
      }
      throw err;
    }
  });
}

export async function runBackup(env: BackupEnv): Promise<BackupResult> {
  const startedAt = env.clock.now();
  const name = `csdl-hoi-${stampOf(startedAt)}`;
  const dir = path.join(env.backupDir, name);
  const partial = `${dir}.partial`;
  await fsp.mkdir(env.backupDir, { recursive: true });
  if (existsSync(dir)) throw new Error(`Thư mục sao lưu đã tồn tại: ${dir}`);
  const runId = await startRun(env.knex, 'backup', startedAt, { path: dir, backend: env.backend });
  try {
    await fsp.mkdir(partial, { recursive: false, mode: 0o750 });
    // The client tool is checked before the snapshot is opened: refuse early and loudly.
    let toolVersion: string | null = null;
    if (env.backend === 'postgres') {
      if (!env.url) throw new Error('Thiếu DATABASE_URL cho pg_dump.');
      toolVersion = await assertToolVersion(env.pgBinDir, 'pg_dump', (await serverMajor(env.knex)).major);
    }
    const dbFile = env.backend === 'postgres' ? 'database.dump' : 'database.ndjson.gz';
    const snap = await takeSnapshot(env, path.join(partial, dbFile));
    const files = await copyStore(env.uploadDir, partial);
    const damaged = checkRecordedFiles(snap.recorded, files);
    if (damaged.length > 0) throw new RawFilesDamagedError(damaged);
    const dbSum = await sha256File(path.join(partial, dbFile));
    const tableHash = env.tableHash ?? TABLE_HASH;
    const manifest: BackupManifest = {
      app: 'csdl-hoi',
      manifestVersion: 1,
      createdAt: startedAt.toISOString(),
      backend: env.backend,
      database: {
        format: env.backend === 'postgres' ? 'pg_dump-custom' : 'logical',
        file: dbFile,
        serverVersion: snap.serverVersion,
        toolVersion,
      },
      migrations: snap.migrations,
      excludedTables: Object.keys(EXCLUDED_TABLES),
      ...(tableHash === LEGACY_TABLE_HASH ? {} : { tableHash }),
      tables: snap.digest.tables,
      sequences: snap.digest.sequences,
      artefacts: { [dbFile]: dbSum },
      files,
      totals: {
        tables: Object.keys(snap.digest.tables).length,
        rows: Object.values(snap.digest.tables).reduce((s, t) => s + t.rows, 0),
        files: files.length,
        fileBytes: files.reduce((s, f) => s + f.bytes, 0),
      },
      rawFilesVerified: snap.recorded.length,
    };
    const manifestText = `${JSON.stringify(manifest, null, 2)}\n`;
    await fsp.writeFile(path.join(partial, MANIFEST), manifestText, { flag: 'wx', mode: 0o640 });
    const manifestHash = (await sha256File(path.join(partial, MANIFEST))).sha256;
    await fsp.writeFile(path.join(partial, MANIFEST_SUM), `${manifestHash}  ${MANIFEST}\n`, { flag: 'wx', mode: 0o640 });
    await fsp.rename(partial, dir);
    const sizeBytes = await folderBytes(dir);
    await finishRun(env.knex, runId, {
      status: 'succeeded',
      finished_at: env.clock.now(),
      size_bytes: sizeBytes,
      manifest_hash: manifestHash,
      details: JSON.stringify({
        tables: manifest.totals.tables,
        rows: manifest.totals.rows,
        files: manifest.totals.files,
        rawFilesVerified: snap.recorded.length,
      }),
    });
    const pruned = await pruneBackups(env);
    env.logger?.info({ dir, sizeBytes, rows: manifest.totals.rows, files: files.length, pruned: pruned.length }, 'backup completed');
    return { runId, dir, manifest, manifestHash, sizeBytes, pruned };
  } catch (err) {
    await fsp.rm(partial, { recursive: true, force: true }).catch(() => undefined);
    await finishRun(env.knex, runId, { status: 'failed', finished_at: env.clock.now(), error: errorText(err) }).catch(() => undefined);
    env.logger?.error({ err }, 'backup failed');
    await alertBackupFailure(env, runId, err);
    throw err;
  }
}

// ------------------------------------------------------------------------------------------------ artefacts

export interface Artefact {
  dir: string;
  manifest: BackupManifest;
  manifestHash: string;
}

/** Reads an artefact folder (or its manifest.json); checks the manifest against its recorded SHA-256. */
export async function readArtefact(target: string): Promise<Artefact> {
  const dir = path.basename(target) === MANIFEST ? path.dirname(target) : target;
  const manifestPath = path.join(dir, MANIFEST);
  if (!existsSync(manifestPath)) throw new Error(`Không tìm thấy ${MANIFEST} trong ${dir}.`);
  const manifestHash = (await sha256File(manifestPath)).sha256;
  const recorded = (await fsp.readFile(path.join(dir, MANIFEST_SUM), 'utf8').catch(() => '')).split(/\s+/)[0];
  if (recorded !== manifestHash) throw new Error(`${MANIFEST} đã bị thay đổi hoặc hỏng: SHA-256 không khớp ${MANIFEST_SUM}.`);
  const manifest = JSON.parse(await fsp.readFile(manifestPath, 'utf8')) as BackupManifest;
  if (manifest.app !== 'csdl-hoi' || manifest.manifestVersion !== 1) throw new Error('Không phải bản sao lưu của csdl-hoi.');
  return { dir, manifest, manifestHash };
}

/** Every database artefact must match its SHA-256 (a flipped byte fails here, loudly). */
export async function verifyDatabaseArtefacts(a: Artefact): Promise<string[]> {
  const problems: string[] = [];
  for (const [file, want] of Object.entries(a.manifest.artefacts)) {
    const got = await sha256File(path.join(a.dir, file)).catch(() => null);
    if (!got) problems.push(`${file}: không đọc được tệp`);
    else if (got.sha256 !== want.sha256 || got.bytes !== want.bytes) problems.push(`${file}: SHA-256 không khớp manifest (tệp đã hỏng)`);
  }
  return problems;
}

/** Hashes `entries` (files of the artefact) against the manifest. */
export async function verifyFiles(dir: string, entries: readonly FileEntry[]): Promise<string[]> {
  const problems: string[] = [];
  for (const f of entries) {
    const got = await sha256File(path.join(dir, safeRelative(f.path))).catch(() => null);
    if (!got) problems.push(`${f.path}: thiếu tệp`);
    else if (got.sha256 !== f.sha256) problems.push(`${f.path}: SHA-256 không khớp manifest`);
  }
  return problems;
}

function sample<T>(list: readonly T[], n: number): T[] {
  const copy = [...list];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [copy[i], copy[j]] = [copy[j] as T, copy[i] as T];
  }
  return copy.slice(0, n);
}

/** Complete artefacts in BACKUP_DIR (folders with a manifest), newest first. */
export async function listArtefacts(backupDir: string): Promise<Array<{ name: string; dir: string; createdAt: Date }>> {
  let names: string[];
  try {
    names = await fsp.readdir(backupDir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: Array<{ name: string; dir: string; createdAt: Date }> = [];
  for (const name of names.filter((n) => NAME_RE.test(n))) {
    const dir = path.join(backupDir, name);
    try {
      const m = JSON.parse(await fsp.readFile(path.join(dir, MANIFEST), 'utf8')) as BackupManifest;
      out.push({ name, dir, createdAt: new Date(m.createdAt) });
    } catch {
      // An unreadable manifest: not a usable backup; the drill of it would fail anyway.
    }
  }
  return out.sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

// ------------------------------------------------------------------------------------------------ retention

/**
 * Deletes artefacts that fall outside the retention rule, never the last verified one (retention.ts `lastVerified`);
 * marks their runs pruned. Returns the removed names.
 */
export async function pruneBackups(env: BackupEnv): Promise<string[]> {
  const all = await listArtefacts(env.backupDir);
  const keep = selectRetained(all, env.keepWeekly, env.keepMonthly);
  for (const name of lastVerified(all, await artefactOutcomes(env.knex))) keep.add(name);
  const removed: string[] = [];
  for (const a of all) {
    if (keep.has(a.name)) continue;
    await fsp.rm(a.dir, { recursive: true, force: true });
    await env.knex('backup_runs').where({ kind: 'backup', path: a.dir }).whereNull('pruned_at').update({ pruned_at: env.clock.now() });
    removed.push(a.name);
  }
  if (removed.length > 0) env.logger?.info({ removed }, 'old backups pruned');
  return removed;
}

// ------------------------------------------------------------------------------------------------ restore

async function tableExists(knex: Knex, name: string): Promise<boolean> {
  return (await listTables(knex)).includes(name);
}

/** A database "holds data" when any of users, associations or audit_events has a row. */
export async function holdsData(knex: Knex): Promise<boolean> {
  for (const t of ['users', 'associations', 'audit_events']) {
    if (!(await tableExists(knex, t))) continue;
    const row = await knex(t).first(knex.raw('1 AS x'));
    if (row) return true;
  }
  return false;
}

/** pg_restore's jobs into an empty database (issue 19 item 5: as fast as `pg_restore -j 2`). */
const RESTORE_JOBS = 2;

/** pg_restore into an empty database in three sections, hashing the tables while the last one runs. */
async function restoreInParallel(
  base: { binDir: string | null; url: string; file: string },
  algorithm: TableHashAlgorithm,
  knex: Knex,
): Promise<Record<string, TableDigest>> {
  await pgRestore({ ...base, clean: false, section: 'pre-data' });
  await pgRestore({ ...base, clean: false, section: 'data', jobs: RESTORE_JOBS });
  const postData = pgRestore({ ...base, clean: false, section: 'post-data', jobs: RESTORE_JOBS });
  // Observed here so a failure while the digest still runs is never an unhandled rejection.
  postData.catch(() => undefined);
  let digest: Record<string, TableDigest>;
  try {
    digest = await tablesDigest(knex, algorithm);
  } finally {
    await postData.catch(() => undefined);
  }
  await postData;
  return digest;
}

/** How the artefact's table hashes were computed: the restored database is hashed the same way. */
export function tableHashOf(manifest: BackupManifest): TableHashAlgorithm {
  return manifest.tableHash ?? LEGACY_TABLE_HASH;
}

/**
 * Loads the artefact's database into `knex` (at `url` for pg_restore). Returns the digest right after loading.
 * pg_restore into an empty database: the schema, then the data with `RESTORE_JOBS` parallel jobs, then indexes,
 * constraints and triggers (`RESTORE_JOBS` jobs) while this connection hashes every table, whose rows are all
 * there by then (issue 19 item 5: about what `pg_restore -j 2` alone takes). Into a database with a schema
 * (`--force`): one transaction with `--clean`, then the digest.
 */
async function loadDatabase(
  a: Artefact,
  target: { knex: Knex; url: string | null; pgBinDir: string | null },
): Promise<Record<string, TableDigest>> {
  const file = path.join(a.dir, a.manifest.database.file);
  if (a.manifest.database.format === 'pg_dump-custom') {
    if (!target.url) throw new Error('Bản sao lưu pg_dump chỉ khôi phục được vào máy chủ PostgreSQL (đặt DATABASE_URL).');
    await assertToolVersion(target.pgBinDir, 'pg_restore', (await serverMajor(target.knex)).major);
    const base = { binDir: target.pgBinDir, url: target.url, file };
    if ((await listTables(target.knex)).length > 0) {
      await pgRestore({ ...base, clean: true });
    } else {
      try {
        return await restoreInParallel(base, tableHashOf(a.manifest), target.knex);
      } catch (err) {
        throw new BackupToolError(
          `${errorText(err)} — cơ sở dữ liệu đích có thể đã được khôi phục một phần; khắc phục lỗi rồi chạy lại với --force.`,
        );
      }
    }
  } else {
    const header = await readLogicalHeader(file);
    checkMigrationPrefix(header.migrations);
    if ((await listTables(target.knex)).length > 0) {
      // A clean slate at the backup's schema version: drop everything, migrate to exactly the backup's list.
      await target.knex.raw('DROP SCHEMA public CASCADE');
      await target.knex.raw('CREATE SCHEMA public');
    }
    await migrateTo(target.knex, header.migrations);
    await loadLogicalExport(target.knex, file);
  }
  return (await snapshotDigest(target.knex, tableHashOf(a.manifest))).tables;
}

export interface RestoreResult {
  comparison: TableComparison[];
  fileProblems: string[];
  filesRestored: number;
  filesChecked: number;
  pendingAfter: string[];
  seconds: number;
  ok: boolean;
}

/**
 * Restores an artefact into the configured database and file store. Refuses a database that holds data unless
 * `force` (then pg_restore --clean / a dropped schema). Verifies the manifest after loading.
 */
export async function restoreBackup(env: BackupEnv, target: string, opts: { force?: boolean } = {}): Promise<RestoreResult> {
  const a = await readArtefact(target);
  const corrupt = await verifyDatabaseArtefacts(a);
  if (corrupt.length > 0) throw new Error(`Bản sao lưu hỏng, không khôi phục:\n  ${corrupt.join('\n  ')}`);
  if (!opts.force && (await holdsData(env.knex))) {
    throw new Error('Cơ sở dữ liệu đích đang có dữ liệu. Dùng --force để ghi đè (toàn bộ dữ liệu hiện có sẽ bị thay thế).');
  }
  const started = Date.now();
  const restored = await loadDatabase(a, { knex: env.knex, url: env.url, pgBinDir: env.pgBinDir });
  const comparison = compareDigests(a.manifest.tables, restored);
  await migrateLatest(env.knex);
  const pendingAfter = await pendingMigrations(env.knex);
  // The raw-file store: copy what is missing, never silently replace a different file.
  const fileProblems: string[] = [];
  let filesRestored = 0;
  for (const f of a.manifest.files) {
    const rel = safeRelative(f.path);
    const dest = path.join(env.uploadDir, rel);
    const existing = await sha256File(dest).catch(() => null);
    if (existing?.sha256 === f.sha256) continue;
    if (existing && !opts.force) {
      fileProblems.push(`${rel}: tệp hiện có khác bản sao lưu (dùng --force để thay)`);
      continue;
    }
    const got = await copyHashed(path.join(a.dir, rel), dest, !existing);
    filesRestored++;
    if (got.sha256 !== f.sha256) fileProblems.push(`${rel}: SHA-256 sau khi chép không khớp manifest`);
  }
  fileProblems.push(...(await verifyFiles(env.uploadDir, a.manifest.files)));
  const seconds = (Date.now() - started) / 1000;
  await env.knex('audit_events').insert({
    action: 'backup.restore',
    target_type: 'backup',
    target_id: path.basename(a.dir),
    details: JSON.stringify({ manifestHash: a.manifestHash, tables: comparison.length, files: a.manifest.files.length }),
  });
  const ok = comparison.every((c) => c.ok) && fileProblems.length === 0 && pendingAfter.length === 0;
  return {
    comparison,
    fileProblems: [...new Set(fileProblems)],
    filesRestored,
    filesChecked: a.manifest.files.length,
    pendingAfter,
    seconds,
    ok,
  };
}

// ------------------------------------------------------------------------------------------------ drill

export interface DrillResult {
  runId: number;
  artefact: string;
  comparison: TableComparison[];
  filesChecked: number;
  restoreSeconds: number;
  ok: true;
}

async function latestArtefactDir(env: BackupEnv): Promise<{ dir: string; runId: number | null }> {
  const row = (await env
    .knex('backup_runs')
    .where({ kind: 'backup', status: 'succeeded' })
    .whereNull('pruned_at')
    .orderBy([
      { column: 'finished_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first('id', 'path')) as { id: number; path: string } | undefined;
  if (row?.path && existsSync(row.path)) return { dir: row.path, runId: Number(row.id) };
  const [newest] = await listArtefacts(env.backupDir);
  if (!newest) throw new DrillFailedError(`Không có bản sao lưu nào trong ${env.backupDir} để diễn tập khôi phục.`);
  return { dir: newest.dir, runId: null };
}

/** A scratch database for the drill, dropped afterwards whatever happens. */
async function withScratch<T>(env: BackupEnv, a: Artefact, fn: (scratch: { knex: Knex; url: string | null }) => Promise<T>): Promise<T> {
  if (a.manifest.database.format === 'pg_dump-custom') {
    if (env.backend !== 'postgres' || !env.url)
      throw new DrillFailedError('Diễn tập một bản pg_dump cần máy chủ PostgreSQL (DATABASE_URL).');
    const name = `csdl_hoi_drill_${stampOf(env.clock.now()).toLowerCase()}_${randomBytes(3).toString('hex')}`;
    const u = new URL(env.url);
    u.pathname = `/${name}`;
    const admin = new pg.Client({ connectionString: env.url });
    await admin.connect();
    try {
      await admin.query(`CREATE DATABASE ${name}`);
    } finally {
      await admin.end();
    }
    const scratch = await createDatabase({ backend: 'postgres', url: u.toString(), poolMax: 2 });
    try {
      return await fn({ knex: scratch.knex, url: u.toString() });
    } finally {
      await scratch.close().catch(() => undefined);
      const c = new pg.Client({ connectionString: env.url });
      await c.connect();
      await c
        .query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)
        .catch((err: unknown) => env.logger?.error({ err, name }, 'scratch drop failed'));
      await c.end();
    }
  }
  const scratch = await createDatabase({ backend: 'pglite', dataDir: null });
  try {
    return await fn({ knex: scratch.knex, url: null });
  } finally {
    await scratch.close().catch(() => undefined);
  }
}

/**
 * Restores the latest (or the given) backup into a scratch database, compares the manifest, re-hashes a sample of
 * the stored files (against the manifest and the restored attachments' SHA-256), checks no migration is pending
 * after migrating, and records the restore time. Any difference: the run is recorded failed and this throws.
 */
export async function runDrill(env: BackupEnv, opts: { artefact?: string } = {}): Promise<DrillResult> {
  const startedAt = env.clock.now();
  const found = opts.artefact
    ? { dir: path.resolve(opts.artefact), runId: null }
    : await latestArtefactDir(env).catch((err: unknown) => err as Error);
  const runId = await startRun(env.knex, 'drill', startedAt, {
    backend: env.backend,
    path: found instanceof Error ? null : found.dir,
    backup_run_id: found instanceof Error ? null : found.runId,
  });
  try {
    if (found instanceof Error) throw found;
    const a = await readArtefact(found.dir);
    if (found.runId !== null) {
      const rec = (await env.knex('backup_runs').where({ id: found.runId }).first('manifest_hash')) as
        | { manifest_hash: string | null }
        | undefined;
      if (rec?.manifest_hash && rec.manifest_hash !== a.manifestHash)
        throw new DrillFailedError('manifest.json khác bản đã ghi khi sao lưu.');
    }
    const problems = await verifyDatabaseArtefacts(a);
    if (problems.length > 0) throw new DrillFailedError(`Bản sao lưu hỏng: ${problems.join('; ')}`);
    const checked = sample(a.manifest.files, env.drillSample);
    const fileProblems = await verifyFiles(a.dir, checked);

    const outcome = await withScratch(env, a, async (scratch) => {
      // The restore time: loading and hashing, from an empty scratch database (as `pg_restore` alone is timed).
      const t0 = process.hrtime.bigint();
      const restored = await loadDatabase(a, { knex: scratch.knex, url: scratch.url, pgBinDir: env.pgBinDir });
      const restoreSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const comparison = compareDigests(a.manifest.tables, restored);
      // Stored files must match the SHA-256 the restored register holds for them.
      if (checked.length > 0 && (await listTables(scratch.knex)).includes('attachments')) {
        const byName = new Map(checked.map((f) => [path.posix.basename(f.path), f]));
        const rows = (await scratch
          .knex('attachments')
          .whereIn('storage_name', [...byName.keys()])
          .select('storage_name', 'sha256')) as Array<{
          storage_name: string;
          sha256: string;
        }>;
        for (const r of rows) {
          const f = byName.get(r.storage_name);
          if (f && f.sha256 !== r.sha256) fileProblems.push(`${f.path}: SHA-256 khác bản ghi tài liệu trong cơ sở dữ liệu`);
        }
      }
      await migrateLatest(scratch.knex);
      const pending = await pendingMigrations(scratch.knex);
      return { comparison, restoreSeconds, pending };
    });
    const bad = outcome.comparison.filter((c) => !c.ok);
    const errors = [
      ...bad.map(
        (c) =>
          `bảng ${c.table}: ${c.expectedRows ?? '-'} dòng/${(c.expectedHash ?? '-').slice(0, 12)} ≠ ${c.actualRows ?? '-'}/${(c.actualHash ?? '-').slice(0, 12)}`,
      ),
      ...fileProblems,
      ...outcome.pending.map((p) => `migration chưa áp dụng: ${p}`),
    ];
    if (errors.length > 0) throw new DrillFailedError(`Diễn tập khôi phục thất bại: ${errors.join('; ')}`);
    await finishRun(env.knex, runId, {
      status: 'succeeded',
      finished_at: env.clock.now(),
      restore_seconds: outcome.restoreSeconds,
      manifest_hash: a.manifestHash,
      details: JSON.stringify({ tables: outcome.comparison.length, filesChecked: checked.length, filesTotal: a.manifest.files.length }),
    });
    env.logger?.info({ artefact: a.dir, restoreSeconds: outcome.restoreSeconds, filesChecked: checked.length }, 'restore drill passed');
    return {
      runId,
      artefact: a.dir,
      comparison: outcome.comparison,
      filesChecked: checked.length,
      restoreSeconds: outcome.restoreSeconds,
      ok: true,
    };
  } catch (err) {
    await finishRun(env.knex, runId, { status: 'failed', finished_at: env.clock.now(), error: errorText(err) }).catch(() => undefined);
    env.logger?.error({ err }, 'restore drill FAILED');
    await alertDrillFailure(env, runId, err);
    throw err instanceof DrillFailedError ? err : new DrillFailedError(`Diễn tập khôi phục thất bại: ${errorText(err)}`);
  }
}

// ------------------------------------------------------------------------------------------------ status

export interface BackupStatus {
  lastGood: { finishedAt: Date; sizeBytes: number | null; path: string | null } | null;
  lastDrill: { finishedAt: Date | null; status: string; restoreSeconds: number | null; error: string | null } | null;
  /** The latest backup run, when it failed (cleared by the next success). */
  lastFailure: { finishedAt: Date | null; error: string | null } | null;
  ageDays: number | null;
  stale: boolean;
  maxAgeDays: number;
}

/** The IT Centre's and /readyz's view: is the last successful backup older than `maxAgeDays` (check 39)? */
export async function backupStatus(knex: Knex, now: Date, maxAgeDays: number): Promise<BackupStatus> {
  const good = (await knex('backup_runs')
    .where({ kind: 'backup', status: 'succeeded' })
    .orderBy('finished_at', 'desc')
    .first('finished_at', 'size_bytes', 'path')) as
    | { finished_at: Date; size_bytes: number | string | null; path: string | null }
    | undefined;
  const drill = (await knex('backup_runs')
    .where({ kind: 'drill' })
    .whereNot({ status: 'running' })
    .orderBy('started_at', 'desc')
    .first('finished_at', 'status', 'restore_seconds', 'error')) as
    | { finished_at: Date | null; status: string; restore_seconds: number | null; error: string | null }
    | undefined;
  const lastFailure = await lastFailedBackup(knex);
  const ageDays = good ? (now.getTime() - new Date(good.finished_at).getTime()) / 86_400_000 : null;
  return {
    lastGood: good
      ? { finishedAt: new Date(good.finished_at), sizeBytes: good.size_bytes === null ? null : Number(good.size_bytes), path: good.path }
      : null,
    lastDrill: drill
      ? {
          finishedAt: drill.finished_at,
          status: drill.status,
          restoreSeconds: drill.restore_seconds === null ? null : Number(drill.restore_seconds),
          error: drill.error,
        }
      : null,
    lastFailure,
    ageDays,
    stale: ageDays === null || ageDays > maxAgeDays,
    maxAgeDays,
  };
}
