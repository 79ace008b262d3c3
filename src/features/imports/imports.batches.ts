/**
 * A bulk import batch's life outside applying: the raw file stored with its row, validation, failure,
 * background tasks, and the reaping of batches whose process died. A batch goes: queued → validating → validated →
 * applying → applied (or failed / interrupted); progress is kept in memory for this process's pages and persisted
 * (heartbeat) between steps, so another process — or this one after a restart — can tell a dead batch (no heartbeat
 * for STALE_MS) and show it as interrupted, to be run again.
 */

import type { Actor } from '../../lib/auth-context.js';
import { ConflictError, ValidationError } from '../../lib/errors.js';
import type { BulkFile, FileFormat } from './bulk-file.js';
import { heartbeat, type ImportContext, parseFile, STALE_MS } from './imports.context.js';
import { type Evaluated, evaluate, rowRecords } from './imports.evaluate.js';
import type { BatchRow } from './imports.repository.js';

export const MIME = {
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  csv: 'text/csv',
} as const;

/** Stores the raw file and creates the batch, in one transaction. `tempPath` is in the store's temp folder. */
export async function createBatch(
  ctx: ImportContext,
  actor: Actor,
  file: { tempPath: string; size: number; sha256: string; originalName: string; format: FileFormat },
): Promise<BatchRow> {
  const { db, repo, storage, audit, clock } = ctx;
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

/** Parse and validate a batch; returns what apply needs when it follows at once (runImport). */
export async function validateBatch(
  ctx: ImportContext,
  batchId: number,
  buffer?: Buffer,
): Promise<{ evaluated: Evaluated[]; file: BulkFile; parseMs: number; validateMs: number }> {
  const { db, repo, clock, progress } = ctx;
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
  const { file, catalogues } = await parseFile(ctx, batch, buffer);
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
  await heartbeat(ctx, batchId, { phase: 'validate', done: 0, total });
  const t1 = performance.now();
  const evaluated = await evaluate(ctx, file, catalogues, (done) => heartbeat(ctx, batchId, { phase: 'validate', done, total }));
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

export async function markFailed(ctx: ImportContext, batchId: number, err: unknown): Promise<void> {
  const { repo, clock, logger, progress } = ctx;
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

/** Runs a batch's step in the background; a failure marks the batch failed. */
export function launch(ctx: ImportContext, batchId: number, job: () => Promise<unknown>): void {
  const { active } = ctx;
  const run = (async () => {
    try {
      await job();
    } catch (err) {
      await markFailed(ctx, batchId, err);
    } finally {
      active.delete(batchId);
    }
  })();
  active.set(batchId, run);
}

/** A "running" batch that no live task of this process owns and that stopped beating is interrupted. */
export async function reapStale(ctx: ImportContext, batchId?: number): Promise<void> {
  const { repo, clock, active } = ctx;
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
