/**
 * Catalogue rules: only NGO Department staff reach these (the routes' guard); the code is set once
 * and never changes; validity dates in order; a successor or default ministry that is chosen or changed
 * must be in force; kinds with fixed codes (statuses) take no new entries and only their name and note change.
 * Every write is one transaction with its audit row. Also the option lists other features' forms use.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ForbiddenError, NotFoundError, StaleVersionError, ValidationError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import { setCatalogueEntryNames } from '../../lib/server-text.js';
import type { AuditService } from '../audit/audit.service.js';
import { CATALOGUE_KINDS, type CatalogueKind, type CatalogueTable, catalogueBySlug, catalogueByTable } from './catalogue-kinds.js';
import type { CatalogueCounts, CatalogueRow, CataloguesRepository, CatalogueValues } from './catalogues.repository.js';
import type { EntryInput } from './catalogues.schemas.js';

/** One choice in a form's select. */
export interface CatalogueOption {
  code: string;
  name: string;
  /** In force today. */
  current: boolean;
}

export type EntryStatus = 'current' | 'expired' | 'upcoming';

export interface EntryView extends CatalogueRow {
  status: EntryStatus;
  successorName: string | null;
  defaultMinistryName: string | null;
  /** Optimistic-locking token for the edit form. */
  version: string;
}

export interface CataloguesServiceDeps {
  db: Knex;
  repo: CataloguesRepository;
  audit: AuditService;
  clock: Clock;
}

/** Today's calendar day in Viet Nam, 'YYYY-MM-DD'. */
export function todayIn(clock: Clock): string {
  return vietnamToday(clock.now());
}

export function entryStatus(row: Pick<CatalogueRow, 'valid_from' | 'valid_to'>, today: string): EntryStatus {
  if (row.valid_to && row.valid_to < today) return 'expired';
  if (row.valid_from && row.valid_from > today) return 'upcoming';
  return 'current';
}

function versionOf(row: Pick<CatalogueRow, 'updated_at'>): string {
  return String(new Date(row.updated_at).getTime());
}

/** What the audit row keeps of an entry: its code and writable columns. */
function snapshot(kind: CatalogueKind, row: CatalogueRow): Record<string, unknown> {
  return {
    code: row.code,
    name: row.name,
    name_en: row.name_en ?? null,
    sort_order: row.sort_order,
    valid_from: row.valid_from,
    valid_to: row.valid_to,
    successor_code: row.successor_code,
    note: row.note,
    ...(kind.defaultMinistry ? { default_ministry_code: row.default_ministry_code ?? null } : {}),
  };
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === 'object' && err !== null && (err as { code?: string }).code === '23505';
}

function duplicateCode(kind: CatalogueKind, code: string): ValidationError {
  return new ValidationError({ code: `Mã "${code}" đã có trong danh mục ${kind.label.toLowerCase()}; mỗi mục cần một mã riêng.` });
}

function values(kind: CatalogueKind, input: EntryInput, before: CatalogueRow | null, nextOrder: number): Partial<CatalogueValues> {
  const nameEn = input.nameEn !== undefined ? { name_en: input.nameEn } : {};
  if (kind.fixedCodes) return { name: input.name, ...nameEn, note: input.note };
  return {
    name: input.name,
    ...nameEn,
    note: input.note,
    sort_order: input.sortOrder ?? before?.sort_order ?? nextOrder,
    valid_from: input.validFrom ?? null,
    valid_to: input.validTo ?? null,
    successor_code: kind.successor ? (input.successorCode ?? null) : null,
    ...(kind.defaultMinistry ? { default_ministry_code: input.defaultMinistryCode ?? null } : {}),
  };
}

/** Kinds with fixed codes (statuses) take no new entries: the application's rules name each of their codes. */
function assertCanAdd(kind: CatalogueKind): void {
  if (kind.fixedCodes) {
    throw new ForbiddenError(
      `Danh mục "${kind.label}" gồm các mã hệ thống dùng nên không thêm được mục mới; chỉ sửa được tên gọi và ghi chú.`,
    );
  }
}

/** Reading: the kinds, their entries and the option lists other features' forms use. */
function catalogueReads({ repo, clock }: Pick<CataloguesServiceDeps, 'repo' | 'clock'>) {
  async function options(table: CatalogueTable): Promise<CatalogueOption[]> {
    if (!catalogueByTable(table)) throw new Error(`Not a catalogue: ${table}`);
    const rows = await repo.list(table, todayIn(clock));
    return rows.map((r) => ({ code: r.code, name: r.name, current: Boolean(r.current) }));
  }

  return {
    kinds: CATALOGUE_KINDS,

    /** The kind behind a URL segment; an unknown one is a 404. */
    kind(slug: string): CatalogueKind {
      const kind = catalogueBySlug(slug);
      if (!kind) throw new NotFoundError('Không có danh mục này.');
      return kind;
    },

    /** Every catalogue with its counts today. */
    async overview(): Promise<Array<{ kind: CatalogueKind; counts: CatalogueCounts }>> {
      const today = todayIn(clock);
      const out: Array<{ kind: CatalogueKind; counts: CatalogueCounts }> = [];
      for (const kind of CATALOGUE_KINDS) out.push({ kind, counts: await repo.counts(kind.table, today) });
      return out;
    },

    /** One catalogue's entries, in force first, with the successor's and default ministry's names. */
    async entries(kind: CatalogueKind, filter: { currentOnly: boolean }): Promise<EntryView[]> {
      const today = todayIn(clock);
      const rows = await repo.list(kind.table, today);
      const names = new Map(rows.map((r) => [r.code, r.name]));
      const ministries = kind.defaultMinistry ? new Map((await repo.list('ministries', today)).map((r) => [r.code, r.name])) : null;
      return rows
        .map((r) => {
          const { current: _current, ...row } = r;
          return {
            ...row,
            status: entryStatus(r, today),
            successorName: r.successor_code ? (names.get(r.successor_code) ?? r.successor_code) : null,
            defaultMinistryName: r.default_ministry_code ? (ministries?.get(r.default_ministry_code) ?? r.default_ministry_code) : null,
            version: versionOf(r),
          };
        })
        .filter((e) => !filter.currentOnly || e.status === 'current');
    },

    async entry(kind: CatalogueKind, code: string): Promise<EntryView> {
      const row = await repo.find(kind.table, code);
      if (!row) throw new NotFoundError(`Không có mục mã "${code}" trong danh mục ${kind.label.toLowerCase()}.`);
      return { ...row, status: entryStatus(row, todayIn(clock)), successorName: null, defaultMinistryName: null, version: versionOf(row) };
    },

    /**
     * Choices for the entry form: successors are entries of the same catalogue in force (never the entry
     * itself); an entry's present choice stays listed even when it is no longer in force.
     */
    async formOptions(kind: CatalogueKind, entry: Pick<CatalogueRow, 'code' | 'successor_code' | 'default_ministry_code'> | null) {
      const keep = (list: CatalogueOption[], present: string | null | undefined) =>
        list.filter((o) => o.current || (present != null && o.code === present));
      const successors = kind.successor ? keep(await options(kind.table), entry?.successor_code).filter((o) => o.code !== entry?.code) : [];
      const ministries = kind.defaultMinistry ? keep(await options('ministries'), entry?.default_ministry_code) : [];
      return { successors, ministries };
    },

    /** { code, name, current } of one catalogue for a form's select, entries in force first. */
    options,

    /** Every catalogue's options at once, keyed by table. */
    async loadAll(): Promise<Record<CatalogueTable, CatalogueOption[]>> {
      // One query for all of them: every report page and record form loads them (was one round trip each).
      const all = await repo.optionsOf(
        CATALOGUE_KINDS.map((k) => k.table),
        todayIn(clock),
      );
      return Object.fromEntries(CATALOGUE_KINDS.map((k) => [k.table, all.get(k.table) ?? []])) as Record<CatalogueTable, CatalogueOption[]>;
    },
  };
}

/** Writing: adding and editing entries, each in one transaction with its audit row. */
function catalogueWrites({ db, repo, audit, clock }: CataloguesServiceDeps) {
  /** Checks that need the database; collects every message so the form shows them all at once. */
  async function checkReferences(
    kind: CatalogueKind,
    input: EntryInput,
    before: CatalogueRow | null,
    today: string,
    trx: Knex,
  ): Promise<Record<string, string>> {
    const errors: Record<string, string> = {};
    const successor = input.successorCode ?? null;
    if (kind.successor && successor && successor !== (before?.successor_code ?? null)) {
      const label = kind.successorLabel ?? 'Mục kế thừa';
      const row = await repo.find(kind.table, successor, trx);
      if (before && successor === before.code) {
        errors.successorCode = `${label} không thể là chính mục này.`;
      } else if (!row) {
        errors.successorCode = `${label} không có trong danh mục.`;
      } else if (entryStatus(row, today) !== 'current') {
        errors.successorCode = `${label} phải là mục đang hiệu lực; "${row.name}" không còn hoặc chưa có hiệu lực.`;
      } else if (before) {
        // No loop: following successors from the chosen one must never come back to this entry.
        let next: string | null = row.successor_code;
        for (let i = 0; next && i < 200; i++) {
          if (next === before.code) {
            errors.successorCode = `${label} không hợp lệ: "${row.name}" lại được thay thế bởi chính mục này.`;
            break;
          }
          next = (await repo.find(kind.table, next, trx))?.successor_code ?? null;
        }
      }
    }
    const ministry = input.defaultMinistryCode ?? null;
    if (kind.defaultMinistry && ministry && ministry !== (before?.default_ministry_code ?? null)) {
      const row = await repo.find('ministries', ministry, trx);
      if (!row) errors.defaultMinistryCode = 'Bộ, ngành quản lý mặc định không có trong danh mục.';
      else if (entryStatus(row, today) !== 'current') {
        errors.defaultMinistryCode = `Bộ, ngành quản lý mặc định phải đang hiệu lực; "${row.name}" không còn hiệu lực.`;
      }
    }
    return errors;
  }

  return {
    assertCanAdd,

    /** The duplicate-code message for a code already in the catalogue (any case), or null. */
    async codeTaken(kind: CatalogueKind, code: string): Promise<string | null> {
      const existing = await repo.findCodeIgnoringCase(kind.table, code);
      return existing ? (duplicateCode(kind, existing).fieldErrors.code as string) : null;
    },

    async create(actor: Actor, kind: CatalogueKind, input: EntryInput): Promise<CatalogueRow> {
      assertCanAdd(kind);
      const code = input.code;
      if (!code) throw new ValidationError({ code: 'Nhập mã của mục.' });
      const today = todayIn(clock);
      try {
        return await db.transaction(async (trx) => {
          const existing = await repo.findCodeIgnoringCase(kind.table, code, trx);
          const errors = await checkReferences(kind, input, null, today, trx);
          if (existing) errors.code = duplicateCode(kind, existing).fieldErrors.code as string;
          if (Object.keys(errors).length > 0) throw new ValidationError(errors);
          const next = await repo.nextSortOrder(kind.table, trx);
          const row = await repo.insert(
            kind.table,
            code,
            values(kind, input, null, next) as CatalogueValues,
            actor.userId,
            clock.now(),
            trx,
          );
          await audit.record(
            actor,
            { action: 'catalogue.create', targetType: kind.table, targetId: code, details: { before: null, after: snapshot(kind, row) } },
            trx,
          );
          return row;
        });
      } catch (err) {
        // Two people adding the same code at once: the second gets the same message as above.
        if (isUniqueViolation(err)) throw duplicateCode(kind, code);
        throw err;
      }
    },

    /** Edits an entry; its code never changes. `input.version` (when given) must match the stored one. */
    async update(actor: Actor, kind: CatalogueKind, code: string, input: EntryInput): Promise<CatalogueRow> {
      const today = todayIn(clock);
      return db.transaction(async (trx) => {
        const before = await repo.findForUpdate(kind.table, code, trx);
        if (!before) throw new NotFoundError(`Không có mục mã "${code}" trong danh mục ${kind.label.toLowerCase()}.`);
        if (input.version && input.version !== versionOf(before)) throw new StaleVersionError(snapshot(kind, before));
        const errors = await checkReferences(kind, input, before, today, trx);
        if (Object.keys(errors).length > 0) throw new ValidationError(errors);
        const after = await repo.update(kind.table, code, values(kind, input, before, before.sort_order), actor.userId, clock.now(), trx);
        await audit.record(
          actor,
          {
            action: 'catalogue.update',
            targetType: kind.table,
            targetId: code,
            details: { before: snapshot(kind, before), after: snapshot(kind, after) },
          },
          trx,
        );
        return after;
      });
    },
  };
}

/** How long the English names of catalogue entries are used before they are read again (another instance's edit). */
export const ENGLISH_NAMES_MAX_AGE_MS = 60_000;

/**
 * The entries' English names for the English interface (issue 17 item 2; src/lib/server-text.ts): read once, again
 * after an edit here, and again when older than ENGLISH_NAMES_MAX_AGE_MS (an edit on another instance). `ensure`
 * waits only for the first read; a later one runs behind the request that found the names old.
 */
function englishNames({ repo, clock }: Pick<CataloguesServiceDeps, 'repo' | 'clock'>) {
  let loadedAt = Number.NEGATIVE_INFINITY;
  let loaded = false;
  let loading: Promise<void> | null = null;
  const load = () => {
    loading ??= repo
      .englishNames(CATALOGUE_KINDS.map((k) => k.table))
      .then((names) => {
        setCatalogueEntryNames(names);
        loaded = true;
        loadedAt = clock.now().getTime();
      })
      .finally(() => {
        loading = null;
      });
    return loading;
  };
  return {
    async ensureEnglishNames(): Promise<void> {
      if (!loaded) return load();
      if (clock.now().getTime() - loadedAt > ENGLISH_NAMES_MAX_AGE_MS) void load().catch(() => {});
    },
    englishNamesChanged(): void {
      loadedAt = Number.NEGATIVE_INFINITY;
    },
  };
}

export function createCataloguesService(deps: CataloguesServiceDeps) {
  const names = englishNames(deps);
  const writes = catalogueWrites(deps);
  return {
    ...catalogueReads(deps),
    ...writes,
    ensureEnglishNames: names.ensureEnglishNames,
    async create(...args: Parameters<typeof writes.create>) {
      const row = await writes.create(...args);
      names.englishNamesChanged();
      return row;
    },
    async update(...args: Parameters<typeof writes.update>) {
      const row = await writes.update(...args);
      names.englishNamesChanged();
      return row;
    },
  };
}

export type CataloguesService = ReturnType<typeof createCataloguesService>;
