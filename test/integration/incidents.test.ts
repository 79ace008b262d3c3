/**
 * Incidents and software change requests: staff and the IT Centre record them; the operator (ngo_staff)
 * takes them up and resolves them, or routes them to the IT Centre ("chuyển Trung tâm Thông tin"), which every
 * it_admin is notified of; each status change and comment is a history row; the list filters and paginates.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let staff: TestUser;
let lead: TestUser;
let admin: TestUser;
let admin2: TestUser;
let staffAgent: Agent;
let leadAgent: Agent;
let adminAgent: Agent;

const BASE = '/quan-tri/su-co';

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000' });
  staff = await createUser(t.db.knex, ['ngo_staff']);
  lead = await createUser(t.db.knex, ['ngo_lead']);
  admin = await createUser(t.db.knex, ['it_admin']);
  admin2 = await createUser(t.db.knex, ['it_admin']);
  staffAgent = await loggedInAgent(t, staff);
  leadAgent = await loggedInAgent(t, lead);
  adminAgent = await loggedInAgent(t, admin);
});
afterAll(() => t.db.destroy());

async function create(a: Agent, fields: Record<string, string>) {
  const form = await a.get(`${BASE}/moi`);
  expect(form.status).toBe(200);
  return a
    .post(`${BASE}/moi`)
    .type('form')
    .send({ _csrf: csrfFrom(form.text), ...fields });
}

async function act(a: Agent, id: number, action: string, comment = '', statusOverride?: string) {
  const page = await a.get(`${BASE}/${id}`);
  expect(page.status).toBe(200);
  const status = statusOverride ?? (/name="status" value="([a-z_]+)"/.exec(page.text)?.[1] as string);
  return a
    .post(`${BASE}/${id}/cap-nhat`)
    .type('form')
    .send({ _csrf: csrfFrom(page.text), action, comment, status });
}

function idFrom(location: string): number {
  return Number(/\/quan-tri\/su-co\/(\d+)$/.exec(location)?.[1]);
}

describe('recording', () => {
  it('refuses bad input with Vietnamese messages next to the fields, keeping the values, saving nothing', async () => {
    const res = await create(staffAgent, { kind: 'su_co', title: 'Trang báo cáo <b>chậm</b>', description: '', severity: 'khong-co' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Hãy nhập mô tả.');
    expect(res.text).toContain('Hãy chọn mức độ.');
    expect(res.text).toContain('value="Trang báo cáo &lt;b&gt;chậm&lt;/b&gt;"');
    expect(await t.db.knex('incidents').count<{ n: number }[]>('* as n')).toEqual([{ n: 0 }]);
  });

  it('records an incident with a history row and an audit row; it shows in the filtered list', async () => {
    const res = await create(leadAgent, {
      kind: 'yeu_cau_thay_doi',
      title: 'Thêm cột số hội viên',
      description: 'Báo cáo b cần thêm cột.',
      severity: 'thap',
    });
    expect(res.status).toBe(303);
    const id = idFrom(String(res.headers.location));
    expect(await t.db.knex('incidents').where({ id }).first()).toMatchObject({
      status: 'moi',
      reporter_user_id: lead.id,
      kind: 'yeu_cau_thay_doi',
    });
    expect(await t.db.knex('incident_events').where({ incident_id: id }).select('action', 'to_status')).toEqual([
      { action: 'tao', to_status: 'moi' },
    ]);
    expect(
      await t.db
        .knex('audit_events')
        .where({ action: 'incident.create', target_id: String(id) })
        .first(),
    ).toBeDefined();
    const list = await adminAgent.get(`${BASE}?loai=yeu_cau_thay_doi&q=so+hoi+vien`);
    expect(list.text).toContain('Thêm cột số hội viên');
    const other = await adminAgent.get(`${BASE}?loai=su_co`);
    expect(other.text).not.toContain('Thêm cột số hội viên');
  });
});

describe('routing to the IT Centre and history', () => {
  it('the operator routes what they cannot solve; every it_admin is notified; only the IT Centre resolves it then', async () => {
    const res = await create(staffAgent, {
      kind: 'su_co',
      title: 'Không tải được tệp PDF',
      description: 'Lỗi 500 khi tải tệp.',
      severity: 'cao',
    });
    const id = idFrom(String(res.headers.location));
    expect((await act(staffAgent, id, 'tiep_nhan')).status).toBe(303);
    // Routing needs a reason.
    const noReason = await act(staffAgent, id, 'chuyen_tttt', '');
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Hãy ghi lý do chuyển Trung tâm Thông tin.');
    expect((await act(staffAgent, id, 'chuyen_tttt', 'Lỗi máy chủ, cần Trung tâm Thông tin kiểm tra.')).status).toBe(303);
    expect((await t.db.knex('incidents').where({ id }).first()).status).toBe('da_chuyen_tttt');

    for (const u of [admin, admin2]) {
      const n = await t.db.knex('notifications').where({ user_id: u.id, kind: 'incident.routed' }).first();
      expect(n).toMatchObject({ link: `${BASE}/${id}` });
      expect(n.title).toContain('Không tải được tệp PDF');
    }
    expect(await t.db.knex('notifications').where({ user_id: staff.id, kind: 'incident.routed' }).first()).toBeUndefined();
    const inbox = await adminAgent.get('/thong-bao');
    expect(inbox.text).toContain('được chuyển Trung tâm Thông tin');

    // The operator can no longer resolve it: the form does not offer it and the server refuses it.
    const page = await staffAgent.get(`${BASE}/${id}`);
    expect(page.text).not.toContain('value="giai_quyet"');
    expect((await act(staffAgent, id, 'giai_quyet', 'thử')).status).toBe(403);
    // The IT Centre resolves it; the reporter is notified.
    expect((await act(adminAgent, id, 'giai_quyet', 'Đã sửa quyền thư mục lưu tệp.')).status).toBe(303);
    expect(await t.db.knex('notifications').where({ user_id: staff.id, kind: 'incident.resolved' }).first()).toBeDefined();
    expect((await act(staffAgent, id, 'dong')).status).toBe(303);

    const events = await t.db
      .knex('incident_events')
      .where({ incident_id: id })
      .orderBy('id')
      .select('action', 'from_status', 'to_status', 'actor_user_id');
    expect(events).toEqual([
      { action: 'tao', from_status: null, to_status: 'moi', actor_user_id: staff.id },
      { action: 'tiep_nhan', from_status: 'moi', to_status: 'dang_xu_ly', actor_user_id: staff.id },
      { action: 'chuyen_tttt', from_status: 'dang_xu_ly', to_status: 'da_chuyen_tttt', actor_user_id: staff.id },
      { action: 'giai_quyet', from_status: 'da_chuyen_tttt', to_status: 'da_giai_quyet', actor_user_id: admin.id },
      { action: 'dong', from_status: 'da_giai_quyet', to_status: 'dong', actor_user_id: staff.id },
    ]);
    const show = await adminAgent.get(`${BASE}/${id}`);
    expect(show.text).toContain('Đã sửa quyền thư mục lưu tệp.');
    expect(show.text).toContain('Đã chuyển Trung tâm Thông tin');
    expect(show.text).toContain('Đóng');
    const closed = await adminAgent.get(`${BASE}?trang-thai=dong`);
    expect(closed.text).toContain('Không tải được tệp PDF');
  });

  it('the operator resolves directly; comments add history without a status change; a stale status is a 409', async () => {
    const res = await create(adminAgent, { kind: 'su_co', title: 'Sai chính tả trang chủ', description: 'Chữ "Hôi".', severity: 'thap' });
    const id = idFrom(String(res.headers.location));
    expect((await act(leadAgent, id, 'binh_luan', 'Đã thấy, nhờ sửa.')).status).toBe(303);
    // ngo_lead does not take up incidents (operator's job).
    expect((await act(leadAgent, id, 'tiep_nhan')).status).toBe(403);
    expect((await act(staffAgent, id, 'giai_quyet', 'Đã sửa.')).status).toBe(303);
    expect((await t.db.knex('incidents').where({ id }).first()).status).toBe('da_giai_quyet');
    expect((await act(staffAgent, id, 'dong', '', 'dang_xu_ly')).status).toBe(409);
    const comments = await t.db.knex('incident_events').where({ incident_id: id, action: 'binh_luan' }).select('comment', 'to_status');
    expect(comments).toEqual([{ comment: 'Đã thấy, nhờ sửa.', to_status: null }]);
  });

  it('paginates the list (20 per page)', async () => {
    const rows = Array.from({ length: 22 }, (_, i) => ({
      kind: 'su_co',
      title: `Sự cố hàng loạt ${String(i).padStart(2, '0')}`,
      description: 'x',
      severity: 'trung_binh',
      reporter_name: 'Thử',
      created_at: new Date(Date.UTC(2026, 0, 1, 0, i)),
    }));
    await t.db.knex('incidents').insert(rows);
    const p1 = await staffAgent.get(`${BASE}?q=hang+loat`);
    expect(p1.text).toContain('Sự cố hàng loạt 21');
    expect(p1.text).not.toContain('Sự cố hàng loạt 01');
    expect(p1.text).toContain('trang=2');
    const p2 = await staffAgent.get(`${BASE}?q=hang+loat&trang=2`);
    expect(p2.text).toContain('Sự cố hàng loạt 01');
    expect((await staffAgent.get(`${BASE}/999999`)).status).toBe(404);
  });
});
