/**
 * RELIABILITY check 11: the role × route matrix. Every route of the app is in MATRIX and every MATRIX row is a
 * route; each is tried by anonymous and by one signed-in user per role (logged in through the real forms,
 * staff with TOTP), with a real CSRF token on POSTs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CATEGORY_KEYS } from '../../src/features/reports/categories.js';
import { ROLES, type Role } from '../../src/lib/roles.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anOrganisation } from '../helpers/builders.js';
import { type Agent, agent, csrfToken, login } from '../helpers/http.js';
import { listRoutes } from '../helpers/routes.js';
import { createUser, type TestUser } from '../helpers/users.js';

/** `api_key`: the data API (/api/v1, issue 17): a bearer key, no session; without a key everyone gets 401. */
type Access = 'public' | 'api_key' | readonly Role[];

const STAFF: readonly Role[] = ['ngo_staff', 'ngo_lead', 'it_admin', 'leader'];
const REGISTER_READ: readonly Role[] = ['ngo_staff', 'ngo_lead', 'leader'];
const REGISTER_EDIT: readonly Role[] = ['ngo_staff', 'ngo_lead'];
/**
 * Report readers (SPEC §1 "reports R-17.1 (a–n) and exports"): staff and leaders, and exploiters within their
 * organisation's current grant. An organisation's manager manages its officers and sees its account
 * (/khai-thac/), never the reports.
 */
const REPORT_READERS: readonly Role[] = ['ngo_staff', 'ngo_lead', 'leader', 'exploiter'];
const INCIDENTS: readonly Role[] = ['ngo_staff', 'ngo_lead', 'it_admin'];
const SIGNED_IN: readonly Role[] = ['ngo_staff', 'ngo_lead', 'it_admin', 'leader', 'association', 'org_manager', 'exploiter'];

/** Who may use each route. `public` includes anonymous visitors; a role list means signed in with one of those roles. */
const MATRIX: Record<string, Access> = {
  'GET /healthz': 'public',
  'GET /favicon.ico': 'public',
  'GET /readyz': 'public',
  'GET /dang-nhap': 'public',
  'POST /dang-nhap': 'public',
  'GET /dang-nhap/ma-xac-thuc': 'public',
  'POST /dang-nhap/ma-xac-thuc': 'public',
  'GET /dang-nhap/dang-ky-xac-thuc': 'public',
  'POST /dang-nhap/dang-ky-xac-thuc': 'public',
  'GET /tai-khoan/doi-mat-khau': SIGNED_IN,
  'POST /tai-khoan/doi-mat-khau': SIGNED_IN,
  'GET /': 'public',
  // Public pages and open data, the user guide: no login.
  'GET /hoi': 'public',
  'GET /hoi/:code': 'public',
  'GET /linh-vuc': 'public',
  'GET /thong-ke': 'public',
  'GET /du-lieu-mo/hoi.csv': 'public',
  'GET /du-lieu-mo/hoi.json': 'public',
  'GET /du-lieu-mo/openapi.json': 'public',
  'GET /huong-dan': 'public',
  'GET /huong-dan/:slug': 'public',
  'GET /quan-tri/': STAFF,
  'GET /hoi-cua-toi/': ['association'],
  // Biểu mẫu 1 online (issue 5): the association's officer files; NGO Department staff review (officers never).
  'POST /hoi-cua-toi/bieu-mau': ['association'],
  'GET /hoi-cua-toi/bieu-mau/mau.xlsx': ['association'],
  'POST /hoi-cua-toi/bieu-mau/tai-len': ['association'],
  'GET /hoi-cua-toi/bieu-mau/:id': ['association'],
  'POST /hoi-cua-toi/bieu-mau/:id': ['association'],
  'POST /hoi-cua-toi/bieu-mau/:id/tai-lieu': ['association'],
  'GET /hoi-cua-toi/bieu-mau/:id/muc/:section': ['association'],
  'POST /hoi-cua-toi/bieu-mau/:id/muc/:section': ['association'],
  'GET /hoi-cua-toi/bieu-mau/:id/kiem-tra': ['association'],
  // A term congress's outcome filed as one package (issue 16 item 6), reviewed on the same staff routes.
  'POST /hoi-cua-toi/dai-hoi': ['association'],
  'GET /hoi-cua-toi/dai-hoi/:id': ['association'],
  'POST /hoi-cua-toi/dai-hoi/:id': ['association'],
  'POST /hoi-cua-toi/dai-hoi/:id/tai-lieu': ['association'],
  'POST /hoi-cua-toi/dai-hoi/:id/go-tai-lieu': ['association'],
  'GET /quan-tri/bieu-mau': REGISTER_EDIT,
  'GET /quan-tri/bieu-mau/:id': REGISTER_EDIT,
  'POST /quan-tri/bieu-mau/:id': REGISTER_EDIT,
  // Access to the data: the public registration form and status page, the lead's decisions,
  // the organisation's page (manager acts, officers read), the log for staff, each association's readers.
  'GET /khai-thac/': ['org_manager', 'exploiter'],
  'POST /khai-thac/can-bo': ['org_manager'],
  'GET /khai-thac/can-bo/:id/khoa': ['org_manager'],
  'POST /khai-thac/can-bo/:id/khoa': ['org_manager'],
  'POST /khai-thac/gia-han': ['org_manager'],
  'GET /dang-ky-khai-thac': 'public',
  'POST /dang-ky-khai-thac': 'public',
  'GET /dang-ky-khai-thac/:ref': 'public',
  'POST /dang-ky-khai-thac/:ref': 'public',
  'GET /quan-tri/dang-ky-khai-thac': ['ngo_lead'],
  'GET /quan-tri/dang-ky-khai-thac/:id': ['ngo_lead'],
  'POST /quan-tri/dang-ky-khai-thac/:id/duyet': ['ngo_lead'],
  'POST /quan-tri/dang-ky-khai-thac/:id/tu-choi': ['ngo_lead'],
  'GET /quan-tri/quyen-khai-thac/:id/thu-hoi': ['ngo_lead'],
  'POST /quan-tri/quyen-khai-thac/:id/thu-hoi': ['ngo_lead'],
  'POST /quan-tri/yeu-cau-khai-thac/:id/duyet': ['ngo_lead'],
  'POST /quan-tri/yeu-cau-khai-thac/:id/tu-choi': ['ngo_lead'],
  'GET /quan-tri/nhat-ky-khai-thac': REGISTER_EDIT,
  'GET /hoi-cua-toi/khai-thac': ['association'],
  'GET /metrics': ['it_admin'],
  // Each user's own notices (issue 5 §4).
  'GET /thong-bao': SIGNED_IN,
  'POST /thong-bao/da-doc-tat-ca': SIGNED_IN,
  'POST /thong-bao/:id/mo': SIGNED_IN,
  // E-mail of notices (issue 17 item 4): one's own setting; the unsubscribe link works without a session (signed token).
  'GET /tai-khoan/nhan-thu': SIGNED_IN,
  'POST /tai-khoan/nhan-thu': SIGNED_IN,
  'GET /thu-dien-tu/huy-nhan': 'public',
  'POST /thu-dien-tu/huy-nhan': 'public',
  // Follows and saved searches (issue 16 item 2): any signed-in user; what they may follow is checked per record.
  'GET /theo-doi': SIGNED_IN,
  'POST /theo-doi/hoi/:code': SIGNED_IN,
  'POST /theo-doi/hoi/:code/bo': SIGNED_IN,
  'POST /theo-doi/tim-kiem': SIGNED_IN,
  'POST /theo-doi/tim-kiem/:id/xoa': SIGNED_IN,
  // The register: leaders read, NGO Department staff edit.
  'GET /quan-tri/hoi': REGISTER_READ,
  // The list's exports, as filtered (issue 16): whoever reads the list.
  'GET /quan-tri/hoi/danh-sach.csv': REGISTER_READ,
  'GET /quan-tri/hoi/danh-sach.xlsx': REGISTER_READ,
  'GET /quan-tri/hoi/moi': REGISTER_EDIT,
  'POST /quan-tri/hoi/moi': REGISTER_EDIT,
  'GET /quan-tri/hoi/:code': REGISTER_READ,
  // "Xem như" (issue 16 item 3): staff preview a record as the public, an exploiter or the officer.
  'GET /quan-tri/hoi/:code/xem-nhu': REGISTER_READ,
  // The edit as Biểu mẫu 1's task list (issue 18 item 2): the sections, each section's page and its save.
  'GET /quan-tri/hoi/:code/sua': REGISTER_EDIT,
  'GET /quan-tri/hoi/:code/sua/:section': REGISTER_EDIT,
  'POST /quan-tri/hoi/:code/sua/:section': REGISTER_EDIT,
  'POST /quan-tri/hoi/:code/cong-khai': REGISTER_EDIT,
  'POST /quan-tri/hoi/:code/doi-chieu-giay': REGISTER_EDIT,
  'POST /quan-tri/hoi/:code/khong-cong-khai': REGISTER_EDIT,
  'GET /quan-tri/hoi/:code/lich-su': REGISTER_READ,
  // Documents: read with the register, upload by the NGO Department.
  'GET /quan-tri/hoi/:code/tai-lieu': REGISTER_READ,
  'POST /quan-tri/hoi/:code/tai-lieu': REGISTER_EDIT,
  'GET /quan-tri/hoi/:code/tai-lieu/:id': REGISTER_READ,
  // Charter versions and their comparison (issue 16 item 5): read with the register, texts added by the NGO
  // Department; the association's officer for their own association.
  'GET /quan-tri/hoi/:code/dieu-le': REGISTER_READ,
  'GET /quan-tri/hoi/:code/dieu-le/moi': REGISTER_EDIT,
  'POST /quan-tri/hoi/:code/dieu-le/moi': REGISTER_EDIT,
  'GET /quan-tri/hoi/:code/dieu-le/:id/van-ban': REGISTER_EDIT,
  'POST /quan-tri/hoi/:code/dieu-le/:id/van-ban': REGISTER_EDIT,
  'GET /hoi-cua-toi/dieu-le': ['association'],
  'GET /hoi-cua-toi/dieu-le/moi': ['association'],
  'POST /hoi-cua-toi/dieu-le/moi': ['association'],
  'GET /hoi-cua-toi/dieu-le/:id/van-ban': ['association'],
  'POST /hoi-cua-toi/dieu-le/:id/van-ban': ['association'],
  // Catalogues: only the NGO Department.
  'GET /quan-tri/danh-muc': REGISTER_EDIT,
  'GET /quan-tri/danh-muc/:kind': REGISTER_EDIT,
  'GET /quan-tri/danh-muc/:kind/moi': REGISTER_EDIT,
  'POST /quan-tri/danh-muc/:kind/moi': REGISTER_EDIT,
  'GET /quan-tri/danh-muc/:kind/:code/sua': REGISTER_EDIT,
  'POST /quan-tri/danh-muc/:kind/:code/sua': REGISTER_EDIT,
  // Data-quality scores (issue 16 item 4): the rules (staff edit, leaders read) and the report (never exploiters).
  'GET /quan-tri/chat-luong-du-lieu': REGISTER_READ,
  'GET /quan-tri/chat-luong-du-lieu/:code/sua': REGISTER_EDIT,
  'POST /quan-tri/chat-luong-du-lieu/:code/sua': REGISTER_EDIT,
  'GET /bao-cao/chat-luong-du-lieu': REGISTER_READ,
  'GET /bao-cao/chat-luong-du-lieu.csv': REGISTER_READ,
  // Reports R-17.1 (a–n) and exports: NGO Department staff and leaders; exploiters within their organisation's
  // grant (the matrix users hold a grant of every category; outside a grant: access.test.ts); org_manager never.
  'GET /bao-cao': REPORT_READERS,
  'GET /bao-cao/:category': REPORT_READERS,
  'POST /bao-cao/n/mau': REPORT_READERS,
  // The catalogue of legal documents on associations (report m): kept by the NGO Department.
  'GET /quan-tri/van-ban': REGISTER_EDIT,
  'GET /quan-tri/van-ban/moi': REGISTER_EDIT,
  'POST /quan-tri/van-ban/moi': REGISTER_EDIT,
  'GET /quan-tri/van-ban/:id/sua': REGISTER_EDIT,
  'POST /quan-tri/van-ban/:id/sua': REGISTER_EDIT,
  // Fees: the NGO Department's lead edits the schedule and records contract fees; staff read; an
  // organisation's manager sees their own statement.
  'GET /quan-tri/phi': REGISTER_EDIT,
  'GET /quan-tri/phi/moi': ['ngo_lead'],
  'POST /quan-tri/phi/moi': ['ngo_lead'],
  'GET /quan-tri/phi/hop-dong/moi': ['ngo_lead'],
  'POST /quan-tri/phi/hop-dong/moi': ['ngo_lead'],
  'GET /quan-tri/phi/to-chuc/:id': REGISTER_EDIT,
  'GET /quan-tri/phi/:id/sua': ['ngo_lead'],
  'POST /quan-tri/phi/:id/sua': ['ngo_lead'],
  'GET /khai-thac/phi': ['org_manager'],
  // API keys (issue 17 item 3): the organisation's manager creates and revokes them; the API itself takes a key.
  'GET /khai-thac/khoa-api': ['org_manager'],
  'POST /khai-thac/khoa-api': ['org_manager'],
  'GET /khai-thac/khoa-api/:id/thu-hoi': ['org_manager'],
  'POST /khai-thac/khoa-api/:id/thu-hoi': ['org_manager'],
  'GET /api/v1/bao-cao': 'api_key',
  'GET /api/v1/bao-cao/:category': 'api_key',
  'GET /api/v1/hoi/:code': 'api_key',
  // Violations: staff record, the lead decides the action.
  'GET /quan-tri/vi-pham': REGISTER_EDIT,
  'GET /quan-tri/vi-pham/moi': REGISTER_EDIT,
  'POST /quan-tri/vi-pham/moi': REGISTER_EDIT,
  'GET /quan-tri/vi-pham/:id': REGISTER_EDIT,
  'GET /quan-tri/vi-pham/:id/chung-cu': REGISTER_EDIT,
  'POST /quan-tri/vi-pham/:id/xu-ly': ['ngo_lead'],
  'POST /quan-tri/vi-pham/:id/cham-dut-dinh-chi': ['ngo_lead'],
  // Personal-data requests (issue 17 item 1): the public form; NGO Department staff handle; the association's
  // officer checks identity on requests naming their association.
  // The language switch (issue 17 item 2): a link, no data.
  'GET /ngon-ngu': 'public',
  'GET /du-lieu-ca-nhan/yeu-cau': 'public',
  'POST /du-lieu-ca-nhan/yeu-cau': 'public',
  'GET /quan-tri/du-lieu-ca-nhan': REGISTER_EDIT,
  'GET /quan-tri/du-lieu-ca-nhan.csv': REGISTER_EDIT,
  'GET /quan-tri/du-lieu-ca-nhan/moi': REGISTER_EDIT,
  'POST /quan-tri/du-lieu-ca-nhan/moi': REGISTER_EDIT,
  'GET /quan-tri/du-lieu-ca-nhan/thoi-han': REGISTER_EDIT,
  'POST /quan-tri/du-lieu-ca-nhan/thoi-han': REGISTER_EDIT,
  'GET /quan-tri/du-lieu-ca-nhan/:id': REGISTER_EDIT,
  'POST /quan-tri/du-lieu-ca-nhan/:id/xac-minh': REGISTER_EDIT,
  'POST /quan-tri/du-lieu-ca-nhan/:id/trang-thai': REGISTER_EDIT,
  'GET /quan-tri/du-lieu-ca-nhan/:id/van-ban': REGISTER_EDIT,
  'GET /quan-tri/du-lieu-ca-nhan/:id/du-lieu.json': REGISTER_EDIT,
  'GET /hoi-cua-toi/du-lieu-ca-nhan': ['association'],
  'GET /hoi-cua-toi/du-lieu-ca-nhan/:id': ['association'],
  'POST /hoi-cua-toi/du-lieu-ca-nhan/:id/xac-minh': ['association'],
  // Support questions: askers see their own threads; NGO Department staff answer.
  'GET /hoi-dap': ['association', 'org_manager', 'exploiter'],
  'GET /hoi-dap/moi': ['association', 'org_manager', 'exploiter'],
  'POST /hoi-dap/moi': ['association', 'org_manager', 'exploiter'],
  'GET /hoi-dap/:id': ['association', 'org_manager', 'exploiter'],
  'POST /hoi-dap/:id/tra-loi': ['association', 'org_manager', 'exploiter'],
  'GET /quan-tri/hoi-dap': REGISTER_EDIT,
  'GET /quan-tri/hoi-dap/:id': REGISTER_EDIT,
  'POST /quan-tri/hoi-dap/:id/tra-loi': REGISTER_EDIT,
  'POST /quan-tri/hoi-dap/:id/dong': REGISTER_EDIT,
  // Scheduled work (issue 7): quarterly cycles and the annual report for the NGO Department and
  // leaders; job runs and "Chạy ngay" for the IT Centre.
  'GET /quan-tri/chu-ky-cap-nhat': REGISTER_READ,
  'GET /quan-tri/chu-ky-cap-nhat/so-sanh': REGISTER_READ,
  'GET /quan-tri/chu-ky-cap-nhat/:quarter': REGISTER_READ,
  'GET /quan-tri/bao-cao-nam': REGISTER_READ,
  'GET /quan-tri/bao-cao-nam/:year': REGISTER_READ,
  'GET /quan-tri/he-thong/tac-vu': ['it_admin'],
  'POST /quan-tri/he-thong/tac-vu/:job/chay': ['it_admin'],
  // The IT Centre: backups and drills, sessions, errors, lockouts, user administration, the audit log — it_admin
  // only.
  'GET /quan-tri/he-thong': ['it_admin'],
  'GET /quan-tri/he-thong/sao-luu': ['it_admin'],
  'GET /quan-tri/he-thong/phien': ['it_admin'],
  'POST /quan-tri/he-thong/phien/thu-hoi': ['it_admin'],
  'GET /quan-tri/he-thong/loi': ['it_admin'],
  'GET /quan-tri/he-thong/khoa-tai-khoan': ['it_admin'],
  'GET /quan-tri/he-thong/nguoi-dung': ['it_admin'],
  'GET /quan-tri/he-thong/nguoi-dung/:id': ['it_admin'],
  'POST /quan-tri/he-thong/nguoi-dung/:id/vo-hieu-hoa': ['it_admin'],
  'POST /quan-tri/he-thong/nguoi-dung/:id/kich-hoat': ['it_admin'],
  'POST /quan-tri/he-thong/nguoi-dung/:id/mo-khoa': ['it_admin'],
  'POST /quan-tri/he-thong/nguoi-dung/:id/dat-lai-totp': ['it_admin'],
  // The audit log and its CSV (SPEC §1 "audit log": the IT Centre only — names, addresses, every user's actions).
  'GET /quan-tri/he-thong/nhat-ky': ['it_admin'],
  'GET /quan-tri/he-thong/nhat-ky.csv': ['it_admin'],
  // Incidents and change requests: NGO Department staff and the IT Centre.
  'GET /quan-tri/su-co': INCIDENTS,
  'GET /quan-tri/su-co/moi': INCIDENTS,
  'POST /quan-tri/su-co/moi': INCIDENTS,
  'GET /quan-tri/su-co/:id': INCIDENTS,
  'POST /quan-tri/su-co/:id/cap-nhat': INCIDENTS,
  // Bulk import: the NGO Department.
  'GET /quan-tri/nhap-du-lieu': REGISTER_EDIT,
  'POST /quan-tri/nhap-du-lieu': REGISTER_EDIT,
  'GET /quan-tri/nhap-du-lieu/mau.xlsx': REGISTER_EDIT,
  'GET /quan-tri/nhap-du-lieu/mau.csv': REGISTER_EDIT,
  'GET /quan-tri/nhap-du-lieu/:id': REGISTER_EDIT,
  'GET /quan-tri/nhap-du-lieu/:id/ap-dung': REGISTER_EDIT,
  'POST /quan-tri/nhap-du-lieu/:id/ap-dung': REGISTER_EDIT,
  'POST /quan-tri/nhap-du-lieu/:id/chay-lai': REGISTER_EDIT,
  'GET /quan-tri/nhap-du-lieu/:id/tep-goc': REGISTER_EDIT,
  // Last: it ends the session of whoever is allowed to use it.
  'POST /dang-xuat': SIGNED_IN,
};

const METRICS_TOKEN = 'metrics-token-for-tests-0123456789';

let t: TestContext;
const users = new Map<Role, TestUser>();

beforeAll(async () => {
  // A generous per-IP login budget: this file logs in many times from one address (check 5 is tested elsewhere).
  t = await buildTestApp({ METRICS_TOKEN, LOGIN_RATE_LIMIT: '10000', ACCESS_REGISTRATION_RATE_LIMIT: '10000' });
  for (const role of ROLES) users.set(role, await createUser(t.db.knex, [role]));
  // The organisation's users hold a current grant of every category, so the matrix sees the guard, not the grant.
  const org = await anOrganisation({ name: 'Tổ chức thử ma trận' })
    .withGrant({ categories: CATEGORY_KEYS as string[], personal: true })
    .insert(t.db.knex);
  await t.db
    .knex('users')
    .whereIn('id', [users.get('org_manager')?.id, users.get('exploiter')?.id] as number[])
    .update({ organisation_id: org.id });
});
afterAll(() => t.db.destroy());

/** A concrete URL for a route path (`:code` → a sample value; the guard runs before any lookup). */
function urlFor(path: string): string {
  return path.replace(/:(\w+)/g, 'mau-thu-$1');
}

function allowed(access: Access, role: Role | null): boolean {
  if (access === 'public') return true;
  if (access === 'api_key') return false;
  return role !== null && access.includes(role);
}

/** Route keys with POST /dang-xuat last, whatever the order of the table. */
function orderedKeys(): string[] {
  const keys = Object.keys(MATRIX);
  return [...keys.filter((k) => k !== 'POST /dang-xuat'), ...keys.filter((k) => k === 'POST /dang-xuat')];
}

async function send(a: Agent, key: string, token: string) {
  const [method, path] = key.split(' ') as [string, string];
  const url = urlFor(path);
  if (method === 'GET') return { url, res: await a.get(url) };
  if (method === 'POST') return { url, res: await a.post(url).type('form').send({ _csrf: token }) };
  throw new Error(`no request recipe for ${key}: add one to the matrix test`);
}

describe('role × route matrix (check 11)', () => {
  it('the table lists exactly the routes the app has', () => {
    const inApp = [...new Set(listRoutes(t.app).map((r) => r.key))].sort();
    const inTable = Object.keys(MATRIX).sort();
    expect(
      inApp.filter((k) => !inTable.includes(k)),
      'routes missing from MATRIX',
    ).toEqual([]);
    expect(
      inTable.filter((k) => !inApp.includes(k)),
      'MATRIX rows with no route',
    ).toEqual([]);
  });

  it('anonymous visitors reach public routes and are sent to the login page everywhere else', async () => {
    const a = agent(t);
    const token = await csrfToken(a, '/dang-nhap');
    const wrong: string[] = [];
    for (const key of orderedKeys()) {
      const access = MATRIX[key] as Access;
      const { url, res } = await send(a, key, token);
      const loc = String(res.headers.location ?? '');
      if (access === 'api_key') {
        if (res.status !== 401) wrong.push(`${key}: ${res.status}, expected 401 without an API key`);
      } else if (allowed(access, null)) {
        if (res.status === 403 || res.status >= 500 || loc.startsWith('/dang-nhap?tiep=')) wrong.push(`${key}: ${res.status} ${loc}`);
      } else {
        const tiep = key.startsWith('GET ') ? encodeURIComponent(url) : encodeURIComponent('/');
        if (res.status !== 303 || loc !== `/dang-nhap?tiep=${tiep}`) wrong.push(`${key}: ${res.status} ${loc}, expected 303 to login`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it.each(ROLES)('%s: allowed routes answer, every other route answers 403', async (role) => {
    const a = agent(t);
    await login(t, a, users.get(role) as TestUser);
    const token = await csrfToken(a, '/tai-khoan/doi-mat-khau');
    const wrong: string[] = [];
    for (const key of orderedKeys()) {
      const { res } = await send(a, key, token);
      const loc = String(res.headers.location ?? '');
      if (MATRIX[key] === 'api_key') {
        // A session is no key: the API answers 401 to every signed-in role alike.
        if (res.status !== 401) wrong.push(`${key}: ${res.status}, expected 401 without an API key`);
      } else if (allowed(MATRIX[key] as Access, role)) {
        if (res.status === 403 || res.status >= 500 || loc.startsWith('/dang-nhap?tiep='))
          wrong.push(`${key}: ${res.status} ${loc}, expected allowed`);
      } else if (res.status !== 403) {
        wrong.push(`${key}: ${res.status} ${loc}, expected 403`);
      } else if (!res.text.includes('Không có quyền truy cập')) {
        wrong.push(`${key}: 403 without the Vietnamese explanation`);
      }
    }
    expect(wrong).toEqual([]);
    // POST /dang-xuat ran last and really ended the session.
    const after = await a.get('/tai-khoan/doi-mat-khau');
    expect(after.status).toBe(303);
    expect(after.headers.location).toBe('/dang-nhap?tiep=%2Ftai-khoan%2Fdoi-mat-khau');
  });
});

describe('reports R-17.1 and their exports follow SPEC §1 exactly, category by category', () => {
  it.each(ROLES)('%s: every category page and its CSV answer as SPEC §1 says', async (role) => {
    const a = agent(t);
    await login(t, a, users.get(role) as TestUser);
    const wrong: string[] = [];
    for (const url of ['/bao-cao', ...CATEGORY_KEYS.flatMap((c) => [`/bao-cao/${c}`, `/bao-cao/${c}?format=csv`])]) {
      const res = await a.get(url);
      if (REPORT_READERS.includes(role)) {
        if (res.status === 403 || res.status >= 500) wrong.push(`${url}: ${res.status}, expected allowed`);
      } else if (res.status !== 403) {
        wrong.push(`${url}: ${res.status}, expected 403`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("an organisation's manager is shown no report link: neither in the menu nor on its page; an exploiter is", async () => {
    const manager = agent(t);
    await login(t, manager, users.get('org_manager') as TestUser);
    const page = await manager.get('/khai-thac/');
    expect(page.status).toBe(200);
    expect(page.text).not.toMatch(/href="\/bao-cao/);
    expect(page.text).not.toContain('Báo cáo được cấp');
    expect(page.text).toContain('Quyền khai thác của tổ chức');
    const officer = agent(t);
    await login(t, officer, users.get('exploiter') as TestUser);
    const own = await officer.get('/khai-thac/');
    expect(own.status).toBe(200);
    expect(own.text).toContain('href="/bao-cao"');
    expect(own.text).toContain('href="/bao-cao/a"');
  });
});

describe('/metrics: IT administrators or a scraper with METRICS_TOKEN (check 11)', () => {
  it('answers a scraper presenting the bearer token, with no session', async () => {
    const res = await agent(t).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('# HELP');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('refuses anonymous requests without the token or with a wrong one', async () => {
    for (const header of [
      undefined,
      `Bearer ${METRICS_TOKEN.slice(0, -1)}x`,
      `Bearer ${METRICS_TOKEN}x`,
      'Bearer ',
      METRICS_TOKEN.slice(7),
    ]) {
      const req = agent(t).get('/metrics');
      const res = header === undefined ? await req : await req.set('Authorization', header);
      expect(res.status, String(header)).toBe(303);
      expect(res.headers.location).toBe('/dang-nhap?tiep=%2Fmetrics');
      expect(res.text).not.toContain('# HELP');
    }
  });

  it('lets a signed-in IT administrator read it and refuses other staff', async () => {
    const admin = agent(t);
    await login(t, admin, users.get('it_admin') as TestUser);
    const ok = await admin.get('/metrics');
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('# HELP');
    const staff = agent(t);
    await login(t, staff, users.get('ngo_staff') as TestUser);
    const denied = await staff.get('/metrics');
    expect(denied.status).toBe(403);
    expect(denied.text).not.toContain('# HELP');
  });

  it('with no METRICS_TOKEN configured, no bearer value opens it', async () => {
    const bare = await buildTestApp();
    try {
      for (const header of ['Bearer ', 'Bearer null', 'Bearer undefined', `Bearer ${METRICS_TOKEN}`]) {
        const res = await agent(bare).get('/metrics').set('Authorization', header);
        expect(res.status, header).toBe(303);
        expect(res.text).not.toContain('# HELP');
      }
    } finally {
      await bare.db.destroy();
    }
  });
});
