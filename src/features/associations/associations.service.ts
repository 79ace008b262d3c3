/**
 * Association records: create, edit with optimistic locking, publish, paper check, full history with
 * provenance and field-by-field diffs (register-form/diff.ts). Every write is one transaction: row(s),
 * version snapshot, audit. The database checks of a saved form are in associations.checks.ts, the bulk writes of
 * an import in associations.import-write.ts.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, StaleVersionError, ValidationError } from '../../lib/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { recomputeQuality } from '../quality/quality.repository.js';
import { GROUPS, SUBLISTS } from '../register-form/definition.js';
import { type Diff, diffSnapshots } from '../register-form/diff.js';
import { type CatalogueOptions, codesOf, display } from '../register-form/display.js';
import type { AssociationInput } from '../register-form/schema.js';
import { withholdingReason } from '../withholdings/withholdings.js';
import { createWithholdingsRepository } from '../withholdings/withholdings.repository.js';
import { resolveInput, resolveMany } from './associations.checks.js';
import { type ImportItems, importWrite } from './associations.import-write.js';
import type { AssociationRow, AssociationsRepository, FullRecord, ListCursor, ListFilters, SortKey } from './associations.repository.js';
import { termInfo, vietnamToday } from './congress-term.js';
import { type QuarterlyInfo, quarterlyInfo } from './quarterly-update.js';
import { isLiveStatus } from './statuses.js';

/** Rows of a list export read per query. */
const EXPORT_CHUNK = 500;

interface Deps {
  db: Knex;
  repo: AssociationsRepository;
  audit: AuditService;
  clock: Clock;
  /** Catalogue options for forms and display (the catalogues feature). */
  catalogues: { loadAll(): Promise<CatalogueOptions> };
}

/** The record's columns of an input: the form's own fields (other fields and sub-lists live in their tables). */
function recordPatch(record: AssociationInput['record']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const g of GROUPS) for (const f of g.fields) if (f.type !== 'multiselect' && f.name in record) out[f.name] = record[f.name];
  return out;
}

function translateUnique(err: unknown): never {
  const e = err as { code?: string; constraint?: string; message?: string };
  if (e.code === '23505' && (e.constraint === 'associations_live_name_unique' || /associations_live_name_unique/.test(e.message ?? ''))) {
    throw new ValidationError({ name: 'Tên hội đã được dùng cho một hội đang hoạt động.' });
  }
  throw err;
}

/** `fresh`: a record inserted in this transaction (nothing of it to delete). */
async function writeLists(repo: AssociationsRepository, trx: Knex, id: number, input: AssociationInput, fresh = false): Promise<void> {
  await repo.replaceOtherFields(trx, id, input.other_field_codes, fresh);
  for (const def of SUBLISTS) await repo.syncList(trx, def, id, input.lists[def.name] ?? [], fresh);
}

async function snapshot(repo: AssociationsRepository, trx: Knex, id: number): Promise<FullRecord> {
  const full = await repo.loadFull(id, trx);
  if (!full) throw new NotFoundError();
  return full;
}

async function requireRecord(repo: AssociationsRepository, code: string, trx: Knex): Promise<AssociationRow> {
  const row = await repo.findByCode(code, trx);
  if (!row) throw new NotFoundError('Không tìm thấy hội với mã này.');
  return row;
}

/** One change to a record at an expected version: what it is, why, and the write itself. */
interface VersionedChange {
  code: string;
  expectedVersion: number;
  action: string;
  source: string;
  reason: string | null;
  write: (trx: Knex, row: AssociationRow, at: Date) => Promise<AssociationRow | null>;
  /** More for the audit row. */
  details?: Record<string, unknown>;
}

type Withhold = { reason: string; until: string | null };

/** Writes that make a new version of one record: create, save the form, publish, paper check. */
function recordWriteMethods(deps: Deps) {
  const { db, repo, audit, clock } = deps;
  const withholdings = createWithholdingsRepository(db);

  /** Apply a change at its expected version; 409 with the current record when someone saved first. */
  async function versionedWrite(actor: Actor, change: VersionedChange, outer?: Knex.Transaction): Promise<AssociationRow> {
    const at = clock.now();
    try {
      // Inside a caller's transaction (e.g. a submission's approval) this is a savepoint: one commit for both.
      return await (outer ?? db).transaction(async (trx) => {
        const row = await requireRecord(repo, change.code, trx);
        const updated = row.version === change.expectedVersion ? await change.write(trx, row, at) : null;
        if (!updated) throw new StaleVersionError({ code: change.code, version: row.version });
        await repo.insertVersion(trx, {
          associationId: row.id,
          version: updated.version,
          snapshot: await snapshot(repo, trx, row.id),
          source: change.source,
          reason: change.reason,
          actorId: actor.userId,
          at,
        });
        await audit.record(
          actor,
          {
            action: change.action,
            targetType: 'association',
            targetId: change.code,
            details: { version: updated.version, source: change.source, ...change.details },
          },
          trx,
        );
        return updated;
      });
    } catch (err) {
      return translateUnique(err);
    }
  }

  return {
    async create(actor: Actor, input: AssociationInput, reason: string | null): Promise<AssociationRow> {
      const at = clock.now();
      try {
        return await db.transaction(async (trx) => {
          await resolveInput(repo, input, null, trx);
          const code = await repo.nextCode(trx);
          const row = await repo.insert(trx, code, input.record, actor.userId, at);
          await writeLists(repo, trx, row.id, input, true);
          const full = await snapshot(repo, trx, row.id);
          await repo.insertVersion(trx, {
            associationId: row.id,
            version: 1,
            snapshot: full,
            source: 'create',
            reason,
            actorId: actor.userId,
            at,
          });
          await audit.record(
            actor,
            { action: 'association.create', targetType: 'association', targetId: code, details: { version: 1 } },
            trx,
          );
          return row;
        });
      } catch (err) {
        return translateUnique(err);
      }
    },

    /**
     * Save the whole form. `source` is 'edit', or 'submission:<id>' / 'import:<id>' for later features; `outer`:
     * the caller's transaction, so the record's new version commits together with the caller's own rows;
     * `afterWrite`: the caller's own writes to the record's rows (e.g. a congress package linking its documents),
     * made after the form's and before the version's snapshot, so they belong to this one version.
     */
    update(
      actor: Actor,
      code: string,
      input: AssociationInput,
      expectedVersion: number,
      reason: string | null,
      source = 'edit',
      outer?: Knex.Transaction,
      afterWrite?: (trx: Knex, row: AssociationRow) => Promise<void>,
    ): Promise<AssociationRow> {
      const write = async (trx: Knex, row: AssociationRow, at: Date) => {
        await resolveInput(repo, input, row.id, trx);
        const updated = await repo.updateIfVersion(trx, row.id, expectedVersion, recordPatch(input.record), actor.userId, at);
        if (updated) await writeLists(repo, trx, row.id, input);
        if (updated && afterWrite) await afterWrite(trx, updated);
        return updated;
      };
      return versionedWrite(actor, { code, expectedVersion, action: 'association.update', source, reason, write }, outer);
    },

    setPublished(actor: Actor, code: string, published: boolean, expectedVersion: number): Promise<AssociationRow> {
      return versionedWrite(actor, {
        code,
        expectedVersion,
        action: published ? 'association.publish' : 'association.unpublish',
        source: 'publish',
        reason: published ? 'Công khai' : 'Thôi công khai',
        write: (trx, row, at) => repo.updateIfVersion(trx, row.id, expectedVersion, { published }, actor.userId, at),
      });
    },

    /**
     * Issue 16 item 1: withhold a public field (reason, optional last day) or lift it (null): a new version (the
     * reason in the history) and an audit row; the record's update renews the public caches and search index.
     */
    setWithholding(actor: Actor, code: string, expectedVersion: number, field: string, withhold: Withhold | null): Promise<AssociationRow> {
      return versionedWrite(actor, {
        code,
        expectedVersion,
        action: withhold ? 'association.withhold_field' : 'association.release_field',
        source: 'withholding',
        reason: withholdingReason(field, withhold),
        details: { field, ...(withhold ? { reason: withhold.reason, until: withhold.until } : {}) },
        write: async (trx, row, at) => {
          if (withhold) await withholdings.upsert(trx, { associationId: row.id, field, ...withhold, userId: actor.userId, at });
          else await withholdings.remove(trx, row.id, field);
          return repo.updateIfVersion(trx, row.id, expectedVersion, {}, actor.userId, at);
        },
      });
    },

    /** the record was checked against the paper dossier, by whom and when. */
    markPaperChecked(actor: Actor, code: string, expectedVersion: number, dossierRef: string | null): Promise<AssociationRow> {
      const patch = (at: Date) => ({
        paper_checked_at: at,
        paper_checked_by: actor.userId,
        ...(dossierRef ? { paper_dossier_ref: dossierRef } : {}),
      });
      return versionedWrite(actor, {
        code,
        expectedVersion,
        action: 'association.paper_check',
        source: 'paper_check',
        reason: 'Đối chiếu với hồ sơ giấy',
        write: (trx, row, at) => repo.updateIfVersion(trx, row.id, expectedVersion, patch(at), actor.userId, at),
      });
    },
  };
}

/** Reads: a record with its congress term, the register list, the history and its diffs. */
function recordReadMethods(deps: Deps) {
  const { db, repo, audit, clock, catalogues } = deps;
  return {
    /** Every withholding of the record (in force or ended) and today's date: the staff record page. */
    async withholdingsOf(associationId: number) {
      return { rows: await createWithholdingsRepository(db).forAssociation(associationId), today: vietnamToday(clock.now()) };
    },

    async get(code: string): Promise<
      FullRecord & {
        term: ReturnType<typeof termInfo>;
        termTracked: boolean;
        quarterly: QuarterlyInfo;
        paperCheckedBy: string | null;
        createdBy: string | null;
        updatedBy: string | null;
      }
    > {
      const row = await requireRecord(repo, code, db);
      const full = await repo.loadFull(row.id);
      if (!full) throw new NotFoundError();
      const today = vietnamToday(clock.now());
      const term = termInfo((full.lists.congresses ?? []) as never, (full.lists.extensions ?? []) as never, today);
      return {
        ...full,
        term,
        // updated this quarter or the last (quarterly-update.ts).
        quarterly: quarterlyInfo(full.record.status, full.record.updated_at, today),
        // Only a live association owes a term congress: a dissolved or ended one is never "quá hạn" (statuses.ts).
        termTracked: isLiveStatus(full.record.status),
        paperCheckedBy: await repo.userName(full.record.paper_checked_by),
        createdBy: await repo.userName(full.record.created_by),
        updatedBy: await repo.userName(full.record.updated_by),
      };
    },

    /** Leader personal data shown on a page leaves an audit row (RELIABILITY check 30). */
    recordPersonalDataView(actor: Actor, code: string): Promise<void> {
      return audit.record(actor, { action: 'personal_data.view', targetType: 'association', targetId: code, details: { data: 'leaders' } });
    },

    list(filters: ListFilters, sort: SortKey, page: number, pageSize: number, cursor: ListCursor | null = null) {
      return repo.list(filters, sort, page, pageSize, cursor);
    },

    /**
     * The whole filtered list for a CSV or Excel export (issue 16): the list's own conditions and order, every page.
     * The audit row (filters as the user gave them, row count, format) is written before any row is sent
     * (RELIABILITY check 30); the rows are then read EXPORT_CHUNK at a time, each with its quarterly update state.
     */
    async exportList(actor: Actor, filters: ListFilters, sort: SortKey, query: Record<string, string>, format: 'csv' | 'xlsx') {
      const ids = await repo.listMatchingIds(filters, sort);
      await audit.record(actor, {
        action: 'association.list_export',
        targetType: 'association_list',
        targetId: null,
        details: { filters: query, sort, rows: ids.length, format },
      });
      const today = vietnamToday(clock.now());
      return {
        count: ids.length,
        today,
        async *chunks() {
          for (let i = 0; i < ids.length; i += EXPORT_CHUNK) yield await repo.listExportRows(ids.slice(i, i + EXPORT_CHUNK), today);
        },
      };
    },

    async history(code: string) {
      const row = await requireRecord(repo, code, db);
      return { record: row, versions: await repo.versions(row.id) };
    },

    /** Field-by-field differences between two saved versions (any order). */
    async diff(code: string, from: number, to: number): Promise<{ record: AssociationRow; from: number; to: number; diff: Diff }> {
      const row = await requireRecord(repo, code, db);
      const [a, b] = await Promise.all([repo.version(row.id, from), repo.version(row.id, to)]);
      if (!a || !b) throw new NotFoundError('Không tìm thấy phiên bản được yêu cầu.');
      return { record: row, from, to, diff: diffSnapshots(a.snapshot, b.snapshot, await catalogues.loadAll()) };
    },
  };
}

export function createAssociationsService(deps: Deps) {
  const { db, repo, audit, clock, catalogues } = deps;
  return {
    catalogueOptions: (): Promise<CatalogueOptions> => catalogues.loadAll(),
    /** The calendar day in Viet Nam by the app's clock (the list's quarterly update state). */
    today: (): string => vietnamToday(clock.now()),
    codesOf,
    display,
    diffSnapshots,
    ...recordWriteMethods(deps),
    ...recordReadMethods(deps),

    /** The database checks of a saved form for many inputs at once (bulk import): associations.checks.ts. */
    resolveMany: (items: ReadonlyArray<{ input: AssociationInput; selfId: number | null }>, trx: Knex = db) =>
      resolveMany(repo, items, trx),

    /** Bulk writes of an import inside the caller's transaction: associations.import-write.ts. */
    importWrite: (trx: Knex, actor: Actor, items: ImportItems, source: string, reason: string | null, deferQuality = false) =>
      importWrite({ repo, audit, recordPatch, writeLists: (t, id, input) => writeLists(repo, t, id, input) }, trx, actor, items, {
        source,
        reason,
        at: clock.now(),
        deferQuality,
      }),

    /** The data-quality scores of records an import wrote with `deferQuality`, set-based, in its transaction. */
    importQuality: (trx: Knex, ids: readonly number[]) => recomputeQuality(trx, [...new Set(ids)], clock.now()),
  };
}

export type AssociationsService = ReturnType<typeof createAssociationsService>;
