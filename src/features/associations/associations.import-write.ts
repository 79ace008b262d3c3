/**
 * The bulk writes of an import inside the caller's transaction (R-8.2): new records get codes, rows, sub-lists,
 * version 1 and an audit row; changed records are updated at their expected version (409 otherwise) with a new
 * version. Every version carries `source` (e.g. `import:12`). Inputs must have gone through `resolveMany`.
 * `deferQuality`: the written records' data-quality scores are left to the caller, who recomputes them (by the
 * returned `ids`) before its transaction ends.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import { StaleVersionError } from '../../lib/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { SUBLISTS } from '../register-form/definition.js';
import type { AssociationInput } from '../register-form/schema.js';
import type { AssociationsRepository, FullRecord } from './associations.repository.js';

export interface ImportItems {
  creates: readonly AssociationInput[];
  updates: ReadonlyArray<{ id: number; code: string; version: number; input: AssociationInput }>;
}

interface Written {
  id: number;
  code: string;
  version: number;
  action: string;
}

export interface ImportWriteDeps {
  repo: AssociationsRepository;
  audit: AuditService;
  /** The record's columns of an input (associations.service's `recordPatch`). */
  recordPatch: (record: AssociationInput['record']) => Record<string, unknown>;
  /** Other fields and sub-lists of an existing record brought to the input. */
  writeLists: (trx: Knex, id: number, input: AssociationInput) => Promise<void>;
}

/** Snapshots of the written records: new ones from the rows the insert returned (sub-lists read back only where written). */
async function snapshotsOf(
  repo: AssociationsRepository,
  trx: Knex,
  created: Awaited<ReturnType<AssociationsRepository['insertMany']>>,
  items: ImportItems,
): Promise<Map<number, FullRecord>> {
  const snapshots = await repo.loadFullMany(
    created.map((r) => r.id),
    trx,
    {
      records: created,
      lists: new Set(SUBLISTS.filter((d) => items.creates.some((c) => (c.lists[d.name] ?? []).length > 0)).map((d) => d.name)),
      otherFields: items.creates.some((c) => c.other_field_codes.length > 0),
    },
  );
  for (const [id, full] of await repo.loadFullMany(
    items.updates.map((u) => u.id),
    trx,
  ))
    snapshots.set(id, full);
  return snapshots;
}

export async function importWrite(
  deps: ImportWriteDeps,
  trx: Knex,
  actor: Actor,
  items: ImportItems,
  meta: { source: string; reason: string | null; at: Date; deferQuality?: boolean },
): Promise<{ created: string[]; updated: string[]; ids: number[] }> {
  const { repo, audit } = deps;
  const { source, reason, at } = meta;
  const codes = await repo.nextCodes(trx, items.creates.length);
  const rows = await repo.insertMany(
    trx,
    items.creates.map((input, i) => ({ code: codes[i] as string, record: input.record })),
    actor.userId,
    at,
  );
  await repo.insertListsMany(
    trx,
    rows.map((row, i) => ({
      id: row.id,
      otherFieldCodes: items.creates[i]?.other_field_codes ?? [],
      lists: items.creates[i]?.lists ?? {},
    })),
  );
  const written: Written[] = rows.map((r) => ({ id: r.id, code: r.code, version: 1, action: 'association.create' }));
  for (const u of items.updates) {
    const updated = await repo.updateIfVersion(trx, u.id, u.version, deps.recordPatch(u.input.record), actor.userId, at);
    if (!updated) throw new StaleVersionError({ code: u.code, version: u.version });
    await deps.writeLists(trx, u.id, u.input);
    written.push({ id: u.id, code: u.code, version: updated.version, action: 'association.update' });
  }
  const snapshots = await snapshotsOf(repo, trx, rows, items);
  await repo.insertVersions(
    trx,
    written.map((w) => ({
      associationId: w.id,
      version: w.version,
      snapshot: snapshots.get(w.id),
      source,
      reason,
      actorId: actor.userId,
      at,
    })),
    meta.deferQuality ? 'deferred' : 'now',
  );
  await audit.recordMany(
    actor,
    written.map((w) => ({ action: w.action, targetType: 'association', targetId: w.code, details: { version: w.version, source } })),
    trx,
  );
  return { created: rows.map((r) => r.code), updated: items.updates.map((u) => u.code), ids: written.map((w) => w.id) };
}
