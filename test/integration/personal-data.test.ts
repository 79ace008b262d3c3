/**
 * Personal-data requests (issue 17 item 1; Law 91/2025/QH15): the public form (validation, honeypot, receipt,
 * notices), deadlines from the editable catalogue, the officer's scope and identity check, the state machine, the
 * answer letter in the Decree 30 layout, the register's filters and CSV, the data-subject export checked against
 * independent SQL, the reminders job and the overdue count on the staff home.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, type InsertedAssociation } from '../helpers/builders.js';
import { parseCsv } from '../helpers/csv.js';
import { type Agent, agent, csrfFrom, csrfToken, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const FORM = '/du-lieu-ca-nhan/yeu-cau';
const DAY = 86_400_000;

/** A Viet Nam calendar day shifted by `days` from `now`, as dd/mm/yyyy. */
function vnDate(now: Date, days: number): string {
  const d = new Date(now.getTime() + 7 * 3600_000 + days * DAY);
  return `${String(d.getUTCDate()).padStart(2, '0')}/${String(d.getUTCMonth() + 1).padStart(2, '0')}/${d.getUTCFullYear()}`;
}

describe('personal-data requests (issue 17 item 1)', () => {
  let t: TestContext;
  let staff: TestUser;
  let officerA: TestUser;
  let officerB: TestUser;
  let exploiter: TestUser;
  let assocA: InsertedAssociation;
  let assocB: InsertedAssociation;
  let assocC: InsertedAssociation;
  let staffAgent: Agent;
  let officerAgent: Agent;
  let otherOfficerAgent: Agent;

  const valid = (overrides: Record<string, string> = {}) => ({
    request_type: 'access',
    requester_name: 'Nguyễn Văn Bình',
    birth_year: '1960',
    email: 'binh@example.vn',
    phone: '0912345678',
    address: '',
    associations: assocA.code,
    relation: 'Phó Chủ tịch nhiệm kỳ I',
    data_concerned: 'Năm sinh, số điện thoại',
    details: 'Đề nghị cung cấp toàn bộ dữ liệu về tôi.',
    website: '',
    ...overrides,
  });

  async function submitPublic(fields: Record<string, string>) {
    const a = agent(t);
    const token = await csrfToken(a, FORM);
    return a
      .post(FORM)
      .type('form')
      .send({ _csrf: token, ...fields });
  }

  async function latestRequest() {
    return t.db.knex('personal_data_requests').orderBy('id', 'desc').first();
  }

  async function post(a: Agent, page: string, action: string, fields: Record<string, string>) {
    const html = await a.get(page);
    expect(html.status, `GET ${page}`).toBe(200);
    return a
      .post(action)
      .type('form')
      .send({ _csrf: csrfFrom(html.text), ...fields });
  }

  beforeAll(async () => {
    t = await buildTestApp({ ACCESS_REGISTRATION_RATE_LIMIT: '1000' });
    assocA = await anAssociation({ name: 'Hội Cựu giáo chức thử nghiệm' })
      .withLeaders([
        { full_name: 'Nguyễn Văn Bình', position_code: 'PCT', term_number: 1, birth_year: 1960, phone: '0912 345 678' },
        { full_name: 'Trần Thị Cúc', position_code: 'CT', term_number: 1, birth_year: 1960 },
      ])
      .insert(t.db.knex);
    assocB = await anAssociation({ name: 'Hội Làm vườn thử nghiệm' })
      .withLeaders([
        // Same person (name without diacritics in the record, phone matches): found.
        { full_name: 'NGUYEN VAN BINH', position_code: 'UVBCH', term_number: 2, phone: '0912.345.678' },
        // Same name, another person (no identifier agrees): not found.
        { full_name: 'Nguyễn Văn Bình', position_code: 'UVBCH', term_number: 2, birth_year: 1975 },
      ])
      .insert(t.db.knex);
    assocC = await anAssociation({ name: 'Hội Nuôi ong thử nghiệm' }).insert(t.db.knex);
    staff = await createUser(t.db.knex, ['ngo_staff']);
    officerA = await createUser(t.db.knex, ['association'], { associationId: assocA.id });
    officerB = await createUser(t.db.knex, ['association'], { associationId: assocC.id });
    exploiter = await createUser(t.db.knex, ['exploiter']);
    staffAgent = await loggedInAgent(t, staff);
    officerAgent = await loggedInAgent(t, officerA);
    otherOfficerAgent = await loggedInAgent(t, officerB);
  });
  afterAll(async () => {
    await t.db.destroy();
  });

  it('the public form refuses bad input with messages next to the fields and the values kept, saving nothing', async () => {
    const before = await t.db.knex('personal_data_requests').count<{ n: string }[]>({ n: '*' });
    const res = await submitPublic({ requester_name: 'Lê <b>Hoa</b>', email: 'khong-hop-le', associations: '', details: '' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Lỗi: ');
    expect(res.text).toContain('Hãy chọn loại yêu cầu.');
    expect(res.text).toContain('Thư điện tử không đúng dạng');
    expect(res.text).toContain('Hãy nhập tên hoặc mã hội liên quan.');
    expect(res.text).toContain('Hãy nhập nội dung yêu cầu.');
    expect(res.text).toContain('value="Lê &lt;b&gt;Hoa&lt;/b&gt;"');
    // Neither e-mail nor phone.
    const noContact = await submitPublic(valid({ email: '', phone: '' }));
    expect(noContact.status).toBe(400);
    expect(noContact.text).toContain('Hãy nhập thư điện tử hoặc số điện thoại');
    // An association nobody knows.
    const unknown = await submitPublic(valid({ associations: 'Hội Không Có Thật' }));
    expect(unknown.status).toBe(400);
    expect(unknown.text).toContain('Không tìm thấy hội “Hội Không Có Thật”');
    expect(unknown.text).toContain('Đề nghị cung cấp toàn bộ dữ liệu về tôi.');
    // The honeypot filled by a robot.
    const robot = await submitPublic(valid({ website: 'http://spam.example' }));
    expect(robot.status).toBe(400);
    const after = await t.db.knex('personal_data_requests').count<{ n: string }[]>({ n: '*' });
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n));
  });

  it('a valid request shows its receipt number, takes its deadline from the catalogue and notifies staff and the officer', async () => {
    // Found by name ignoring case and diacritics.
    const res = await submitPublic(valid({ associations: 'hoi cuu giao chuc thu nghiem' }));
    expect(res.status).toBe(200);
    const row = await latestRequest();
    const receipt = `DLCN-${new Date(row.received_at).getFullYear()}-${String(row.id).padStart(6, '0')}`;
    expect(res.text).toContain(receipt);
    expect(row.state).toBe('received');
    expect(row.channel).toBe('web');
    expect(row.deadline_days).toBe(3);
    expect(new Date(row.due_at).getTime() - new Date(row.received_at).getTime()).toBe(3 * DAY);
    const links = await t.db.knex('personal_data_request_associations').where({ request_id: row.id }).pluck('association_id');
    expect(links).toEqual([assocA.id]);
    const notified = await t.db
      .knex('notifications')
      .where({ dedupe_key: `personal-data:${row.id}:received` })
      .pluck('user_id');
    expect(notified).toEqual(expect.arrayContaining([staff.id, officerA.id]));
    expect(notified).not.toContain(officerB.id);
    const audit = await t.db
      .knex('audit_events')
      .where({ action: 'personal_data_request.create', target_id: String(row.id) })
      .first();
    expect(audit?.actor_user_id).toBeNull();
    expect(audit?.ip).toBeTruthy();
  });

  it('staff edit the deadline catalogue (audited, bad values refused); new requests take the new deadline', async () => {
    const bad = await post(staffAgent, '/quan-tri/du-lieu-ca-nhan/thoi-han', '/quan-tri/du-lieu-ca-nhan/thoi-han', {
      days_access: '0',
      days_correction: 'ba',
      days_deletion: '3',
      days_objection: '3',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Số ngày là số nguyên từ 1 đến 90.');
    expect(bad.text).toContain('value="ba"');
    const ok = await post(staffAgent, '/quan-tri/du-lieu-ca-nhan/thoi-han', '/quan-tri/du-lieu-ca-nhan/thoi-han', {
      days_access: '3',
      days_correction: '10',
      days_deletion: '3',
      days_objection: '3',
    });
    expect(ok.status).toBe(303);
    const audit = await t.db.knex('audit_events').where({ action: 'personal_data_deadline.update', target_id: 'correction' }).first();
    expect(audit?.details).toEqual({ from: 3, to: 10 });
    const res = await submitPublic(valid({ request_type: 'correction', associations: assocC.code, phone: '0987 654 321', email: '' }));
    expect(res.status).toBe(200);
    const row = await latestRequest();
    expect(row.deadline_days).toBe(10);
    expect(new Date(row.due_at).getTime() - new Date(row.received_at).getTime()).toBe(10 * DAY);
  });

  it('officers see only requests naming their association, and record the identity check', async () => {
    const res = await submitPublic(valid({ associations: `${assocA.code}\n${assocB.code}` }));
    expect(res.status).toBe(200);
    const mine = await latestRequest();
    const list = await officerAgent.get('/hoi-cua-toi/du-lieu-ca-nhan');
    expect(list.status).toBe(200);
    expect(list.text).toContain(`/hoi-cua-toi/du-lieu-ca-nhan/${mine.id}`);
    // The request naming only association C is not in A's officer's list, and its page is not found for them.
    const other = await t.db.knex('personal_data_requests').where({ request_type: 'correction' }).first();
    expect(list.text).not.toContain(`/hoi-cua-toi/du-lieu-ca-nhan/${other.id}"`);
    expect((await officerAgent.get(`/hoi-cua-toi/du-lieu-ca-nhan/${other.id}`)).status).toBe(404);
    const otherVerify = await officerAgent
      .post(`/hoi-cua-toi/du-lieu-ca-nhan/${other.id}/xac-minh`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text), verification_method: 'Gọi điện' });
    expect(otherVerify.status).toBe(404);
    expect((await otherOfficerAgent.get(`/hoi-cua-toi/du-lieu-ca-nhan/${mine.id}`)).status).toBe(404);
    // Officers cannot reach staff pages; neither can exploiters.
    expect((await officerAgent.get(`/quan-tri/du-lieu-ca-nhan/${mine.id}`)).status).toBe(403);
    const exploiterAgent = await loggedInAgent(t, exploiter);
    expect((await exploiterAgent.get('/quan-tri/du-lieu-ca-nhan')).status).toBe(403);
    expect((await exploiterAgent.get('/hoi-cua-toi/du-lieu-ca-nhan')).status).toBe(403);

    const page = `/hoi-cua-toi/du-lieu-ca-nhan/${mine.id}`;
    const empty = await post(officerAgent, page, `${page}/xac-minh`, { verification_method: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Hãy nhập cách xác minh danh tính.');
    const done = await post(officerAgent, page, `${page}/xac-minh`, { verification_method: 'Đối chiếu CCCD tại văn phòng hội' });
    expect(done.status).toBe(303);
    const row = await t.db.knex('personal_data_requests').where({ id: mine.id }).first();
    expect(row.verified_by).toBe(officerA.id);
    expect(row.verification_method).toBe('Đối chiếu CCCD tại văn phòng hội');
    expect(row.state).toBe('received');
    // Twice is refused.
    const again = await post(officerAgent, page, `${page}/xac-minh`, { verification_method: 'Lần nữa' });
    expect(again.status).toBe(409);
  });

  it('the state machine refuses invalid transitions and needs a verified identity and a refusal reason', async () => {
    const res = await submitPublic(valid({ request_type: 'deletion', associations: assocC.code }));
    expect(res.status).toBe(200);
    const r = await latestRequest();
    const page = `/quan-tri/du-lieu-ca-nhan/${r.id}`;
    const move = (fields: Record<string, string>) => post(staffAgent, page, `${page}/trang-thai`, fields);
    const skip = await move({ to: 'answered', answer_text: 'Đã xóa' });
    expect(skip.status).toBe(409);
    expect(skip.text).toContain('Không thể chuyển yêu cầu từ “Đã tiếp nhận” sang “Đã trả lời”');
    expect((await move({ to: 'in_progress' })).status).toBe(400);
    const noReason = await move({ to: 'refused', refusal_reason: '' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Hãy nêu lý do từ chối');
    expect((await t.db.knex('personal_data_requests').where({ id: r.id }).first()).state).toBe('received');
    expect((await move({ to: 'verifying' })).status).toBe(303);
    expect((await post(staffAgent, page, `${page}/xac-minh`, { verification_method: 'Gọi lại số điện thoại trong hồ sơ' })).status).toBe(
      303,
    );
    expect((await move({ to: 'in_progress' })).status).toBe(303);
    const noAnswer = await move({ to: 'answered', answer_text: '' });
    expect(noAnswer.status).toBe(400);
    expect(noAnswer.text).toContain('Hãy nhập nội dung trả lời.');
    expect(
      (await move({ to: 'answered', answer_text: 'Vụ đã xóa số điện thoại của Ông/Bà khỏi hồ sơ.', letter_number: '125/TCPCP-DLCN' }))
        .status,
    ).toBe(303);
    const final = await t.db.knex('personal_data_requests').where({ id: r.id }).first();
    expect(final.state).toBe('answered');
    expect(final.answered_at).not.toBeNull();
    // Final: nothing further.
    const after = await staffAgent
      .post(`${page}/trang-thai`)
      .type('form')
      .send({ _csrf: csrfFrom((await staffAgent.get(page)).text), to: 'refused', refusal_reason: 'x' });
    expect(after.status).toBe(409);
    const events = await t.db.knex('personal_data_request_events').where({ request_id: r.id }).orderBy('id').pluck('kind');
    expect(events).toEqual(['received_web', 'state', 'verified', 'state', 'state']);

    // The answer letter in the Decree 30 layout.
    const letter = await staffAgent.get(`${page}/van-ban`);
    expect(letter.status).toBe(200);
    for (const part of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'Số: 125/TCPCP-DLCN',
      'V/v trả lời yêu cầu về dữ liệu cá nhân',
      'Hà Nội, ngày',
      'Kính gửi: Ông/Bà Nguyễn Văn Bình',
      'Nơi nhận:',
      'VỤ TRƯỞNG',
      'Vụ đã xóa số điện thoại',
    ]) {
      expect(letter.text).toContain(part);
    }
    // No letter while a request is open.
    const open = await t.db.knex('personal_data_requests').where({ state: 'received' }).first();
    expect((await staffAgent.get(`/quan-tri/du-lieu-ca-nhan/${open.id}/van-ban`)).status).toBe(409);
  });

  it('the data-subject export of an access request holds exactly what independent SQL finds, and is audited', async () => {
    const r = await t.db.knex('personal_data_requests').where({ request_type: 'access', verified_by: officerA.id }).first();
    // Versions: a snapshot of A naming the person, one of B naming another "Nguyễn Văn Bình", one of C (not concerned).
    const leaderEntry = (name: string, extra: Record<string, unknown>) => ({ full_name: name, position_code: 'PCT', ...extra });
    await t.db.knex('association_versions').insert([
      {
        association_id: assocA.id,
        version: 901,
        source: 'edit',
        snapshot: JSON.stringify({
          record: {},
          lists: { leaders: [leaderEntry('Nguyễn Văn Bình', { birth_year: 1960 }), leaderEntry('Trần Thị Cúc', { birth_year: 1960 })] },
        }),
      },
      {
        association_id: assocB.id,
        version: 901,
        source: 'edit',
        snapshot: JSON.stringify({ record: {}, lists: { leaders: [leaderEntry('Nguyễn Văn Bình', { birth_year: 1975 })] } }),
      },
      {
        association_id: assocC.id,
        version: 901,
        source: 'edit',
        snapshot: JSON.stringify({ record: {}, lists: { leaders: [leaderEntry('Nguyễn Văn Bình', { birth_year: 1960 })] } }),
      },
    ]);
    await t.db.knex('audit_events').insert([
      {
        action: 'association.update',
        target_type: 'association',
        target_id: assocA.code,
        details: JSON.stringify({ changed: ['leaders'], name: 'Nguyễn Văn Bình' }),
      },
      { action: 'association.update', target_type: 'association', target_id: assocA.code, details: JSON.stringify({ changed: ['name'] }) },
      {
        action: 'association.update',
        target_type: 'association',
        target_id: assocC.code,
        details: JSON.stringify({ name: 'Nguyễn Văn Bình' }),
      },
    ]);
    // Not for a request that is not an access request.
    const deletion = await t.db.knex('personal_data_requests').where({ request_type: 'deletion' }).first();
    expect((await staffAgent.get(`/quan-tri/du-lieu-ca-nhan/${deletion.id}/du-lieu.json`)).status).toBe(409);

    const res = await staffAgent.get(`/quan-tri/du-lieu-ca-nhan/${r.id}/du-lieu.json`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const body = JSON.parse(res.text) as {
      leaders: Array<{ id: number }>;
      versions: Array<{ id: number; leader: { full_name: string } }>;
      auditEvents: Array<{ id: number }>;
      matchingRule: string;
    };
    expect(body.matchingRule).toContain('năm sinh');

    // Independent SQL: leaders with the same name ignoring case and diacritics and birth year, phone digits or e-mail.
    const leaders = await t.db.knex.raw(
      `SELECT id FROM leaders WHERE lower(f_unaccent(full_name)) = lower(f_unaccent(?))
         AND (birth_year = ? OR regexp_replace(coalesce(phone, ''), '\\D', '', 'g') = ? OR lower(coalesce(email, '')) = ?) ORDER BY id`,
      [r.requester_name, r.birth_year, (r.phone ?? '').replace(/\D/g, '') || '-', r.email ?? '-'],
    );
    const leaderIds = leaders.rows.map((x: { id: number }) => x.id);
    expect(leaderIds.length).toBe(2);
    expect(body.leaders.map((l) => l.id)).toEqual(leaderIds);

    const versions = await t.db.knex.raw(
      `SELECT v.id FROM association_versions v, jsonb_array_elements(v.snapshot->'lists'->'leaders') e
        WHERE v.association_id IN (SELECT association_id FROM leaders WHERE id = ANY(?)
                                   UNION SELECT association_id FROM personal_data_request_associations WHERE request_id = ?)
          AND lower(f_unaccent(e->>'full_name')) = lower(f_unaccent(?)) AND (e->>'birth_year') = ? ORDER BY v.id`,
      [leaderIds, r.id, r.requester_name, String(r.birth_year)],
    );
    const versionIds = versions.rows.map((x: { id: string | number }) => Number(x.id));
    expect(versionIds.length).toBe(1);
    expect(body.versions.map((v) => Number(v.id))).toEqual(versionIds);
    expect(body.versions[0]?.leader.full_name).toBe('Nguyễn Văn Bình');

    // This person's requests: the same name and the same e-mail or phone digits.
    const own = await t.db.knex.raw(
      `SELECT id FROM personal_data_requests WHERE lower(f_unaccent(requester_name)) = lower(f_unaccent(?))
         AND (lower(email) = ? OR regexp_replace(coalesce(phone, ''), '\\D', '', 'g') = ?)`,
      [r.requester_name, r.email, (r.phone ?? '').replace(/\D/g, '')],
    );
    const ownIds = own.rows.map((x: { id: number }) => String(x.id));
    expect(ownIds).toContain(String(r.id));
    // Up to the export's own audit row (written after the export was read).
    const exportRow = await t.db
      .knex('audit_events')
      .where({ action: 'personal_data_request.subject_export', target_id: String(r.id) })
      .first();
    const audits = await t.db.knex.raw(
      `SELECT id FROM audit_events
        WHERE id < ? AND ((target_type = 'association' AND target_id IN (?, ?) AND details::text LIKE ?)
           OR (target_type = 'personal_data_request' AND target_id = ANY(?)))
        ORDER BY id`,
      [exportRow.id, assocA.code, assocB.code, '%Nguyễn Văn Bình%', ownIds],
    );
    const auditIds = audits.rows.map((x: { id: string | number }) => Number(x.id));
    expect(auditIds.length).toBeGreaterThanOrEqual(3);
    expect(body.auditEvents.map((a) => Number(a.id))).toEqual(auditIds);

    const logged = await t.db
      .knex('audit_events')
      .where({ action: 'personal_data_request.subject_export', target_id: String(r.id) })
      .first();
    expect(logged?.actor_user_id).toBe(staff.id);
  });

  it('staff record a paper request; the register filters by overdue, type and dates, and exports CSV (audited)', async () => {
    const now = t.clock.now();
    const created = await post(staffAgent, '/quan-tri/du-lieu-ca-nhan/moi', '/quan-tri/du-lieu-ca-nhan/moi', {
      ...valid({ request_type: 'objection', requester_name: 'Phạm Thị Dung', associations: assocB.code }),
      received_on: vnDate(now, -10),
    });
    expect(created.status).toBe(303);
    const paper = await latestRequest();
    expect(paper.channel).toBe('paper');
    expect(paper.created_by).toBe(staff.id);
    const bad = await post(staffAgent, '/quan-tri/du-lieu-ca-nhan/moi', '/quan-tri/du-lieu-ca-nhan/moi', {
      ...valid(),
      received_on: '31/02/2026',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Ngày nhận phải là một ngày có thật');

    const overdue = await staffAgent.get('/quan-tri/du-lieu-ca-nhan?qua-han=1');
    expect(overdue.status).toBe(200);
    expect(overdue.text).toContain('<span id="tong-so">1</span>');
    expect(overdue.text).toContain('Phạm Thị Dung');
    const byType = await staffAgent.get('/quan-tri/du-lieu-ca-nhan?loai=access');
    expect(byType.text).not.toContain('Phạm Thị Dung');
    const byDate = await staffAgent.get(
      `/quan-tri/du-lieu-ca-nhan?tu=${encodeURIComponent(vnDate(now, -11))}&den=${encodeURIComponent(vnDate(now, -9))}`,
    );
    expect(byDate.text).toContain('<span id="tong-so">1</span>');

    const csv = await staffAgent.get('/quan-tri/du-lieu-ca-nhan.csv?loai=access');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const rows = parseCsv(csv.text.replace(/^\uFEFF/, ''));
    expect(rows[0]?.[0]).toBe('Số tiếp nhận');
    const expected = await t.db.knex('personal_data_requests').where({ request_type: 'access' }).count<{ n: string }[]>({ n: '*' });
    expect(rows.length - 1).toBe(Number(expected[0]?.n));
    expect(rows.slice(1).every((r) => r[1] === 'Xem, nhận bản sao dữ liệu cá nhân')).toBe(true);
    const audit = await t.db.knex('audit_events').where({ action: 'personal_data_request.list_export' }).first();
    expect(audit?.actor_user_id).toBe(staff.id);
  });

  it('the staff home shows the overdue count with a link to the filtered register', async () => {
    const home = await staffAgent.get('/quan-tri/');
    expect(home.status).toBe(200);
    expect(home.text).toMatch(
      /id="du-lieu-ca-nhan-qua-han" class="py-1 text-danger"><strong>1<\/strong> yêu cầu về dữ liệu cá nhân đã quá hạn/,
    );
    expect(home.text).toContain('/quan-tri/du-lieu-ca-nhan?qua-han=1');
  });

  it('the daily reminders job notifies staff of requests due soon and overdue, once per stage', async () => {
    const run = await t.services.jobs.runner.run('personal-data-alerts', { trigger: 'manual' });
    expect(run.status).toBe('succeeded');
    const open = await t.db.knex('personal_data_requests').whereIn('state', ['received', 'verifying', 'in_progress']);
    const now = t.clock.now().getTime();
    const overdue = open.filter((r) => new Date(r.due_at).getTime() < now);
    const soon = open.filter((r) => new Date(r.due_at).getTime() >= now && new Date(r.due_at).getTime() < now + 2 * DAY);
    expect(run.counts).toMatchObject({ personal_data_overdue: overdue.length, personal_data_due_soon: soon.length });
    expect(overdue.length).toBe(1);
    const overdueNotice = await t.db
      .knex('notifications')
      .where({ user_id: staff.id, dedupe_key: `personal-data:${overdue[0].id}:overdue` });
    expect(overdueNotice).toHaveLength(1);
    // Run again for another day's period: no new notice for the same stage.
    const again = await t.services.jobs.runner.run('personal-data-alerts', { trigger: 'manual', period: 'lan-chay-lai' });
    expect(again.status).toBe('succeeded');
    expect(again.counts?.personal_data_notices).toBe(0);
  });
});
