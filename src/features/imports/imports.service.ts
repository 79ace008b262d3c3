/**
 * Bulk import of associations (R-8.2) with the raw file kept (R-20.2). The steps live beside this file: the shared
 * context (imports.context.ts), a batch's storage, validation and failure (imports.batches.ts), the rows' validation
 * against the register (imports.evaluate.ts) and applying (imports.apply.ts).
 */
import { createHash, randomUUID } from 'node:crypto';
import fsp from 'node:fs/promises';
import path from 'node:path';
import type { Actor } from '../../lib/auth-context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { FileFormat } from './bulk-file.js';
import { applyBatch, claimForApply } from './imports.apply.js';
import { createBatch, launch, markFailed, reapStale, validateBatch } from './imports.batches.js';
import {
  type ApplyMode,
  createImportContext,
  type ImportContext,
  type ImportDeps,
  type ImportHooks,
  type Progress,
  readStored,
} from './imports.context.js';
import type { BatchRow } from './imports.repository.js';

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

/**
 * The whole pipeline in one call (benchmark, scripts, tests): store the file, validate, and apply when `mode`
 * is given and allowed ('all' needs every row valid). Synchronous: no background task.
 */
export async function runImport(
  ctx: ImportContext,
  options: {
    actor: Actor;
    data: Buffer;
    originalName: string;
    format: FileFormat;
    mode?: ApplyMode | null;
    hooks?: ImportHooks;
  },
): Promise<RunSummary> {
  const { repo, storage } = ctx;
  const t0 = performance.now();
  await fsp.mkdir(storage.tmpDir, { recursive: true, mode: 0o750 });
  const tempPath = path.join(storage.tmpDir, `${randomUUID()}.part`);
  await fsp.writeFile(tempPath, options.data, { mode: 0o600 });
  let batch: BatchRow;
  try {
    batch = await createBatch(ctx, options.actor, {
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
    v = await validateBatch(ctx, batch.id, options.data);
  } catch (err) {
    await markFailed(ctx, batch.id, err);
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
      await applyBatch(ctx, options.actor, batch.id, options.mode, { pre: v, ...(options.hooks ? { hooks: options.hooks } : {}) });
    } catch (err) {
      await markFailed(ctx, batch.id, err);
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
}

export function createImportsService(deps: ImportDeps) {
  const ctx: ImportContext = createImportContext(deps);
  const { repo, audit, clock, active, progress } = ctx;
  return {
    createBatch: (actor: Actor, file: Parameters<typeof createBatch>[2]) => createBatch(ctx, actor, file),
    validateBatch: (batchId: number, buffer?: Buffer) => validateBatch(ctx, batchId, buffer),
    applyBatch: (actor: Actor, batchId: number, mode: ApplyMode, options?: Parameters<typeof applyBatch>[4]) =>
      applyBatch(ctx, actor, batchId, mode, options),
    reapStale: (batchId?: number) => reapStale(ctx, batchId),

    /** Upload: store the file, then validate in the background. */
    async upload(
      actor: Actor,
      file: { tempPath: string; size: number; sha256: string; originalName: string; format: FileFormat },
    ): Promise<BatchRow> {
      const batch = await createBatch(ctx, actor, file);
      launch(ctx, batch.id, () => validateBatch(ctx, batch.id));
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
      await claimForApply(ctx, actor, batchId, mode);
      launch(ctx, batchId, () => applyBatch(ctx, actor, batchId, mode, { claimed: true }));
    },

    /** Run an interrupted or failed batch again from the stored file: its validation, or its apply in the same mode. */
    async rerun(actor: Actor, batchId: number): Promise<void> {
      await reapStale(ctx, batchId);
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
        launch(ctx, batchId, () => applyBatch(ctx, actor, batchId, mode, { claimed: true }));
      } else {
        launch(ctx, batchId, () => validateBatch(ctx, batchId));
      }
    },

    /** The batch with live progress (this process) or the persisted one. */
    async get(batchId: number): Promise<BatchRow & { created_by_name: string | null; live: Progress | null }> {
      await reapStale(ctx, batchId);
      const batch = await repo.find(batchId);
      if (!batch) throw new NotFoundError('Không tìm thấy lô dữ liệu nhập.');
      return { ...batch, created_by_name: await repo.userName(batch.created_by), live: progress.get(batchId) ?? null };
    },

    async list(page: number, pageSize: number, status: string | null = null) {
      await reapStale(ctx);
      return repo.list(page, pageSize, status);
    },

    invalidRows: (batchId: number, page: number, pageSize: number) => repo.invalidRows(batchId, page, pageSize),

    async openRaw(actor: Actor, batchId: number): Promise<{ batch: BatchRow; data: Buffer }> {
      const batch = await repo.find(batchId);
      if (!batch) throw new NotFoundError('Không tìm thấy lô dữ liệu nhập.');
      await audit.record(actor, { action: 'import.download', targetType: 'import_batch', targetId: batchId });
      return { batch, data: await readStored(ctx, batch) };
    },

    runImport: (options: Parameters<typeof runImport>[1]) => runImport(ctx, options),

    /** Wait for this process's background task of a batch (tests, benchmark). */
    async settled(batchId: number): Promise<void> {
      await active.get(batchId);
    },
  };
}

export type ImportsService = ReturnType<typeof createImportsService>;
