/**
 * Issue 17 item 2: the texts the report builders, the data-quality rules and the public pages make in Vietnamese are
 * printed in English for a reader who chose English — report titles, column headers, row labels (totals, states,
 * scopes, a form's sections and fields), the applied filters, the chart's caption, validation messages — while the
 * print view and the CSV export stay Vietnamese (documents of record) and the Vietnamese screen is unchanged.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';
import { type Agent, csrfFrom, inEnglish, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staffEn: Agent;
let staffVi: Agent;
let code = '';

/** The Vietnamese keys of this area's English texts (without placeholders): none may be left on an English page. */
const OWN_KEYS = ['reports', 'quality', 'home', 'public'].flatMap((f) =>
  Object.keys(
    JSON.parse(readFileSync(path.join(process.cwd(), 'locales', 'texts', 'en', `${f}.json`), 'utf8')) as Record<string, string>,
  ).filter((k) => !k.includes('{{')),
);

/** The page's body, tags and data apart: the texts between tags. */
function texts(html: string): string[] {
  const body = html.slice(html.indexOf('<body'));
  return [...body.matchAll(/>([^<>]+)</g)].map((m) => (m[1] ?? '').trim()).filter(Boolean);
}

function expectNoOwnVietnamese(html: string) {
  const shown = new Set(texts(html));
  const left = OWN_KEYS.filter((k) => shown.has(k));
  expect(left).toEqual([]);
}

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set(new Date('2026-06-15T03:00:00Z'));
  const [inserted] = await insertAssociations(t.db.knex, [
    anAssociation({
      name: 'Hội Thử nghiệm Ngôn ngữ',
      main_field_code: 'YTE',
      managing_ministry_code: 'BYT',
      hq_province_code: '01',
      scope: 'toan_quoc',
    })
      .withLeaders([{ full_name: 'Nguyễn Thị Lan', position_code: 'CT', term_number: 2, gender: 'nu', elected_on: '2021-03-15' }])
      .withCongresses([{ term_number: 2, congress_type: 'nhiem_ky', held_on: '2021-03-15', term_years: 5 }])
      .withFunds([{ year: 2025, source: 'hoi_phi', amount_vnd: 1_500_000_000 }]),
    anAssociation({ name: 'Hội Chưa Đại hội', main_field_code: 'YTE', scope: 'tinh', hq_province_code: '01' }),
  ]);
  code = inserted?.code as string;
  staffEn = await inEnglish(await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff'])));
  staffVi = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
});

afterAll(async () => {
  await t?.db.destroy();
});

describe('report pages in English', () => {
  it('b: the count table, its totals, scopes, filters and chart caption in English', async () => {
    const html = (await staffEn.get('/bao-cao/b?pham-vi=toan_quoc').expect(200)).text;
    expect(html).toContain('>Associations by field</h2>');
    expect(html).toContain('>Total associations</th>');
    expect(html).toContain('>Nationwide</th>');
    expect(html).toMatch(/<th scope="row">Total<\/th>/);
    expect(html).toContain('Scope: Nationwide');
    expect(html).toMatch(/<figcaption[^>]*>[A-Za-z ]*bar chart: number of associations by field, split by scope of activity\./);
    expectNoOwnVietnamese(html);
    // The Vietnamese screen is unchanged.
    const vi = (await staffVi.get('/bao-cao/b?pham-vi=toan_quoc').expect(200)).text;
    expect(vi).toContain('>Tổng số hội</th>');
    expect(vi).toMatch(/<th scope="row">Tổng cộng<\/th>/);
  });

  it('b with a field: the list of its associations, headers from the form', async () => {
    const html = (await staffEn.get('/bao-cao/b?linh-vuc=YTE').expect(200)).text;
    expect(html).toContain('Associations in the field');
    expect(html).toContain('>Scope of activity</th>');
    expect(html).toContain('Nationwide</td>');
    expectNoOwnVietnamese(html);
  });

  it('a, one association: the groups and labels of the form in English, data as stored', async () => {
    const html = (await staffEn.get(`/bao-cao/a?ma=${code}`).expect(200)).text;
    expect(html).toContain('General information: Hội Thử nghiệm Ngôn ngữ');
    expect(html).toContain('>Group of information</th>');
    expect(html).toContain('A. Identification');
    expect(html).toContain('Name of the association (Vietnamese)');
    expect(html).toContain('Current leaders of the association');
    // A fixed option's label among the values: the form's English; free text stays as stored.
    expect(html).toContain('<td>Nationwide</td>');
    expect(html).not.toContain('<td>Toàn quốc</td>');
    expectNoOwnVietnamese(html);
  });

  it('e: congress states from the interface messages', async () => {
    const html = (await staffEn.get('/bao-cao/e').expect(200)).text;
    expect(html).toContain('Associations by congress-term status');
    expect(html).toContain('No congress yet');
    expect(html).toContain('>Congress deadline</th>');
    expect(html).not.toContain('Chưa có đại hội');
    expectNoOwnVietnamese(html);
  });

  it('i: fund sources as the form names them in English', async () => {
    const html = (await staffEn.get('/bao-cao/i').expect(200)).text;
    expect(html).toContain('Operating funds by year and source (VND)');
    expect(html).toContain('>Membership fees</th>');
    expect(html).toContain('&#34;label&#34;:&#34;Membership fees&#34;');
    expectNoOwnVietnamese(html);
  });

  it('k: the province table in English', async () => {
    const html = (await staffEn.get('/bao-cao/k').expect(200)).text;
    expect(html).toContain('Associations by province or city of the head office (the 34 today)');
    expect(html).toContain('>Province or city (today)</th>');
    expectNoOwnVietnamese(html);
  });

  it('d: leaders with their sex as the form names it', async () => {
    const html = (await staffEn.get('/bao-cao/d').expect(200)).text;
    expect(html).toContain('Key leaders in office');
    expect(html).toContain('>Female</td>');
    expect(html).toContain('>Public official or civil servant</th>');
    expectNoOwnVietnamese(html);
  });

  it('n without columns: the message in English', async () => {
    const html = (await staffEn.get('/bao-cao/n').expect(200)).text;
    expect(html).toContain('Choose at least one column to make the list.');
    expectNoOwnVietnamese(html);
  });

  it('a bad filter: a 400 with the English message', async () => {
    const res = await staffEn.get('/bao-cao/b?linh-vuc=KHONGCO').expect(400);
    expect(res.text).toContain('filter conditions are not valid.');
    expect(res.text).not.toContain('Điều kiện lọc');
  });

  it('the print view and the CSV stay Vietnamese for an English reader', async () => {
    const print = (await staffEn.get('/bao-cao/b?print=1').expect(200)).text;
    expect(print).toContain('>Tổng số hội</th>');
    expect(print).toContain('Số hội theo lĩnh vực');
    const csv = await staffEn.get('/bao-cao/b?format=csv').expect(200);
    expect(csv.text).toContain('Tổng số hội');
  });
});

describe('data quality in English', () => {
  it('the rules catalogue: rule texts in English', async () => {
    const html = (await staffEn.get('/quan-tri/chat-luong-du-lieu').expect(200)).text;
    expect(html).toContain('Congress term still running');
    expect(html).toContain('Number of years: 3.');
    expect(html).not.toContain('Nhiệm kỳ đại hội còn hạn');
    const vi = (await staffVi.get('/quan-tri/chat-luong-du-lieu').expect(200)).text;
    expect(vi).toContain('Nhiệm kỳ đại hội còn hạn');
  });

  it('a bad weight: 400 with the English field message', async () => {
    const form = await staffEn.get('/quan-tri/chat-luong-du-lieu/khong_qua_cu/sua').expect(200);
    expect(form.text).toContain('Record not out of date');
    expect(form.text).toContain('Number of years');
    const res = await staffEn
      .post('/quan-tri/chat-luong-du-lieu/khong_qua_cu/sua')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), weight: 'abc', enabled: 'co', param: '3' })
      .expect(400);
    expect(res.text).toContain('Weight must be a whole number, zero or more.');
    expect(res.text).not.toContain('phải là số nguyên không âm');
  });
});

describe('public pages in English', () => {
  it('a search too long: the English message', async () => {
    const res = await request(t.app)
      .get(`/hoi?q=${'a'.repeat(201)}`)
      .set('Cookie', 'lang=en');
    expect(res.status).toBe(400);
    expect(res.text).toContain('The search conditions are not valid. Check the keywords, field, scope, province and page number.');
    expect(res.text).not.toContain('Điều kiện tìm kiếm');
  });
});
