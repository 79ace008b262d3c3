/**
 * Issue 17 item 2: Biểu mẫu 1 as a task list in English and in Vietnamese — the staff edit (task list, a section page
 * with its save bar, the new-record form) and the officer's pages (home, the draft's task list, a section page, the
 * check-and-send step). Each page is asked for with the lang cookie: `<html lang>` follows it, the English heading
 * and section states are there, no message key is left unresolved, and without the cookie the Vietnamese text is
 * unchanged. The flash message after a section is saved follows the language too.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type FieldDef, SECTIONS, SUBLISTS } from '../../src/features/register-form/definition.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { formFields, VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, createAssociationViaForm, csrfFrom, inEnglish, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staffVi: Agent;
let staffEn: Agent;
let officerVi: Agent;
let officerEn: Agent;
let code: string;
let id: number;

const NAME = 'Hội Thử Ngôn ngữ Biểu mẫu';

beforeAll(async () => {
  t = await buildTestApp();
  staffVi = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  staffEn = await inEnglish(await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff'])));
  const res = await createAssociationViaForm(staffVi, { ...VALID_STAFF_FORM, name: NAME });
  expect(res.status, res.text.slice(0, 1500)).toBe(303);
  code = String(res.headers.location).split('/').pop() as string;
  const associationId = (await t.db.knex('associations').where({ code }).first('id')).id;
  officerVi = await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId }));
  officerEn = await inEnglish(await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId })));
  const home = await officerVi.get('/hoi-cua-toi/').expect(200);
  const start = await officerVi
    .post('/hoi-cua-toi/bieu-mau')
    .type('form')
    .send({ _csrf: csrfFrom(home.text) })
    .expect(303);
  id = Number(/(\d+)$/.exec(String(start.headers.location))?.[1]);
});

afterAll(async () => {
  await t?.db.destroy();
});

const htmlLang = (html: string) => /<html lang="([a-z]+)">/.exec(html)?.[1];
/** A message key printed as itself (`form:rows.add`, `submissions:officerForm.title`). Only the page's body. */
const UNRESOLVED = /\b(?:form|submissions|associations|documents|common):[a-zA-Z]+\.[a-zA-Z.]+/;

function expectEnglish(html: string, texts: string[]) {
  expect(htmlLang(html)).toBe('en');
  for (const text of texts) expect(html).toContain(text);
  expect(html.slice(html.indexOf('<body'))).not.toMatch(UNRESOLVED);
}

function expectVietnamese(html: string, texts: string[]) {
  expect(htmlLang(html)).toBe('vi');
  for (const text of texts) expect(html).toContain(text);
}

describe('the staff edit of Biểu mẫu 1 in English and Vietnamese', () => {
  it('the task list: heading, section titles and states', async () => {
    const path = `/quan-tri/hoi/${code}/sua`;
    expectEnglish((await staffEn.get(path).expect(200)).text, [
      `Edit record: ${NAME}</h1>`,
      'A. Identification</a>',
      '>Completed</span>',
      '>Not started</span>',
      'aria-label="Sections of the record"',
    ]);
    expectVietnamese((await staffVi.get(path).expect(200)).text, [
      `Sửa hồ sơ: ${NAME}</h1>`,
      'A. Thông tin định danh</a>',
      '>Đã xong</span>',
      '>Chưa bắt đầu</span>',
    ]);
  });

  it('a section page with its row table and save bar', async () => {
    const path = `/quan-tri/hoi/${code}/sua/lanh-dao`;
    expectEnglish((await staffEn.get(path).expect(200)).text, [
      'F. Leadership of the association</h1>',
      '· section 6 of 10',
      'Save and continue</button>',
      'Return to the sections without saving</a>',
      '>Full name <span class="text-danger"',
      'Add leader</button>',
      'data-row-word="Row"',
    ]);
    expectVietnamese((await staffVi.get(path).expect(200)).text, [
      'F. Lãnh đạo hội</h1>',
      '· mục 6/10',
      'Lưu và tiếp tục</button>',
      'Không lưu, về danh sách mục</a>',
      '>Họ và tên <span class="text-danger"',
      'Thêm người lãnh đạo</button>',
      'data-row-word="Dòng"',
    ]);
  });

  it('the new-record form', async () => {
    expectEnglish((await staffEn.get('/quan-tri/hoi/moi').expect(200)).text, [
      'Add a new association</h1>',
      'Add the association</button>',
    ]);
    expectVietnamese((await staffVi.get('/quan-tri/hoi/moi').expect(200)).text, ['Thêm hội mới</h1>', 'Thêm hội</button>']);
  });
});

describe("the officer's Biểu mẫu 1 in English and Vietnamese", () => {
  it('the home page', async () => {
    expectEnglish((await officerEn.get('/hoi-cua-toi/').expect(200)).text, [
      'My association</h1>',
      'Form 1 (Biểu mẫu 1) — Association information sheet</h2>',
      'Continue filling in the form</a>',
      '<strong>Draft</strong>',
    ]);
    expectVietnamese((await officerVi.get('/hoi-cua-toi/').expect(200)).text, [
      'Hội của tôi</h1>',
      'Biểu mẫu 1 — Phiếu thông tin về hội</h2>',
      'Tiếp tục khai biểu mẫu</a>',
    ]);
  });

  it("the draft's task list", async () => {
    const path = `/hoi-cua-toi/bieu-mau/${id}`;
    expectEnglish((await officerEn.get(path).expect(200)).text, [
      `Form 1: ${NAME}</h1>`,
      `<title>Form 1 no. ${id}`,
      'Sections of the form</h2>',
      'aria-label="Sections of Form 1"',
      '>Not started</span>',
      'Check and send</a>',
    ]);
    expectVietnamese((await officerVi.get(path).expect(200)).text, [
      `Biểu mẫu 1: ${NAME}</h1>`,
      'Các mục của biểu mẫu</h2>',
      '>Chưa bắt đầu</span>',
      'Kiểm tra và gửi</a>',
    ]);
  });

  it('a section page, and the flash message after it is saved', async () => {
    const path = `/hoi-cua-toi/bieu-mau/${id}/muc/hoi-vien`;
    const en = (await officerEn.get(path).expect(200)).text;
    expectEnglish(en, ['E. Members</h1>', 'Save and continue</button>', 'are required when sending', 'Total members']);
    expectVietnamese((await officerVi.get(path).expect(200)).text, ['E. Hội viên</h1>', 'là bắt buộc khi gửi', 'Tổng số hội viên']);
    const saved = await officerEn
      .post(path)
      .type('form')
      .send({ ...formFields(en, path), action: 'luu' })
      .expect(303);
    const list = (await officerEn.get(String(saved.headers.location)).expect(200)).text;
    expect(list).toContain('Section “E. Members” saved.');
  });

  it('the check-and-send step, with English plurals', async () => {
    await t.db
      .knex('submissions')
      .where({ id })
      .update({ body: t.db.knex.raw(`body || '{"tax_code":"12AB"}'::jsonb`) });
    const path = `/hoi-cua-toi/bieu-mau/${id}/kiem-tra`;
    const en = (await officerEn.get(path).expect(200)).text;
    expectEnglish(en, ['Check and send Form 1</h1>', 'Send the form</button>', 'I declare that the information']);
    expect(en).toContain('Sections to correct before sending (1 error)</h2>');
    await t.db
      .knex('submissions')
      .where({ id })
      .update({ body: t.db.knex.raw(`body || '{"email":"not an email"}'::jsonb`) });
    const two = (await officerEn.get(path).expect(200)).text;
    expect(two).toMatch(/Sections to correct before sending \(\d+ errors\)<\/h2>/);
    expectVietnamese((await officerVi.get(path).expect(200)).text, [
      'Kiểm tra và gửi Biểu mẫu 1</h1>',
      'Gửi biểu mẫu</button>',
      'lỗi)</h2>',
    ]);
  });
});

describe("Biểu mẫu 1's field labels", () => {
  /** The Vietnamese labels in locales/vi/form.json are the definition's: definition.ts stays the text of record. */
  it('the Vietnamese messages repeat definition.ts exactly, and every field has an English label', () => {
    const vi = JSON.parse(readFileSync('locales/vi/form.json', 'utf8'));
    const en = JSON.parse(readFileSync('locales/en/form.json', 'utf8'));
    const texts = (d: FieldDef) => ({
      label: d.label,
      ...(d.hint ? { hint: d.hint } : {}),
      ...(d.heading ? { heading: d.heading } : {}),
      ...(d.options && 'values' in d.options ? { options: Object.fromEntries(d.options.values) } : {}),
    });
    const fields = Object.fromEntries(SECTIONS.flatMap((s) => s.fields.map((d) => [d.name, texts(d)])));
    const lists = Object.fromEntries(
      SUBLISTS.map((l) => [
        l.name,
        { title: l.title, item: l.itemLabel, fields: Object.fromEntries(l.fields.map((d) => [d.name, texts(d)])) },
      ]),
    );
    expect(vi.fields).toEqual(fields);
    expect(vi.lists).toEqual(lists);
    for (const name of Object.keys(fields)) expect(en.fields[name]?.label, name).toBeTruthy();
    for (const [name, list] of Object.entries(lists))
      for (const field of Object.keys(list.fields)) expect(en.lists[name]?.fields[field]?.label, `${name}.${field}`).toBeTruthy();
    expect(Object.keys(vi.sections).sort()).toEqual(SECTIONS.map((s) => s.key).sort());
    for (const s of SECTIONS) expect(vi.sections[s.key]).toBe(s.title);
  });
});
