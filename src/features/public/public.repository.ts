/**
 * SQL of the public pages and open data (Knex only). Every query here is limited to PUBLISHED associations and
 * selects only the columns the public-field setting can show (public-fields.ts): leaders' personal data and
 * internal columns are never read.
 *
 * Search (SPEC §5, §7): diacritics and case ignored through f_unaccent (which also folds đ/Đ to d). A match is a
 * name where every word of the query begins a word (full text: the stored tsvector name_tsv of f_unaccent(name),
 * 'simple' configuration, GIN index, prefix tsquery built from the database's own lexemes of the query), an
 * abbreviation containing the query, or the code. Only when that finds nothing (with the same filters), small
 * typos are tolerated through pg_trgm word similarity on the stored name_unaccent (`%>`, whose threshold every
 * connection sets to 0.75: db/knex.ts, then the same bound checked explicitly). Ranking: exact name or code,
 * accented substring, unaccented substring (or exact abbreviation), every word present at a word start, then
 * trigram similarity — computed for the 200 best candidates only (relevanceOrdered). Counts stop past COUNT_CAP.
 */
import type { Knex } from 'knex';
import { whereInProvince } from '../../db/filters.js';

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
}

/** The columns of both regimes, before public-fields.ts projects them. */
export interface PublicSourceRow {
  id: number;
  code: string;
  name: string;
  abbreviation: string | null;
  foreign_name: string | null;
  foreign_abbreviation: string | null;
  kind: string | null;
  status: string | null;
  scope_code: string;
  main_field: string | null;
  managing_ministry: string | null;
  purpose: string | null;
  hq_address: string | null;
  hq_ward: string | null;
  hq_province: string | null;
  phone: string | null;
  email: string | null;
  website: string | null;
  nature: string | null;
  members_total: number | null;
  other_fields: string[];
  founding_decision_number: string | null;
  founding_decision_date: string | null;
  president_name: string | null;
  president_position: string | null;
}

export interface CountRow {
  code: string;
  name: string;
  count: number;
}

/** Escape LIKE wildcards in user text. */
function likeEscape(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Words of the query that count (at most 8), as the search folds them: the first 8 lexemes in query order. */
const MAX_WORDS = 8;

/**
 * Beyond this many matches the list says "hơn 1.000" instead of counting them all (the count stops there);
 * pages still go on while there are rows.
 */
export const COUNT_CAP = 1000;

/** Matches of a search whose similarities are computed (stage 2 of the ranking): the first 10 pages. */
export const RANKED_CANDIDATES = 200;

/**
 * Minimum word similarity for a match found only by trigrams: "nguoi cao tuoy" → "Hội Người cao tuổi" is 0.87,
 * while "dong y" → "Hội Tự động hóa" (0.71) is noise.
 */
const TYPO_SIMILARITY = 0.75;

/**
 * A prefix tsquery from lexemes the database produced (to_tsvector of the folded query): each lexeme quoted, with
 * quotes doubled and backslashes escaped, so no user character is ever read as tsquery syntax; `:*` makes it a
 * word prefix; every word required.
 */
export function prefixQuery(lexemes: readonly string[]): string {
  return lexemes.map((l) => `'${l.replace(/\\/g, '\\\\').replace(/'/g, "''")}':*`).join(' & ');
}

/**
 * How a search is answered. `words`: the name has a word starting with each word of the query (full text, the
 * GIN index on name_tsv), or the abbreviation contains the query, or it is the code. `typo`: only when that finds
 * nothing (with the same filters), names whose words are close to the query by trigrams (`nguoi cao tuoy`).
 */
export interface SearchPlan {
  q: string;
  /** The prefix tsquery of the query's words; null when the query has no word (only punctuation: finds nothing). */
  tsquery: string | null;
  mode: 'words' | 'typo';
}

export function createPublicRepository(db: Knex) {
  /** The query's words as the name's tsvector holds them (same folding, same parser), in query order. */
  async function lexemes(q: string): Promise<string[]> {
    const res = await db.raw<{ rows: Array<{ lexeme: string }> }>(
      "SELECT t.lexeme FROM unnest(to_tsvector('simple', f_unaccent(?))) AS t ORDER BY t.positions[1] LIMIT ?",
      [q, MAX_WORDS],
    );
    return res.rows.map((r) => r.lexeme);
  }

  /** Published associations matching the filters (the search condition included). */
  function filtered(filters: PublicFilters, plan: SearchPlan | null): Knex.QueryBuilder {
    const base = db('associations as a').where('a.published', true);
    if (plan) {
      const { q, tsquery } = plan;
      if (plan.mode === 'typo') {
        // `%>` lets the trigram index find candidates (threshold set per connection); the recheck keeps only close ones.
        base.whereRaw('(a.name_unaccent %> f_unaccent(?) AND word_similarity(f_unaccent(?), a.name_unaccent) >= ?)', [
          q,
          q,
          TYPO_SIMILARITY,
        ]);
      } else if (!tsquery) {
        // No letter or digit in the query (only punctuation): nothing to find, and no index could serve it.
        base.whereRaw('false');
      } else {
        base.where((w) =>
          w
            .whereRaw("a.name_tsv @@ to_tsquery('simple', ?)", [tsquery])
            .orWhereRaw("a.abbreviation_unaccent LIKE '%' || f_unaccent(?) || '%'", [likeEscape(q)])
            .orWhere('a.code', q.toUpperCase()),
        );
      }
    }
    if (filters.field) {
      const field = filters.field;
      base.where((w) =>
        w
          .where('a.main_field_code', field)
          .orWhereExists(db('association_other_fields as o').whereRaw('o.association_id = a.id').andWhere('o.field_code', field)),
      );
    }
    if (filters.scope) base.where('a.scope', filters.scope);
    if (filters.province) whereInProvince(db, base, filters.province);
    return base;
  }

  /**
   * Ranking class of a match: 0 exact name or code, 1 accented substring, 2 unaccented substring (or exact
   * abbreviation), 3 every word present at a word start, 4 the rest (abbreviation substring, typo). String tests on
   * stored columns: cheap.
   */
  function classSql(plan: SearchPlan): { sql: string; bindings: string[] } {
    const { q, tsquery } = plan;
    return {
      sql: `CASE
           WHEN lower(a.name) = lower(?) OR a.code = ? THEN 0
           WHEN strpos(lower(a.name), lower(?)) > 0 THEN 1
           WHEN strpos(a.name_unaccent, f_unaccent(?)) > 0 OR lower(coalesce(a.abbreviation, '')) = lower(?) THEN 2
           WHEN ${tsquery ? "a.name_tsv @@ to_tsquery('simple', ?)" : 'false'} THEN 3
           ELSE 4
         END`,
      bindings: [q, q.toUpperCase(), q, q, q, ...(tsquery ? [tsquery] : [])],
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
  function relevanceOrdered(filters: PublicFilters, plan: SearchPlan, upTo?: number): Knex.QueryBuilder {
    const cls = classSql(plan);
    const matches = filtered(filters, plan).select(
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

  /** Matches of the filters, counted up to COUNT_CAP + 1 (the count stops there). */
  async function cappedCount(filters: PublicFilters, plan: SearchPlan | null): Promise<number> {
    const inner = filtered(filters, plan)
      .select(db.raw('1'))
      .limit(COUNT_CAP + 1);
    const row = await db.from(inner.as('m')).count<{ count: number }[]>('* as count').first();
    return Number(row?.count ?? 0);
  }

  /** The words plan of a query: full text on its words (or none when it has no word), abbreviation, code. */
  async function wordsPlan(q: string): Promise<SearchPlan> {
    const words = await lexemes(q);
    return { q, tsquery: words.length ? prefixQuery(words) : null, mode: 'words' };
  }

  /**
   * The plan of a search and its capped count: words first; the trigram fallback only when words find nothing.
   * Without a query: no plan.
   */
  async function resolve(filters: PublicFilters): Promise<{ plan: SearchPlan | null; count: number }> {
    if (!filters.q) return { plan: null, count: await cappedCount(filters, null) };
    const plan = await wordsPlan(filters.q);
    const count = await cappedCount(filters, plan);
    // A query without a word (only punctuation) has no trigram either: no typo can be near it.
    if (count > 0 || !plan.tsquery) return { plan, count };
    const typo: SearchPlan = { ...plan, mode: 'typo' };
    return { plan: typo, count: await cappedCount(filters, typo) };
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
    const rows: Array<{ id: number; match_count: string | number }> = await relevanceOrdered(filters, plan, page * pageSize)
      .select('x.id', 'x.match_count')
      .limit(pageSize)
      .offset((page - 1) * pageSize);
    const first = rows[0];
    const count = first ? Number(first.match_count) : page === 1 ? 0 : await cappedCount(filters, plan);
    return { ids: rows.map((r) => Number(r.id)), count };
  }

  const DISPLAY = [
    'a.code',
    'a.abbreviation',
    'a.scope',
    's.name as status_name',
    'f.name as field_name',
    'p.name as province_name',
  ] as const;

  function withCatalogues(query: Knex.QueryBuilder): Knex.QueryBuilder {
    return query
      .leftJoin('statuses as s', 's.code', 'a.status')
      .leftJoin('fields as f', 'f.code', 'a.main_field_code')
      .leftJoin('provinces as p', 'p.code', 'a.hq_province_code');
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
        if (ranked.count === 0 && words.tsquery) ranked = await rankedPage(filters, { ...words, mode: 'typo' }, page, pageSize);
        return { rows: await displayRows(ranked.ids), total: Math.min(ranked.count, COUNT_CAP), more: ranked.count > COUNT_CAP };
      }
      const { plan, count } = await resolve(filters);
      const more = count > COUNT_CAP;
      if (count === 0) return { rows: [], total: 0, more };
      const rows: PublicListItem[] = await plainOrdered(withCatalogues(filtered(filters, plan)).select('a.id', 'a.name', ...DISPLAY), sort)
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
          ? await relevanceOrdered(filters, plan).select('x.id')
          : await plainOrdered(filtered(filters, plan).select('a.id'), sort);
      return rows.map((r: { id: number }) => r.id);
    },

    /**
     * The public data version: moves whenever a table the public list reads is written (triggers of migration
     * 20261230000100_search_full_text). Reading a sequence takes no lock.
     */
    async dataVersion(): Promise<string> {
      const res = await db.raw<{ rows: Array<{ v: string }> }>(
        "SELECT last_value::text || ':' || is_called::text AS v FROM public_data_version",
      );
      return String(res.rows[0]?.v ?? '');
    },

    async publishedId(code: string): Promise<number | null> {
      const row = await db('associations').where({ code, published: true }).first('id');
      return row ? Number(row.id) : null;
    },

    /**
     * The public columns of the given published associations, in the order of `ids`. `withPresident` reads the
     * current president's full name and position (nothing else of the leader) for the 79-2022 regime.
     */
    async sources(ids: readonly number[], withPresident: boolean): Promise<PublicSourceRow[]> {
      if (ids.length === 0) return [];
      const rows: Array<
        Omit<
          PublicSourceRow,
          'other_fields' | 'founding_decision_number' | 'founding_decision_date' | 'president_name' | 'president_position'
        >
      > = await db('associations as a')
        .whereIn('a.id', [...ids])
        .where('a.published', true)
        .leftJoin('association_kinds as k', 'k.code', 'a.kind_code')
        .leftJoin('statuses as s', 's.code', 'a.status')
        .leftJoin('fields as f', 'f.code', 'a.main_field_code')
        .leftJoin('ministries as m', 'm.code', 'a.managing_ministry_code')
        .leftJoin('provinces as p', 'p.code', 'a.hq_province_code')
        .leftJoin('natures as n', 'n.code', 'a.nature_code')
        .select(
          'a.id',
          'a.code',
          'a.name',
          'a.abbreviation',
          'a.foreign_name',
          'a.foreign_abbreviation',
          'k.name as kind',
          's.name as status',
          'a.scope as scope_code',
          'f.name as main_field',
          'm.name as managing_ministry',
          'a.purpose',
          'a.hq_address',
          'a.hq_ward',
          'p.name as hq_province',
          'a.phone',
          'a.email',
          'a.website',
          'n.name as nature',
          'a.members_total',
        );
      const other = await db('association_other_fields as o')
        .join('fields as f', 'f.code', 'o.field_code')
        .whereIn('o.association_id', [...ids])
        .orderBy(['o.association_id', 'f.sort_order', 'f.name'])
        .select('o.association_id', 'f.name');
      // The founding decision: the earliest "cho phép thành lập" decision of the record.
      const founding = await db('decisions')
        .whereIn('association_id', [...ids])
        .where('event_type', 'cho_phep_thanh_lap')
        .orderBy(['association_id', { column: 'signed_on', order: 'asc', nulls: 'last' }, 'id'])
        .select('association_id', 'number', 'signed_on');
      const presidents = withPresident
        ? await db('leaders as l')
            .join('leader_positions as lp', 'lp.code', 'l.position_code')
            .whereIn('l.association_id', [...ids])
            .where('l.position_code', 'CT')
            .whereNull('l.left_on')
            .orderBy(['l.association_id', { column: 'l.elected_on', order: 'desc', nulls: 'last' }, { column: 'l.id', order: 'desc' }])
            .select('l.association_id', 'l.full_name', 'lp.name as position')
        : [];
      const otherBy = new Map<number, string[]>();
      for (const o of other as Array<{ association_id: number; name: string }>) {
        const id = Number(o.association_id);
        otherBy.set(id, [...(otherBy.get(id) ?? []), o.name]);
      }
      const foundingBy = new Map<number, { number: string | null; signed_on: string | null }>();
      for (const d of founding as Array<{ association_id: number; number: string | null; signed_on: string | null }>) {
        if (!foundingBy.has(Number(d.association_id))) foundingBy.set(Number(d.association_id), d);
      }
      const presidentBy = new Map<number, { full_name: string; position: string }>();
      for (const p of presidents as Array<{ association_id: number; full_name: string; position: string }>) {
        if (!presidentBy.has(Number(p.association_id))) presidentBy.set(Number(p.association_id), p);
      }
      const byId = new Map(rows.map((r) => [Number(r.id), r]));
      return ids.flatMap((id): PublicSourceRow[] => {
        const r = byId.get(id);
        if (!r) return [];
        const f = foundingBy.get(id);
        const p = presidentBy.get(id);
        return [
          {
            ...r,
            other_fields: otherBy.get(id) ?? [],
            founding_decision_number: f?.number ?? null,
            founding_decision_date: f?.signed_on ?? null,
            president_name: p?.full_name ?? null,
            president_position: p?.position ?? null,
          },
        ];
      });
    },

    async total(): Promise<number> {
      const row = await db('associations').where('published', true).count<{ count: number }[]>('* as count').first();
      return Number(row?.count ?? 0);
    },

    /** Published associations per field, main or other (the same rule as the list's field filter). */
    async countsByField(): Promise<CountRow[]> {
      const res = await db.raw<{ rows: CountRow[] }>(
        `SELECT f.code, f.name, count(x.id)::int AS count
           FROM fields f
           JOIN (SELECT a.id, a.main_field_code AS field_code FROM associations a WHERE a.published
                 UNION
                 SELECT o.association_id, o.field_code FROM association_other_fields o
                   JOIN associations a ON a.id = o.association_id WHERE a.published) x ON x.field_code = f.code
          GROUP BY f.code, f.name, f.sort_order
          ORDER BY f.sort_order, f.name`,
      );
      return res.rows.map((r) => ({ ...r, count: Number(r.count) }));
    },

    async countsByScope(): Promise<Array<{ scope: string; count: number }>> {
      const rows = await db('associations')
        .where('published', true)
        .groupBy('scope')
        .select('scope')
        .count<{ scope: string; count: number }[]>('* as count');
      return rows.map((r) => ({ scope: r.scope, count: Number(r.count) }));
    },

    /** Choices of the list's filters: every field; provinces in force (a former one is found through its successor). */
    async filterOptions(
      today: string,
    ): Promise<{ fields: Array<{ code: string; name: string }>; provinces: Array<{ code: string; name: string }> }> {
      const fields = await db('fields').orderBy(['sort_order', 'name']).select('code', 'name');
      const provinces = await db('provinces')
        .where((w) => w.whereNull('valid_to').orWhere('valid_to', '>=', today))
        .where((w) => w.whereNull('valid_from').orWhere('valid_from', '<=', today))
        .orderBy(['sort_order', 'name'])
        .select('code', 'name');
      return { fields, provinces };
    },
  };
}

export type PublicRepository = ReturnType<typeof createPublicRepository>;
