/**
 * API keys for exploiting organisations (issue 17 item 3): the organisation's manager creates (form, real CSRF) and
 * revokes keys; the JSON API under /api/v1 answers a bearer key within the organisation's grant in force — per
 * category (report X, not Y) and per field (leaders' personal fields only when granted; withheld fields never) —
 * writes each data call to the exploitation log and the fee ledger where a fee applies, refuses unknown, revoked
 * and expired keys, keeps organisations apart, sets no cookie and is rate limited per key.
 */
import { createHash } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, anOrganisation, insertAssociations } from '../helpers/builders.js';
import { type Agent, agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const SENTINEL_TITLE = 'Giáo sư Mẫu Riêng Tư API';
const SENTINEL_PHONE = '0243 999 111';
const DAY = 86_400_000;

let t: TestContext;
let managerA: TestUser;
let managerB: TestUser;
let exploiterA: TestUser;
let orgA: number;
let orgB: number;
let assocId: number;
let managerAgent: Agent;

const api = (path: string, key?: string) => {
  const r = request(t.app).get(path);
  return key ? r.set('Authorization', `Bearer ${key}`) : r;
};

async function newKey(organisationId: number, user: TestUser, label = 'Khóa thử', expiresOn: string | null = null) {
  return t.services.apiKeys.create(
    { userId: user.id, username: user.username, roles: ['org_manager'], ip: null, requestId: null },
    organisationId,
    { label, expires_on: expiresOn },
  );
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000', API_KEY_RATE_LIMIT: '1000' });
  const [a] = await insertAssociations(t.db.knex, [
    anAssociation({ code: 'H810001', name: 'Hội Y học Khóa API', main_field_code: 'YTE', phone: SENTINEL_PHONE }).withLeaders([
      { full_name: 'Trần Thị Mai', position_code: 'CT', term_number: 3, birth_year: 1960, gender: 'nu', academic_title: SENTINEL_TITLE },
    ]),
    anAssociation({ code: 'H810002', name: 'Hội Văn nghệ Khóa API', main_field_code: 'VHNT' }),
  ]);
  assocId = (a as { id: number }).id;
  // The phone number is withheld from everyone outside the ministry (issue 16 item 1).
  await t.db.knex('field_withholdings').insert({ association_id: assocId, field: 'phone', reason: 'Hội đề nghị', until: null });
  orgA = (
    await anOrganisation({ name: 'Viện Khóa API A' })
      .withGrant({ categories: ['a', 'd'], personal: false })
      .insert(t.db.knex)
  ).id;
  orgB = (
    await anOrganisation({ name: 'Trung tâm Khóa API B' })
      .withGrant({ categories: ['b', 'd'], personal: true })
      .insert(t.db.knex)
  ).id;
  managerA = await createUser(t.db.knex, ['org_manager']);
  managerB = await createUser(t.db.knex, ['org_manager']);
  exploiterA = await createUser(t.db.knex, ['exploiter']);
  await t.db.knex('users').whereIn('id', [managerA.id, exploiterA.id]).update({ organisation_id: orgA });
  await t.db.knex('users').where({ id: managerB.id }).update({ organisation_id: orgB });
  managerAgent = await loggedInAgent(t, managerA);
});
afterAll(() => t.db.destroy());

describe('the manager manages keys', () => {
  it('creates a key through the form: shown once, only its hash stored, audited', async () => {
    const page = await managerAgent.get('/khai-thac/khoa-api');
    expect(page.status).toBe(200);
    expect(page.text).toContain('id="chua-co-khoa"');
    const res = await managerAgent
      .post('/khai-thac/khoa-api')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), label: 'Hệ thống báo cáo <Viện>', expires_on: '' });
    expect(res.status).toBe(201);
    const token = /value="(csdlhoi_[0-9a-f]{10}_[A-Za-z0-9_-]{43})"/.exec(res.text)?.[1];
    expect(token).toBeDefined();
    expect(res.text).toContain('Hệ thống báo cáo &lt;Viện&gt;');
    const row = await t.db.knex('api_keys').where({ organisation_id: orgA }).first();
    expect(row.secret_hash).toBe(
      createHash('sha256')
        .update(token as string)
        .digest('hex'),
    );
    expect(JSON.stringify(row)).not.toContain((token as string).slice(20));
    expect(row.created_by).toBe(managerA.id);
    expect(token?.startsWith(`csdlhoi_${row.prefix}_`)).toBe(true);
    const audit = await t.db.knex('audit_events').where({ action: 'api_key.create', target_id: String(row.id) });
    expect(audit).toHaveLength(1);
    // Never shown again: the list shows the prefix only.
    const again = await managerAgent.get('/khai-thac/khoa-api');
    expect(again.text).toContain(`csdlhoi_${row.prefix}_…`);
    expect(again.text).not.toContain(token as string);
    // The key works.
    expect((await api('/api/v1/bao-cao', token)).status).toBe(200);
  });

  it('refuses a bad form with messages next to the fields, values kept, nothing saved', async () => {
    const page = await managerAgent.get('/khai-thac/khoa-api');
    const before = await t.db.knex('api_keys').count({ n: '*' }).first();
    const bad = await managerAgent
      .post('/khai-thac/khoa-api')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), label: '   ', expires_on: '31/02/2027' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('<title>Lỗi: ');
    expect(bad.text).toContain('Hãy nhập tên gợi nhớ của khóa');
    expect(bad.text).toContain('Ngày hết hạn phải là một ngày có thật');
    expect(bad.text).toContain('value="31/02/2027"');
    // Later than the grant (a year from now): refused.
    const late = new Date(Date.now() + 800 * DAY);
    const lateText = `${String(late.getUTCDate()).padStart(2, '0')}/${String(late.getUTCMonth() + 1).padStart(2, '0')}/${late.getUTCFullYear()}`;
    const tooLate = await managerAgent
      .post('/khai-thac/khoa-api')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), label: 'Khóa dài hạn', expires_on: lateText });
    expect(tooLate.status).toBe(400);
    expect(tooLate.text).toContain('không được sau ngày hết hạn quyền khai thác');
    expect(tooLate.text).toContain('value="Khóa dài hạn"');
    expect(await t.db.knex('api_keys').count({ n: '*' }).first()).toEqual(before);
  });

  it('an officer (exploiter) of the organisation does not manage keys; anonymous visitors are sent to log in', async () => {
    const officer = await loggedInAgent(t, exploiterA);
    expect((await officer.get('/khai-thac/khoa-api')).status).toBe(403);
    const home = await officer.get('/khai-thac/');
    const post = await officer
      .post('/khai-thac/khoa-api')
      .type('form')
      .send({ _csrf: csrfFrom(home.text), label: 'Của cán bộ' });
    expect(post.status).toBe(403);
    expect(await t.db.knex('api_keys').where({ label: 'Của cán bộ' })).toHaveLength(0);
    const anon = await agent(t).get('/khai-thac/khoa-api');
    expect(anon.status).toBe(303);
    expect(anon.headers.location).toMatch(/^\/dang-nhap/);
  });

  it("a manager cannot see or revoke another organisation's key (404); the revocation needs the CSRF token", async () => {
    const { key, token } = await newKey(orgA, managerA, 'Khóa của A');
    const other = await loggedInAgent(t, managerB);
    expect((await other.get(`/khai-thac/khoa-api/${key.id}/thu-hoi`)).status).toBe(404);
    const home = await other.get('/khai-thac/khoa-api');
    expect(home.text).not.toContain(key.prefix);
    expect(
      (
        await other
          .post(`/khai-thac/khoa-api/${key.id}/thu-hoi`)
          .type('form')
          .send({ _csrf: csrfFrom(home.text) })
      ).status,
    ).toBe(404);
    expect((await managerAgent.post(`/khai-thac/khoa-api/${key.id}/thu-hoi`).type('form').send({})).status).toBe(403);
    expect((await api('/api/v1/bao-cao', token)).status).toBe(200);
  });

  it('revokes after a confirmation page: the key is refused at once, the revocation audited', async () => {
    const { key, token } = await newKey(orgA, managerA, 'Khóa sẽ thu hồi');
    const confirm = await managerAgent.get(`/khai-thac/khoa-api/${key.id}/thu-hoi`);
    expect(confirm.status).toBe(200);
    expect(confirm.text).toContain('Xác nhận thu hồi khóa');
    const done = await managerAgent
      .post(`/khai-thac/khoa-api/${key.id}/thu-hoi`)
      .type('form')
      .send({ _csrf: csrfFrom(confirm.text) });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/khai-thac/khoa-api');
    const res = await api('/api/v1/bao-cao', token);
    expect(res.status).toBe(401);
    expect(res.body.message).toBe('Khóa API đã bị thu hồi.');
    const row = await t.db.knex('api_keys').where({ id: key.id }).first();
    expect(row.revoked_by).toBe(managerA.id);
    expect(await t.db.knex('audit_events').where({ action: 'api_key.revoke', target_id: String(key.id) })).toHaveLength(1);
    // Twice: a conflict, nothing changes.
    const page = await managerAgent.get('/khai-thac/khoa-api');
    expect(
      (
        await managerAgent
          .post(`/khai-thac/khoa-api/${key.id}/thu-hoi`)
          .type('form')
          .send({ _csrf: csrfFrom(page.text) })
      ).status,
    ).toBe(409);
  });
});

describe('the API within the grant', () => {
  let keyA: string;
  let keyB: string;
  let keyAId: number;

  beforeAll(async () => {
    const a = await newKey(orgA, managerA, 'Khóa đọc A');
    keyA = a.token;
    keyAId = a.key.id;
    keyB = (await newKey(orgB, managerB, 'Khóa đọc B')).token;
  });

  it('lists the categories of the grant, JSON, no cookie set', async () => {
    const res = await api('/api/v1/bao-cao', keyA);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body.data.map((c: { key: string }) => c.key)).toEqual(['a', 'd']);
    expect(res.body.grant.personal).toBe(false);
    expect(res.body.organisation_id).toBe(orgA);
    const b = await api('/api/v1/bao-cao', keyB);
    expect(b.body.data.map((c: { key: string }) => c.key)).toEqual(['b', 'd']);
  });

  it('per category: a key reads the reports of its grant and no other (403, Vietnamese message, not logged)', async () => {
    const logBefore = Number((await t.db.knex('exploitation_log').count({ n: '*' }).first())?.n);
    const a = await api('/api/v1/bao-cao/a', keyA);
    expect(a.status).toBe(200);
    expect(a.body.tables[0].rows.map((r: { code: string }) => r.code)).toEqual(expect.arrayContaining(['H810001', 'H810002']));
    const refusedB = await api('/api/v1/bao-cao/b', keyA);
    expect(refusedB.status).toBe(403);
    expect(refusedB.body.message).toBe('Khóa API không được cấp quyền khai thác loại thông tin này.');
    expect((await api('/api/v1/bao-cao/b', keyB)).status).toBe(200);
    expect((await api('/api/v1/bao-cao/a', keyB)).status).toBe(403);
    expect((await api('/api/v1/hoi/H810001', keyB)).status).toBe(403);
    expect((await api('/api/v1/bao-cao/zz', keyA)).status).toBe(404);
    const logAfter = Number((await t.db.knex('exploitation_log').count({ n: '*' }).first())?.n);
    expect(logAfter - logBefore).toBe(2); // the two answers with data, not the refusals
  });

  it("per field: leaders' personal fields only with a grant that includes them", async () => {
    const a = await api('/api/v1/bao-cao/d', keyA);
    expect(a.status).toBe(200);
    const colsA = a.body.tables[0].columns.map((c: { key: string }) => c.key);
    expect(colsA).toContain('full_name');
    expect(colsA).not.toContain('birth_year');
    expect(colsA).not.toContain('academic_title');
    expect(a.text).not.toContain(SENTINEL_TITLE);
    const b = await api('/api/v1/bao-cao/d', keyB);
    const colsB = b.body.tables[0].columns.map((c: { key: string }) => c.key);
    expect(colsB).toEqual(expect.arrayContaining(['birth_year', 'academic_title']));
    expect(b.text).toContain(SENTINEL_TITLE);
    // A personal-data view, audited as on the web page (in the key creator's name).
    const viewed = await t.db.knex('audit_events').where({ action: 'personal_data.view', actor_user_id: managerB.id });
    expect(viewed.length).toBeGreaterThan(0);
    // Decided per call: the grant of A now includes personal fields.
    await t.db.knex('access_grants').where({ organisation_id: orgA }).update({ personal: true });
    expect((await api('/api/v1/bao-cao/d', keyA)).text).toContain(SENTINEL_TITLE);
    await t.db.knex('access_grants').where({ organisation_id: orgA }).update({ personal: false });
    expect((await api('/api/v1/bao-cao/d', keyA)).text).not.toContain(SENTINEL_TITLE);
  });

  it("one association's record: withheld fields left out, unknown code 404", async () => {
    const res = await api('/api/v1/hoi/H810001', keyA);
    expect(res.status).toBe(200);
    expect(res.body.code).toBe('H810001');
    expect(res.text).toContain('Hội Y học Khóa API');
    expect(res.text).not.toContain(SENTINEL_PHONE);
    // Without the withholding the same call carries it (the check above is not vacuous).
    await t.db.knex('field_withholdings').where({ association_id: assocId }).delete();
    expect((await api('/api/v1/hoi/H810001', keyA)).text).toContain(SENTINEL_PHONE);
    await t.db.knex('field_withholdings').insert({ association_id: assocId, field: 'phone', reason: 'Hội đề nghị', until: null });
    const missing = await api('/api/v1/hoi/H899999', keyA);
    expect(missing.status).toBe(404);
    expect(missing.body.message).toContain('H899999');
    expect((await api('/api/v1/hoi/abc', keyA)).status).toBe(404);
  });

  it('bad filters: 400 JSON naming the field', async () => {
    const res = await api('/api/v1/bao-cao/a?trang=0', keyA);
    expect(res.status).toBe(400);
    expect(res.body.fields.trang).toBeDefined();
  });

  it('writes each data call to the exploitation log (format api, the key, its creator, the associations read)', async () => {
    await api('/api/v1/hoi/H810001', keyA);
    const row = await t.db.knex('exploitation_log').where({ api_key_id: keyAId }).orderBy('id', 'desc').first();
    expect(row).toMatchObject({ format: 'api', organisation_id: orgA, user_id: managerA.id, category: 'a' });
    expect(row.association_ids).toEqual([assocId]);
    // The staff search of the log names the format.
    const staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
    const log = await staff.get(`/quan-tri/nhat-ky-khai-thac?to_chuc=${orgA}`);
    expect(log.text).toContain('Qua API');
  });

  it('counts fees where a schedule applies: a fee-bearing category gets a ledger row, another none', async () => {
    await t.db.knex('fee_schedules').insert({
      legal_basis: 'Thông tư thử nghiệm phí API',
      valid_from: '2020-01-01',
      unit: 'export',
      unit_price_vnd: 7000,
      categories: ['a'],
    });
    const before = Number((await t.db.knex('fee_ledger').count({ n: '*' }).first())?.n);
    expect((await api('/api/v1/bao-cao/a', keyA)).status).toBe(200);
    const rows = await t.db.knex('fee_ledger').where({ organisation_id: orgA, format: 'api' });
    expect(rows).toHaveLength(1);
    expect(Number(rows[0].amount_vnd)).toBe(7000);
    expect(rows[0].category).toBe('a');
    expect((await api('/api/v1/bao-cao/d', keyA)).status).toBe(200);
    expect(Number((await t.db.knex('fee_ledger').count({ n: '*' }).first())?.n)).toBe(before + 1);
  });

  it('refuses missing, malformed, unknown and expired keys with 401 JSON', async () => {
    const none = await api('/api/v1/bao-cao');
    expect(none.status).toBe(401);
    expect(none.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(none.body.message).toContain('Thiếu khóa API');
    expect((await api('/api/v1/bao-cao', 'khong-phai-khoa')).body.message).toBe('Khóa API không đúng.');
    const forged = `${keyA.slice(0, -4)}AAAA`;
    expect((await api('/api/v1/bao-cao', forged)).status).toBe(401);
    const { key, token } = await newKey(orgA, managerA, 'Khóa ngắn hạn', new Date(Date.now() + 2 * DAY).toISOString().slice(0, 10));
    expect((await api('/api/v1/bao-cao', token)).status).toBe(200);
    await t.db
      .knex('api_keys')
      .where({ id: key.id })
      .update({ expires_at: new Date(t.clock.now().getTime() - 1000) });
    const expired = await api('/api/v1/bao-cao', token);
    expect(expired.status).toBe(401);
    expect(expired.body.message).toBe('Khóa API đã hết hạn.');
  });

  it("follows the organisation's grant: a revoked grant stops every key (403 with the reason)", async () => {
    const { token } = await newKey(orgB, managerB, 'Khóa B hai');
    await t.db
      .knex('access_grants')
      .where({ organisation_id: orgB })
      .update({ revoked_at: new Date(t.clock.now().getTime() - 1000) });
    const res = await api('/api/v1/bao-cao', token);
    expect(res.status).toBe(403);
    expect(res.body.message).toContain('Tổ chức chưa có quyền khai thác còn hiệu lực');
    await t.db.knex('access_grants').where({ organisation_id: orgB }).update({ revoked_at: null });
    expect((await api('/api/v1/bao-cao', token)).status).toBe(200);
  });

  it('is GET only and needs no CSRF token: a POST is a JSON 404, unknown paths too', async () => {
    const post = await request(t.app).post('/api/v1/bao-cao').set('Authorization', `Bearer ${keyA}`);
    expect(post.status).toBe(404);
    expect(post.headers['content-type']).toMatch(/application\/json/);
    expect(post.headers['set-cookie']).toBeUndefined();
    expect((await api('/api/v1/khong-co', keyA)).body.error).toBe('not_found');
  });

  it('the OpenAPI description has the API paths, the bearer scheme, servers, security and a licence', async () => {
    const res = await request(t.app).get('/du-lieu-mo/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/bao-cao', '/api/v1/bao-cao/{category}', '/api/v1/hoi/{code}']));
    expect(doc.components.securitySchemes.apiKey).toMatchObject({ type: 'http', scheme: 'bearer' });
    expect(doc.paths['/api/v1/bao-cao'].get.security).toEqual([{ apiKey: [] }]);
    expect(doc.paths['/du-lieu-mo/hoi.json'].get.security).toEqual([]);
    expect(doc.servers.length).toBeGreaterThan(0);
    expect(doc.info.license.name).toBeTruthy();
  });
});

describe('rate limit per key', () => {
  let small: TestContext;
  afterAll(() => small.db.destroy());

  it('answers 429 with Retry-After past the limit; another key keeps its own budget', async () => {
    small = await buildTestApp({ API_KEY_RATE_LIMIT: '3', API_KEY_RATE_WINDOW_SECONDS: '60' });
    const org = (
      await anOrganisation()
        .withGrant({ categories: ['b'] })
        .insert(small.db.knex)
    ).id;
    const user = await createUser(small.db.knex, ['org_manager']);
    await small.db.knex('users').where({ id: user.id }).update({ organisation_id: org });
    const actor = { userId: user.id, username: user.username, roles: ['org_manager'], ip: null, requestId: null };
    const one = (await small.services.apiKeys.create(actor, org, { label: 'Một', expires_on: null })).token;
    const two = (await small.services.apiKeys.create(actor, org, { label: 'Hai', expires_on: null })).token;
    const call = (key: string) => request(small.app).get('/api/v1/bao-cao').set('Authorization', `Bearer ${key}`);
    for (let i = 0; i < 3; i++) expect((await call(one)).status).toBe(200);
    const limited = await call(one);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect(limited.body.message).toContain('Khóa API đã gọi quá 3 lần');
    expect((await call(two)).status).toBe(200);
  });
});
