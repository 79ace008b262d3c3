/**
 * Public pages and open data (R-17.2, SPEC §5–6, issue 4): search without diacritics, case or small typos, ranked;
 * only published records; only the fields of the public-field regime; CSV and JSON agree with the list; no session
 * (RELIABILITY 10), no leader personal data (13), escaped output (15), bound/allow-listed parameters (18),
 * neutralised formulas (20).
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/middleware/session.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type AssociationColumns, anAssociation, insertAssociations } from '../helpers/builders.js';
import { parseCsv } from '../helpers/csv.js';
import { login } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

const XSS = `<script>alert("x")</script><img src=x onerror=alert(1)> Hội 'thử' & "nghiệm"`;
const FORMULA = '=HYPERLINK("http://evil.example","bấm")';

/** The sentinel planted in every personal or internal field: it must never leave through a public response. */
const SENTINELS = ['1901', '0999999999', 'sentinel@', 'SENTINEL'];

/** An error page shows a random request id (a UUID) that may happen to contain a sentinel's digits: drop it first. */
const withoutRequestIds = (body: string) => body.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<id>');

interface Seed {
  code: string;
  name: string;
  published: boolean;
  field?: string;
  other?: string[];
  province?: string;
  scope?: AssociationColumns['scope'];
  abbreviation?: string;
}

const SEEDS: Seed[] = [
  {
    code: 'H900001',
    name: 'Hội Người cao tuổi Việt Nam',
    published: true,
    field: 'XHND',
    other: ['YTE'],
    province: '01',
    abbreviation: 'HNCT',
  },
  { code: 'H900002', name: 'Câu lạc bộ hưu trí người cao tuổi Hà Giang', published: true, field: 'XHND', province: 'cu-02', scope: 'tinh' },
  { code: 'H900003', name: 'Hội Người mù Việt Nam', published: true, field: 'XHND', province: '01' },
  { code: 'H900004', name: 'Hội Đông y Việt Nam', published: true, field: 'YTE', province: '01' },
  { code: 'H900005', name: 'Hội Dòng Yên Bái', published: true, field: 'VHNT', province: '15', scope: 'lien_tinh' },
  { code: 'H900009', name: 'Hội Tự động hóa Việt Nam', published: true, field: 'KHCN' },
  { code: 'H900006', name: 'Hội Người cao tuổi chưa công khai', published: false, field: 'XHND', province: '01' },
  { code: 'H900007', name: FORMULA, published: true, field: 'KHCN' },
  { code: 'H900008', name: XSS, published: true, field: 'KHCN' },
];
const SPORTS: Seed[] = Array.from({ length: 25 }, (_, i) => ({
  code: `H9001${String(i).padStart(2, '0')}`,
  name: `Liên đoàn thể thao số ${i + 1}`,
  published: true,
  field: 'DNHN',
}));
const UNPUBLISHED = 'H900006';

/** Rows straight into the database (faster than the staff form; the form is tested in associations.test.ts). */
async function seed(t: TestContext): Promise<void> {
  const associations = [...SEEDS, ...SPORTS].map((s) =>
    anAssociation({
      code: s.code,
      name: s.name,
      abbreviation: s.abbreviation ?? null,
      scope: s.scope ?? 'toan_quoc',
      main_field_code: s.field ?? 'XHND',
      hq_province_code: s.province ?? null,
      nature_code: 'XHNDTT',
      members_total: 9_500_000,
      purpose: 'Tập hợp, đoàn kết hội viên.',
      phone: '024 3825 1234',
      email: 'lienhe@hoi.example.vn',
      website: 'https://hoi.example.vn',
      published: s.published,
      // Internal fields with sentinels: never public.
      tax_code: '0999999999',
      paper_dossier_ref: 'SENTINEL hồ sơ giấy',
      other_identifiers: 'SENTINEL',
      data_level: 'advanced',
    })
      .withOtherFields(s.other ?? [])
      .withDecisions([{ event_type: 'cho_phep_thanh_lap', number: `${s.code}/QĐ-BNV`, signed_on: '2005-06-01' }])
      .withLeaders([
        {
          full_name: 'Nguyễn Thị Chủ Tịch',
          position_code: 'CT',
          birth_year: 1901,
          gender: 'nu',
          phone: '0999999999',
          email: 'sentinel@example.invalid',
          outside_position: 'SENTINEL chức vụ ngoài hội',
          qualification: 'SENTINEL',
          academic_title: 'SENTINEL',
          official_status: 'nghi_huu',
          elected_on: '2021-03-15',
        },
        // A former president: not the current one.
        { full_name: 'Trần Văn Tiền Nhiệm', position_code: 'CT', left_on: '2021-03-14', elected_on: '2016-03-15' },
      ]),
  );
  await insertAssociations(t.db.knex, associations);
}

let t: TestContext;
let t79: TestContext;

beforeAll(async () => {
  [t, t79] = await Promise.all([buildTestApp(), buildTestApp({ PUBLIC_FIELDS_REGIME: '79-2022' })]);
  await Promise.all([seed(t), seed(t79)]);
});
afterAll(async () => {
  await Promise.all([t.db.destroy(), t79.db.destroy()]);
});

/** Codes of the list page's rows, in order. */
function listCodes(html: string): string[] {
  return [...html.matchAll(/<td><a href="\/hoi\/(H\d{6})">/g)].map((m) => m[1] as string);
}

function rawBody(req: request.Test) {
  return req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });
}

async function csvOf(ctx: TestContext, query: Record<string, string> = {}) {
  const res = await rawBody(request(ctx.app).get('/du-lieu-mo/hoi.csv').query(query));
  expect(res.status).toBe(200);
  const buf = res.body as Buffer;
  const text = buf.toString('utf8');
  return { res, buf, text, rows: parseCsv(text) };
}

async function jsonOf(ctx: TestContext, query: Record<string, string> = {}) {
  const res = await request(ctx.app).get('/du-lieu-mo/hoi.json').query(query);
  expect(res.status).toBe(200);
  return res.body as { metadata: { regime: string; count: number; generated_at: string }; data: Array<Record<string, unknown>> };
}

describe('public search (SPEC §5)', () => {
  it.each([
    ['hoi nguoi cao tuoi', 'H900001'],
    ['HOI NGUOI MU', 'H900003'],
    ['dong y', 'H900004'],
    ['Đông y', 'H900004'],
    ['nguoi cao tuoy', 'H900001'],
    ['Hội Người cao tuổi Việt Nam', 'H900001'],
    ['hnct', 'H900001'],
    ['h900003', 'H900003'],
  ])('%s finds %s first', async (q, first) => {
    const res = await request(t.app).get('/hoi').query({ q });
    expect(res.status).toBe(200);
    const codes = listCodes(res.text);
    expect(codes[0], `${q}: ${codes.join(' ')}`).toBe(first);
    expect(codes).not.toContain(UNPUBLISHED);
  });

  it('finds every association containing the words, the closest first, and only those', async () => {
    const codes = listCodes((await request(t.app).get('/hoi').query({ q: 'nguoi cao tuoi' })).text);
    expect(codes.slice(0, 2)).toEqual(['H900001', 'H900002']);
    expect(codes).not.toContain('H900003');
    expect(codes).not.toContain(UNPUBLISHED);
  });

  it('ranks an accented substring before a match found only without diacritics', async () => {
    const accented = listCodes((await request(t.app).get('/hoi').query({ q: 'Đông Y' })).text);
    expect(accented.slice(0, 2)).toEqual(['H900004', 'H900005']);
    const plain = listCodes((await request(t.app).get('/hoi').query({ q: 'dong y' })).text);
    expect(plain).toEqual(expect.arrayContaining(['H900004', 'H900005']));
    // "dong" inside "động" and a trigram likeness of 0.71 are not enough.
    expect(plain).not.toContain('H900009');
  });

  it('says so when nothing matches', async () => {
    const res = await request(t.app).get('/hoi').query({ q: 'không có hội nào như thế này' });
    expect(res.status).toBe(200);
    expect(listCodes(res.text)).toEqual([]);
    expect(res.text).toContain('Tìm thấy <strong>0</strong> hội');
  });

  it('filters by field (main or other), scope and province (a former province through its successor)', async () => {
    const yte = listCodes((await request(t.app).get('/hoi').query({ 'linh-vuc': 'YTE' })).text);
    expect(yte.sort()).toEqual(['H900001', 'H900004']);
    const lienTinh = listCodes((await request(t.app).get('/hoi').query({ 'pham-vi': 'lien_tinh' })).text);
    expect(lienTinh).toEqual(['H900005']);
    // H900002 is filed under the former Hà Giang (cu-02), succeeded by Tuyên Quang (08).
    const tuyenQuang = listCodes((await request(t.app).get('/hoi').query({ tinh: '08' })).text);
    expect(tuyenQuang).toEqual(['H900002']);
  });

  it('pages 20 at a time, and the CSV holds every page of the current results', async () => {
    const p1 = await request(t.app).get('/hoi').query({ 'linh-vuc': 'DNHN' });
    expect(listCodes(p1.text)).toHaveLength(20);
    expect(p1.text).toContain('Tìm thấy <strong>25</strong> hội');
    expect(p1.text).toContain('href="/hoi?linh-vuc=DNHN&amp;trang=2"');
    const p2 = await request(t.app).get('/hoi').query({ 'linh-vuc': 'DNHN', trang: '2' });
    expect(listCodes(p2.text)).toHaveLength(5);
    expect(p1.text).toContain('href="/du-lieu-mo/hoi.csv?linh-vuc=DNHN"');
    const csv = await csvOf(t, { 'linh-vuc': 'DNHN' });
    expect(csv.rows.slice(1).map((r) => r[0])).toEqual([...listCodes(p1.text), ...listCodes(p2.text)]);
  });
});

describe('public search: full text, typo fallback, capped count, cache (SPEC §7)', () => {
  it('finds words by their beginnings (full text), never by the middle of a word', async () => {
    const codes = listCodes((await request(t.app).get('/hoi').query({ q: 'ngu cao' })).text);
    expect(codes.slice(0, 2).sort()).toEqual(['H900001', 'H900002']);
    expect(codes).not.toContain('H900003');
    // "ươ" is inside "người", at the start of no word, and a word of two letters is never corrected.
    expect(listCodes((await request(t.app).get('/hoi').query({ q: 'ươ' })).text)).toEqual([]);
  });

  it('reads tsquery operators in the query as plain characters: every word is still required', async () => {
    for (const q of ['cao:* | mu', "mu' | 'cao", 'cao & !tuoi', '(mu | cao)', 'mu <-> cao', 'cao\\ | mu']) {
      const res = await request(t.app).get('/hoi').query({ q });
      expect(res.status, q).toBe(200);
      // An OR would find Hội Người mù (H900003) and the cao tuổi associations; no name has both "cao" and "mu".
      expect(listCodes(res.text), q).not.toContain('H900003');
    }
    expect(
      listCodes((await request(t.app).get('/hoi').query({ q: 'cao & tuoi' })).text)
        .slice(0, 2)
        .sort(),
    ).toEqual(['H900001', 'H900002']);
  });

  it('falls back to typo tolerance only when no name has the words (a typo)', async () => {
    // "tuoy" begins no word: the full-text search finds nothing, the typo search finds the cao tuổi associations.
    const typo = listCodes((await request(t.app).get('/hoi').query({ q: 'nguoi cao tuoy' })).text);
    expect(typo.slice(0, 2).sort()).toEqual(['H900001', 'H900002']);
    expect(typo).not.toContain(UNPUBLISHED);
    // With the words present, the typo matches are not added: "nguoi mu" finds the one name with both words.
    expect(listCodes((await request(t.app).get('/hoi').query({ q: 'nguoi mu' })).text)).toEqual(['H900003']);
  });

  describe('over 1,000 matches, and the cache', () => {
    let big: TestContext;
    const N = 1005;
    const code = (i: number) => `H95${String(i).padStart(4, '0')}`;

    beforeAll(async () => {
      big = await buildTestApp();
      await insertAssociations(big.db.knex, [
        ...Array.from({ length: N }, (_, i) =>
          anAssociation({
            code: code(i),
            name: `Câu lạc bộ Cờ tướng phường số ${i + 1}`,
            scope: 'tinh',
            main_field_code: 'VHNT',
            published: true,
          }),
        ),
        anAssociation({
          code: 'H959999',
          name: 'Câu lạc bộ Bóng bàn chưa công khai',
          scope: 'tinh',
          main_field_code: 'VHNT',
          published: false,
        }),
      ]);
    }, 120_000);
    afterAll(async () => {
      await big.db.destroy();
    });

    it('says "Có hơn 1.000 kết quả" instead of counting past 1,000, and pages on while pages are full', async () => {
      const p1 = await request(big.app).get('/hoi').query({ q: 'co tuong' });
      expect(p1.status).toBe(200);
      expect(p1.text).toContain('Có hơn <strong>1.000</strong> kết quả, trang 1.');
      expect(p1.text).not.toContain('Tìm thấy <strong>');
      expect(listCodes(p1.text)).toHaveLength(20);
      expect(p1.text).toContain('href="/hoi?q=co+tuong&amp;trang=2" rel="next"');
      // The bare list too.
      expect((await request(big.app).get('/hoi')).text).toContain('Có hơn <strong>1.000</strong> kết quả');
      const p50 = await request(big.app).get('/hoi').query({ q: 'co tuong', trang: '50' });
      expect(listCodes(p50.text)).toHaveLength(20);
      expect(p50.text).toContain('href="/hoi?q=co+tuong&amp;trang=51" rel="next"');
      const p51 = await request(big.app).get('/hoi').query({ q: 'co tuong', trang: '51' });
      expect(listCodes(p51.text)).toHaveLength(N - 1000);
      expect(p51.text).not.toContain('rel="next"');
      // Open data holds every match, exactly counted, in the list's order (the first and the last page).
      const json = await jsonOf(big, { q: 'co tuong' });
      expect(json.metadata.count).toBe(N);
      const jsonCodes = json.data.map((r) => r.code);
      expect(jsonCodes.slice(0, 20)).toEqual(listCodes(p1.text));
      expect(jsonCodes.slice(980, 1000)).toEqual(listCodes(p50.text));
      expect(jsonCodes.slice(1000)).toEqual(listCodes(p51.text));
      const csv = await csvOf(big, { q: 'co tuong' });
      expect(csv.rows.slice(1).map((r) => r[0])).toEqual(jsonCodes);
    });

    it('the ranking of a large result: shortest matching names first, as the similarity orders them', async () => {
      const codes = listCodes((await request(big.app).get('/hoi').query({ q: 'co tuong' })).text);
      // "… số 1" … "… số 9" are the shortest names (fewest trigrams), so the most similar to the query.
      expect(codes.slice(0, 9).sort()).toEqual(Array.from({ length: 9 }, (_, i) => code(i)).sort());
    });

    it('serves a repeated list from the cache, and a write (edit, publish) is seen by the very next request', async () => {
      const stats = big.services.publicData.cacheStats;
      const query = { q: 'bong ban' };
      expect(listCodes((await request(big.app).get('/hoi').query(query)).text)).toEqual([]);
      const hits = stats.hits;
      expect(listCodes((await request(big.app).get('/hoi').query(query)).text)).toEqual([]);
      expect(stats.hits).toBeGreaterThan(hits);

      // An edit of a published record.
      await big.db
        .knex('associations')
        .where({ code: code(7) })
        .update({ name: 'Câu lạc bộ Bóng bàn phường số 8' });
      expect(listCodes((await request(big.app).get('/hoi').query(query)).text)).toEqual([code(7)]);
      // Publishing a record.
      await big.db.knex('associations').where({ code: 'H959999' }).update({ published: true });
      expect(listCodes((await request(big.app).get('/hoi').query(query)).text).sort()).toEqual([code(7), 'H959999'].sort());
      // Unpublishing it again.
      await big.db.knex('associations').where({ code: 'H959999' }).update({ published: false });
      expect(listCodes((await request(big.app).get('/hoi').query(query)).text)).toEqual([code(7)]);
    });
  });
});

describe('public pages', () => {
  it('home: counts of published associations by field and by scope, linked to the list, and a search box', async () => {
    const res = await request(t.app).get('/');
    expect(res.status).toBe(200);
    expect(res.text).toContain('action="/hoi"');
    expect(res.text).toContain(`Hiện có <strong>${SEEDS.length - 1 + SPORTS.length}</strong> hội được công khai`);
    // YTE: H900001 (other field) and H900004 (main field).
    expect(res.text).toMatch(/<a href="\/hoi\?linh-vuc=YTE">Y tế, dược, đông y<\/a><\/td><td class="text-end">2<\/td>/);
    expect(res.text).toMatch(/href="\/hoi\?pham-vi=lien_tinh">Liên tỉnh<\/a>\s*<span[^>]*>1<\/span>/);
    expect(res.text).toContain('href="/huong-dan"');
  });

  it('the home and field counts come from the cache and follow a publication at the next request', async () => {
    const count = (html: string) => Number(/Hiện có <strong>(\d+)<\/strong> hội được công khai/.exec(html)?.[1]);
    const before = count((await request(t.app).get('/')).text);
    const hits = t.services.publicData.cacheStats.hits;
    expect(count((await request(t.app).get('/')).text)).toBe(before);
    expect(t.services.publicData.cacheStats.hits).toBeGreaterThan(hits);
    await t.db.knex('associations').where({ code: UNPUBLISHED }).update({ published: true });
    try {
      expect(count((await request(t.app).get('/')).text)).toBe(before + 1);
    } finally {
      await t.db.knex('associations').where({ code: UNPUBLISHED }).update({ published: false });
    }
    expect(count((await request(t.app).get('/')).text)).toBe(before);
  });

  it('/linh-vuc lists fields with counts and links', async () => {
    const res = await request(t.app).get('/linh-vuc');
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<a href="\/hoi\?linh-vuc=DNHN">Đối ngoại, hữu nghị<\/a><\/td>\s*<td class="text-end">25<\/td>/);
  });

  it('the record page shows the general information; unknown and unpublished codes are 404', async () => {
    const res = await request(t.app).get('/hoi/H900001');
    expect(res.status).toBe(200);
    for (const s of [
      'Hội Người cao tuổi Việt Nam',
      'HNCT',
      'Thành phố Hà Nội',
      'Y tế, dược, đông y',
      'lienhe@hoi.example.vn',
      '01/06/2005',
    ])
      expect(res.text).toContain(s);
    for (const path of [`/hoi/${UNPUBLISHED}`, '/hoi/H999999', '/hoi/khong-phai-ma', '/hoi/%27%20OR%201%3D1'])
      expect((await request(t.app).get(path)).status, path).toBe(404);
  });

  it('an unpublished record appears on no public page and in no export', async () => {
    const responses = await Promise.all(
      ['/', '/hoi', '/hoi?q=nguoi+cao+tuoi', '/hoi?q=chua+cong+khai', '/linh-vuc', '/du-lieu-mo/hoi.csv', '/du-lieu-mo/hoi.json'].map((p) =>
        rawBody(request(t.app).get(p)),
      ),
    );
    for (const res of responses) {
      const body = (res.body as Buffer).toString('utf8');
      expect(body).not.toContain(UNPUBLISHED);
      expect(body).not.toContain('chưa công khai');
    }
  });

  it('bad query values give a Vietnamese 400 page, never 500', async () => {
    for (const query of [
      { 'pham-vi': 'vu-tru' },
      { trang: '0' },
      { trang: 'abc' },
      { 'sap-xep': 'name desc' },
      { 'linh-vuc': "x' OR '1'='1" },
      { q: 'x'.repeat(201) },
    ]) {
      const res = await request(t.app).get('/hoi').query(query);
      expect(res.status, JSON.stringify(query)).toBe(400);
      expect(res.text).toContain('Điều kiện tìm kiếm không hợp lệ');
    }
    expect((await request(t.app).get('/hoi?q=a&q=b')).status).toBe(400);
  });
});

describe('open data', () => {
  it('the CSV starts with a BOM, has a Vietnamese header, and is cacheable for 5 minutes', async () => {
    const { res, buf, rows } = await csvOf(t);
    expect([...buf.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment; filename="hoi-cong-khai\.csv"$/);
    expect(res.headers['cache-control']).toBe('public, max-age=300');
    expect(rows[0]?.slice(0, 3)).toEqual(['Mã hội', 'Tên hội', 'Tên viết tắt']);
  });

  it('neutralises formula injection in CSV cells (check 20)', async () => {
    const { text, rows } = await csvOf(t, { q: 'H900007' });
    expect(rows[1]?.[1]).toBe(`'${FORMULA}`);
    expect(text).not.toMatch(/(^|,)"=/m);
    // A phone number starting with + would be neutralised too (every cell goes through the same function).
  });

  it('CSV and JSON hold the same records and fields as each other and as the list', async () => {
    for (const query of <Array<Record<string, string>>>[
      {},
      { q: 'nguoi cao tuoi' },
      { 'linh-vuc': 'XHND' },
      { q: 'hoi', 'pham-vi': 'toan_quoc', 'sap-xep': 'ma' },
    ]) {
      const [csv, json, list] = await Promise.all([csvOf(t, query), jsonOf(t, query), request(t.app).get('/hoi').query(query)]);
      const csvCodes = csv.rows.slice(1).map((r) => r[0]);
      const jsonCodes = json.data.map((r) => r.code);
      expect(jsonCodes, JSON.stringify(query)).toEqual(csvCodes);
      expect(json.metadata.count).toBe(jsonCodes.length);
      const total = /Tìm thấy <strong>(\d+)<\/strong>/.exec(list.text)?.[1];
      expect(Number(total)).toBe(jsonCodes.length);
      expect(listCodes(list.text)).toEqual(jsonCodes.slice(0, 20));
      if (json.data[0]) expect(csv.rows[0]).toHaveLength(Object.keys(json.data[0]).length);
    }
    const json = await jsonOf(t);
    expect(json.metadata.regime).toBe('113');
    expect(Date.parse(json.metadata.generated_at)).not.toBeNaN();
  });

  it('describes the JSON with OpenAPI 3.1', async () => {
    const res = await request(t.app).get('/du-lieu-mo/openapi.json');
    expect(res.status).toBe(200);
    expect(res.body.openapi).toBe('3.1.0');
    expect(Object.keys(res.body.components.schemas.Association.properties)).toEqual(Object.keys((await jsonOf(t)).data[0] ?? {}));
  });
});

describe('public-field regime (SPEC §6)', () => {
  it('113 (default) shows general information only; 79-2022 adds nature, members and the current president', async () => {
    const [p113, p79] = await Promise.all([request(t.app).get('/hoi/H900001'), request(t79.app).get('/hoi/H900001')]);
    for (const s of ['Tổng số hội viên', '9.500.000', 'Nguyễn Thị Chủ Tịch', 'Hội xã hội, nhân đạo, từ thiện']) {
      expect(p113.text).not.toContain(s);
      expect(p79.text).toContain(s);
    }
    expect(p79.text).not.toContain('Trần Văn Tiền Nhiệm');
    const [j113, j79] = await Promise.all([jsonOf(t, { q: 'H900001' }), jsonOf(t79, { q: 'H900001' })]);
    expect(j113.metadata.regime).toBe('113');
    expect(j79.metadata.regime).toBe('79-2022');
    expect(j113.data[0]).not.toHaveProperty('members_total');
    expect(j79.data[0]).toMatchObject({
      code: 'H900001',
      members_total: 9_500_000,
      president_name: 'Nguyễn Thị Chủ Tịch',
      president_position: 'Chủ tịch',
      other_fields: ['Y tế, dược, đông y'],
      founding_decision_date: '2005-06-01',
    });
    const csv79 = await csvOf(t79, { q: 'H900001' });
    expect(csv79.rows[0]).toContain('Tổng số hội viên');
    expect(csv79.rows[0]).toHaveLength(Object.keys(j79.data[0] ?? {}).length);
  });

  it('never exposes leader personal data or internal fields, under either regime (check 13)', async () => {
    for (const ctx of [t, t79]) {
      const paths = [
        '/',
        '/hoi',
        '/hoi?q=nguoi+cao+tuoi',
        '/linh-vuc',
        '/du-lieu-mo/hoi.csv',
        '/du-lieu-mo/hoi.json',
        '/du-lieu-mo/openapi.json',
        ...[...SEEDS, ...SPORTS].filter((s) => s.published).map((s) => `/hoi/${s.code}`),
      ];
      for (const path of paths) {
        const res = await rawBody(request(ctx.app).get(path));
        expect(res.status, path).toBe(200);
        const body = withoutRequestIds((res.body as Buffer).toString('utf8'));
        for (const s of SENTINELS) expect(body, `${ctx.config.publicFieldsRegime} ${path}`).not.toContain(s);
        for (const internal of ['data_level', 'paper_dossier', 'tax_code', 'birth_year', 'Năm sinh', 'Giới tính', 'Dữ liệu nâng cao'])
          expect(body, `${path} ${internal}`).not.toContain(internal);
      }
    }
  });
});

describe('security of the public pages', () => {
  it('1,000 public requests create no session row and set no cookie (check 10)', { timeout: 180_000 }, async () => {
    const paths = [
      '/',
      '/hoi?q=nguoi+cao+tuoi',
      '/hoi/H900001',
      '/du-lieu-mo/hoi.json',
      '/hoi?linh-vuc=DNHN&trang=2',
      '/linh-vuc',
      '/huong-dan',
    ];
    const before = await t.db.knex('sessions').count<{ n: number }[]>('* as n').first();
    let cookies = 0;
    for (let i = 0; i < 1000; i += 20) {
      const batch = await Promise.all(Array.from({ length: 20 }, (_, j) => request(t.app).get(paths[(i + j) % paths.length] as string)));
      for (const res of batch) {
        expect(res.status).toBe(200);
        const set = res.headers['set-cookie'] as string[] | undefined;
        if (set?.some((c) => c.startsWith(`${SESSION_COOKIE}=`))) cookies++;
      }
    }
    expect(cookies).toBe(0);
    const after = await t.db.knex('sessions').count<{ n: number }[]>('* as n').first();
    expect(Number(after?.n)).toBe(Number(before?.n));
    expect(Number(after?.n)).toBe(0);
  });

  it('injection-looking search, sort and filter values are bound or refused: 200 or 400, never 500 (check 18)', async () => {
    const count = async () => Number((await t.db.knex('associations').count<{ n: number }[]>('* as n').first())?.n);
    const before = await count();
    const values = [
      "' OR 1=1 --",
      "'; DROP TABLE associations; --",
      '%',
      '_',
      '\\',
      '%%%',
      "Hội' UNION SELECT birth_year FROM leaders --",
      '\u0000',
      'a\u0000b',
      ')(',
      '$1',
      ':q',
      '??',
    ];
    for (const path of ['/hoi', '/du-lieu-mo/hoi.csv', '/du-lieu-mo/hoi.json']) {
      for (const v of values) {
        for (const key of ['q', 'linh-vuc', 'tinh', 'pham-vi', 'sap-xep', 'trang']) {
          const res = await rawBody(
            request(t.app)
              .get(path)
              .query({ [key]: v }),
          );
          expect([200, 400], `${path} ${key}=${JSON.stringify(v)}`).toContain(res.status);
          const body = withoutRequestIds((res.body as Buffer).toString('utf8'));
          expect(body).not.toContain(UNPUBLISHED);
          expect(body).not.toContain('1901');
        }
      }
    }
    // A wildcard is a character to find, not "everything".
    expect(listCodes((await request(t.app).get('/hoi').query({ q: '%' })).text)).toEqual([]);
    expect(await count()).toBe(before);
  });

  it('names with HTML render escaped on every page; the JSON is served as JSON with nosniff (check 15)', async () => {
    // The search finds it by its words ("script" inside a tag is not one: the full-text parser skips tags).
    for (const path of ['/hoi?linh-vuc=KHCN', '/hoi/H900008', `/hoi?q=${encodeURIComponent('alert nghiệm')}`]) {
      const res = await request(t.app).get(path);
      expect(res.status, path).toBe(200);
      expect(res.text).not.toContain('<script>alert');
      expect(res.text).not.toContain('<img src=x');
      expect(res.text, path).toContain('&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;');
    }
    const json = await request(t.app).get('/du-lieu-mo/hoi.json').query({ q: 'H900008' });
    expect(json.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(json.headers['x-content-type-options']).toBe('nosniff');
    expect(json.body.data[0].name).toBe(XSS);
  });

  it('a signed-in user gets the same public data, never cached (check 26)', async () => {
    const staff = await createUser(t.db.knex, ['association']);
    const a = request.agent(t.app);
    await login(t, a, staff);
    const res = await a.get('/du-lieu-mo/hoi.json');
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
  });
});

describe('user guide (R-6.3)', () => {
  it('lists one guide per role and renders each from its Markdown file, linked from every page header', async () => {
    const index = await request(t.app).get('/huong-dan');
    expect(index.status).toBe(200);
    const slugs = [...index.text.matchAll(/href="\/huong-dan\/([a-z-]+)"/g)].map((m) => m[1]);
    expect(new Set(slugs)).toEqual(
      new Set(['cong-chung', 'can-bo-vu-tcpcp', 'lanh-dao', 'quan-tri-he-thong', 'can-bo-dau-moi-hoi', 'to-chuc-ca-nhan-khai-thac']),
    );
    for (const slug of new Set(slugs)) {
      const res = await request(t.app).get(`/huong-dan/${slug}`);
      expect(res.status, slug).toBe(200);
      expect(res.text).toMatch(/<h1 class="h3">Hướng dẫn cho /);
      // Markdown headings become anchored sections (at least two per guide).
      expect(res.text.match(/<h2 id="[a-z0-9-]+">/g)?.length ?? 0, slug).toBeGreaterThanOrEqual(2);
      expect(res.text).toContain('<a href="/huong-dan" aria-current="page">Hướng dẫn</a>');
    }
    const publicGuide = await request(t.app).get('/huong-dan/cong-chung');
    expect(publicGuide.text).toContain('<code>nguoi cao tuoy</code>');
    expect(publicGuide.text).toContain('<a href="/du-lieu-mo/hoi.csv">');
  });

  it('serves the English guide to a visitor who chose English, the Vietnamese one by default (issue 17 item 2)', async () => {
    const en = await request(t.app).get('/huong-dan/cong-chung').set('Cookie', 'lang=en');
    expect(en.status).toBe(200);
    expect(en.text).toContain('<h1 class="h3">Guide for citizens and the public</h1>');
    expect(en.text).toContain('<h2 id="english-interface">English interface</h2>');
    expect(en.text).toContain('<a href="/du-lieu-ca-nhan/yeu-cau">personal data request form</a>');
    // The other guides are listed by their English titles.
    expect(en.text).toContain('>Staff of the Department of Non-Governmental Organisations</a>');
    expect(en.text).not.toContain('Hướng dẫn cho người dân');
    const index = await request(t.app).get('/huong-dan').set('Cookie', 'lang=en');
    expect(index.text).toContain('Organisations and individuals using the data');
    expect(new Set([...index.text.matchAll(/href="\/huong-dan\/([a-z-]+)"/g)].map((m) => m[1])).size).toBe(6);
    for (const slug of ['can-bo-vu-tcpcp', 'lanh-dao', 'quan-tri-he-thong', 'can-bo-dau-moi-hoi', 'to-chuc-ca-nhan-khai-thac']) {
      const res = await request(t.app).get(`/huong-dan/${slug}`).set('Cookie', 'lang=en');
      expect(res.status, slug).toBe(200);
      expect(res.text, slug).toMatch(/<h1 class="h3">Guide for /);
    }
    // Without the cookie (or with Vietnamese chosen), the same address is Vietnamese.
    for (const cookie of [undefined, 'lang=vi']) {
      const vi = cookie
        ? await request(t.app).get('/huong-dan/cong-chung').set('Cookie', cookie)
        : await request(t.app).get('/huong-dan/cong-chung');
      expect(vi.text).toContain('<h1 class="h3">Hướng dẫn cho người dân, công chúng</h1>');
      expect(vi.text).toContain('<h2 id="giao-dien-tieng-anh">Giao diện tiếng Anh</h2>');
      expect(vi.text).not.toContain('Guide for citizens');
    }
  });

  it('refuses unknown guides and paths outside the folder', async () => {
    for (const path of ['/huong-dan/khong-co', '/huong-dan/..%2F..%2Fpackage', '/huong-dan/README']) {
      expect((await request(t.app).get(path)).status, path).toBe(404);
    }
  });
});
