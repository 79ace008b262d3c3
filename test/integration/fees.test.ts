/**
 * Fees: the schedule is data (default: no fee), `chargeExport` finds the schedule in force on the export's
 * day for its category and writes a ledger row only for an amount above zero (per export, per started 1.000 rows),
 * the lead records contract fees by hand, and statements are scoped: staff by organisation id, an organisation's
 * manager only their own (RELIABILITY check 12).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anOrganisation } from '../helpers/builders.js';
import { type Agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const vn = (iso: string, time = '10:00') => new Date(`${iso}T${time}:00+07:00`);

describe('fees (R-8.7)', () => {
  let t: TestContext;
  let lead: TestUser;
  let staff: TestUser;
  let manager: TestUser;
  let otherManager: TestUser;
  let exploiter: TestUser;
  let orgA: number;
  let orgB: number;
  let leadAgent: Agent;
  let staffAgent: Agent;

  beforeAll(async () => {
    t = await buildTestApp();
    lead = await createUser(t.db.knex, ['ngo_lead']);
    staff = await createUser(t.db.knex, ['ngo_staff']);
    orgA = (await anOrganisation({ name: 'Viện Nghiên cứu Xã hội A' }).insert(t.db.knex)).id;
    orgB = (await anOrganisation({ name: 'Trung tâm Dữ liệu B' }).insert(t.db.knex)).id;
    manager = await createUser(t.db.knex, ['org_manager']);
    otherManager = await createUser(t.db.knex, ['org_manager']);
    exploiter = await createUser(t.db.knex, ['exploiter']);
    await t.db.knex('users').where({ id: manager.id }).update({ organisation_id: orgA });
    await t.db.knex('users').where({ id: exploiter.id }).update({ organisation_id: orgA });
    await t.db.knex('users').where({ id: otherManager.id }).update({ organisation_id: orgB });
    leadAgent = await loggedInAgent(t, lead);
    staffAgent = await loggedInAgent(t, staff);
  });
  afterAll(async () => {
    await t.db.destroy();
  });

  const charge = (category: string, rows: number, at: Date, organisationId = orgA) =>
    t.db.knex.transaction((trx) =>
      t.services.fees.chargeExport(trx, { organisationId, userId: exploiter.id, category, rows, format: 'xlsx', at }),
    );

  it('by default there is no fee: the page says so and an export writes no ledger row', async () => {
    const page = await staffAgent.get('/quan-tri/phi');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="khong-thu-phi"');
    // Staff read; only the lead edits.
    expect(page.text).not.toContain('href="/quan-tri/phi/moi"');
    expect(await charge('a', 5000, vn('2027-03-01'))).toBeNull();
    expect(await t.db.knex('fee_ledger').count({ n: '*' }).first()).toEqual({ n: 0 });
  });

  it('refuses a bad schedule with messages next to the fields and the values kept', async () => {
    const form = await leadAgent.get('/quan-tri/phi/moi');
    expect(form.status).toBe(200);
    const res = await leadAgent
      .post('/quan-tri/phi/moi')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        legal_basis: 'Thông tư thử <b>nghiệm</b>',
        valid_from: '31/02/2027',
        valid_to: '',
        unit: 'export',
        unit_price_vnd: 'năm mươi nghìn',
      });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Lỗi: ');
    expect(res.text).toContain('Ngày bắt đầu áp dụng phải là một ngày có thật');
    expect(res.text).toContain('Đơn giá phải là số nguyên đồng');
    expect(res.text).toContain('Hãy chọn ít nhất một loại thông tin áp dụng.');
    expect(res.text).toContain('Thông tư thử &lt;b&gt;nghiệm&lt;/b&gt;');
    expect(res.text).toContain('value="năm mươi nghìn"');

    const res2 = await leadAgent
      .post('/quan-tri/phi/moi')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        legal_basis: '',
        valid_from: '01/06/2027',
        valid_to: '01/01/2027',
        unit: 'per_row',
        unit_price_vnd: '1000',
        categories: ['a', 'zz'],
      });
    expect(res2.status).toBe(400);
    expect(res2.text).toContain('Hãy nhập căn cứ pháp lý.');
    expect(res2.text).toContain('Hãy chọn đơn vị tính phí.');
    expect(res2.text).toContain('Loại thông tin không có trong danh mục');
    const res3 = await leadAgent
      .post('/quan-tri/phi/moi')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        legal_basis: 'Thông tư',
        valid_from: '01/06/2027',
        valid_to: '01/01/2027',
        unit: 'export',
        unit_price_vnd: '1000',
        categories: 'a',
      });
    expect(res3.status).toBe(400);
    expect(res3.text).toContain('Ngày hết hiệu lực phải bằng hoặc sau ngày bắt đầu áp dụng.');
    expect(res3.text).toMatch(/name="categories"[^>]*value="a"\s*checked/);
    expect(await t.db.knex('fee_schedules').count({ n: '*' }).first()).toEqual({ n: 0 });

    // Staff may not write the schedule.
    const denied = await staffAgent
      .post('/quan-tri/phi/moi')
      .type('form')
      .send({ _csrf: csrfFrom((await staffAgent.get('/tai-khoan/doi-mat-khau')).text) });
    expect(denied.status).toBe(403);
  });

  it('charges per export within the validity dates and only for the categories listed', async () => {
    const form = await leadAgent.get('/quan-tri/phi/moi');
    const res = await leadAgent
      .post('/quan-tri/phi/moi')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        legal_basis: 'Thông tư số 01/2027/TT-BTC',
        valid_from: '01/01/2027',
        valid_to: '30/06/2027',
        unit: 'export',
        unit_price_vnd: '50.000',
        categories: ['a', 'b'],
        note: 'Phí xuất dữ liệu',
      });
    expect(res.status).toBe(303);
    const [schedule] = await t.db.knex('fee_schedules').select('*');
    expect(schedule).toMatchObject({
      unit: 'export',
      unit_price_vnd: 50000,
      categories: ['a', 'b'],
      valid_from: '2027-01-01',
      valid_to: '2027-06-30',
    });
    expect(await t.db.knex('audit_events').where({ action: 'fee_schedule.create' }).count({ n: '*' }).first()).toEqual({ n: 1 });

    const row = await charge('a', 12, vn('2027-03-15'));
    expect(row).toMatchObject({
      organisation_id: orgA,
      user_id: exploiter.id,
      kind: 'export',
      category: 'a',
      rows: 12,
      format: 'xlsx',
      amount_vnd: 50000,
      schedule_id: schedule.id,
      legal_basis: 'Thông tư số 01/2027/TT-BTC',
    });
    // Category not listed, day before the start, day after the end: no fee.
    expect(await charge('e', 12, vn('2027-03-15'))).toBeNull();
    expect(await charge('a', 12, vn('2026-12-31', '23:59'))).toBeNull();
    expect(await charge('b', 12, vn('2027-07-01', '00:00'))).toBeNull();
    // The last valid day counts in Viet Nam time (23:30 on 30/06 is 16:30 UTC the same day).
    expect((await charge('b', 1, vn('2027-06-30', '23:30')))?.amount_vnd).toBe(50000);
    // 00:30 on 01/01/2027 in Viet Nam is still 31/12/2026 in UTC: the Vietnamese day decides.
    expect((await charge('a', 1, vn('2027-01-01', '00:30')))?.amount_vnd).toBe(50000);
  });

  it('charges per started 1.000 rows; a zero price charges nothing; a newer schedule replaces an older one', async () => {
    await t.services.fees.createSchedule(
      { userId: lead.id, username: lead.username, roles: ['ngo_lead'], ip: null, requestId: null },
      {
        legal_basis: 'Quyết định phí theo dòng',
        valid_from: '2027-01-01',
        valid_to: null,
        unit: 'rows_1000',
        unit_price_vnd: 20000,
        categories: ['d', 'dd'],
        note: '',
      },
    );
    expect((await charge('d', 1, vn('2027-02-01')))?.amount_vnd).toBe(20000);
    expect((await charge('d', 1000, vn('2027-02-01')))?.amount_vnd).toBe(20000);
    expect((await charge('dd', 1001, vn('2027-02-01')))?.amount_vnd).toBe(40000);
    expect((await charge('d', 25_500, vn('2027-02-01')))?.amount_vnd).toBe(26 * 20000);
    expect(await charge('d', 0, vn('2027-02-01'))).toBeNull();

    // From 01/05/2027 the same categories are free (price 0 with a note): no ledger row.
    await t.services.fees.createSchedule(
      { userId: lead.id, username: lead.username, roles: ['ngo_lead'], ip: null, requestId: null },
      {
        legal_basis: 'Quyết định miễn phí',
        valid_from: '2027-05-01',
        valid_to: null,
        unit: 'rows_1000',
        unit_price_vnd: 0,
        categories: ['d'],
        note: 'Miễn phí cho cơ quan nhà nước',
      },
    );
    const before = Number((await t.db.knex('fee_ledger').count({ n: '*' }).first())?.n);
    expect(await charge('d', 5000, vn('2027-05-02'))).toBeNull();
    expect((await charge('dd', 5000, vn('2027-05-02')))?.amount_vnd).toBe(100000);
    expect(Number((await t.db.knex('fee_ledger').count({ n: '*' }).first())?.n)).toBe(before + 1);
  });

  it('edits a schedule with its version; a stale version is a conflict', async () => {
    const [schedule] = await t.db.knex('fee_schedules').where({ unit: 'export' }).select('id', 'version');
    const form = await leadAgent.get(`/quan-tri/phi/${schedule.id}/sua`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="01/01/2027"');
    const body = {
      _csrf: csrfFrom(form.text),
      version: String(schedule.version),
      legal_basis: 'Thông tư số 01/2027/TT-BTC (sửa đổi)',
      valid_from: '01/01/2027',
      valid_to: '30/06/2027',
      unit: 'export',
      unit_price_vnd: '60000',
      categories: ['a', 'b'],
    };
    expect((await leadAgent.post(`/quan-tri/phi/${schedule.id}/sua`).type('form').send(body)).status).toBe(303);
    expect((await leadAgent.post(`/quan-tri/phi/${schedule.id}/sua`).type('form').send(body)).status).toBe(409);
    expect((await charge('a', 1, vn('2027-04-01')))?.amount_vnd).toBe(60000);
    // Already charged rows keep their amount and legal basis snapshot.
    expect(await t.db.knex('fee_ledger').where({ schedule_id: schedule.id, amount_vnd: 50000 }).count({ n: '*' }).first()).toEqual({
      n: 3,
    });
    expect((await leadAgent.get('/quan-tri/phi/999999/sua')).status).toBe(404);
  });

  it('records a contract fee by hand, with validation messages and values kept', async () => {
    const form = await leadAgent.get('/quan-tri/phi/hop-dong/moi');
    expect(form.status).toBe(200);
    const bad = await leadAgent
      .post('/quan-tri/phi/hop-dong/moi')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        organisation_id: '',
        description: 'Hợp đồng 12/2027',
        amount_vnd: '0',
        legal_basis: '',
      });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Hãy chọn tổ chức khai thác.');
    expect(bad.text).toContain('Số tiền phải là số nguyên đồng từ 1');
    expect(bad.text).toContain('value="Hợp đồng 12/2027"');
    const noBasis = await leadAgent
      .post('/quan-tri/phi/hop-dong/moi')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        organisation_id: String(orgB),
        description: 'Hợp đồng 12/2027',
        amount_vnd: '2.000.000',
      });
    expect(noBasis.status).toBe(400);
    expect(noBasis.text).toContain('Hãy nhập căn cứ pháp lý hoặc chọn biểu phí.');

    const ok = await leadAgent
      .post('/quan-tri/phi/hop-dong/moi')
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        organisation_id: String(orgB),
        description: 'Hợp đồng 12/2027/HĐ-TCPCP',
        amount_vnd: '2.000.000',
        legal_basis: 'Nghị định 47/2020/NĐ-CP',
      });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe(`/quan-tri/phi/to-chuc/${orgB}`);
    const row = await t.db.knex('fee_ledger').where({ kind: 'contract' }).first();
    expect(row).toMatchObject({
      organisation_id: orgB,
      amount_vnd: 2000000,
      description: 'Hợp đồng 12/2027/HĐ-TCPCP',
      created_by: lead.id,
    });
    expect(await t.db.knex('audit_events').where({ action: 'fee.contract' }).count({ n: '*' }).first()).toEqual({ n: 1 });
  });

  it('prints a statement per organisation and period; bad dates are a 400; an unknown organisation a 404', async () => {
    const res = await staffAgent.get(`/quan-tri/phi/to-chuc/${orgA}?tu=01/01/2027&den=31/03/2027`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('BẢNG KÊ PHÍ KHAI THÁC DỮ LIỆU');
    expect(res.text).toContain('Viện Nghiên cứu Xã hội A');
    expect(res.text).toContain('print.css');
    // January–March: 50.000 (a, 15/03) + 50.000 (a, 01/01) + 20.000 + 20.000 + 40.000 + 520.000 (rows, 01/02).
    expect(res.text).toMatch(/id="tong-phi">700\.000\s?đ</);
    expect(res.text).not.toContain('Hợp đồng 12/2027/HĐ-TCPCP');
    expect(
      await t.db
        .knex('audit_events')
        .where({ action: 'fee.statement.view', target_id: String(orgA) })
        .count({ n: '*' })
        .first(),
    ).toEqual({ n: 1 });

    const iso = await staffAgent.get(`/quan-tri/phi/to-chuc/${orgB}?tu=2026-01-01&den=2026-12-31`);
    expect(iso.status).toBe(200);
    expect(iso.text).toContain('Hợp đồng 12/2027/HĐ-TCPCP');

    const bad = await staffAgent.get(`/quan-tri/phi/to-chuc/${orgA}?tu=32/01/2027&den=01/01/2026`);
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Từ ngày phải là một ngày có thật');
    expect(bad.text).toContain('value="32/01/2027"');
    expect((await staffAgent.get('/quan-tri/phi/to-chuc/999999')).status).toBe(404);
    expect((await staffAgent.get('/quan-tri/phi/to-chuc/abc')).status).toBe(404);
  });

  it("an organisation's manager sees only their own statement (scope from the session)", async () => {
    const a = await loggedInAgent(t, manager);
    const own = await a.get('/khai-thac/phi?tu=01/01/2027&den=31/12/2027');
    expect(own.status).toBe(200);
    expect(own.text).toContain('Viện Nghiên cứu Xã hội A');
    expect(own.text).not.toContain('Trung tâm Dữ liệu B');
    expect(own.text).not.toContain('Hợp đồng 12/2027/HĐ-TCPCP');
    // Naming another organisation in the URL changes nothing, and the staff statement is out of reach.
    const tampered = await a.get(`/khai-thac/phi?tu=01/01/2027&den=31/12/2027&id=${orgB}&to-chuc=${orgB}`);
    expect(tampered.text).toContain('Viện Nghiên cứu Xã hội A');
    expect(tampered.text).not.toContain('Hợp đồng 12/2027/HĐ-TCPCP');
    expect((await a.get(`/khai-thac/phi/${orgB}`)).status).toBe(404);
    expect((await a.get(`/quan-tri/phi/to-chuc/${orgB}`)).status).toBe(403);

    const b = await loggedInAgent(t, otherManager);
    const theirs = await b.get('/khai-thac/phi?tu=01/01/2026&den=31/12/2027');
    expect(theirs.text).toContain('Hợp đồng 12/2027/HĐ-TCPCP');
    expect(theirs.text).not.toContain('Viện Nghiên cứu Xã hội A');

    // A manager account not tied to an organisation has no statement.
    const loose = await loggedInAgent(t, await createUser(t.db.knex, ['org_manager']));
    expect((await loose.get('/khai-thac/phi')).status).toBe(404);
  });
});
