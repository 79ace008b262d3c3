/**
 * RELIABILITY check 11: the role × route matrix. Every route of the app is in MATRIX and every MATRIX row is a
 * route; each is tried by anonymous and by one signed-in user per role (logged in through the real forms,
 * staff with TOTP), with a real CSRF token on POSTs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROLES, type Role } from '../../src/lib/roles.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfToken, login } from '../helpers/http.js';
import { listRoutes } from '../helpers/routes.js';
import { createUser, type TestUser } from '../helpers/users.js';

type Access = 'public' | readonly Role[];

const STAFF: readonly Role[] = ['ngo_staff', 'ngo_lead', 'it_admin', 'leader'];
const REGISTER_READ: readonly Role[] = ['ngo_staff', 'ngo_lead', 'leader'];
const REGISTER_EDIT: readonly Role[] = ['ngo_staff', 'ngo_lead'];
const SIGNED_IN: readonly Role[] = ['ngo_staff', 'ngo_lead', 'it_admin', 'leader', 'association', 'org_manager', 'exploiter'];

/** Who may use each route. `public` includes anonymous visitors; a role list means signed in with one of those roles. */
const MATRIX: Record<string, Access> = {
  'GET /healthz': 'public',
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
  'GET /du-lieu-mo/hoi.csv': 'public',
  'GET /du-lieu-mo/hoi.json': 'public',
  'GET /du-lieu-mo/openapi.json': 'public',
  'GET /huong-dan': 'public',
  'GET /huong-dan/:slug': 'public',
  'GET /quan-tri/': STAFF,
  'GET /hoi-cua-toi/': ['association'],
  'GET /khai-thac/': ['org_manager', 'exploiter'],
  'GET /metrics': ['it_admin'],
  // Each user's own notices (issue 5 §4).
  'GET /thong-bao': SIGNED_IN,
  'POST /thong-bao/da-doc-tat-ca': SIGNED_IN,
  'POST /thong-bao/:id/mo': SIGNED_IN,
  // The register: leaders read, NGO Department staff edit.
  'GET /quan-tri/hoi': REGISTER_READ,
  'GET /quan-tri/hoi/moi': REGISTER_EDIT,
  'POST /quan-tri/hoi/moi': REGISTER_EDIT,
  'GET /quan-tri/hoi/:code': REGISTER_READ,
  'GET /quan-tri/hoi/:code/sua': REGISTER_EDIT,
  'POST /quan-tri/hoi/:code/sua': REGISTER_EDIT,
  'POST /quan-tri/hoi/:code/cong-khai': REGISTER_EDIT,
  'POST /quan-tri/hoi/:code/doi-chieu-giay': REGISTER_EDIT,
  'GET /quan-tri/hoi/:code/lich-su': REGISTER_READ,
  // Documents: read with the register, upload by the NGO Department.
  'GET /quan-tri/hoi/:code/tai-lieu': REGISTER_READ,
  'POST /quan-tri/hoi/:code/tai-lieu': REGISTER_EDIT,
  'GET /quan-tri/hoi/:code/tai-lieu/:id': REGISTER_READ,
  // Catalogues: only the NGO Department.
  'GET /quan-tri/danh-muc': REGISTER_EDIT,
  'GET /quan-tri/danh-muc/:kind': REGISTER_EDIT,
  'GET /quan-tri/danh-muc/:kind/moi': REGISTER_EDIT,
  'POST /quan-tri/danh-muc/:kind/moi': REGISTER_EDIT,
  'GET /quan-tri/danh-muc/:kind/:code/sua': REGISTER_EDIT,
  'POST /quan-tri/danh-muc/:kind/:code/sua': REGISTER_EDIT,
  // Reports R-17.1 (a–n) and exports: NGO Department staff and leaders (exploiters' grants come later).
  'GET /bao-cao': REGISTER_READ,
  'GET /bao-cao/:category': REGISTER_READ,
  'POST /bao-cao/n/mau': REGISTER_READ,
  // The catalogue of legal documents on associations (report m): kept by the NGO Department.
  'GET /quan-tri/van-ban': REGISTER_EDIT,
  'GET /quan-tri/van-ban/moi': REGISTER_EDIT,
  'POST /quan-tri/van-ban/moi': REGISTER_EDIT,
  'GET /quan-tri/van-ban/:id/sua': REGISTER_EDIT,
  'POST /quan-tri/van-ban/:id/sua': REGISTER_EDIT,
  // Bulk import: the NGO Department.
  'GET /quan-tri/nhap-du-lieu': REGISTER_EDIT,
  'POST /quan-tri/nhap-du-lieu': REGISTER_EDIT,
  'GET /quan-tri/nhap-du-lieu/mau.xlsx': REGISTER_EDIT,
  'GET /quan-tri/nhap-du-lieu/mau.csv': REGISTER_EDIT,
  'GET /quan-tri/nhap-du-lieu/:id': REGISTER_EDIT,
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
  t = await buildTestApp({ METRICS_TOKEN, LOGIN_RATE_LIMIT: '10000' });
  for (const role of ROLES) users.set(role, await createUser(t.db.knex, [role]));
});
afterAll(() => t.db.destroy());

/** A concrete URL for a route path (`:code` → a sample value; the guard runs before any lookup). */
function urlFor(path: string): string {
  return path.replace(/:(\w+)/g, 'mau-thu-$1');
}

function allowed(access: Access, role: Role | null): boolean {
  if (access === 'public') return true;
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
      if (allowed(access, null)) {
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
      if (allowed(MATRIX[key] as Access, role)) {
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
