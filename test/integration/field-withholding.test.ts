/**
 * Withholding a public field of one association (issue 16 item 1, as the ACNC withholds on request; names
 * what the public sees). Staff withhold a field with a reason and an optional last day; while in force the field is
 * left out of the public record page, the public list, the open data (CSV and JSON) and an exploiter's report a
 * and custom list n; the staff record page says what is withheld, why and until when; the audit log and the history
 * record it.
 */
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPublicRepository } from '../../src/features/public/public.repository.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anOrganisation } from '../helpers/builders.js';
import { parseCsv } from '../helpers/csv.js';
import { formFields, VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, agent, createAssociationViaForm, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let exploiter: Agent;
let staffUser: TestUser;
let exploiterUser: TestUser;

const PHONE = '0243 771 9955';
const WITHHOLD = (code: string) => `/quan-tri/hoi/${code}/khong-cong-khai`;

async function newPublishedRecord(name: string, extra: Record<string, string> = {}): Promise<string> {
  const res = await createAssociationViaForm(staff, { ...VALID_STAFF_FORM, name, phone: PHONE, ...extra });
  expect(res.status, res.text.slice(0, 1500)).toBe(303);
  const code = String(res.headers.location).split('/').pop() as string;
  const page = await staff.get(`/quan-tri/hoi/${code}`);
  expect(page.status).toBe(200);
  const form = formFields(page.text, `/quan-tri/hoi/${code}/cong-khai`);
  expect((await staff.post(`/quan-tri/hoi/${code}/cong-khai`).type('form').send(form)).status).toBe(303);
  return code;
}

/** Sends the staff record page's withholding form (the one with a reason field) with these values. */
async function withhold(a: Agent, code: string, values: Record<string, string>) {
  const page = await staff.get(`/quan-tri/hoi/${code}`);
  expect(page.text).toContain(`action="${WITHHOLD(code)}"`);
  const form = formFields(page.text, WITHHOLD(code));
  return a
    .post(WITHHOLD(code))
    .type('form')
    .send({ _csrf: form._csrf, version: form.version, ...values });
}

async function publicViews(code: string) {
  const anon = request(t.app);
  const [page, list, csv, json] = await Promise.all([
    anon.get(`/hoi/${code}`),
    anon.get(`/hoi?q=${encodeURIComponent(code)}`),
    anon.get(`/du-lieu-mo/hoi.csv?q=${encodeURIComponent(code)}`),
    anon.get(`/du-lieu-mo/hoi.json?q=${encodeURIComponent(code)}`),
  ]);
  for (const r of [page, list, csv, json]) expect(r.status).toBe(200);
  const record = (JSON.parse(json.text) as { data: Array<Record<string, unknown>> }).data.find((d) => d.code === code);
  expect(record).toBeDefined();
  return { page: page.text, csv: csv.text, json: record as Record<string, unknown> };
}

beforeAll(async () => {
  // The anonymous pages' cache on: a withholding must drop the cached record page.
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000', PUBLIC_PAGE_CACHE_MB: '4' });
  staffUser = await createUser(t.db.knex, ['ngo_staff']);
  const org = await anOrganisation()
    .withGrant({ categories: ['a', 'b', 'l', 'n'] })
    .insert(t.db.knex);
  exploiterUser = await createUser(t.db.knex, ['exploiter']);
  await t.db.knex('users').where({ id: exploiterUser.id }).update({ organisation_id: org.id });
});
/** Signed in afresh: a test moves the clock by days, past a session's life. */
async function signIn() {
  staff = await loggedInAgent(t, staffUser);
  exploiter = await loggedInAgent(t, exploiterUser);
}
beforeEach(signIn);
afterAll(() => t.db.destroy());

describe('withholding a public field', () => {
  it('leaves the field out of the public page, open data and an exploiter report a, shows staff why, audits and versions it', async () => {
    const code = await newPublishedRecord('Hội Giữ kín số điện thoại');
    await publicViews(code); // the page is cached from its second request on
    const before = await publicViews(code);
    expect(before.page).toContain(PHONE);
    expect(before.csv).toContain(PHONE);
    expect(before.json.phone).toBe(PHONE);
    const reportBefore = await exploiter.get(`/bao-cao/a?ma=${code}&format=csv`);
    expect(reportBefore.status).toBe(200);
    expect(reportBefore.text).toContain(PHONE);
    const CUSTOM = '/bao-cao/n?cot.code=1&cot.name=1&cot.phone=1&format=csv';
    expect((await exploiter.get(CUSTOM)).text).toContain(PHONE);

    const res = await withhold(staff, code, { field: 'phone', reason: 'Hội đề nghị vì bị quấy rối qua điện thoại', until: '' });
    expect(res.status, res.text.slice(0, 1500)).toBe(303);

    const after = await publicViews(code);
    expect(after.page).not.toContain(PHONE);
    expect(after.page).toContain('Hội Giữ kín số điện thoại');
    expect(after.csv).not.toContain(PHONE);
    expect(after.json.phone).toBeNull();
    for (const url of [`/bao-cao/a?ma=${code}&format=csv`, '/bao-cao/a?format=csv', `/bao-cao/a?ma=${code}`, CUSTOM]) {
      const r = await exploiter.get(url);
      expect(r.status, url).toBe(200);
      expect(r.text, url).not.toContain(PHONE);
    }
    // The ministry's own readers still see it.
    expect((await staff.get(`/bao-cao/a?ma=${code}&format=csv`)).text).toContain(PHONE);
    expect((await staff.get(CUSTOM)).text).toContain(PHONE);

    const staffPage = await staff.get(`/quan-tri/hoi/${code}`);
    expect(staffPage.text).toContain('Trường không công khai');
    expect(staffPage.text).toContain('Hội đề nghị vì bị quấy rối qua điện thoại');
    expect(staffPage.text).toContain('Đến khi công khai lại');

    const audit = await t.db.knex('audit_events').where({ action: 'association.withhold_field', target_id: code });
    expect(audit).toHaveLength(1);
    const history = await staff.get(`/quan-tri/hoi/${code}/lich-su`);
    expect(history.text).toContain('Hội đề nghị vì bị quấy rối qua điện thoại');

    // Lifted: public again, audited.
    const page = await staff.get(`/quan-tri/hoi/${code}`);
    const lift = formFields(page.text, WITHHOLD(code));
    const released = await staff
      .post(WITHHOLD(code))
      .type('form')
      .send({ _csrf: lift._csrf, version: lift.version, field: 'phone', bo: '1' });
    expect(released.status).toBe(303);
    expect((await publicViews(code)).page).toContain(PHONE);
    expect(await t.db.knex('audit_events').where({ action: 'association.release_field', target_id: code })).toHaveLength(1);
  });

  it('shows the field again once its last day has passed (Vietnamese calendar, app clock)', async () => {
    const code = await newPublishedRecord('Hội Giữ kín có thời hạn');
    t.clock.set(new Date('2027-03-10T10:00:00+07:00'));
    await signIn();
    const res = await withhold(staff, code, { field: 'phone', reason: 'Tạm thời trong thời gian chuyển trụ sở', until: '2027-03-12' });
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    expect((await publicViews(code)).json.phone).toBeNull();
    expect((await staff.get(`/quan-tri/hoi/${code}`)).text).toContain('Đến hết ngày 12/03/2027');
    // The last day itself, late evening in Việt Nam: still withheld.
    t.clock.set(new Date('2027-03-12T23:30:00+07:00'));
    await signIn();
    expect((await publicViews(code)).json.phone).toBeNull();
    // The next day: shown again, without any write.
    t.clock.set(new Date('2027-03-13T00:30:00+07:00'));
    await signIn();
    const after = await publicViews(code);
    expect(after.json.phone).toBe(PHONE);
    expect(after.csv).toContain(PHONE);
    expect((await exploiter.get(`/bao-cao/a?ma=${code}&format=csv`)).text).toContain(PHONE);
    expect((await staff.get(`/quan-tri/hoi/${code}`)).text).toContain('Đã hết hạn');
  });

  it('leaves a withheld field out of the lists of reports b and l for an exploiter, not for the ministry', async () => {
    const code = await newPublishedRecord('Hội Giữ kín trụ sở');
    const res = await withhold(staff, code, { field: 'hq_province_code', reason: 'Hội đề nghị vì lý do an toàn', until: '' });
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    // The CSV holds the summary, then the list: the list's header is the row beginning "Mã hội".
    const provinceOf = (csv: string) => {
      const rows = parseCsv(csv);
      const header = rows.find((r) => r[0] === 'Mã hội') ?? [];
      const row = rows.find((r) => r[0] === code);
      expect(row, csv.slice(0, 1500)).toBeDefined();
      return (row as string[])[header.findIndex((h) => h.startsWith('Trụ sở chính: tỉnh'))];
    };
    for (const url of [`/bao-cao/b?linh-vuc=${VALID_STAFF_FORM.main_field_code}`, `/bao-cao/l?tinh-chat=${VALID_STAFF_FORM.nature_code}`]) {
      const mine = await exploiter.get(`${url}&format=csv&sap-xep=ma-hoi`);
      expect(mine.status, url).toBe(200);
      expect(provinceOf(mine.text), url).toBe('');
      const ministry = await staff.get(`${url}&format=csv&sap-xep=ma-hoi`);
      expect(provinceOf(ministry.text), url).toBe('Thành phố Hà Nội');
    }
  });

  it('keeps a withheld abbreviation, field or province out of the public search and its filters, in the index and in SQL, until its last day', async () => {
    const code = await newPublishedRecord('Hội Tìm kiếm giữ kín', { abbreviation: 'HTKGKX' });
    const codesOf = async (query: string) => {
      const r = await request(t.app).get(`/du-lieu-mo/hoi.json?${query}`);
      expect(r.status, query).toBe(200);
      return (JSON.parse(r.text) as { data: Array<{ code: string }> }).data.map((d) => d.code);
    };
    const sqlCodes = async (filters: Record<string, string>, day: string) =>
      (await createPublicRepository(t.db.knex, () => day).list(filters, filters.q ? 'phu-hop' : 'ten', 1, 50)).rows.map((r) => r.code);
    const province = String(VALID_STAFF_FORM.hq_province_code);
    const field = String(VALID_STAFF_FORM.main_field_code);
    const queries: Record<string, Record<string, string>> = {
      abbreviation: { q: 'HTKGKX' },
      province: { q: 'Tìm kiếm giữ kín', tinh: province },
      field: { q: 'Tìm kiếm giữ kín', 'linh-vuc': field },
    };
    const sqlFilters: Record<string, Record<string, string>> = {
      abbreviation: { q: 'HTKGKX' },
      province: { q: 'Tìm kiếm giữ kín', province },
      field: { q: 'Tìm kiếm giữ kín', field },
    };
    for (const [k, q] of Object.entries(queries)) expect(await codesOf(new URLSearchParams(q).toString()), k).toContain(code);

    t.clock.set(new Date('2027-05-10T10:00:00+07:00'));
    await signIn();
    for (const withheld of ['abbreviation', 'hq_province_code', 'main_field_code']) {
      const res = await withhold(staff, code, { field: withheld, reason: 'Hội đề nghị vì lý do an toàn', until: '2027-05-11' });
      expect(res.status, res.text.slice(0, 1500)).toBe(303);
    }
    for (const [k, q] of Object.entries(queries)) expect(await codesOf(new URLSearchParams(q).toString()), k).not.toContain(code);
    for (const [k, f] of Object.entries(sqlFilters)) expect(await sqlCodes(f, '2027-05-11'), k).not.toContain(code);
    // Found by its name without filters: only what is withheld stops matching.
    expect(await codesOf('q=T%C3%ACm+ki%E1%BA%BFm+gi%E1%BB%AF+k%C3%ADn')).toContain(code);

    // The day after the last day: found again, with no write (the index reads the record again on the new day).
    t.clock.set(new Date('2027-05-12T00:30:00+07:00'));
    await signIn();
    for (const [k, q] of Object.entries(queries)) expect(await codesOf(new URLSearchParams(q).toString()), k).toContain(code);
    for (const [k, f] of Object.entries(sqlFilters)) expect(await sqlCodes(f, '2027-05-12'), k).toContain(code);
  });

  it('refuses a missing reason (400, message next to the field, values kept, nothing saved) and a past end date', async () => {
    const code = await newPublishedRecord('Hội Thiếu lý do');
    const res = await withhold(staff, code, { field: 'email', reason: '  ', until: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Nhập lý do không công khai trường này.');
    expect(res.text).toMatch(/<option value="email" selected>/);
    const past = await withhold(staff, code, { field: 'phone', reason: 'Lý do', until: '2000-01-01' });
    expect(past.status).toBe(400);
    expect(past.text).toContain('Ngày kết thúc không được trước hôm nay.');
    const id = (await t.db.knex('associations').where({ code }).first('id')).id;
    expect(await t.db.knex('field_withholdings').where({ association_id: id })).toHaveLength(0);
    expect((await publicViews(code)).page).toContain(PHONE);
  });

  it('only ngo staff may withhold: other roles and anonymous visitors are refused; the CSRF token is required', async () => {
    const code = await newPublishedRecord('Hội Quyền giữ kín');
    const page = await staff.get(`/quan-tri/hoi/${code}`);
    const form = formFields(page.text, WITHHOLD(code));
    const body = { version: form.version, field: 'phone', reason: 'Thử quyền' };
    for (const role of ['leader', 'exploiter', 'association', 'it_admin'] as const) {
      const a = await loggedInAgent(t, await createUser(t.db.knex, [role]));
      const home = await a.get('/');
      const res = await a
        .post(WITHHOLD(code))
        .type('form')
        .send({ ...body, _csrf: csrfFrom(home.text) });
      expect(res.status, role).toBe(403);
    }
    const anon = agent(t);
    const anonRes = await anon.post(WITHHOLD(code)).type('form').send(body);
    expect([302, 303, 403]).toContain(anonRes.status);
    const noCsrf = await staff.post(WITHHOLD(code)).type('form').send(body);
    expect(noCsrf.status).toBe(403);
    const id = (await t.db.knex('associations').where({ code }).first('id')).id;
    expect(await t.db.knex('field_withholdings').where({ association_id: id })).toHaveLength(0);
  });
});
