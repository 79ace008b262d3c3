/**
 * The database half of a backup manifest (RELIABILITY rule 5, check 38): per-table row counts and content hashes,
 * computed inside the snapshot the dump is taken from, and computed again the same way after a restore.
 *
 * A table's hash is computed by the database from its rows' text form and does not depend on the physical order of
 * rows; the manifest names the way (`TableHashAlgorithm`) and a restore recomputes it the same way. The text form
 * depends on a few settings (time zone, date style, float digits, bytea output); `pinOutputSettings` fixes them for
 * the transaction on every side.
 */
// server-text-file: the excluded tables' reasons document the manifest in code, and the comparison table is printed by the
// operators' console (npm run backup / restore); neither is shown on a page
import type { Knex } from 'knex';

/** Tables whose data is never part of a backup, with the reason (documented in README). */
export const EXCLUDED_TABLES: Readonly<Record<string, string>> = {
  // Logins are not restored: a restored system starts with every user signed out (and a session row holds a
  // CSRF secret that must not outlive its cookie).
  sessions: 'phiên đăng nhập không được sao lưu',
  // Rate-limit counters of windows of minutes (issue 19 item 3): a restored system starts with fresh budgets.
  rate_limit_hits: 'bộ đếm giới hạn tần suất không được sao lưu',
  // Rebuilt by migrating the restored database; the backup records the list of applied migrations instead.
  knex_migrations: 'danh sách migration ghi trong manifest',
  knex_migrations_lock: 'khóa migration',
};

/**
 * How a table's content hash is computed (issue 19 item 5):
 *  - `row-hash64-sum` (manifests with `tableHash`, the default): the row count and the exact sum (numeric, no
 *    overflow) of a 64-bit hash of each row's text form (`hashtextextended(t::text, 0)`, the same value on
 *    PostgreSQL and PGlite), then SHA-256 of `count:sum`. No sort, no MD5: one pass that PostgreSQL can run with
 *    parallel workers. A damaged, missing or extra row changes the sum unless 64-bit hashes collide (≈ 2⁻⁶⁴).
 *  - `row-md5-sorted` (manifests written before, without `tableHash`): SHA-256 over the MD5s of the rows' text
 *    form sorted — a sort of every row's MD5, several times slower; kept so older backups still restore and drill.
 */
export type TableHashAlgorithm = 'row-hash64-sum' | 'row-md5-sorted';
export const TABLE_HASH: TableHashAlgorithm = 'row-hash64-sum';
/** What a manifest without `tableHash` was computed with. */
export const LEGACY_TABLE_HASH: TableHashAlgorithm = 'row-md5-sorted';

export interface TableDigest {
  rows: number;
  sha256: string;
}

export interface SequenceState {
  lastValue: number;
  isCalled: boolean;
}

export interface DatabaseDigest {
  tables: Record<string, TableDigest>;
  sequences: Record<string, SequenceState>;
}

type Db = Knex | Knex.Transaction;

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export { quoteIdent };

async function rows<T>(db: Db, sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  const res = (await db.raw(sql, bindings as Knex.RawBinding[])) as { rows: T[] };
  return res.rows;
}

/** Call first in a transaction: fixes every setting that changes the text form of a value. */
export async function pinOutputSettings(trx: Db): Promise<void> {
  await trx.raw("SET LOCAL TimeZone = 'UTC'");
  await trx.raw("SET LOCAL DateStyle = 'ISO, YMD'");
  await trx.raw("SET LOCAL IntervalStyle = 'postgres'");
  await trx.raw('SET LOCAL extra_float_digits = 1');
  await trx.raw("SET LOCAL bytea_output = 'hex'");
}

/** Ordinary tables of the public schema, by name. */
export async function listTables(db: Db): Promise<string[]> {
  const r = await rows<{ relname: string }>(
    db,
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') ORDER BY c.relname`,
  );
  return r.map((x) => x.relname);
}

/** The tables a backup carries the data of. */
export async function dataTables(db: Db): Promise<string[]> {
  return (await listTables(db)).filter((t) => !(t in EXCLUDED_TABLES));
}

/** Tables in foreign-key dependency order (referenced tables first; cycles and self-references tolerated). */
export async function dependencyOrder(db: Db, tables: readonly string[]): Promise<string[]> {
  const edges = await rows<{ child: string; parent: string }>(
    db,
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
     JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
     JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE k.contype = 'f' AND n.nspname = 'public'`,
  );
  const wanted = new Set(tables);
  const parents = new Map<string, Set<string>>(tables.map((t) => [t, new Set<string>()]));
  for (const e of edges) {
    if (e.child !== e.parent && wanted.has(e.child) && wanted.has(e.parent)) parents.get(e.child)?.add(e.parent);
  }
  const out: string[] = [];
  const done = new Set<string>();
  const visiting = new Set<string>();
  const visit = (t: string) => {
    if (done.has(t) || visiting.has(t)) return;
    visiting.add(t);
    for (const p of [...(parents.get(t) ?? [])].sort()) visit(p);
    visiting.delete(t);
    done.add(t);
    out.push(t);
  };
  for (const t of [...tables].sort()) visit(t);
  return out;
}

const TABLE_HASH_SQL: Record<TableHashAlgorithm, (from: string) => string> = {
  'row-hash64-sum': (from) =>
    `SELECT count(*) AS n,
            encode(sha256(convert_to(count(*)::text || ':' || coalesce(sum(hashtextextended(t::text, 0)), 0)::text, 'UTF8')), 'hex') AS h
     FROM ${from} t`,
  'row-md5-sorted': (from) =>
    `SELECT count(*) AS n,
            encode(sha256(convert_to(coalesce(string_agg(md5(t::text), '' ORDER BY md5(t::text)), ''), 'UTF8')), 'hex') AS h
     FROM ${from} t`,
};

export async function tableDigest(db: Db, table: string, algorithm: TableHashAlgorithm = TABLE_HASH): Promise<TableDigest> {
  const [r] = await rows<{ n: number | string; h: string }>(db, TABLE_HASH_SQL[algorithm](quoteIdent(table)));
  return { rows: Number(r?.n ?? 0), sha256: String(r?.h ?? '') };
}

export async function sequenceStates(db: Db): Promise<Record<string, SequenceState>> {
  const seqs = await rows<{ relname: string }>(
    db,
    `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     WHERE n.nspname = 'public' AND c.relkind = 'S' ORDER BY c.relname`,
  );
  const out: Record<string, SequenceState> = {};
  for (const { relname } of seqs) {
    const [s] = await rows<{ last_value: number | string; is_called: boolean }>(
      db,
      `SELECT last_value, is_called FROM ${quoteIdent(relname)}`,
    );
    if (s) out[relname] = { lastValue: Number(s.last_value), isCalled: s.is_called };
  }
  return out;
}

/** Counts and hashes of every data table, plus sequence positions (informational). Call inside the snapshot. */
export async function databaseDigest(db: Db, algorithm: TableHashAlgorithm = TABLE_HASH): Promise<DatabaseDigest> {
  const tables: Record<string, TableDigest> = {};
  for (const t of await dataTables(db)) tables[t] = await tableDigest(db, t, algorithm);
  return { tables, sequences: await sequenceStates(db) };
}

/**
 * Counts and hashes of every data table, each in its own short transaction (pinned settings): for a database
 * nothing else writes to — a restore being checked — while pg_restore still builds indexes and constraints, which
 * must not wait for one long transaction's locks.
 */
export async function tablesDigest(knex: Knex, algorithm: TableHashAlgorithm = TABLE_HASH): Promise<Record<string, TableDigest>> {
  const tables: Record<string, TableDigest> = {};
  for (const t of await dataTables(knex)) {
    tables[t] = await knex.transaction(async (trx) => {
      await pinOutputSettings(trx);
      return tableDigest(trx, t, algorithm);
    });
  }
  return tables;
}

/** Digest of a whole database in its own read-only repeatable-read transaction with pinned settings. */
export async function snapshotDigest(knex: Knex, algorithm: TableHashAlgorithm = TABLE_HASH): Promise<DatabaseDigest> {
  return knex.transaction(async (trx) => {
    await trx.raw('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await pinOutputSettings(trx);
    return databaseDigest(trx, algorithm);
  });
}

export interface TableComparison {
  table: string;
  expectedRows: number | null;
  actualRows: number | null;
  expectedHash: string | null;
  actualHash: string | null;
  ok: boolean;
}

/** Table by table: every table of the backup must be present with the same count and hash. */
export function compareDigests(expected: Record<string, TableDigest>, actual: Record<string, TableDigest>): TableComparison[] {
  const names = [...new Set([...Object.keys(expected), ...Object.keys(actual)])].sort();
  return names.map((table) => {
    const e = expected[table];
    const a = actual[table];
    // A table the restored schema has but the backup does not (a newer migration) must be empty.
    const ok = e ? !!a && a.rows === e.rows && a.sha256 === e.sha256 : !a || a.rows === 0;
    return {
      table,
      expectedRows: e?.rows ?? null,
      actualRows: a?.rows ?? null,
      expectedHash: e?.sha256 ?? null,
      actualHash: a?.sha256 ?? null,
      ok,
    };
  });
}

/** A plain-text table of a comparison, for the CLI. */
export function formatComparison(rowsIn: readonly TableComparison[]): string {
  const lines = rowsIn.map(
    (r) =>
      `${r.ok ? 'OK  ' : 'SAI '} ${r.table.padEnd(32)} ${String(r.expectedRows ?? '-').padStart(9)} ${String(r.actualRows ?? '-').padStart(9)}  ${(r.expectedHash ?? '-').slice(0, 12)} ${(r.actualHash ?? '-').slice(0, 12)}`,
  );
  return [`     ${'bảng'.padEnd(32)} ${'sao lưu'.padStart(9)} ${'khôi phục'.padStart(9)}  hash sao lưu hash khôi phục`, ...lines].join(
    '\n',
  );
}
