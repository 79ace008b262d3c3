/**
 * Issue 17 item 2 (helper i18n-a): the public pages, sign-in, guide, personal-data, home, notifications, follows,
 * API keys, questions and catalogue pages in both languages — each page in English has `<html lang="en">`, its
 * English heading and no message key left as text, and in Vietnamese the same heading as before; English plurals;
 * and catalogue names with English labels (`name_en`): shown by the English public pages where an entry has one,
 * edited by staff in the catalogue form, the Vietnamese name where there is none.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, anOrganisation, insertAssociations } from '../helpers/builders.js';
import { type Agent, agent, csrfToken, login } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000' });
  await insertAssociations(t.db.knex, [
    anAssociation({
      code: 'H960001',
      name: 'Hội Y học Ngôn ngữ',
      main_field_code: 'YTE',
      hq_province_code: '01',
      scope: 'toan_quoc',
      published: true,
    }),
    anAssociation({ code: 'H960002', name: 'Hội Văn hóa Ngôn ngữ', main_field_code: 'VHNT', hq_province_code: '79', published: true }),
  ]);
});

afterAll(async () => {
  await t?.db.destroy();
});

const htmlLang = (html: string) => /<html lang="([a-z]+)">/.exec(html)?.[1];
/** A message key printed as text: `namespace:key.path` of one of this helper's namespaces (or common). */
const KEY_TEXT = /\b(public|auth|guide|home|personal-data|notifications|follows|api-keys|support|catalogues|common):[a-zA-Z]+[.a-zA-Z-]*/;
const h1 = (html: string) =>
  /<h1[^>]*>([\s\S]*?)<\/h1>/
    .exec(html)?.[1]
    ?.replace(/<[^>]+>/g, '')
    .replace(/&#39;/g, "'")
    .trim();

function inEnglish(html: string, heading: string, what: string) {
  expect(htmlLang(html), what).toBe('en');
  expect(h1(html), what).toBe(heading);
  expect(html, what).not.toMatch(KEY_TEXT);
}

function inVietnamese(html: string, heading: string, what: string) {
  expect(htmlLang(html), what).toBe('vi');
  expect(h1(html), what).toBe(heading);
  expect(html, what).not.toMatch(KEY_TEXT);
}

/** A signed-in agent whose cookie jar holds the language. */
async function signedIn(roles: Parameters<typeof createUser>[1], lang: 'vi' | 'en', extra: (id: number) => Promise<void> = async () => {}) {
  const user = await createUser(t.db.knex, roles);
  await extra(user.id);
  const a = agent(t);
  await login(t, a, user);
  await a.get(`/ngon-ngu?lang=${lang}`).expect(303);
  return a;
}

describe('public pages in each language', () => {
  const pages: Array<[string, string, string]> = [
    ['/', 'Database of associations and non-governmental organisations', 'Cơ sở dữ liệu hội và tổ chức phi chính phủ'],
    ['/hoi', 'List of associations', 'Danh sách hội'],
    ['/hoi/H960001', 'Hội Y học Ngôn ngữ', 'Hội Y học Ngôn ngữ'],
    ['/linh-vuc', 'Associations by field of activity', 'Hội theo lĩnh vực hoạt động'],
    ['/thong-ke', 'Associations by province', 'Thống kê hội theo tỉnh, thành phố'],
    ['/thong-ke?dia-gioi=truoc-sap-nhap', 'Associations by province', 'Thống kê hội theo tỉnh, thành phố'],
    ['/huong-dan', 'User guide', 'Hướng dẫn sử dụng'],
    ['/dang-nhap', 'Sign in', 'Đăng nhập'],
    ['/du-lieu-ca-nhan/yeu-cau', 'Personal-data requests', 'Yêu cầu về dữ liệu cá nhân'],
  ];
  it.each(pages)('%s', async (path, en, vi) => {
    inEnglish((await request(t.app).get(path).set('Cookie', 'lang=en').expect(200)).text, en, path);
    inVietnamese((await request(t.app).get(path).expect(200)).text, vi, path);
  });

  it('a guide in English: its text, title and the list of guides in English', async () => {
    const en = await request(t.app).get('/huong-dan/cong-chung').set('Cookie', 'lang=en').expect(200);
    inEnglish(en.text, 'Guide for citizens and the public', 'public guide');
    expect(en.text).toContain('<title>Guide: Citizens and the public — ');
    expect(en.text).toContain('>Ministry leaders</a>');
    const vi = await request(t.app).get('/huong-dan/cong-chung').expect(200);
    inVietnamese(vi.text, 'Hướng dẫn cho người dân, công chúng', 'public guide');
    expect(vi.text).toContain('<title>Hướng dẫn: Người dân, công chúng — ');
    expect(vi.text).toContain('>Lãnh đạo Bộ</a>');
  });

  it('English plurals: one association, two associations', async () => {
    const one = await request(t.app).get('/hoi?q=Y%20h%E1%BB%8Dc%20Ng%C3%B4n%20ng%E1%BB%AF').set('Cookie', 'lang=en').expect(200);
    expect(one.text).toMatch(/<strong>1<\/strong> association found\./);
    const two = await request(t.app).get('/hoi?q=Ng%C3%B4n%20ng%E1%BB%AF').set('Cookie', 'lang=en').expect(200);
    expect(two.text).toMatch(/<strong>2<\/strong> associations found\./);
    const vi = await request(t.app).get('/hoi?q=Ng%C3%B4n%20ng%E1%BB%AF').expect(200);
    expect(vi.text).toMatch(/Tìm thấy <strong>2<\/strong> hội\./);
  });
});

describe('catalogue names with English labels', () => {
  it('the English public pages name fields, provinces, statuses and scopes in English; the Vietnamese pages do not', async () => {
    const list = await request(t.app).get('/hoi').set('Cookie', 'lang=en').expect(200);
    expect(list.text).toContain('<td data-label="Main field">Health, pharmacy, traditional medicine</td>');
    expect(list.text).toContain('<td data-label="Headquarters">Hanoi</td>');
    expect(list.text).toContain('<td data-label="Headquarters">Ho Chi Minh City</td>');
    expect(list.text).toContain('<td data-label="Status">Active</td>');
    expect(list.text).toContain('<td data-label="Scope">National</td>');
    expect(list.text).toMatch(/<option value="01"[^>]*>Hanoi<\/option>/);
    const viList = await request(t.app).get('/hoi').expect(200);
    expect(viList.text).toContain('<td data-label="Lĩnh vực chính">Y tế, dược, đông y</td>');
    expect(viList.text).toContain('<td data-label="Trụ sở">Thành phố Hà Nội</td>');
    expect(viList.text).not.toContain('Hanoi');

    const record = await request(t.app).get('/hoi/H960001').set('Cookie', 'lang=en').expect(200);
    expect(record.text).toContain('Headquarters: province or city');
    expect(record.text).toMatch(/<dd class="col-sm-8">\s*Hanoi\s*<\/dd>/);
    expect(record.text).toMatch(/<dd class="col-sm-8">\s*Health, pharmacy, traditional medicine\s*<\/dd>/);
    expect(record.text).toMatch(/<dd class="col-sm-8">\s*National\s*<\/dd>/);

    const fields = await request(t.app).get('/linh-vuc').set('Cookie', 'lang=en').expect(200);
    expect(fields.text).toContain('>Health, pharmacy, traditional medicine</a>');
    const stats = await request(t.app).get('/thong-ke').set('Cookie', 'lang=en').expect(200);
    expect(stats.text).toContain('<th scope="row" class="fw-normal text-nowrap">Hanoi</th>');
    const former = await request(t.app).get('/thong-ke?dia-gioi=truoc-sap-nhap').set('Cookie', 'lang=en').expect(200);
    expect(former.text).toContain('Hanoi (before 01/07/2025)');
  });

  it('staff set, change and clear an English name in the catalogue form; the English pages follow, the Vietnamese ones never', async () => {
    const staff = await signedIn(['ngo_staff'], 'vi');
    const edit = '/quan-tri/danh-muc/linh-vuc/YTE/sua';
    const form = await staff.get(edit).expect(200);
    expect(form.text).toContain('Tên tiếng Anh (không bắt buộc)');
    expect(form.text).toMatch(/name="nameEn"[^>]*value="Health, pharmacy, traditional medicine"/);
    const save = async (nameEn: string) => {
      const page = await staff.get(edit).expect(200);
      const version = /name="version" value="([^"]*)"/.exec(page.text)?.[1] ?? '';
      await staff
        .post(edit)
        .type('form')
        .send({
          _csrf: await csrfToken(staff, edit),
          version,
          name: 'Y tế, dược, đông y',
          nameEn,
          sortOrder: '5',
          validFrom: '',
          validTo: '',
          successorCode: '',
          defaultMinistryCode: 'BYT',
          note: '',
        })
        .expect(303);
    };
    await save('Health and medicine');
    expect((await t.db.knex('fields').where({ code: 'YTE' }).first()).name_en).toBe('Health and medicine');
    const audit = await t.db.knex('audit_events').where({ action: 'catalogue.update', target_id: 'YTE' }).orderBy('id', 'desc').first();
    expect(JSON.stringify(audit.details)).toContain('Health and medicine');
    const en = await request(t.app).get('/hoi/H960001').set('Cookie', 'lang=en').expect(200);
    expect(en.text).toMatch(/<dd class="col-sm-8">\s*Health and medicine\s*<\/dd>/);
    const entries = await staff.get('/quan-tri/danh-muc/linh-vuc').expect(200);
    expect(entries.text).toContain('<td lang="en">Health and medicine</td>');

    // Cleared: the English interface shows the Vietnamese name (and the start-up seed does not put it back).
    await save('');
    expect((await t.db.knex('fields').where({ code: 'YTE' }).first()).name_en).toBeNull();
    const cleared = await request(t.app).get('/hoi/H960001').set('Cookie', 'lang=en').expect(200);
    expect(cleared.text).toMatch(/<dd class="col-sm-8">\s*Y tế, dược, đông y\s*<\/dd>/);
    const { seedReference } = await import('../../seeds/reference/index.js');
    await seedReference(t.db.knex);
    expect((await t.db.knex('fields').where({ code: 'YTE' }).first()).name_en).toBeNull();
    const vi = await request(t.app).get('/hoi/H960001').expect(200);
    expect(vi.text).toMatch(/<dd class="col-sm-8">\s*Y tế, dược, đông y\s*<\/dd>/);
  });

  it('refuses an English name that is too long, keeping the values, and saves nothing', async () => {
    const staff = await signedIn(['ngo_staff'], 'vi');
    const edit = '/quan-tri/danh-muc/tinh-chat/KHKT/sua';
    const res = await staff
      .post(edit)
      .type('form')
      .send({ _csrf: await csrfToken(staff, edit), name: 'Hội khoa học - kỹ thuật', nameEn: 'x'.repeat(301), note: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Tên tiếng Anh không được dài quá 300 ký tự.');
    expect((await t.db.knex('natures').where({ code: 'KHKT' }).first()).name_en).toBe('Science and technology association');
  });
});

describe('signed-in pages in each language', () => {
  const staffPages: Array<[string, string, string]> = [
    ['/quan-tri/', 'Administration', 'Trang quản trị'],
    ['/quan-tri/danh-muc', 'Shared catalogues', 'Danh mục dùng chung'],
    ['/quan-tri/danh-muc/tinh', 'Catalogue: Provinces and cities', 'Danh mục: Tỉnh, thành phố'],
    ['/quan-tri/danh-muc/tinh/01/sua', 'Edit province or city', 'Sửa tỉnh, thành phố'],
    ['/quan-tri/danh-muc/linh-vuc/moi', 'Add field', 'Thêm lĩnh vực'],
    ['/quan-tri/du-lieu-ca-nhan', 'Register of personal-data requests', 'Sổ yêu cầu về dữ liệu cá nhân'],
    [
      '/quan-tri/du-lieu-ca-nhan/moi',
      'Record a personal-data request received on paper',
      'Ghi nhận yêu cầu về dữ liệu cá nhân nhận bằng văn bản',
    ],
    ['/quan-tri/du-lieu-ca-nhan/thoi-han', 'Time limits for personal-data requests', 'Thời hạn giải quyết yêu cầu về dữ liệu cá nhân'],
    ['/quan-tri/hoi-dap', "Users' questions", 'Hỏi đáp của người dùng'],
    ['/thong-bao', 'Notices', 'Thông báo'],
    ['/tai-khoan/nhan-thu', 'Notice e-mail settings', 'Cài đặt nhận thư thông báo'],
    ['/tai-khoan/doi-mat-khau', 'Change password', 'Đổi mật khẩu'],
    ['/theo-doi', 'What I follow', 'Theo dõi của tôi'],
  ];
  let en: Agent;
  let vi: Agent;
  beforeAll(async () => {
    [en, vi] = await Promise.all([signedIn(['ngo_staff'], 'en'), signedIn(['ngo_staff'], 'vi')]);
  });
  it.each(staffPages)('staff: %s', async (path, enHeading, viHeading) => {
    inEnglish((await en.get(path).expect(200)).text, enHeading, path);
    inVietnamese((await vi.get(path).expect(200)).text, viHeading, path);
  });

  it('the work list and the figures of the staff home in English', async () => {
    const home = await en.get('/quan-tri/').expect(200);
    expect(home.text).toContain('To do');
    expect(home.text).toContain('No Form 1 (Biểu mẫu 1) submission is awaiting review.');
    expect(home.text).toContain('Officer, Department of Non-Governmental Organisations');
  });

  it("questions and API keys: the asker's and the organisation manager's pages", async () => {
    const org = (
      await anOrganisation({ name: 'Viện Ngôn ngữ' })
        .withGrant({ categories: ['a'], personal: false })
        .insert(t.db.knex)
    ).id;
    const setOrg = async (id: number) => {
      await t.db.knex('users').where({ id }).update({ organisation_id: org });
    };
    for (const [lang, check, keys, own, ask] of [
      ['en', inEnglish, "The organisation's API keys", 'Questions and help', 'Ask a question'],
      ['vi', inVietnamese, 'Khóa API của tổ chức', 'Hỏi đáp, hướng dẫn', 'Đặt câu hỏi'],
    ] as const) {
      const manager = await signedIn(['org_manager'], lang, setOrg);
      check((await manager.get('/khai-thac/khoa-api').expect(200)).text, keys, `${lang} api keys`);
      check((await manager.get('/hoi-dap').expect(200)).text, own, `${lang} own questions`);
      check((await manager.get('/hoi-dap/moi').expect(200)).text, ask, `${lang} ask`);
    }
  });
});
