/**
 * The staff register list at scale (issue 13, RELIABILITY 40; register-list.repository.ts): the bounded list returns
 * the same rows in the same order, and the same count up to its cap, as a plain reading of every record — kept below
 * as the reference, with the search rule of issue 15 (words, then typos) written out over each record's words — for a
 * fixed set of searches (typos included), filters, orders and pages plus random combinations of them, on demo
 * associations and generated ones (some filed under former provinces, with secondary fields, sharing update times).
 * Small limits make a few hundred records reach every step: exact count, walk, bounded range, keyset pages both ways,
 * pages by number past the cap. Then the page itself: the capped count's wording, keyset links, bad links.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAssociations } from '../../seeds/demo/associations.js';
import { generateAssociations } from '../../seeds/generated/generate.js';
import { Rng } from '../../seeds/generated/rng.js';
import { demoSeedDeps } from '../../src/cli/seeding.js';
import { whereInProvince } from '../../src/db/filters.js';
import {
  COUNT_CAP,
  createRegisterListRepository,
  decodeCursor,
  encodeCursor,
  LIST_LIMITS,
  type ListCursor,
  type ListFilters,
  type ListLimits,
  SORTS,
  type SortKey,
} from '../../src/features/associations/register-list.repository.js';
import { createFakeClock } from '../../src/lib/clock.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';
import { osa } from '../helpers/edit-distance.js';
import { type Agent, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

/**
 * The search rule (src/lib/search-terms.ts) written out plainly over every record: each query word begins a word of
 * the name, or — typo mode — is a word of 3 to 32 letters a–z one slip away from a word of 3 to 32 letters a–z: one
 * word so corrected (the others as typed) first, every word only when that finds nothing.
 */
const FUZZY = /^[a-z]{3,32}$/;
const begins = (name: readonly string[], w: string) => name.some((v) => v.startsWith(w));
const near = (name: readonly string[], w: string) =>
  name.some((v) => v.startsWith(w) || (FUZZY.test(w) && FUZZY.test(v) && osa(w, v) <= 1));
const wordsMatch = (name: readonly string[], query: readonly string[]) => query.every((w) => begins(name, w));
const oneTypo = (name: readonly string[], query: readonly string[]) =>
  query.some((c, i) => near(name, c) && query.every((w, j) => j === i || begins(name, w)));
const everyTypo = (name: readonly string[], query: readonly string[]) => query.every((w) => near(name, w));

/** The first of the rule's steps that finds any of `items`, and what it finds. */
function byRule<T>(
  items: readonly T[],
  wordsOf: (item: T) => string[][],
  query: readonly string[],
  also: (item: T) => boolean = () => false,
): T[] {
  if (query.length === 0) return [];
  for (const match of [wordsMatch, oneTypo, everyTypo]) {
    const found = items.filter((x) => (match === wordsMatch && also(x)) || wordsOf(x).some((words) => match(words, query)));
    if (found.length > 0) return found;
  }
  return [];
}

async function queryWords(db: Knex, q: string): Promise<string[]> {
  const res = await db.raw<{ rows: Array<{ l: string }> }>(
    "SELECT t.lexeme AS l FROM unnest(to_tsvector('simple', f_unaccent(?))) t ORDER BY t.positions[1] LIMIT 8",
    [q],
  );
  return res.rows.map((r) => r.l);
}

/**
 * The list by the rule, every match in list order: the other filters in SQL, the search and the leader search over
 * every record's words — words first, typos only when the words find nothing (the leader's: when no leader at all has
 * them; the name's: with every other filter).
 */
async function referenceIds(db: Knex, filters: ListFilters, sort: SortKey): Promise<number[]> {
  const base = db('associations as a');
  if (filters.field)
    base.where((w) =>
      w.where('a.main_field_code', filters.field as string).orWhereExists(
        db('association_other_fields as o')
          .whereRaw('o.association_id = a.id')
          .andWhere('o.field_code', filters.field as string),
      ),
    );
  if (filters.ministry) base.where('a.managing_ministry_code', filters.ministry);
  if (filters.scope) base.where('a.scope', filters.scope);
  if (filters.province) whereInProvince(db, base, filters.province);
  if (filters.nature) base.where('a.nature_code', filters.nature);
  if (filters.status) base.where('a.status', filters.status);
  if (filters.dataLevel) base.where('a.data_level', filters.dataLevel);
  if (filters.published !== undefined) base.where('a.published', filters.published);
  let rows: Array<{ id: number; code: string; words: string[]; abbreviation: string; leaders: string[] }> = await base
    .select(
      'a.id',
      'a.code',
      db.raw('tsvector_to_array(a.name_tsv) AS words'),
      'a.abbreviation_unaccent as abbreviation',
      db.raw(
        "ARRAY(SELECT array_to_string(tsvector_to_array(to_tsvector('simple', f_unaccent(l.full_name))), ' ') FROM leaders l WHERE l.association_id = a.id) AS leaders",
      ),
    )
    .orderBy(
      sort === 'diem'
        ? // The stored data-quality score (-1 when not yet computed), through its own table.
          [{ column: db.raw('coalesce((SELECT q.score FROM association_quality q WHERE q.association_id = a.id), -1)'), order: 'asc' }]
        : [...SORTS[sort]].map((s) => ({ column: s.column, order: s.order })),
    )
    .orderBy('a.id');
  if (filters.leader) {
    const query = await queryWords(db, filters.leader);
    const all: string[][] = (
      (await db.raw("SELECT tsvector_to_array(to_tsvector('simple', f_unaccent(full_name))) AS w FROM leaders")) as {
        rows: Array<{ w: string[] }>;
      }
    ).rows.map((r) => r.w);
    // The step is the first that some leader, anywhere, matches; then the associations with such a leader.
    const step = [wordsMatch, oneTypo, everyTypo].find((match) => all.some((l) => match(l, query)));
    rows = query.length && step ? rows.filter((r) => r.leaders.some((l) => step(l.split(' '), query))) : [];
  }
  if (filters.q) {
    const q = filters.q;
    const query = await queryWords(db, q);
    const folded = String(((await db.raw('SELECT f_unaccent(?) AS f', [q])) as { rows: Array<{ f: string }> }).rows[0]?.f);
    rows = byRule(
      rows,
      (r) => [r.words],
      query,
      (r) => r.abbreviation.includes(folded) || r.code === q.toUpperCase(),
    );
  }
  return rows.map((r) => Number(r.id));
}

const SORT_KEYS = Object.keys(SORTS) as SortKey[];
const PAGE = 10;

let db: TestDatabase;
/** Filters worth asking, drawn from the data itself. */
let cases: ListFilters[];

beforeAll(async () => {
  db = await createTestDatabase();
  const k = db.knex;
  // Demo records (one clock: they share their update time, so the id breaks the ties) and generated ones.
  await seedDemoAssociations(k, demoSeedDeps(k, createFakeClock(new Date('2026-12-01T03:00:00Z'))), { count: 40 });
  await generateAssociations(k, { size: 420, seed: 13, batchSize: 210 });
  await k('associations').where('code', 'H500007').update({ abbreviation: 'K_100%' });

  const pick = async (sql: string) => ((await k.raw(sql)) as { rows: Array<{ v: string }> }).rows.map((r) => r.v);
  const formerSuccessors = await pick(
    `SELECT DISTINCT p.successor_code AS v FROM associations a JOIN provinces p ON p.code = a.hq_province_code
     WHERE p.successor_code IS NOT NULL AND p.successor_code <> a.hq_province_code ORDER BY 1 LIMIT 3`,
  );
  const formerCodes = await pick(
    'SELECT DISTINCT a.hq_province_code AS v FROM associations a JOIN provinces p ON p.code = a.hq_province_code WHERE p.successor_code IS NOT NULL ORDER BY 1 LIMIT 2',
  );
  const secondary = await pick('SELECT field_code AS v FROM association_other_fields GROUP BY 1 ORDER BY count(*) DESC LIMIT 2');
  const mains = await pick('SELECT main_field_code AS v FROM associations GROUP BY 1 ORDER BY count(*) DESC LIMIT 2');
  const leaderWords = await pick(
    `SELECT split_part(full_name, ' ', 1) || ' ' || split_part(full_name, ' ', 2) AS v FROM leaders GROUP BY 1 ORDER BY count(*) DESC LIMIT 2`,
  );
  const oneLeader = await pick('SELECT full_name AS v FROM leaders ORDER BY id DESC LIMIT 1');
  const ministries = await pick(
    'SELECT managing_ministry_code AS v FROM associations WHERE managing_ministry_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1',
  );
  const natures = await pick(
    'SELECT nature_code AS v FROM associations WHERE nature_code IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC LIMIT 1',
  );
  expect(formerSuccessors.length).toBeGreaterThan(0);
  expect(formerCodes.length).toBeGreaterThan(0);

  const fixed: ListFilters[] = [
    {},
    { q: 'hoi' },
    { q: 'khuyen hoc' },
    { q: 'nguoi cao tuoi' },
    { q: 'HỘI NGƯỜI' },
    { q: 'Đông Y' },
    { q: 'viet nam' },
    { q: 'h500123' },
    { q: 'K_100%' },
    { q: '%' },
    { q: '_' },
    { q: 'không có hội này' },
    // Typos (issue 15): one slip in a 3-, 4- and 5-letter word, diacritics kept, a word nowhere near, a 2-letter word.
    { q: 'khuyen hco' },
    { q: 'cuu chien bihn' },
    { q: 'Cựu chến binh' },
    { q: 'nguoi cao tuoy' },
    { q: 'uoi' },
    { q: 'hoi xqzw' },
    { q: 'cau lac bi' },
    { q: 'thanh nein', status: 'hoat_dong' },
    { q: 'cuu chein bihn' },
    { q: 'cau lca bi' },
    { leader: 'ngyuen van' },
    { leader: 'Trần Thi Hao' },
    { leader: 'tran xqzw' },
    ...leaderWords.map((leader) => ({ leader })),
    { leader: 'nguyen van' },
    { leader: (oneLeader[0] ?? '').toLowerCase() },
    { leader: 'zzz' },
    ...[...secondary, ...mains].map((field) => ({ field })),
    ...formerSuccessors.map((province) => ({ province })),
    ...formerCodes.map((province) => ({ province })),
    { status: 'giai_the' },
    { status: 'hoat_dong' },
    { scope: 'xa' },
    { scope: 'toan_quoc' },
    { published: true },
    { published: false, dataLevel: 'raw' },
    { ministry: ministries[0] as string },
    { nature: natures[0] as string, status: 'hoat_dong' },
    { q: 'hoi', province: formerSuccessors[0] as string },
    { field: secondary[0] as string, scope: 'xa' },
    { leader: leaderWords[0] as string, published: true },
  ];
  // Random combinations of the same values, the same every run.
  const rng = new Rng(1313);
  const values: Array<(f: ListFilters) => void> = [
    (f) => (f.q = rng.pick(['hoi', 'tinh', 'cau lac bo', 'thanh nien', 'xa ', 'a', 'tihn', 'cau lca bo', 'thahn nien'])),
    (f) => (f.field = rng.pick([...secondary, ...mains])),
    (f) => (f.province = rng.pick([...formerSuccessors, ...formerCodes, '01', '79'])),
    (f) => (f.status = rng.pick(['hoat_dong', 'giai_the', 'dang_thanh_lap'])),
    (f) => (f.scope = rng.pick(['xa', 'tinh', 'huyen'])),
    (f) => (f.published = rng.chance(0.5)),
    (f) => (f.dataLevel = rng.pick(['raw', 'basic', 'advanced'])),
    (f) => (f.leader = rng.pick([...leaderWords, 'thi', 'van', 'thii', 'nguyne'])),
  ];
  const random: ListFilters[] = Array.from({ length: 10 }, () => {
    const f: ListFilters = {};
    for (let i = rng.int(1, 3); i > 0; i--) rng.pick(values)(f);
    return f;
  });
  cases = [...fixed, ...random];
}, 180_000);

afterAll(async () => {
  await db?.destroy();
});

type Repo = ReturnType<typeof createRegisterListRepository>;

/** Walk every page by "Trang sau" (or by number while the count is exact) and back by "Trang trước". */
async function checkAgainstReference(repo: Repo, limits: Readonly<ListLimits>, f: ListFilters, sort: SortKey, expected: number[]) {
  const label = `${JSON.stringify(f)} ${sort}`;
  const first = await repo.list(f, sort, 1, PAGE);
  if (expected.length <= limits.countCap) {
    expect(first.more, label).toBe(false);
    expect(first.total, label).toBe(expected.length);
    // Pages by number, each the reference's slice.
    for (let p = 1; (p - 1) * PAGE < Math.max(1, expected.length); p++) {
      const page = p === 1 ? first : await repo.list(f, sort, p, PAGE);
      expect(
        page.rows.map((r) => r.id),
        `${label} page ${p}`,
      ).toEqual(expected.slice((p - 1) * PAGE, p * PAGE));
      expect(page.next, label).toBeNull();
    }
    return;
  }
  expect(first.more, label).toBe(true);
  expect(first.total, label).toBe(limits.countCap);
  // Forward by keyset to the end: exactly the reference's rows, page by page.
  const pages: number[][] = [];
  let page = first;
  for (;;) {
    const p = pages.length;
    expect(
      page.rows.map((r) => r.id),
      `${label} keyset page ${p + 1}`,
    ).toEqual(expected.slice(p * PAGE, (p + 1) * PAGE));
    pages.push(page.rows.map((r) => r.id));
    if (!page.next) break;
    expect(pages.length, label).toBeLessThan(expected.length);
    page = await repo.list(f, sort, pages.length + 1, PAGE, page.next);
  }
  expect(pages.flat(), label).toEqual(expected);
  // Back again by "Trang trước" from the last page: the same pages.
  for (let p = pages.length - 1; p > 0; p--) {
    expect(page.prev, `${label} back from ${p + 1}`).not.toBeNull();
    page = await repo.list(f, sort, p, PAGE, page.prev);
    expect(
      page.rows.map((r) => r.id),
      `${label} back to page ${p}`,
    ).toEqual(pages[p - 1]);
  }
  // Pages by number go as deep as the count (typed links), the same rows as by keyset.
  const numbered = Math.floor(limits.countCap / PAGE);
  for (const p of [2, numbered]) {
    const byNumber = await repo.list(f, sort, p, PAGE);
    expect(
      byNumber.rows.map((r) => r.id),
      `${label} page ${p} by number`,
    ).toEqual(expected.slice((p - 1) * PAGE, p * PAGE));
  }
  expect((await repo.list(f, sort, numbered + 1, PAGE)).rows, `${label} past the numbered pages`).toEqual([]);
}

describe('the bounded staff list returns what the search rule finds in every record', () => {
  // Small limits: every step on a few hundred records. A walk of 8 rows mostly falls short (range step); of 150 rows
  // mostly fills the page (walk step).
  const SETS: Array<[string, ListLimits]> = [
    ['range', { countCap: 30, walkWindow: 8, leaderRows: 25, secondaryRows: 4 }],
    ['walk', { countCap: 60, walkWindow: 150, leaderRows: 400, secondaryRows: 400 }],
  ];
  // The reference rows of a case in an order, read once for every set of limits below (nothing here writes).
  const references = new Map<string, Promise<number[]>>();
  const reference = (f: ListFilters, sort: SortKey): Promise<number[]> => {
    const key = `${JSON.stringify(f)} ${sort}`;
    const known = references.get(key) ?? referenceIds(db.knex, f, sort);
    references.set(key, known);
    return known;
  };
  for (const [name, limits] of SETS) {
    it(`every case, every order, every page (${name} limits)`, async () => {
      const repo = createRegisterListRepository(db.knex, limits);
      for (const f of cases) for (const sort of SORT_KEYS) await checkAgainstReference(repo, limits, f, sort, await reference(f, sort));
    }, 600_000);
  }

  it('with the real limits (everything here below the cap): the same pages by number', async () => {
    const repo = createRegisterListRepository(db.knex);
    expect(LIST_LIMITS.countCap).toBe(COUNT_CAP);
    for (const f of cases.slice(0, 20))
      for (const sort of SORT_KEYS) await checkAgainstReference(repo, LIST_LIMITS, f, sort, await reference(f, sort));
  }, 300_000);

  it('finds records filed under a former province from its successor, and a former province alone', async () => {
    const repo = createRegisterListRepository(db.knex);
    const former = await db
      .knex('associations as a')
      .join('provinces as p', 'p.code', 'a.hq_province_code')
      .whereNotNull('p.successor_code')
      .whereRaw('p.successor_code <> a.hq_province_code')
      .first('a.id', 'p.successor_code', 'a.hq_province_code');
    expect(former).toBeDefined();
    const bySuccessor = await repo.list({ province: former.successor_code }, 'ma', 1, 1000);
    expect(bySuccessor.rows.map((r) => r.id)).toContain(former.id);
    const byFormer = await repo.list({ province: former.hq_province_code }, 'ma', 1, 1000);
    expect(byFormer.rows.map((r) => r.id)).toContain(former.id);
    expect(byFormer.rows.every((r) => r.hq_province_code === former.hq_province_code)).toBe(true);
  });

  it('cursors round-trip, and links of another order or forged ones are refused', () => {
    const c: ListCursor = { dir: 'after', key: '2026-11-30 10:00:00.123456', id: 42 };
    expect(decodeCursor('cap-nhat', 'after', encodeCursor(c))).toEqual(c);
    expect(decodeCursor('ten', 'before', encodeCursor({ dir: 'after', key: 'Hội Đông y', id: 7 }))).toEqual({
      dir: 'before',
      key: 'Hội Đông y',
      id: 7,
    });
    expect(decodeCursor('cap-nhat', 'after', encodeCursor({ dir: 'after', key: 'Hội Đông y', id: 7 }))).toBeNull();
    for (const bad of ['', 'x', '%%%', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('["k",-1]').toString('base64url')])
      expect(decodeCursor('ten', 'after', bad), bad).toBeNull();
    // Nothing the database would refuse (a 500): an impossible time, a NUL, an id past integer.
    expect(decodeCursor('cap-nhat', 'after', encodeCursor({ dir: 'after', key: '2026-02-30 10:00:00.000000', id: 1 }))).toBeNull();
    expect(decodeCursor('cap-nhat', 'after', encodeCursor({ dir: 'after', key: '2026-11-30 24:00:00.000000', id: 1 }))).toBeNull();
    expect(decodeCursor('ten', 'after', encodeCursor({ dir: 'after', key: 'Hội\u0000', id: 1 }))).toBeNull();
    expect(decodeCursor('ten', 'after', encodeCursor({ dir: 'after', key: 'Hội', id: 2 ** 31 }))).toBeNull();
  });
});

describe('the register list page past the cap', () => {
  let t: TestContext;
  let staff: Agent;
  const EXTRA = COUNT_CAP + 37;

  beforeAll(async () => {
    t = await buildTestApp();
    // More "Khuyến học" associations than the list counts, with names in a known order.
    await t.db.knex.raw(
      `INSERT INTO associations (code, name, kind_code, scope, status, main_field_code)
       SELECT 'H7' || lpad(g::text, 5, '0'), 'Hội Khuyến học số ' || lpad(g::text, 5, '0'), 'hoi', 'xa', 'hoat_dong', 'GDDT'
       FROM generate_series(1, ?) g`,
      [EXTRA],
    );
    await t.db.knex.raw('ANALYZE associations');
    staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  }, 120_000);
  afterAll(() => t.db.destroy());

  const nameOf = (i: number) => `Hội Khuyến học số ${String(i).padStart(5, '0')}`;
  const linkOf = (html: string, text: string) => {
    const m = html.match(new RegExp(`<a class="page-link" href="([^"]+)"[^>]*>${text}</a>`));
    return m ? (m[1] as string).replaceAll('&amp;', '&') : null;
  };

  it('says "Có hơn 2.000 kết quả" and pages on with "Trang sau" and back with "Trang trước"', async () => {
    const first = await staff.get('/quan-tri/hoi').query({ q: 'khuyen hoc' });
    expect(first.status).toBe(200);
    expect(first.text).toContain(`Có hơn <strong>${COUNT_CAP.toLocaleString('vi-VN')}</strong> kết quả, trang 1.`);
    expect(first.text).toContain(nameOf(1));
    expect(first.text).toContain(nameOf(25));
    expect(first.text).not.toContain(nameOf(26));
    const next = linkOf(first.text, 'Trang sau');
    expect(next).toMatch(/^\/quan-tri\/hoi\?q=khuyen\+hoc&trang=2&sau=[A-Za-z0-9_-]+$/);
    const second = await staff.get(next as string);
    expect(second.status).toBe(200);
    expect(second.text).toContain(', trang 2.');
    expect(second.text).toContain(nameOf(26));
    expect(second.text).toContain(nameOf(50));
    expect(second.text).not.toContain(nameOf(25));
    const third = await staff.get(linkOf(second.text, 'Trang sau') as string);
    expect(third.text).toContain(nameOf(51));
    const back = await staff.get(linkOf(third.text, 'Trang trước') as string);
    expect(back.text).toContain(', trang 2.');
    expect(back.text).toContain(nameOf(26));
    expect(back.text).toContain(nameOf(50));
    // From page 2, "Trang trước" is page 1 itself (no cursor).
    expect(linkOf(back.text, 'Trang trước')).toBe('/quan-tri/hoi?q=khuyen+hoc');
  });

  it('the last page has no "Trang sau"', async () => {
    const repo = createRegisterListRepository(t.db.knex);
    // The cursor of the row before the last 12 (names are in number order).
    const before = await t.db
      .knex('associations')
      .where('name', nameOf(EXTRA - 12))
      .first('id');
    const last = await staff.get('/quan-tri/hoi').query({
      q: 'khuyen hoc',
      trang: 99,
      sau: encodeCursor({ dir: 'after', key: nameOf(EXTRA - 12), id: before.id }),
    });
    expect(last.status).toBe(200);
    expect(last.text).toContain(nameOf(EXTRA));
    expect(last.text).not.toContain(nameOf(EXTRA - 12));
    expect(linkOf(last.text, 'Trang sau')).toBeNull();
    expect(linkOf(last.text, 'Trang trước')).not.toBeNull();
    expect((await repo.list({ q: 'khuyen hoc' }, 'ten', 99, 25, { dir: 'after', key: nameOf(EXTRA - 12), id: before.id })).next).toBeNull();
  });

  it('a page number past the counted results answers 200 with a way back, not a scan', async () => {
    const deep = await staff.get('/quan-tri/hoi').query({ q: 'khuyen hoc', trang: 500 });
    expect(deep.status).toBe(200);
    expect(deep.text).toContain('Trang này không mở thẳng được');
    expect(linkOf(deep.text, 'Trang đầu')).toBe('/quan-tri/hoi?q=khuyen+hoc');
  });

  it('refuses a forged or mismatched page link with 400', async () => {
    for (const query of [
      { sau: 'not-a-cursor!' },
      { sau: encodeCursor({ dir: 'after', key: 'Hội', id: 1 }), 'sap-xep': 'cap-nhat' },
      { sau: encodeCursor({ dir: 'after', key: 'Hội', id: 1 }), truoc: encodeCursor({ dir: 'before', key: 'Hội', id: 1 }) },
    ]) {
      const res = await staff.get('/quan-tri/hoi').query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
    }
  });

  it('a short list keeps its exact count and numbered pager', async () => {
    const res = await staff.get('/quan-tri/hoi').query({ q: nameOf(7) });
    expect(res.status).toBe(200);
    expect(res.text).toContain('Tìm thấy <strong>1</strong> hội');
    expect(res.text).not.toContain('Có hơn');
  });
});
