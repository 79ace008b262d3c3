/**
 * Catalogue tables (Knex only). The table name always comes from CATALOGUE_KINDS, never from a request; each
 * function checks it again so a wrong name can never reach SQL.
 */
import type { Knex } from 'knex';
import { CATALOGUE_TABLES, type CatalogueTable } from './catalogue-kinds.js';

export interface CatalogueRow {
  code: string;
  name: string;
  /** The English name (issue 17 item 2), where there is one. */
  name_en: string | null;
  sort_order: number;
  /** 'YYYY-MM-DD' (DATE columns are returned as the calendar day, see src/db/knex.ts). */
  valid_from: string | null;
  valid_to: string | null;
  successor_code: string | null;
  note: string | null;
  /** Only in `fields`. */
  default_ministry_code?: string | null;
  updated_at: Date;
  updated_by: number | null;
}

/** The writable columns. */
export interface CatalogueValues {
  name: string;
  name_en?: string | null;
  sort_order: number;
  valid_from: string | null;
  valid_to: string | null;
  successor_code: string | null;
  note: string | null;
  default_ministry_code?: string | null;
}

export interface CatalogueCounts {
  current: number;
  expired: number;
  upcoming: number;
}

function checked(table: CatalogueTable): CatalogueTable {
  if (!(CATALOGUE_TABLES as readonly string[]).includes(table)) throw new Error(`Not a catalogue table: ${table}`);
  return table;
}

/** SQL for "in force on ?": no start or started, and no end or not yet ended. */
const CURRENT_SQL = '(valid_from IS NULL OR valid_from <= ?::date) AND (valid_to IS NULL OR valid_to >= ?::date)';

/**
 * Every entry's English name where it has one, keyed by its Vietnamese name (the first table listed wins on a tie),
 * in one statement: the catalogues feature's names for `tx` and the public pages' `localName` read it.
 */
export async function catalogueEnglishNames(db: Knex, tables: readonly CatalogueTable[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  if (tables.length === 0) return out;
  const parts = tables.map((table) => `SELECT name, name_en FROM ${checked(table)} WHERE name_en IS NOT NULL AND name_en <> ''`);
  const result = (await db.raw(parts.join(' UNION ALL '))) as { rows: Array<{ name: string; name_en: string }> };
  for (const r of result.rows) if (!out.has(r.name)) out.set(r.name, r.name_en);
  return out;
}

export function createCataloguesRepository(db: Knex) {
  return {
    /** Every entry, in force first (on `today`), then by order and name. */
    async list(table: CatalogueTable, today: string, trx: Knex = db): Promise<Array<CatalogueRow & { current: boolean }>> {
      return trx(checked(table))
        .select('*', trx.raw(`(${CURRENT_SQL}) AS current`, [today, today]))
        .orderByRaw(`(${CURRENT_SQL}) DESC, sort_order, name, code`, [today, today]);
    },

    /**
     * { code, name, current } of several catalogues in one query (one round trip instead of one per catalogue),
     * each in list()'s order; keyed by table.
     */
    async optionsOf(
      tables: readonly CatalogueTable[],
      today: string,
    ): Promise<Map<CatalogueTable, Array<{ code: string; name: string; current: boolean }>>> {
      const out = new Map<CatalogueTable, Array<{ code: string; name: string; current: boolean }>>(tables.map((t) => [t, []]));
      if (tables.length === 0) return out;
      const parts = tables.map(
        (table, i) => `SELECT ${i} AS catalogue, code, name, (${CURRENT_SQL}) AS current, sort_order FROM ${checked(table)}`,
      );
      const result = (await db.raw(
        `${parts.join(' UNION ALL ')} ORDER BY catalogue, current DESC, sort_order, name, code`,
        tables.flatMap(() => [today, today]),
      )) as { rows: Array<{ catalogue: number; code: string; name: string; current: boolean }> };
      for (const r of result.rows)
        out.get(tables[Number(r.catalogue)] as CatalogueTable)?.push({ code: r.code, name: r.name, current: Boolean(r.current) });
      return out;
    },

    englishNames: (tables: readonly CatalogueTable[]) => catalogueEnglishNames(db, tables),

    async find(table: CatalogueTable, code: string, trx: Knex = db): Promise<CatalogueRow | undefined> {
      return trx(checked(table)).where({ code }).first();
    },

    /** The stored code equal to `code` ignoring case ("abc" and "ABC" would be confusing twins). */
    async findCodeIgnoringCase(table: CatalogueTable, code: string, trx: Knex = db): Promise<string | undefined> {
      const row = await trx(checked(table)).whereRaw('lower(code) = lower(?)', [code]).first('code');
      return row?.code;
    },

    /** Lock the row for the rest of the transaction; returns it as it is now. */
    async findForUpdate(table: CatalogueTable, code: string, trx: Knex): Promise<CatalogueRow | undefined> {
      return trx(checked(table)).where({ code }).forUpdate().first();
    },

    async counts(table: CatalogueTable, today: string): Promise<CatalogueCounts> {
      const row = await db(checked(table))
        .select(
          db.raw(`count(*) FILTER (WHERE ${CURRENT_SQL})::int AS current`, [today, today]),
          db.raw('count(*) FILTER (WHERE valid_to < ?::date)::int AS expired', [today]),
          db.raw('count(*) FILTER (WHERE valid_from > ?::date AND (valid_to IS NULL OR valid_to >= ?::date))::int AS upcoming', [
            today,
            today,
          ]),
        )
        .first();
      return { current: Number(row?.current ?? 0), expired: Number(row?.expired ?? 0), upcoming: Number(row?.upcoming ?? 0) };
    },

    async nextSortOrder(table: CatalogueTable, trx: Knex = db): Promise<number> {
      const row = await trx(checked(table)).max({ max: 'sort_order' }).first();
      return Number(row?.max ?? 0) + 1;
    },

    async insert(
      table: CatalogueTable,
      code: string,
      values: CatalogueValues,
      updatedBy: number | null,
      now: Date,
      trx: Knex,
    ): Promise<CatalogueRow> {
      const [row] = await trx(checked(table))
        .insert({ code, ...values, updated_by: updatedBy, updated_at: now })
        .returning('*');
      return row as CatalogueRow;
    },

    async update(
      table: CatalogueTable,
      code: string,
      values: Partial<CatalogueValues>,
      updatedBy: number | null,
      now: Date,
      trx: Knex,
    ): Promise<CatalogueRow> {
      const [row] = await trx(checked(table))
        .where({ code })
        .update({ ...values, updated_by: updatedBy, updated_at: now })
        .returning('*');
      return row as CatalogueRow;
    },
  };
}

export type CataloguesRepository = ReturnType<typeof createCataloguesRepository>;
