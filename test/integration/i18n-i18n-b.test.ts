/**
 * Issue 17 item 2: the register (list, record, history), data-use registration and the ministry's access pages, the
 * Biểu mẫu 1 queue, violations, incidents, documents and legal documents in English and in Vietnamese. Each page is
 * asked for with the lang cookie: `<html lang>` follows it, the English heading is there, no message key is left
 * unresolved (a key printed as itself, e.g. `access:log.title`), and without the cookie the Vietnamese heading is
 * unchanged. English plurals are checked on the list counts.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';
import { type Agent, inEnglish, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staffVi: Agent;
let staffEn: Agent;
let leadVi: Agent;
let leadEn: Agent;

const CODE = 'H971001';
const NAME = 'Hội Dịch thuật Việt Nam';

beforeAll(async () => {
  t = await buildTestApp();
  await insertAssociations(t.db.knex, [anAssociation({ code: CODE, name: NAME, published: true })]);
  staffVi = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  staffEn = await inEnglish(await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff'])));
  leadVi = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
  leadEn = await inEnglish(await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead'])));
});

afterAll(async () => {
  await t?.db.destroy();
});

const htmlLang = (html: string) => /<html lang="([a-z]+)">/.exec(html)?.[1];
/** A message key printed as itself: `namespace:some.key`. Only the page's body, past the layout's head. */
const UNRESOLVED = /\b(?:associations|access|submissions|violations|incidents|documents|legal-documents|common):[a-zA-Z]+\.[a-zA-Z.]+/;

function expectEnglish(html: string, heading: string) {
  expect(htmlLang(html)).toBe('en');
  expect(html).toContain(heading);
  const body = html.slice(html.indexOf('<body'));
  expect(body).not.toMatch(UNRESOLVED);
}

function expectVietnamese(html: string, heading: string) {
  expect(htmlLang(html)).toBe('vi');
  expect(html).toContain(heading);
}

/** [path, who, English heading, Vietnamese heading] */
const staffPages: [string, string, string][] = [
  ['/quan-tri/hoi', 'Register of associations</h1>', 'Sổ đăng ký hội</h1>'],
  [`/quan-tri/hoi/${CODE}`, 'Change history</a>', 'Lịch sử thay đổi</a>'],
  [`/quan-tri/hoi/${CODE}/lich-su`, `Record history: ${NAME}</h1>`, `Lịch sử hồ sơ: ${NAME}</h1>`],
  [`/quan-tri/hoi/${CODE}/xem-nhu`, 'Preview the record as others see it</h1>', 'Xem trước hồ sơ như người khác thấy</h1>'],
  [`/quan-tri/hoi/${CODE}/tai-lieu`, 'Attached documents</h1>', 'Tài liệu đính kèm</h1>'],
  ['/quan-tri/bieu-mau', 'Form 1 (Biểu mẫu 1) awaiting review</h1>', 'Biểu mẫu 1 chờ xét duyệt</h1>'],
  ['/quan-tri/su-co', 'Incidents and software change requests</h1>', 'Sự cố và yêu cầu thay đổi phần mềm</h1>'],
  ['/quan-tri/su-co/moi', 'Record an incident or a change request</h1>', 'Ghi nhận sự cố hoặc yêu cầu thay đổi</h1>'],
  ['/quan-tri/van-ban', 'Documents on associations</h1>', 'Danh mục văn bản về hội</h1>'],
  ['/quan-tri/van-ban/moi', 'Add a document on associations</h1>', 'Thêm văn bản về hội</h1>'],
  ['/quan-tri/nhat-ky-khai-thac', 'Data access log</h1>', 'Nhật ký khai thác dữ liệu</h1>'],
  ['/quan-tri/vi-pham', 'Breaches of the data-use Regulation</h1>', 'Vi phạm quy chế khai thác</h1>'],
  ['/quan-tri/vi-pham/moi', 'Record a violation</h1>', 'Ghi nhận vi phạm</h1>'],
];

const leadPages: [string, string, string][] = [
  ['/quan-tri/dang-ky-khai-thac', 'Access registrations</h1>', 'Đăng ký khai thác dữ liệu</h1>'],
];

describe('converted pages in English and Vietnamese', () => {
  it.each(staffPages)('%s for the NGO staff', async (path, en, vi) => {
    expectEnglish((await staffEn.get(path).expect(200)).text, en);
    expectVietnamese((await staffVi.get(path).expect(200)).text, vi);
  });

  it.each(leadPages)('%s for the NGO lead', async (path, en, vi) => {
    expectEnglish((await leadEn.get(path).expect(200)).text, en);
    expectVietnamese((await leadVi.get(path).expect(200)).text, vi);
  });

  it('the public data-use registration form, anonymous', async () => {
    const en = await request(t.app).get('/dang-ky-khai-thac').set('Cookie', 'lang=en').expect(200);
    expectEnglish(en.text, 'Data-use registration form</h1>');
    expect(en.text).toContain('1. Registrant');
    const vi = await request(t.app).get('/dang-ky-khai-thac').expect(200);
    expectVietnamese(vi.text, 'Phiếu đăng ký khai thác dữ liệu</h1>');
    expect(vi.text).toContain('1. Người đăng ký');
  });

  it('the register list counts with an English plural and a Vietnamese form that does not change', async () => {
    const en = await staffEn.get('/quan-tri/hoi').expect(200);
    expect(en.text).toMatch(/Found <strong>1<\/strong> association[.,]/);
    const vi = await staffVi.get('/quan-tri/hoi').expect(200);
    expect(vi.text).toMatch(/Tìm thấy <strong>1<\/strong> hội[.,]/);
  });
});

describe('plurals and interpolation', () => {
  it('English picks _one or _other; Vietnamese has one form', () => {
    const en = translator('en').t;
    const vi = translator('vi').t;
    expect(en('violations:list.count', { count: 1, n: '1' })).toBe('1 violation.');
    expect(en('violations:list.count', { count: 1234, n: '1,234' })).toBe('1,234 violations.');
    expect(vi('violations:list.count', { count: 1234, n: '1.234' })).toBe('1.234 vi phạm.');
    expect(en('associations:show.delegates', { count: 2, n: '2' })).toBe(', 2 delegates');
    expect(vi('associations:show.delegates', { count: 2, n: '2' })).toBe(', 2 đại biểu');
  });
});
