/**
 * Issue 17 item 2: the texts the register and Biểu mẫu 1 make on the server — validation messages built from the
 * form's labels (a sub-list row's too), the quarterly update detail, the funds chart, the version reasons, the Excel
 * upload's messages, the view-as banner — print in English for an English reader (tx, locales/texts/en), and stay
 * Vietnamese, unchanged, for a Vietnamese one.
 */
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { formFields, VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, createAssociationViaForm, inEnglish, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staffVi: Agent;
let staffEn: Agent;
let officerEn: Agent;
let code: string;

const NAME = 'Hội Thử Văn bản Máy chủ';

beforeAll(async () => {
  t = await buildTestApp();
  staffVi = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  staffEn = await inEnglish(await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff'])));
  const res = await createAssociationViaForm(staffVi, { ...VALID_STAFF_FORM, name: NAME });
  expect(res.status, res.text.slice(0, 1500)).toBe(303);
  code = String(res.headers.location).split('/').pop() as string;
  const associationId = (await t.db.knex('associations').where({ code }).first('id')).id;
  officerEn = await inEnglish(await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId })));
});

afterAll(async () => {
  await t?.db.destroy();
});

/** The page's body without its scripts and the data typed back into the form (values, not texts of the server). */
function body(html: string): string {
  return html
    .slice(html.indexOf('<body'))
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/value="[^"]*"/g, '');
}

/** Words of the server's Vietnamese messages that must not be left on an English page. */
const VIETNAMESE_MESSAGES = [/là bắt buộc/, /không đúng định dạng/, /, dòng \d/, /Cập nhật lần cuối/, /Biểu đồ/, /kinh phí hoạt động/];

function expectNoVietnameseMessages(html: string) {
  const text = body(html);
  for (const re of VIETNAMESE_MESSAGES) expect(text).not.toMatch(re);
}

/** Posts the staff edit's identification section with these values over the stored ones. */
async function saveIdentification(a: Agent, values: Record<string, string>) {
  const path = `/quan-tri/hoi/${code}/sua/dinh-danh`;
  const page = await a.get(path).expect(200);
  return a
    .post(path)
    .type('form')
    .send({ ...formFields(page.text, path), ...values, action: 'luu' });
}

describe("the staff's Biểu mẫu 1: validation messages", () => {
  const BAD = {
    name: '',
    email: 'not-an-email',
    'offices.0.address': '',
    'offices.0.decision_date': '31/02/2020',
  };

  it('are English for an English reader: the label inside the message, and a row message inside its prefix', async () => {
    const res = await saveIdentification(staffEn, BAD);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Name of the association (Vietnamese) is required.');
    expect(res.text).toContain('Email is not in the right format, for example: vanphong@hoi.org.vn.');
    expect(res.text).toContain('Representative offices, row 1: Address is required.');
    expect(res.text).toContain(
      'Representative offices, row 1: Authorising decision: date must be a real date, written day/month/year, for example 05/02/2013.',
    );
    expectNoVietnameseMessages(res.text);
  });

  it('are unchanged for a Vietnamese reader', async () => {
    const res = await saveIdentification(staffVi, BAD);
    expect(res.status).toBe(400);
    expect(res.text).toContain('Tên hội (tiếng Việt) là bắt buộc.');
    expect(res.text).toContain('Thư điện tử không đúng định dạng, ví dụ: vanphong@hoi.org.vn.');
    expect(res.text).toContain('Văn phòng đại diện, dòng 1: Địa chỉ là bắt buộc.');
  });

  it('the withholding form: its errors in English', async () => {
    const page = await staffEn.get(`/quan-tri/hoi/${code}`).expect(200);
    const form = formFields(page.text, `/quan-tri/hoi/${code}/khong-cong-khai`);
    const res = await staffEn
      .post(`/quan-tri/hoi/${code}/khong-cong-khai`)
      .type('form')
      .send({ _csrf: form._csrf, version: form.version, field: 'phone', reason: '', until: '2000-01-01' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Enter the reason for withholding this field.');
    expect(body(res.text)).not.toContain('Nhập lý do không công khai');
  });
});

describe("the staff's record pages in English", () => {
  it('the record page: the quarterly update detail, the funds chart and the labels', async () => {
    const association = await t.db.knex('associations').where({ code }).first('id');
    await t.db.knex('funds').insert([
      { association_id: association.id, year: 2024, source: 'hoi_phi', amount_vnd: 1_000_000 },
      { association_id: association.id, year: 2025, source: 'hoi_phi', amount_vnd: 2_000_000 },
    ]);
    const en = (await staffEn.get(`/quan-tri/hoi/${code}`).expect(200)).text;
    expect(en).toMatch(/Last updated on \d\d\/\d\d\/\d{4}; the next update is due by \d\d\/\d\d\/\d{4}/);
    expect(en).toContain('Stacked column chart: operating funds by source, years with data: 2 (2024–2025), in VND.');
    expect(en).toContain('&#34;label&#34;:&#34;Membership fees&#34;');
    expect(en).toContain('Name of the association (Vietnamese)</dt>');
    expect(en).toContain('A. Identification</h2>');
    // A fixed option from form.json, and a catalogue entry by its English name.
    expect(en).toContain('>Nationwide</dd>');
    expect(en).toContain('>Association</dd>');
    expectNoVietnameseMessages(en);
    const vi = (await staffVi.get(`/quan-tri/hoi/${code}`).expect(200)).text;
    expect(vi).toContain('Biểu đồ cột chồng: kinh phí hoạt động theo nguồn, 2 năm có số liệu (2024–2025), đơn vị: đồng.');
    expect(vi).toContain('Tên hội (tiếng Việt)</dt>');
  });

  it('the history: a version reason made by the server', async () => {
    const page = await staffEn.get(`/quan-tri/hoi/${code}`).expect(200);
    const form = formFields(page.text, `/quan-tri/hoi/${code}/cong-khai`);
    expect((await staffEn.post(`/quan-tri/hoi/${code}/cong-khai`).type('form').send(form)).status).toBe(303);
    const { version } = await t.db.knex('associations').where({ code }).first('version');
    const history = `/quan-tri/hoi/${code}/lich-su?tu=${version - 1}&den=${version}`;
    const en = (await staffEn.get(history).expect(200)).text;
    expect(en).toContain('<td>Published</td>');
    // The comparison of the last two versions: the label and the yes/no values of the form, in English.
    expect(en).toContain('<th scope="row">Published on the portal</th><td class="diff-before">No</td><td class="diff-after">Yes</td>');
    const vi = (await staffVi.get(history).expect(200)).text;
    expect(vi).toContain('<td>Công khai</td>');
    expect(vi).toContain(
      '<th scope="row">Công khai trên cổng thông tin</th><td class="diff-before">Không</td><td class="diff-after">Có</td>',
    );
  });

  it("the view-as preview of the officer's page: the banner and the greeting", async () => {
    const en = (await staffEn.get(`/quan-tri/hoi/${code}/xem-nhu?vai-tro=hoi`).expect(200)).text;
    expect(en).toContain('<strong>the association&#39;s officer</strong>');
    expect(en).not.toContain('cán bộ của hội');
  });
});

describe("the officer's Excel upload in English", () => {
  async function upload(file: Buffer, name = 'bieu-mau-1.xlsx') {
    const home = await officerEn.get('/hoi-cua-toi/').expect(200);
    const token = decodeURIComponent(/tai-len\?_csrf=([^"&]+)"/.exec(home.text)?.[1] ?? '');
    return officerEn.post(`/hoi-cua-toi/bieu-mau/tai-len?_csrf=${encodeURIComponent(token)}`).attach('file', file, name);
  }

  it('a file that is not a workbook: the title and the message in English', async () => {
    const res = await upload(Buffer.from('not a workbook at all'), 'x.xlsx');
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>The Excel file could not be loaded');
    expect(res.text).toContain('The file is not an Excel file (.xlsx). Use the template downloaded from the system.');
    expect(body(res.text)).not.toContain('Hãy dùng mẫu');
  });

  it("a workbook without the template's main sheet: the reader's message in English", async () => {
    const wb = new ExcelJS.Workbook();
    wb.addWorksheet('Sheet1').getCell('A1').value = 'x';
    const res = await upload(Buffer.from(await wb.xlsx.writeBuffer()));
    expect(res.status).toBe(400);
    expect(res.text).toContain('Use the Form 1 template downloaded from the system.');
    expect(body(res.text)).not.toContain('Tệp không có trang tính');
  });
});
