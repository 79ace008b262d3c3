/**
 * Backup, restore and restore drill (R-20.1, R-20.2; RELIABILITY rule 5, check 38) on both backends:
 *  - embedded PGlite (always): full logical export, restored into a fresh in-memory PGlite;
 *  - PostgreSQL (when the suite runs on a server): pg_dump custom format from an exported snapshot, restored with
 *    pg_restore into a freshly created empty database.
 * Then: the drill passes and records its restore time; a flipped byte in the dump or in a stored file makes it fail
 * loudly; retention keeps N weekly and M monthly backups and never the last verified one; a raw file of the register
 * (import file here; attachments in raw-file-integrity.test.ts) that no longer matches its SHA-256 fails the backup.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { seedReference } from '../../seeds/reference/index.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, type Database } from '../../src/db/knex.js';
import { migrateLatest, pendingMigrations } from '../../src/db/migrations.js';
import {
  type BackupEnv,
  backupStatus,
  DrillFailedError,
  listArtefacts,
  pruneBackups,
  RawFilesDamagedError,
  restoreBackup,
  runBackup,
  runDrill,
} from '../../src/features/backup/backup.service.js';
import { backupDrillJob, backupJob } from '../../src/features/backup/jobs.js';
import { pinOutputSettings, snapshotDigest, tableDigest } from '../../src/features/backup/manifest.js';
import { isoWeekKey, lastVerified, selectRetained } from '../../src/features/backup/retention.js';
import { createFakeClock, type FakeClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/logger.js';
import { runPrefix, withDatabase } from '../helpers/backend.js';
import { anAssociation } from '../helpers/builders.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const serverUrl = inject('serverUrl');
const runId = inject('runId');
const tmpRoots: string[] = [];

function tmp(prefix: string): string {
  const d = mkdtempSync(path.join(os.tmpdir(), `csdl-hoi-${prefix}-`));
  tmpRoots.push(d);
  return d;
}

afterAll(() => {
  for (const d of tmpRoots) rmSync(d, { recursive: true, force: true });
});

/** Data of every kind the schema holds: arrays, jsonb, timestamps, numerics, an append-only audit trail, files. */
async function seedSample(knex: Knex, uploadDir: string): Promise<string[]> {
  const assoc = await anAssociation({ name: 'Hội Sao lưu “thử” <b>nghiệm</b> — Đà Nẵng', main_field_code: 'KHCN' }).insert(knex);
  const [user] = await knex('users')
    .insert({
      username: `u.${randomBytes(3).toString('hex')}`,
      display_name: 'Nguyễn Thị Ánh',
      password_hash: 'x',
      roles: ['ngo_staff', 'leader'],
    })
    .returning<{ id: number }[]>('id');
  const storageNames: string[] = [];
  for (let i = 0; i < 3; i++) {
    const name = `${randomUUID()}.pdf`;
    const content = Buffer.concat([Buffer.from('%PDF-1.4\n'), randomBytes(2048 + i)]);
    mkdirSync(path.join(uploadDir, 'files', name.slice(0, 2)), { recursive: true });
    writeFileSync(path.join(uploadDir, 'files', name.slice(0, 2), name), content);
    const sha256 = (await import('node:crypto')).createHash('sha256').update(content).digest('hex');
    await knex('attachments').insert({
      association_id: assoc.id,
      document_type_code: (await knex('document_types').first('code'))?.code,
      title: `Tài liệu ${i}`,
      original_name: `quyet-dinh-${i}.pdf`,
      storage_name: name,
      mime_type: 'application/pdf',
      size_bytes: content.length,
      sha256,
      uploaded_by: user?.id,
    });
    storageNames.push(name);
  }
  await knex('audit_events').insert([
    { action: 'test.one', actor_user_id: user?.id, details: JSON.stringify({ a: [1, 2.5, 'ư'], b: null }) },
    { action: 'test.two', outcome: 'denied', target_type: 'route', target_id: 'GET /x' },
  ]);
  await knex('notifications').insert({ user_id: user?.id, kind: 'test', title: 'Thông báo', dedupe_key: 'k1' });
  // A session row: never carried by a backup (users sign in again after a restore).
  await knex('sessions').insert({
    sid: randomBytes(16).toString('hex'),
    sess: JSON.stringify({ cookie: {} }),
    expires_at: new Date(Date.now() + 3_600_000),
    user_id: user?.id,
  });
  return storageNames;
}

interface Backend {
  knex: Knex;
  url: string | null;
  close(): Promise<void>;
}

/** A migrated source database with reference catalogues. */
async function sourceDb(kind: 'postgres' | 'pglite'): Promise<Backend> {
  if (kind === 'postgres') {
    const db: TestDatabase = await createTestDatabase();
    return { knex: db.knex, url: db.url, close: () => db.destroy() };
  }
  // On a PGlite run the migrated template is at hand (fast); on a server run, build one.
  const template = inject('pgliteTemplate');
  if (template) {
    const db = await createTestDatabase();
    return { knex: db.knex, url: null, close: () => db.destroy() };
  }
  const db: Database = await createDatabase({ backend: 'pglite', dataDir: null });
  await migrateLatest(db.knex);
  await seedReference(db.knex);
  return { knex: db.knex, url: null, close: () => db.close() };
}

/** An empty database: a new database on the server, or a fresh PGlite with no schema at all. */
async function emptyDb(kind: 'postgres' | 'pglite'): Promise<Backend> {
  if (kind === 'postgres' && serverUrl) {
    const name = `${runPrefix(runId)}_r${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = withDatabase(serverUrl, name);
    const db = await createDatabase({ backend: 'postgres', url, poolMax: 4 });
    return {
      knex: db.knex,
      url,
      async close() {
        await db.close();
        const c = new pg.Client({ connectionString: serverUrl });
        await c.connect();
        await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await c.end();
      },
    };
  }
  const db = await createDatabase({ backend: 'pglite', dataDir: null });
  return { knex: db.knex, url: null, close: () => db.close() };
}

function envFor(kind: 'postgres' | 'pglite', b: Backend, dirs: { backupDir: string; uploadDir: string }, clock: FakeClock): BackupEnv {
  return { knex: b.knex, backend: kind, url: b.url, pgBinDir: null, keepWeekly: 4, keepMonthly: 3, drillSample: 50, clock, ...dirs };
}

function flipByte(file: string, at?: number): void {
  const buf = readFileSync(file);
  const i = at ?? Math.floor(buf.length / 2);
  buf[i] = (buf[i] as number) ^ 0xff;
  writeFileSync(file, buf);
}

/** `row-hash64-sum` of the probe table below, and of an empty table (SHA-256 of "0:0"). */
const PROBE_HASH = '0d6ee937a881a6e661a7097699d2bd23e09e6fc644b8d87094e4dab5f3a7d5a4';
const EMPTY_HASH = 'ac72368a586a18c19088393573ce03074b8e8a4d8c21add8729af1890a407e52';

const KINDS = (['pglite', 'postgres'] as const).filter((k) => k === 'pglite' || serverUrl);

describe.each(KINDS)('backup and restore on %s (R-20.1, check 38)', (kind) => {
  let source: Backend;
  let clock: FakeClock;
  let dirs: { backupDir: string; uploadDir: string };
  let storageNames: string[];

  beforeAll(async () => {
    source = await sourceDb(kind);
    clock = createFakeClock(new Date('2026-11-29T01:00:00Z'));
    dirs = { backupDir: tmp('backups'), uploadDir: tmp('uploads') };
    storageNames = await seedSample(source.knex, dirs.uploadDir);
  }, 60_000);
  afterAll(() => source.close());

  it('backup then restore into an empty database gives identical row counts and hashes, the files and no pending migration', async () => {
    const r = await runBackup(envFor(kind, source, dirs, clock));
    expect(r.manifest.database.format).toBe(kind === 'postgres' ? 'pg_dump-custom' : 'logical');
    expect(existsSync(path.join(r.dir, r.manifest.database.file))).toBe(true);
    expect(r.manifest.tables.associations?.rows).toBeGreaterThanOrEqual(1);
    expect(r.manifest.tables.attachments?.rows).toBe(3);
    expect(r.manifest.tables.audit_events?.rows).toBe(2);
    expect(r.manifest.tables.sessions).toBeUndefined();
    expect(r.manifest.files.map((f) => path.posix.basename(f.path)).sort()).toEqual([...storageNames].sort());
    expect(r.manifest.artefacts[r.manifest.database.file]?.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(readFileSync(path.join(r.dir, 'manifest.json.sha256'), 'utf8')).toContain(r.manifestHash);
    // The run is recorded with its size and manifest hash; no partial folder is left.
    const run = await source.knex('backup_runs').where({ id: r.runId }).first();
    expect(run).toMatchObject({ kind: 'backup', status: 'succeeded', manifest_hash: r.manifestHash, path: r.dir });
    expect(Number(run.size_bytes)).toBe(r.sizeBytes);
    expect(r.sizeBytes).toBeGreaterThan(6000);
    expect(readdirSync(dirs.backupDir).filter((n) => n.endsWith('.partial'))).toEqual([]);

    const target = await emptyDb(kind);
    const restoreUploads = tmp('restored-uploads');
    try {
      const res = await restoreBackup(envFor(kind, target, { backupDir: dirs.backupDir, uploadDir: restoreUploads }, clock), r.dir);
      expect(res.comparison.filter((c) => !c.ok)).toEqual([]);
      expect(res.ok).toBe(true);
      expect(res.pendingAfter).toEqual([]);
      expect(res.filesRestored).toBe(3);
      // Recomputed independently: every table of the manifest is identical in the restored database.
      const again = await snapshotDigest(target.knex);
      for (const [table, d] of Object.entries(r.manifest.tables)) {
        if (table === 'audit_events') continue; // the restore itself appends one audit row
        expect(again.tables[table], table).toEqual(d);
      }
      expect(again.tables.audit_events?.rows).toBe(3);
      expect(await pendingMigrations(target.knex)).toEqual([]);
      expect(await target.knex('sessions').count<{ n: number }[]>('* as n')).toEqual([{ n: 0 }]);
      for (const f of r.manifest.files)
        expect(readFileSync(path.join(restoreUploads, f.path))).toEqual(readFileSync(path.join(dirs.uploadDir, f.path)));
      // The append-only audit trail is append-only again after the restore, and sequences continue.
      await expect(target.knex.raw('DELETE FROM audit_events')).rejects.toThrow(/append-only/);
      const [next] = await target.knex('audit_events').insert({ action: 'after.restore' }).returning<{ id: number }[]>('id');
      expect(Number(next?.id)).toBeGreaterThan(3);

      // A database holding data is refused without --force, restored with it.
      await expect(
        restoreBackup(envFor(kind, target, { backupDir: dirs.backupDir, uploadDir: restoreUploads }, clock), r.dir),
      ).rejects.toThrow(/đang có dữ liệu/);
      const forced = await restoreBackup(envFor(kind, target, { backupDir: dirs.backupDir, uploadDir: restoreUploads }, clock), r.dir, {
        force: true,
      });
      expect(forced.ok).toBe(true);
      expect(forced.filesRestored).toBe(0);
    } finally {
      await target.close();
    }
  }, 180_000);

  it('the drill restores the latest backup into a scratch database, passes and records the restore time', async () => {
    clock.advance(60_000);
    const b = await runBackup(envFor(kind, source, dirs, clock));
    const d = await runDrill(envFor(kind, source, dirs, clock));
    expect(d.artefact).toBe(b.dir);
    expect(d.filesChecked).toBe(3);
    expect(d.restoreSeconds).toBeGreaterThan(0);
    const run = await source.knex('backup_runs').where({ id: d.runId }).first();
    expect(run).toMatchObject({ kind: 'drill', status: 'succeeded', backup_run_id: b.runId, manifest_hash: b.manifestHash });
    expect(Number(run.restore_seconds)).toBeGreaterThan(0);
    if (kind === 'postgres' && serverUrl) {
      // The scratch database is gone.
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      const { rows } = await c.query("SELECT datname FROM pg_database WHERE datname LIKE 'csdl_hoi_drill_%'");
      await c.end();
      expect(rows).toEqual([]);
    }
  }, 180_000);

  it('the drill fails loudly when the database artefact has a flipped byte', async () => {
    clock.advance(60_000);
    const b = await runBackup(envFor(kind, source, dirs, clock));
    flipByte(path.join(b.dir, b.manifest.database.file));
    await expect(runDrill(envFor(kind, source, dirs, clock))).rejects.toThrow(DrillFailedError);
    const run = await source.knex('backup_runs').where({ kind: 'drill' }).orderBy('id', 'desc').first();
    expect(run.status).toBe('failed');
    expect(run.error).toMatch(/SHA-256 không khớp/);
    // The job form throws too, so the scheduler records the job run failed.
    const ctx = {
      db: source.knex,
      config: loadConfig({ NODE_ENV: 'test', BACKUP_DIR: dirs.backupDir, UPLOAD_DIR: dirs.uploadDir }),
      clock,
      logger: createLogger('silent'),
    };
    if (kind === 'pglite') await expect(backupDrillJob.run(ctx)).rejects.toThrow(/Diễn tập khôi phục thất bại|hỏng/);
  }, 180_000);

  it('the drill fails loudly when a stored file of the backup has a flipped byte', async () => {
    clock.advance(60_000);
    const b = await runBackup(envFor(kind, source, dirs, clock));
    const f = b.manifest.files[1];
    if (!f) throw new Error('no file in backup');
    flipByte(path.join(b.dir, f.path), 20);
    await expect(runDrill(envFor(kind, source, dirs, clock))).rejects.toThrow(/SHA-256 không khớp manifest/);
    expect((await source.knex('backup_runs').where({ kind: 'drill' }).orderBy('id', 'desc').first()).status).toBe('failed');
  }, 180_000);

  it('the backup status flags a last good backup older than 8 days (check 39)', async () => {
    const fresh = await backupStatus(source.knex, clock.now(), 8);
    expect(fresh.stale).toBe(false);
    expect(fresh.lastGood?.sizeBytes).toBeGreaterThan(0);
    expect(fresh.lastDrill?.status).toBe('failed');
    const later = await backupStatus(source.knex, new Date(clock.now().getTime() + 9 * 86_400_000), 8);
    expect(later.stale).toBe(true);
    expect(later.ageDays).toBeGreaterThan(8);
  });

  it('table hashes are computed by the database: the same whatever the row order, changed by one value, equal on both backends', async () => {
    await source.knex.transaction(async (trx) => {
      await pinOutputSettings(trx);
      await trx.raw('CREATE TEMP TABLE digest_probe (id int PRIMARY KEY, v text, at timestamptz, n numeric, tags text[]) ON COMMIT DROP');
      const probe = [
        { id: 1, v: 'Hội “một” — Đà Nẵng', at: '2026-01-02T03:04:05.123Z', n: '1.50', tags: ['a', 'ư'] },
        { id: 2, v: null, at: null, n: '-0.001', tags: [] },
        { id: 3, v: 'ba', at: '2026-12-31T23:59:59Z', n: '3', tags: null },
      ];
      await trx('digest_probe').insert(probe);
      const first = await tableDigest(trx, 'digest_probe');
      const legacy = await tableDigest(trx, 'digest_probe', 'row-md5-sorted');
      // A constant: a logical backup taken on PGlite is checked on PostgreSQL and the other way round.
      expect(first).toEqual({ rows: 3, sha256: PROBE_HASH });
      expect(legacy.sha256).not.toBe(first.sha256);
      await trx('digest_probe').del();
      await trx('digest_probe').insert([...probe].reverse());
      expect(await tableDigest(trx, 'digest_probe')).toEqual(first);
      expect(await tableDigest(trx, 'digest_probe', 'row-md5-sorted')).toEqual(legacy);
      await trx('digest_probe').where({ id: 2 }).update({ n: '-0.0010' });
      const changed = await tableDigest(trx, 'digest_probe');
      expect(changed.rows).toBe(3);
      expect(changed.sha256).not.toBe(first.sha256);
      await trx('digest_probe').where({ id: 2 }).del();
      expect((await tableDigest(trx, 'digest_probe')).rows).toBe(2);
      await trx('digest_probe').del();
      expect(await tableDigest(trx, 'digest_probe')).toEqual({ rows: 0, sha256: EMPTY_HASH });
    });
  });

  it('a backup of an earlier version (sorted-MD5 table hashes, no tableHash in its manifest) still restores and drills', async () => {
    clock.advance(60_000);
    const b = await runBackup({ ...envFor(kind, source, dirs, clock), tableHash: 'row-md5-sorted' });
    expect('tableHash' in JSON.parse(readFileSync(path.join(b.dir, 'manifest.json'), 'utf8'))).toBe(false);
    const d = await runDrill(envFor(kind, source, dirs, clock), { artefact: b.dir });
    expect(d.comparison.filter((c) => !c.ok)).toEqual([]);
    const target = await emptyDb(kind);
    try {
      const res = await restoreBackup(envFor(kind, target, { backupDir: dirs.backupDir, uploadDir: tmp('legacy-uploads') }, clock), b.dir);
      expect(res.comparison.filter((c) => !c.ok)).toEqual([]);
      expect(res.ok).toBe(true);
      const again = await snapshotDigest(target.knex, 'row-md5-sorted');
      expect(again.tables.associations).toEqual(b.manifest.tables.associations);
    } finally {
      await target.close();
    }
  }, 180_000);
});

describe('the backup job and refusals', () => {
  it('the backup job runs through the config (PGlite) and returns counts', async () => {
    const b = await sourceDb('pglite');
    try {
      const backupDir = tmp('job-backups');
      const uploadDir = tmp('job-uploads');
      await seedSample(b.knex, uploadDir);
      const ctx = {
        db: b.knex,
        config: loadConfig({ NODE_ENV: 'test', BACKUP_DIR: backupDir, UPLOAD_DIR: uploadDir }),
        clock: createFakeClock(new Date('2026-11-29T02:00:00Z')),
        logger: createLogger('silent'),
      };
      const counts = await backupJob.run(ctx);
      expect(counts).toMatchObject({ files: 3, pruned: 0 });
      expect(counts.bytes).toBeGreaterThan(0);
      const drill = await backupDrillJob.run(ctx);
      expect(drill.filesChecked).toBe(3);
    } finally {
      await b.close();
    }
  }, 180_000);

  it.skipIf(!serverUrl)('refuses loudly a pg_dump older than the server', async () => {
    const src = await sourceDb('postgres');
    const bin = tmp('old-pg-bin');
    writeFileSync(path.join(bin, 'pg_dump'), '#!/bin/sh\necho "pg_dump (PostgreSQL) 9.6.24"\n');
    chmodSync(path.join(bin, 'pg_dump'), 0o755);
    try {
      const clock = createFakeClock(new Date('2026-11-29T03:00:00Z'));
      const env = { ...envFor('postgres', src, { backupDir: tmp('b'), uploadDir: tmp('u') }, clock), pgBinDir: bin };
      await expect(runBackup(env)).rejects.toThrow(/pg_dump phiên bản 9\.6 cũ hơn máy chủ PostgreSQL/);
      const run = await src.knex('backup_runs').orderBy('id', 'desc').first();
      expect(run).toMatchObject({ kind: 'backup', status: 'failed' });
      expect(readdirSync(env.backupDir)).toEqual([]);
    } finally {
      await src.close();
    }
  });
});

describe('retention: N weekly and M monthly (R-20.1)', () => {
  it('ISO weeks in Viet Nam time', () => {
    expect(isoWeekKey('2026-11-29')).toBe('2026-W48');
    expect(isoWeekKey('2026-11-30')).toBe('2026-W49');
    expect(isoWeekKey('2027-01-01')).toBe('2026-W53');
  });

  it('keeps the newest backup of each of the last N weeks and M months, and always the newest', () => {
    const day = (iso: string) => ({ name: iso, createdAt: new Date(`${iso}T01:00:00Z`) });
    // Daily backups for 120 days.
    const list = Array.from({ length: 120 }, (_, i) => day(new Date(Date.UTC(2026, 7, 1) + i * 86_400_000).toISOString().slice(0, 10)));
    const keep = selectRetained(list, 4, 3);
    const kept = [...keep].sort();
    // 4 weekly (newest per ISO week) + monthly newest of Nov, Oct, Sep (Nov's is also a weekly one).
    expect(kept).toContain('2026-11-28');
    expect(kept).toContain('2026-10-31');
    expect(kept).toContain('2026-09-30');
    expect(kept).not.toContain('2026-08-31');
    expect(kept.length).toBe(6);
    expect(selectRetained([], 4, 3).size).toBe(0);
    expect([...selectRetained([day('2026-01-01')], 1, 0)]).toEqual(['2026-01-01']);
  });

  it('pruning deletes the folders outside the rule and marks their runs', async () => {
    const db = await createTestDatabase();
    try {
      const backupDir = tmp('prune');
      const clock = createFakeClock(new Date('2026-11-29T05:00:00Z'));
      const names: string[] = [];
      for (let i = 0; i < 10; i++) {
        const created = new Date(Date.UTC(2026, 10, 29) - i * 7 * 86_400_000);
        const name = `csdl-hoi-${created.toISOString().replace(/[-:.]/g, '')}`;
        mkdirSync(path.join(backupDir, name));
        writeFileSync(path.join(backupDir, name, 'manifest.json'), JSON.stringify({ createdAt: created.toISOString() }));
        await db
          .knex('backup_runs')
          .insert({ kind: 'backup', status: 'succeeded', started_at: created, finished_at: created, path: path.join(backupDir, name) });
        names.push(name);
      }
      mkdirSync(path.join(backupDir, 'not-a-backup'));
      const removed = await pruneBackups({
        ...envFor('pglite', db, { backupDir, uploadDir: tmp('u') }, clock),
        keepWeekly: 4,
        keepMonthly: 3,
      });
      const left = (await listArtefacts(backupDir)).map((a) => a.name);
      // Weeks 0–3 (4 weekly) plus the newest of October and September (monthly).
      expect(left.length).toBe(6);
      expect(removed.length).toBe(4);
      expect(left).toContain(names[0]);
      expect(existsSync(path.join(backupDir, 'not-a-backup'))).toBe(true);
      const pruned = await db.knex('backup_runs').whereNotNull('pruned_at').count<{ n: number }[]>('* as n');
      expect(pruned).toEqual([{ n: 4 }]);
    } finally {
      await db.destroy();
    }
  }, 60_000);

  it('names the last verified backups: the newest a drill passed, and the newest good one not failed by its drill', () => {
    const b = (name: string) => ({ name, createdAt: new Date(`${name}T01:00:00Z`) });
    const list = [b('2026-11-23'), b('2026-11-24'), b('2026-11-25'), b('2026-11-26')];
    const outcomes = new Map([
      ['2026-11-23', { succeeded: true, drill: 'succeeded' as const }],
      ['2026-11-24', { succeeded: true, drill: 'failed' as const }],
      ['2026-11-25', { succeeded: true, drill: null }],
      ['2026-11-26', { succeeded: false, drill: null }],
    ]);
    expect([...lastVerified(list, outcomes)].sort()).toEqual(['2026-11-23', '2026-11-25']);
    expect([...lastVerified(list, new Map())]).toEqual([]);
  });

  it('never prunes the last verified backup, however old (R-20.2)', async () => {
    const db = await createTestDatabase();
    try {
      const backupDir = tmp('prune-verified');
      const clock = createFakeClock(new Date('2026-11-29T05:00:00Z'));
      const names: string[] = [];
      // Oldest first: passed its drill 10 weeks ago; then backups whose drills failed; the newest not drilled yet.
      const drills: Array<'succeeded' | 'failed' | null> = ['succeeded', 'failed', 'failed', 'failed', null];
      for (const [i, drill] of drills.entries()) {
        const created = new Date(Date.UTC(2026, 8, 20) + i * 14 * 86_400_000);
        const name = `csdl-hoi-${created.toISOString().replace(/[-:.]/g, '')}`;
        const dir = path.join(backupDir, name);
        mkdirSync(dir);
        writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ createdAt: created.toISOString() }));
        await db.knex('backup_runs').insert({ kind: 'backup', status: 'succeeded', started_at: created, finished_at: created, path: dir });
        if (drill)
          await db.knex('backup_runs').insert({ kind: 'drill', status: drill, started_at: created, finished_at: created, path: dir });
        names.push(name);
      }
      const removed = await pruneBackups({
        ...envFor('pglite', db, { backupDir, uploadDir: tmp('u') }, clock),
        keepWeekly: 1,
        keepMonthly: 1,
      });
      const left = (await listArtefacts(backupDir)).map((a) => a.name).sort();
      // The rule keeps only the newest (week and month); the one that passed its drill stays with it.
      expect(left).toEqual([names[0], names[4]].sort());
      expect(removed.sort()).toEqual([names[1], names[2], names[3]].sort());
    } finally {
      await db.destroy();
    }
  }, 60_000);
});

describe('raw files of the register are checked against their SHA-256 of upload (R-20.2)', () => {
  it('an import file that no longer matches fails the backup with the batch named, and nothing is kept', async () => {
    const b = await sourceDb('pglite');
    try {
      const backupDir = tmp('raw-backups');
      const uploadDir = tmp('raw-uploads');
      await seedSample(b.knex, uploadDir);
      const name = `${randomUUID()}.xlsx`;
      const content = Buffer.concat([Buffer.from('PK\x03\x04'), randomBytes(512)]);
      mkdirSync(path.join(uploadDir, 'files', name.slice(0, 2)), { recursive: true });
      writeFileSync(path.join(uploadDir, 'files', name.slice(0, 2), name), content);
      const [batch] = await b
        .knex('import_batches')
        .insert({
          original_name: 'nhap.xlsx',
          storage_name: name,
          file_format: 'xlsx',
          mime_type: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
          size_bytes: content.length,
          sha256: (await import('node:crypto')).createHash('sha256').update(content).digest('hex'),
        })
        .returning<{ id: number }[]>('id');
      const clock = createFakeClock(new Date('2026-11-29T06:00:00Z'));
      const ok = await runBackup(envFor('pglite', b, { backupDir, uploadDir }, clock));
      expect(ok.manifest.rawFilesVerified).toBe(4);

      flipByte(path.join(uploadDir, 'files', name.slice(0, 2), name), 10);
      clock.advance(60_000);
      const err = await runBackup(envFor('pglite', b, { backupDir, uploadDir }, clock)).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(RawFilesDamagedError);
      expect((err as Error).message).toContain(`tệp nhập dữ liệu #${batch?.id} (files/${name.slice(0, 2)}/${name}): nội dung đã thay đổi`);
      const run = await b.knex('backup_runs').where({ kind: 'backup' }).orderBy('id', 'desc').first();
      expect(run).toMatchObject({ status: 'failed' });
      expect(run.error).toContain(`tệp nhập dữ liệu #${batch?.id}`);
      expect((await listArtefacts(backupDir)).map((a) => a.dir)).toEqual([ok.dir]);
      expect(readdirSync(backupDir).filter((n) => n.endsWith('.partial'))).toEqual([]);
    } finally {
      await b.close();
    }
  }, 120_000);
});
