/**
 * The register (issue 3): create, search, record page, edit round trip incl. sub-lists, optimistic locking,
 * history and diff, bad input, mass assignment, stored XSS, access (R-3, R-5, R-7.4; RELIABILITY 12, 14, 15, 19, 31).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { formFields, VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, agent, createAssociationViaForm, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;

const BASE = {
  ...VALID_STAFF_FORM,
  name: 'Hội Người cao tuổi Việt Nam',
  abbreviation: 'HNCT',
  members_total: '9.500.000',
  hq_area_m2: '350,5',
  'leaders.0.elected_on': '15/03/2021',
  'congresses.0.term_number': '6',
  'congresses.0.congress_type': 'nhiem_ky',
  'congresses.0.held_on': '15/03/2021',
  'congresses.0.term_years': '5',
  'funds.0.year': '2024',
  'funds.0.source': 'hoi_phi',
  'funds.0.amount_vnd': '1.500.000.000',
};

let code: string;

/** A section's page of the staff edit (the edit is Biểu mẫu 1's task list, issue 18 item 2). */
const section = (c: string, slug: string) => `/quan-tri/hoi/${c}/sua/${slug}`;
async function sectionFields(c: string, slug: string) {
  const page = await staff.get(section(c, slug));
  expect(page.status, `${slug}: ${page.text.slice(0, 500)}`).toBe(200);
  return formFields(page.text, section(c, slug));
}

beforeAll(async () => {
  t = await buildTestApp();
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  const res = await createAssociationViaForm(staff, BASE);
  expect(res.status, res.text.slice(0, 2000)).toBe(303);
  code = String(res.headers.location).split('/').pop() as string;
});
afterAll(() => t.db.destroy());

describe('the register', () => {
  it('creates a record with a permanent code, its sub-lists, version 1 and provenance', async () => {
    expect(code).toMatch(/^H\d{6}$/);
    const row = await t.db.knex('associations').where({ code }).first();
    expect(row).toMatchObject({
      name: BASE.name,
      members_total: 9_500_000,
      hq_area_m2: 350.5,
      version: 1,
      data_level: 'basic',
      published: false,
    });
    const leaders = await t.db.knex('leaders').where({ association_id: row.id });
    expect(leaders).toHaveLength(1);
    expect(leaders[0]).toMatchObject({ full_name: 'Nguyễn Văn An', birth_year: 1950, elected_on: '2021-03-15' });
    expect(await t.db.knex('funds').where({ association_id: row.id }).first()).toMatchObject({
      year: 2024,
      source: 'hoi_phi',
      amount_vnd: 1_500_000_000,
    });
    const v = await t.db.knex('association_versions').where({ association_id: row.id });
    expect(v.map((x) => [x.version, x.source])).toEqual([[1, 'create']]);
    expect(
      await t.db.knex('audit_events').where({ action: 'association.create', target_id: code }).count<{ c: number }[]>('* as c'),
    ).toEqual([{ c: 1 }]);
  });

  it('finds the record without diacritics or case, and by leader name', async () => {
    for (const q of ['nguoi cao tuoi', 'HỘI NGƯỜI CAO', 'hnct']) {
      const res = await staff.get('/quan-tri/hoi').query({ q });
      expect(res.status).toBe(200);
      expect(res.text, q).toContain(BASE.name);
    }
    const byLeader = await staff.get('/quan-tri/hoi').query({ 'lanh-dao': 'nguyen van an' });
    expect(byLeader.text).toContain(BASE.name);
    const none = await staff.get('/quan-tri/hoi').query({ q: 'khong co hoi nay' });
    expect(none.text).not.toContain(BASE.name);
    expect(none.text).toContain('Tìm thấy <strong>0</strong> hội');
  });

  it('shows every group of the form on the record page, with Vietnamese formats and the congress state', async () => {
    const res = await staff.get(`/quan-tri/hoi/${code}`);
    expect(res.status).toBe(200);
    for (const heading of [
      'A. Thông tin định danh',
      'B. Đời sống pháp lý',
      'C. Tôn chỉ',
      'D. Tổ chức',
      'E. Hội viên',
      'F. Lãnh đạo hội',
      'G. Đại hội nhiệm kỳ',
      'H. Hỗ trợ của Nhà nước',
      'J. Tài liệu đính kèm',
    ]) {
      expect(res.text).toContain(heading);
    }
    expect(res.text).toContain('9.500.000');
    expect(res.text).toContain('350,5');
    expect(res.text).toContain('15/03/2021');
    expect(res.text).toContain('1.500.000.000');
    expect(res.text).toContain('15/03/2026'); // term end = 15/03/2021 + 5 years
    // Leaders' personal data was shown: one audit row (RELIABILITY 30).
    expect(await t.db.knex('audit_events').where({ action: 'personal_data.view', target_id: code }).first()).toBeDefined();
  });

  it('round-trips an edit of a field and of sub-list rows, section by section, and keeps history with a diff', async () => {
    expect((await sectionFields(code, 'dinh-danh')).name).toBe(BASE.name);
    const purpose = await sectionFields(code, 'ton-chi-linh-vuc');
    purpose.purpose = 'Chăm sóc và phát huy vai trò người cao tuổi.';
    purpose.reason = 'Cập nhật theo biên bản họp BCH';
    const first = await staff.post(section(code, 'ton-chi-linh-vuc')).type('form').send(purpose);
    expect(first.status, first.text.slice(0, 3000)).toBe(303);
    const fields = await sectionFields(code, 'lanh-dao');
    expect(fields['leaders.0.full_name']).toBe('Nguyễn Văn An');
    fields['leaders.0.left_on'] = '01/06/2024';
    fields['leaders.0.left_reason'] = 'Nghỉ theo nguyện vọng';
    fields['leaders.1.full_name'] = 'Trần Thị Bình';
    fields['leaders.1.position_code'] = 'CT';
    fields['leaders.1.official_status'] = 'khong';
    fields.reason = 'Cập nhật theo biên bản họp BCH';
    const res = await staff.post(section(code, 'lanh-dao')).type('form').send(fields);
    expect(res.status, res.text.slice(0, 3000)).toBe(303);
    const row = await t.db.knex('associations').where({ code }).first();
    expect(row.purpose).toBe('Chăm sóc và phát huy vai trò người cao tuổi.');
    expect(row.version).toBe(3); // one version per section saved
    const leaders = await t.db.knex('leaders').where({ association_id: row.id }).orderBy('id');
    expect(leaders.map((l) => [l.full_name, l.left_on])).toEqual([
      ['Nguyễn Văn An', '2024-06-01'],
      ['Trần Thị Bình', null],
    ]);
    // Other sections keep their values (the funds were not on either page).
    expect(await t.db.knex('funds').where({ association_id: row.id }).first()).toMatchObject({ amount_vnd: 1_500_000_000 });

    const history = await staff.get(`/quan-tri/hoi/${code}/lich-su`).query({ tu: 1, den: 3 });
    expect(history.status).toBe(200);
    expect(history.text).toContain('Cập nhật theo biên bản họp BCH');
    expect(history.text).toContain('Tôn chỉ, mục đích');
    expect(history.text).toContain('Chăm sóc và phát huy vai trò người cao tuổi.');
    expect(history.text).toContain('Lãnh đạo hội: thêm — Trần Thị Bình');
    expect(history.text).toContain('01/06/2024');
  });

  it('refuses the second of two saves made from the same version (409) and shows the other change (check 31)', async () => {
    const a = await sectionFields(code, 'dinh-danh');
    const b = { ...a };
    a.website = 'hoinguoicaotuoi.org.vn';
    b.phone = '024 3845 1234';
    const first = await staff.post(section(code, 'dinh-danh')).type('form').send(a);
    expect(first.status).toBe(303);
    const second = await staff.post(section(code, 'dinh-danh')).type('form').send(b);
    expect(second.status).toBe(409);
    expect(second.text).toContain('CHƯA được lưu');
    expect(second.text).toContain('https://hoinguoicaotuoi.org.vn'); // the other person's change
    expect(second.text).toContain('value="024 3845 1234"'); // the user's own input is kept
    const row = await t.db.knex('associations').where({ code }).first();
    expect(row.phone).toBeNull();
    expect(row.website).toBe('https://hoinguoicaotuoi.org.vn');
  });

  it('50 concurrent pairs of saves from one version: exactly one of each pair wins (check 31)', async () => {
    const base = await sectionFields(code, 'dinh-danh');
    const before = await t.db.knex('associations').where({ code }).first();
    let wins = 0;
    for (let i = 0; i < 50; i++) {
      const current = await t.db.knex('associations').where({ code }).first('version');
      const v = String(current.version);
      const results = await Promise.all(
        ['A', 'B'].map((who) =>
          staff
            .post(section(code, 'dinh-danh'))
            .type('form')
            .send({ ...base, version: v, other_identifiers: `${who}-${i}` }),
        ),
      );
      const statuses = results.map((r) => r.status).sort();
      expect(statuses).toEqual([303, 409]);
      wins++;
    }
    const after = await t.db.knex('associations').where({ code }).first();
    expect(after.version).toBe(before.version + wins);
    expect(await t.db.knex('association_versions').where({ association_id: after.id }).count<{ c: number }[]>('* as c')).toEqual([
      { c: after.version },
    ]);
  }, 180_000);

  it('answers bad input with 400, the Vietnamese message next to the field, values kept, nothing saved (check 19)', async () => {
    const before = await t.db.knex('associations').count<{ c: number }[]>('* as c');
    const res = await createAssociationViaForm(staff, {
      ...BASE,
      name: 'Hội Khuyến học thử nghiệm',
      email: 'khong-phai-email',
      tasked_from: '31/02/2024',
      'funds.0.amount_vnd': 'một tỷ',
      'leaders.0.full_name': '',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Lỗi: ');
    expect(res.text).toContain('Thư điện tử không đúng định dạng');
    expect(res.text).toContain('Giao nhiệm vụ từ ngày phải là ngày có thật');
    expect(res.text).toContain('Kinh phí hoạt động, dòng 1: Số tiền (đồng) phải là số nguyên');
    expect(res.text).toContain('Lãnh đạo hội, dòng 1: Họ và tên là bắt buộc.');
    expect(res.text).toContain('value="khong-phai-email"');
    expect(res.text).toContain('value="một tỷ"');
    expect(res.text).toMatch(/id="email-error"/);
    expect(await t.db.knex('associations').count<{ c: number }[]>('* as c')).toEqual(before);
  });

  it('checks the tax code and the members against their total, messages next to the fields (R-5, check 19)', async () => {
    const before = await t.db.knex('associations').count<{ c: number }[]>('* as c');
    const res = await createAssociationViaForm(staff, {
      ...BASE,
      name: 'Hội Thử Mã số thuế',
      tax_code: '12AB',
      members_official: '10.000.000',
      members_organisations: '5.000.000',
      members_individuals: '5.000.000',
      annual_report_year: '2025',
      annual_report_filed_on: '31/12/2024',
    });
    expect(res.status).toBe(400);
    /** The message shown next to a field: the element with id `<field>-error`. */
    const errorOf = (field: string) =>
      new RegExp(`id="${field}-error"[^>]*>([\\s\\S]*?)</div>`)
        .exec(res.text)?.[1]
        ?.replace(/<[^>]*>/g, '')
        .trim();
    expect(errorOf('tax_code')).toBe('Lỗi: Mã số thuế gồm 10 chữ số, hoặc 13 chữ số viết dạng 0101234567-001.');
    expect(errorOf('members_official')).toBe('Lỗi: Số hội viên chính thức (10.000.000) không được lớn hơn tổng số hội viên (9.500.000).');
    expect(errorOf('members_individuals')).toBe(
      'Lỗi: Hội viên tổ chức và hội viên cá nhân cộng lại (10.000.000) không được lớn hơn tổng số hội viên (9.500.000).',
    );
    expect(errorOf('annual_report_filed_on')).toBe('Lỗi: Ngày nộp báo cáo hoạt động không được trước năm của báo cáo (2025).');
    expect(res.text).toContain('value="12AB"');
    expect(res.text).toContain('value="10.000.000"');
    expect(res.text).toContain('value="31/12/2024"');
    expect(await t.db.knex('associations').count<{ c: number }[]>('* as c')).toEqual(before);
    // "12" is refused too; a 13-digit code written with its dash is kept.
    expect((await createAssociationViaForm(staff, { ...BASE, name: 'Hội Thử Mã 12', tax_code: '12' })).status).toBe(400);
  });

  it('keeps group I (activity and supervision) through the staff form, shown on the record page (FORM-1 §I)', async () => {
    const form = await staff.get(`/quan-tri/hoi/${code}/sua`);
    expect(form.text).toContain('I. Hoạt động và giám sát');
    const identity = await sectionFields(code, 'dinh-danh');
    const tax = await staff
      .post(section(code, 'dinh-danh'))
      .type('form')
      .send({ ...identity, tax_code: '0101234567-001' });
    expect(tax.status, tax.text.slice(0, 2000)).toBe(303);
    const fields = await sectionFields(code, 'hoat-dong');
    const res = await staff
      .post(section(code, 'hoat-dong'))
      .type('form')
      .send({
        ...fields,
        annual_report_year: '2025',
        annual_report_filed_on: '15/01/2026',
        inspections: 'Thanh tra Bộ Nội vụ, tháng 3/2025: không phát hiện vi phạm.',
        violations_actions: 'Chậm nộp báo cáo năm 2023: nhắc nhở bằng văn bản số 12/VP.',
        awards: 'Huân chương Lao động hạng Nhất (2020)',
      });
    expect(res.status, res.text.slice(0, 2000)).toBe(303);
    const row = await t.db.knex('associations').where({ code }).first();
    expect(row).toMatchObject({ tax_code: '0101234567-001', annual_report_year: 2025, awards: 'Huân chương Lao động hạng Nhất (2020)' });
    const page = await staff.get(`/quan-tri/hoi/${code}`);
    expect(page.status).toBe(200);
    for (const text of [
      'I. Hoạt động và giám sát',
      'Khen thưởng',
      'Huân chương Lao động hạng Nhất (2020)',
      '15/01/2026',
      'nhắc nhở bằng văn bản số 12/VP',
    ])
      expect(page.text, text).toContain(text);
    expect(await sectionFields(code, 'hoat-dong')).toMatchObject({ annual_report_year: '2025', annual_report_filed_on: '15/01/2026' });
    expect((await sectionFields(code, 'dinh-danh')).tax_code).toBe('0101234567-001');
    // An official count above the total is refused on edit too, the values kept.
    const members = await sectionFields(code, 'hoi-vien');
    const over = await staff
      .post(section(code, 'hoi-vien'))
      .type('form')
      .send({ ...members, members_official: '9.600.000' });
    expect(over.status).toBe(400);
    expect(over.text).toContain('Số hội viên chính thức (9.600.000) không được lớn hơn tổng số hội viên (9.500.000).');
    expect(over.text).toContain('value="9.600.000"');
  });

  it('refuses a second live association with the same name', async () => {
    const res = await createAssociationViaForm(staff, { ...BASE });
    expect(res.status).toBe(400);
    expect(res.text).toContain(`Tên hội đã được dùng cho một hội đang hoạt động (mã ${code})`);
  });

  it('ignores mass-assigned fields (check 14)', async () => {
    const fields = await sectionFields(code, 'dinh-danh');
    const before = await t.db.knex('associations').where({ code }).first();
    const res = await staff
      .post(section(code, 'dinh-danh'))
      .type('form')
      .send({ ...fields, published: 'true', code: 'H999999', id: '999', created_by: '1', role: 'it_admin', association_id: '5' });
    expect(res.status).toBe(303);
    const after = await t.db.knex('associations').where({ id: before.id }).first();
    expect(after).toMatchObject({ code, published: false, created_by: before.created_by });
  });

  it('refuses a classified marking in a text field (R-4)', async () => {
    const res = await createAssociationViaForm(staff, { ...BASE, name: 'Hội Thử Mật', purpose: 'TÀI LIỆU TỐI MẬT' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Điều 4 QĐ 113/QĐ-BNV');
  });

  it('escapes stored markup everywhere it is shown (check 15)', async () => {
    const evil = '<script>alert("x")</script><img src=x onerror=alert(1)>';
    const res = await createAssociationViaForm(staff, {
      ...BASE,
      name: `Hội ${evil}`,
      abbreviation: evil.slice(0, 50),
      'leaders.0.full_name': evil,
    });
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    const evilCode = String(res.headers.location).split('/').pop();
    for (const path of [
      '/quan-tri/hoi?q=script',
      `/quan-tri/hoi/${evilCode}`,
      `/quan-tri/hoi/${evilCode}/sua`,
      `/quan-tri/hoi/${evilCode}/sua/dinh-danh`,
      `/quan-tri/hoi/${evilCode}/sua/lanh-dao`,
      `/quan-tri/hoi/${evilCode}/lich-su`,
    ]) {
      const page = await staff.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).not.toContain('<script>alert');
      expect(page.text, path).not.toContain('<img src=x');
      expect(page.text, path).toContain('&lt;script&gt;');
    }
  });

  it('publishes and records a paper check as new versions', async () => {
    const page = await staff.get(`/quan-tri/hoi/${code}`);
    const pub = formFields(page.text, `/quan-tri/hoi/${code}/cong-khai`);
    expect((await staff.post(`/quan-tri/hoi/${code}/cong-khai`).type('form').send(pub)).status).toBe(303);
    const page2 = await staff.get(`/quan-tri/hoi/${code}`);
    const paper = formFields(page2.text, `/quan-tri/hoi/${code}/doi-chieu-giay`);
    paper.paper_dossier_ref = 'Kho Vụ TCPCP, hộp 12';
    expect((await staff.post(`/quan-tri/hoi/${code}/doi-chieu-giay`).type('form').send(paper)).status).toBe(303);
    const row = await t.db.knex('associations').where({ code }).first();
    expect(row.published).toBe(true);
    expect(row.paper_dossier_ref).toBe('Kho Vụ TCPCP, hộp 12');
    expect(row.paper_checked_at).not.toBeNull();
    const sources = await t.db
      .knex('association_versions')
      .where({ association_id: row.id })
      .orderBy('version', 'desc')
      .limit(2)
      .pluck('source');
    expect(sources).toEqual(['paper_check', 'publish']);
  });

  it('refuses every /quan-tri/hoi page to an association officer and to anonymous visitors', async () => {
    const officer = await loggedInAgent(t, await createUser(t.db.knex, ['association']));
    const anon = agent(t);
    for (const path of [
      '/quan-tri/hoi',
      '/quan-tri/hoi/moi',
      `/quan-tri/hoi/${code}`,
      `/quan-tri/hoi/${code}/sua`,
      `/quan-tri/hoi/${code}/sua/lanh-dao`,
      `/quan-tri/hoi/${code}/lich-su`,
    ]) {
      expect((await officer.get(path)).status, path).toBe(403);
      const a = await anon.get(path);
      expect(a.status, path).toBe(303);
      expect(a.headers.location).toMatch(/^\/dang-nhap\?tiep=/);
    }
    const token = csrfFrom((await officer.get('/tai-khoan/doi-mat-khau')).text);
    const before = await t.db.knex('associations').where({ code }).first();
    for (const path of [`/quan-tri/hoi/${code}/sua/dinh-danh`, `/quan-tri/hoi/${code}/cong-khai`, '/quan-tri/hoi/moi']) {
      expect(
        (
          await officer
            .post(path)
            .type('form')
            .send({ _csrf: token, name: 'Bị sửa', version: String(before.version), published: '0' })
        ).status,
        path,
      ).toBe(403);
    }
    expect(await t.db.knex('associations').where({ code }).first()).toEqual(before);
    // A leader reads but cannot edit.
    const leader = await loggedInAgent(t, await createUser(t.db.knex, ['leader']));
    expect((await leader.get(`/quan-tri/hoi/${code}`)).status).toBe(200);
    expect((await leader.get(`/quan-tri/hoi/${code}/sua`)).status).toBe(403);
  });
});
