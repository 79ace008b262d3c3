/**
 * Bulk import of associations (R-8.2) with the raw file kept (R-20.2).
 *
 * A batch goes: queued → validating → validated → applying → applied (or failed / interrupted). Validation and
 * application run as background tasks inside the process; progress is kept in memory for this process's pages
 * and persisted to import_batches (heartbeat) between steps, so another process — or this one after a restart —
 * can tell a dead batch (no heartbeat for STALE_MS) and show it as interrupted, to be run again.
 *
 * Every row is validated with the register form's own rules (parseAssociationForm over the flat values, then the
 * service's database checks `resolveMany`). Natural key: the register code when given, else name + scope. A row
 * whose association exists and whose values equal the stored ones is "unchanged": no write, no version.
 *
 * Applying (RELIABILITY check 34): "all" writes every row in ONE transaction — a crash or an error at any row
 * leaves nothing; "valid_only" writes chunks of rows, each chunk one transaction that also records its rows'
 * outcome, so a re-run skips what was written (those rows compare unchanged) and finishes the rest.
 */
import { createHash, randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { AssociationsRepository, FullRecord } from '../associations/associations.repository.js';
import type { AssociationsService } from '../associations/associations.service.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { DocumentStorage } from '../documents/documents.storage.js';
import { ALL_FIELDS, type FieldDef, SUBLISTS } from '../register-form/definition.js';
import type { CatalogueOptions } from '../register-form/display.js';
import { type FlatBody, toFlatBody } from '../register-form/flat-body.js';
import { type AssociationInput, type ListRow, parseAssociationForm, valuesFromRecord } from '../register-form/schema.js';
import { CODE_KEY } from '../register-form/workbook.js';
import { type BulkFile, type BulkRow, type FileError, type FileFormat, LIST_SHEET, readBulkFile } from './bulk-file.js';
import type { BatchRow, ImportRowRecord, ImportsRepository, RowStatus } from './imports.repository.js';

export type ApplyMode = 'all' | 'valid_only';

/** A batch silent this long while "running" belongs to a dead process. */
export const STALE_MS = 2 * 60_000;
/** Rows per write step (and per transaction in valid_only mode). */
const CHUNK = 500;

export const MIME = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
} as const;

export interface Evaluated {
  row: BulkRow;
  naturalKey: string;
  errors: FileError[];
  existing: FullRecord | null;
  input: AssociationInput | null;
  changed: boolean;
}

export interface ImportHooks {
  /** Called inside the apply transaction after each chunk with the number of rows written so far (tests inject failures). */
  afterChunk?(rowsDone: number): void | Promise<void>;
}

export interface RunSummary {
  batchId: number;
  status: BatchRow['status'];
  rows: number;
  invalid: number;
  created: number;
  updated: number;
  unchanged: number;
  timings: { parseMs: number; validateMs: number; applyMs: number; totalMs: number };
}

interface Progress {
  phase: 'validate' | 'apply';
  done: number;
  total: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Comparing a parsed row with a stored record (what "unchanged" means).

function norm(def: FieldDef, v: unknown): unknown {
  if (v === null || v === undefined || v === '') return def.type === 'bool' ? false : null;
  switch (def.type) {
    case 'bool':
      return v === true || v === 'true' || v === 't';
    case 'int':
    case 'year':
    case 'money':
    case 'decimal':
      return Number(v);
    case 'date':
      return String(v).slice(0, 10);
    default:
      return def.name === 'related_association_code' ? String(v).toUpperCase() : String(v);
  }
}

function listRowKey(fields: readonly FieldDef[], row: Record<string, unknown>): string {
  return JSON.stringify(fields.map((f) => norm(f, row[f.name])));
}

function canonical(
  record: Record<string, unknown>,
  other: readonly string[],
  lists: Record<string, ReadonlyArray<Record<string, unknown>>>,
): string {
  const rec = ALL_FIELDS.filter((f) => f.type !== 'multiselect').map((f) => norm(f, record[f.name]));
  const ls = SUBLISTS.map((def) => (lists[def.name] ?? []).map((r) => listRowKey(def.fields, r)).sort());
  return JSON.stringify([rec, [...other].sort(), ls]);
}

// ---------------------------------------------------------------------------------------------------------------

export function createImportsService(deps: {
  db: Knex;
  repo: ImportsRepository;
  associations: AssociationsService;
  associationsRepo: AssociationsRepository;
  storage: DocumentStorage;
  audit: AuditService;
  clock: Clock;
  logger: Logger;
}) {
  const { db, repo, associations, associationsRepo, storage, audit, clock, logger } = deps;
  const active = new Map<number, Promise<void>>();
  const progress = new Map<number, Progress>();
  // PostgreSQL has a pool: progress can be written beside the apply transaction. PGlite has one connection.
  const sideWrites = (db.client as { config?: { client?: unknown } }).config?.client === 'pg';

  async function heartbeat(batchId: number, p: Progress, trx: Knex = db): Promise<void> {
    progress.set(batchId, p);
    await repo.update(batchId, { progress_done: p.done, progress_total: p.total, heartbeat_at: clock.now() }, trx);
  }

  /** Stores the raw file and creates the batch, in one transaction. `tempPath` is in the store's temp folder. */
  async function createBatch(
    actor: Actor,
    file: { tempPath: string; size: number; sha256: string; originalName: string; format: FileFormat },
  ): Promise<BatchRow> {
    const storageName = storage.newStorageName(file.format);
    let placed = false;
    try {
      return await db.transaction(async (trx) => {
        const batch = await repo.insertBatch(trx, {
          original_name: file.originalName,
          storage_name: storageName,
          file_format: file.format,
          mime_type: MIME[file.format],
          size_bytes: file.size,
          sha256: file.sha256,
          created_by: actor.userId,
          created_at: clock.now(),
        });
        await audit.record(
          actor,
          {
            action: 'import.upload',
            targetType: 'import_batch',
            targetId: batch.id,
            details: { file: file.originalName, sha256: file.sha256, size: file.size },
          },
          trx,
        );
        // Last step of the transaction: the file exists only if the row commits (RELIABILITY check 33).
        await storage.place(file.tempPath, storageName);
        placed = true;
        return batch;
      });
    } catch (err) {
      if (placed) await storage.removeUncommitted(storageName).catch(() => undefined);
      throw err;
    }
  }

  async function readStored(batch: BatchRow): Promise<Buffer> {
    const handle = await storage.open(batch.storage_name);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /** Existing records matching the rows' natural keys: one query for codes, one for names (+ their full data). */
  async function loadExisting(file: BulkFile): Promise<{ byKey: Map<string, FullRecord | 'ambiguous'>; missingCodes: Set<string> }> {
    const codes = [...new Set(file.rows.map((r) => r.values[CODE_KEY]).filter((c): c is string => !!c))];
    const names = [
      ...new Set(file.rows.filter((r) => !r.values[CODE_KEY] && r.values.name).map((r) => (r.values.name as string).toLowerCase())),
    ];
    const found: Array<{ id: number; code: string; lname: string; scope: string }> = [];
    for (let i = 0; i < codes.length; i += 5000) {
      found.push(
        ...(await db('associations')
          .whereIn('code', codes.slice(i, i + 5000))
          .select('id', 'code', 'scope', db.raw('lower(name) AS lname'))),
      );
    }
    const byName: typeof found = [];
    for (let i = 0; i < names.length; i += 2000) {
      const chunk = names.slice(i, i + 2000);
      byName.push(
        ...(await db('associations')
          .whereRaw(`lower(name) IN (${chunk.map(() => '?').join(',')})`, chunk)
          .select('id', 'code', 'scope', db.raw('lower(name) AS lname'))),
      );
    }
    const full = await associationsRepo.loadFullMany([...new Set([...found, ...byName].map((f) => f.id))]);
    const byKey = new Map<string, FullRecord | 'ambiguous'>();
    for (const f of found) byKey.set(`code:${f.code}`, full.get(f.id) as FullRecord);
    for (const f of byName) {
      const key = `name:${f.lname}|${f.scope}`;
      byKey.set(key, byKey.has(key) ? 'ambiguous' : (full.get(f.id) as FullRecord));
    }
    const missingCodes = new Set(codes.filter((c) => !byKey.has(`code:${c}`)));
    return { byKey, missingCodes };
  }

  /** Validates every row of a file against the register's rules and the database. */
  async function evaluate(
    file: BulkFile,
    catalogues: CatalogueOptions,
    onProgress?: (done: number) => Promise<void>,
  ): Promise<Evaluated[]> {
    const codes = associations.codesOf(catalogues);
    const { byKey, missingCodes } = await loadExisting(file);
    const mainSheet = file.format === 'csv' ? 'CSV' : LIST_SHEET;
    const defs = new Map<string, FieldDef>(ALL_FIELDS.map((f) => [f.name, f]));
    const seen = new Map<string, number>();
    const out: Evaluated[] = [];

    const locate = (row: BulkRow, key: string, message: string): FileError => {
      const m = /^([a-z_]+)\.(\d+)\.([a-z_]+)$/.exec(key);
      if (m) {
        const list = SUBLISTS.find((s) => s.name === m[1]);
        const where = file.lists.get(m[1] as string);
        const col = where?.columns.get(m[3] as string);
        const field = list?.fields.find((f) => f.name === m[3]);
        const prefix = list ? `${list.title}, dòng ${Number(m[2]) + 1}: ` : '';
        return {
          sheet: where?.sheet ?? list?.title ?? '',
          row: row.subRows.get(`${m[1]}.${m[2]}`) ?? row.rowNumber,
          column: col?.letter ?? '',
          label: col?.label ?? field?.label ?? key,
          message: message.startsWith(prefix) ? message.slice(prefix.length) : message,
        };
      }
      const list = SUBLISTS.find((s) => s.name === key);
      if (list) return { sheet: file.lists.get(key)?.sheet ?? list.title, row: row.rowNumber, column: '', label: list.title, message };
      const col = file.columns.get(key);
      const label = col?.label ?? defs.get(key)?.label ?? (key === CODE_KEY ? 'Mã hội' : key);
      return {
        sheet: mainSheet,
        row: row.rowNumber,
        column: col?.letter ?? '',
        label: col ? label : `${label} (tệp không có cột này)`,
        message,
      };
    };

    let done = 0;
    for (const row of file.rows) {
      const errors: FileError[] = [];
      const code = String(row.values[CODE_KEY] ?? '');
      const naturalKey = code ? `code:${code}` : `name:${String(row.values.name ?? '').toLowerCase()}|${String(row.values.scope ?? '')}`;
      let existing: FullRecord | null = null;
      if (code && !/^H\d{6}$/.test(code))
        errors.push(locate(row, CODE_KEY, `Mã hội «${code}» không đúng dạng (chữ H và 6 chữ số, ví dụ H000123).`));
      else if (code && missingCodes.has(code)) errors.push(locate(row, CODE_KEY, `Không có hội mang mã ${code} trong cơ sở dữ liệu.`));
      else {
        const hit = byKey.get(naturalKey);
        if (hit === 'ambiguous')
          errors.push(locate(row, 'name', 'Có nhiều hội cùng tên và phạm vi hoạt động trong cơ sở dữ liệu: hãy ghi mã hội.'));
        else existing = hit ?? null;
      }
      const firstRow = seen.get(naturalKey);
      if (firstRow !== undefined) errors.push(locate(row, code ? CODE_KEY : 'name', `Hội này đã có ở dòng ${firstRow} của tệp.`));
      else seen.set(naturalKey, row.rowNumber);

      // Stored values, then the file's columns over them (a column left out keeps the stored value).
      const merged: FlatBody = existing ? toFlatBody(valuesFromRecord(existing.record, existing.lists)) : {};
      for (const list of file.lists.keys()) for (const k of Object.keys(merged)) if (k.startsWith(`${list}.`)) delete merged[k];
      for (const [k, v] of Object.entries(row.values)) if (k !== CODE_KEY) merged[k] = v;
      const parsed = parseAssociationForm(merged, codes);
      for (const [k, message] of Object.entries(parsed.errors)) errors.push(locate(row, k, message));
      out.push({ row, naturalKey, errors, existing, input: errors.length ? null : parsed.input, changed: true });
      done += 1;
      if (onProgress && done % 1000 === 0) await onProgress(done);
    }

    // The database checks of the register (related codes, live-name uniqueness), in bulk.
    const ok = out.filter((e) => e.input);
    const resolved = await associations.resolveMany(
      ok.map((e) => ({ input: e.input as AssociationInput, selfId: e.existing?.record.id ?? null })),
    );
    for (const [i, errs] of resolved) {
      const e = ok[i] as Evaluated;
      for (const [k, message] of Object.entries(errs)) e.errors.push(locate(e.row, k, message));
      e.input = null;
    }
    for (const e of out) {
      if (!e.input || !e.existing) continue;
      const ex = e.existing;
      e.changed =
        canonical(e.input.record, e.input.other_field_codes, e.input.lists) !== canonical(ex.record, ex.record.other_field_codes, ex.lists);
      if (e.changed) keepRowIds(e.input, ex, file);
    }
    return out;
  }

  /** Rows of a replaced sub-list that equal a stored row keep its id (the history shows real changes only). */
  function keepRowIds(input: AssociationInput, existing: FullRecord, file: BulkFile): void {
    for (const list of file.lists.keys()) {
      const def = SUBLISTS.find((s) => s.name === list);
      if (!def) continue;
      const pool = new Map<string, number[]>();
      for (const r of existing.lists[list] ?? []) {
        const k = listRowKey(def.fields, r);
        pool.set(k, [...(pool.get(k) ?? []), r.id as number]);
      }
      for (const r of input.lists[list] ?? []) {
        const ids = pool.get(listRowKey(def.fields, r));
        const id = ids?.shift();
        if (id !== undefined) (r as ListRow).id = id;
      }
    }
  }

  async function parseFile(batch: BatchRow, buffer?: Buffer): Promise<{ file: BulkFile; catalogues: CatalogueOptions }> {
    const catalogues = await associations.catalogueOptions();
    const file = await readBulkFile(buffer ?? (await readStored(batch)), batch.file_format, catalogues);
    return { file, catalogues };
  }

  /** The bad rows with their errors (good rows get their row when applied). */
  function rowRecords(evaluated: readonly Evaluated[]): ImportRowRecord[] {
    return evaluated
      .filter((e) => e.errors.length)
      .map((e) => ({
        row_number: e.row.rowNumber,
        natural_key: e.naturalKey.slice(0, 400),
        status: 'invalid',
        association_code: e.existing?.record.code ?? null,
        errors: e.errors,
      }));
  }

  /** Parse and validate a batch; returns what apply needs when it follows at once (runImport). */
  async function validateBatch(
    batchId: number,
    buffer?: Buffer,
  ): Promise<{ evaluated: Evaluated[]; file: BulkFile; parseMs: number; validateMs: number }> {
    const started = clock.now();
    const batch = await repo.transition(batchId, ['queued', 'interrupted', 'failed'], {
      status: 'validating',
      phase: 'validate',
      started_at: started,
      heartbeat_at: started,
      failure: null,
      progress_done: 0,
      progress_total: 0,
    });
    if (!batch) throw new ConflictError('Lô dữ liệu này đang được xử lý hoặc đã xử lý xong.');
    const t0 = performance.now();
    const { file, catalogues } = await parseFile(batch, buffer);
    const parseMs = performance.now() - t0;
    if (file.fatal.length) {
      await repo.update(batchId, {
        status: 'failed',
        failure: file.fatal.join(' '),
        finished_at: clock.now(),
        heartbeat_at: clock.now(),
      });
      progress.delete(batchId);
      return { evaluated: [], file, parseMs, validateMs: 0 };
    }
    const total = file.rows.length;
    await heartbeat(batchId, { phase: 'validate', done: 0, total });
    const t1 = performance.now();
    const evaluated = await evaluate(file, catalogues, (done) => heartbeat(batchId, { phase: 'validate', done, total }));
    const invalid = evaluated.filter((e) => e.errors.length).length;
    await db.transaction(async (trx) => {
      await repo.replaceRows(trx, batchId, rowRecords(evaluated));
      await repo.update(
        batchId,
        {
          status: 'validated',
          rows_total: total,
          rows_valid: total - invalid,
          rows_invalid: invalid,
          rows_created: 0,
          rows_updated: 0,
          rows_unchanged: 0,
          file_errors: file.fileErrors.length ? JSON.stringify(file.fileErrors) : null,
          progress_done: total,
          progress_total: total,
          heartbeat_at: clock.now(),
          finished_at: clock.now(),
        },
        trx,
      );
    });
    progress.delete(batchId);
    return { evaluated, file, parseMs, validateMs: performance.now() - t1 };
  }

  async function writeChunk(trx: Knex, actor: Actor, batch: BatchRow, chunk: readonly Evaluated[]): Promise<void> {
    const creates = chunk.filter((e) => !e.existing);
    const updates = chunk.filter((e) => e.existing && e.changed);
    const { created } = await associations.importWrite(
      trx,
      actor,
      {
        creates: creates.map((e) => e.input as AssociationInput),
        updates: updates.map((e) => ({
          id: (e.existing as FullRecord).record.id,
          code: (e.existing as FullRecord).record.code,
          version: (e.existing as FullRecord).record.version,
          input: e.input as AssociationInput,
        })),
      },
      `import:${batch.id}`,
      `Nhập dữ liệu hàng loạt từ tệp «${batch.original_name}»`.slice(0, 500),
    );
    const outcomes: Array<{ rowNumber: number; naturalKey: string; status: RowStatus; code: string | null }> = [];
    creates.forEach((e, i) => {
      outcomes.push({ rowNumber: e.row.rowNumber, naturalKey: e.naturalKey.slice(0, 400), status: 'created', code: created[i] ?? null });
    });
    for (const e of chunk) {
      if (!e.existing) continue;
      outcomes.push({
        rowNumber: e.row.rowNumber,
        naturalKey: e.naturalKey.slice(0, 400),
        status: e.changed ? 'updated' : 'unchanged',
        code: e.existing.record.code,
      });
    }
    await repo.recordOutcomes(trx, batch.id, outcomes);
  }

  async function finishApply(trx: Knex, batchId: number): Promise<void> {
    const counts = await repo.countsByStatus(batchId, trx);
    await repo.update(
      batchId,
      {
        status: 'applied',
        rows_created: counts.created,
        rows_updated: counts.updated,
        rows_unchanged: counts.unchanged,
        progress_done: counts.created + counts.updated + counts.unchanged,
        heartbeat_at: clock.now(),
        finished_at: clock.now(),
      },
      trx,
    );
  }

  /** Applies a batch (re-validating it against the database as it is now). */
  async function applyBatch(
    actor: Actor,
    batchId: number,
    mode: ApplyMode,
    options: { pre?: { evaluated: Evaluated[]; file: BulkFile }; hooks?: ImportHooks; claimed?: boolean } = {},
  ): Promise<void> {
    let batch = await repo.find(batchId);
    if (!batch) throw new NotFoundError('Không tìm thấy lô dữ liệu nhập.');
    if (!options.claimed) {
      const claimed = await repo.transition(batchId, ['validated'], {
        status: 'applying',
        phase: 'apply',
        apply_mode: mode,
        applied_by: actor.userId,
        started_at: clock.now(),
        heartbeat_at: clock.now(),
      });
      if (!claimed) throw new ConflictError('Lô dữ liệu này đang được áp dụng hoặc đã áp dụng.');
      batch = claimed;
    }
    const current = batch;
    const { evaluated, file } =
      options.pre ??
      (await (async () => {
        const { file: f, catalogues } = await parseFile(current);
        if (f.fatal.length) throw new ValidationError({ _form: f.fatal.join(' ') });
        return { file: f, evaluated: await evaluate(f, catalogues) };
      })());
    const bad = evaluated.filter((e) => e.errors.length);
    if (mode === 'all' && (bad.length || file.fileErrors.length)) {
      // The database changed since validation (or the file has errors): nothing is applied.
      await db.transaction(async (trx) => {
        await repo.replaceRows(trx, batchId, rowRecords(evaluated));
        await repo.update(
          batchId,
          {
            status: 'validated',
            rows_valid: evaluated.length - bad.length,
            rows_invalid: bad.length,
            failure: 'Tệp còn dòng sai: chưa áp dụng dòng nào.',
            heartbeat_at: clock.now(),
          },
          trx,
        );
      });
      return;
    }
    const good = evaluated.filter((e) => !e.errors.length);
    const total = good.length;
    await heartbeat(batchId, { phase: 'apply', done: 0, total });
    if (mode === 'all') {
      await db.transaction(async (trx) => {
        for (let i = 0; i < good.length; i += CHUNK) {
          await writeChunk(trx, actor, current, good.slice(i, i + CHUNK));
          const done = Math.min(good.length, i + CHUNK);
          progress.set(batchId, { phase: 'apply', done, total });
          if (sideWrites) await repo.update(batchId, { progress_done: done, heartbeat_at: clock.now() });
          await options.hooks?.afterChunk?.(done);
        }
        await finishApply(trx, batchId);
        await audit.record(
          actor,
          { action: 'import.apply', targetType: 'import_batch', targetId: batchId, details: { mode, rows: total } },
          trx,
        );
      });
    } else {
      for (let i = 0; i < good.length; i += CHUNK) {
        await db.transaction(async (trx) => {
          await writeChunk(trx, actor, current, good.slice(i, i + CHUNK));
          const done = Math.min(good.length, i + CHUNK);
          await heartbeat(batchId, { phase: 'apply', done, total }, trx);
          await options.hooks?.afterChunk?.(done);
        });
      }
      await db.transaction(async (trx) => {
        await finishApply(trx, batchId);
        await audit.record(
          actor,
          { action: 'import.apply', targetType: 'import_batch', targetId: batchId, details: { mode, rows: total } },
          trx,
        );
      });
    }
    progress.delete(batchId);
  }

  async function markFailed(batchId: number, err: unknown): Promise<void> {
    const message =
      err instanceof ValidationError
        ? Object.values(err.fieldErrors).join(' ')
        : err instanceof ConflictError
          ? err.message
          : (err as { status?: number }).status === 409
            ? 'Một hội trong tệp vừa được người khác sửa: hãy chạy lại lô này.'
            : 'Lỗi khi xử lý tệp; không có dữ liệu nào của bước này được ghi. Hãy chạy lại lô này.';
    logger.error({ err, batchId }, 'import batch failed');
    progress.delete(batchId);
    await repo
      .update(batchId, { status: 'failed', failure: message, finished_at: clock.now(), heartbeat_at: clock.now() })
      .catch(() => undefined);
  }

  function launch(batchId: number, job: () => Promise<unknown>): void {
    const run = (async () => {
      try {
        await job();
      } catch (err) {
        await markFailed(batchId, err);
      } finally {
        active.delete(batchId);
      }
    })();
    active.set(batchId, run);
  }

  /** A "running" batch that no live task of this process owns and that stopped beating is interrupted. */
  async function reapStale(batchId?: number): Promise<void> {
    const before = new Date(clock.now().getTime() - STALE_MS);
    for (const { id } of await repo.running(before)) {
      if (active.has(id) || (batchId !== undefined && id !== batchId)) continue;
      await repo.transition(id, ['queued', 'validating', 'applying'], {
        status: 'interrupted',
        failure: 'Quá trình xử lý bị dừng giữa chừng (máy chủ khởi động lại). Không có dữ liệu dở dang nào được ghi; hãy chạy lại lô này.',
        finished_at: clock.now(),
      });
    }
  }

  return {
    createBatch,
    validateBatch,
    applyBatch,
    reapStale,

    /** Upload: store the file, then validate in the background. */
    async upload(
      actor: Actor,
      file: { tempPath: string; size: number; sha256: string; originalName: string; format: FileFormat },
    ): Promise<BatchRow> {
      const batch = await createBatch(actor, file);
      launch(batch.id, () => validateBatch(batch.id));
      return batch;
    },

    /** Staff chose to apply: all rows (only when all are valid) or only the valid ones. */
    async startApply(actor: Actor, batchId: number, mode: ApplyMode): Promise<void> {
      const batch = await repo.find(batchId);
      if (!batch) throw new NotFoundError('Không tìm thấy lô dữ liệu nhập.');
      if (batch.status !== 'validated') throw new ConflictError('Lô dữ liệu này đang được áp dụng hoặc đã áp dụng.');
      if (mode === 'all' && (batch.rows_invalid > 0 || (batch.file_errors?.length ?? 0) > 0))
        throw new ValidationError({ mode: 'Tệp còn dòng sai: chỉ có thể áp dụng các dòng hợp lệ, hoặc sửa tệp rồi tải lên lại.' });
      if (mode === 'valid_only' && batch.rows_valid === 0) throw new ValidationError({ mode: 'Tệp không có dòng hợp lệ nào.' });
      const claimed = await repo.transition(batchId, ['validated'], {
        status: 'applying',
        phase: 'apply',
        apply_mode: mode,
        applied_by: actor.userId,
        started_at: clock.now(),
        heartbeat_at: clock.now(),
        failure: null,
      });
      if (!claimed) throw new ConflictError('Lô dữ liệu này đang được áp dụng hoặc đã áp dụng.');
      launch(batchId, () => applyBatch(actor, batchId, mode, { claimed: true }));
    },

    /** Run an interrupted or failed batch again from the stored file: its validation, or its apply in the same mode. */
    async rerun(actor: Actor, batchId: number): Promise<void> {
      await reapStale(batchId);
      const batch = await repo.find(batchId);
      if (!batch) throw new NotFoundError('Không tìm thấy lô dữ liệu nhập.');
      if (batch.status !== 'interrupted' && batch.status !== 'failed') throw new ConflictError('Chỉ chạy lại được lô bị dừng hoặc bị lỗi.');
      await audit.record(actor, { action: 'import.rerun', targetType: 'import_batch', targetId: batchId, details: { phase: batch.phase } });
      if (batch.phase === 'apply' && batch.apply_mode) {
        const mode = batch.apply_mode;
        const claimed = await repo.transition(batchId, ['interrupted', 'failed'], {
          status: 'applying',
          applied_by: actor.userId,
          started_at: clock.now(),
          heartbeat_at: clock.now(),
          failure: null,
        });
        if (!claimed) throw new ConflictError('Lô dữ liệu này đang được xử lý.');
        launch(batchId, () => applyBatch(actor, batchId, mode, { claimed: true }));
      } else {
        launch(batchId, () => validateBatch(batchId));
      }
    },

    /** The batch with live progress (this process) or the persisted one. */
    async get(batchId: number): Promise<BatchRow & { created_by_name: string | null; live: Progress | null }> {
      await reapStale(batchId);
      const batch = await repo.find(batchId);
      if (!batch) throw new NotFoundError('Không tìm thấy lô dữ liệu nhập.');
      return { ...batch, created_by_name: await repo.userName(batch.created_by), live: progress.get(batchId) ?? null };
    },

    async list(page: number, pageSize: number) {
      await reapStale();
      return repo.list(page, pageSize);
    },

    invalidRows: (batchId: number, page: number, pageSize: number) => repo.invalidRows(batchId, page, pageSize),

    async openRaw(actor: Actor, batchId: number): Promise<{ batch: BatchRow; data: Buffer }> {
      const batch = await repo.find(batchId);
      if (!batch) throw new NotFoundError('Không tìm thấy lô dữ liệu nhập.');
      await audit.record(actor, { action: 'import.download', targetType: 'import_batch', targetId: batchId });
      return { batch, data: await readStored(batch) };
    },

    /** Wait for this process's background task of a batch (tests, benchmark). */
    async settled(batchId: number): Promise<void> {
      await active.get(batchId);
    },

    /**
     * The whole pipeline in one call (benchmark, scripts, tests): store the file, validate, and apply when `mode`
     * is given and allowed ('all' needs every row valid). Synchronous: no background task.
     */
    async runImport(options: {
      actor: Actor;
      data: Buffer;
      originalName: string;
      format: FileFormat;
      mode?: ApplyMode | null;
      hooks?: ImportHooks;
    }): Promise<RunSummary> {
      const t0 = performance.now();
      await fsp.mkdir(storage.tmpDir, { recursive: true, mode: 0o750 });
      const tempPath = path.join(storage.tmpDir, `${randomUUID()}.part`);
      await fsp.writeFile(tempPath, options.data, { mode: 0o600 });
      let batch: BatchRow;
      try {
        batch = await createBatch(options.actor, {
          tempPath,
          size: options.data.length,
          sha256: createHash('sha256').update(options.data).digest('hex'),
          originalName: options.originalName,
          format: options.format,
        });
      } finally {
        await storage.discardTemp(tempPath);
      }
      let v: Awaited<ReturnType<typeof validateBatch>>;
      try {
        v = await validateBatch(batch.id, options.data);
      } catch (err) {
        await markFailed(batch.id, err);
        throw err;
      }
      let applyMs = 0;
      const after = await repo.find(batch.id);
      const allowed =
        options.mode &&
        after?.status === 'validated' &&
        (options.mode === 'valid_only' ? after.rows_valid > 0 : after.rows_invalid === 0 && !(after.file_errors?.length ?? 0));
      if (options.mode && allowed) {
        const t1 = performance.now();
        try {
          await applyBatch(options.actor, batch.id, options.mode, { pre: v, ...(options.hooks ? { hooks: options.hooks } : {}) });
        } catch (err) {
          await markFailed(batch.id, err);
          throw err;
        }
        applyMs = performance.now() - t1;
      }
      const final = (await repo.find(batch.id)) as BatchRow;
      return {
        batchId: batch.id,
        status: final.status,
        rows: final.rows_total,
        invalid: final.rows_invalid,
        created: final.rows_created,
        updated: final.rows_updated,
        unchanged: final.rows_unchanged,
        timings: { parseMs: v.parseMs, validateMs: v.validateMs, applyMs, totalMs: performance.now() - t0 },
      };
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;
