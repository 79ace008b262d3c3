/**
 * The full logical export of the embedded database (PGlite has no pg_dump here): a gzip of JSON lines.
 *
 *   line 1   {"format":"csdl-hoi-logical/1","migrations":[…],"tables":[…dependency order],"sequences":{…}}
 *   then per table: {"table":"name","rows":N} followed by N lines, one `row_to_json` object each (ctid order)
 *   last     {"end":true}
 *
 * It restores into a database migrated to exactly the backup's migration list: every value goes back through
 * `json_populate_recordset`, i.e. each column type's own input function, so timestamps, numerics, arrays, jsonb and
 * bytea come back identical (the manifest's hashes prove it). Loading runs with `session_replication_role =
 * replica` (no triggers, no foreign-key checks while tables fill in any order), then sequences are set.
 */
import { once } from 'node:events';
import { createReadStream, createWriteStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { pipeline } from 'node:stream/promises';
import { createGunzip, createGzip } from 'node:zlib';
import type { Knex } from 'knex';
import { MIGRATIONS, migrationConfig } from '../../db/migrations.js';
import { dependencyOrder, quoteIdent, type SequenceState } from './manifest.js';

export const LOGICAL_FORMAT = 'csdl-hoi-logical/1';
const BATCH = 500;

export interface LogicalHeader {
  format: string;
  migrations: string[];
  tables: string[];
  sequences: Record<string, SequenceState>;
}

/** Writes the export of `tables` from inside the caller's snapshot transaction. Returns rows per table. */
export async function writeLogicalExport(
  trx: Knex.Transaction,
  file: string,
  header: Omit<LogicalHeader, 'format' | 'tables'>,
  tables: readonly string[],
): Promise<Record<string, number>> {
  const order = await dependencyOrder(trx, tables);
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(file, { flags: 'wx', mode: 0o600 });
  const done = pipeline(gzip, out);
  const write = async (line: string) => {
    if (!gzip.write(`${line}\n`)) await once(gzip, 'drain');
  };
  const counts: Record<string, number> = {};
  try {
    await write(JSON.stringify({ format: LOGICAL_FORMAT, ...header, tables: order }));
    for (const table of order) {
      const countRes = (await trx.raw(`SELECT count(*) AS n FROM ${quoteIdent(table)}`)) as { rows: Array<{ n: number | string }> };
      const n = Number(countRes.rows[0]?.n ?? 0);
      counts[table] = n;
      await write(JSON.stringify({ table, rows: n }));
      for (let offset = 0; offset < n; offset += BATCH) {
        const res = (await trx.raw(`SELECT row_to_json(t)::text AS j FROM ${quoteIdent(table)} t ORDER BY t.ctid LIMIT ? OFFSET ?`, [
          BATCH,
          offset,
        ])) as { rows: Array<{ j: string }> };
        for (const r of res.rows) await write(r.j);
      }
    }
    await write(JSON.stringify({ end: true }));
    gzip.end();
    await done;
  } catch (err) {
    gzip.destroy();
    await done.catch(() => undefined);
    throw err;
  }
  return counts;
}

/** Reads the export line by line (never the whole file in memory). */
async function* lines(file: string): AsyncGenerator<string> {
  const input = createReadStream(file).pipe(createGunzip());
  const rl = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  for await (const line of rl) if (line.length > 0) yield line;
}

export async function readLogicalHeader(file: string): Promise<LogicalHeader> {
  for await (const line of lines(file)) {
    const h = JSON.parse(line) as LogicalHeader;
    if (h.format !== LOGICAL_FORMAT) throw new Error(`Không phải bản xuất logic của csdl-hoi (format ${String(h.format)}).`);
    return h;
  }
  throw new Error('Tệp xuất dữ liệu rỗng.');
}

/** The backup's migrations must be the first ones of this code's list (older or same version). */
export function checkMigrationPrefix(backupMigrations: readonly string[]): void {
  const known = MIGRATIONS.map(([name]) => name);
  for (let i = 0; i < backupMigrations.length; i++) {
    if (known[i] !== backupMigrations[i]) {
      throw new Error(
        `Bản sao lưu được tạo bởi phiên bản phần mềm khác (migration ${backupMigrations[i]} không khớp ${known[i] ?? '(không có)'}); hãy khôi phục bằng phiên bản phần mềm đã tạo ra nó.`,
      );
    }
  }
}

/** Applies migrations one by one until exactly `target` are applied (the schema version of the backup). */
export async function migrateTo(knex: Knex, target: readonly string[]): Promise<void> {
  checkMigrationPrefix(target);
  for (;;) {
    const [done] = (await knex.migrate.list(migrationConfig)) as [Array<{ name: string } | string>, unknown[]];
    const applied = done.map((d) => (typeof d === 'string' ? d : d.name));
    if (applied.length > target.length) throw new Error('Cơ sở dữ liệu đích đã ở phiên bản mới hơn bản sao lưu.');
    if (applied.length === target.length) {
      if (applied.some((n, i) => n !== target[i])) throw new Error('Cơ sở dữ liệu đích có danh sách migration khác bản sao lưu.');
      return;
    }
    await knex.migrate.up(migrationConfig);
  }
}

/**
 * Loads an export into a database already migrated to the backup's migration list, in one transaction.
 * Tables of the export are emptied first (a fresh migration may have put rows in some).
 */
export async function loadLogicalExport(knex: Knex, file: string): Promise<Record<string, number>> {
  const header = await readLogicalHeader(file);
  const counts: Record<string, number> = {};
  await knex.transaction(async (trx) => {
    await trx.raw('SET LOCAL session_replication_role = replica');
    await trx.raw("SET LOCAL TimeZone = 'UTC'");
    if (header.tables.length > 0) await trx.raw(`TRUNCATE ${header.tables.map(quoteIdent).join(', ')} CASCADE`);
    let current: { table: string; rows: number } | null = null;
    let seen = 0;
    let batch: string[] = [];
    let ended = false;
    // Generated columns (e.g. the stored unaccented search names) cannot be inserted: the database recomputes them.
    const insertable = new Map<string, string>();
    const columnsOf = async (table: string): Promise<string> => {
      let cols = insertable.get(table);
      if (cols === undefined) {
        const rows = (
          await trx.raw(
            `SELECT attname FROM pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped AND attgenerated = '' ORDER BY attnum`,
            [quoteIdent(table)],
          )
        ).rows as Array<{ attname: string }>;
        cols = rows.map((r) => quoteIdent(r.attname)).join(', ');
        insertable.set(table, cols);
      }
      return cols;
    };
    const flush = async () => {
      if (!current || batch.length === 0) return;
      const cols = await columnsOf(current.table);
      await trx.raw(
        `INSERT INTO ${quoteIdent(current.table)} (${cols}) SELECT ${cols} FROM json_populate_recordset(NULL::${quoteIdent(current.table)}, ?::json)`,
        [`[${batch.join(',')}]`],
      );
      batch = [];
    };
    let first = true;
    for await (const line of lines(file)) {
      if (first) {
        first = false;
        continue;
      }
      if (current && seen < current.rows) {
        batch.push(line);
        seen++;
        if (batch.length >= BATCH) await flush();
        continue;
      }
      await flush();
      if (current) counts[current.table] = seen;
      const marker = JSON.parse(line) as { table?: string; rows?: number; end?: boolean };
      if (marker.end) {
        ended = true;
        current = null;
        break;
      }
      if (!marker.table || !header.tables.includes(marker.table) || typeof marker.rows !== 'number') {
        throw new Error('Tệp xuất dữ liệu hỏng: dòng đánh dấu bảng không hợp lệ.');
      }
      current = { table: marker.table, rows: marker.rows };
      seen = 0;
    }
    await flush();
    if (current) counts[current.table] = seen;
    if (!ended) throw new Error('Tệp xuất dữ liệu bị cắt cụt (thiếu dòng kết thúc).');
    for (const [name, s] of Object.entries(header.sequences)) {
      await trx.raw('SELECT setval(?::regclass, ?, ?)', [quoteIdent(name), s.lastValue, s.isCalled]);
    }
  });
  return counts;
}
