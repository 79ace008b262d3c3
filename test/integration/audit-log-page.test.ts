/**
 * The IT Centre's audit log (SPEC §1: the audit log belongs to it_admin; RELIABILITY checks 11, 19, 20,
 * 30): /quan-tri/he-thong/nhat-ky shows who did what, on which record, from which address, in plain Vietnamese;
 * filters narrow it (bad values → 400 next to the field, values kept), pages follow by keyset, the CSV export holds
 * exactly the filtered rows, and both viewing and exporting are themselves audited. Other roles: route-matrix.test.ts.
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { parseCsv } from '../helpers/csv.js';
import { type Agent, agent, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const PAGE = '/quan-tri/he-thong/nhat-ky';
const CSV = '/quan-tri/he-thong/nhat-ky.csv';

let t: TestContext;
let admin: TestUser;
let staff: TestUser;
let adminAgent: Agent;

interface Fixture {
  at: string;
  actor?: TestUser | null;
  username?: string | null;
  action: string;
  outcome?: 'success' | 'failure' | 'denied';
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  details?: Record<string, unknown>;
}

async function insert(rows: Fixture[]): Promise<void> {
  await t.db.knex('audit_events').insert(
    rows.map((r) => ({
      occurred_at: new Date(r.at),
      actor_user_id: r.actor?.id ?? null,
      actor_username: r.actor?.username ?? r.username ?? null,
      action: r.action,
      outcome: r.outcome ?? 'success',
      target_type: r.targetType ?? null,
      target_id: r.targetId ?? null,
      ip: r.ip ?? null,
      details: r.details ? JSON.stringify(r.details) : null,
    })),
  );
}

/** The audit rows a page shows, in order (each row is `<tr id="su-kien-<id>">`). */
function shownIds(html: string): number[] {
  return [...html.matchAll(/<tr id="su-kien-(\d+)"/g)].map((m) => Number(m[1]));
}

/** The `href` of the link whose text is `text` (pager links). */
function linkNamed(html: string, text: string): string | undefined {
  const m = new RegExp(`<a [^>]*href="([^"]+)"[^>]*>${text}</a>`).exec(html);
  return m?.[1]?.replace(/&amp;/g, '&');
}

/** Ids of the rows matching `build`, in the page's order (newest first). */
async function idsWhere(build: (q: Knex.QueryBuilder) => void): Promise<number[]> {
  const q = t.db
    .knex('audit_events')
    .select('id')
    .orderBy([
      { column: 'occurred_at', order: 'desc' },
      { column: 'id', order: 'desc' },
    ]);
  build(q);
  return (await q).map((r: { id: number | string }) => Number(r.id));
}

async function maxId(): Promise<number> {
  const row = (await t.db.knex('audit_events').max('id as id').first()) as { id: number | string | null } | undefined;
  return Number(row?.id ?? 0);
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000' });
  admin = await createUser(t.db.knex, ['it_admin']);
  staff = await createUser(t.db.knex, ['ngo_staff']);
  adminAgent = await loggedInAgent(t, admin);
  // March 2025, in Viet Nam's time (UTC+7): the first row is 00:30 on 10/03 there, the one before 23:30 on 09/03.
  await insert([
    { at: '2025-03-09T16:30:00Z', actor: staff, action: 'logout', targetType: 'user', targetId: String(staff.id), ip: '10.1.1.1' },
    { at: '2025-03-09T17:30:00Z', actor: staff, action: 'login', targetType: 'user', targetId: String(staff.id), ip: '10.1.1.1' },
    {
      at: '2025-03-10T01:00:05Z',
      username: 'ke.gian',
      action: 'login',
      outcome: 'failure',
      targetType: 'user',
      ip: '203.0.113.9',
      details: { reason: 'unknown', locked: false },
    },
    {
      at: '2025-03-10T02:00:00Z',
      actor: staff,
      action: 'association.update',
      targetType: 'association',
      targetId: 'H000042',
      ip: '::ffff:10.1.1.1',
      details: { version: 3, source: 'edit' },
    },
    { at: '2025-03-11T03:00:00Z', actor: admin, action: 'user.disable', targetType: 'user', targetId: String(staff.id), ip: '10.9.9.9' },
    {
      at: '2025-03-11T04:00:00Z',
      username: '=HYPERLINK("http://ke-gian.example")',
      action: 'login',
      outcome: 'failure',
      targetType: 'user',
      ip: '203.0.113.9',
      details: { reason: 'unknown', locked: false },
    },
    {
      at: '2025-03-12T05:00:00Z',
      action: 'access.denied',
      outcome: 'denied',
      targetType: 'route',
      targetId: 'GET /quan-tri/hoi',
      ip: '203.0.113.9',
    },
  ]);
  // 120 views of personal data in April 2025, one a minute: three pages of 50.
  await insert(
    Array.from({ length: 120 }, (_, i) => ({
      at: new Date(Date.UTC(2025, 3, 1, 2, i, 0)).toISOString(),
      actor: staff,
      action: 'personal_data.view',
      targetType: 'association',
      targetId: `H${String(100 + i).padStart(6, '0')}`,
      ip: '10.1.1.2',
      details: { data: 'leaders' },
    })),
  );
});
afterAll(() => t.db.destroy());

describe('the audit log page', () => {
  it('shows who did what, on which record, from where — in Vietnamese, in Viet Nam time, without internal codes', async () => {
    const res = await adminAgent.get(PAGE).query({ 'tu-ngay': '10/03/2025', 'den-ngay': '12/03/2025' });
    expect(res.status).toBe(200);
    const expected = await idsWhere((q) => {
      q.whereBetween('occurred_at', [new Date('2025-03-09T17:00:00Z'), new Date('2025-03-12T16:59:59Z')]);
    });
    expect(expected).toHaveLength(6);
    expect(shownIds(res.text)).toEqual(expected);
    const html = res.text;
    // What a reader sees: the text without tags (the action select's option values are codes, never shown).
    const text = html.replace(/<[^>]*>/g, ' ');
    // When: HH:mm:ss dd/mm/yyyy in Asia/Ho_Chi_Minh (01:00:05 UTC is 08:00:05 there).
    expect(html).toContain('08:00:05 10/03/2025');
    expect(html).toContain('00:30:00 10/03/2025');
    expect(html).not.toContain('23:30:00 09/03/2025');
    // Who: the name and the role in Vietnamese; an unknown visitor is "Khách".
    expect(html).toContain(staff.display_name);
    expect(html).toContain('Chuyên viên Vụ Tổ chức phi chính phủ');
    expect(html).toContain('Quản trị hệ thống (Trung tâm Thông tin)');
    expect(html).toContain('Khách');
    // What: plain Vietnamese, the result and the reason of a failure.
    expect(html).toContain('Đăng nhập');
    expect(html).toContain('Sửa hồ sơ hội');
    expect(html).toContain('Vô hiệu hóa tài khoản');
    expect(html).toContain('Bị từ chối truy cập trang');
    expect(html).toContain('Không thành công');
    expect(html).toContain('tên đăng nhập không tồn tại');
    expect(html).toContain('ke.gian');
    // Which record: a link where the IT Centre has a page for it, the association's code otherwise.
    expect(html).toContain(`href="/quan-tri/he-thong/nguoi-dung/${staff.id}"`);
    expect(html).toContain('H000042');
    // From where: the address, an IPv4-mapped one read as IPv4.
    expect(html).toContain('203.0.113.9');
    expect(html).not.toContain('::ffff:');
    for (const code of [
      'association.update',
      'user.disable',
      'access.denied',
      'personal_data',
      'unknown',
      ' login ',
      ' route ',
      'success',
    ]) {
      expect(text, code).not.toContain(code);
    }
    // The formula-like user name is shown as text, escaped.
    expect(html).toContain('=HYPERLINK(&#34;http://ke-gian.example&#34;)');
  });

  it('is in the IT Centre menu, and its table scrolls in a focusable region on a narrow screen', async () => {
    const home = await adminAgent.get('/quan-tri/he-thong');
    expect(home.text).toContain(`href="${PAGE}"`);
    const res = await adminAgent.get(PAGE);
    expect(res.status).toBe(200);
    expect(res.text).toMatch(/<div class="table-responsive" tabindex="0" role="region" aria-label="[^"]+">/);
  });

  it('viewing the log is audited (it shows names and addresses), with the filters used', async () => {
    const before = await maxId();
    const res = await adminAgent.get(PAGE).query({ 'thao-tac': 'user.disable' });
    expect(res.status).toBe(200);
    const rows = await t.db.knex('audit_events').where('id', '>', before).orderBy('id');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ action: 'audit_log.view', actor_user_id: admin.id, outcome: 'success' });
    expect(rows[0].details).toMatchObject({ filters: { action: 'user.disable' }, rows: 1 });
    expect(rows[0].ip).toBeTruthy();
  });
});

describe('filters', () => {
  it('by user, action, address, record, and date each narrow the rows to exactly the matching ones', async () => {
    const cases: Array<[Record<string, string>, (q: Knex.QueryBuilder) => void]> = [
      [{ 'nguoi-dung': staff.username.toUpperCase() }, (q) => q.where({ actor_user_id: staff.id })],
      [{ 'thao-tac': 'login' }, (q) => q.where({ action: 'login' })],
      [{ ip: '10.1.1.1' }, (q) => q.whereIn('ip', ['10.1.1.1', '::ffff:10.1.1.1'])],
      [{ 'doi-tuong': 'association', 'ma-doi-tuong': 'h000042' }, (q) => q.where({ target_type: 'association', target_id: 'H000042' })],
      [{ 'doi-tuong': 'user', 'ma-doi-tuong': staff.username }, (q) => q.where({ target_type: 'user', target_id: String(staff.id) })],
    ];
    for (const [query, where] of cases) {
      const res = await adminAgent.get(PAGE).query({ ...query, 'tu-ngay': '01/03/2025', 'den-ngay': '31/03/2025' });
      expect(res.status, JSON.stringify(query)).toBe(200);
      const expected = await idsWhere((q) => {
        where(q);
        q.whereBetween('occurred_at', [new Date('2025-02-28T17:00:00Z'), new Date('2025-03-31T16:59:59Z')]);
      });
      expect(expected.length, JSON.stringify(query)).toBeGreaterThan(0);
      expect(shownIds(res.text), JSON.stringify(query)).toEqual(expected);
    }
  });

  it('filters combine (user and action), and the form keeps the values chosen', async () => {
    const res = await adminAgent
      .get(PAGE)
      .query({ 'nguoi-dung': staff.username, 'thao-tac': 'login', 'tu-ngay': '2025-03-01', ip: '10.1.1.1' });
    expect(res.status).toBe(200);
    const expected = await idsWhere((q) => {
      q.where({ actor_user_id: staff.id, action: 'login', ip: '10.1.1.1' });
    });
    expect(expected).toHaveLength(1);
    expect(shownIds(res.text)).toEqual(expected);
    expect(res.text).toContain(`value="${staff.username}"`);
    expect(res.text).toMatch(/<option value="login"\s+selected>/);
    expect(res.text).toContain('value="2025-03-01"');
  });

  it.each([
    [{ 'tu-ngay': '31/02/2025' }, 'tu-ngay', 'Từ ngày phải là một ngày có thật'],
    [{ 'tu-ngay': '10/03/2025', 'den-ngay': '09/03/2025' }, 'den-ngay', 'Đến ngày phải bằng hoặc sau Từ ngày'],
    [{ ip: '10.1.1.999' }, 'ip', 'Địa chỉ IP không hợp lệ'],
    [{ 'nguoi-dung': 'khong.co.ai' }, 'nguoi-dung', 'Không có tài khoản nào có tên đăng nhập này'],
    [{ 'thao-tac': 'drop.table' }, 'thao-tac', 'Hãy chọn một thao tác trong danh sách'],
    [{ 'ma-doi-tuong': '12' }, 'doi-tuong', 'Hãy chọn loại đối tượng'],
    [{ 'doi-tuong': 'incident', 'ma-doi-tuong': 'abc' }, 'ma-doi-tuong', 'Số của sự cố là một số nguyên dương'],
  ])('bad filter %j → 400 with the message next to the field and the value kept, nothing audited', async (query, field, message) => {
    const before = await maxId();
    for (const url of [PAGE, CSV]) {
      const res = await adminAgent.get(url).query(query);
      expect(res.status, url).toBe(400);
      expect(res.headers['content-type']).toMatch(/text\/html/);
      expect(res.text).toContain(`id="${field}-error"`);
      expect(res.text).toContain(message);
      expect(res.text).toMatch(/<title>Lỗi: /);
      for (const value of Object.values(query)) if (field !== 'thao-tac') expect(res.text).toContain(`value="${value}"`);
    }
    expect(await maxId()).toBe(before);
  });
});

describe('pagination', () => {
  it('pages of 50 follow by "Trang sau" and "Trang trước", newest first, each row once', async () => {
    const filter = { 'thao-tac': 'personal_data.view', 'tu-ngay': '01/04/2025', 'den-ngay': '01/04/2025' };
    const expected = await idsWhere((q) => {
      q.where({ action: 'personal_data.view' });
    });
    expect(expected).toHaveLength(120);

    const first = await adminAgent.get(PAGE).query(filter);
    expect(first.status).toBe(200);
    expect(shownIds(first.text)).toEqual(expected.slice(0, 50));
    expect(linkNamed(first.text, 'Trang trước')).toBeUndefined();
    const toSecond = linkNamed(first.text, 'Trang sau');
    expect(toSecond).toContain('thao-tac=personal_data.view');

    const second = await adminAgent.get(toSecond as string);
    expect(shownIds(second.text)).toEqual(expected.slice(50, 100));
    const toThird = linkNamed(second.text, 'Trang sau') as string;
    const third = await adminAgent.get(toThird);
    expect(shownIds(third.text)).toEqual(expected.slice(100));
    expect(linkNamed(third.text, 'Trang sau')).toBeUndefined();

    const back = await adminAgent.get(linkNamed(third.text, 'Trang trước') as string);
    expect(shownIds(back.text)).toEqual(expected.slice(50, 100));
    const backToFirst = await adminAgent.get(linkNamed(back.text, 'Trang trước') as string);
    expect(shownIds(backToFirst.text)).toEqual(expected.slice(0, 50));
    expect(linkNamed(backToFirst.text, 'Trang trước')).toBeUndefined();
    // No total over the whole table: the pager names no last page.
    expect(first.text).not.toMatch(/Trang \d+ \/ \d+/);
  });

  it('a forged page cursor is refused with 400', async () => {
    const res = await adminAgent.get(PAGE).query({ sau: "1' OR 1=1" });
    expect(res.status).toBe(400);
  });
});

describe('CSV export', () => {
  it('holds exactly the filtered rows, UTF-8 with BOM, formulas neutralised, and is audited', async () => {
    const filter = { 'tu-ngay': '10/03/2025', 'den-ngay': '12/03/2025', ip: '203.0.113.9' };
    const before = await maxId();
    const res = await adminAgent.get(CSV).query(filter).buffer(true);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(res.headers['content-disposition']).toMatch(/^attachment;/);
    expect(res.text.startsWith('\uFEFF')).toBe(true);
    const [header, ...rows] = parseCsv(res.text);
    expect(header).toEqual([
      'Thời điểm',
      'Người thực hiện',
      'Tên đăng nhập',
      'Vai trò',
      'Thao tác',
      'Kết quả',
      'Chi tiết',
      'Đối tượng',
      'Địa chỉ IP',
      'Mã yêu cầu',
    ]);
    const expected = await t.db
      .knex('audit_events')
      .where({ ip: '203.0.113.9' })
      .orderBy([
        { column: 'occurred_at', order: 'desc' },
        { column: 'id', order: 'desc' },
      ]);
    expect(rows).toHaveLength(expected.length);
    expect(rows.map((r) => r[4])).toEqual(['Bị từ chối truy cập trang', 'Đăng nhập', 'Đăng nhập']);
    expect(rows[0]?.[0]).toBe('12:00:00 12/03/2025');
    expect(rows[0]?.[1]).toBe('Khách');
    expect(rows[0]?.[7]).toContain('/quan-tri/hoi');
    expect(rows.every((r) => r[8] === '203.0.113.9')).toBe(true);
    // The attacker's "user name" =HYPERLINK(...) cannot run as a formula in a spreadsheet.
    const formula = rows[1] as string[];
    expect(formula[2]).toBe('\'=HYPERLINK("http://ke-gian.example")');
    expect(rows.flat().some((c) => /^[=+\-@]/.test(c))).toBe(false);
    // The export is audited: one row, with the filters, and is not part of its own file.
    const written = await t.db.knex('audit_events').where('id', '>', before).orderBy('id');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ action: 'audit_log.export', actor_user_id: admin.id });
    expect(written[0].details).toMatchObject({ filters: { ip: '203.0.113.9', from: '2025-03-10', to: '2025-03-12' } });
  });

  it('with no filter holds every row, beyond any page size, newest first', async () => {
    const before = await t.db.knex('audit_events').count<{ n: number }[]>('* as n');
    const res = await adminAgent.get(CSV).buffer(true);
    expect(res.status).toBe(200);
    const [, ...rows] = parseCsv(res.text);
    // Every row there was when the export began (its own audit row, written first, is left out of the file).
    expect(rows).toHaveLength(Number(before[0]?.n));
    expect(rows.length).toBeGreaterThan(127);
    expect(rows.at(-1)?.[0]).toBe('23:30:00 09/03/2025');
  });

  it('the page links to the CSV of the same filters', async () => {
    const res = await adminAgent.get(PAGE).query({ 'thao-tac': 'login', ip: '203.0.113.9' });
    expect(res.text).toMatch(/href="\/quan-tri\/he-thong\/nhat-ky\.csv\?[^"]*thao-tac=login[^"]*"/);
    expect(res.text).toMatch(/href="\/quan-tri\/he-thong\/nhat-ky\.csv\?[^"]*ip=203\.0\.113\.9[^"]*"/);
  });
});

describe('who may read it (SPEC §1: only the IT Centre)', () => {
  it('an NGO Department officer gets 403 and an anonymous visitor is sent to log in, for the page and the CSV', async () => {
    const officer = await loggedInAgent(t, staff);
    for (const url of [PAGE, CSV]) {
      const denied = await officer.get(url);
      expect(denied.status, url).toBe(403);
      expect(denied.text).not.toContain('ke.gian');
      const anonymous = await agent(t).get(url);
      expect(anonymous.status, url).toBe(303);
      expect(anonymous.headers.location).toBe(`/dang-nhap?tiep=${encodeURIComponent(url)}`);
    }
  });
});
