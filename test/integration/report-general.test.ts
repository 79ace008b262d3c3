/**
 * Report (a), the general information of associations (R-17.1a, issue 15 item 12): the whole general-information
 * group of Biểu mẫu 1 — field, other fields, managing ministry, nature, the Party/State-tasked flag with its basis
 * and dates, headquarters area, origin and document, the current leaders, the congresses, the founding decision and
 * the representative offices besides the identity — with catalogue codes named, booleans "Có"/"Không" and dates
 * dd/mm/yyyy, in the paged list, the CSV and Excel exports, the print view and one association's page. The
 * figures agree with SQL; an exploiter granted report (a) reads the leaders' names and positions only (R-8.5:
 * their personal fields never leave the database through report a); a page costs the same number of statements
 * whatever its number of rows (sub-lists are read for the page's ids, never per row).
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_FIELDS } from '../../src/features/register-form/definition.js';
import { categoryByKey } from '../../src/features/reports/categories.js';
import { PAGE_SIZE } from '../../src/features/reports/report-builder.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, anOrganisation, insertAssociations } from '../helpers/builders.js';
import { parseCsv } from '../helpers/csv.js';
import { type Agent, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let exploiter: Agent;
let exploiterId: number;
let mainId: number;
const MAIN = 'H910001';
const QUIET = 'H910002';
/** Report a's rows a page on screen (its print and the API keep PAGE_SIZE). */
const SCREEN_ROWS = categoryByKey('a')?.screenRows ?? PAGE_SIZE;

/** Leaders' personal data planted on the president: never in report (a) (RELIABILITY check 13). */
const SENTINELS = ['1913', '0999 111 222', 'bi-mat-ca-nhan@example.vn', 'Tiến sĩ bí mật', 'Giám đốc bí mật'];

/** The columns this issue adds, by label (the form definition's labels, and the sub-lists' summaries). */
const NEW_COLUMNS = [
  'Lĩnh vực hoạt động chính',
  'Lĩnh vực hoạt động khác',
  'Bộ, ngành quản lý nhà nước về lĩnh vực chính',
  'Tính chất',
  'Hội được Đảng, Nhà nước giao nhiệm vụ',
  'Căn cứ giao nhiệm vụ',
  'Giao nhiệm vụ từ ngày',
  'Giao nhiệm vụ đến ngày',
  'Diện tích trụ sở (m²)',
  'Nguồn gốc trụ sở',
  'Văn bản về trụ sở (số, ngày)',
  'Lãnh đạo đương nhiệm',
  'Số lãnh đạo đương nhiệm',
  'Đại hội gần nhất: nhiệm kỳ (khóa)',
  'Đại hội gần nhất: loại đại hội',
  'Đại hội gần nhất: ngày kết thúc đại hội',
  'Số lần đại hội',
  'Quyết định cho phép thành lập: số quyết định',
  'Quyết định cho phép thành lập: ngày ký',
  'Văn phòng đại diện',
];

async function sqlRows<T>(sql: string, bindings: readonly (string | number)[] = []): Promise<T[]> {
  return ((await t.db.knex.raw(sql, bindings)) as { rows: T[] }).rows;
}

async function sqlOne<T>(sql: string, bindings: readonly (string | number)[] = []): Promise<T> {
  return (await sqlRows<T>(sql, bindings))[0] as T;
}

/** What SQL says the main association's new columns hold, as a person reads them (names, Có/Không, dd/mm/yyyy). */
async function expectedFromSql(): Promise<Record<string, string>> {
  const r = await sqlOne<Record<string, string>>(
    `SELECT f.name AS field, m.name AS ministry, n.name AS nature, o.name AS origin, p.name AS province,
            CASE WHEN a.party_state_tasked THEN 'Có' ELSE 'Không' END AS tasked, a.tasked_legal_basis AS basis,
            to_char(a.tasked_from, 'DD/MM/YYYY') AS tasked_from, a.hq_origin_document AS hq_document,
            (SELECT string_agg(of.name, '; ' ORDER BY of.code) FROM association_other_fields x
               JOIN fields of ON of.code = x.field_code WHERE x.association_id = a.id) AS other_fields,
            (SELECT string_agg(l.full_name || ' (' || lp.name || ')', '; ' ORDER BY lp.sort_order, l.id)
               FROM leaders l JOIN leader_positions lp ON lp.code = l.position_code
              WHERE l.association_id = a.id AND l.left_on IS NULL) AS leaders,
            (SELECT count(*)::text FROM leaders l WHERE l.association_id = a.id AND l.left_on IS NULL) AS leader_count,
            (SELECT count(*)::text FROM congresses c WHERE c.association_id = a.id) AS congress_count,
            (SELECT c.term_number::text FROM congresses c WHERE c.association_id = a.id ORDER BY c.held_on DESC LIMIT 1) AS term,
            (SELECT to_char(c.held_on, 'DD/MM/YYYY') FROM congresses c WHERE c.association_id = a.id ORDER BY c.held_on DESC LIMIT 1) AS held_on
       FROM associations a
       JOIN fields f ON f.code = a.main_field_code
       JOIN ministries m ON m.code = a.managing_ministry_code
       JOIN natures n ON n.code = a.nature_code
       JOIN hq_origins o ON o.code = a.hq_origin_code
       JOIN provinces p ON p.code = a.hq_province_code
      WHERE a.code = ?`,
    [MAIN],
  );
  return {
    'Lĩnh vực hoạt động chính': r.field as string,
    'Lĩnh vực hoạt động khác': r.other_fields as string,
    'Bộ, ngành quản lý nhà nước về lĩnh vực chính': r.ministry as string,
    'Tính chất': r.nature as string,
    'Hội được Đảng, Nhà nước giao nhiệm vụ': r.tasked as string,
    'Căn cứ giao nhiệm vụ': r.basis as string,
    'Giao nhiệm vụ từ ngày': r.tasked_from as string,
    'Giao nhiệm vụ đến ngày': '',
    'Nguồn gốc trụ sở': r.origin as string,
    'Văn bản về trụ sở (số, ngày)': r.hq_document as string,
    'Trụ sở chính: tỉnh, thành phố': r.province as string,
    'Lãnh đạo đương nhiệm': r.leaders as string,
    'Số lãnh đạo đương nhiệm': r.leader_count as string,
    'Đại hội gần nhất: nhiệm kỳ (khóa)': r.term as string,
    'Đại hội gần nhất: loại đại hội': 'Đại hội nhiệm kỳ',
    'Đại hội gần nhất: ngày kết thúc đại hội': r.held_on as string,
    'Số lần đại hội': r.congress_count as string,
    'Quyết định cho phép thành lập: số quyết định': '77/QĐ-BNV',
    'Quyết định cho phép thành lập: ngày ký': '03/02/2001',
    'Văn phòng đại diện': '12 Lê Lợi (Thành phố Hồ Chí Minh, 5/QĐ-BNV, 01/02/2005)',
  };
}

async function download(a: Agent, path: string): Promise<Buffer> {
  const res = await a
    .get(path)
    .buffer(true)
    .parse((r, cb) => {
      const chunks: Buffer[] = [];
      r.on('data', (c: Buffer) => chunks.push(c));
      r.on('end', () => cb(null, Buffer.concat(chunks)));
    });
  expect(res.status, path).toBe(200);
  return res.body as Buffer;
}

/** The list table of a page: its header cells and each row's cells, as text. */
function htmlTable(html: string, id = 'thong-tin-chung-cac-hoi'): { head: string[]; rows: string[][] } {
  const table = new RegExp(`<table[^>]*id="${id}"[\\s\\S]*?</table>`).exec(html)?.[0] ?? '';
  const text = (s: string) =>
    s
      .replace(/<[^>]*>/g, '')
      .replace(/&#34;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&amp;/g, '&')
      .trim();
  const thead = /<thead[\s\S]*?<\/thead>/.exec(table)?.[0] ?? '';
  const head = [...thead.matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>/g)].map((m) => text(m[1] ?? ''));
  const body = table.slice(table.indexOf('</thead>'));
  const rows = [...body.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((r) =>
    [...(r[1] ?? '').matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((m) => text(m[1] ?? '')),
  );
  return { head, rows };
}

/** A printed association's block: its label → value pairs. */
function recordOf(html: string, code: string): Record<string, string> {
  const table = new RegExp(`<table[^>]*id="thong-tin-chung-cac-hoi-${code}"[\\s\\S]*?</table>`).exec(html)?.[0];
  expect(table, `a printed block for ${code}`).toBeDefined();
  const text = (s: string) => s.replace(/<[^>]*>/g, '').trim();
  return Object.fromEntries(
    [...(table as string).matchAll(/<th\b[^>]*>([\s\S]*?)<\/th>\s*<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((m) => [
      text(m[1] ?? ''),
      text(m[2] ?? ''),
    ]),
  );
}

function rowOf(head: string[], rows: string[][], code: string): Record<string, string> {
  const row = rows.find((r) => r.includes(code));
  expect(row, `a row for ${code}`).toBeDefined();
  return Object.fromEntries(head.map((h, i) => [h, (row as string[])[i] ?? '']));
}

beforeAll(async () => {
  t = await buildTestApp();
  const k = t.db.knex;
  const [main] = await insertAssociations(k, [
    anAssociation({
      code: MAIN,
      name: 'Hội Aa Thông tin chung thử nghiệm',
      abbreviation: 'HTTC',
      main_field_code: 'YTE',
      managing_ministry_code: 'BYT',
      nature_code: 'XHNN',
      party_state_tasked: true,
      tasked_legal_basis: 'Kết luận 102-KL/TW',
      tasked_from: '2020-01-02',
      hq_province_code: '01',
      hq_area_m2: 120.5,
      hq_origin_code: 'NN_GIAO',
      hq_origin_document: 'Quyết định 12/QĐ-UBND ngày 01/02/2010',
      members_total: 12345,
    })
      .withOtherFields(['KHCN', 'GDDT'])
      .withLeaders([
        {
          full_name: 'Nguyễn Thị Lan',
          position_code: 'CT',
          term_number: 6,
          elected_on: '2021-03-15',
          birth_year: 1913,
          phone: '0999 111 222',
          email: 'bi-mat-ca-nhan@example.vn',
          qualification: 'Tiến sĩ bí mật',
          outside_position: 'Giám đốc bí mật',
        },
        { full_name: 'Lê Văn Minh', position_code: 'PCT', term_number: 6 },
        { full_name: 'Phạm Cũ', position_code: 'CT', term_number: 5, left_on: '2021-03-15' },
      ])
      .withCongresses([
        { term_number: 5, congress_type: 'nhiem_ky', held_on: '2016-03-15', term_years: 5 },
        { term_number: 6, congress_type: 'nhiem_ky', held_on: '2021-03-15', term_years: 5 },
      ])
      .withDecisions([
        { event_type: 'cho_phep_thanh_lap', number: '77/QĐ-BNV', signed_on: '2001-02-03', issuer: 'Bộ Nội vụ' },
        { event_type: 'phe_duyet_dieu_le', number: '88/QĐ-BNV', signed_on: '2002-02-03', issuer: 'Bộ Nội vụ' },
      ]),
    // No leaders, congresses or decisions: empty cells, "Không", counts 0.
    anAssociation({ code: QUIET, name: 'Hội Ab Yên lặng', main_field_code: 'KHCN', party_state_tasked: false }),
  ]);
  mainId = (main as { id: number }).id;
  await k('representative_offices').insert({
    association_id: mainId,
    address: '12 Lê Lợi',
    province_code: '79',
    decision_number: '5/QĐ-BNV',
    decision_date: '2005-02-01',
  });
  // A second page: each of these has a president, read for its page's ids.
  await insertAssociations(
    k,
    Array.from({ length: PAGE_SIZE + 5 }, (_, i) =>
      anAssociation({ code: `H92${String(i).padStart(4, '0')}`, name: `Hội Trang ${String(i).padStart(3, '0')}` }).withLeaders([
        { full_name: `Chủ tịch Trang ${String(i).padStart(3, '0')}`, position_code: 'CT', term_number: 1 },
      ]),
    ),
  );
  staff = await loggedInAgent(t, await createUser(k, ['ngo_staff']));
  const org = await anOrganisation({ name: 'Viện khai thác thông tin chung' })
    .withGrant({ categories: ['a'], personal: false })
    .insert(k);
  const user = await createUser(k, ['exploiter']);
  await k('users').where({ id: user.id }).update({ organisation_id: org.id });
  exploiterId = user.id;
  exploiter = await loggedInAgent(t, user);
});
afterAll(() => t.db.destroy());

describe('report (a): the general-information group of Biểu mẫu 1', () => {
  it('the list page has a column for every field that feeds (a) and the new ones, with Vietnamese values equal to SQL', async () => {
    const res = await staff.get('/bao-cao/a');
    expect(res.status).toBe(200);
    const { head, rows } = htmlTable(res.text);
    for (const f of ALL_FIELDS.filter((d) => d.reports?.includes('a'))) expect(head, f.label).toContain(f.label);
    for (const label of NEW_COLUMNS) expect(head, label).toContain(label);
    const row = rowOf(head, rows, MAIN);
    const expected = await expectedFromSql();
    for (const [label, value] of Object.entries(expected)) expect(row[label], label).toBe(value);
    // Numbers as Vietnamese read them on screen.
    expect(row['Diện tích trụ sở (m²)']).toBe('120,5');
    expect(row['Tổng số hội viên']).toBe('12.345');
    const quiet = rowOf(head, rows, QUIET);
    expect(quiet['Hội được Đảng, Nhà nước giao nhiệm vụ']).toBe('Không');
    expect(quiet['Lãnh đạo đương nhiệm']).toBe('');
    expect(quiet['Số lần đại hội']).toBe('0');
    // The wide table scrolls in a region a keyboard can reach.
    expect(res.text).toMatch(
      /<div class="table-responsive[^"]*" tabindex="0" role="region" aria-labelledby="bang-thong-tin-chung-cac-hoi"/,
    );
  });

  it('pages the list on screen 25 rows at a time, reading each page’s leaders; the count and the order equal SQL', async () => {
    expect(SCREEN_ROWS).toBe(25);
    const sql = await sqlRows<{ code: string }>('SELECT code FROM associations ORDER BY name, code');
    const n = sql.length;
    const pages = Math.ceil(n / SCREEN_ROWS);
    const first = await staff.get('/bao-cao/a');
    expect(first.text).toContain(`Có <strong>${n.toLocaleString('vi-VN')}</strong> dòng, trang 1/${pages}`);
    expect(htmlTable(first.text).rows.length).toBe(SCREEN_ROWS);
    const codes: string[] = [];
    for (let page = 1; page <= pages; page += 1) {
      const res = await staff.get(`/bao-cao/a?trang=${page}`);
      expect(res.status).toBe(200);
      const { head, rows } = htmlTable(res.text);
      expect(rows.length, `page ${page}`).toBe(page < pages ? SCREEN_ROWS : n - SCREEN_ROWS * (pages - 1));
      codes.push(...rows.map((r) => r[0] as string));
      const last = `H92${String(PAGE_SIZE + 4).padStart(4, '0')}`;
      if (page === pages)
        expect(rowOf(head, rows, last)['Lãnh đạo đương nhiệm']).toBe(`Chủ tịch Trang ${String(PAGE_SIZE + 4).padStart(3, '0')} (Chủ tịch)`);
    }
    expect(codes).toEqual(sql.map((r) => r.code));
  });

  it('a filtered page lists the associations SQL finds, in the order chosen (by name, by code)', async () => {
    for (const [sort, order] of [
      ['ten-hoi', 'name, code'],
      ['ma-hoi', 'code'],
    ] as const) {
      const sql = await sqlRows<{ code: string }>(`SELECT code FROM associations WHERE main_field_code = 'YTE' ORDER BY ${order}`);
      const codes: string[] = [];
      for (let page = 1; page <= Math.max(2, Math.ceil(sql.length / SCREEN_ROWS)); page += 1) {
        const res = await staff.get(`/bao-cao/a?linh-vuc=YTE&sap-xep=${sort}&trang=${page}`);
        expect(res.status).toBe(200);
        codes.push(...htmlTable(res.text).rows.map((r) => r[0] as string));
      }
      expect(codes, sort).toEqual(sql.map((r) => r.code));
    }
  });

  it('a page costs the same number of SQL statements for 25 rows as for 1 (sub-lists by page, not by row)', async () => {
    const counted = async (path: string) => {
      let n = 0;
      const onQuery = () => {
        n += 1;
      };
      t.db.knex.on('query', onQuery);
      try {
        expect((await staff.get(path)).status).toBe(200);
      } finally {
        t.db.knex.off('query', onQuery);
      }
      return n;
    };
    await counted('/bao-cao/a?linh-vuc=KHCN'); // warm the catalogue cache
    const one = await counted('/bao-cao/a?linh-vuc=KHCN');
    const full = await counted('/bao-cao/a');
    expect(full).toBe(one);
  });

  it('CSV: every row, each column with the same values as SQL (numbers plain, dates dd/mm/yyyy)', async () => {
    const rows = parseCsv((await download(staff, '/bao-cao/a?format=csv')).toString('utf8'));
    const [head, ...data] = rows as [string[], ...string[][]];
    for (const label of NEW_COLUMNS) expect(head, label).toContain(label);
    const { n } = await sqlOne<{ n: number }>('SELECT count(*)::int AS n FROM associations');
    expect(data.length).toBe(n);
    const row = rowOf(head, data, MAIN);
    for (const [label, value] of Object.entries(await expectedFromSql())) expect(row[label], label).toBe(value);
    expect(row['Diện tích trụ sở (m²)']).toBe('120.5');
    // Every association's president, including the last page's.
    const last = `H92${String(PAGE_SIZE + 4).padStart(4, '0')}`;
    expect(rowOf(head, data, last)['Lãnh đạo đương nhiệm']).toBe(`Chủ tịch Trang ${String(PAGE_SIZE + 4).padStart(3, '0')} (Chủ tịch)`);
  });

  it('Excel: the same columns; dates are date cells, numbers numbers, booleans Có/Không', async () => {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(staff, '/bao-cao/a?format=xlsx')) as unknown as ArrayBuffer);
    const sheet = wb.worksheets[0] as ExcelJS.Worksheet;
    const head = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
    for (const label of NEW_COLUMNS) expect(head, label).toContain(label);
    let found: ExcelJS.Row | undefined;
    sheet.eachRow((r) => {
      if (r.getCell(1).value === MAIN) found = r;
    });
    expect(found).toBeDefined();
    const cell = (label: string) => (found as ExcelJS.Row).getCell(head.indexOf(label) + 1).value;
    const expected = await expectedFromSql();
    for (const label of ['Lĩnh vực hoạt động chính', 'Bộ, ngành quản lý nhà nước về lĩnh vực chính', 'Tính chất', 'Nguồn gốc trụ sở'])
      expect(cell(label), label).toBe(expected[label]);
    expect(cell('Lãnh đạo đương nhiệm')).toBe(expected['Lãnh đạo đương nhiệm']);
    expect(cell('Hội được Đảng, Nhà nước giao nhiệm vụ')).toBe('Có');
    expect(cell('Diện tích trụ sở (m²)')).toBe(120.5);
    expect(cell('Số lần đại hội')).toBe(2);
    expect(cell('Giao nhiệm vụ từ ngày')).toEqual(new Date('2020-01-02T00:00:00Z'));
    expect(cell('Đại hội gần nhất: ngày kết thúc đại hội')).toEqual(new Date('2021-03-15T00:00:00Z'));
  });

  it('the print view prints 100 rows a page (the printed page holding the page shown), a block per association', async () => {
    const res = await staff.get('/bao-cao/a?print=1');
    expect(res.status).toBe(200);
    expect(res.text.match(/<section class="doc-record"/g)).toHaveLength(PAGE_SIZE);
    expect(res.text).toContain('Trang 1/2 của danh sách');
    const block = recordOf(res.text, MAIN);
    const expected = await expectedFromSql();
    for (const label of ['Lĩnh vực hoạt động chính', 'Lãnh đạo đương nhiệm', 'Đại hội gần nhất: ngày kết thúc đại hội', 'Nguồn gốc trụ sở'])
      expect(block[label], label).toBe(expected[label]);
    expect(block['Diện tích trụ sở (m²)']).toBe('120,5');
    const page2 = await staff.get('/bao-cao/a?print=1&trang=2');
    const { n } = await sqlOne<{ n: number }>('SELECT count(*)::int AS n FROM associations');
    expect(page2.text.match(/<section class="doc-record"/g)).toHaveLength(n - PAGE_SIZE);
    // The page's print link prints the printed page that holds the rows shown: rows 26–50 on page 1, 101–125 on 2.
    expect((await staff.get('/bao-cao/a?trang=2')).text).toContain('href="/bao-cao/a?print=1"');
    expect((await staff.get('/bao-cao/a?trang=4')).text).toContain('href="/bao-cao/a?print=1"');
    expect((await staff.get('/bao-cao/a?trang=5')).text).toContain('href="/bao-cao/a?trang=2&amp;print=1"');
  });

  it('one association’s page shows the new fields, its leaders in office and its congresses', async () => {
    const res = await staff.get('/bao-cao/a').query({ ma: MAIN });
    expect(res.status).toBe(200);
    const general = htmlTable(res.text, 'thong-tin-chung');
    const value = (label: string) => general.rows.find((r) => r[1] === label)?.[2];
    const expected = await expectedFromSql();
    for (const label of ['Lĩnh vực hoạt động chính', 'Bộ, ngành quản lý nhà nước về lĩnh vực chính', 'Tính chất', 'Nguồn gốc trụ sở'])
      expect(value(label), label).toBe(expected[label]);
    expect(value('Hội được Đảng, Nhà nước giao nhiệm vụ')).toBe('Có');
    expect(value('Diện tích trụ sở (m²)')).toBe('120,5');
    const leaders = htmlTable(res.text, 'leaders');
    expect(leaders.head).toEqual(['Họ và tên', 'Chức vụ trong hội']);
    expect(leaders.rows).toEqual([
      ['Nguyễn Thị Lan', 'Chủ tịch'],
      ['Lê Văn Minh', 'Phó Chủ tịch'],
    ]);
    const congresses = htmlTable(res.text, 'congresses');
    expect(congresses.rows).toEqual([
      ['5', 'Đại hội nhiệm kỳ', '15/03/2016'],
      ['6', 'Đại hội nhiệm kỳ', '15/03/2021'],
    ]);
  });
});

describe('report (a) for an exploiter (R-8.5, R-16)', () => {
  it('shows leaders by name and position only, never their personal fields, in every rendering', async () => {
    const pages = [
      (await exploiter.get('/bao-cao/a')).text,
      (await exploiter.get('/bao-cao/a').query({ ma: MAIN })).text,
      (await exploiter.get('/bao-cao/a?print=1')).text,
      (await download(exploiter, '/bao-cao/a?format=csv')).toString('utf8'),
    ];
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load((await download(exploiter, '/bao-cao/a?format=xlsx')) as unknown as ArrayBuffer);
    pages.push(JSON.stringify(wb.worksheets.map((s) => s.getSheetValues())));
    for (const page of pages) {
      expect(page).toContain('Nguyễn Thị Lan');
      expect(page).toContain('Phó Chủ tịch');
      for (const s of SENTINELS) expect(page, s).not.toContain(s);
    }
    expect(htmlTable(pages[0] as string).head).toContain('Lãnh đạo đương nhiệm');
  });

  it('logs the export with every association it carried', async () => {
    await download(exploiter, '/bao-cao/a?format=csv');
    const row = await t.db.knex('exploitation_log').where({ user_id: exploiterId, format: 'csv' }).orderBy('id', 'desc').first();
    const { n } = await sqlOne<{ n: number }>('SELECT count(*)::int AS n FROM associations');
    expect(row.rows).toBe(n);
    expect(row.association_ids).toHaveLength(n);
    expect(row.association_ids).toContain(mainId);
  });

  it('a printed page is logged with the rows printed, not the whole list', async () => {
    expect((await exploiter.get('/bao-cao/a?print=1&trang=2')).status).toBe(200);
    const row = await t.db.knex('exploitation_log').where({ user_id: exploiterId, format: 'print' }).orderBy('id', 'desc').first();
    const { n } = await sqlOne<{ n: number }>('SELECT count(*)::int AS n FROM associations');
    expect(row.rows).toBe(n - PAGE_SIZE);
    expect(row.association_ids).toHaveLength(n - PAGE_SIZE);
    const audit = await t.db.knex('audit_events').where({ action: 'report.export' }).orderBy('id', 'desc').first();
    expect(audit.details).toMatchObject({ category: 'a', format: 'print', rows: n - PAGE_SIZE });
  });

  it('a grant without (a) reads none of it', async () => {
    await t.db.knex('access_grants').update({ categories: ['b'] });
    try {
      for (const path of ['/bao-cao/a', '/bao-cao/a?format=csv', '/bao-cao/a?format=xlsx', '/bao-cao/a?print=1'])
        expect((await exploiter.get(path)).status, path).toBe(403);
    } finally {
      await t.db.knex('access_grants').update({ categories: ['a'] });
    }
  });
});
