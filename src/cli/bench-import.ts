/**
 * Throughput of the bulk import (issue 5, goal ≥ 2,000 rows/s): `npm run bench:import -- [--rows 10000] [--xlsx]`.
 * Runs on a scratch database — a new database on the server of DATABASE_URL (dropped afterwards), or an
 * in-memory PGlite — migrated and seeded with the reference catalogues; imports a generated file of new
 * associations, then the same file again (all unchanged), and prints rows/s for each pass.
 * `--database <name>`: into that existing, migrated database on the server of DATABASE_URL instead (e.g. a copy of
 * the bench's 100,000-association data set, so the duplicate checks and the triggers run at national scale); it is
 * neither reseeded nor dropped, and the imported rows stay in it. `BENCH_PROFILE_SQL=1` prints the SQL time per
 * statement.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { seedReference } from '../../seeds/reference/index.js';
import { loadConfig } from '../config.js';
import { createDatabase, type Database } from '../db/knex.js';
import { migrateLatest } from '../db/migrations.js';
import { createFakeClock } from '../lib/clock.js';
import { createLogger } from '../logger.js';
import { createServices } from '../services.js';
import { benchFile } from './bench-import-file.js';

/** CPU seconds used so far by the server processes serving this database (same machine only; 0 elsewhere). */
async function serverCpu(database: Database): Promise<Map<number, number>> {
  const out = new Map<number, number>();
  if (database.backend !== 'postgres') return out;
  const res = await database.knex.raw<{ rows: Array<{ pid: number }> }>(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database()',
  );
  for (const { pid } of res.rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100);
    } catch {
      // not on this machine
    }
  }
  return out;
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const rowsArg = args.indexOf('--rows');
  const n = rowsArg >= 0 ? Number(args[rowsArg + 1]) : 10_000;
  const xlsx = args.includes('--xlsx');
  const dbArg = args.indexOf('--database');
  const existing = dbArg >= 0 ? (args[dbArg + 1] ?? '') : null;
  if (existing !== null && !/^[a-z_][a-z0-9_]*$/.test(existing)) throw new Error('--database: a database name (a-z, 0-9, _)');
  const uploadDir = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-bench-'));
  const config = loadConfig({ ...process.env, UPLOAD_DIR: uploadDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent' });
  const logger = createLogger('silent');
  let database: Database;
  let drop: (() => Promise<void>) | null = null;
  if (config.database.backend === 'postgres' && existing) {
    const u = new URL(config.database.url);
    u.pathname = `/${existing}`;
    database = await createDatabase({ backend: 'postgres', url: u.toString(), poolMax: 4 });
  } else if (config.database.backend === 'postgres') {
    const serverUrl = config.database.url;
    const name = `csdl_hoi_bench_import_${process.pid}`;
    const admin = new pg.Client({ connectionString: serverUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${name}`);
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const u = new URL(serverUrl);
    u.pathname = `/${name}`;
    database = await createDatabase({ backend: 'postgres', url: u.toString(), poolMax: 4 });
    drop = async () => {
      const c = new pg.Client({ connectionString: serverUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
    };
  } else {
    database = await createDatabase({ backend: 'pglite', dataDir: null });
  }
  try {
    await migrateLatest(database.knex);
    if (!existing) await seedReference(database.knex);
    const clock = createFakeClock(new Date());
    if (process.env.BENCH_PROFILE_SQL) {
      const started = new Map<string, number>();
      const spent = new Map<string, { ms: number; n: number }>();
      database.knex.on('query', (q: { __knexQueryUid: string }) => started.set(q.__knexQueryUid, performance.now()));
      database.knex.on('query-response', (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
        const k = q.sql.replace(/\s+/g, ' ').slice(0, 60);
        const e = spent.get(k) ?? { ms: 0, n: 0 };
        e.ms += performance.now() - (started.get(q.__knexQueryUid) ?? performance.now());
        e.n += 1;
        spent.set(k, e);
      });
      process.on('exit', () => {
        for (const [k, e] of [...spent].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25))
          console.log(e.ms.toFixed(0).padStart(7), String(e.n).padStart(6), k);
      });
    }
    const services = createServices({ db: database.knex, config, clock, logger });
    const actor = { userId: null, username: 'bench', roles: ['ngo_staff'], ip: null, requestId: null };
    // Into an existing database: names of their own, so a second run creates again rather than matching the first.
    const data = await benchFile(n, xlsx, existing ? Date.now().toString(36).toUpperCase() : '');
    const format = xlsx ? 'xlsx' : 'csv';
    console.log(`Nhập ${n.toLocaleString('vi-VN')} dòng (${format.toUpperCase()}, ${database.backend}):`);
    for (const pass of ['tạo mới', 'chạy lại, không đổi']) {
      const cpu0 = process.cpuUsage();
      const db0 = await serverCpu(database);
      const s = await services.imports.runImport({ actor, data, originalName: `bench.${format}`, format, mode: 'all' });
      const cpu = process.cpuUsage(cpu0);
      const db1 = await serverCpu(database);
      const dbCpu = [...db1].reduce((sum, [pid, v]) => sum + v - (db0.get(pid) ?? 0), 0);
      const appCpu = (cpu.user + cpu.system) / 1e6;
      const t = s.timings;
      if (s.invalid) {
        const { rows } = await services.imports.invalidRows(s.batchId, 1, 3);
        console.log(JSON.stringify(rows, null, 1));
      }
      console.log(
        `  ${pass}: ${s.status}, tạo ${s.created}, cập nhật ${s.updated}, không đổi ${s.unchanged}; ` +
          `đọc ${t.parseMs.toFixed(0)} ms, kiểm tra ${t.validateMs.toFixed(0)} ms, ghi ${t.applyMs.toFixed(0)} ms, ` +
          `tổng ${t.totalMs.toFixed(0)} ms → ${Math.round(n / (t.totalMs / 1000)).toLocaleString('vi-VN')} dòng/giây`,
      );
      console.log(
        `    CPU: ứng dụng ${appCpu.toFixed(2)} s, máy chủ CSDL ${dbCpu.toFixed(2)} s → ` +
          `${Math.round(n / (appCpu + dbCpu)).toLocaleString('vi-VN')} dòng/giây theo thời gian CPU (khi máy không bận việc khác)`,
      );
    }
  } finally {
    await database.close();
    if (drop) await drop();
    rmSync(uploadDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
