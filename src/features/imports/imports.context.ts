/**
 * What the parts of the bulk import share (imports.service.ts): its dependencies, this process's running tasks and
 * live progress, and the steps every phase uses (heartbeat, reading the stored file).
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { AssociationsRepository } from '../associations/associations.repository.js';
import type { AssociationsService } from '../associations/associations.service.js';
import type { AuditService } from '../audit/audit.service.js';
import type { DocumentStorage } from '../documents/documents.storage.js';
import type { CatalogueOptions } from '../register-form/display.js';
import { type BulkFile, readBulkFile } from './bulk-file.js';
import type { BatchRow, ImportsRepository } from './imports.repository.js';

export type ApplyMode = 'all' | 'valid_only';

/** A batch silent this long while "running" belongs to a dead process. */
export const STALE_MS = 2 * 60_000;

export interface ImportHooks {
  /** Called inside the apply transaction after each chunk with the number of rows written so far (tests inject failures). */
  afterChunk?(rowsDone: number): void | Promise<void>;
}

export interface Progress {
  phase: 'validate' | 'apply';
  done: number;
  total: number;
}

export interface ImportDeps {
  db: Knex;
  repo: ImportsRepository;
  associations: AssociationsService;
  associationsRepo: AssociationsRepository;
  storage: DocumentStorage;
  audit: AuditService;
  clock: Clock;
  logger: Logger;
}

export interface ImportContext extends ImportDeps {
  /** This process's background task of each batch. */
  active: Map<number, Promise<void>>;
  /** Live progress of this process's batches. */
  progress: Map<number, Progress>;
  /** PostgreSQL has a pool: progress can be written beside the apply transaction. PGlite has one connection. */
  sideWrites: boolean;
}

export function createImportContext(deps: ImportDeps): ImportContext {
  const sideWrites = (deps.db.client as { config?: { client?: unknown } }).config?.client === 'pg';
  return { ...deps, active: new Map(), progress: new Map(), sideWrites };
}

export async function heartbeat(ctx: ImportContext, batchId: number, p: Progress, trx: Knex = ctx.db): Promise<void> {
  ctx.progress.set(batchId, p);
  await ctx.repo.update(batchId, { progress_done: p.done, progress_total: p.total, heartbeat_at: ctx.clock.now() }, trx);
}

export async function readStored(ctx: ImportContext, batch: BatchRow): Promise<Buffer> {
  const { storage } = ctx;
  const handle = await storage.open(batch.storage_name);
  try {
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

/** The batch's file read against the catalogues as they are now. */
export async function parseFile(
  ctx: ImportContext,
  batch: BatchRow,
  buffer?: Buffer,
): Promise<{ file: BulkFile; catalogues: CatalogueOptions }> {
  const { associations } = ctx;
  const catalogues = await associations.catalogueOptions();
  const file = await readBulkFile(buffer ?? (await readStored(ctx, batch)), batch.file_format, catalogues);
  return { file, catalogues };
}
