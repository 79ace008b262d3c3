/**
 * SQL of the in-process public search index (Knex only): the published associations in the narrow form the index
 * keeps, the associations changed since a snapshot (table public_changes, migration 20261231000100), the shown
 * catalogues, and the database's own text functions for queries the app cannot fold by itself.
 */
import type { Knex } from 'knex';
import { vietnamToday } from '../../../lib/format.js';
import { withheldSql } from '../../withholdings/withholdings.repository.js';

/** One published association as the index keeps it; the text columns are the database's own (same functions as SQL search). */
export interface IndexRow {
  id: number;
  code: string;
  name: string;
  /** lower(name) */
  name_lower: string;
  /** f_unaccent(name) (stored column) */
  name_unaccent: string;
  abbreviation: string | null;
  /** f_unaccent(coalesce(abbreviation, '')) (stored column) */
  abbreviation_unaccent: string;
  /** lower(coalesce(abbreviation, '')) */
  abbreviation_lower: string;
  /** cardinality(show_trgm(f_unaccent(name))) (stored column) */
  name_trigrams: number;
  /** the lexemes of the stored name_tsv */
  lexemes: string[];
  scope: string;
  status: string | null;
  main_field_code: string | null;
  hq_province_code: string | null;
  other_fields: string[];
  /** Time of the latest saved version (the list's quarterly update badge). */
  updated_at: Date;
}

export interface IndexCatalogues {
  fields: Array<{ code: string; name: string }>;
  provinces: Array<{ code: string; name: string; successor_code: string | null }>;
  statuses: Array<{ code: string; name: string }>;
}

/** Collations whose order of text is the order of code points, as the index sorts names and codes. */
const CODE_POINT_COLLATIONS = new Set(['C', 'POSIX', 'C.UTF-8', 'C.utf8', 'ucs_basic']);

/** `today`: the Vietnamese calendar day (yyyy-mm-dd) on which withholdings are in force (as createPublicRepository). */
export function createIndexRepository(db: Knex, today: () => string = () => vietnamToday(new Date())) {
  function rowsWhere(where: string, bindings: readonly Knex.RawBinding[]): Promise<IndexRow[]> {
    return db
      .raw<{ rows: IndexRow[] }>(
        // A field withheld from the public (issue 16 item 1) is indexed as empty: it neither finds nor files the record.
        `SELECT a.id::int AS id, a.code, a.name, lower(a.name) AS name_lower, a.name_unaccent,
                CASE WHEN h.abbreviation THEN NULL ELSE a.abbreviation END AS abbreviation,
                CASE WHEN h.abbreviation THEN '' ELSE a.abbreviation_unaccent END AS abbreviation_unaccent,
                CASE WHEN h.abbreviation THEN '' ELSE lower(coalesce(a.abbreviation, '')) END AS abbreviation_lower, a.name_trigrams,
                tsvector_to_array(a.name_tsv) AS lexemes, a.scope, a.status,
                CASE WHEN h.main_field_code THEN NULL ELSE a.main_field_code END AS main_field_code,
                CASE WHEN h.hq_province_code THEN NULL ELSE a.hq_province_code END AS hq_province_code, a.updated_at,
                CASE WHEN h.other_field_codes THEN '{}' ELSE
                coalesce((SELECT array_agg(o.field_code ORDER BY o.field_code) FROM association_other_fields o
                           WHERE o.association_id = a.id), '{}') END AS other_fields
           FROM associations a
          CROSS JOIN LATERAL (SELECT ${withheldSql('abbreviation')} AS abbreviation, ${withheldSql('main_field_code')} AS main_field_code,
                                     ${withheldSql('hq_province_code')} AS hq_province_code,
                                     ${withheldSql('other_field_codes')} AS other_field_codes) h
          WHERE a.published AND ${where}`,
        [today(), today(), today(), today(), ...bindings],
      )
      .then((r) => r.rows);
  }

  return {
    /** The snapshot's xmin (as text): a later look for changes starts from it. */
    async snapshotXmin(): Promise<string> {
      const r = await db.raw<{ rows: Array<{ xmin: string }> }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS xmin');
      return String(r.rows[0]?.xmin);
    },

    /** Every published association, in batches of `batch` by id (the whole set never sits in memory twice). */
    async *all(batch = 5000): AsyncGenerator<IndexRow[]> {
      let after = 0;
      for (;;) {
        const rows = await rowsWhere('a.id > ? ORDER BY a.id LIMIT ?', [after, batch]);
        if (rows.length === 0) return;
        yield rows;
        after = Number(rows[rows.length - 1]?.id);
      }
    },

    /** These associations when published (an unpublished or deleted one is simply absent). */
    byIds(ids: readonly number[]): Promise<IndexRow[]> {
      if (ids.length === 0) return Promise.resolve([]);
      return rowsWhere('a.id = ANY(?::bigint[])', [[...ids]]);
    },

    /**
     * Associations changed by transactions with an id at least `xmin` (the xmin of the previous look), and the xmin of
     * this look's snapshot, read first.
     */
    async changedSince(xmin: string): Promise<{ ids: number[]; xmin: string }> {
      const next = await this.snapshotXmin();
      const r = await db.raw<{ rows: Array<{ id: number }> }>(
        'SELECT DISTINCT association_id::int AS id FROM public_changes WHERE xid >= ?::xid8',
        [xmin],
      );
      return { ids: r.rows.map((x) => Number(x.id)), xmin: next };
    },

    /** The Vietnamese calendar day the rows are read for (withholdings in force on it). */
    today,

    /**
     * Associations with a withholding whose last day is on or after `from` and before `to` (yyyy-mm-dd): on a new day,
     * the records whose withheld field became public again (nothing was written, so no change row names them).
     */
    async withholdingsEnded(from: string, to: string): Promise<number[]> {
      const r = await db.raw<{ rows: Array<{ id: number }> }>(
        'SELECT DISTINCT association_id::int AS id FROM field_withholdings WHERE until >= ?::date AND until < ?::date',
        [from, to],
      );
      return r.rows.map((x) => Number(x.id));
    },

    /** Drops change rows older than `minutes` (every reader does it now and then; a reader further behind reloads all). */
    async pruneChanges(minutes: number): Promise<void> {
      await db.raw('DELETE FROM public_changes WHERE at < now() - make_interval(mins => ?)', [minutes]);
    },

    async catalogues(): Promise<IndexCatalogues> {
      const [fields, provinces, statuses] = await Promise.all([
        db('fields').select('code', 'name'),
        db('provinces').select('code', 'name', 'successor_code'),
        db('statuses').select('code', 'name'),
      ]);
      return { fields, provinces, statuses };
    },

    /** Whether names and codes sort in code-point order in this database (the index sorts them so). */
    async codePointCollation(): Promise<boolean> {
      const r = await db.raw<{ rows: Array<{ c: string }> }>(
        "SELECT coalesce((SELECT collcollate FROM pg_collation c JOIN pg_attribute t ON t.attcollation = c.oid WHERE t.attrelid = 'associations'::regclass AND t.attname = 'name' AND c.collname <> 'default'), (SELECT datcollate FROM pg_database WHERE datname = current_database())) AS c",
      );
      return CODE_POINT_COLLATIONS.has(String(r.rows[0]?.c));
    },

    /** f_unaccent and lower of each character, for the table of characters the app folds itself. */
    async foldCharacters(chars: readonly string[]): Promise<Array<{ c: string; folded: string; lowered: string }>> {
      const r = await db.raw<{ rows: Array<{ c: string; folded: string; lowered: string }> }>(
        'SELECT c, f_unaccent(c) AS folded, lower(c) AS lowered FROM unnest(?::text[]) AS c',
        [[...chars]],
      );
      return r.rows;
    },

    /** The database's folding, lower case and lexemes of a query (for characters the app does not fold itself). */
    async queryText(q: string, maxWords: number): Promise<{ folded: string; lowered: string; lexemes: string[] }> {
      const r = await db.raw<{ rows: Array<{ folded: string; lowered: string; lexemes: string[] | null }> }>(
        `SELECT f_unaccent(?) AS folded, lower(?) AS lowered,
                array(SELECT t.lexeme FROM unnest(to_tsvector('simple', f_unaccent(?))) AS t ORDER BY t.positions[1] LIMIT ?) AS lexemes`,
        [q, q, q, maxWords],
      );
      const row = r.rows[0];
      return { folded: String(row?.folded ?? ''), lowered: String(row?.lowered ?? ''), lexemes: row?.lexemes ?? [] };
    },
  };
}

export type IndexRepository = ReturnType<typeof createIndexRepository>;
