/**
 * Violations: staff record a violation against an organisation or a user with evidence (text and an
 * optional file under the documents rules); the lead's action takes effect at once — suspension writes
 * suspended_until, revocation writes organisations.access_revoked_at or users.disabled_at — and the sessions of the
 * users concerned end, so their next request to a signed-in page is refused; signed in again, an exploiter of the
 * suspended organisation gets 403 on the reports its grant covers (the access check reads the columns per request).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anOrganisation } from '../helpers/builders.js';
import { type Agent, agent, csrfFrom, csrfToken, loggedInAgent, login } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const PDF = readFileSync(path.join(import.meta.dirname, '../fixtures/documents/sample.pdf'));

function multipartToken(html: string): string {
  const m = /action="\/quan-tri\/vi-pham\/moi\?_csrf=([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no multipart form');
  return m[1];
}

/** Today in Viet Nam shifted by `days`, as dd/mm/yyyy. */
function vnDate(now: Date, days: number): string {
  const d = new Date(now.getTime() + 7 * 3600_000 + days * 86_400_000);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

describe('violations (R-8.10)', () => {
  let t: TestContext;
  let staff: TestUser;
  let lead: TestUser;
  let manager: TestUser;
  let officer: TestUser;
  let other: TestUser;
  let orgA: number;
  let staffAgent: Agent;
  let leadAgent: Agent;

  beforeAll(async () => {
    t = await buildTestApp();
    staff = await createUser(t.db.knex, ['ngo_staff']);
    lead = await createUser(t.db.knex, ['ngo_lead']);
    // A current grant of report a, so that only the violation's action can cut the officer's access.
    orgA = (
      await anOrganisation({ name: 'Công ty Phân tích Dữ liệu A' })
        .withGrant({ categories: ['a'] })
        .insert(t.db.knex)
    ).id;
    manager = await createUser(t.db.knex, ['org_manager']);
    officer = await createUser(t.db.knex, ['exploiter']);
    other = await createUser(t.db.knex, ['exploiter']);
    await t.db.knex('users').whereIn('id', [manager.id, officer.id]).update({ organisation_id: orgA });
    staffAgent = await loggedInAgent(t, staff);
    leadAgent = await loggedInAgent(t, lead);
  });
  afterAll(async () => {
    await t.db.destroy();
  });

  async function record(a: Agent, fields: Record<string, string>, file?: { name: string; data: Buffer }) {
    const page = await a.get('/quan-tri/vi-pham/moi');
    expect(page.status).toBe(200);
    const req = a.post(`/quan-tri/vi-pham/moi?_csrf=${multipartToken(page.text)}`);
    for (const [k, v] of Object.entries(fields)) req.field(k, v);
    if (file) req.attach('evidence_file', file.data, file.name);
    return req;
  }

  it('refuses bad input with messages next to the fields and the values kept', async () => {
    const res = await record(staffAgent, {
      classification: 'khong_mat',
      target_type: 'user',
      username: '',
      description: '',
      occurred_on: '30/02/2026',
      evidence: 'Nhật ký <script>',
      reporter: 'Sở Nội vụ',
    });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Lỗi: ');
    expect(res.text).toContain('Hãy nhập nội dung vi phạm.');
    expect(res.text).toContain('Ngày xảy ra vi phạm phải là một ngày có thật');
    expect(res.text).toContain('Nhật ký &lt;script&gt;');

    const future = await record(staffAgent, {
      classification: 'khong_mat',
      target_type: 'organisation',
      organisation_id: String(orgA),
      description: 'Chia sẻ tài khoản',
      occurred_on: vnDate(t.clock.now(), 3),
      reporter: 'Sở Nội vụ',
    });
    expect(future.status).toBe(400);
    expect(future.text).toContain('Ngày xảy ra vi phạm không được sau ngày hôm nay.');
    expect(future.text).toContain('Chia sẻ tài khoản');

    const staffTarget = await record(staffAgent, {
      classification: 'khong_mat',
      target_type: 'user',
      username: lead.username,
      description: 'x',
      occurred_on: vnDate(t.clock.now(), 0),
      reporter: 'y',
    });
    expect(staffTarget.status).toBe(400);
    expect(staffTarget.text).toContain('Chỉ ghi vi phạm đối với tài khoản khai thác dữ liệu');

    const wrongFile = await record(
      staffAgent,
      {
        classification: 'khong_mat',
        target_type: 'organisation',
        organisation_id: String(orgA),
        description: 'x',
        occurred_on: vnDate(t.clock.now(), 0),
        reporter: 'y',
      },
      { name: 'bien-ban.pdf', data: Buffer.from('<html><script>alert(1)</script></html>') },
    );
    expect(wrongFile.status).toBe(400);
    expect(wrongFile.text).toContain('Tệp không thuộc định dạng được phép');
    expect(await t.db.knex('violations').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  let orgViolation: number;

  it('staff record a violation against an organisation with an evidence file; the lead is told', async () => {
    const res = await record(
      staffAgent,
      {
        classification: 'khong_mat',
        target_type: 'organisation',
        organisation_id: String(orgA),
        description: 'Cung cấp dữ liệu khai thác cho bên thứ ba',
        occurred_on: vnDate(t.clock.now(), -2),
        evidence: 'Công văn phản ánh số 15/SNV',
        reporter: 'Sở Nội vụ Hà Nội',
      },
      { name: 'Biên bản.pdf', data: PDF },
    );
    expect(res.status).toBe(303);
    orgViolation = Number(/\/quan-tri\/vi-pham\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    const row = await t.db.knex('violations').where({ id: orgViolation }).first();
    expect(row).toMatchObject({
      target_type: 'organisation',
      organisation_id: orgA,
      user_id: null,
      created_by: staff.id,
      evidence_original_name: 'Biên bản.pdf',
      evidence_mime_type: 'application/pdf',
    });
    expect(
      await t.db
        .knex('audit_events')
        .where({ action: 'violation.record', target_id: String(orgViolation) })
        .count({ n: '*' })
        .first(),
    ).toEqual({ n: 1 });
    expect(await t.db.knex('notifications').where({ user_id: lead.id, kind: 'violation.recorded' }).count({ n: '*' }).first()).toEqual({
      n: 1,
    });

    const page = await staffAgent.get(`/quan-tri/vi-pham/${orgViolation}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Công ty Phân tích Dữ liệu A');
    expect(page.text).toContain('id="chua-xu-ly"');
    // Staff do not see the decision form; the lead does.
    expect(page.text).not.toContain(`/quan-tri/vi-pham/${orgViolation}/xu-ly`);
    expect((await leadAgent.get(`/quan-tri/vi-pham/${orgViolation}`)).text).toContain(`/quan-tri/vi-pham/${orgViolation}/xu-ly`);

    const file = await staffAgent.get(`/quan-tri/vi-pham/${orgViolation}/chung-cu`).buffer(true);
    expect(file.status).toBe(200);
    expect(file.headers['content-type']).toBe('application/pdf');
    expect(Buffer.compare(file.body as Buffer, PDF)).toBe(0);
    expect((await staffAgent.get('/quan-tri/vi-pham/999999')).status).toBe(404);
    expect((await staffAgent.get('/quan-tri/vi-pham/999999/chung-cu')).status).toBe(404);

    const list = await staffAgent.get('/quan-tri/vi-pham?q=b%C3%AAn%20th%E1%BB%A9%20ba');
    expect(list.text).toContain(`Vi phạm số ${orgViolation}`);
    expect((await staffAgent.get('/quan-tri/vi-pham?q=kh%C3%B4ng-c%C3%B3-g%C3%AC')).text).not.toContain(`Vi phạm số ${orgViolation}`);
  });

  it('a suspension of the organisation takes effect at once: columns set, sessions ended, manager told', async () => {
    const officerAgent = await loggedInAgent(t, officer);
    expect((await officerAgent.get('/khai-thac/')).status).toBe(200);
    expect((await officerAgent.get('/bao-cao/a')).status).toBe(200);

    const page = await leadAgent.get(`/quan-tri/vi-pham/${orgViolation}`);
    // Staff cannot decide; a suspension needs its date.
    const staffTry = await staffAgent
      .post(`/quan-tri/vi-pham/${orgViolation}/xu-ly`)
      .type('form')
      .send({ _csrf: await csrfToken(staffAgent, '/tai-khoan/doi-mat-khau'), action: 'revocation', note: 'x' });
    expect(staffTry.status).toBe(403);
    const noDate = await leadAgent
      .post(`/quan-tri/vi-pham/${orgViolation}/xu-ly`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'suspension', until: '', note: 'Quyết định 5/QĐ-TCPCP' });
    expect(noDate.status).toBe(400);
    expect(noDate.text).toContain('Hãy nhập ngày hết tạm đình chỉ.');
    expect(noDate.text).toContain('Quyết định 5/QĐ-TCPCP');
    const past = await leadAgent
      .post(`/quan-tri/vi-pham/${orgViolation}/xu-ly`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'suspension', until: vnDate(t.clock.now(), -1), note: 'x' });
    expect(past.status).toBe(400);
    expect(past.text).toContain('Ngày hết tạm đình chỉ phải từ hôm nay trở đi.');
    expect((await t.db.knex('organisations').where({ id: orgA }).first()).suspended_until).toBeNull();

    const until = vnDate(t.clock.now(), 10);
    const ok = await leadAgent
      .post(`/quan-tri/vi-pham/${orgViolation}/xu-ly`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'suspension', until, note: 'Quyết định 5/QĐ-TCPCP' });
    expect(ok.status).toBe(303);
    const org = await t.db.knex('organisations').where({ id: orgA }).first();
    // Suspended to the end of the chosen day, Viet Nam time.
    const [d, m, y] = until.split('/');
    expect(new Date(org.suspended_until).toISOString()).toBe(
      new Date(new Date(`${y}-${m}-${d}T00:00:00+07:00`).getTime() + 86_400_000).toISOString(),
    );
    expect(org.access_revoked_at).toBeNull();

    // The officer's next request to a signed-in page is refused: the session has ended.
    const next = await officerAgent.get('/khai-thac/');
    expect(next.status).toBe(303);
    expect(next.headers.location).toBe('/dang-nhap?tiep=%2Fkhai-thac%2F');
    // Signed in again, the suspended organisation's officer reads nothing: report a (granted) is refused.
    const again = await loggedInAgent(t, officer);
    expect((await again.get('/bao-cao/a')).status).toBe(403);
    expect((await again.get('/bao-cao/a?format=csv')).status).toBe(403);
    expect(await t.db.knex('notifications').where({ user_id: manager.id, kind: 'violation.suspension' }).count({ n: '*' }).first()).toEqual(
      { n: 1 },
    );
    expect(await t.db.knex('notifications').where({ user_id: other.id }).count({ n: '*' }).first()).toEqual({ n: 0 });
    expect(
      await t.db
        .knex('audit_events')
        .where({ action: 'violation.suspension', target_id: String(orgA) })
        .count({ n: '*' })
        .first(),
    ).toEqual({ n: 1 });
    const detail = await leadAgent.get(`/quan-tri/vi-pham/${orgViolation}`);
    expect(detail.text).toContain('Tạm đình chỉ');
    expect(detail.text).toContain(until);
  });

  it('the lead lifts the suspension early; lifting again is a conflict', async () => {
    const page = await leadAgent.get(`/quan-tri/vi-pham/${orgViolation}`);
    const empty = await leadAgent
      .post(`/quan-tri/vi-pham/${orgViolation}/cham-dut-dinh-chi`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), note: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Hãy nhập lý do chấm dứt tạm đình chỉ.');
    const ok = await leadAgent
      .post(`/quan-tri/vi-pham/${orgViolation}/cham-dut-dinh-chi`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), note: 'Tổ chức đã khắc phục' });
    expect(ok.status).toBe(303);
    expect((await t.db.knex('organisations').where({ id: orgA }).first()).suspended_until).toBeNull();
    const again = await leadAgent
      .post(`/quan-tri/vi-pham/${orgViolation}/cham-dut-dinh-chi`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), note: 'lại' });
    expect(again.status).toBe(409);
    expect(again.text).toContain('Tổ chức này hiện không bị tạm đình chỉ.');
    expect(await t.db.knex('violation_actions').where({ violation_id: orgViolation }).pluck('action')).toEqual(['suspension', 'lift']);
  });

  it('revoking the organisation sets access_revoked_at and ends its sessions; a second revocation is refused', async () => {
    const managerAgent = await loggedInAgent(t, manager);
    const page = await leadAgent.get(`/quan-tri/vi-pham/${orgViolation}`);
    const res = await leadAgent
      .post(`/quan-tri/vi-pham/${orgViolation}/xu-ly`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'revocation', note: 'Quyết định 9/QĐ-TCPCP' });
    expect(res.status).toBe(303);
    expect((await t.db.knex('organisations').where({ id: orgA }).first()).access_revoked_at).not.toBeNull();
    expect((await managerAgent.get('/khai-thac/')).status).toBe(303);
    const again = await leadAgent
      .post(`/quan-tri/vi-pham/${orgViolation}/xu-ly`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'suspension', until: vnDate(t.clock.now(), 5), note: 'x' });
    expect(again.status).toBe(409);
  });

  it('a user: suspension sets users.suspended_until and ends sessions; revocation disables the account', async () => {
    const res = await record(leadAgent, {
      classification: 'khong_mat',
      target_type: 'user',
      username: other.username.toUpperCase(),
      description: 'Dùng chung tài khoản với người khác',
      occurred_on: vnDate(t.clock.now(), 0),
      reporter: 'Nhật ký khai thác',
    });
    expect(res.status).toBe(303);
    const id = Number(/(\d+)$/.exec(String(res.headers.location))?.[1]);
    expect(await t.db.knex('violations').where({ id }).first()).toMatchObject({
      target_type: 'user',
      user_id: other.id,
      organisation_id: null,
      evidence_storage_name: null,
    });

    const otherAgent = await loggedInAgent(t, other);
    const page = await leadAgent.get(`/quan-tri/vi-pham/${id}`);
    const warn = await leadAgent
      .post(`/quan-tri/vi-pham/${id}/xu-ly`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'warning', note: 'Nhắc nhở lần 1' });
    expect(warn.status).toBe(303);
    // A warning leaves access alone.
    expect((await otherAgent.get('/khai-thac/')).status).toBe(200);
    expect(await t.db.knex('notifications').where({ user_id: other.id, kind: 'violation.warning' }).count({ n: '*' }).first()).toEqual({
      n: 1,
    });

    const generation = (await t.db.knex('users').where({ id: other.id }).first()).session_generation;
    const susp = await leadAgent
      .post(`/quan-tri/vi-pham/${id}/xu-ly`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'suspension', until: vnDate(t.clock.now(), 0), note: 'Đình chỉ hết hôm nay' });
    expect(susp.status).toBe(303);
    const afterSusp = await t.db.knex('users').where({ id: other.id }).first();
    expect(afterSusp.suspended_until).not.toBeNull();
    expect(new Date(afterSusp.suspended_until).getTime()).toBeGreaterThan(t.clock.now().getTime());
    expect(afterSusp.session_generation).toBe(generation + 1);
    expect((await otherAgent.get('/khai-thac/')).status).toBe(303);
    // Nor can the suspended account sign in again before the date (generic message; the audit row says why).
    await expect(login(t, agent(t), other)).rejects.toThrow(/login failed/);
    const refused = await t.db.knex('audit_events').where({ action: 'login', outcome: 'failure' }).orderBy('id', 'desc').first();
    expect(refused.details).toMatchObject({ reason: 'suspended' });

    const rev = await leadAgent
      .post(`/quan-tri/vi-pham/${id}/xu-ly`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), action: 'revocation', note: 'Thu hồi' });
    expect(rev.status).toBe(303);
    expect((await t.db.knex('users').where({ id: other.id }).first()).disabled_at).not.toBeNull();
    // The account cannot sign in again.
    const fresh = agent(t);
    await expect(login(t, fresh, other)).rejects.toThrow(/login failed/);
    expect(await t.db.knex('violation_actions').where({ violation_id: id }).pluck('action')).toEqual([
      'warning',
      'suspension',
      'revocation',
    ]);
    const list = await staffAgent.get('/quan-tri/vi-pham?doi-tuong=user');
    expect(list.text).toContain(`Vi phạm số ${id}`);
    expect(list.text).not.toContain(`Vi phạm số ${orgViolation}<`);
  });

  it('a suspended account signs in again once the suspension has ended (R-8.10)', async () => {
    const u = await createUser(t.db.knex, ['association']);
    await t.db
      .knex('users')
      .where({ id: u.id })
      .update({ suspended_until: new Date(t.clock.now().getTime() + 3_600_000) });
    await expect(login(t, agent(t), u)).rejects.toThrow(/login failed/);
    t.clock.advance(2 * 3_600_000);
    const ok = await login(t, agent(t), u);
    expect(ok.status).toBe(303);
  });
});
