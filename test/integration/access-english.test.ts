/**
 * Issue 17 item 2: the texts the server makes for the data-use registration, the API keys and the personal-data
 * requests read in English when the reader chose English (`tx`, locales/texts/en/access.json, api-keys.json,
 * personal-data.json). Each bad form is posted with the `lang=en` cookie: 400 (or 404/409) with the English messages
 * where the Vietnamese ones were, and none of those Vietnamese messages left; without the cookie they stay
 * Vietnamese.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, anOrganisation } from '../helpers/builders.js';
import { type Agent, agent, csrfFrom, inEnglish, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let assocCode: string;

/** A fresh visitor's agent that chose English (the `lang` cookie). */
const english = (a: Agent = agent(t)): Promise<Agent> => inEnglish(a);

async function post(a: Agent, page: string, action: string, fields: Record<string, string>) {
  const html = await a.get(page);
  expect(html.status, `GET ${page}`).toBe(200);
  return a
    .post(action)
    .type('form')
    .send({ _csrf: csrfFrom(html.text), ...fields });
}

/** Tomorrow in Viet Nam as dd/mm/yyyy (a registration may not start before today). */
function tomorrow(): string {
  const d = new Date(t.clock.now().getTime() + 7 * 3600_000 + 86_400_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

function registration(extra: Record<string, string> = {}): Record<string, string> {
  return {
    kind: 'organisation',
    name: 'Viện Nghiên cứu Thử Tiếng Anh',
    identifier: '0101234567',
    address: '12 Phố Thử, Hà Nội',
    email: 'lienhe@vien-thu.vn',
    phone: '024 3824 0000',
    manager_name: 'Vũ Hoàng Nam',
    manager_position: 'Phó Viện trưởng',
    manager_email: 'nam@vien-thu.vn',
    purpose: 'Nghiên cứu chính sách về hội',
    legal_basis: 'Công văn số 12/VNC',
    'cat.a': '1',
    period_from: tomorrow(),
    period_to: `31/12/${new Date(t.clock.now()).getUTCFullYear() + 1}`,
    ...extra,
  };
}

function withoutCategories(fields: Record<string, string>): Record<string, string> {
  const { 'cat.a': _none, ...rest } = fields;
  return rest;
}

function personalRequest(extra: Record<string, string> = {}): Record<string, string> {
  return {
    request_type: 'access',
    requester_name: 'Nguyễn Văn Bình',
    birth_year: '1960',
    email: 'binh@example.vn',
    phone: '',
    address: '',
    associations: assocCode,
    relation: 'Hội viên',
    data_concerned: 'Năm sinh',
    details: 'Đề nghị cung cấp dữ liệu về tôi.',
    website: '',
    ...extra,
  };
}

beforeAll(async () => {
  t = await buildTestApp({ ACCESS_REGISTRATION_RATE_LIMIT: '1000', LOGIN_RATE_LIMIT: '10000' });
  const a = await anAssociation({ name: 'Hội Thử Tiếng Anh Dữ liệu' }).insert(t.db.knex);
  assocCode = a.code;
});
afterAll(() => t.db.destroy());

describe('data-use registration in English', () => {
  it('a bad registration form: English messages next to the fields and in the summary, no Vietnamese message', async () => {
    const a = await english();
    const tooMany: Record<string, string> = {};
    for (let i = 0; i <= 10; i++) {
      Object.assign(tooMany, {
        [`officers.${i}.full_name`]: `Cán bộ ${i}`,
        [`officers.${i}.position`]: 'Nghiên cứu viên',
        [`officers.${i}.email`]: `cb${i}@vien-thu.vn`,
      });
    }
    const res = await post(
      a,
      '/dang-ky-khai-thac',
      '/dang-ky-khai-thac',
      withoutCategories(registration({ kind: '', email: 'khong-phai-email', manager_name: '', period_from: '31/02/2027', ...tooMany })),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('<html lang="en">');
    for (const english of [
      'Choose whether the registrant is an organisation or an individual.',
      'Contact e-mail is not in the right format, e.g. name@agency.gov.vn.',
      'Please enter the full name of the account manager.',
      'Choose at least one information group to use.',
      'At most 10 data-use officers on one form.',
      'Start date of data use must be a real date, as day/month/year (e.g. 31/12/2027).',
    ]) {
      expect(res.text).toContain(english);
    }
    for (const vietnamese of [
      'Hãy nhập',
      'Hãy chọn người đăng ký',
      'không đúng dạng',
      'Hãy chọn ít nhất một nhóm',
      'Tối đa 10 cán bộ',
      'phải là một ngày có thật',
    ]) {
      expect(res.text).not.toContain(vietnamese);
    }
  });

  it('the same form in Vietnamese keeps the Vietnamese messages', async () => {
    const res = await post(
      agent(t),
      '/dang-ky-khai-thac',
      '/dang-ky-khai-thac',
      withoutCategories(registration({ email: 'khong-phai-email' })),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Thư điện tử liên hệ không đúng dạng, ví dụ ten@coquan.gov.vn.');
    expect(res.text).toContain('Hãy chọn ít nhất một nhóm thông tin cần khai thác.');
  });

  it('a wrong look-up code: 404 with the English message', async () => {
    const a = await english();
    const res = await post(a, '/dang-ky-khai-thac/DK-2026-999999', '/dang-ky-khai-thac/DK-2026-999999', { token: 'sai-ma' });
    expect(res.status).toBe(404);
    expect(res.text).toContain('The reference or the look-up code is wrong.');
    expect(res.text).not.toContain('Số phiếu hoặc mã tra cứu không đúng.');
  });
});

describe('API keys in English', () => {
  it("a bad key form and a key outliving the grant: English messages, the grant's date kept", async () => {
    const org = (
      await anOrganisation({ name: 'Viện Khóa Tiếng Anh' })
        .withGrant({ categories: ['a'], personal: false })
        .insert(t.db.knex)
    ).id;
    const manager = await createUser(t.db.knex, ['org_manager']);
    await t.db.knex('users').where({ id: manager.id }).update({ organisation_id: org });
    const m = await english(await loggedInAgent(t, manager));
    const bad = await post(m, '/khai-thac/khoa-api', '/khai-thac/khoa-api', { label: '  ', expires_on: '31/02/2027' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Enter a label for the key (e.g. Institute reporting system).');
    expect(bad.text).toContain('The expiry date must be a real date, as day/month/year (e.g. 31/12/2027).');
    expect(bad.text).not.toContain('Hãy nhập tên gợi nhớ');
    const late = await post(m, '/khai-thac/khoa-api', '/khai-thac/khoa-api', { label: 'Khóa thử', expires_on: '31/12/2099' });
    expect(late.status).toBe(400);
    expect(late.text).toMatch(
      /The key&#39;s expiry date cannot be after the expiry of the organisation&#39;s data-use grant \(\d\d\/\d\d\/\d{4}\)\./,
    );
    expect(late.text).not.toContain('Ngày hết hạn của khóa');
  });
});

describe('personal-data requests in English', () => {
  it('a bad public request: English messages, no Vietnamese message', async () => {
    const a = await english();
    const res = await post(
      a,
      '/du-lieu-ca-nhan/yeu-cau',
      '/du-lieu-ca-nhan/yeu-cau',
      personalRequest({ request_type: '', birth_year: 'abcd', relation: 'x'.repeat(201) }),
    );
    expect(res.status).toBe(400);
    for (const english of [
      'Choose the type of request.',
      'The year of birth has 4 digits, e.g. 1965.',
      'Relationship to the association must be at most 200 characters.',
    ]) {
      expect(res.text).toContain(english);
    }
    for (const vietnamese of ['Hãy chọn loại yêu cầu.', 'Năm sinh gồm 4 chữ số', 'tối đa 200 ký tự']) {
      expect(res.text).not.toContain(vietnamese);
    }
    const noContact = await post(a, '/du-lieu-ca-nhan/yeu-cau', '/du-lieu-ca-nhan/yeu-cau', personalRequest({ email: '', phone: '' }));
    expect(noContact.status).toBe(400);
    expect(noContact.text).toContain('Enter an e-mail address or a telephone number so that the Department can contact you and answer.');
    expect(noContact.text).not.toContain('Hãy nhập thư điện tử hoặc số điện thoại');
  });

  it("an association the service cannot find: the service's message in English with the name typed", async () => {
    const a = await english();
    const res = await post(
      a,
      '/du-lieu-ca-nhan/yeu-cau',
      '/du-lieu-ca-nhan/yeu-cau',
      personalRequest({ associations: 'Hội Không Có Thật' }),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain(
      'No association “Hội Không Có Thật” was found. Give the exact full name or the association code (e.g. H000042), one association per line.',
    );
    expect(res.text).not.toContain('Không tìm thấy hội');
  });

  it("staff's pages: a bad time limit and a move before the identity check, in English", async () => {
    const staff = await english(await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff'])));
    const page = '/quan-tri/du-lieu-ca-nhan/thoi-han';
    const days = await post(staff, page, page, { days_access: '0', days_correction: '30', days_deletion: '30', days_objection: '30' });
    expect(days.status).toBe(400);
    expect(days.text).toContain('The number of days is a whole number from 1 to 90.');
    expect(days.text).not.toContain('Số ngày là số nguyên');

    const sent = await post(agent(t), '/du-lieu-ca-nhan/yeu-cau', '/du-lieu-ca-nhan/yeu-cau', personalRequest());
    expect(sent.status).toBe(200);
    const row = await t.db.knex('personal_data_requests').orderBy('id', 'desc').first();
    const show = `/quan-tri/du-lieu-ca-nhan/${row.id}`;
    const moved = await post(staff, show, `${show}/trang-thai`, { to: 'in_progress' });
    expect(moved.status).toBe(400);
    expect(moved.text).toContain(
      'The requester&#39;s identity has not been verified: record the verification before dealing with the request.',
    );
    expect(moved.text).not.toContain('Chưa xác minh danh tính');
  });
});
