/**
 * Applying an import batch (R-8.2, RELIABILITY check 34): "all" writes every row in ONE transaction — a crash or an
 * error at any row leaves nothing; "valid_only" writes chunks of rows, each chunk one transaction that also records
 * its rows' outcome, so a re-run skips what was written (those rows compare unchanged) and finishes the rest.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { FullRecord } from '../associations/associations.repository.js';
import type { AssociationInput } from '../register-form/schema.js';
import type { BulkFile } from './bulk-file.js';
import { type ApplyMode, heartbeat, type ImportContext, type ImportHooks, parseFile } from './imports.context.js';
import { type Evaluated, evaluate, rowRecords } from './imports.evaluate.js';
import type { BatchRow, RowStatus } from './imports.repository.js';

/** Rows per write step (and per transaction in valid_only mode). */
const CHUNK = 500;

/**
 * Writes a chunk of rows; returns the ids of the records written. `deferQuality`: their data-quality scores are left
 * to the caller (mode "all" recomputes the whole batch once, before its one transaction commits).
 */
async function writeChunk(
  ctx: ImportContext,
  trx: Knex,
  actor: Actor,
  batch: BatchRow,
  chunk: readonly Evaluated[],
  deferQuality = false,
): Promise<number[]> {
  const { associations, repo } = ctx;
  const creates = chunk.filter((e) => !e.existing);
  const updates = chunk.filter((e) => e.existing && e.changed);
  const { created, ids } = await associations.importWrite(
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
    deferQuality,
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
  return ids;
}

async function finishApply(ctx: ImportContext, trx: Knex, batchId: number): Promise<void> {
  const { repo, clock } = ctx;
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

/** Moves a validated batch to "applying" for this actor and mode; a batch already taken is a conflict. */
export async function claimForApply(ctx: ImportContext, actor: Actor, batchId: number, mode: ApplyMode): Promise<BatchRow> {
  const claimed = await ctx.repo.transition(batchId, ['validated'], {
    status: 'applying',
    phase: 'apply',
    apply_mode: mode,
    applied_by: actor.userId,
    started_at: ctx.clock.now(),
    heartbeat_at: ctx.clock.now(),
    failure: null,
  });
  if (!claimed) throw new ConflictError('Lô dữ liệu này đang được áp dụng hoặc đã áp dụng.');
  return claimed;
}

/** Applies a batch (re-validating it against the database as it is now). */
export async function applyBatch(
  ctx: ImportContext,
  actor: Actor,
  batchId: number,
  mode: ApplyMode,
  options: { pre?: { evaluated: Evaluated[]; file: BulkFile }; hooks?: ImportHooks; claimed?: boolean } = {},
): Promise<void> {
  const { db, repo, audit, clock, progress } = ctx;
  let batch = await repo.find(batchId);
  if (!batch) throw new NotFoundError('Không tìm thấy lô dữ liệu nhập.');
  if (!options.claimed) batch = await claimForApply(ctx, actor, batchId, mode);
  const current = batch;
  const { evaluated, file } =
    options.pre ??
    (await (async () => {
      const { file: f, catalogues } = await parseFile(ctx, current);
      if (f.fatal.length) throw new ValidationError({ _form: f.fatal.join(' ') });
      return { file: f, evaluated: await evaluate(ctx, f, catalogues) };
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
  await heartbeat(ctx, batchId, { phase: 'apply', done: 0, total });
  if (mode === 'all') {
    await db.transaction(async (trx) => {
      const written: number[] = [];
      for (let i = 0; i < good.length; i += CHUNK) {
        written.push(...(await writeChunk(ctx, trx, actor, current, good.slice(i, i + CHUNK), true)));
        const done = Math.min(good.length, i + CHUNK);
        progress.set(batchId, { phase: 'apply', done, total });
        if (ctx.sideWrites) await repo.update(batchId, { progress_done: done, heartbeat_at: clock.now() });
        await options.hooks?.afterChunk?.(done);
      }
      // The data-quality scores of every record written, in one set-based statement before the commit: the list
      // and the record page never see a record without its score (issue 16 item 4).
      await ctx.associations.importQuality(trx, written);
      await finishApply(ctx, trx, batchId);
      await audit.record(
        actor,
        { action: 'import.apply', targetType: 'import_batch', targetId: batchId, details: { mode, rows: total } },
        trx,
      );
    });
  } else {
    for (let i = 0; i < good.length; i += CHUNK) {
      await db.transaction(async (trx) => {
        await writeChunk(ctx, trx, actor, current, good.slice(i, i + CHUNK));
        const done = Math.min(good.length, i + CHUNK);
        await heartbeat(ctx, batchId, { phase: 'apply', done, total }, trx);
        await options.hooks?.afterChunk?.(done);
      });
    }
    await db.transaction(async (trx) => {
      await finishApply(ctx, trx, batchId);
      await audit.record(
        actor,
        { action: 'import.apply', targetType: 'import_batch', targetId: batchId, details: { mode, rows: total } },
        trx,
      );
    });
  }
  progress.delete(batchId);
}
