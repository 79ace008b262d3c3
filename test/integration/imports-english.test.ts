/**
 * Issue 17 item 2: the import pages in English. The problems found in a file (made in Vietnamese by bulk-file.ts and
 * imports.evaluate.ts, stored with the batch) are printed through tx: a reader with the lang cookie `en` sees the
 * reasons and the column labels in English, the file's own sheet names as written; a refused upload and a refused
 * apply say why in English. Without the cookie the Vietnamese texts are unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkColumns } from '../../src/features/imports/bulk-file.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, csrfFrom, inEnglish, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

const BASE = '/quan-tri/nhap-du-lieu';
const KEYS = ['code', 'name', 'kind_code', 'scope', 'main_field_code', 'status', 'data_level'];

let t: TestContext;
let staffEn: Agent;
let staffVi: Agent;

const labelOf = (key: string) => bulkColumns().find((c) => c.key === key)?.label as string;

function csv(rows: Array<Record<string, string>>): Buffer {
  const quote = (s: string) => (/[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [KEYS.map((k) => quote(labelOf(k))).join(',')];
  for (const r of rows) lines.push(KEYS.map((k) => quote(r[k] ?? '')).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

const row = (name: string, code = '') => ({
  code,
  name,
  kind_code: 'hoi',
  scope: 'toan_quoc',
  main_field_code: 'XHND',
  status: 'hoat_dong',
  data_level: 'raw',
});

async function upload(a: Agent, data: Buffer, filename: string, contentType = 'text/csv') {
  const page = await a.get(BASE);
  expect(page.status).toBe(200);
  const token = /action="\/quan-tri\/nhap-du-lieu\?_csrf=([^"]+)"/.exec(page.text)?.[1] as string;
  return a.post(`${BASE}?_csrf=${token}`).attach('file', data, { filename, contentType });
}

function batchId(res: { status: number; headers: Record<string, string> }): number {
  expect(res.status, JSON.stringify(res.headers)).toBe(303);
  return Number(/\/(\d+)$/.exec(res.headers.location ?? '')?.[1]);
}

/** The page's body without its scripts (the layout's own texts are not this test's business). */
const body = (html: string) => html.slice(html.indexOf('<main'));

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000' });
  staffEn = await inEnglish(await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff'])));
  staffVi = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
}, 120_000);
afterAll(() => t.db.destroy());

describe('the problems of an import file in English', () => {
  let id: number;

  beforeAll(async () => {
    // Row 2: a malformed code; rows 3 and 4: the same new association twice.
    const data = csv([row('Hội Thử Mã Sai', 'X12'), row('Hội Thử Trùng'), row('Hội Thử Trùng')]);
    id = batchId(await upload(staffEn, data, 'loi.csv'));
    await t.services.imports.settled(id);
  });

  it('the reasons and the column labels are English; the sheet is named as in the file', async () => {
    const page = await staffEn.get(`${BASE}/${id}`).expect(200);
    const html = body(page.text);
    expect(html).toContain('The association code «X12» is not in the right form (the letter H and 6 digits, for example H000123).');
    expect(html).toContain('This association is already on row 3 of the file.');
    expect(html).toContain('<td>Association code (empty for a new association)</td>');
    expect(html).toContain('<td>CSV</td>');
    for (const vi of ['không đúng dạng', 'đã có ở dòng', 'để trống nếu là hội mới']) expect(html).not.toContain(vi);
  });

  it('the same page in Vietnamese is unchanged', async () => {
    const html = body((await staffVi.get(`${BASE}/${id}`).expect(200)).text);
    expect(html).toContain('Mã hội «X12» không đúng dạng (chữ H và 6 chữ số, ví dụ H000123).');
    expect(html).toContain('Hội này đã có ở dòng 3 của tệp.');
    expect(html).toContain('<td>Mã hội (để trống nếu là hội mới)</td>');
  });

  it('the confirmation page before applying is English', async () => {
    const html = body((await staffEn.get(`${BASE}/${id}/ap-dung?mode=all`).expect(200)).text);
    expect(html).toContain('Apply the whole file to the database?');
    expect(html).toContain('Associations in the file');
    expect(html).toContain('There is no automatic undo: to correct it, import a new file or edit each record.');
    expect(html).toContain('Confirm: apply the whole file');
    for (const vi of ['Áp dụng toàn bộ tệp', 'Không hoàn tác tự động', 'Số hội trong tệp']) expect(html).not.toContain(vi);
  });

  it('applying the whole file while rows are bad is refused in English (400)', async () => {
    const page = await staffEn.get(`${BASE}/${id}`).expect(200);
    const res = await staffEn
      .post(`${BASE}/${id}/ap-dung`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), 'xac-nhan': '1', mode: 'all' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('The file still has rows with errors: apply only the valid rows, or correct the file and upload it again.');
    expect(res.text).not.toContain('Tệp còn dòng sai');
  });
});

describe('a refused upload in English', () => {
  it('a file that is neither XLSX nor CSV', async () => {
    const png = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');
    const res = await upload(staffEn, png, 'du-lieu.csv');
    expect(res.status).toBe(400);
    expect(res.text).toContain('The file must be an Excel workbook (.xlsx) or a CSV file (UTF-8).');
    expect(res.text).not.toContain('Tệp phải là bảng tính Excel');
  });

  it('an empty file', async () => {
    const res = await upload(staffEn, Buffer.alloc(0), 'rong.csv');
    expect(res.status).toBe(400);
    expect(res.text).toContain('The file is empty. Choose the file again.');
  });

  it('a CSV without the name column: the file problem is English', async () => {
    const data = Buffer.from(`\uFEFF${labelOf('code')},${labelOf('scope')}\r\nH000001,toan_quoc\r\n`, 'utf8');
    const id = batchId(await upload(staffEn, data, 'thieu-cot.csv'));
    await t.services.imports.settled(id);
    const html = body((await staffEn.get(`${BASE}/${id}`).expect(200)).text);
    expect(html).toContain(
      'Sheet «CSV»: the header row (row 1) has no column for the association&#39;s name in Vietnamese. Use the template downloaded from the system.',
    );
    expect(html).not.toContain('không tìm thấy cột');
  });
});
