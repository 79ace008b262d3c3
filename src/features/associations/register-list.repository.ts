/**
 * SQL of the staff register list (`/quan-tri/hoi`, Knex only), built so that a page's cost does not grow with the
 * number of matches (HOUSE-STYLE "hot paths"; RELIABILITY 40 has this page twice in its mix).
 *
 * Matches: the search `q` by the public search's rule (src/lib/search-terms.ts, as public.repository.ts applies it):
 * every word of the query begins a word of the folded name (the stored tsvector name_tsv, GIN index), or the folded
 * abbreviation contains the query, or it is the code — and only when that finds nothing with the other filters, the
 * words with their typo alternatives (one slip away; one word corrected first, then every word). The leader search by the same rule on the folded full name of
 * any leader, present or former (GIN index on its tsvector; typo alternatives when no leader has the words). The
 * field is the main field or a secondary one (association_other_fields); a current province also finds the records
 * still filed under a former province it succeeded; the other filters are equalities. Orders: name, code, last
 * update (newest first), then id.
 *
 * What is read first (small, bounded queries): the query's words (and their typo alternatives when needed), the
 * province's predecessors, the associations holding the field as a secondary one, the associations of the matching
 * leaders — so that every condition is a column test or a constant list the indexes serve (bitmap OR / AND), never an
 * OR with a subquery.
 *
 * Then a page takes at most three steps, each bounded:
 * 1. Sample: the first countCap + 1 matches in no particular order, through the condition indexes. Their number is
 *    the count, exact up to countCap (2,000); at most countCap matches are sorted here and the page is cut from
 *    them (numbered pager, as before). Past countCap the list says "Có hơn 2.000 kết quả".
 * 2. Walk: past countCap, the page is taken by walking the index of the order from the cursor, testing the
 *    conditions on each row, for at most walkWindow rows (the search columns are in the name index, so a search
 *    by name walks that index alone). Pages then follow by keyset: "Trang sau" / "Trang trước" carry the sort key
 *    and id of the page's last / first row, so page 400 costs what page 2 does.
 * 3. Range: when the window held too few matches (they lie further down the order: "hoi" after 10,820 "Câu lạc bộ"
 *    names), the page is among the matches between the cursor and a bound — the sample's (offset + page size + 1)-th
 *    match in list order, so at least a page of matches lies before it. Those are read through the condition
 *    indexes together with the range of the order's index (bitmap AND) and sorted: about page size × matches /
 *    countCap of them, wherever the matches lie.
 */
import type { Knex } from 'knex';
import { likeEscape } from '../../db/filters.js';
import { createSearchTermsRepository, type SearchTermsRepository } from '../../db/search-terms.repository.js';
import { prefixTsquery } from '../../lib/search-terms.js';
import type { QuarterlyState } from './quarterly-update.js';
import { quarterlyCondition, quarterlyStateSql } from './quarterly-update-sql.js';

export interface ListFilters {
  q?: string;
  field?: string;
  ministry?: string;
  scope?: string;
  province?: string;
  nature?: string;
  status?: string;
  dataLevel?: string;
  published?: boolean;
  leader?: string;
  /** The quarterly update state (R-13.2, quarterly-update.ts) on `today`. */
  quarterly?: { state: QuarterlyState; today: string };
  /** The stored data-quality score (issue 16 item 4, features/quality) within these bounds, inclusive. */
  quality?: { min: number; max: number };
}

export const SORTS = {
  ten: [{ column: 'a.name', order: 'asc' }],
  ma: [{ column: 'a.code', order: 'asc' }],
  'cap-nhat': [{ column: 'a.updated_at', order: 'desc' }],
  // Issue 16 item 4: the stored data-quality score, lowest first (association_quality; -1 when not yet computed).
  diem: [{ column: 'association_quality.score', order: 'asc' }],
} as const;
export type SortKey = keyof typeof SORTS;

/** A row of the list: codes only (the controller names them from the catalogues it loads for the filters anyway). */
export interface ListItem {
  id: number;
  code: string;
  name: string;
  abbreviation: string | null;
  scope: string;
  status: string;
  main_field_code: string;
  managing_ministry_code: string | null;
  hq_province_code: string | null;
  data_level: string;
  published: boolean;
  updated_at: Date;
}

/** Where a keyset page starts: after (or before) the row with this sort key and id. */
export interface ListCursor {
  dir: 'after' | 'before';
  key: string;
  id: number;
}

export interface ListPage {
  rows: ListItem[];
  /** The number of matches when `more` is false; countCap when there are more. */
  total: number;
  /** More than countCap matches: the count stopped there and pages follow by keyset. */
  more: boolean;
  /** Cursors of the neighbouring pages when `more` (null at either end, and always null when the count is exact). */
  next: ListCursor | null;
  prev: ListCursor | null;
}

/** The bounds of the list's work (tests pass small ones to reach every step with a few hundred records). */
export interface ListLimits {
  /**
   * Matches counted (and sorted) at most: beyond, the list says "Có hơn 2.000 kết quả" (as the public list says
   * "hơn 1.000", public.repository.ts) and pages by keyset.
   */
  countCap: number;
  /** Rows of the sort order a page of a long list walks before it takes its rows from a bounded range (step 3). */
  walkWindow: number;
  /**
   * Matching leaders read to find their associations. A name matching more leaders is common ("nguyen van"): their
   * associations are then a sample of the matches, and the name is checked association by association on its own
   * leaders (index on leaders.association_id).
   */
  leaderRows: number;
  /** Associations holding the field as a secondary one read as a list first (beyond, a join checks them). */
  secondaryRows: number;
}

export const LIST_LIMITS: Readonly<ListLimits> = { countCap: 2000, walkWindow: 1000, leaderRows: 5000, secondaryRows: 5000 };
export const COUNT_CAP = LIST_LIMITS.countCap;

/**
 * A name search as the rule resolves it: the query's words, and the tsquery of the words search or, when that finds
 * nothing, of the typo search; null when it can find nothing (no word, or no word with an alternative).
 */
interface NameSearch {
  words: string[];
  mode: 'words' | 'typo';
  tsquery: string | null;
}

/** The leaders' folded full name as a tsvector: the expression of the index leaders_name_tsv. */
const LEADER_TSV = "to_tsvector('simple'::regconfig, f_unaccent(l.full_name))";

/** The filters with what is computed first: the search's words, the province and its predecessors, the leaders' associations. */
interface Resolved extends ListFilters {
  search?: NameSearch;
  /** The leader search's tsquery (null: it finds nothing). */
  leaderQuery?: string | null;
  provinces?: string[];
  /** The associations with the field as a secondary field (null past `secondaryRows` of them). */
  secondaryIds?: number[] | null;
  /**
   * The associations of the matching leaders: all of them (`complete`), or those of the first `leaderRows`
   * matching leaders when the name is common — a sample of the matches, the condition then being checked per
   * association.
   */
  leaders?: { ids: number[]; complete: boolean };
}

/** `set`: conditions the planner can answer from indexes (bitmaps); `probe`: cheap per row, for a walk in sort order. */
type Mode = 'set' | 'probe';

function applyConditions(q: Knex.QueryBuilder, f: Resolved, mode: Mode): Knex.QueryBuilder {
  if (f.q && f.search) {
    const { tsquery, mode } = f.search;
    if (!tsquery) q.whereRaw('false');
    else if (mode === 'typo') q.whereRaw("a.name_tsv @@ to_tsquery('simple', ?)", [tsquery]);
    else
      q.whereRaw("(a.name_tsv @@ to_tsquery('simple', ?) OR a.abbreviation_unaccent LIKE '%' || f_unaccent(?) || '%' OR a.code = ?)", [
        tsquery,
        likeEscape(f.q),
        f.q.toUpperCase(),
      ]);
  }
  if (f.field) {
    // Main or secondary field: the ids of the secondary rows, read first, are a constant list (a bitmap OR with the
    // main-field index, or a hashed look-up per row). Past `secondaryRows` of them, a probe of
    // association_other_fields (its hashed ids as a set, its primary key per row).
    const field = f.field;
    const ids = f.secondaryIds;
    if (ids) q.where((w) => w.where('a.main_field_code', field).orWhereIn('a.id', ids.length ? ids : [0]));
    else
      q.whereRaw(
        `(a.main_field_code = ? OR ${mode === 'set' ? 'a.id IN (SELECT o.association_id FROM association_other_fields o WHERE o.field_code = ?)' : 'EXISTS (SELECT 1 FROM association_other_fields o WHERE o.association_id = a.id AND o.field_code = ?)'})`,
        [field, field],
      );
  }
  if (f.ministry) q.where('a.managing_ministry_code', f.ministry);
  if (f.scope) q.where('a.scope', f.scope);
  if (f.provinces) q.whereIn('a.hq_province_code', f.provinces);
  if (f.nature) q.where('a.nature_code', f.nature);
  if (f.status) q.where('a.status', f.status);
  if (f.dataLevel) q.where('a.data_level', f.dataLevel);
  if (f.published !== undefined) q.where('a.published', f.published);
  if (f.quarterly) {
    const c = quarterlyCondition(f.quarterly.state, f.quarterly.today);
    q.whereRaw(c.sql, c.bindings);
  }
  if (f.quality) {
    // The score band: the ids from the score index (set), or the stored row by primary key (probe).
    q.whereRaw(
      mode === 'set'
        ? 'a.id IN (SELECT q.association_id FROM association_quality q WHERE q.score BETWEEN ? AND ?)'
        : 'EXISTS (SELECT 1 FROM association_quality q WHERE q.association_id = a.id AND q.score BETWEEN ? AND ?)',
      [f.quality.min, f.quality.max],
    );
  }
  const leaderQuery = f.leaderQuery;
  if (f.leader && !leaderQuery) q.whereRaw('false');
  else if (f.leader && leaderQuery) {
    if (f.leaders?.complete) {
      if (f.leaders.ids.length === 0) q.whereRaw('false');
      else q.whereIn('a.id', f.leaders.ids);
    } else {
      // The associations of the sample of leaders answer at once (a hashed list); for the others, a scalar subquery
      // (never turned into a join) probes their own leaders.
      const sampled = f.leaders?.ids ?? [];
      q.where((w) =>
        w
          .whereIn('a.id', sampled.length ? sampled : [0])
          .orWhereRaw(`(SELECT true FROM leaders l WHERE l.association_id = a.id AND ${LEADER_TSV} @@ to_tsquery('simple', ?) LIMIT 1)`, [
            leaderQuery,
          ]),
      );
    }
  }
  return q;
}

/** The columns of associations the conditions read (a walk reads only these and the sort's columns). */
function conditionColumns(f: Resolved): string[] {
  const cols: string[] = [];
  if (f.q) cols.push('a.name_tsv', 'a.abbreviation_unaccent', 'a.code');
  if (f.field) cols.push('a.main_field_code');
  if (f.ministry) cols.push('a.managing_ministry_code');
  if (f.scope) cols.push('a.scope');
  if (f.provinces) cols.push('a.hq_province_code');
  if (f.nature) cols.push('a.nature_code');
  if (f.status) cols.push('a.status');
  if (f.dataLevel) cols.push('a.data_level');
  if (f.published !== undefined) cols.push('a.published');
  if (f.quarterly) cols.push('a.status', 'a.updated_at');
  return cols;
}

/** The sort orders: key expression (text, exact), ORDER BY both ways, keyset conditions. */
interface SortSpec {
  key: string;
  /** The columns of the order (with id): all a page's matching step needs to read. */
  columns: string[];
  order(dir: 'after' | 'before', db: Knex): Array<{ column: string | Knex.Raw; order: 'asc' | 'desc' }>;
  /**
   * The walk's scan of the order (step 2) when the order's index is not on associations (the score's is on
   * association_quality): `columns` of the rows from the cursor on, at most `window` of them.
   */
  scan?(db: Knex, columns: string[], dir: 'after' | 'before', window: number, cursor: ListCursor | null): Knex.QueryBuilder;
  /** Rows after (or before) the row of this key and id in the list order; `inclusive` keeps that row. */
  side(q: Knex.QueryBuilder, side: 'after' | 'before', key: string, id: number, inclusive: boolean): void;
}

/** updated_at as UTC wall time to the microsecond: a cursor key that converts back exactly. */
const UPDATED_KEY = "to_char(a.updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')";
const UPDATED_PARAM = "(?::timestamp AT TIME ZONE 'UTC')";

const ASC = (dir: 'after' | 'before') => (dir === 'after' ? 'asc' : 'desc');
const CMP = (side: 'after' | 'before', inclusive: boolean) => (side === 'after' ? '>' : '<') + (inclusive ? '=' : '');

/** The stored score of the row `a` (-1: not yet computed): the data-quality order's key (issue 16 item 4). */
const QUALITY_KEY = 'coalesce((SELECT q.score FROM association_quality q WHERE q.association_id = a.id), -1)';

const QUALITY_SPEC: SortSpec = {
  key: `${QUALITY_KEY}::text`,
  columns: ['a.id'],
  order: (dir, db) => [
    { column: db.raw(QUALITY_KEY), order: ASC(dir) },
    { column: 'a.id', order: ASC(dir) },
  ],
  side: (q, side, key, id, inclusive) => q.whereRaw(`(${QUALITY_KEY}, a.id) ${CMP(side, inclusive)} (?::int, ?)`, [key, id]),
  // The walk reads the score index (score, association_id) in order; records not yet scored are not walked.
  scan: (db, columns, dir, window, cursor) => {
    const q = db('association_quality as q')
      .join('associations as a', 'a.id', 'q.association_id')
      .select(columns)
      .orderBy([
        { column: 'q.score', order: ASC(dir) },
        { column: 'q.association_id', order: ASC(dir) },
      ])
      .limit(window);
    if (cursor) q.whereRaw(`(q.score, q.association_id) ${CMP(cursor.dir, false)} (?::int, ?)`, [cursor.key, cursor.id]);
    return q;
  },
};

const SPECS: Record<SortKey, SortSpec> = {
  ten: {
    key: 'a.name',
    columns: ['a.id', 'a.name'],
    order: (dir) => [
      { column: 'a.name', order: ASC(dir) },
      { column: 'a.id', order: ASC(dir) },
    ],
    // The name alone as well: the planner estimates it from the column's histogram (not a row comparison's).
    side: (q, side, key, id, inclusive) =>
      q.whereRaw(`a.name ${CMP(side, true)} ? AND (a.name, a.id) ${CMP(side, inclusive)} (?, ?)`, [key, key, id]),
  },
  // Codes are unique: the code alone orders (and its unique index serves it).
  ma: {
    key: 'a.code',
    columns: ['a.id', 'a.code'],
    order: (dir) => [{ column: 'a.code', order: ASC(dir) }],
    side: (q, side, key, _id, inclusive) => q.whereRaw(`a.code ${CMP(side, inclusive)} ?`, [key]),
  },
  // Most recently updated first, then by id: the index (updated_at DESC, id). "After" is older, or as old with a
  // greater id.
  'cap-nhat': {
    key: UPDATED_KEY,
    columns: ['a.id', 'a.updated_at'],
    order: (dir) => [
      { column: 'a.updated_at', order: dir === 'after' ? 'desc' : 'asc' },
      { column: 'a.id', order: ASC(dir) },
    ],
    side: (q, side, key, id, inclusive) =>
      side === 'after'
        ? q.whereRaw(`a.updated_at <= ${UPDATED_PARAM} AND (a.updated_at < ${UPDATED_PARAM} OR a.id ${CMP('after', inclusive)} ?)`, [
            key,
            key,
            id,
          ])
        : q.whereRaw(`a.updated_at >= ${UPDATED_PARAM} AND (a.updated_at > ${UPDATED_PARAM} OR a.id ${CMP('before', inclusive)} ?)`, [
            key,
            key,
            id,
          ]),
  },
  diem: QUALITY_SPEC,
};

const opposite = (dir: 'after' | 'before') => (dir === 'after' ? 'before' : 'after');

/** A cursor as the pager's links carry it: base64url of [key, id]. */
export function encodeCursor(c: ListCursor): string {
  return Buffer.from(JSON.stringify([c.key, c.id]), 'utf8').toString('base64url');
}

const UPDATED_TEXT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})\.\d{6}$/;

/** A UTC wall time the database reads back as the same instant (no 30 February, no hour 24). */
function validUpdatedKey(key: string): boolean {
  const m = UPDATED_TEXT.exec(key);
  if (!m) return false;
  const [y, mo, d, h, mi, sec] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const t = new Date(Date.UTC(y, mo - 1, d, h, mi, sec));
  return (
    y >= 1000 &&
    t.getUTCFullYear() === y &&
    t.getUTCMonth() === mo - 1 &&
    t.getUTCDate() === d &&
    t.getUTCHours() === h &&
    t.getUTCMinutes() === mi &&
    t.getUTCSeconds() === sec
  );
}

/** The cursor of a link, or null when it is not one this sort produced (never a value the database would refuse). */
export function decodeCursor(sort: SortKey, dir: 'after' | 'before', token: string): ListCursor | null {
  if (token.length > 2000 || !/^[A-Za-z0-9_-]+$/.test(token)) return null;
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  if (!Array.isArray(value) || value.length !== 2) return null;
  const [key, id] = value as [unknown, unknown];
  if (typeof key !== 'string' || key.length > 1000 || key.includes('\u0000')) return null;
  if (!Number.isSafeInteger(id) || (id as number) < 1 || (id as number) > 2_147_483_647) return null;
  if (sort === 'cap-nhat' && !validUpdatedKey(key)) return null;
  if (sort === 'diem' && !/^(-1|\d{1,3})$/.test(key)) return null;
  return { dir, key, id: id as number };
}

const PAGE_COLUMNS = [
  'a.id',
  'a.code',
  'a.name',
  'a.abbreviation',
  'a.scope',
  'a.status',
  'a.main_field_code',
  'a.managing_ministry_code',
  'a.hq_province_code',
  'a.data_level',
  'a.published',
  'a.updated_at',
];

type PageRow = ListItem & { sort_key: string };

/**
 * The leader search: its tsquery (the words; when no leader has them, the first typo step some leader matches) and the
 * associations of the matching leaders (GIN index on their tsvector, at most `leaderRows` leaders): all of them, or a
 * sample when the name is common (then checked association by association).
 */
async function resolveLeader(
  db: Knex,
  terms: SearchTermsRepository,
  leaderRows: number,
  leader: string,
): Promise<Pick<Resolved, 'leaderQuery' | 'leaders'>> {
  const read = (tsquery: string): Promise<number[]> =>
    db('leaders as l').whereRaw(`${LEADER_TSV} @@ to_tsquery('simple', ?)`, [tsquery]).limit(leaderRows).pluck('l.association_id');
  const words = await terms.words(leader);
  let leaderQuery = words.length ? prefixTsquery(words) : null;
  let ids = leaderQuery ? await read(leaderQuery) : [];
  if (leaderQuery && ids.length === 0) {
    leaderQuery = null;
    for (const typo of await terms.typoTsqueries(words)) {
      ids = await read(typo);
      leaderQuery = typo;
      if (ids.length > 0) break;
    }
  }
  return { leaderQuery, leaders: { ids: [...new Set(ids.map(Number))], complete: ids.length < leaderRows } };
}

/**
 * The search's words (words mode), the leader search, the province and every former province it succeeded, the
 * associations holding the field as a secondary one.
 */
async function resolve(db: Knex, terms: SearchTermsRepository, limits: Readonly<ListLimits>, filters: ListFilters): Promise<Resolved> {
  const r: Resolved = { ...filters };
  if (filters.q) {
    const words = await terms.words(filters.q);
    r.search = { words, mode: 'words', tsquery: words.length ? prefixTsquery(words) : null };
  }
  if (filters.leader) Object.assign(r, await resolveLeader(db, terms, limits.leaderRows, filters.leader));
  if (filters.province) {
    const former: string[] = await db('provinces').where('successor_code', filters.province).orderBy('code').pluck('code');
    r.provinces = [filters.province, ...former.filter((c) => c !== filters.province)];
  }
  if (filters.field) {
    const ids: number[] = await db('association_other_fields')
      .where('field_code', filters.field)
      .limit(limits.secondaryRows)
      .pluck('association_id');
    r.secondaryIds = ids.length < limits.secondaryRows ? ids.map(Number) : null;
  }
  return r;
}

const strip = (rows: PageRow[]): ListItem[] => rows.map(({ sort_key: _k, ...row }) => row as ListItem);
const cursorOf = (row: PageRow | undefined, dir: 'after' | 'before'): ListCursor | null =>
  row ? { dir, key: row.sort_key, id: Number(row.id) } : null;

/** A page of a list past countCap matches from the rows read (one more than the page when there is a next one). */
function keysetPage(rows: PageRow[], pageSize: number, countCap: number, cursor: ListCursor | null, page: number): ListPage {
  const extra = rows.length > pageSize;
  if (cursor?.dir === 'before') {
    const shown = rows.slice(0, pageSize).reverse();
    return {
      rows: strip(shown),
      total: countCap,
      more: true,
      next: cursorOf(shown.at(-1), 'after'),
      prev: extra ? cursorOf(shown[0], 'before') : null,
    };
  }
  const shown = rows.slice(0, pageSize);
  return {
    rows: strip(shown),
    total: countCap,
    more: true,
    next: extra ? cursorOf(shown.at(-1), 'after') : null,
    prev: cursor || page > 1 ? cursorOf(shown[0], 'before') : null,
  };
}

/** The typo steps of `f` once its words search found nothing (with every filter), to try in turn. */
async function typoSteps(terms: SearchTermsRepository, f: Resolved): Promise<Resolved[]> {
  const search = f.search;
  if (search?.mode !== 'words' || !search.tsquery) return [];
  return (await terms.typoTsqueries(search.words)).map((tsquery) => ({ ...f, search: { ...search, mode: 'typo', tsquery } }));
}

/** Whether any association passes the conditions (one row at most, the leaders probed per association). */
async function anyMatch(db: Knex, f: Resolved): Promise<boolean> {
  const rows = await applyConditions(db('associations as a').select(db.raw('1 AS x')), f, 'probe').limit(1);
  return rows.length > 0;
}

export function createRegisterListRepository(db: Knex, limits: Readonly<ListLimits> = LIST_LIMITS) {
  const { countCap, walkWindow } = limits;
  const terms = createSearchTermsRepository(db);

  /** The matches of the conditions past the cursor, with their sort columns (the CTE `m` of steps 1 and 3). */
  function matching(f: Resolved, sort: SortKey, cursor: ListCursor | null): Knex.QueryBuilder {
    const spec = SPECS[sort];
    const q = applyConditions(db('associations as a').select(spec.columns), f, 'set');
    if (cursor) spec.side(q, cursor.dir, cursor.key, cursor.id, false);
    return q;
  }

  /** The ids of a page of `m` in list order (the page's columns are read for these rows only). */
  function pageIds(sort: SortKey, dir: 'after' | 'before', offset: number, limit: number): Knex.QueryBuilder {
    return db.from('m as a').select('a.id').orderBy(SPECS[sort].order(dir, db)).limit(limit).offset(offset);
  }

  /**
   * Step 1: the first countCap + 1 matches past the cursor, in no order (through the condition indexes): their
   * number, the page sorted from them (exact when there are at most countCap), and the row at `boundAt` in list
   * order among them — the bound of step 3. With a common leader name, first among the sample of its associations:
   * past countCap of them the count is known to stop there, without checking each association's leaders.
   */
  async function sample(
    f: Resolved,
    sort: SortKey,
    cursor: ListCursor | null,
    offset: number,
    limit: number,
    boundAt: number,
  ): Promise<{ n: number; rows: PageRow[]; bound: ListCursor | null }> {
    if (f.leaders && !f.leaders.complete) {
      const within = await sample({ ...f, leaders: { ids: f.leaders.ids, complete: true } }, sort, cursor, offset, limit, boundAt);
      if (within.n > countCap) return within;
    }
    const spec = SPECS[sort];
    const dir = cursor?.dir ?? 'after';
    const bound = db
      .from('m as a')
      .select('a.id as bound_id', db.raw(`${spec.key} AS bound_key`))
      .orderBy(spec.order(dir, db))
      .limit(1)
      .offset(boundAt);
    const rows: Array<PageRow & { n: number; bound_id: number | null; bound_key: string | null }> = await db
      .withMaterialized('m', matching(f, sort, cursor).limit(countCap + 1))
      .from(db.raw('(SELECT count(*)::int AS n FROM m) AS c'))
      .leftJoin(bound.as('b'), (j) => j.on(db.raw('true')))
      .leftJoin(pageIds(sort, dir, offset, limit).as('pg'), (j) => j.on(db.raw('true')))
      .leftJoin('associations as a', 'a.id', 'pg.id')
      .select('c.n', 'b.bound_id', 'b.bound_key', ...PAGE_COLUMNS, db.raw(`${spec.key} AS sort_key`))
      .orderBy(spec.order(dir, db));
    const first = rows[0];
    return {
      n: Number(first?.n ?? 0),
      rows: rows.filter((r) => r.id !== null),
      bound: first?.bound_id ? { dir, key: String(first.bound_key), id: Number(first.bound_id) } : null,
    };
  }

  /**
   * Step 2: walk at most `window` rows of the sort order from the cursor (the index of the order; only the
   * order's and the conditions' columns are read, so a search by name walks the covering name index alone),
   * checking the conditions row by row: a dense list fills its page after a few rows.
   */
  function walk(f: Resolved, sort: SortKey, cursor: ListCursor | null, offset: number, limit: number, window: number) {
    const spec = SPECS[sort];
    const dir = cursor?.dir ?? 'after';
    const columns = [...new Set([...spec.columns, ...conditionColumns(f)])];
    const scan = spec.scan
      ? spec.scan(db, columns, dir, window, cursor)
      : db('associations as a').select(columns).orderBy(spec.order(dir, db)).limit(window);
    if (cursor && !spec.scan) spec.side(scan, cursor.dir, cursor.key, cursor.id, false);
    const hits = applyConditions(db.from(scan.as('a')).select(spec.columns), f, 'probe')
      .orderBy(spec.order(dir, db))
      .limit(limit)
      .offset(offset);
    return db
      .from(hits.as('w'))
      .join('associations as a', 'a.id', 'w.id')
      .select(...PAGE_COLUMNS, db.raw(`${spec.key} AS sort_key`))
      .orderBy(spec.order(dir, db)) as Promise<PageRow[]>;
  }

  /**
   * Step 3: the matches between the cursor and the bound (a match of the sample, so at least `offset + limit` of
   * them lie in that range: the page is among them), through the condition indexes, then sorted. About
   * (offset + limit) × matches / countCap rows, however the matches lie in the list order.
   */
  function range(f: Resolved, sort: SortKey, cursor: ListCursor | null, bound: ListCursor, offset: number, limit: number) {
    const spec = SPECS[sort];
    const m = matching(f, sort, cursor);
    spec.side(m, opposite(bound.dir), bound.key, bound.id, true);
    return db
      .withMaterialized('m', m)
      .from(pageIds(sort, bound.dir, offset, limit).as('pg'))
      .join('associations as a', 'a.id', 'pg.id')
      .select(...PAGE_COLUMNS, db.raw(`${spec.key} AS sort_key`))
      .orderBy(spec.order(bound.dir, db)) as Promise<PageRow[]>;
  }

  return {
    /**
     * One page of the register. Without a cursor, `page` is a page number (offset; past countCap matches only the
     * first countCap rows have numbers); with one, the page after or before that row (only lists of more than
     * countCap matches give cursors).
     */
    async list(filters: ListFilters, sort: SortKey, page: number, pageSize: number, cursor: ListCursor | null = null): Promise<ListPage> {
      let f = await resolve(db, terms, limits, filters);
      const want = pageSize + 1;
      let rows: PageRow[];
      if (!cursor) {
        const offset = (page - 1) * pageSize;
        let first = await sample(f, sort, null, offset, pageSize, offset + pageSize);
        for (const typo of first.n === 0 ? await typoSteps(terms, f) : []) {
          const found = await sample(typo, sort, null, offset, pageSize, offset + pageSize);
          if (found.n === 0) continue;
          f = typo;
          first = found;
          break;
        }
        if (first.n <= countCap) return { rows: strip(first.rows), total: first.n, more: false, next: null, prev: null };
        // More than countCap matches. A page by number goes only as deep as the count does (typed or old links).
        if (offset >= countCap || !first.bound) return { rows: [], total: countCap, more: true, next: null, prev: null };
        rows = await walk(f, sort, null, offset, want, walkWindow * page);
        if (rows.length < want) rows = await range(f, sort, null, first.bound, offset, want);
      } else {
        // A cursor continues a list of more than countCap matches: by typos when its words matched nothing.
        if (f.search?.mode === 'words' && !(await anyMatch(db, f))) {
          for (const typo of await typoSteps(terms, f)) {
            if (!(await anyMatch(db, typo))) continue;
            f = typo;
            break;
          }
        }
        rows = await walk(f, sort, cursor, 0, want, walkWindow);
        if (rows.length < want) {
          const after = await sample(f, sort, cursor, 0, want, pageSize);
          rows = after.n <= countCap || !after.bound ? after.rows : await range(f, sort, cursor, after.bound, 0, want);
        }
      }
      return keysetPage(rows, pageSize, countCap, cursor, page);
    },

    ...exportQueries(db, limits, terms),
  };
}

/**
 * The export of the list (issue 16): the id of every match in list order — list()'s own conditions (resolved the same
 * way) and order, all pages, no count cap — then the rows a chunk at a time.
 */
function exportQueries(db: Knex, limits: Readonly<ListLimits>, terms: SearchTermsRepository) {
  const ids = async (f: Resolved, sort: SortKey): Promise<number[]> =>
    (await applyConditions(db('associations as a'), f, 'set').orderBy(SPECS[sort].order('after', db)).pluck('a.id')).map(Number);
  return {
    /** Every match's id in list order (100,000 ids are a few hundred kilobytes); the list's typo step when none. */
    async matchingIds(filters: ListFilters, sort: SortKey): Promise<number[]> {
      const f = await resolve(db, terms, limits, filters);
      const exact = await ids(f, sort);
      if (exact.length > 0) return exact;
      for (const typo of await typoSteps(terms, f)) {
        const found = await ids(typo, sort);
        if (found.length > 0) return found;
      }
      return exact;
    },

    /** The list columns of these rows, in the order given, with the quarterly update state on `today` (SQL form). */
    async exportRows(
      ids: readonly number[],
      today: string,
    ): Promise<Array<ListItem & { quarterly_state: QuarterlyState; quality_score: number | null }>> {
      if (ids.length === 0) return [];
      const rows: Array<ListItem & { quarterly_state: QuarterlyState; quality_score: number | null }> = await db('associations as a')
        .whereIn('a.id', [...ids])
        .select(
          ...PAGE_COLUMNS,
          quarterlyStateSql(db, today, 'a', 'quarterly_state'),
          // Issue 16 item 4: the stored data-quality score (null: not yet computed).
          db.raw('(SELECT q.score FROM association_quality q WHERE q.association_id = a.id AND q.score >= 0) AS quality_score'),
        );
      const byId = new Map(rows.map((r) => [Number(r.id), r]));
      return ids.flatMap((id) => byId.get(id) ?? []);
    },
  };
}
