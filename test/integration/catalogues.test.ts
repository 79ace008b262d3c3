/** Catalogue editing through the real forms: NGO staff only, validation, audit, round trips with the DB. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedReference } from '../../seeds/reference/index.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfFrom, csrfToken, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const BASE = '/quan-tri/danh-muc';

let t: TestContext;
let staff: TestUser;
let staffAgent: Agent;

beforeAll(async () => {
  t = await buildTestApp();
  await seedReference(t.db.knex);
  staff = await createUser(t.db.knex, ['ngo_staff']);
  staffAgent = await loggedInAgent(t, staff);
});
afterAll(() => t.db.destroy());

/** Posts a form the way a browser does: with the `_csrf` of the page it was shown on. */
async function submit(a: Agent, formPath: string, fields: Record<string, string>, action = formPath) {
  const token = await csrfToken(a, formPath);
  return a
    .post(action)
    .type('form')
    .send({ _csrf: token, ...fields });
}

const natureCount = async () => Number((await t.db.knex('natures').count({ n: '*' }).first())?.n);
const auditRows = (action: string, targetId: string) =>
  t.db.knex('audit_events').where({ action, target_id: targetId }).orderBy('id') as Promise<
    Array<{
      actor_user_id: number;
      target_type: string;
      details: { before: Record<string, unknown> | null; after: Record<string, unknown> };
    }>
  >;

describe('catalogue pages as NGO staff', () => {
  it('lists the nine catalogues with current and expired counts', async () => {
    const res = await staffAgent.get(BASE);
    expect(res.status).toBe(200);
    for (const label of ['Tỉnh, thành phố', 'Bộ, ngành quản lý', 'Lĩnh vực hoạt động', 'Trạng thái của hội', 'Nguồn gốc trụ sở']) {
      expect(res.text).toContain(label);
    }
    expect(res.text).toContain('<caption');
    const provinces = /href="\/quan-tri\/danh-muc\/tinh">[\s\S]*?<\/tr>/.exec(res.text)?.[0] ?? '';
    const numbers = [...provinces.matchAll(/<td class="text-end">(\d+)/g)].map((m) => m[1]);
    expect(numbers).toEqual(['34', '63']);
  });

  it('shows one catalogue, current entries first, successors by name, and filters to current entries', async () => {
    const res = await staffAgent.get(`${BASE}/tinh`);
    expect(res.status).toBe(200);
    const firstCurrent = res.text.indexOf('Thành phố Hà Nội</th>');
    const firstFormer = res.text.indexOf('(trước 01/07/2025)');
    expect(firstCurrent).toBeGreaterThan(0);
    expect(firstFormer).toBeGreaterThan(firstCurrent);
    // Hà Giang's row names its successor Tuyên Quang and its end date.
    const haGiang = /Tỉnh Hà Giang \(trước 01\/07\/2025\)[\s\S]*?<\/tr>/.exec(res.text)?.[0] ?? '';
    expect(haGiang).toContain('Tỉnh Tuyên Quang');
    expect(haGiang).toContain('Đến 30/06/2025');
    expect(haGiang).toContain('Hết hiệu lực');

    const filtered = await staffAgent.get(`${BASE}/tinh?hieu-luc=1`);
    expect(filtered.status).toBe(200);
    expect(filtered.text).toContain('Thành phố Hà Nội');
    expect(filtered.text).not.toContain('(trước 01/07/2025)');
    expect(filtered.text).toMatch(/<input[^>]*id="hieu-luc"[^>]*checked/);
  });

  it('shows the default ministry of each field', async () => {
    const res = await staffAgent.get(`${BASE}/linh-vuc`);
    const row = /Khoa học - công nghệ[\s\S]*?<\/tr>/.exec(res.text)?.[0] ?? '';
    expect(row).toContain('Bộ Khoa học và Công nghệ');
  });

  it('answers 404 for an unknown catalogue or entry', async () => {
    expect((await staffAgent.get(`${BASE}/khong-co`)).status).toBe(404);
    expect((await staffAgent.get(`${BASE}/khong-co/moi`)).status).toBe(404);
    expect((await staffAgent.get(`${BASE}/tinh/khong-co/sua`)).status).toBe(404);
  });

  it('adds an entry: 303 to the list with a message, the row and its audit entry in the database', async () => {
    const res = await submit(staffAgent, `${BASE}/tinh-chat/moi`, {
      code: 'MT',
      name: 'Hội môi trường',
      sortOrder: '',
      validFrom: '1/7/2025',
      validTo: '',
      successorCode: '',
      note: 'Thêm theo đề nghị',
    });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${BASE}/tinh-chat`);
    const list = await staffAgent.get(res.headers.location as string);
    expect(list.text).toContain('Đã thêm &#34;Hội môi trường&#34; (mã MT)');
    expect(list.text).toContain('Từ 01/07/2025');

    const row = await t.db.knex('natures').where({ code: 'MT' }).first();
    expect(row).toMatchObject({
      name: 'Hội môi trường',
      valid_from: '2025-07-01',
      valid_to: null,
      note: 'Thêm theo đề nghị',
      updated_by: staff.id,
    });
    expect(row.sort_order).toBe(11); // after the ten seeded natures
    const audits = await auditRows('catalogue.create', 'MT');
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({ actor_user_id: staff.id, target_type: 'natures' });
    expect(audits[0]?.details.before).toBeNull();
    expect(audits[0]?.details.after).toMatchObject({ code: 'MT', name: 'Hội môi trường', valid_from: '2025-07-01' });
  });

  it('edits an entry: the form shows dd/mm/yyyy, the code never changes, before/after are audited', async () => {
    const form = await staffAgent.get(`${BASE}/tinh/cu-02/sua`);
    expect(form.status).toBe(200);
    expect(form.text).toContain('value="30/06/2025"');
    expect(form.text).toMatch(/<option value="08"\s+selected>/);
    expect(form.text).not.toContain('<option value="cu-02"'); // never its own successor
    expect(form.text).not.toContain('<option value="cu-04"'); // expired entries are not offered

    const res = await staffAgent
      .post(`${BASE}/tinh/cu-02/sua`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        code: 'HACKED',
        name: 'Tỉnh Hà Giang (cũ)',
        sortOrder: '40',
        validFrom: '',
        validTo: '30/06/2025',
        successorCode: '08',
        note: 'Nghị quyết 202/2025/QH15',
        version: /name="version" value="([^"]+)"/.exec(form.text)?.[1] ?? '',
      });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${BASE}/tinh`);
    expect(await t.db.knex('provinces').where({ code: 'HACKED' }).first()).toBeUndefined();
    const row = await t.db.knex('provinces').where({ code: 'cu-02' }).first();
    expect(row).toMatchObject({
      name: 'Tỉnh Hà Giang (cũ)',
      sort_order: 40,
      valid_to: '2025-06-30',
      successor_code: '08',
      updated_by: staff.id,
    });
    expect(row.note).toBe('Nghị quyết 202/2025/QH15');
    const audits = await auditRows('catalogue.update', 'cu-02');
    expect(audits).toHaveLength(1);
    expect(audits[0]?.details.before).toMatchObject({ name: 'Tỉnh Hà Giang (trước 01/07/2025)', sort_order: 36 });
    expect(audits[0]?.details.after).toMatchObject({ name: 'Tỉnh Hà Giang (cũ)', sort_order: 40 });
  });

  it('refuses an edit made on a stale version with 409 and saves nothing', async () => {
    const form = await staffAgent.get(`${BASE}/loai-hinh/khac/sua`);
    const version = /name="version" value="([^"]+)"/.exec(form.text)?.[1] ?? '';
    const first = await staffAgent
      .post(`${BASE}/loai-hinh/khac/sua`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), name: 'Loại khác', version });
    expect(first.status).toBe(303);
    const second = await staffAgent
      .post(`${BASE}/loai-hinh/khac/sua`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), name: 'Khác nữa', version });
    expect(second.status).toBe(409);
    expect((await t.db.knex('association_kinds').where({ code: 'khac' }).first()).name).toBe('Loại khác');
  });
});

describe('validation: 400, the message next to the field, the values kept, nothing saved', () => {
  it('refuses a badly formed code', async () => {
    const before = await natureCount();
    const res = await submit(staffAgent, `${BASE}/tinh-chat/moi`, { code: 'mã có dấu', name: 'Hội thử nghiệm' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Lỗi: ');
    expect(res.text).toMatch(/id="code-error">[\s\S]*?Mã chỉ gồm chữ cái không dấu/);
    expect(res.text).toContain('value="mã có dấu"');
    expect(res.text).toContain('value="Hội thử nghiệm"');
    expect(await natureCount()).toBe(before);
  });

  it('refuses a code already used, whatever its case', async () => {
    const before = await natureCount();
    for (const code of ['KHAC', 'khac']) {
      const res = await submit(staffAgent, `${BASE}/tinh-chat/moi`, { code, name: 'Trùng mã' });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/id="code-error">[\s\S]*?Mã &#34;KHAC&#34; đã có trong danh mục/);
      expect(res.text).toContain('value="Trùng mã"');
    }
    // Reported together with other mistakes on the same form.
    const both = await submit(staffAgent, `${BASE}/tinh-chat/moi`, { code: 'KHAC', name: '' });
    expect(both.status).toBe(400);
    expect(both.text).toContain('Nhập tên gọi.');
    expect(both.text).toContain('Mã &#34;KHAC&#34; đã có trong danh mục');
    // The error summary lists the mistakes in the form's order: the code first, then the name.
    const summary = /id="error-summary"[\s\S]*?<\/ul>/.exec(both.text)?.[0] ?? '';
    expect(summary.indexOf('KHAC')).toBeGreaterThan(0);
    expect(summary.indexOf('KHAC')).toBeLessThan(summary.indexOf('Nhập tên gọi.'));
    expect(await natureCount()).toBe(before);
    expect((await t.db.knex('natures').where({ code: 'KHAC' }).first()).name).toBe('Khác');
  });

  it('refuses an end date before the start date, on add and on edit', async () => {
    const before = await natureCount();
    const res = await submit(staffAgent, `${BASE}/tinh-chat/moi`, {
      code: 'NGUOC',
      name: 'Ngày ngược',
      validFrom: '01/07/2025',
      validTo: '30/06/2025',
    });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/id="validTo-error">[\s\S]*?Ngày hết hiệu lực phải bằng hoặc sau ngày bắt đầu hiệu lực/);
    expect(res.text).toContain('value="01/07/2025"');
    expect(res.text).toContain('value="30/06/2025"');
    expect(await natureCount()).toBe(before);

    const edit = await submit(staffAgent, `${BASE}/tinh-chat/KHKT/sua`, {
      name: 'Đổi tên',
      validFrom: '02/01/2026',
      validTo: '01/01/2026',
    });
    expect(edit.status).toBe(400);
    expect(edit.text).toContain('value="Đổi tên"');
    const row = await t.db.knex('natures').where({ code: 'KHKT' }).first();
    expect(row).toMatchObject({ name: 'Hội khoa học - kỹ thuật', valid_from: null, valid_to: null });
  });

  it('refuses a date that does not exist or is not dd/mm/yyyy', async () => {
    for (const bad of ['31/02/2025', '2025-07-01']) {
      const res = await submit(staffAgent, `${BASE}/tinh-chat/moi`, { code: 'NGAY', name: 'Ngày sai', validFrom: bad });
      expect(res.status).toBe(400);
      expect(res.text).toMatch(/id="validFrom-error">[\s\S]*?ngày\/tháng\/năm/);
      expect(res.text).toContain(`value="${bad}"`);
    }
    expect(await t.db.knex('natures').where({ code: 'NGAY' }).first()).toBeUndefined();
  });

  it('refuses an expired successor, an unknown one and the entry itself', async () => {
    const expired = await submit(staffAgent, `${BASE}/tinh/cu-17/sua`, {
      name: 'Tỉnh Hòa Bình (trước 01/07/2025)',
      validTo: '30/06/2025',
      successorCode: 'cu-25',
    });
    expect(expired.status).toBe(400);
    expect(expired.text).toMatch(/id="successorCode-error">[\s\S]*?Đơn vị kế thừa phải là mục đang hiệu lực/);
    const self = await submit(staffAgent, `${BASE}/tinh/cu-17/sua`, {
      name: 'Tỉnh Hòa Bình',
      validTo: '30/06/2025',
      successorCode: 'cu-17',
    });
    expect(self.status).toBe(400);
    expect(self.text).toContain('không thể là chính mục này');
    const unknown = await submit(staffAgent, `${BASE}/tinh/cu-17/sua`, { name: 'Tỉnh Hòa Bình', successorCode: 'zz' });
    expect(unknown.status).toBe(400);
    expect((await t.db.knex('provinces').where({ code: 'cu-17' }).first()).successor_code).toBe('25');
  });
});

describe('statuses: codes the application relies on', () => {
  it('refuses adding an entry, on the page and on the post', async () => {
    const page = await staffAgent.get(`${BASE}/trang-thai/moi`);
    expect(page.status).toBe(403);
    expect(page.text).toContain('không thêm được mục mới');
    const list = await staffAgent.get(`${BASE}/trang-thai`);
    expect(list.text).not.toContain(`${BASE}/trang-thai/moi`);
    const res = await staffAgent
      .post(`${BASE}/trang-thai/moi`)
      .type('form')
      .send({ _csrf: csrfFrom(list.text), code: 'moi', name: 'Mới' });
    expect(res.status).toBe(403);
    expect(await t.db.knex('statuses').where({ code: 'moi' }).first()).toBeUndefined();
  });

  it('edits only the name and the note; a posted code, order or date is ignored', async () => {
    const form = await staffAgent.get(`${BASE}/trang-thai/hoat_dong/sua`);
    expect(form.status).toBe(200);
    expect(form.text).not.toContain('name="validTo"');
    expect(form.text).not.toContain('name="code"');
    const res = await staffAgent
      .post(`${BASE}/trang-thai/hoat_dong/sua`)
      .type('form')
      .send({
        _csrf: csrfFrom(form.text),
        code: 'active',
        name: 'Đang hoạt động bình thường',
        note: 'Tên mới',
        validTo: '01/01/2020',
        sortOrder: '99',
      });
    expect(res.status).toBe(303);
    expect(await t.db.knex('statuses').where({ code: 'active' }).first()).toBeUndefined();
    const row = await t.db.knex('statuses').where({ code: 'hoat_dong' }).first();
    expect(row).toMatchObject({ name: 'Đang hoạt động bình thường', note: 'Tên mới', valid_to: null, sort_order: 2 });
    expect(await auditRows('catalogue.update', 'hoat_dong')).toHaveLength(1);
  });
});

describe('stored XSS', () => {
  it('prints a name with markup escaped on the list and the form', async () => {
    const res = await submit(staffAgent, `${BASE}/nguon-goc-tru-so/moi`, { code: 'XSS', name: '<script>alert(1)</script>' });
    expect(res.status).toBe(303);
    for (const path of [`${BASE}/nguon-goc-tru-so`, `${BASE}/nguon-goc-tru-so/XSS/sua`]) {
      const page = await staffAgent.get(path);
      expect(page.text).not.toContain('<script>alert(1)</script>');
      expect(page.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    }
  });
});

describe('access: only ngo_staff and ngo_lead (R-6.2)', () => {
  const pages = [BASE, `${BASE}/tinh`, `${BASE}/tinh/moi`, `${BASE}/tinh/01/sua`];
  const posts = [`${BASE}/tinh/moi`, `${BASE}/tinh/01/sua`];
  const homes = { association: '/hoi-cua-toi/', exploiter: '/khai-thac/', leader: '/quan-tri/', it_admin: '/quan-tri/' } as const;

  for (const role of ['association', 'exploiter', 'leader', 'it_admin'] as const) {
    it(`refuses ${role} every page and every post with 403`, async () => {
      const user = await createUser(t.db.knex, [role]);
      const a = await loggedInAgent(t, user);
      for (const path of pages) expect((await a.get(path)).status, `GET ${path}`).toBe(403);
      const token = await csrfToken(a, homes[role]);
      for (const path of posts) {
        const res = await a.post(path).type('form').send({ _csrf: token, code: 'ROLE', name: 'Không được phép' });
        expect(res.status, `POST ${path}`).toBe(403);
      }
      expect((await t.db.knex('provinces').where({ code: '01' }).first()).name).toBe('Thành phố Hà Nội');
      expect(await t.db.knex('provinces').where({ code: 'ROLE' }).first()).toBeUndefined();
      const denied = await t.db.knex('audit_events').where({ action: 'access.denied', actor_user_id: user.id }).count({ n: '*' }).first();
      expect(Number(denied?.n)).toBe(pages.length + posts.length);
    });
  }

  it('sends an anonymous visitor to the login page, GET and POST', async () => {
    const a = agent(t);
    for (const path of pages) {
      const res = await a.get(path);
      expect(res.status, `GET ${path}`).toBe(303);
      expect(res.headers.location).toBe(`/dang-nhap?tiep=${encodeURIComponent(path)}`);
    }
    const token = await csrfToken(a, '/dang-nhap');
    for (const path of posts) {
      const res = await a.post(path).type('form').send({ _csrf: token, code: 'ANON', name: 'Ẩn danh' });
      expect(res.status, `POST ${path}`).toBe(303);
      expect(res.headers.location).toMatch(/^\/dang-nhap/);
    }
    expect(await t.db.knex('provinces').where({ code: 'ANON' }).first()).toBeUndefined();
  });

  it('lets ngo_lead in', async () => {
    const a = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
    for (const path of pages) expect((await a.get(path)).status, `GET ${path}`).toBe(200);
  });
});

describe('options for other features', () => {
  it('lists { code, name, current }, entries in force first', async () => {
    const provinces = await t.services.catalogues.options('provinces');
    expect(provinces).toHaveLength(97);
    expect(provinces.slice(0, 34).every((o) => o.current)).toBe(true);
    expect(provinces.slice(34).every((o) => !o.current)).toBe(true);
    expect(provinces[0]).toEqual({ code: '01', name: 'Thành phố Hà Nội', current: true });
    const all = await t.services.catalogues.loadAll();
    expect(Object.keys(all)).toHaveLength(9);
    expect(all.statuses.map((o) => o.code)).toContain('giai_the');
  });
});

describe('reference seed in the database', () => {
  it('holds 34 current provinces and 63 former ones, each succeeded by a current one; re-seeding keeps edits', async () => {
    const today = new Date().toISOString().slice(0, 10);
    const rows: Array<{ code: string; valid_to: string | null; successor_code: string | null }> = await t.db
      .knex('provinces')
      .select('code', 'valid_to', 'successor_code');
    const current = rows.filter((r) => r.valid_to === null || r.valid_to >= today);
    const former = rows.filter((r) => r.valid_to !== null && r.valid_to < today);
    expect(current).toHaveLength(34);
    expect(former).toHaveLength(63);
    const currentCodes = new Set(current.map((r) => r.code));
    for (const r of former) expect(currentCodes.has(r.successor_code as string), r.code).toBe(true);

    await t.db.knex('provinces').where({ code: 'cu-06' }).update({ name: 'Bắc Kạn (đã sửa)' });
    await seedReference(t.db.knex);
    expect((await t.db.knex('provinces').where({ code: 'cu-06' }).first()).name).toBe('Bắc Kạn (đã sửa)');
    expect(Number((await t.db.knex('provinces').count({ n: '*' }).first())?.n)).toBe(97);
  });
});
