/** SQL for import batches and their rows (Knex only). */
import type { Knex } from 'knex';
import type { FileError } from './bulk-file.js';

export type BatchStatus = 'queued' | 'validating' | 'validated' | 'applying' | 'applied' | 'failed' | 'interrupted';
export type RowStatus = 'valid' | 'invalid' | 'created' | 'updated' | 'unchanged';

export interface BatchRow {
  id: number;
  original_name: string;
  storage_name: string;
  file_format: 'xlsx' | 'csv';
  mime_type: string;
  size_bytes: number;
  sha256: string;
  status: BatchStatus;
  phase: 'validate' | 'apply';
  apply_mode: 'all' | 'valid_only' | null;
  progress_done: number;
  progress_total: number;
  rows_total: number;
  rows_valid: number;
  rows_invalid: number;
  rows_created: number;
  rows_updated: number;
  rows_unchanged: number;
  file_errors: FileError[] | null;
  failure: string | null;
  created_by: number | null;
  created_at: Date;
  applied_by: number | null;
  started_at: Date | null;
  heartbeat_at: Date | null;
  finished_at: Date | null;
}

export interface ImportRowRecord {
  row_number: number;
  natural_key: string;
  status: RowStatus;
  association_code: string | null;
  errors: FileError[] | null;
}

function parseJson<T>(v: unknown): T | null {
  if (v === null || v === undefined) return null;
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function batchOut(row: Record<string, unknown> | undefined): BatchRow | undefined {
  if (!row) return undefined;
  return { ...(row as unknown as BatchRow), file_errors: parseJson<FileError[]>(row.file_errors) };
}

export function createImportsRepository(db: Knex) {
  return {
    async insertBatch(
      trx: Knex,
      b: Pick<BatchRow, 'original_name' | 'storage_name' | 'file_format' | 'mime_type' | 'size_bytes' | 'sha256' | 'created_by'> & {
        created_at: Date;
      },
    ): Promise<BatchRow> {
      const [row] = await trx('import_batches').insert(b).returning('*');
      return batchOut(row) as BatchRow;
    },

    async find(id: number, trx: Knex = db): Promise<BatchRow | undefined> {
      return batchOut(await trx('import_batches').where({ id }).first());
    },

    /** Moves a batch from one of `from` to `to` (with extra columns); null when it was not in `from` (409). */
    async transition(
      id: number,
      from: readonly BatchStatus[],
      patch: Partial<Omit<BatchRow, 'file_errors'>> & { file_errors?: string | null },
      trx: Knex = db,
    ): Promise<BatchRow | null> {
      const [row] = await trx('import_batches')
        .where({ id })
        .whereIn('status', [...from])
        .update(patch)
        .returning('*');
      return batchOut(row) ?? null;
    },

    async update(
      id: number,
      patch: Partial<Omit<BatchRow, 'file_errors'>> & { file_errors?: string | null },
      trx: Knex = db,
    ): Promise<void> {
      await trx('import_batches').where({ id }).update(patch);
    },

    async list(
      page: number,
      pageSize: number,
      status: string | null = null,
    ): Promise<{ rows: Array<BatchRow & { created_by_name: string | null }>; total: number }> {
      const countRow = await db('import_batches as b')
        .modify((q) => {
          if (status) q.where('b.status', status);
        })
        .count<{ count: number }[]>('* as count')
        .first();
      const rows: Record<string, unknown>[] = await db('import_batches as b')
        .modify((q) => {
          if (status) q.where('b.status', status);
        })
        .leftJoin('users as u', 'u.id', 'b.created_by')
        .select('b.*', 'u.display_name as created_by_name')
        .orderBy('b.id', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize);
      return { rows: rows.map((r) => batchOut(r) as BatchRow & { created_by_name: string | null }), total: Number(countRow?.count ?? 0) };
    },

    async userName(id: number | null): Promise<string | null> {
      if (id === null) return null;
      const r = await db('users').where({ id }).first('display_name');
      return r?.display_name ?? null;
    },

    /** Batches whose worker may have died: running and silent since `before`. */
    running(before: Date): Promise<Array<{ id: number }>> {
      return db('import_batches')
        .whereIn('status', ['queued', 'validating', 'applying'])
        .where((w) => w.where('heartbeat_at', '<', before).orWhere((w2) => w2.whereNull('heartbeat_at').where('created_at', '<', before)))
        .select('id');
    },

    /** The bad rows of a validation (good rows are recorded when applied), replacing any earlier ones. */
    async replaceRows(trx: Knex, batchId: number, rows: ReadonlyArray<ImportRowRecord>): Promise<void> {
      await trx('import_rows').where({ batch_id: batchId }).delete();
      for (let i = 0; i < rows.length; i += 1000) {
        await trx('import_rows').insert(
          rows.slice(i, i + 1000).map((r) => ({ ...r, batch_id: batchId, errors: r.errors ? JSON.stringify(r.errors) : null })),
        );
      }
    },

    /** Record outcomes of applied rows; a row already created/updated by an earlier (interrupted) run keeps it. */
    async recordOutcomes(
      trx: Knex,
      batchId: number,
      outcomes: ReadonlyArray<{ rowNumber: number; naturalKey: string; status: RowStatus; code: string | null }>,
    ): Promise<void> {
      for (let i = 0; i < outcomes.length; i += 2000) {
        await trx('import_rows')
          .insert(
            outcomes.slice(i, i + 2000).map((o) => ({
              batch_id: batchId,
              row_number: o.rowNumber,
              natural_key: o.naturalKey,
              status: o.status,
              association_code: o.code,
            })),
          )
          .onConflict(['batch_id', 'row_number'])
          .merge({
            status: trx.raw(
              "CASE WHEN import_rows.status IN ('created', 'updated') AND excluded.status = 'unchanged' THEN import_rows.status ELSE excluded.status END",
            ),
            association_code: trx.raw('coalesce(excluded.association_code, import_rows.association_code)'),
            errors: null,
          });
      }
    },

    async countsByStatus(batchId: number, trx: Knex = db): Promise<Record<RowStatus, number>> {
      const rows = (await trx('import_rows').where({ batch_id: batchId }).groupBy('status').select('status').count('* as n')) as Array<{
        status: RowStatus;
        n: number | string;
      }>;
      const out: Record<RowStatus, number> = { valid: 0, invalid: 0, created: 0, updated: 0, unchanged: 0 };
      for (const r of rows) out[r.status] = Number(r.n);
      return out;
    },

    async invalidRows(batchId: number, page: number, pageSize: number): Promise<{ rows: ImportRowRecord[]; total: number }> {
      const base = db('import_rows').where({ batch_id: batchId, status: 'invalid' });
      const countRow = await base.clone().count<{ count: number }[]>('* as count').first();
      const rows = await base
        .clone()
        .orderBy('row_number')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .select('row_number', 'natural_key', 'status', 'association_code', 'errors');
      return {
        rows: rows.map((r: Record<string, unknown>) => ({
          ...(r as unknown as ImportRowRecord),
          errors: parseJson<FileError[]>(r.errors),
        })),
        total: Number(countRow?.count ?? 0),
      };
    },
  };
}

export type ImportsRepository = ReturnType<typeof createImportsRepository>;
