/**
 * Association records: create, edit with optimistic locking, publish, paper check, full history with
 * provenance and field-by-field diffs. Every write is one transaction: row(s), version snapshot, audit.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, StaleVersionError, ValidationError } from '../../lib/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { type FieldDef, fixedOptionLabel, GROUPS, SUBLISTS } from '../register-form/definition.js';
import { type AssociationInput, type CatalogueCodes, isoToVietnameseDate } from '../register-form/schema.js';
import type { AssociationRow, AssociationsRepository, FullRecord, ListCursor, ListFilters, SortKey } from './associations.repository.js';
import { termInfo, vietnamToday } from './congress-term.js';

export interface CatalogueOption {
  code: string;
  name: string;
  current: boolean;
}
export type CatalogueOptions = Record<string, CatalogueOption[]>;

export interface FieldChange {
  /** The field's name (top-level fields of the record; absent inside a sub-list row). */
  key?: string;
  label: string;
  before: string;
  after: string;
}
export interface ListChange {
  /** `<list>.<row id>`: identifies the row (used by the submissions review to accept or return each change). */
  key: string;
  title: string;
  kind: 'added' | 'removed' | 'changed';
  row: string;
  changes: FieldChange[];
}
export interface Diff {
  fields: FieldChange[];
  lists: ListChange[];
}

const LIVE = new Set(['dang_thanh_lap', 'hoat_dong', 'dinh_chi_co_thoi_han', 'cho_giai_the']);

export function createAssociationsService(deps: {
  db: Knex;
  repo: AssociationsRepository;
  audit: AuditService;
  clock: Clock;
  /** Catalogue options for forms and display (the catalogues feature). */
  catalogues: { loadAll(): Promise<CatalogueOptions> };
}) {
  const { db, repo, audit, clock, catalogues } = deps;

  function catalogueOptions(): Promise<CatalogueOptions> {
    return catalogues.loadAll();
  }

  function codesOf(options: CatalogueOptions): CatalogueCodes {
    return Object.fromEntries(Object.entries(options).map(([t, list]) => [t, new Set(list.map((o) => o.code))]));
  }

  /** Text a person reads for a stored value. */
  function display(def: FieldDef, value: unknown, options: CatalogueOptions): string {
    if (value === null || value === undefined || value === '') return '';
    if (def.type === 'bool') return value ? 'Có' : 'Không';
    if (def.type === 'date') return isoToVietnameseDate(String(value));
    if (def.type === 'money') return `${Number(value).toLocaleString('vi-VN')} đ`;
    if (def.type === 'int' || def.type === 'decimal') return Number(value).toLocaleString('vi-VN');
    if (def.type === 'multiselect' && Array.isArray(value))
      return value.map((c) => display({ ...def, type: 'select' }, c, options)).join('; ');
    if (def.options && 'catalogue' in def.options)
      return options[def.options.catalogue]?.find((o) => o.code === value)?.name ?? String(value);
    return fixedOptionLabel(def.options, String(value)) ?? String(value);
  }

  /** Checks that need the database; adds related association ids to decision rows. */
  async function resolve(input: AssociationInput, selfId: number | null, trx: Knex): Promise<void> {
    const errors: Record<string, string> = {};
    const decisions = input.lists.decisions ?? [];
    const codes = decisions.map((d) => d.related_association_code).filter((c): c is string => typeof c === 'string' && c !== '');
    const ids = await repo.idsForCodes(
      codes.map((c) => c.toUpperCase()),
      trx,
    );
    decisions.forEach((d, i) => {
      const code = typeof d.related_association_code === 'string' ? d.related_association_code.toUpperCase() : '';
      d.related_association_id = null;
      if (!code) return;
      const id = ids.get(code);
      if (!id)
        errors[`decisions.${i}.related_association_code`] = `Quyết định và sự kiện pháp lý, dòng ${i + 1}: không có hội mang mã ${code}.`;
      else if (id === selfId)
        errors[`decisions.${i}.related_association_code`] =
          `Quyết định và sự kiện pháp lý, dòng ${i + 1}: hội liên quan phải là một hội khác.`;
      else d.related_association_id = id;
    });
    // The managing ministry defaults to the main field's (FORM-1.md: each field has a default ministry).
    if (!input.record.managing_ministry_code && input.record.main_field_code) {
      const field = await trx('fields').where({ code: input.record.main_field_code }).first('default_ministry_code');
      input.record.managing_ministry_code = field?.default_ministry_code ?? null;
    }
    const name = String(input.record.name ?? '');
    if (LIVE.has(String(input.record.status)) && name) {
      const clash = await trx('associations')
        .whereRaw('lower(name) = lower(?)', [name])
        .whereIn('status', [...LIVE])
        .modify((q) => {
          if (selfId !== null) q.whereNot('id', selfId);
        })
        .first('code');
      if (clash) errors.name = `Tên hội đã được dùng cho một hội đang hoạt động (mã ${clash.code}).`;
    }
    if (Object.keys(errors).length) throw new ValidationError(errors);
  }

  /** `fresh`: a record inserted in this transaction (nothing of it to delete). */
  async function writeLists(trx: Knex, id: number, input: AssociationInput, fresh = false): Promise<void> {
    await repo.replaceOtherFields(trx, id, input.other_field_codes, fresh);
    for (const def of SUBLISTS) await repo.syncList(trx, def, id, input.lists[def.name] ?? [], fresh);
  }

  async function snapshot(trx: Knex, id: number): Promise<FullRecord> {
    const full = await repo.loadFull(id, trx);
    if (!full) throw new NotFoundError();
    return full;
  }

  function translateUnique(err: unknown): never {
    const e = err as { code?: string; constraint?: string; message?: string };
    if (e.code === '23505' && (e.constraint === 'associations_live_name_unique' || /associations_live_name_unique/.test(e.message ?? ''))) {
      throw new ValidationError({ name: 'Tên hội đã được dùng cho một hội đang hoạt động.' });
    }
    throw err;
  }

  async function requireRecord(code: string, trx: Knex = db): Promise<AssociationRow> {
    const row = await repo.findByCode(code, trx);
    if (!row) throw new NotFoundError('Không tìm thấy hội với mã này.');
    return row;
  }

  /** Apply a change to a record at `expectedVersion`; 409 with the current record when someone saved first. */
  async function versionedWrite(
    actor: Actor,
    code: string,
    expectedVersion: number,
    action: string,
    source: string,
    reason: string | null,
    write: (trx: Knex, row: AssociationRow, at: Date) => Promise<AssociationRow | null>,
    outer?: Knex.Transaction,
  ): Promise<AssociationRow> {
    const at = clock.now();
    try {
      // Inside a caller's transaction (e.g. a submission's approval) this is a savepoint: one commit for both.
      return await (outer ?? db).transaction(async (trx) => {
        const row = await requireRecord(code, trx);
        const updated = row.version === expectedVersion ? await write(trx, row, at) : null;
        if (!updated) throw new StaleVersionError({ code, version: row.version });
        await repo.insertVersion(trx, {
          associationId: row.id,
          version: updated.version,
          snapshot: await snapshot(trx, row.id),
          source,
          reason,
          actorId: actor.userId,
          at,
        });
        await audit.record(
          actor,
          { action, targetType: 'association', targetId: code, details: { version: updated.version, source } },
          trx,
        );
        return updated;
      });
    } catch (err) {
      return translateUnique(err);
    }
  }

  return {
    catalogueOptions,
    codesOf,
    display,

    async create(actor: Actor, input: AssociationInput, reason: string | null): Promise<AssociationRow> {
      const at = clock.now();
      try {
        return await db.transaction(async (trx) => {
          await resolve(input, null, trx);
          const code = await repo.nextCode(trx);
          const row = await repo.insert(trx, code, input.record, actor.userId, at);
          await writeLists(trx, row.id, input, true);
          await repo.insertVersion(trx, {
            associationId: row.id,
            version: 1,
            snapshot: await snapshot(trx, row.id),
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
     * the caller's transaction, so the record's new version commits together with the caller's own rows.
     */
    update(
      actor: Actor,
      code: string,
      input: AssociationInput,
      expectedVersion: number,
      reason: string | null,
      source = 'edit',
      outer?: Knex.Transaction,
    ): Promise<AssociationRow> {
      return versionedWrite(
        actor,
        code,
        expectedVersion,
        'association.update',
        source,
        reason,
        async (trx, row, at) => {
          await resolve(input, row.id, trx);
          const updated = await repo.updateIfVersion(trx, row.id, expectedVersion, pick(input.record), actor.userId, at);
          if (updated) await writeLists(trx, row.id, input);
          return updated;
        },
        outer,
      );
    },

    /**
     * The database checks of `resolve` for many inputs at once (bulk import, R-8.2): one query per kind of check
     * instead of one per record. Mutates the inputs like `resolve` (related ids, default ministry) and returns the
     * errors of each item by its index. Names clashing between items of the same batch are reported too.
     */
    async resolveMany(
      items: ReadonlyArray<{ input: AssociationInput; selfId: number | null }>,
      trx: Knex = db,
    ): Promise<Map<number, Record<string, string>>> {
      const errorsOf = new Map<number, Record<string, string>>();
      const fail = (i: number, key: string, message: string) => {
        const e = errorsOf.get(i) ?? {};
        e[key] ??= message;
        errorsOf.set(i, e);
      };
      const codes = new Set<string>();
      for (const { input } of items)
        for (const d of input.lists.decisions ?? [])
          if (typeof d.related_association_code === 'string' && d.related_association_code)
            codes.add(d.related_association_code.toUpperCase());
      const ids = new Map<string, number>();
      const codeList = [...codes];
      for (let i = 0; i < codeList.length; i += 5000)
        for (const [c, id] of await repo.idsForCodes(codeList.slice(i, i + 5000), trx)) ids.set(c, id);
      const defaults = new Map<string, string | null>(
        (
          (await trx('fields').select('code', 'default_ministry_code')) as Array<{ code: string; default_ministry_code: string | null }>
        ).map((f) => [f.code, f.default_ministry_code]),
      );
      const liveNames = new Map<string, number[]>();
      items.forEach(({ input, selfId }, i) => {
        (input.lists.decisions ?? []).forEach((d, j) => {
          const code = typeof d.related_association_code === 'string' ? d.related_association_code.toUpperCase() : '';
          d.related_association_id = null;
          if (!code) return;
          const id = ids.get(code);
          if (!id)
            fail(
              i,
              `decisions.${j}.related_association_code`,
              `Quyết định và sự kiện pháp lý, dòng ${j + 1}: không có hội mang mã ${code}.`,
            );
          else if (id === selfId)
            fail(
              i,
              `decisions.${j}.related_association_code`,
              `Quyết định và sự kiện pháp lý, dòng ${j + 1}: hội liên quan phải là một hội khác.`,
            );
          else d.related_association_id = id;
        });
        if (!input.record.managing_ministry_code && input.record.main_field_code)
          input.record.managing_ministry_code = defaults.get(String(input.record.main_field_code)) ?? null;
        const name = String(input.record.name ?? '').toLowerCase();
        if (LIVE.has(String(input.record.status)) && name) liveNames.set(name, [...(liveNames.get(name) ?? []), i]);
      });
      for (const indexes of liveNames.values())
        for (const i of indexes.slice(1)) fail(i, 'name', 'Tên hội trùng với một hội đang hoạt động ở dòng khác của tệp.');
      const names = [...liveNames.keys()];
      for (let k = 0; k < names.length; k += 2000) {
        const clashes = (await trx('associations')
          .whereRaw(
            `lower(name) IN (${names
              .slice(k, k + 2000)
              .map(() => '?')
              .join(',')})`,
            names.slice(k, k + 2000),
          )
          .whereIn('status', [...LIVE])
          .select('id', 'code', trx.raw('lower(name) AS lname'))) as Array<{ id: number; code: string; lname: string }>;
        for (const c of clashes)
          for (const i of liveNames.get(c.lname) ?? [])
            if (items[i]?.selfId !== c.id) fail(i, 'name', `Tên hội đã được dùng cho một hội đang hoạt động (mã ${c.code}).`);
      }
      return errorsOf;
    },

    /**
     * Bulk writes of an import inside the caller's transaction: new records get codes, rows, sub-lists,
     * version 1 and an audit row; changed records are updated at their expected version (409 otherwise) with a new
     * version. Every version carries `source` (e.g. `import:12`). Inputs must have gone through `resolveMany`.
     */
    async importWrite(
      trx: Knex,
      actor: Actor,
      items: {
        creates: readonly AssociationInput[];
        updates: ReadonlyArray<{ id: number; code: string; version: number; input: AssociationInput }>;
      },
      source: string,
      reason: string | null,
    ): Promise<{ created: string[]; updated: string[] }> {
      const at = clock.now();
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
      const written: Array<{ id: number; code: string; version: number; action: string }> = rows.map((r) => ({
        id: r.id,
        code: r.code,
        version: 1,
        action: 'association.create',
      }));
      for (const u of items.updates) {
        const updated = await repo.updateIfVersion(trx, u.id, u.version, pick(u.input.record), actor.userId, at);
        if (!updated) throw new StaleVersionError({ code: u.code, version: u.version });
        await writeLists(trx, u.id, u.input);
        written.push({ id: u.id, code: u.code, version: updated.version, action: 'association.update' });
      }
      // Snapshots: new records from the rows the insert returned (their sub-lists read back only where written).
      const snapshots = await repo.loadFullMany(
        rows.map((r) => r.id),
        trx,
        {
          records: rows,
          lists: new Set(SUBLISTS.filter((d) => items.creates.some((c) => (c.lists[d.name] ?? []).length > 0)).map((d) => d.name)),
          otherFields: items.creates.some((c) => c.other_field_codes.length > 0),
        },
      );
      for (const [id, full] of await repo.loadFullMany(
        items.updates.map((u) => u.id),
        trx,
      ))
        snapshots.set(id, full);
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
      );
      await audit.recordMany(
        actor,
        written.map((w) => ({ action: w.action, targetType: 'association', targetId: w.code, details: { version: w.version, source } })),
        trx,
      );
      return { created: rows.map((r) => r.code), updated: items.updates.map((u) => u.code) };
    },

    setPublished(actor: Actor, code: string, published: boolean, expectedVersion: number): Promise<AssociationRow> {
      return versionedWrite(
        actor,
        code,
        expectedVersion,
        published ? 'association.publish' : 'association.unpublish',
        'publish',
        published ? 'Công khai' : 'Thôi công khai',
        (trx, row, at) => repo.updateIfVersion(trx, row.id, expectedVersion, { published }, actor.userId, at),
      );
    },

    /** the record was checked against the paper dossier, by whom and when. */
    markPaperChecked(actor: Actor, code: string, expectedVersion: number, dossierRef: string | null): Promise<AssociationRow> {
      return versionedWrite(
        actor,
        code,
        expectedVersion,
        'association.paper_check',
        'paper_check',
        'Đối chiếu với hồ sơ giấy',
        (trx, row, at) =>
          repo.updateIfVersion(
            trx,
            row.id,
            expectedVersion,
            { paper_checked_at: at, paper_checked_by: actor.userId, ...(dossierRef ? { paper_dossier_ref: dossierRef } : {}) },
            actor.userId,
            at,
          ),
      );
    },

    async get(
      code: string,
    ): Promise<
      FullRecord & { term: ReturnType<typeof termInfo>; paperCheckedBy: string | null; createdBy: string | null; updatedBy: string | null }
    > {
      const row = await requireRecord(code);
      const full = await repo.loadFull(row.id);
      if (!full) throw new NotFoundError();
      const term = termInfo((full.lists.congresses ?? []) as never, (full.lists.extensions ?? []) as never, vietnamToday(clock.now()));
      return {
        ...full,
        term,
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

    async history(code: string) {
      const row = await requireRecord(code);
      return { record: row, versions: await repo.versions(row.id) };
    },

    /** Field-by-field differences between two saved versions (any order). */
    async diff(code: string, from: number, to: number): Promise<{ record: AssociationRow; from: number; to: number; diff: Diff }> {
      const row = await requireRecord(code);
      const [a, b] = await Promise.all([repo.version(row.id, from), repo.version(row.id, to)]);
      if (!a || !b) throw new NotFoundError('Không tìm thấy phiên bản được yêu cầu.');
      return { record: row, from, to, diff: diffSnapshots(a.snapshot, b.snapshot, await catalogueOptions()) };
    },

    diffSnapshots: (a: FullRecord, b: FullRecord, options: CatalogueOptions) => diffSnapshots(a, b, options),
  };

  function diffSnapshots(a: FullRecord, b: FullRecord, options: CatalogueOptions): Diff {
    const fields: FieldChange[] = [];
    const ra = a.record as Record<string, unknown>;
    const rb = b.record as Record<string, unknown>;
    for (const g of GROUPS) {
      for (const def of g.fields) {
        const key = def.type === 'multiselect' ? 'other_field_codes' : def.name;
        const before = display(def, ra[key], options);
        const after = display(def, rb[key], options);
        if (before !== after) fields.push({ key: def.name, label: def.label, before, after });
      }
    }
    const extra: Array<[string, string, (v: unknown) => string]> = [
      ['published', 'Công khai trên cổng thông tin', (v) => (v ? 'Có' : 'Không')],
      [
        'paper_checked_at',
        'Đối chiếu hồ sơ giấy lần cuối',
        (v) => (v ? new Date(String(v)).toLocaleString('vi-VN', { timeZone: 'Asia/Ho_Chi_Minh' }) : ''),
      ],
    ];
    for (const [key, label, fmt] of extra) {
      if (fmt(ra[key]) !== fmt(rb[key])) fields.push({ key, label, before: fmt(ra[key]), after: fmt(rb[key]) });
    }
    const lists: ListChange[] = [];
    for (const def of SUBLISTS) {
      const rowsA = (a.lists[def.name] ?? []) as Array<Record<string, unknown>>;
      const rowsB = (b.lists[def.name] ?? []) as Array<Record<string, unknown>>;
      const byId = new Map(rowsA.map((r) => [r.id, r]));
      const label = (r: Record<string, unknown>) =>
        def.fields
          .slice(0, 3)
          .map((f) => display(f, r[f.name], options))
          .filter(Boolean)
          .join(' — ');
      for (const rb2 of rowsB) {
        const ra2 = byId.get(rb2.id);
        if (!ra2) {
          lists.push({
            key: `${def.name}.${String(rb2.id)}`,
            title: def.title,
            kind: 'added',
            row: label(rb2),
            changes: def.fields
              .map((f) => ({ label: f.label, before: '', after: display(f, rb2[f.name], options) }))
              .filter((c) => c.after),
          });
          continue;
        }
        byId.delete(rb2.id);
        const changes = def.fields
          .map((f) => ({ label: f.label, before: display(f, ra2[f.name], options), after: display(f, rb2[f.name], options) }))
          .filter((c) => c.before !== c.after);
        if (changes.length)
          lists.push({ key: `${def.name}.${String(rb2.id)}`, title: def.title, kind: 'changed', row: label(rb2), changes });
      }
      for (const gone of byId.values()) {
        lists.push({
          key: `${def.name}.${String(gone.id)}`,
          title: def.title,
          kind: 'removed',
          row: label(gone),
          changes: def.fields
            .map((f) => ({ label: f.label, before: display(f, gone[f.name], options), after: '' }))
            .filter((c) => c.before),
        });
      }
    }
    return { fields, lists };
  }
}

function pick(record: AssociationInput['record']): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const g of GROUPS) for (const f of g.fields) if (f.type !== 'multiselect' && f.name in record) out[f.name] = record[f.name];
  return out;
}

export type AssociationsService = ReturnType<typeof createAssociationsService>;
