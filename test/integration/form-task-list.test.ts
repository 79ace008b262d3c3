/**
 * Biểu mẫu 1 as a task list (issue 18 item 2, GOV.UK "task list"): the staff edit and the officer's draft list the
 * sections with their state (Chưa bắt đầu / Đang khai / Đã xong / Có lỗi); each section is its own page, saved on its
 * own (only its fields checked, the other sections kept); the sub-lists' rows are added and removed by submit buttons
 * that work without JavaScript; the officer's send checks every section and lists the errors by section with links.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { formFields, VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, createAssociationViaForm, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { editSectionPath, sectionFields } from '../helpers/register-edit.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let officer: Agent;
let code: string;
let associationId: number;

const BASE = {
  ...VALID_STAFF_FORM,
  name: 'Hội Thử Danh sách mục',
  members_total: '1.200',
  'funds.0.year': '2024',
  'funds.0.source': 'hoi_phi',
  'funds.0.amount_vnd': '50.000.000',
};

/** The state tag of one section on a task list page. */
function stateOf(html: string, href: string): string | undefined {
  const at = html.indexOf(`href="${href}"`);
  if (at < 0) return undefined;
  return /task-list__status[^>]*>([^<]+)</.exec(html.slice(at))?.[1]?.trim();
}

async function version(): Promise<number> {
  return (await t.db.knex('associations').where({ code }).first('version')).version;
}

beforeAll(async () => {
  t = await buildTestApp();
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  const res = await createAssociationViaForm(staff, BASE);
  expect(res.status, res.text.slice(0, 1500)).toBe(303);
  code = String(res.headers.location).split('/').pop() as string;
  associationId = (await t.db.knex('associations').where({ code }).first('id')).id;
  officer = await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId }));
});
afterAll(() => t.db.destroy());

describe('the staff edit as a task list', () => {
  it('lists every section with its state: done, not started, has errors (a stored value that is not valid)', async () => {
    await t.db.knex('associations').where({ code }).update({ tax_code: '12AB' }); // as an old import may have left it
    const page = await staff.get(`/quan-tri/hoi/${code}/sua`);
    expect(page.status).toBe(200);
    expect(stateOf(page.text, editSectionPath(code, 'dinh-danh'))).toBe('Có lỗi');
    expect(page.text).toContain(`href="${editSectionPath(code, 'dinh-danh')}#tax_code"`);
    expect(stateOf(page.text, editSectionPath(code, 'phap-ly'))).toBe('Chưa bắt đầu'); // no decision yet
    expect(stateOf(page.text, editSectionPath(code, 'hoi-vien'))).toBe('Đã xong');
    expect(stateOf(page.text, editSectionPath(code, 'quan-ly-ho-so'))).toBe('Đã xong');
    // Each section is its own page with the save bar; the sub-lists are table rows.
    const leaders = await staff.get(editSectionPath(code, 'lanh-dao'));
    expect(leaders.text).toContain('class="save-bar"');
    expect(leaders.text).toContain('Lưu và tiếp tục');
    expect(leaders.text).toMatch(/<table class="table table-sm row-table/);
    expect(leaders.text).not.toContain('name="name"'); // another section's field is not on the page
    expect((await staff.get(editSectionPath(code, 'khong-co'))).status).toBe(404);
  });

  it('saves one section as one new version, the other sections unchanged; "Lưu và tiếp tục" opens the next', async () => {
    const before = await version();
    const fields = await sectionFields(staff, code, 'dinh-danh');
    const res = await staff
      .post(editSectionPath(code, 'dinh-danh'))
      .type('form')
      .send({ ...fields, tax_code: '0101234567', phone: '024 3999 0000', reason: 'Sửa mã số thuế', action: 'tiep' });
    expect(res.status, res.text.slice(0, 2000)).toBe(303);
    expect(res.headers.location).toBe(editSectionPath(code, 'phap-ly'));
    expect(await version()).toBe(before + 1);
    const row = await t.db.knex('associations').where({ code }).first();
    expect(row).toMatchObject({ tax_code: '0101234567', phone: '024 3999 0000', members_total: 1200 });
    expect(await t.db.knex('funds').where({ association_id: associationId }).first()).toMatchObject({ amount_vnd: 50_000_000 });
    const v = await t.db
      .knex('association_versions')
      .where({ association_id: associationId, version: before + 1 })
      .first();
    expect(v.reason).toBe('Sửa mã số thuế');
    const history = await staff.get(`/quan-tri/hoi/${code}/lich-su`).query({ tu: before, den: before + 1 });
    expect(history.text).toContain('Mã số thuế');
    expect(history.text).not.toContain('Tổng số hội viên');
    const tasks = await staff.get(`/quan-tri/hoi/${code}/sua`);
    expect(stateOf(tasks.text, editSectionPath(code, 'dinh-danh'))).toBe('Đã xong');
  });

  it('a box left unticked in the section clears what was stored (the post is the whole section)', async () => {
    const fields = await sectionFields(staff, code, 'ton-chi-linh-vuc');
    const ticked = await staff
      .post(editSectionPath(code, 'ton-chi-linh-vuc'))
      .type('form')
      .send({ ...fields, other_field_codes: ['VHNT', 'NH'], party_state_tasked: 'on', action: 'luu' });
    expect(ticked.status, ticked.text.slice(0, 1500)).toBe(303);
    expect(await t.db.knex('association_other_fields').where({ association_id: associationId }).pluck('field_code')).toHaveLength(2);
    const again = await sectionFields(staff, code, 'ton-chi-linh-vuc');
    expect(again.party_state_tasked).toBe('on');
    const { other_field_codes: _codes, party_state_tasked: _tasked, ...unticked } = again;
    const cleared = await staff
      .post(editSectionPath(code, 'ton-chi-linh-vuc'))
      .type('form')
      .send({ ...unticked, action: 'luu' });
    expect(cleared.status).toBe(303);
    expect(await t.db.knex('association_other_fields').where({ association_id: associationId })).toHaveLength(0);
    expect((await t.db.knex('associations').where({ code }).first()).party_state_tasked).toBe(false);
  });

  it('refuses a wrong value of the section: 400, the message next to the field, every value kept, nothing saved', async () => {
    const before = await version();
    const fields = await sectionFields(staff, code, 'hoi-vien');
    const res = await staff
      .post(editSectionPath(code, 'hoi-vien'))
      .type('form')
      .send({ ...fields, members_total: 'nhiều', members_official: '900' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Lỗi: ');
    expect(res.text).toMatch(/id="members_total-error"[^>]*>[\s\S]*?Tổng số hội viên phải là số nguyên/);
    expect(res.text).toContain('value="nhiều"');
    expect(res.text).toContain('value="900"');
    expect(await version()).toBe(before);
  });

  it('adds and removes rows without JavaScript (the page comes back, values kept, nothing saved), then saves', async () => {
    const before = await version();
    const fields = await sectionFields(staff, code, 'lanh-dao');
    expect(fields['leaders.0.full_name']).toBe('Nguyễn Văn An');
    const added = await staff
      .post(editSectionPath(code, 'lanh-dao'))
      .type('form')
      .send({ ...fields, 'leaders.0.qualification': 'Thạc sĩ', action: 'add:leaders' });
    expect(added.status).toBe(200);
    const withRow = formFields(added.text, editSectionPath(code, 'lanh-dao'));
    expect(withRow['leaders.0.qualification']).toBe('Thạc sĩ'); // the typed value kept
    expect(withRow['leaders.1.full_name']).toBe(''); // the new blank row
    expect(await version()).toBe(before);
    // Fill the new row, and mark the stored one for removal.
    const removed = await staff
      .post(editSectionPath(code, 'lanh-dao'))
      .type('form')
      .send({
        ...withRow,
        'leaders.1.full_name': 'Phạm Thị Mới',
        'leaders.1.position_code': 'CT',
        'leaders.1.official_status': 'khong',
        action: 'remove:leaders:0',
      });
    expect(removed.status).toBe(200);
    expect(removed.text).toContain('sẽ bị xóa khi lưu');
    expect(removed.text).toContain('Giữ lại');
    const marked = formFields(removed.text, editSectionPath(code, 'lanh-dao'));
    expect(marked['leaders.0._delete']).toBe('on');
    expect(marked['leaders.1.full_name']).toBe('Phạm Thị Mới');
    // "Giữ lại" undoes the mark; a new row's "Xóa" drops it.
    const kept = await staff
      .post(editSectionPath(code, 'lanh-dao'))
      .type('form')
      .send({ ...marked, action: 'keep:leaders:0' });
    expect(formFields(kept.text, editSectionPath(code, 'lanh-dao'))['leaders.0._delete']).toBeUndefined();
    const dropped = await staff
      .post(editSectionPath(code, 'lanh-dao'))
      .type('form')
      .send({ ...marked, action: 'remove:leaders:1' });
    expect(formFields(dropped.text, editSectionPath(code, 'lanh-dao'))['leaders.1.full_name']).toBeUndefined();
    expect(await version()).toBe(before);
    // Saved with the stored row marked and the new row filled: one version.
    const saved = await staff
      .post(editSectionPath(code, 'lanh-dao'))
      .type('form')
      .send({ ...marked, action: 'luu' });
    expect(saved.status, saved.text.slice(0, 2000)).toBe(303);
    expect(saved.headers.location).toBe(`/quan-tri/hoi/${code}/sua`);
    expect(await version()).toBe(before + 1);
    expect(await t.db.knex('leaders').where({ association_id: associationId }).pluck('full_name')).toEqual(['Phạm Thị Mới']);
  });
});

describe("the officer's draft as a task list", () => {
  let id: number;
  const section = (slug: string) => `/hoi-cua-toi/bieu-mau/${id}/muc/${slug}`;
  async function open(slug: string) {
    const page = await officer.get(section(slug));
    expect(page.status).toBe(200);
    return formFields(page.text, section(slug));
  }

  it('starts with every section "not started"; a saved one is done, or in progress while a required value is empty', async () => {
    const home = await officer.get('/hoi-cua-toi/');
    const start = await officer
      .post('/hoi-cua-toi/bieu-mau')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    id = Number(/(\d+)$/.exec(String(start.headers.location))?.[1]);
    const tasks = await officer.get(`/hoi-cua-toi/bieu-mau/${id}`);
    expect(tasks.status).toBe(200);
    for (const slug of ['dinh-danh', 'phap-ly', 'lanh-dao', 'hoat-dong'])
      expect(stateOf(tasks.text, section(slug)), slug).toBe('Chưa bắt đầu');
    expect(tasks.text).not.toContain('quan-ly-ho-so'); // record management stays with the Department
    expect(tasks.text).toContain(`href="/hoi-cua-toi/bieu-mau/${id}/kiem-tra"`);

    const members = await open('hoi-vien');
    const saved = await officer
      .post(section('hoi-vien'))
      .type('form')
      .send({ ...members, members_total: '1.500', action: 'tiep' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(section('lanh-dao'));
    const identity = await open('dinh-danh');
    expect(
      (
        await officer
          .post(section('dinh-danh'))
          .type('form')
          .send({ ...identity, name: '', action: 'luu' })
      ).status,
    ).toBe(303);
    const after = await officer.get(`/hoi-cua-toi/bieu-mau/${id}`);
    expect(stateOf(after.text, section('hoi-vien'))).toBe('Đã xong');
    expect(stateOf(after.text, section('dinh-danh'))).toBe('Đang khai');
    expect(stateOf(after.text, section('lanh-dao'))).toBe('Chưa bắt đầu');
    // The other sections were kept as stored.
    const body = (await t.db.knex('submissions').where({ id }).first()).body;
    const stored = typeof body === 'string' ? JSON.parse(body) : body;
    expect(stored).toMatchObject({ members_total: '1.500', name: '', 'funds.0.amount_vnd': '50.000.000' });
  });

  it('refuses a wrong value of the section (400, message, values kept), and a wrong stored value shows "Có lỗi"', async () => {
    const fields = await open('ho-tro-tru-so');
    const bad = await officer
      .post(section('ho-tro-tru-so'))
      .type('form')
      .send({ ...fields, hq_area_m2: 'rộng', 'funds.0.amount_vnd': 'năm mươi triệu', action: 'luu' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Diện tích trụ sở (m²) phải là số');
    expect(bad.text).toContain('Kinh phí hoạt động, dòng 1: Số tiền (đồng) phải là số nguyên');
    expect(bad.text).toContain('value="rộng"');
    expect(bad.text).toContain('value="năm mươi triệu"');
    // A value the Excel upload brought in that is not valid: the section "has errors".
    const row = await t.db.knex('submissions').where({ id }).first();
    const body = typeof row.body === 'string' ? JSON.parse(row.body) : row.body;
    await t.db
      .knex('submissions')
      .where({ id })
      .update({ body: JSON.stringify({ ...body, email: 'khong-hop-le' }) });
    const tasks = await officer.get(`/hoi-cua-toi/bieu-mau/${id}`);
    expect(stateOf(tasks.text, section('dinh-danh'))).toBe('Có lỗi');
    expect(tasks.text).toContain(`href="${section('dinh-danh')}#email"`);
  });

  it('adds a fund row without JavaScript and keeps the values typed', async () => {
    const fields = await open('ho-tro-tru-so');
    const res = await officer
      .post(section('ho-tro-tru-so'))
      .type('form')
      .send({ ...fields, hq_area_m2: '120,5', action: 'add:funds' });
    expect(res.status).toBe(200);
    const again = formFields(res.text, section('ho-tro-tru-so'));
    expect(again.hq_area_m2).toBe('120,5');
    expect(again['funds.1.year']).toBe('');
    const filled = await officer
      .post(section('ho-tro-tru-so'))
      .type('form')
      .send({ ...again, 'funds.1.year': '2025', 'funds.1.source': 'hoi_phi', 'funds.1.amount_vnd': '60.000.000', action: 'luu' });
    expect(filled.status, filled.text.slice(0, 1500)).toBe(303);
    const stored = (await t.db.knex('submissions').where({ id }).first()).body;
    expect(typeof stored === 'string' ? JSON.parse(stored) : stored).toMatchObject({
      'funds.1.amount_vnd': '60.000.000',
      hq_area_m2: '120,5',
    });
  });

  it('refuses the send while one section has errors: 400, the errors under their section with links, still a draft', async () => {
    const check = await officer.get(`/hoi-cua-toi/bieu-mau/${id}/kiem-tra`);
    expect(check.status).toBe(200);
    const res = await officer
      .post(`/hoi-cua-toi/bieu-mau/${id}`)
      .type('form')
      .send({ ...formFields(check.text, `/hoi-cua-toi/bieu-mau/${id}`), action: 'gui', declaration: 'on' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Các mục cần sửa trước khi gửi');
    expect(stateOf(res.text, section('dinh-danh'))).toBe('Có lỗi');
    expect(res.text).toContain(`href="${section('dinh-danh')}#name"`);
    expect(res.text).toContain(`href="${section('dinh-danh')}#email"`);
    expect(res.text).toContain('Tên hội (tiếng Việt) là bắt buộc.');
    const toFix = res.text.slice(res.text.indexOf('Các mục cần sửa'), res.text.indexOf('Những thay đổi so với'));
    expect(toFix).toContain(`href="${section('dinh-danh')}"`);
    expect(toFix).not.toContain(`href="${section('hoi-vien')}"`); // a section without errors is not listed
    expect(res.text).toContain('sẽ được gửi với thông tin điền sẵn'); // sections never opened are named
    expect(res.text).toContain(`<a href="${section('lanh-dao')}">F. Lãnh đạo hội</a>`);
    expect((await t.db.knex('submissions').where({ id }).first()).status).toBe('draft');
    // Corrected in its section, the form goes.
    const identity = await open('dinh-danh');
    const fixed = await officer
      .post(section('dinh-danh'))
      .type('form')
      .send({ ...identity, name: 'Hội Thử Danh sách mục', email: 'vanphong@hoithu.vn', action: 'luu' });
    expect(fixed.status).toBe(303);
    const again = await officer.get(`/hoi-cua-toi/bieu-mau/${id}/kiem-tra`);
    const sent = await officer
      .post(`/hoi-cua-toi/bieu-mau/${id}`)
      .type('form')
      .send({ ...formFields(again.text, `/hoi-cua-toi/bieu-mau/${id}`), action: 'gui', declaration: 'on' });
    expect(sent.status, sent.text.slice(0, 2000)).toBe(303);
    expect((await t.db.knex('submissions').where({ id }).first()).status).toBe('submitted');
    // A sent form's sections are no longer open: back to its page.
    const gone = await officer.get(section('dinh-danh'));
    expect(gone.status).toBe(303);
    expect(gone.headers.location).toBe(`/hoi-cua-toi/bieu-mau/${id}`);
  });
});
