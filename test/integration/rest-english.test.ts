/**
 * Issue 17 item 2: the server's own texts in English on the pages of catalogues, fees, incidents, documents on
 * associations, violations, support questions and charters. Each form is posted with a mistake by a reader whose
 * lang cookie is `en`: the 400 page holds the English message (one template per message, the field's label
 * translated inside it) and not the Vietnamese one; a reader without the cookie still gets the Vietnamese text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, createAssociationViaForm, csrfFrom, inEnglish, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staffEn: Agent;
let staffVi: Agent;
let leadEn: Agent;
let askerEn: Agent;

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000' });
  staffEn = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  staffVi = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  leadEn = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
  askerEn = await loggedInAgent(t, await createUser(t.db.knex, ['exploiter']));
  for (const a of [staffEn, leadEn, askerEn]) await inEnglish(a);
}, 120_000);
afterAll(() => t.db.destroy());

/** Posts a form with the `_csrf` of the page it is shown on. */
async function post(a: Agent, formPath: string, fields: Record<string, string | string[]>, action = formPath) {
  const page = await a.get(formPath);
  expect(page.status, formPath).toBe(200);
  return a
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...fields });
}

function expectTexts(html: string, present: string[], absent: string[]) {
  for (const s of present) expect(html).toContain(s);
  for (const s of absent) expect(html).not.toContain(s);
}

describe('catalogues', () => {
  it('a malformed code and a code already in the catalogue: English, the catalogue named in English', async () => {
    const bad = await post(staffEn, '/quan-tri/danh-muc/tinh-chat/moi', { code: 'mã có dấu', name: 'Thử' });
    expect(bad.status).toBe(400);
    expectTexts(bad.text, ['The code may contain only unaccented letters, digits'], ['Mã chỉ gồm chữ cái không dấu']);

    const taken = await post(staffEn, '/quan-tri/danh-muc/tinh-chat/moi', { code: 'KHAC', name: 'Trùng mã' });
    expect(taken.status).toBe(400);
    expectTexts(
      taken.text,
      ['The code &#34;KHAC&#34; is already in the catalogue (nature of the association); each entry needs its own code.'],
      ['đã có trong danh mục'],
    );
    const vi = await post(staffVi, '/quan-tri/danh-muc/tinh-chat/moi', { code: 'KHAC', name: 'Trùng mã' });
    expect(vi.text).toContain('Mã &#34;KHAC&#34; đã có trong danh mục tính chất của hội; mỗi mục cần một mã riêng.');
  });
});

describe('fees', () => {
  it('a bad fee schedule: the messages name the fields in English', async () => {
    const res = await post(leadEn, '/quan-tri/phi/moi', {
      legal_basis: '',
      valid_from: '31/02/2027',
      valid_to: '',
      unit: 'export',
      unit_price_vnd: 'năm mươi nghìn',
    });
    expect(res.status).toBe(400);
    expectTexts(
      res.text,
      [
        'Start date must be a real date, written day/month/year (for example 05/02/2027).',
        'Unit price must be a whole number of dong from 0 to 100.000.000.000, for example 1.500.000.',
        'Choose at least one type of information it applies to.',
        'Please enter the legal basis.',
      ],
      ['phải là một ngày có thật', 'phải là số nguyên đồng', 'Hãy chọn ít nhất một loại', 'Hãy nhập căn cứ pháp lý'],
    );
  });
});

describe('incidents', () => {
  it('a bad incident: the severity to choose and the title too long, in English', async () => {
    const res = await post(staffEn, '/quan-tri/su-co/moi', {
      kind: 'su_co',
      title: 'x'.repeat(201),
      description: 'Mô tả',
      severity: 'khong-co',
    });
    expect(res.status).toBe(400);
    expectTexts(res.text, ['Choose the severity.', 'Title must be at most 200 characters.'], ['Hãy chọn mức độ.', 'Tiêu đề tối đa']);
  });
});

describe('documents on associations', () => {
  it('an empty form: English messages', async () => {
    const res = await post(staffEn, '/quan-tri/van-ban/moi', {
      number: '',
      doc_type: '',
      issuer: '',
      issued_on: '31/02/2013',
      summary: '',
    });
    expect(res.status).toBe(400);
    expectTexts(
      res.text,
      [
        'Please enter the number and symbol.',
        'Choose the document type.',
        'The date of issue must be a real date, written day/month/year (for example 05/02/2013).',
      ],
      ['Hãy chọn loại văn bản.', 'Ngày ban hành phải là'],
    );
  });
});

describe('violations', () => {
  it('a violation without a description and with an impossible date: English messages', async () => {
    const page = await staffEn.get('/quan-tri/vi-pham/moi');
    expect(page.status).toBe(200);
    const token = /\?_csrf=([^"&]+)"/.exec(page.text)?.[1] as string;
    const req = staffEn.post(`/quan-tri/vi-pham/moi?_csrf=${token}`);
    const fields = {
      classification: 'khong_mat',
      target_type: 'user',
      username: '',
      description: '',
      occurred_on: '30/02/2026',
      reporter: 'Sở Nội vụ',
    };
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    const res = await req;
    expect(res.status).toBe(400);
    expectTexts(
      res.text,
      [
        'Please enter the description of the violation.',
        'Date of the violation must be a real date, written day/month/year (for example 05/02/2027).',
      ],
      ['Hãy nhập nội dung vi phạm.', 'Ngày xảy ra vi phạm phải'],
    );
  });
});

describe('support questions', () => {
  it('an empty question: English messages naming the fields', async () => {
    const res = await post(askerEn, '/hoi-dap/moi', { subject: '', body: 'x'.repeat(8001) });
    expect(res.status).toBe(400);
    expectTexts(
      res.text,
      ['Please enter the subject of the question.', 'Text of the question must be at most 8000 characters.'],
      ['Hãy nhập tiêu đề câu hỏi.', 'Nội dung câu hỏi tối đa'],
    );
  });
});

describe('charters', () => {
  it('a comparison asked without versions: English messages', async () => {
    const created = await createAssociationViaForm(staffVi, { ...VALID_STAFF_FORM, name: 'Hội Thử Điều lệ Tiếng Anh' });
    expect(created.status).toBe(303);
    const code = String(created.headers.location).split('/').pop() as string;
    const res = await staffEn.get(`/quan-tri/hoi/${code}/dieu-le?tu=&den=`);
    expectTexts(
      res.text,
      ['Choose the older charter version (compare from).', 'Choose the newer charter version (compare to).'],
      ['Chọn bản điều lệ cũ', 'Chọn bản điều lệ mới'],
    );
  });
});
