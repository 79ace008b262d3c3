/**
 * Access to the data (issue 6 §1–5; R-8.5, R-8.6, R-14, R-16): the Done-when journey — a public registration
 * approved with categories a, b, e only gives accounts whose first login forces a password change; the officer
 * opens and exports a, b, e and gets 403 on every other category, page, export, print and saved report, including
 * edited URLs and filters; revoking the grant, its expiry or a suspension cuts access at the next request; every
 * read and export is in the log with its row count; the association sees the organisation. RELIABILITY checks 8
 * (one-time passwords: once, expire, forced change), 12 (IDOR: outside the grant, database unchanged) and 13
 * (leaders' personal fields only when granted: a planted sentinel searched in every response).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_ORGANISATION, seedDemoAccess } from '../../seeds/demo/access.js';
import { createExploitationLogRepository } from '../../src/features/access/exploitation-log.repository.js';
import { createExploitationLogService, type RecordedExport } from '../../src/features/access/exploitation-log.service.js';
import { CATEGORY_KEYS } from '../../src/features/reports/categories.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, anOrganisation, insertAssociations } from '../helpers/builders.js';
import { parseCsv } from '../helpers/csv.js';
import { type Agent, agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let lead: Agent;
let staff: Agent;
let assocOfficer: Agent;
const ids: Record<string, number> = {};
const codes: Record<string, string> = {};
/** A planted personal field of a leader (R-8.5, check 13): never in an exploiter's answer unless granted. */
const SENTINEL_TITLE = 'Giáo sư Sentinel-7391';

const NEW_PASSWORD = 'Một câu mật khẩu mới đủ dài 2026';

function nextYear(): number {
  return t.clock.now().getUTCFullYear() + 1;
}

function vnDate(d: Date): string {
  const p = new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Ho_Chi_Minh', day: '2-digit', month: '2-digit', year: 'numeric' }).format(d);
  return p;
}

function registrationBody(token: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    _csrf: token,
    kind: 'organisation',
    name: 'Viện Nghiên cứu Chính sách Thử nghiệm',
    identifier: '0101234567',
    address: '12 Phố Thử, Hà Nội',
    email: 'lienhe@vien-thu.vn',
    phone: '024 3824 0000',
    manager_name: 'Vũ Hoàng Nam',
    manager_position: 'Phó Viện trưởng',
    manager_email: 'nam@vien-thu.vn',
    purpose: 'Nghiên cứu chính sách về hội',
    legal_basis: 'Công văn số 12/VNC ngày 01/12/2026',
    'cat.a': '1',
    'cat.b': '1',
    'cat.d': '1',
    'cat.e': '1',
    'cat.h': '1',
    personal: '1',
    period_from: vnDate(t.clock.now()),
    period_to: `31/12/${nextYear()}`,
    'officers.0.full_name': 'Hoàng Thị Mai',
    'officers.0.position': 'Nghiên cứu viên',
    'officers.0.email': 'mai@vien-thu.vn',
    'officers.0.phone': '0912 345 678',
    'officers.1.full_name': 'Trần Văn Bình',
    'officers.1.position': 'Nghiên cứu viên',
    'officers.1.email': 'binh@vien-thu.vn',
    ...extra,
  };
}

async function formToken(a: Agent, path: string): Promise<string> {
  const res = await a.get(path);
  expect(res.status, path).toBe(200);
  return csrfFrom(res.text);
}

/** Log in with a one-time password; the first page is the forced password change; change it. */
async function firstLogin(username: string, oneTime: string): Promise<Agent> {
  const a = agent(t);
  const token = await formToken(a, '/dang-nhap');
  const res = await a.post('/dang-nhap').type('form').send({ _csrf: token, username, password: oneTime });
  expect(res.status).toBe(303);
  // Check 8: the one-time password forces a change before anything else.
  const home = await a.get('/khai-thac/');
  expect(home.status).toBe(303);
  expect(home.headers.location).toBe('/tai-khoan/doi-mat-khau');
  const page = await a.get('/tai-khoan/doi-mat-khau');
  const changed = await a
    .post('/tai-khoan/doi-mat-khau')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), currentPassword: oneTime, newPassword: NEW_PASSWORD, confirmPassword: NEW_PASSWORD });
  expect(changed.status).toBe(303);
  return a;
}

function handoverAccounts(html: string): Array<{ username: string; password: string }> {
  const users = [...html.matchAll(/class="handover-username">([^<]+)</g)].map((m) => m[1] as string);
  const passwords = [...html.matchAll(/class="handover-password">([^<]+)</g)].map((m) => m[1] as string);
  return users.map((username, i) => ({ username, password: passwords[i] as string }));
}

async function logCount(userId?: number): Promise<number> {
  const q = t.db.knex('exploitation_log');
  if (userId !== undefined) q.where({ user_id: userId });
  const r = await q.count<{ n: string }[]>('* as n').first();
  return Number(r?.n ?? 0);
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000', ACCESS_REGISTRATION_RATE_LIMIT: '10000' });
  const [yhoc, khac] = await insertAssociations(t.db.knex, [
    anAssociation({
      code: 'H800001',
      name: 'Hội Y học Truy vết',
      main_field_code: 'YTE',
      managing_ministry_code: 'BYT',
      hq_province_code: '01',
      nature_code: 'XHNN',
    })
      .withLeaders([
        {
          full_name: 'Nguyễn Thị Lan',
          position_code: 'CT',
          term_number: 6,
          birth_year: 1962,
          gender: 'nu',
          academic_title: SENTINEL_TITLE,
          elected_on: '2021-03-15',
        },
      ])
      .withCongresses([{ term_number: 6, congress_type: 'nhiem_ky', held_on: '2021-03-15', term_years: 5 }]),
    anAssociation({ code: 'H800002', name: 'Hội Văn nghệ Khác', main_field_code: 'VHNT', nature_code: 'STTT' }),
  ]);
  for (const [key, a] of [
    ['yhoc', yhoc],
    ['khac', khac],
  ] as const) {
    ids[key] = a?.id as number;
    codes[key] = a?.code as string;
  }
  lead = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  assocOfficer = await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId: ids.yhoc as number }));
});
afterAll(() => t.db.destroy());

const state: {
  reference?: string;
  token?: string;
  registrationId?: number;
  organisationId?: number;
  grantId?: number;
  accounts?: Array<{ username: string; password: string }>;
  officer?: Agent;
  officerId?: number;
  manager?: Agent;
} = {};

describe('public registration (R-14)', () => {
  it('shows every category with its description; bad input → 400 with messages and kept values; no account', async () => {
    const a = agent(t);
    const page = await a.get('/dang-ky-khai-thac');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Theo dõi đại hội nhiệm kỳ');
    expect(page.text).toContain('Hạn đại hội nhiệm kỳ của từng hội');
    const usersBefore = await t.db.knex('users').count<{ n: string }[]>('* as n').first();
    const bad = await a
      .post('/dang-ky-khai-thac')
      .type('form')
      .send({ ...registrationBody(csrfFrom(page.text)), email: 'khong-phai-email', 'cat.a': '', 'officers.1.email': '' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Thư điện tử liên hệ không đúng dạng');
    expect(bad.text).toContain('Viện Nghiên cứu Chính sách Thử nghiệm');
    expect(bad.text).toContain('Hãy nhập thư điện tử của cán bộ');
    const noCategories = registrationBody(csrfFrom(page.text));
    for (const c of ['a', 'b', 'd', 'e', 'h']) delete noCategories[`cat.${c}`];
    const none = await a.post('/dang-ky-khai-thac').type('form').send(noCategories);
    expect(none.status).toBe(400);
    expect(none.text).toContain('Hãy chọn ít nhất một nhóm thông tin');
    expect(Number((await t.db.knex('access_registrations').count<{ n: string }[]>('* as n').first())?.n)).toBe(0);
    const usersAfter = await t.db.knex('users').count<{ n: string }[]>('* as n').first();
    expect(usersAfter?.n).toBe(usersBefore?.n);
  });

  it('refuses a submission without a CSRF token', async () => {
    const res = await agent(t).post('/dang-ky-khai-thac').type('form').send(registrationBody('forged'));
    expect(res.status).toBe(403);
  });

  it('a valid submission gives a reference and a one-time status token; ngo_lead is notified; no account yet', async () => {
    const a = agent(t);
    const usersBefore = Number((await t.db.knex('users').count<{ n: string }[]>('* as n').first())?.n);
    const csrf = await formToken(a, '/dang-ky-khai-thac');
    const res = await a.post('/dang-ky-khai-thac').type('form').send(registrationBody(csrf));
    expect(res.status).toBe(201);
    const reference = /id="so-phieu">([^<]+)</.exec(res.text)?.[1];
    const token = /id="ma-tra-cuu">([^<]+)</.exec(res.text)?.[1];
    expect(reference).toMatch(/^DK-\d{4}-\d{6}$/);
    expect(token?.length).toBeGreaterThanOrEqual(20);
    const row = await t.db.knex('access_registrations').where({ reference }).first();
    expect(row.status).toBe('pending');
    expect(row.token_hash).not.toContain(token);
    expect(row.categories).toEqual(['a', 'b', 'd', 'e', 'h']);
    expect(row.officers).toHaveLength(2);
    expect(Number((await t.db.knex('users').count<{ n: string }[]>('* as n').first())?.n)).toBe(usersBefore);
    const notice = await t.db.knex('notifications').where({ kind: 'access_registration.submitted' }).first();
    expect(notice?.link).toBe(`/quan-tri/dang-ky-khai-thac/${row.id}`);
    Object.assign(state, { reference, token, registrationId: row.id });
  });

  it('the status page needs the reference AND the token; a guessed reference tells nothing', async () => {
    const a = agent(t);
    const ref = state.reference as string;
    const form = await formToken(a, `/dang-ky-khai-thac/${ref}`);
    const wrong = await a.post(`/dang-ky-khai-thac/${ref}`).type('form').send({ _csrf: form, token: 'doan-mo-ma-tra-cuu' });
    expect(wrong.status).toBe(404);
    expect(wrong.text).not.toContain('Viện Nghiên cứu');
    const guessed = await a.post('/dang-ky-khai-thac/DK-2026-999999').type('form').send({ _csrf: form, token: state.token });
    expect(guessed.status).toBe(404);
    const ok = await a.post(`/dang-ky-khai-thac/${ref}`).type('form').send({ _csrf: form, token: state.token });
    expect(ok.status).toBe(200);
    expect(ok.text).toContain('Chờ xét duyệt');
  });
});

describe('approval and hand-over (R-8.6)', () => {
  it('approve with a, b, e only: one transaction makes the organisation, the grant and accounts with one-time passwords', async () => {
    const path = `/quan-tri/dang-ky-khai-thac/${state.registrationId}`;
    const detail = await lead.get(path);
    expect(detail.status).toBe(200);
    // Staff without the lead role cannot decide.
    expect((await staff.get(path)).status).toBe(403);
    // Asking for a category the registration did not ask for is refused, nothing created.
    const extra = await lead
      .post(`${path}/duyet`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), 'cat.a': '1', 'cat.c': '1', expires_on: `31/12/${nextYear()}` });
    expect(extra.status).toBe(400);
    expect(Number((await t.db.knex('organisations').count<{ n: string }[]>('* as n').first())?.n)).toBe(0);
    expect(Number((await t.db.knex('access_grants').count<{ n: string }[]>('* as n').first())?.n)).toBe(0);
    const res = await lead
      .post(`${path}/duyet`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), 'cat.a': '1', 'cat.b': '1', 'cat.e': '1', expires_on: `31/12/${nextYear()}` });
    expect(res.status).toBe(200);
    const accounts = handoverAccounts(res.text);
    expect(accounts).toHaveLength(3);
    const reg = await t.db.knex('access_registrations').where({ id: state.registrationId }).first();
    expect(reg.status).toBe('approved');
    const grant = await t.db.knex('access_grants').where({ organisation_id: reg.organisation_id }).first();
    expect(grant.categories).toEqual(['a', 'b', 'e']);
    expect(grant.personal).toBe(false);
    const users = await t.db.knex('users').where({ organisation_id: reg.organisation_id }).orderBy('id');
    expect(users.map((u) => u.roles[0])).toEqual(['org_manager', 'exploiter', 'exploiter']);
    for (const u of users) {
      expect(u.must_change_password).toBe(true);
      const hours = (new Date(u.password_expires_at).getTime() - t.clock.now().getTime()) / 3_600_000;
      expect(hours).toBeCloseTo(72, 0);
      for (const acc of accounts) expect(u.password_hash).not.toContain(acc.password);
    }
    // The one-time passwords are nowhere in the database (audit details included).
    const audit = await t.db.knex('audit_events').where({ action: 'access_registration.approve' }).first();
    for (const acc of accounts) expect(JSON.stringify(audit)).not.toContain(acc.password);
    // A second decision on the same registration: 409, nothing more created.
    const again = await lead
      .post(`${path}/duyet`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), 'cat.a': '1', expires_on: `31/12/${nextYear()}` });
    expect(again.status).toBe(409);
    expect(Number((await t.db.knex('access_grants').count<{ n: string }[]>('* as n').first())?.n)).toBe(1);
    // The hand-over cannot be shown again: the detail page has no password.
    const after = await lead.get(path);
    for (const acc of accounts) expect(after.text).not.toContain(acc.password);
    Object.assign(state, { organisationId: reg.organisation_id, grantId: grant.id, accounts });
  });

  it('first login with a one-time password forces a change; the one-time password then works no more (check 8)', async () => {
    const [managerAcc, officerAcc] = state.accounts as Array<{ username: string; password: string }>;
    state.officer = await firstLogin(officerAcc?.username as string, officerAcc?.password as string);
    state.manager = await firstLogin(managerAcc?.username as string, managerAcc?.password as string);
    state.officerId = (await t.db.knex('users').where({ username: officerAcc?.username }).first()).id;
    const a = agent(t);
    const token = await formToken(a, '/dang-nhap');
    const reuse = await a
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: token, username: officerAcc?.username, password: officerAcc?.password });
    expect(reuse.status).not.toBe(303);
  });
});

describe('scope enforced on every page, filter and export (R-8.5, check 12)', () => {
  it('the officer opens and exports a, b and e', async () => {
    const o = state.officer as Agent;
    const home = await o.get('/khai-thac/');
    expect(home.status).toBe(200);
    for (const c of ['a', 'b', 'e']) expect(home.text).toContain(`href="/bao-cao/${c}"`);
    expect(home.text).not.toContain('href="/bao-cao/c"');
    const index = await o.get('/bao-cao');
    expect(index.status).toBe(200);
    for (const url of [
      `/bao-cao/a?ma=${codes.yhoc}`,
      `/bao-cao/a?ma=${codes.yhoc}&format=csv`,
      `/bao-cao/a?ma=${codes.yhoc}&format=xlsx`,
      `/bao-cao/a?ma=${codes.yhoc}&print=1`,
      '/bao-cao/b',
      '/bao-cao/b?linh-vuc=YTE',
      '/bao-cao/b?linh-vuc=YTE&format=csv',
      '/bao-cao/b?format=xlsx',
      '/bao-cao/b?print=1',
      '/bao-cao/e',
      '/bao-cao/e?format=csv',
      '/bao-cao/e?print=1',
    ]) {
      const res = await o.get(url);
      expect(res.status, url).toBe(200);
      // No link into staff pages the officer cannot open.
      if (!url.includes('format=')) expect(res.text, url).not.toContain('href="/quan-tri/');
      // Check 13: the planted personal field is in no answer of this grant (text bodies; xlsx is zipped).
      if (typeof res.text === 'string') expect(res.text, url).not.toContain(SENTINEL_TITLE);
    }
    // A listed association links to report a (granted), not to the staff record page.
    expect((await o.get('/bao-cao/b?linh-vuc=YTE')).text).toContain(`href="/bao-cao/a?ma=${codes.yhoc}"`);
  });

  it('every other category answers 403 for page, filters, export, print and saved reports; nothing is logged', async () => {
    const o = state.officer as Agent;
    const before = await logCount();
    const denied: string[] = [];
    for (const c of CATEGORY_KEYS.filter((k) => !['a', 'b', 'e'].includes(k))) {
      for (const qs of ['', '?format=csv', '?format=xlsx', '?print=1', '?linh-vuc=YTE', '?trang=2', '?cot.name=1', '?mau=1']) {
        const res = await o.get(`/bao-cao/${c}${qs}`);
        if (res.status !== 403) denied.push(`${c}${qs}: ${res.status}`);
      }
    }
    expect(denied).toEqual([]);
    const page = await o.get('/khai-thac/');
    const save = await o
      .post('/bao-cao/n/mau')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), name: 'Mẫu', 'cot.name': '1' });
    expect(save.status).toBe(403);
    expect(Number((await t.db.knex('saved_reports').count<{ n: string }[]>('* as n').first())?.n)).toBe(0);
    // Staff pages stay closed.
    for (const url of ['/quan-tri/hoi', `/quan-tri/hoi/${codes.yhoc}`, '/quan-tri/nhat-ky-khai-thac', '/quan-tri/dang-ky-khai-thac']) {
      expect((await o.get(url)).status, url).toBe(403);
    }
    expect(await logCount()).toBe(before);
  });

  it("leaders' personal fields appear only when the grant includes them (check 13), decided per request", async () => {
    const o = state.officer as Agent;
    const k = t.db.knex;
    await k('access_grants')
      .where({ id: state.grantId })
      .update({ categories: ['a', 'b', 'd', 'e'] });
    for (const url of ['/bao-cao/d', '/bao-cao/d?format=csv', '/bao-cao/d?print=1', `/bao-cao/a?ma=${codes.yhoc}`]) {
      const res = await o.get(url);
      expect(res.status, url).toBe(200);
      expect(res.text, url).not.toContain(SENTINEL_TITLE);
      expect(res.text, url).not.toContain('1962');
    }
    expect((await o.get('/bao-cao/d')).text).toContain('Nguyễn Thị Lan');
    await k('access_grants').where({ id: state.grantId }).update({ personal: true });
    expect((await o.get('/bao-cao/d')).text).toContain(SENTINEL_TITLE);
    await k('access_grants')
      .where({ id: state.grantId })
      .update({ categories: ['a', 'b', 'e'], personal: false });
    expect((await o.get('/bao-cao/d')).status).toBe(403);
  });

  it('every read and export is in the log with its row count and the associations it touched', async () => {
    const o = state.officer as Agent;
    const before = await logCount(state.officerId);
    const csv = await o.get('/bao-cao/b?linh-vuc=YTE&format=csv');
    const row = await t.db.knex('exploitation_log').where({ user_id: state.officerId }).orderBy('id', 'desc').first();
    expect(await logCount(state.officerId)).toBe(before + 1);
    expect(row.organisation_id).toBe(state.organisationId);
    expect(row.category).toBe('b');
    expect(row.format).toBe('csv');
    expect(row.filters).toMatchObject({ 'linh-vuc': 'YTE' });
    // The row count is what the file carried: two tables (summary with a totals line, list), each with a title
    // line and a header line.
    const lines = parseCsv(csv.text).filter((cells) => cells.join(',').trim() !== '');
    expect(row.rows).toBe(lines.length - 2 * 2 - 1);
    expect(row.rows).toBeGreaterThan(1);
    expect(row.association_ids).toEqual([ids.yhoc]);
    const formats = await t.db.knex('exploitation_log').where({ user_id: state.officerId }).distinct('format').pluck('format');
    expect(formats.sort()).toEqual(['csv', 'html', 'print', 'xlsx']);
  });

  it('staff search the log and export it (audited); the association sees the organisation', async () => {
    const page = await staff.get(`/quan-tri/nhat-ky-khai-thac?to_chuc=${state.organisationId}&loai=b`);
    expect(page.status).toBe(200);
    expect(page.text).toContain((state.accounts as Array<{ username: string }>)[1]?.username as string);
    const bad = await staff.get('/quan-tri/nhat-ky-khai-thac?tu_ngay=99/99/2026');
    expect(bad.status).toBe(400);
    const auditBefore = await t.db
      .knex('audit_events')
      .where({ action: 'exploitation_log.export' })
      .count<{ n: string }[]>('* as n')
      .first();
    const csv = await staff.get(`/quan-tri/nhat-ky-khai-thac?to_chuc=${state.organisationId}&format=csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.text).toContain('Viện Nghiên cứu Chính sách Thử nghiệm');
    const auditAfter = await t.db
      .knex('audit_events')
      .where({ action: 'exploitation_log.export' })
      .count<{ n: string }[]>('* as n')
      .first();
    expect(Number(auditAfter?.n)).toBe(Number(auditBefore?.n) + 1);
    const readers = await assocOfficer.get('/hoi-cua-toi/khai-thac');
    expect(readers.status).toBe(200);
    expect(readers.text).toContain('Viện Nghiên cứu Chính sách Thử nghiệm');
    // Another association's officer does not see it: one no report read (khac, live without a congress, is in
    // report e's list since issue 15, so the organisation did read its row there).
    const unread = await anAssociation({ name: 'Hội Chưa Ai Đọc' }).insert(t.db.knex);
    const other = await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId: unread.id }));
    expect((await other.get('/hoi-cua-toi/khai-thac')).text).not.toContain('Viện Nghiên cứu Chính sách Thử nghiệm');
  });
});

describe('the organisation manages its officers (R-16.1)', () => {
  it('shows the grant, the officers and their use; an officer sees no management forms', async () => {
    const m = state.manager as Agent;
    const page = await m.get('/khai-thac/');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Hoàng Thị Mai');
    expect(page.text).toContain('Đề nghị bổ sung cán bộ khai thác');
    const officerPage = await (state.officer as Agent).get('/khai-thac/');
    expect(officerPage.text).not.toContain('Đề nghị bổ sung cán bộ khai thác');
    expect(
      (
        await (state.officer as Agent)
          .post('/khai-thac/can-bo')
          .type('form')
          .send({ _csrf: csrfFrom(officerPage.text) })
      ).status,
    ).toBe(403);
  });

  it('adds an officer through ngo_lead (account + hand-over) and renews the grant', async () => {
    const m = state.manager as Agent;
    const page = await m.get('/khai-thac/');
    const bad = await m
      .post('/khai-thac/can-bo')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), full_name: 'Lê Thu', position: '', email: 'x' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Hãy nhập chức vụ của cán bộ');
    const ok = await m
      .post('/khai-thac/can-bo')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), full_name: 'Lê Thu Hằng', position: 'Chuyên viên', email: 'hang@vien-thu.vn' });
    expect(ok.status).toBe(303);
    const request = await t.db.knex('access_requests').where({ kind: 'add_officer' }).first();
    const list = await lead.get('/quan-tri/dang-ky-khai-thac');
    expect(list.text).toContain('Lê Thu Hằng');
    const approved = await lead
      .post(`/quan-tri/yeu-cau-khai-thac/${request.id}/duyet`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text) });
    expect(approved.status).toBe(200);
    const [acc] = handoverAccounts(approved.text);
    const user = await t.db.knex('users').where({ username: acc?.username }).first();
    expect(user.organisation_id).toBe(state.organisationId);
    expect(user.roles).toEqual(['exploiter']);
    expect(user.must_change_password).toBe(true);

    const renewal = await m
      .post('/khai-thac/gia-han')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), expires_on: `30/06/${nextYear() + 1}`, reason: 'Tiếp tục đề tài' });
    expect(renewal.status).toBe(303);
    const req2 = await t.db.knex('access_requests').where({ kind: 'renewal' }).first();
    const list2 = await lead.get('/quan-tri/dang-ky-khai-thac');
    expect(
      (
        await lead
          .post(`/quan-tri/yeu-cau-khai-thac/${req2.id}/duyet`)
          .type('form')
          .send({ _csrf: csrfFrom(list2.text) })
      ).status,
    ).toBe(303);
    const grant = await t.db.knex('access_grants').where({ id: state.grantId }).first();
    expect(vnDate(new Date(grant.expires_at))).toBe(`30/06/${nextYear() + 1}`);
  });

  it("removes an officer at once; cannot touch another organisation's user (IDOR, database unchanged)", async () => {
    const m = state.manager as Agent;
    const page = await m.get('/khai-thac/');
    const outsider = await createUser(t.db.knex, ['exploiter']);
    const res = await m
      .post(`/khai-thac/can-bo/${outsider.id}/khoa`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), 'xac-nhan': '1' });
    expect(res.status).toBe(404);
    expect((await t.db.knex('users').where({ id: outsider.id }).first()).disabled_at).toBeNull();
    const [, , second] = state.accounts as Array<{ username: string; password: string }>;
    const target = await t.db.knex('users').where({ username: second?.username }).first();
    expect(
      (
        await m
          .post(`/khai-thac/can-bo/${target.id}/khoa`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text), 'xac-nhan': '1' })
      ).status,
    ).toBe(303);
    expect((await t.db.knex('users').where({ id: target.id }).first()).disabled_at).not.toBeNull();
  });
});

describe('revocation, suspension and expiry cut access at the next request (R-8.5, R-8.10)', () => {
  async function officerReads(): Promise<number> {
    return (await (state.officer as Agent).get('/bao-cao/b')).status;
  }

  it('a suspension of the user or the organisation, or a revocation of the organisation', async () => {
    const k = t.db.knex;
    const future = new Date(t.clock.now().getTime() + 7 * 86_400_000);
    expect(await officerReads()).toBe(200);
    await k('users').where({ id: state.officerId }).update({ suspended_until: future });
    expect(await officerReads()).toBe(403);
    await k('users').where({ id: state.officerId }).update({ suspended_until: null });
    expect(await officerReads()).toBe(200);
    await k('organisations').where({ id: state.organisationId }).update({ suspended_until: future });
    expect(await officerReads()).toBe(403);
    expect((await (state.officer as Agent).get('/khai-thac/')).text).toContain('đang bị tạm đình chỉ');
    await k('organisations').where({ id: state.organisationId }).update({ suspended_until: null });
    expect(await officerReads()).toBe(200);
    await k('organisations').where({ id: state.organisationId }).update({ access_revoked_at: t.clock.now() });
    expect(await officerReads()).toBe(403);
    await k('organisations').where({ id: state.organisationId }).update({ access_revoked_at: null });
    expect(await officerReads()).toBe(200);
  });

  it('ngo_lead revokes the grant: the next request is refused', async () => {
    const list = await lead.get('/quan-tri/dang-ky-khai-thac');
    const noReason = await lead
      .post(`/quan-tri/quyen-khai-thac/${state.grantId}/thu-hoi`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text), 'xac-nhan': '1' });
    expect(noReason.status).toBe(400);
    const res = await lead
      .post(`/quan-tri/quyen-khai-thac/${state.grantId}/thu-hoi`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text), 'xac-nhan': '1', reason: 'Sử dụng sai mục đích' });
    expect(res.status).toBe(303);
    expect(await officerReads()).toBe(403);
    expect((await (state.officer as Agent).get('/bao-cao/a?ma=H800001&format=csv')).status).toBe(403);
    expect((await (state.officer as Agent).get('/bao-cao')).status).toBe(403);
  });

  it('an expired grant stops working, and unused one-time passwords expire (check 8)', async () => {
    const k = t.db.knex;
    await k('access_grants').where({ id: state.grantId }).update({ revoked_at: null });
    expect(await officerReads()).toBe(200);
    const grant = await k('access_grants').where({ id: state.grantId }).first();
    await k('access_grants')
      .where({ id: state.grantId })
      .update({ expires_at: new Date(t.clock.now().getTime() + 1000), valid_from: new Date(t.clock.now().getTime() - 86_400_000) });
    t.clock.advance(2000);
    expect(await officerReads()).toBe(403);
    await k('access_grants').where({ id: state.grantId }).update({ expires_at: grant.expires_at });
    // The officer added later never logged in: after 72 hours the one-time password is refused.
    const m = state.manager as Agent;
    const page = await m.get('/khai-thac/');
    await m
      .post('/khai-thac/can-bo')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), full_name: 'Đỗ Văn Muộn', position: 'Chuyên viên', email: 'muon@vien-thu.vn' });
    const request = await k('access_requests').where({ kind: 'add_officer', status: 'pending' }).first();
    const list = await lead.get('/quan-tri/dang-ky-khai-thac');
    const approved = await lead
      .post(`/quan-tri/yeu-cau-khai-thac/${request.id}/duyet`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text) });
    const [acc] = handoverAccounts(approved.text);
    t.clock.advance(73 * 3_600_000);
    const a = agent(t);
    const token = await formToken(a, '/dang-nhap');
    const late = await a.post('/dang-nhap').type('form').send({ _csrf: token, username: acc?.username, password: acc?.password });
    expect(late.status).not.toBe(303);
    const audit = await k('audit_events').where({ action: 'login', outcome: 'failure' }).orderBy('id', 'desc').first();
    expect(audit.details).toMatchObject({ reason: 'expired' });
  });
});

describe('refusal and rate limit', () => {
  it('ngo_lead refuses with a written reason; the applicant sees it', async () => {
    // The clock moved past the absolute session timeout above: a fresh sign-in.
    const lead = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
    const a = agent(t);
    const csrf = await formToken(a, '/dang-ky-khai-thac');
    const res = await a
      .post('/dang-ky-khai-thac')
      .type('form')
      .send(registrationBody(csrf, { name: 'Công ty Bị Từ Chối' }));
    const reference = /id="so-phieu">([^<]+)</.exec(res.text)?.[1];
    const token = /id="ma-tra-cuu">([^<]+)</.exec(res.text)?.[1];
    const row = await t.db.knex('access_registrations').where({ reference }).first();
    const detail = await lead.get(`/quan-tri/dang-ky-khai-thac/${row.id}`);
    const empty = await lead
      .post(`/quan-tri/dang-ky-khai-thac/${row.id}/tu-choi`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), reason: ' ' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Hãy nhập lý do');
    const ok = await lead
      .post(`/quan-tri/dang-ky-khai-thac/${row.id}/tu-choi`)
      .type('form')
      .send({ _csrf: csrfFrom(detail.text), reason: 'Mục đích không phù hợp' });
    expect(ok.status).toBe(303);
    const statusToken = await formToken(a, `/dang-ky-khai-thac/${reference}`);
    const status = await a.post(`/dang-ky-khai-thac/${reference}`).type('form').send({ _csrf: statusToken, token });
    expect(status.text).toContain('Không chấp thuận');
    expect(status.text).toContain('Mục đích không phù hợp');
    expect(await t.db.knex('organisations').where({ name: 'Công ty Bị Từ Chối' }).first()).toBeUndefined();
  });

  it('extra fields are ignored (check 14) and stored text renders escaped (check 15)', async () => {
    const lead = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
    const a = agent(t);
    const csrf = await formToken(a, '/dang-ky-khai-thac');
    const xss = '<script>alert("dk")</script> Viện';
    const res = await a
      .post('/dang-ky-khai-thac')
      .type('form')
      .send(registrationBody(csrf, { name: xss, status: 'approved', organisation_id: '1', decided_by: '1', reference: 'DK-0000-000001' }));
    expect(res.status).toBe(201);
    const row = await t.db.knex('access_registrations').where({ name: xss }).first();
    expect(row).toMatchObject({ status: 'pending', organisation_id: null, decided_by: null });
    expect(row.reference).not.toBe('DK-0000-000001');
    for (const url of ['/quan-tri/dang-ky-khai-thac', `/quan-tri/dang-ky-khai-thac/${row.id}`]) {
      const page = await lead.get(url);
      expect(page.text, url).not.toContain('<script>alert("dk")');
      expect(page.text, url).toContain('&lt;script&gt;');
    }
  });

  it('concurrent approvals of one registration: one succeeds, the others get 409, one organisation (cf. check 32)', async () => {
    const lead = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
    const a = agent(t);
    const csrf = await formToken(a, '/dang-ky-khai-thac');
    await a
      .post('/dang-ky-khai-thac')
      .type('form')
      .send(registrationBody(csrf, { name: 'Tổ chức Duyệt Đồng Thời' }));
    const row = await t.db.knex('access_registrations').where({ name: 'Tổ chức Duyệt Đồng Thời' }).first();
    const detail = await lead.get(`/quan-tri/dang-ky-khai-thac/${row.id}`);
    const body = { _csrf: csrfFrom(detail.text), 'cat.a': '1', expires_on: `31/12/${nextYear()}` };
    const results = await Promise.all(
      Array.from({ length: 6 }, () => lead.post(`/quan-tri/dang-ky-khai-thac/${row.id}/duyet`).type('form').send(body)),
    );
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409, 409, 409]);
    const orgs = await t.db.knex('organisations').where({ name: 'Tổ chức Duyệt Đồng Thời' });
    expect(orgs).toHaveLength(1);
    const approvals = await t.db
      .knex('audit_events')
      .where({ action: 'access_registration.approve', target_id: String(row.id) })
      .count<{ n: string }[]>('* as n')
      .first();
    expect(Number(approvals?.n)).toBe(1);
  });

  it('the public form is rate limited per IP (429)', async () => {
    const limited = await buildTestApp({ ACCESS_REGISTRATION_RATE_LIMIT: '2' });
    try {
      const a = agent(limited);
      const token = await formToken(a, '/dang-ky-khai-thac');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await a.post('/dang-ky-khai-thac').type('form').send({ _csrf: token })).status);
      expect(statuses).toEqual([400, 400, 429]);
    } finally {
      await limited.db.destroy();
    }
  });
});

describe('demo data', () => {
  it('links org.manager and exploiter to a demo organisation with the grant SPEC §6 names (a, b, c, e, l); idempotent', async () => {
    const k = t.db.knex;
    const manager = await createUser(k, ['org_manager'], { username: 'org.manager' });
    const officer = await createUser(k, ['exploiter'], { username: 'exploiter' });
    await seedDemoAccess(k, t.clock.now());
    await seedDemoAccess(k, t.clock.now());
    const orgs = await k('organisations').where({ name: DEMO_ORGANISATION });
    expect(orgs).toHaveLength(1);
    const grants = await k('access_grants').where({ organisation_id: orgs[0].id });
    expect(grants.map((g) => g.categories)).toEqual([['a', 'b', 'c', 'e', 'l']]);
    for (const u of [manager, officer]) expect((await k('users').where({ id: u.id }).first()).organisation_id).toBe(orgs[0].id);
    const a = await loggedInAgent(t, officer);
    for (const c of ['b', 'c', 'e', 'l']) expect((await a.get(`/bao-cao/${c}`)).status, c).toBe(200);
    for (const c of CATEGORY_KEYS.filter((key) => !['a', 'b', 'c', 'e', 'l'].includes(key))) {
      expect((await a.get(`/bao-cao/${c}`)).status, c).toBe(403);
    }
    // The organisation's manager sees its account, not the reports (SPEC §1).
    const m = await loggedInAgent(t, manager);
    expect((await m.get('/khai-thac/')).status).toBe(200);
    expect((await m.get('/bao-cao/e')).status).toBe(403);
  });
});

describe('the exploitation log entry point (R-16, fees hook R-8.7)', () => {
  it('calls the export hook inside the log row transaction; a failing hook leaves no row; staff reads are not logged', async () => {
    const k = t.db.knex;
    const seen: RecordedExport[] = [];
    const make = (fail: boolean) =>
      createExploitationLogService({
        db: k,
        repo: createExploitationLogRepository(k),
        audit: t.services.audit,
        clock: t.clock,
        onExport: async (trx, e) => {
          seen.push(e);
          // Visible inside the same transaction.
          expect(await trx('exploitation_log').where({ user_id: e.userId, category: 'zz-test' }).first()).toBeDefined();
          if (fail) throw new Error('ledger write failed');
        },
      });
    const org = await anOrganisation({ name: 'Tổ chức kiểm thử nhật ký' }).insert(k);
    const user = await createUser(k, ['exploiter']);
    const entry = {
      user: { id: user.id, roles: ['exploiter'], organisationId: org.id },
      category: 'zz-test',
      filters: {},
      rows: 1200,
      associationCodes: [codes.yhoc as string],
    };
    expect(await make(false).record({ ...entry, format: 'csv' })).toBe(true);
    expect(await make(false).record({ ...entry, format: 'html' })).toBe(true);
    expect(seen.map((e) => e.format)).toEqual(['csv']);
    await expect(make(true).record({ ...entry, format: 'xlsx' })).rejects.toThrow('ledger write failed');
    const rows = await k('exploitation_log').where({ user_id: user.id }).orderBy('id');
    expect(rows.map((r) => r.format)).toEqual(['csv', 'html']);
    expect(rows[0].association_ids).toEqual([ids.yhoc]);
    expect(await make(false).record({ ...entry, user: { id: user.id, roles: ['ngo_staff'], organisationId: null }, format: 'csv' })).toBe(
      false,
    );
  });
});
