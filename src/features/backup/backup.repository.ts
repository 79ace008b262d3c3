/**
 * Queries of the backup's integrity rules, Knex only: the raw files the register records with the
 * SHA-256 taken at upload (read inside the backup's snapshot), and the outcome of backup runs and restore drills
 * that retention and the IT Centre's alert go by.
 */
import type { Knex } from 'knex';

/** Where a raw file is recorded: an association's attachment, an import batch's file, a violation's evidence. */
export type RawFileRegister = 'attachment' | 'import' | 'violation';

export interface RecordedRawFile {
  register: RawFileRegister;
  id: number;
  storageName: string;
  sha256: string;
  /** Null when the register did not record a size (only the SHA-256 is compared then). */
  bytes: number | null;
}

type Db = Knex | Knex.Transaction;

interface RawRow {
  id: number | string;
  storage_name: string;
  sha256: string;
  size_bytes: number | string | null;
}

const SOURCES: ReadonlyArray<{ register: RawFileRegister; table: string; query: (db: Db) => Knex.QueryBuilder }> = [
  {
    register: 'attachment',
    table: 'attachments',
    query: (db) => db('attachments').select('id', 'storage_name', 'sha256', 'size_bytes'),
  },
  {
    register: 'import',
    table: 'import_batches',
    query: (db) => db('import_batches').select('id', 'storage_name', 'sha256', 'size_bytes'),
  },
  {
    register: 'violation',
    table: 'violations',
    query: (db) =>
      db('violations')
        .whereNotNull('evidence_storage_name')
        .whereNotNull('evidence_sha256')
        .select('id', 'evidence_storage_name as storage_name', 'evidence_sha256 as sha256', 'evidence_size_bytes as size_bytes'),
  },
];

/** Every raw file a register row refers to, from the tables in `tables` (those the snapshot holds). */
export async function recordedRawFiles(db: Db, tables: readonly string[]): Promise<RecordedRawFile[]> {
  const out: RecordedRawFile[] = [];
  for (const source of SOURCES) {
    if (!tables.includes(source.table)) continue;
    const rows = (await source.query(db).orderBy('id')) as RawRow[];
    for (const r of rows) {
      out.push({
        register: source.register,
        id: Number(r.id),
        storageName: r.storage_name,
        sha256: r.sha256,
        bytes: r.size_bytes === null ? null : Number(r.size_bytes),
      });
    }
  }
  return out;
}

export interface ArtefactOutcome {
  /** The backup run that wrote the folder succeeded (database and every recorded raw file verified). */
  succeeded: boolean;
  /** The latest finished restore drill of the folder, if any. */
  drill: 'succeeded' | 'failed' | null;
}

/** Outcomes by artefact folder name (the last segment of `backup_runs.path`). */
export async function artefactOutcomes(db: Db): Promise<Map<string, ArtefactOutcome>> {
  const rows = (await db('backup_runs')
    .whereNotNull('path')
    .whereIn('status', ['succeeded', 'failed'])
    .orderBy('id')
    .select('kind', 'status', 'path')) as Array<{ kind: 'backup' | 'drill'; status: 'succeeded' | 'failed'; path: string }>;
  const out = new Map<string, ArtefactOutcome>();
  for (const r of rows) {
    const name = r.path.split(/[\\/]/).pop() ?? r.path;
    const o = out.get(name) ?? { succeeded: false, drill: null };
    if (r.kind === 'backup') o.succeeded = r.status === 'succeeded';
    else o.drill = r.status;
    out.set(name, o);
  }
  return out;
}

/** The most recent finished backup run when it failed (a later success clears it), for the IT Centre's alert. */
export async function lastFailedBackup(db: Db): Promise<{ finishedAt: Date | null; error: string | null } | null> {
  const row = (await db('backup_runs')
    .where({ kind: 'backup' })
    .whereIn('status', ['succeeded', 'failed'])
    .orderBy([
      { column: 'started_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ])
    .first('status', 'finished_at', 'error')) as { status: string; finished_at: Date | null; error: string | null } | undefined;
  if (row?.status !== 'failed') return null;
  return { finishedAt: row.finished_at === null ? null : new Date(row.finished_at), error: row.error };
}
