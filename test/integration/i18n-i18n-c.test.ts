/**
 * Issue 17 item 2: the reports, data-quality, jobs, IT Centre, import, fees and charter pages in English and in
 * Vietnamese. Each page is asked for with the `lang` cookie (as the role that sees it): `<html lang>` follows it, a
 * known heading is in the chosen language, and no message key is printed instead of its text. The printed Decree-30
 * documents stay in Vietnamese, the language of record, with their screen controls in the reader's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, anImportBatch, anOrganisation, insertAssociations } from '../helpers/builders.js';
import { type Agent, agent, login } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let lead: Agent;
let itAdmin: Agent;
let organisationId: number;
let batchId = 0;

/** A message key printed instead of its text: `reports:index.title`, `it-centre:nav.users` … */
const KEY_TEXT = /\b(?:reports|quality|jobs|it-centre|imports|fees|charters|common):[a-zA-Z]+\.[a-zA-Z.]+/;
const htmlLang = (html: string) => /<html lang="([a-z]+)"/.exec(html)?.[1];

async function signedIn(roles: Parameters<typeof createUser>[1]): Promise<Agent> {
  const a = agent(t);
  await login(t, a, await createUser(t.db.knex, roles));
  return a;
}

async function inLanguage(a: Agent, lang: 'vi' | 'en', path: string): Promise<string> {
  await a.get(`/ngon-ngu?lang=${lang}`).expect(303);
  const res = await a.get(path);
  expect(res.status, `GET ${path} (${lang})`).toBe(200);
  return res.text;
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000' });
  t.clock.set(new Date('2026-12-15T03:00:00Z'));
  await insertAssociations(t.db.knex, [
    anAssociation({ code: 'H980001', name: 'Hội Dịch thuật Việt Nam', published: true }),
    anAssociation({ code: 'H980002', name: 'Hội Ngoại ngữ Việt Nam', published: true }),
  ]);
  organisationId = (await anOrganisation({ name: 'Viện Nghiên cứu Xã hội' }).insert(t.db.knex)).id;
  batchId = (await anImportBatch({ status: 'failed' }).insert(t.db.knex)).id;
  staff = await signedIn(['ngo_staff']);
  lead = await signedIn(['ngo_lead']);
  itAdmin = await signedIn(['it_admin']);
});

afterAll(async () => {
  await t?.db.destroy();
});

/** [who, path, Vietnamese heading, English heading] */
const PAGES: Array<[() => Agent, string | (() => string), string, string]> = [
  [() => staff, '/bao-cao', '>Báo cáo, thống kê</h1>', '>Reports and statistics</h1>'],
  [() => staff, '/bao-cao/b', 'Danh sách hội theo lĩnh vực hoạt động</h1>', 'Associations by field of activity</h1>'],
  [() => staff, '/bao-cao/a', '>Xem thông tin</button>', '>View information</button>'],
  [() => staff, '/bao-cao/n', 'Lưu mẫu danh sách', 'Save the list as a template'],
  [() => staff, '/bao-cao/chat-luong-du-lieu', '>Báo cáo chất lượng dữ liệu hồ sơ hội</h1>', '>Data quality of association records</h1>'],
  [() => staff, '/quan-tri/chat-luong-du-lieu', '>Quy tắc chấm điểm chất lượng dữ liệu</h1>', '>Data quality scoring rules</h1>'],
  [() => staff, '/quan-tri/chu-ky-cap-nhat', '>Kỳ cập nhật dữ liệu hằng quý</h1>', '>Quarterly data update cycles</h1>'],
  [
    () => staff,
    '/quan-tri/chu-ky-cap-nhat/so-sanh',
    '>So sánh số liệu chốt của các quý</h1>',
    '>Compare the figures fixed for each quarter</h1>',
  ],
  [
    () => staff,
    '/quan-tri/chu-ky-cap-nhat/2026-Q4',
    '>Hồ sơ chưa được cập nhật trong quý iv/2026</h1>',
    '>Records not updated in Q4 2026</h1>',
  ],
  [
    () => staff,
    '/quan-tri/bao-cao-nam/2026',
    'Báo cáo năm 2026 về quản lý cơ sở dữ liệu hội</h1>',
    'Annual report 2026 on the management of the associations database</h1>',
  ],
  [() => staff, '/quan-tri/nhap-du-lieu', '>Nhập dữ liệu hội hàng loạt</h1>', '>Bulk import of association data</h1>'],
  [() => staff, () => `/quan-tri/nhap-du-lieu/${batchId}`, '>Lô nhập dữ liệu số ', '>Import batch '],
  [() => staff, '/quan-tri/hoi/H980001/dieu-le', '>So sánh điều lệ</h1>', '>Compare charters</h1>'],
  [() => staff, '/quan-tri/hoi/H980001/dieu-le/moi', '>Nhập phiên bản điều lệ mới</h1>', '>Enter a new charter version</h1>'],
  [() => lead, '/quan-tri/phi', '>Phí khai thác dữ liệu</h1>', '>Data access fees</h1>'],
  [() => lead, '/quan-tri/phi/moi', '>Thêm biểu phí khai thác</h1>', '>Add a data access fee schedule</h1>'],
  [() => lead, '/quan-tri/phi/hop-dong/moi', '>Ghi phí theo hợp đồng</h1>', '>Record a contract fee</h1>'],
  [
    () => itAdmin,
    '/quan-tri/he-thong',
    '>Quản trị hệ thống — Trung tâm Thông tin</h1>',
    '>System administration — Information Centre</h1>',
  ],
  [() => itAdmin, '/quan-tri/he-thong/sao-luu', '>Sao lưu và diễn tập khôi phục</h1>', '>Backups and restore drills</h1>'],
  [() => itAdmin, '/quan-tri/he-thong/tac-vu', '>Tác vụ tự động</h1>', '>Automated jobs</h1>'],
  [() => itAdmin, '/quan-tri/he-thong/nhat-ky', '>Nhật ký thao tác</h1>', '>Audit log</h1>'],
];

describe('pages in English and in Vietnamese', () => {
  for (const [who, pathOf, vi, en] of PAGES) {
    const label = typeof pathOf === 'string' ? pathOf : String(pathOf).replace(/^\(\) => /, '');
    it(label, async () => {
      const path = typeof pathOf === 'string' ? pathOf : pathOf();
      const english = await inLanguage(who(), 'en', path);
      expect(htmlLang(english)).toBe('en');
      expect(english).toContain(en);
      expect(english).not.toMatch(KEY_TEXT);
      const vietnamese = await inLanguage(who(), 'vi', path);
      expect(htmlLang(vietnamese)).toBe('vi');
      expect(vietnamese).toContain(vi);
      expect(vietnamese).not.toMatch(KEY_TEXT);
    });
  }
});

describe('the other IT Centre pages', () => {
  it('sessions, errors, lockouts and accounts in English', async () => {
    for (const [path, heading] of [
      ['/quan-tri/he-thong/phien', '>Active sessions</h1>'],
      ['/quan-tri/he-thong/loi', '>Recent system errors</h1>'],
      ['/quan-tri/he-thong/khoa-tai-khoan', '>Temporarily locked accounts</h1>'],
      ['/quan-tri/he-thong/nguoi-dung', '>Account administration</h1>'],
    ] as const) {
      const html = await inLanguage(itAdmin, 'en', path);
      expect(html, path).toContain(heading);
      expect(html, path).not.toMatch(KEY_TEXT);
    }
  });
});

describe('printed documents stay in Vietnamese', () => {
  it("a report's print: the document in Vietnamese, its toolbar in English", async () => {
    const html = await inLanguage(staff, 'en', '/bao-cao/b?print=1');
    expect(htmlLang(html)).toBe('vi');
    expect(html).toContain('<div class="print-toolbar" lang="en">');
    expect(html).toContain('>Print the report</button>');
    expect(html).toContain('CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM');
    expect(html).toContain('Độc lập - Tự do - Hạnh phúc');
    expect(html).not.toContain('SOCIALIST REPUBLIC');
    expect(html).not.toMatch(KEY_TEXT);
  });

  it('the annual report and a fee statement likewise', async () => {
    const annual = await inLanguage(staff, 'en', '/quan-tri/bao-cao-nam/2026?print=1');
    expect(annual).toContain('>Back to the annual report</a>');
    expect(annual).toContain('Tình hình quản lý cơ sở dữ liệu hội và tổ chức phi chính phủ năm 2026');
    expect(annual).not.toMatch(KEY_TEXT);
    const statement = await inLanguage(lead, 'en', `/quan-tri/phi/to-chuc/${organisationId}`);
    expect(statement).toContain('>View the statement</button>');
    expect(statement).toContain('BẢNG KÊ PHÍ KHAI THÁC DỮ LIỆU');
    expect(statement).toContain('Tổ chức: Viện Nghiên cứu Xã hội');
    expect(statement).not.toMatch(KEY_TEXT);
  });
});

describe('messages', () => {
  it('English plurals pick one or other; Vietnamese has one form', () => {
    const en = translator('en').t;
    const vi = translator('vi').t;
    expect(en('reports:table.rows', { count: 1 })).toBe('row');
    expect(en('reports:table.rows', { count: 5 })).toBe('rows');
    expect(vi('reports:table.rows', { count: 5 })).toBe('dòng');
    expect(en('it-centre:user.failures', { count: 1, n: '1' })).toBe('1 failed attempt');
    expect(en('it-centre:user.failures', { count: 3, n: '3' })).toBe('3 failed attempts');
    expect(vi('it-centre:user.failures', { count: 3, n: '3' })).toBe('3 lần sai');
    expect(en('jobs:runs.total', { count: 1, total: '1' })).toBe('In all: 1 run.');
    expect(en('jobs:runs.total', { count: 1200, total: '1,200' })).toBe('In all: 1,200 runs.');
  });

  it("a notice is written in the language of the user who acted (a job's run, asked in English)", async () => {
    await itAdmin.get('/ngon-ngu?lang=en').expect(303);
    const page = await itAdmin.get('/quan-tri/he-thong/tac-vu').expect(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(page.text)?.[1] ?? '';
    const action = /action="(\/quan-tri\/he-thong\/tac-vu\/[a-z0-9-]+\/chay)"/.exec(page.text)?.[1] ?? '';
    expect(action).not.toBe('');
    await itAdmin.post(action).type('form').send({ _csrf: token }).expect(303);
    const after = await itAdmin.get('/quan-tri/he-thong/tac-vu').expect(200);
    expect(after.text).toMatch(/has been asked to run\. Its result will appear in the list of runs\./);
  });
});
