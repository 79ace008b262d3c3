/**
 * SQL of the public pages and open data (Knex only). Every query here is limited to PUBLISHED associations and
 * selects only the columns the public-field setting can show (public-fields.ts): leaders' personal data and
 * internal columns are never read.
 *
 * Search (SPEC §5, §7), by the name searches' one rule (src/lib/search-terms.ts): diacritics and case ignored
 * through f_unaccent (which also folds đ/Đ to d). A match is a name where every word of the query begins a word (full
 * text: the stored tsvector name_tsv of f_unaccent(name), 'simple' configuration, GIN index, prefix tsquery built from
 * the database's own lexemes of the query), an abbreviation containing the query, or the code. Only when that finds
 * nothing (with the same filters), typos are tolerated: each word may also be a vocabulary word (3 letters or more)
 * one slip away (search_words, migration 20261231002400), the same tsquery with alternatives. Ranking: exact name or
 * code, accented substring, unaccented substring (or exact abbreviation), every word present at a word start, then
 * trigram similarity — computed for the 200 best candidates only (relevanceOrdered). Counts stop past COUNT_CAP.
 */
import type { Knex } from 'knex';
import { likeEscape, whereInProvince } from '../../db/filters.js';
import { createSearchTermsRepository } from '../../db/search-terms.repository.js';
import { vietnamToday } from '../../lib/format.js';
import { prefixTsquery } from '../../lib/search-terms.js';
import type { CatalogueTable } from '../catalogues/catalogue-kinds.js';
import { catalogueEnglishNames } from '../catalogues/catalogues.repository.js';
import { createProvinceReportsRepository } from '../reports/province-reports.repository.js';
import { withheldSql } from '../withholdings/withholdings.repository.js';
import { fixedCodeColumn, type PublicFieldDef, publicKey, RECORD_PUBLIC_FIELDS } from './public-fields.js';

export interface PublicFilters {
  q?: string;
  field?: string;
  scope?: string;
  province?: string;
}

export type PublicSort = 'phu-hop' | 'ten' | 'ma';

export interface PublicListItem {
  id: number;
  code: string;
  name: string;
  abbreviation: string | null;
  scope: string;
  status_name: string | null;
  field_name: string | null;
  province_name: string | null;
  /** Status code and time of the latest saved version: the quarterly update badge (quarterly-update.ts). */
  status: string | null;
  updated_at: Date;
}

/**
 * The columns of both regimes, before public-fields.ts projects them: the record's id and code, one column per
 * public field of the record (RECORD_PUBLIC_FIELDS: under its public key, a fixed-list code under its
 * fixedCodeColumn), then the sub-list-derived ones (founding_decision_number, founding_decision_date,
 * president_name, president_position).
 */
export interface PublicSourceRow {
  id: number;
  code: string;
  [column: string]: string | number | string[] | null;
}

export interface CountRow {
  code: string;
  name: string;
  count: number;
}

/** The counts of the public home and of /linh-vuc. */
export interface PublicSummary {
  /** Published associations. */
  total: number;
  /** Published associations per field, main or other (each once per field), in catalogue order; none at 0. */
  byField: CountRow[];
  /** Published associations per scope code; none at 0. */
  byScope: Array<{ scope: string; count: number }>;
}

/**
 * The summary parts are folded into one row per group once a read sees more than twice its groups plus this many
 * (as the report summaries do): a handful of record saves never trigger it, a bulk load does once.
 */
export const PUBLIC_SUMMARY_SLACK = 1000;

/** A public field of the record as a column of `a`, the associations row (see sourceSql). */
function recordColumn(def: PublicFieldDef): string {
  const key = publicKey(def);
  const options = def.options;
  if (def.type === 'multiselect') {
    if (!def.table || !options || !('catalogue' in options))
      throw new Error(`${def.name}: a public multiselect needs its table and catalogue`);
    return `ARRAY(SELECT c.name FROM ${def.table.name} o JOIN ${options.catalogue} c ON c.code = o.${def.table.column}
             WHERE o.association_id = a.id ORDER BY c.sort_order, c.name) AS ${key}`;
  }
  if (options && 'catalogue' in options) return `(SELECT c.name FROM ${options.catalogue} c WHERE c.code = a.${def.name}) AS ${key}`;
  if (options) return `a.${def.name} AS ${fixedCodeColumn(def)}`;
  return key === def.name ? `a.${def.name}` : `a.${def.name} AS ${key}`;
}

/** The record's own public columns, from Biểu mẫu 1's definition (register-form/definition.ts). */
const RECORD_COLUMNS_SQL = RECORD_PUBLIC_FIELDS.map(recordColumn).join(',\n      ');

/**
 * The public columns (PublicSourceRow) of the published associations that `where` (on `a`) selects, in one
 * statement. The record's own public fields come from the definition (recordColumn): a plain field as its column;
 * a catalogue code as the entry's name by a scalar subquery on the catalogue's key (as a LEFT JOIN would: null when
 * unset); a fixed-list code as stored (labelled by the service); a multiselect as its entries' names in catalogue
 * order (an ARRAY subquery on its table's primary key). The sub-list-derived columns are written here, as the
 * definition cannot say which row they come from: the founding decision, the earliest "cho phép thành lập" one
 * (signed_on, undated last, then id; index decisions (association_id, signed_on)); with `withPresident`, the current
 * president: a CT leader still in office, the latest elected (undated last, then the highest id; partial index
 * leaders_in_office_idx). Each part reads only the selected associations' own rows. Scalar subqueries rather than
 * six joins: PostgreSQL plans this in a quarter of the time (≈ 0.5 ms instead of ≈ 2 ms at 100,000 associations),
 * and planning, not execution, was most of a record page's database time.
 */
function sourceSql(where: string, withPresident: boolean, page = false): string {
  return `SELECT a.id, a.code,
      ${RECORD_COLUMNS_SQL},
      fd.number AS founding_decision_number, fd.signed_on AS founding_decision_date,
      ${withPresident ? 'pr.full_name' : 'NULL::text'} AS president_name,
      ${withPresident ? 'pr.position' : 'NULL::text'} AS president_position${
        // The record page also says when the record was last updated and whether its quarterly update is on time.
        page ? ',\n      a.status AS status_code, floor(extract(epoch FROM a.updated_at) * 1000)::float8 AS updated_ms' : ''
      }
    FROM associations a
    LEFT JOIN LATERAL (
      SELECT d.number, d.signed_on FROM decisions d
       WHERE d.association_id = a.id AND d.event_type = 'cho_phep_thanh_lap'
       ORDER BY d.signed_on ASC NULLS LAST, d.id LIMIT 1
    ) fd ON true${
      withPresident
        ? `
    LEFT JOIN LATERAL (
      SELECT l.full_name, (SELECT lp.name FROM leader_positions lp WHERE lp.code = l.position_code) AS position
        FROM leaders l
       WHERE l.association_id = a.id AND l.position_code = 'CT' AND l.left_on IS NULL
       ORDER BY l.elected_on DESC NULLS LAST, l.id DESC LIMIT 1
    ) pr ON true`
        : ''
    }
    WHERE a.published AND ${where}`;
}

const BY_CODE = sourceSql('a.code = ?', false, true);
const BY_CODE_WITH_PRESIDENT = sourceSql('a.code = ?', true, true);
const BY_IDS = sourceSql('a.id = ANY(?::int[])', false);
const BY_IDS_WITH_PRESIDENT = sourceSql('a.id = ANY(?::int[])', true);

/**
 * Beyond this many matches the list says "hơn 1.000" instead of counting them all (the count stops there);
 * pages still go on while there are rows.
 */
export const COUNT_CAP = 1000;

/** Matches of a search whose similarities are computed (stage 2 of the ranking): the first 10 pages. */
export const RANKED_CANDIDATES = 200;

/**
 * How a search is answered. `words`: the name has a word starting with each word of the query (full text, the
 * GIN index on name_tsv), or the abbreviation contains the query, or it is the code. `typo`: only when that finds
 * nothing (with the same filters), names whose words begin with each word of the query or are one slip away from it
 * (`nguoi cao tuoy`, `cuu chien bihn`), one word corrected first, then every word: `typoTsquery`, the same index.
 */
export interface SearchPlan {
  q: string;
  /** The prefix tsquery of the query's words; null when the query has no word (only punctuation: finds nothing). */
  tsquery: string | null;
  mode: 'words' | 'typo';
  /** Typo mode: the step's words with their alternatives one slip away (null: nothing more to find). */
  typoTsquery?: string | null;
}

/** Published associations matching the filters (the search condition included). */
function filtered(db: Knex, filters: PublicFilters, plan: SearchPlan | null, today: string): Knex.QueryBuilder {
  const base = db('associations as a').where('a.published', true);
  if (plan) {
    const { q, tsquery } = plan;
    if (plan.mode === 'typo') {
      if (plan.typoTsquery) base.whereRaw("a.name_tsv @@ to_tsquery('simple', ?)", [plan.typoTsquery]);
      else base.whereRaw('false');
    } else if (!tsquery) {
      // No letter or digit in the query (only punctuation): nothing to find, and no index could serve it.
      base.whereRaw('false');
    } else {
      base.where((w) =>
        w
          .whereRaw("a.name_tsv @@ to_tsquery('simple', ?)", [tsquery])
          .orWhereRaw(`a.abbreviation_unaccent LIKE '%' || f_unaccent(?) || '%' AND NOT ${withheldSql('abbreviation')}`, [
            likeEscape(q),
            today,
          ])
          .orWhere('a.code', q.toUpperCase()),
      );
    }
  }
  if (filters.field) {
    const field = filters.field;
    // A withheld field (issue 16 item 1) does not file the record under it.
    base.where((w) =>
      w
        .where((m) => m.where('a.main_field_code', field).andWhereRaw(`NOT ${withheldSql('main_field_code')}`, [today]))
        .orWhere((o) =>
          o
            .whereExists(db('association_other_fields as o').whereRaw('o.association_id = a.id').andWhere('o.field_code', field))
            .andWhereRaw(`NOT ${withheldSql('other_field_codes')}`, [today]),
        ),
    );
  }
  if (filters.scope) base.where('a.scope', filters.scope);
  if (filters.province) whereInProvince(db, base, filters.province).whereRaw(`NOT ${withheldSql('hq_province_code')}`, [today]);
  return base;
}

/**
 * Ranking class of a match: 0 exact name or code, 1 accented substring, 2 unaccented substring (or exact
 * abbreviation), 3 every word present at a word start, 4 the rest (abbreviation substring, typo). String tests on
 * stored columns: cheap.
 */
function classSql(plan: SearchPlan, today: string): { sql: string; bindings: string[] } {
  const { q, tsquery } = plan;
  return {
    sql: `CASE
           WHEN lower(a.name) = lower(?) OR a.code = ? THEN 0
           WHEN strpos(lower(a.name), lower(?)) > 0 THEN 1
           WHEN strpos(a.name_unaccent, f_unaccent(?)) > 0 OR (lower(coalesce(a.abbreviation, '')) = lower(?) AND NOT ${withheldSql('abbreviation')}) THEN 2
           WHEN ${tsquery ? "a.name_tsv @@ to_tsquery('simple', ?)" : 'false'} THEN 3
           ELSE 4
         END`,
    bindings: [q, q.toUpperCase(), q, q, q, today, ...(tsquery ? [tsquery] : [])],
  };
}

/**
 * The matches of a search in relevance order, in two stages. Stage 1 orders every match by class, then by the
 * number of trigrams of its name (fewest first), name and id — no similarity computed. Stage 2 takes the first
 * RANKED_CANDIDATES of that order and ranks them as before: class, word similarity, similarity, name, id. The
 * other matches follow in the stage-1 order. For a name holding every trigram of the query, similarity =
 * |query trigrams| / name trigrams, so stage 1 keeps the most similar ones of each class; the ranking of the
 * first pages is the full one, and similarities are computed for at most RANKED_CANDIDATES rows per search
 * instead of every match (1,700 for "nguoi cao tuoi" at 100,000 associations). The list and open data use this
 * same order.
 */
function relevanceOrdered(db: Knex, filters: PublicFilters, plan: SearchPlan, today: string, upTo?: number): Knex.QueryBuilder {
  const cls = classSql(plan, today);
  const matches = filtered(db, filters, plan, today).select(
    'a.id',
    'a.name',
    'a.name_unaccent',
    'a.name_trigrams',
    db.raw(`${cls.sql} AS rank_class`, cls.bindings),
    // Every match is read to rank them anyway: their number comes with them (computed before the LIMIT below).
    db.raw('count(*) OVER () AS match_count'),
  );
  // Only the first `upTo` rows are wanted: they are among the first max(upTo, RANKED_CANDIDATES) of stage 1,
  // which a bounded (top-N) sort finds without sorting every match.
  if (upTo !== undefined) {
    matches.orderBy(['rank_class', 'a.name_trigrams', 'a.name', 'a.id']).limit(Math.max(upTo, RANKED_CANDIDATES));
  }
  const staged = db
    .from(matches.as('m'))
    .select('m.*', db.raw('row_number() OVER (ORDER BY m.rank_class, m.name_trigrams, m.name, m.id) AS stage1'));
  return db
    .from(staged.as('x'))
    .orderByRaw('x.stage1 > ?', [RANKED_CANDIDATES])
    .orderBy('x.rank_class')
    .orderByRaw('CASE WHEN x.stage1 <= ? THEN word_similarity(f_unaccent(?), x.name_unaccent) END DESC', [RANKED_CANDIDATES, plan.q])
    .orderByRaw('CASE WHEN x.stage1 <= ? THEN similarity(f_unaccent(?), x.name_unaccent) END DESC', [RANKED_CANDIDATES, plan.q])
    .orderByRaw('CASE WHEN x.stage1 > ? THEN x.name_trigrams END', [RANKED_CANDIDATES])
    .orderBy('x.name')
    .orderBy('x.id');
}

/** Order by name or code (and without a search, by name). */
function plainOrdered(query: Knex.QueryBuilder, sort: PublicSort): Knex.QueryBuilder {
  if (sort === 'ma') query.orderBy('a.code');
  else query.orderBy('a.name');
  return query.orderBy('a.id');
}

const DISPLAY = [
  'a.code',
  'a.abbreviation',
  'a.scope',
  's.name as status_name',
  'f.name as field_name',
  'p.name as province_name',
  // The quarterly update badge (R-13.2, associations/quarterly-update.ts) is computed from these two.
  'a.status',
  'a.updated_at',
] as const;

function withCatalogues(query: Knex.QueryBuilder): Knex.QueryBuilder {
  return query
    .leftJoin('statuses as s', 's.code', 'a.status')
    .leftJoin('fields as f', 'f.code', 'a.main_field_code')
    .leftJoin('provinces as p', 'p.code', 'a.hq_province_code');
}

/** The list and the ids of a search (or of the filters alone): a page with its count, or every match in order. */
function createSearchQueries(db: Knex, today: () => string) {
  const terms = createSearchTermsRepository(db);

  /** Matches of the filters, counted up to COUNT_CAP + 1 (the count stops there). */
  async function cappedCount(filters: PublicFilters, plan: SearchPlan | null): Promise<number> {
    const inner = filtered(db, filters, plan, today())
      .select(db.raw('1'))
      .limit(COUNT_CAP + 1);
    const row = await db.from(inner.as('m')).count<{ count: number }[]>('* as count').first();
    return Number(row?.count ?? 0);
  }

  /** The words plan of a query: full text on its words (or none when it has no word), abbreviation, code. */
  async function wordsPlan(q: string): Promise<SearchPlan & { words: string[] }> {
    const words = await terms.words(q);
    return { q, tsquery: words.length ? prefixTsquery(words) : null, mode: 'words', words };
  }

  /** The typo plans of a words plan whose words found nothing, to try in turn: one word corrected, then every word. */
  async function typoPlans(words: SearchPlan & { words: string[] }): Promise<SearchPlan[]> {
    return (await terms.typoTsqueries(words.words)).map((typoTsquery) => ({ ...words, mode: 'typo', typoTsquery }));
  }

  /**
   * The plan of a search and its capped count: words first; the typo steps only when words find nothing. Without a
   * query: no plan.
   */
  async function resolve(filters: PublicFilters): Promise<{ plan: SearchPlan | null; count: number }> {
    if (!filters.q) return { plan: null, count: await cappedCount(filters, null) };
    const plan = await wordsPlan(filters.q);
    const count = await cappedCount(filters, plan);
    // A query without a word (only punctuation) has no typo either.
    if (count > 0 || !plan.tsquery) return { plan, count };
    for (const typo of await typoPlans(plan)) {
      const found = await cappedCount(filters, typo);
      if (found > 0) return { plan: typo, count: found };
    }
    return { plan, count: 0 };
  }

  /**
   * A page of a search in relevance order: the ids and the number of all matches (null when the page is past the
   * end: no row carries it, so it is counted apart, capped).
   */
  async function rankedPage(
    filters: PublicFilters,
    plan: SearchPlan,
    page: number,
    pageSize: number,
  ): Promise<{ ids: number[]; count: number }> {
    const rows: Array<{ id: number; match_count: string | number }> = await relevanceOrdered(db, filters, plan, today(), page * pageSize)
      .select('x.id', 'x.match_count')
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    const first = rows[0];
    const count = first ? Number(first.match_count) : page === 1 ? 0 : await cappedCount(filters, plan);
    return { ids: rows.map((r) => Number(r.id)), count };
  }

  /** The list columns of these associations, in the order of `ids` (catalogue names joined for these rows only). */
  async function displayRows(ids: readonly number[]): Promise<PublicListItem[]> {
    if (ids.length === 0) return [];
    const rows: PublicListItem[] = await withCatalogues(db('associations as a').whereIn('a.id', [...ids])).select(
      'a.id',
      'a.name',
      ...DISPLAY,
    );
    const byId = new Map(rows.map((r) => [Number(r.id), r]));
    return ids.flatMap((id) => {
      const r = byId.get(id);
      return r ? [r] : [];
    });
  }

  return {
    /**
     * A page of the list and the number of matches: exact up to COUNT_CAP, else `more` is true and `total` is
     * COUNT_CAP ("hơn 1.000").
     */
    async list(
      filters: PublicFilters,
      sort: PublicSort,
      page: number,
      pageSize: number,
    ): Promise<{ rows: PublicListItem[]; total: number; more: boolean }> {
      if (sort === 'phu-hop' && filters.q) {
        // One query gives the page and the number of matches; the typo fallback only when the words find nothing.
        const words = await wordsPlan(filters.q);
        let ranked = await rankedPage(filters, words, page, pageSize);
        if (ranked.count === 0 && words.tsquery) {
          for (const typo of await typoPlans(words)) {
            ranked = await rankedPage(filters, typo, page, pageSize);
            if (ranked.count > 0) break;
          }
        }
        return { rows: await displayRows(ranked.ids), total: Math.min(ranked.count, COUNT_CAP), more: ranked.count > COUNT_CAP };
      }
      const { plan, count } = await resolve(filters);
      const more = count > COUNT_CAP;
      if (count === 0) return { rows: [], total: 0, more };
      const rows: PublicListItem[] = await plainOrdered(
        withCatalogues(filtered(db, filters, plan, today())).select('a.id', 'a.name', ...DISPLAY),
        sort,
      )
        .limit(pageSize)
        .offset((page - 1) * pageSize);
      return { rows, total: Math.min(count, COUNT_CAP), more };
    },

    /** Ids of every match in list order: open data reads the records in chunks of these (never all rows at once). */
    async matchingIds(filters: PublicFilters, sort: PublicSort): Promise<number[]> {
      const { plan, count } = await resolve(filters);
      if (count === 0) return [];
      const rows =
        sort === 'phu-hop' && plan
          ? await relevanceOrdered(db, filters, plan, today()).select('x.id')
          : await plainOrdered(filtered(db, filters, plan, today()).select('a.id'), sort);
      return rows.map((r: { id: number }) => r.id);
    },

    /**
     * Which of these associations the search finds now (a saved search's new matches, features/follows): the same
     * plan as the list (words, or the typo fallback when the words find nothing in the whole register) and the same
     * filters, read only for the given ids (primary key), so the cost follows their number, not the register's.
     */
    async matchingAmong(filters: PublicFilters, ids: readonly number[]): Promise<number[]> {
      if (ids.length === 0) return [];
      const { plan, count } = await resolve(filters);
      if (count === 0) return [];
      const rows: Array<{ id: number }> = await filtered(db, filters, plan, today())
        .whereRaw('a.id = ANY(?::int[])', [`{${ids.map((id) => Math.trunc(Number(id))).join(',')}}`])
        .select('a.id');
      return rows.map((r) => Number(r.id));
    },
  };
}

/** The public record, the counts of the home and the data version: statements read whole. */
function createRecordQueries(db: Knex, today: () => string) {
  return {
    /**
     * The public data version: moves whenever a table the public list reads is written (triggers of migration
     * 20261230000100_search_full_text). Reading a sequence takes no lock.
     */
    async dataVersion(): Promise<string> {
      const res = await db.raw<{ rows: Array<{ v: string }> }>(
        "SELECT last_value::text || ':' || is_called::text AS v FROM public_data_version",
      );
      // The day is part of it: a withholding ends by itself at midnight (issue 16 item 1), and every cache keyed by
      // this version (rows, rendered pages, the search index's look) then starts afresh.
      return `${String(res.rows[0]?.v ?? '')}:${today()}`;
    },

    /** One published association's public columns by its code, in one statement (the record page); null if none. */
    async sourceByCode(code: string, withPresident: boolean): Promise<PublicSourceRow | null> {
      const res = await db.raw<{ rows: PublicSourceRow[] }>(withPresident ? BY_CODE_WITH_PRESIDENT : BY_CODE, [code]);
      return res.rows[0] ?? null;
    },

    /**
     * The public columns of the given published associations, in the order of `ids` (one statement; open data reads
     * them in chunks). `withPresident` reads the current president's full name and position (nothing else of the
     * leader) for the 79-2022 regime.
     */
    async sources(ids: readonly number[], withPresident: boolean): Promise<PublicSourceRow[]> {
      if (ids.length === 0) return [];
      // One array parameter (ids are integers): the same statement text for every chunk.
      const res = await db.raw<{ rows: PublicSourceRow[] }>(withPresident ? BY_IDS_WITH_PRESIDENT : BY_IDS, [
        `{${ids.map((id) => Math.trunc(Number(id))).join(',')}}`,
      ]);
      const byId = new Map(res.rows.map((r) => [Number(r.id), r]));
      return ids.flatMap((id): PublicSourceRow[] => {
        const r = byId.get(id);
        return r ? [r] : [];
      });
    },

    /**
     * The counts of the home and of /linh-vuc in one statement, from the public summary (migration
     * 20261230000500_create_public_summary): the sums of its parts per scope and per field, the fields named and
     * ordered by the catalogue. Folds the parts when they have piled up.
     */
    async summary(): Promise<PublicSummary> {
      const res = await db.raw<{
        rows: Array<{ dimension: string; key: string | null; name: string | null; n: number | string; parts: number | string }>;
      }>(
        `SELECT p.dimension, p.key, f.name, sum(p.n) AS n, count(*) AS parts
           FROM public_summary_parts p
           LEFT JOIN fields f ON p.dimension = 'field' AND f.code = p.key
          GROUP BY p.dimension, p.key, f.name, f.sort_order
          ORDER BY p.dimension, f.sort_order, f.name`,
      );
      const rows = res.rows.map((r) => ({ ...r, n: Number(r.n), parts: Number(r.parts) }));
      const parts = rows.reduce((s, r) => s + r.parts, 0);
      if (parts > 2 * rows.length + PUBLIC_SUMMARY_SLACK) await db.raw('SELECT compact_public_summary()');
      const byScope = rows.filter((r) => r.dimension === 'scope' && r.n > 0).map((r) => ({ scope: String(r.key), count: r.n }));
      return {
        total: byScope.reduce((s, r) => s + r.count, 0),
        byField: rows
          .filter((r) => r.dimension === 'field' && r.name !== null && r.n > 0)
          .map((r) => ({ code: String(r.key), name: String(r.name), count: r.n })),
        byScope,
      };
    },

    /**
     * Choices of the list's filters, in one statement: every field; provinces in force (a former one is found
     * through its successor); each in catalogue order.
     */
    async filterOptions(
      today: string,
    ): Promise<{ fields: Array<{ code: string; name: string }>; provinces: Array<{ code: string; name: string }> }> {
      const res = await db.raw<{ rows: Array<{ kind: number; code: string; name: string }> }>(
        `SELECT x.kind, x.code, x.name FROM (
           SELECT 0 AS kind, code, name, sort_order FROM fields
           UNION ALL
           SELECT 1, code, name, sort_order FROM provinces
            WHERE (valid_to IS NULL OR valid_to >= ?) AND (valid_from IS NULL OR valid_from <= ?)
         ) x ORDER BY x.kind, x.sort_order, x.name`,
        [today, today],
      );
      const pick = (kind: number) => res.rows.filter((r) => Number(r.kind) === kind).map((r) => ({ code: r.code, name: r.name }));
      return { fields: pick(0), provinces: pick(1) };
    },
  };
}

/**
 * `today`: the Vietnamese calendar day (yyyy-mm-dd) on which withholdings are in force for the search (the app's
 * clock in the portal; the machine's by default).
 */
/** The catalogues whose entries the public pages name. */
const PUBLIC_NAMED_CATALOGUES: readonly CatalogueTable[] = [
  'fields',
  'provinces',
  'statuses',
  'natures',
  'association_kinds',
  'leader_positions',
  'ministries',
];

export function createPublicRepository(db: Knex, today: () => string = () => vietnamToday(new Date())) {
  const provinces = createProvinceReportsRepository(db);
  return {
    ...createSearchQueries(db, today),
    ...createRecordQueries(db, today),
    /** The public statistics by province (issue 16 item 7): published associations per province and scope. */
    byProvince: provinces.publishedByProvince,
    provinceCatalogue: provinces.provinceCatalogue,

    /**
     * The English names of the catalogue entries public pages name (issue 17 item 2), keyed by the Vietnamese name
     * the pages read (a list row, the record page, the statistics): the English interface prints
     * `localName(name, namesEn[name])`. Entries without an English name are left out. One statement.
     */
    async englishNames(): Promise<Record<string, string>> {
      const names = await catalogueEnglishNames(db, PUBLIC_NAMED_CATALOGUES);
      return Object.assign(Object.create(null) as Record<string, string>, Object.fromEntries(names));
    },
  };
}

export type PublicRepository = ReturnType<typeof createPublicRepository>;
