/** SQL for association records (Knex only). Callers pass a transaction for every write. */
import type { Knex } from 'knex';
import { recomputeQuality } from '../quality/quality.repository.js';
import { RECORD_COLUMNS, SUBLISTS, type SubListDef } from '../register-form/definition.js';
import type { RecordSnapshot } from '../register-form/diff.js';
import type { ListRow, ScalarValue } from '../register-form/schema.js';
import { createRegisterListRepository } from './register-list.repository.js';
import { LIVE_STATUSES } from './statuses.js';

export interface AssociationRow {
  id: number;
  code: string;
  name: string;
  abbreviation: string | null;
  status: string;
  scope: string;
  main_field_code: string;
  managing_ministry_code: string | null;
  hq_province_code: string | null;
  data_level: 'raw' | 'basic' | 'advanced';
  published: boolean;
  paper_dossier_ref: string | null;
  paper_checked_at: Date | null;
  paper_checked_by: number | null;
  version: number;
  created_at: Date;
  created_by: number | null;
  updated_at: Date;
  updated_by: number | null;
  [column: string]: unknown;
}

/** A record with its sub-lists (Biểu mẫu 1's snapshot of a stored association). */
export interface FullRecord extends RecordSnapshot {
  record: AssociationRow & { other_field_codes: string[] };
}

/** Statuses of a live association: its name may not be used by another live one (one definition: statuses.ts). */
export { LIVE_STATUSES };

/** A record as a bulk import's natural key finds it. */
export interface NaturalKeyRow {
  id: number;
  code: string;
  scope: string;
  lname: string;
}

interface VersionInsert {
  associationId: number;
  version: number;
  snapshot: unknown;
  source: string;
  reason: string | null;
  actorId: number | null;
  at: Date;
}

function versionRow(v: VersionInsert) {
  return {
    association_id: v.associationId,
    version: v.version,
    snapshot: JSON.stringify(v.snapshot),
    source: v.source,
    reason: v.reason,
    created_by: v.actorId,
    created_at: v.at,
  };
}

/** A sub-list's rows of some associations in the record page's order (decisions with their related association). */
function listRowsQuery(trx: Knex, def: SubListDef, associationIds: readonly number[]): Knex.QueryBuilder {
  const q = trx(`${def.table} as t`)
    .whereIn('t.association_id', [...associationIds])
    .select('t.*');
  if (def.table === 'decisions') {
    q.leftJoin('associations as r', 'r.id', 't.related_association_id').select(
      'r.code as related_association_code',
      'r.name as related_association_name',
    );
  }
  for (const col of def.orderBy) q.orderByRaw(`t.${col} ASC NULLS FIRST`);
  return q.orderBy('t.id');
}

export type { ListCursor, ListFilters, ListItem, ListPage, SortKey } from './register-list.repository.js';
export { COUNT_CAP, decodeCursor, encodeCursor, SORTS } from './register-list.repository.js';

export function createAssociationsRepository(db: Knex) {
  const registerList = createRegisterListRepository(db);
  return {
    ...recordWrites(),
    ...bulkWrites(db),
    ...recordReads(db),
    ...registerChecks(db),
    /** A page of the staff register list (register-list.repository.ts). */
    list: registerList.list,
    /** The list's export: every match's id in list order, then the rows a chunk at a time. */
    listMatchingIds: registerList.matchingIds,
    listExportRows: registerList.exportRows,
  };
}

/** One record's writes, inside the caller's transaction. */
function recordWrites() {
  return {
    async nextCode(trx: Knex): Promise<string> {
      const res = await trx.raw<{ rows: Array<{ n: number }> }>("SELECT nextval('association_code_seq')::int AS n");
      const n = res.rows[0]?.n ?? 0;
      return `H${String(n).padStart(6, '0')}`;
    },

    async insert(trx: Knex, code: string, record: Record<string, ScalarValue>, actorId: number | null, at: Date): Promise<AssociationRow> {
      const [row] = await trx<AssociationRow>('associations')
        .insert({ ...pickColumns(record), code, version: 1, created_by: actorId, updated_by: actorId, created_at: at, updated_at: at })
        .returning('*');
      if (!row) throw new Error('insert returned no row');
      return row;
    },

    /** Optimistic locking: the update happens only if the row is still at `expectedVersion`. */
    async updateIfVersion(
      trx: Knex,
      id: number,
      expectedVersion: number,
      patch: Record<string, unknown>,
      actorId: number | null,
      at: Date,
    ): Promise<AssociationRow | null> {
      const [row] = await trx<AssociationRow>('associations')
        .where({ id, version: expectedVersion })
        .update({ ...patch, version: expectedVersion + 1, updated_by: actorId, updated_at: at })
        .returning('*');
      return row ?? null;
    },

    /** `fresh`: the record was just inserted, so there is nothing to delete first. */
    async replaceOtherFields(trx: Knex, id: number, codes: readonly string[], fresh = false): Promise<void> {
      if (!fresh) await trx('association_other_fields').where({ association_id: id }).delete();
      if (codes.length) await trx('association_other_fields').insert(codes.map((field_code) => ({ association_id: id, field_code })));
    },

    /**
     * Bring a sub-list to the posted rows: rows posted with an id are updated (only if they belong to this
     * association), rows of the association not posted are deleted, rows without id are inserted.
     */
    async syncList(trx: Knex, def: SubListDef, associationId: number, rows: ListRow[], fresh = false): Promise<void> {
      const keep = rows.filter((r) => r.id !== undefined).map((r) => r.id as number);
      if (!fresh)
        await trx(def.table)
          .where({ association_id: associationId })
          .modify((q) => {
            if (keep.length) q.whereNotIn('id', keep);
          })
          .delete();
      const added: Array<Record<string, ScalarValue>> = [];
      for (const row of rows) {
        const values = listColumns(def, row);
        if (row.id !== undefined) {
          await trx(def.table).where({ id: row.id, association_id: associationId }).update(values);
        } else {
          added.push({ ...values, association_id: associationId });
        }
      }
      // New rows in one statement, in the posted order (ids follow it).
      if (added.length) await trx(def.table).insert(added);
    },

    async insertVersion(trx: Knex, v: VersionInsert): Promise<void> {
      await trx('association_versions').insert(versionRow(v));
      // Issue 16 item 4: the record's data-quality score, in the same transaction as its new version.
      await recomputeQuality(trx, [v.associationId], v.at);
    },
  };
}

/** Many records at once (bulk import), in chunks under PostgreSQL's bind-parameter limit. */
function bulkWrites(db: Knex) {
  return {
    /** `count` new register codes in one round trip (bulk import). */
    async nextCodes(trx: Knex, count: number): Promise<string[]> {
      if (count <= 0) return [];
      const res = await trx.raw<{ rows: Array<{ n: number }> }>(
        "SELECT nextval('association_code_seq')::int AS n FROM generate_series(1, ?::int) ORDER BY 1",
        [count],
      );
      return res.rows.map((r) => `H${String(r.n).padStart(6, '0')}`);
    },

    /** Insert many records at version 1 (bulk import); returns the rows in the order given. */
    async insertMany(
      trx: Knex,
      items: ReadonlyArray<{ code: string; record: Record<string, ScalarValue> }>,
      actorId: number | null,
      at: Date,
    ): Promise<AssociationRow[]> {
      const out: AssociationRow[] = [];
      // ~50 columns a row: 400 rows stay well under PostgreSQL's 65,535 bind parameters.
      for (let i = 0; i < items.length; i += 400) {
        const chunk = items.slice(i, i + 400);
        const rows = await trx<AssociationRow>('associations')
          .insert(
            chunk.map(({ code, record }) => {
              // Every column on every row (a multi-row insert needs the same keys), built without spreads.
              const row: Record<string, unknown> = {};
              for (const col of RECORD_COLUMNS) row[col] = record[col] ?? null;
              row.code = code;
              row.version = 1;
              row.created_by = actorId;
              row.updated_by = actorId;
              row.created_at = at;
              row.updated_at = at;
              return row;
            }),
          )
          .returning('*');
        const byCode = new Map(rows.map((r) => [r.code, r]));
        for (const { code } of chunk) out.push(byCode.get(code) as AssociationRow);
      }
      return out;
    },

    /** New sub-list rows and other fields of freshly inserted records, one statement per table and chunk. */
    async insertListsMany(
      trx: Knex,
      items: ReadonlyArray<{ id: number; otherFieldCodes: readonly string[]; lists: Record<string, ListRow[]> }>,
    ): Promise<void> {
      const other = items.flatMap((it) => it.otherFieldCodes.map((field_code) => ({ association_id: it.id, field_code })));
      for (let i = 0; i < other.length; i += 5000) await trx('association_other_fields').insert(other.slice(i, i + 5000));
      for (const def of SUBLISTS) {
        const rows = items.flatMap((it) => (it.lists[def.name] ?? []).map((r) => ({ ...listColumns(def, r), association_id: it.id })));
        const per = Math.max(1, Math.floor(30_000 / (def.fields.length + 2)));
        for (let i = 0; i < rows.length; i += per) await trx(def.table).insert(rows.slice(i, i + per));
      }
    },

    /** loadFull for many records in one query per table (bulk import snapshots and comparisons). */
    async loadFullMany(
      ids: readonly number[],
      trx: Knex = db,
      /** Rows just returned by an insert (not read again) and the only tables that can hold rows for them. */
      known?: { records: readonly AssociationRow[]; lists: ReadonlySet<string>; otherFields: boolean },
    ): Promise<Map<number, FullRecord>> {
      const out = new Map<number, FullRecord>();
      const knownById = new Map((known?.records ?? []).map((r) => [r.id, r]));
      for (let i = 0; i < ids.length; i += 2000) {
        const chunk = ids.slice(i, i + 2000);
        const records = known
          ? chunk.map((id) => knownById.get(id) as AssociationRow)
          : await trx<AssociationRow>('associations').whereIn('id', chunk);
        const other =
          known && !known.otherFields
            ? []
            : await trx('association_other_fields')
                .whereIn('association_id', chunk)
                .orderBy(['association_id', 'field_code'])
                .select('association_id', 'field_code');
        for (const r of records)
          out.set(r.id, { record: { ...r, other_field_codes: [] }, lists: Object.fromEntries(SUBLISTS.map((d) => [d.name, []])) });
        for (const o of other as Array<{ association_id: number; field_code: string }>)
          out.get(o.association_id)?.record.other_field_codes.push(o.field_code);
        for (const def of SUBLISTS) {
          if (known && !known.lists.has(def.name)) continue;
          const rows = (await listRowsQuery(trx, def, chunk)) as Array<Record<string, unknown>>;
          for (const row of rows) out.get(row.association_id as number)?.lists[def.name]?.push(row);
        }
      }
      return out;
    },

    /**
     * `quality: 'deferred'`: the caller recomputes the records' data-quality scores itself, later in the same
     * transaction (a bulk import's whole batch in one statement: recomputeQuality, about 3× cheaper than a statement
     * per chunk of 500).
     */
    async insertVersions(trx: Knex, versions: readonly VersionInsert[], quality: 'now' | 'deferred' = 'now'): Promise<void> {
      const rows = versions.map(versionRow);
      for (let i = 0; i < rows.length; i += 1000) await trx('association_versions').insert(rows.slice(i, i + 1000));
      // Issue 16 item 4: the records' data-quality scores, set-based, in the import's transaction.
      const first = versions[0];
      if (first && quality === 'now') await recomputeQuality(trx, [...new Set(versions.map((v) => v.associationId))], first.at);
    },
  };
}

/** Reads of records, their versions and their authors. */
function recordReads(db: Knex) {
  return {
    async idsForCodes(codes: readonly string[], trx: Knex = db): Promise<Map<string, number>> {
      if (!codes.length) return new Map();
      const rows = await trx('associations')
        .whereIn('code', [...codes])
        .select('id', 'code');
      return new Map(rows.map((r: { id: number; code: string }) => [r.code, r.id]));
    },

    /** Records by register code, and by lower-cased name (a bulk import's natural keys), in chunks. */
    async matchNaturalKeys(
      codes: readonly string[],
      lowerNames: readonly string[],
    ): Promise<{ byCode: NaturalKeyRow[]; byName: NaturalKeyRow[] }> {
      const columns = ['id', 'code', 'scope', db.raw('lower(name) AS lname')];
      const byCode: NaturalKeyRow[] = [];
      for (let i = 0; i < codes.length; i += 5000)
        byCode.push(
          ...(await db('associations')
            .whereIn('code', codes.slice(i, i + 5000))
            .select(columns)),
        );
      const byName: NaturalKeyRow[] = [];
      for (let i = 0; i < lowerNames.length; i += 2000) {
        const chunk = lowerNames.slice(i, i + 2000);
        byName.push(
          ...(await db('associations')
            .whereRaw(`lower(name) IN (${chunk.map(() => '?').join(',')})`, chunk)
            .select(columns)),
        );
      }
      return { byCode, byName };
    },

    findByCode(code: string, trx: Knex = db): Promise<AssociationRow | undefined> {
      return trx<AssociationRow>('associations').where({ code }).first();
    },

    /** The whole record with its sub-lists, in a stable order (used for pages, snapshots and diffs). */
    async loadFull(id: number, trx: Knex = db): Promise<FullRecord | null> {
      const record = await trx<AssociationRow>('associations').where({ id }).first();
      if (!record) return null;
      const other = await trx('association_other_fields').where({ association_id: id }).orderBy('field_code').pluck('field_code');
      const lists: FullRecord['lists'] = {};
      for (const def of SUBLISTS) lists[def.name] = await listRowsQuery(trx, def, [id]);
      return { record: { ...record, other_field_codes: other as string[] }, lists };
    },

    versions(
      associationId: number,
    ): Promise<Array<{ version: number; source: string; reason: string | null; created_at: Date; created_by_name: string | null }>> {
      return db('association_versions as v')
        .leftJoin('users as u', 'u.id', 'v.created_by')
        .where('v.association_id', associationId)
        .orderBy('v.version', 'desc')
        .select('v.version', 'v.source', 'v.reason', 'v.created_at', 'u.display_name as created_by_name');
    },

    async version(
      associationId: number,
      version: number,
    ): Promise<{ version: number; snapshot: FullRecord; created_at: Date; source: string; created_by_name: string | null } | undefined> {
      const row = await db('association_versions as v')
        .leftJoin('users as u', 'u.id', 'v.created_by')
        .where({ 'v.association_id': associationId, 'v.version': version })
        .select('v.version', 'v.snapshot', 'v.created_at', 'v.source', 'u.display_name as created_by_name')
        .first();
      if (!row) return undefined;
      return { ...row, snapshot: typeof row.snapshot === 'string' ? JSON.parse(row.snapshot) : row.snapshot };
    },

    userName(id: number | null): Promise<string | null> {
      if (id === null) return Promise.resolve(null);
      return db('users')
        .where({ id })
        .first('display_name')
        .then((r: { display_name: string } | undefined) => r?.display_name ?? null);
    },
  };
}

/** The register's checks that read other records: default ministries, live names in use. */
function registerChecks(db: Knex) {
  return {
    /** The default managing ministry of each field (FORM-1.md: each field has one). */
    async defaultMinistries(trx: Knex = db): Promise<Map<string, string | null>> {
      const rows = (await trx('fields').select('code', 'default_ministry_code')) as Array<{
        code: string;
        default_ministry_code: string | null;
      }>;
      return new Map(rows.map((f) => [f.code, f.default_ministry_code]));
    },

    async defaultMinistry(fieldCode: string, trx: Knex = db): Promise<string | null> {
      const field = await trx('fields').where({ code: fieldCode }).first('default_ministry_code');
      return field?.default_ministry_code ?? null;
    },

    /** A live association other than `selfId` with this name (case-insensitive), if any. */
    async liveNameHolder(name: string, selfId: number | null, trx: Knex = db): Promise<{ code: string } | undefined> {
      return trx('associations')
        .whereRaw('lower(name) = lower(?)', [name])
        .whereIn('status', [...LIVE_STATUSES])
        .modify((q) => {
          if (selfId !== null) q.whereNot('id', selfId);
        })
        .first('code');
    },

    /** Live associations holding any of these lower-cased names. */
    async liveNameHolders(lowerNames: readonly string[], trx: Knex = db): Promise<Array<{ id: number; code: string; lname: string }>> {
      const out: Array<{ id: number; code: string; lname: string }> = [];
      for (let k = 0; k < lowerNames.length; k += 2000) {
        const chunk = lowerNames.slice(k, k + 2000);
        out.push(
          ...((await trx('associations')
            .whereRaw(`lower(name) IN (${chunk.map(() => '?').join(',')})`, chunk)
            .whereIn('status', [...LIVE_STATUSES])
            .select('id', 'code', trx.raw('lower(name) AS lname'))) as Array<{ id: number; code: string; lname: string }>),
        );
      }
      return out;
    },
  };
}

function pickColumns(record: Record<string, ScalarValue>): Record<string, ScalarValue> {
  const out: Record<string, ScalarValue> = {};
  for (const col of RECORD_COLUMNS) if (col in record) out[col] = record[col] ?? null;
  return out;
}

function listColumns(def: SubListDef, row: ListRow): Record<string, ScalarValue> {
  const out: Record<string, ScalarValue> = {};
  for (const f of def.fields) {
    if (f.name === 'related_association_code') continue;
    out[f.name] = row[f.name] ?? null;
  }
  if (def.table === 'decisions') out.related_association_id = (row.related_association_id as number | null | undefined) ?? null;
  return out;
}

export type AssociationsRepository = ReturnType<typeof createAssociationsRepository>;
