/**
 * SQL of the public pages and open data (Knex only). Every query here is limited to PUBLISHED associations and
 * selects only the columns the public-field setting can show (public-fields.ts): leaders' personal data and
 * internal columns are never read.
 *
 * Search (SPEC §5): diacritics and case ignored through f_unaccent (which also folds đ/Đ to d), small typos
 * tolerated through pg_trgm word similarity (`%>`, whose threshold every connection sets to 0.75: db/knex.ts, then
 * the same bound checked explicitly); both are served by the gin trigram index on the stored column
 * name_unaccent = f_unaccent(name), computed once per row instead of once per candidate row and search (the bench
 * measured f_unaccent as most of a search's time at 100,000 associations). Ranking: exact name or code, accented
 * substring, unaccented substring (or exact abbreviation), every word present at a word start, then trigram
 * similarity.
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

/** Words of the query (at most 8), for the "every word present" match. */
export function searchWords(q: string): string[] {
  return q.split(/\s+/).filter(Boolean).slice(0, 8);
}

/**
 * Minimum word similarity for a match found only by trigrams: "nguoi cao tuoy" → "Hội Người cao tuổi" is 0.87,
 * while "dong y" → "Hội Tự động hóa" (0.71) is noise.
 */
const TYPO_SIMILARITY = 0.75;

/**
 * Every word of the query begins a word of the name (diacritics and case ignored). The first LIKE is served by
 * the trigram index; the second, on the name with a leading space, keeps only matches at the start of a word.
 */
function allWordsSql(words: readonly string[]): string {
  return `(${words
    .map(() => "(a.name_unaccent LIKE '%' || f_unaccent(?) || '%' AND ' ' || a.name_unaccent LIKE '% ' || f_unaccent(?) || '%')")
    .join(' AND ')})`;
}

function allWordsBindings(words: readonly string[]): string[] {
  return words.flatMap((w) => [likeEscape(w), likeEscape(w)]);
}

export function createPublicRepository(db: Knex) {
  /** Published associations matching the filters (the search condition included). */
  function filtered(filters: PublicFilters): Knex.QueryBuilder {
    const base = db('associations as a').where('a.published', true);
    const q = filters.q;
    if (q) {
      const words = searchWords(q);
      base.where((w) => {
        w.whereRaw(allWordsSql(words), allWordsBindings(words))
          // `%>` lets the trigram index find candidates (threshold set per connection); the recheck keeps only close ones.
          .orWhereRaw('(a.name_unaccent %> f_unaccent(?) AND word_similarity(f_unaccent(?), a.name_unaccent) >= ?)', [
            q,
            q,
            TYPO_SIMILARITY,
          ])
          .orWhereRaw("a.abbreviation_unaccent LIKE '%' || f_unaccent(?) || '%'", [likeEscape(q)])
          .orWhere('a.code', q.toUpperCase());
      });
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

  function ordered(query: Knex.QueryBuilder, filters: PublicFilters, sort: PublicSort): Knex.QueryBuilder {
    const q = filters.q;
    if (sort === 'phu-hop' && q) {
      const words = searchWords(q);
      query.orderByRaw(
        `CASE
           WHEN lower(a.name) = lower(?) OR a.code = ? THEN 0
           WHEN strpos(lower(a.name), lower(?)) > 0 THEN 1
           WHEN strpos(a.name_unaccent, f_unaccent(?)) > 0 OR lower(coalesce(a.abbreviation, '')) = lower(?) THEN 2
           WHEN ${allWordsSql(words)} THEN 3
           ELSE 4
         END`,
        [q, q.toUpperCase(), q, q, q, ...allWordsBindings(words)],
      );
      query.orderByRaw('word_similarity(f_unaccent(?), a.name_unaccent) DESC', [q]);
      query.orderByRaw('similarity(f_unaccent(?), a.name_unaccent) DESC', [q]);
      query.orderBy('a.name');
    } else if (sort === 'ma') {
      query.orderBy('a.code');
    } else {
      query.orderBy('a.name');
    }
    return query.orderBy('a.id');
  }

  return {
    async list(
      filters: PublicFilters,
      sort: PublicSort,
      page: number,
      pageSize: number,
    ): Promise<{ rows: PublicListItem[]; total: number }> {
      // A search: one pass over the matches gives the page and their number (count(*) OVER () is computed before
      // LIMIT); only a page past the end, which has no row to carry it, needs a separate count. Without a search
      // the page is read from the (published, name) index and counted apart: a window over every published row
      // would sort them all.
      const withWindow = Boolean(filters.q);
      const rows = await ordered(
        filtered(filters)
          .leftJoin('statuses as s', 's.code', 'a.status')
          .leftJoin('fields as f', 'f.code', 'a.main_field_code')
          .leftJoin('provinces as p', 'p.code', 'a.hq_province_code')
          .select(
            'a.id',
            'a.code',
            'a.name',
            'a.abbreviation',
            'a.scope',
            's.name as status_name',
            'f.name as field_name',
            'p.name as province_name',
            ...(withWindow ? [db.raw('count(*) OVER () AS total_count')] : []),
          ),
        filters,
        sort,
      )
        .limit(pageSize)
        .offset((page - 1) * pageSize);
      let total: number;
      if (withWindow && rows.length > 0) {
        total = Number(rows[0].total_count);
      } else {
        const countRow = await filtered(filters).count<{ count: number }[]>('* as count').first();
        total = Number(countRow?.count ?? 0);
      }
      const items = rows.map(({ total_count: _, ...row }: Record<string, unknown>) => row) as unknown as PublicListItem[];
      return { rows: items, total };
    },

    /** Ids of every match in list order: open data reads the records in chunks of these (never all rows at once). */
    async matchingIds(filters: PublicFilters, sort: PublicSort): Promise<number[]> {
      const rows = await ordered(filtered(filters).select('a.id'), filters, sort);
      return rows.map((r: { id: number }) => r.id);
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
