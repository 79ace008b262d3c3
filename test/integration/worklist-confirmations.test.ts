/**
 * Issue 18 items 4 and 7: the staff home's work list "Việc cần làm" (counts per role, each linking to the list page
 * filtered to exactly those items, zero said plainly, counts capped), the confirmation pages before removing an
 * officer, applying an import and revoking a grant (GET page; POST without `xac-nhan` does nothing), the backups
 * page's meta refresh while a run is in progress, and the favicon.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWorklist, WORKLIST_CAP } from '../../src/features/home/worklist.js';
import type { WorklistRepository } from '../../src/features/home/worklist.repository.js';
import { createFakeClock } from '../../src/lib/clock.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import {
  aBackupRun,
  aJobRun,
  anAccessRegistration,
  anAssociation,
  anImportBatch,
  anOrganisation,
  aSubmission,
  insertAssociations,
} from '../helpers/builders.js';
import { type Agent, agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

const DAY = 86_400_000;
let t: TestContext;
let staff: Agent;
let lead: Agent;
let itAdmin: Agent;
let leader: Agent;

/** The `<li>` of a work item on the staff home. */
function itemOf(html: string, key: string): string {
  const m = html.match(new RegExp(`<li id="${key}"[^>]*>([\\s\\S]*?)</li>`));
  return m?.[0] ?? '';
}
function hrefOf(li: string): string {
  return (li.match(/href="([^"]+)"/)?.[1] ?? '').replace(/&amp;/g, '&');
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '10000' });
  // One login at a time: a TOTP code is accepted once.
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  lead = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
  itAdmin = await loggedInAgent(t, await createUser(t.db.knex, ['it_admin']));
  leader = await loggedInAgent(t, await createUser(t.db.knex, ['leader']));
});
afterAll(() => t.db.destroy());

describe('the staff home work list (issue 18 item 4)', () => {
  it('says plainly when nothing waits', async () => {
    const home = await staff.get('/quan-tri/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Việc cần làm');
    expect(itemOf(home.text, 'bieu-mau-cho-duyet')).toContain('Không có Biểu mẫu 1 nào chờ xét duyệt.');
    expect(itemOf(home.text, 'lo-nhap-cho-ap-dung')).toContain('Không có lô nhập dữ liệu nào chờ áp dụng.');
    expect(itemOf(home.text, 'du-lieu-ca-nhan-qua-han')).toContain('Không có yêu cầu về dữ liệu cá nhân nào quá hạn trả lời.');
    expect(home.text).toContain('Không có việc nào đang chờ bạn.');
    const it = await itAdmin.get('/quan-tri/');
    expect(itemOf(it.text, 'tac-vu-loi')).toContain('Không có tác vụ tự động nào thất bại trong 7 ngày qua.');
    expect(itemOf(it.text, 'sao-luu-loi')).toContain('Không có lần sao lưu hay diễn tập khôi phục nào thất bại');
  });

  it('NGO staff: waiting Biểu mẫu 1 and congress packages, imports to apply; each link lists exactly those', async () => {
    const k = t.db.knex;
    const assocs = await insertAssociations(k, [anAssociation(), anAssociation(), anAssociation(), anAssociation(), anAssociation()]);
    const ids = assocs.map((a) => a.id);
    const at = t.clock.now();
    await aSubmission(ids[0] as number, { status: 'submitted', submitted_at: at }).insert(k);
    await aSubmission(ids[1] as number, { status: 'resubmitted', submitted_at: at }).insert(k);
    await aSubmission(ids[2] as number, { status: 'submitted', kind: 'congress', submitted_at: at }).insert(k);
    await aSubmission(ids[3] as number, { status: 'draft' }).insert(k);
    await aSubmission(ids[4] as number, { status: 'approved', submitted_at: at }).insert(k);
    await anImportBatch().insert(k);
    await anImportBatch().insert(k);
    await anImportBatch({ status: 'applied' }).insert(k);
    await anAccessRegistration().insert(k);
    await anAccessRegistration({ status: 'refused' }).insert(k);

    const home = await staff.get('/quan-tri/');
    const forms = itemOf(home.text, 'bieu-mau-cho-duyet');
    expect(forms).toMatch(/<strong>2<\/strong> Biểu mẫu 1 chờ xét duyệt/);
    expect(hrefOf(forms)).toBe('/quan-tri/bieu-mau?loai=bieu-mau');
    const formQueue = await staff.get(hrefOf(forms));
    expect(formQueue.text).toMatch(/id="so-bieu-mau">2</);
    expect(formQueue.text).not.toContain('badge text-bg-info');

    const congress = itemOf(home.text, 'dai-hoi-cho-duyet');
    expect(congress).toMatch(/<strong>1<\/strong> hồ sơ đại hội chờ xét duyệt/);
    const congressQueue = await staff.get(hrefOf(congress));
    expect(congressQueue.text).toMatch(/id="so-bieu-mau">1</);
    expect(congressQueue.text).toContain('Hồ sơ đại hội</span>');

    const imports = itemOf(home.text, 'lo-nhap-cho-ap-dung');
    expect(imports).toMatch(/<strong>2<\/strong> lô nhập dữ liệu đã kiểm tra, chờ áp dụng/);
    expect(hrefOf(imports)).toBe('/quan-tri/nhap-du-lieu?trang-thai=validated');
    const importList = await staff.get(hrefOf(imports));
    expect(importList.text).toMatch(/id="so-lo-loc">2 lô/);
    expect(importList.text.match(/Đã kiểm tra, chờ áp dụng<\/td>/g)?.length).toBe(2);

    // Registrations are decided by the lead only: not on the staff's list; IT items neither.
    expect(itemOf(home.text, 'dang-ky-cho-duyet')).toBe('');
    expect(itemOf(home.text, 'tac-vu-loi')).toBe('');
    expect(home.text).not.toContain('Không có việc nào đang chờ bạn.');
  });

  it('NGO lead: access registrations waiting, linked to the filtered register', async () => {
    const home = await lead.get('/quan-tri/');
    const li = itemOf(home.text, 'dang-ky-cho-duyet');
    expect(li).toMatch(/<strong>1<\/strong> phiếu đăng ký khai thác chờ xét duyệt/);
    expect(hrefOf(li)).toBe('/quan-tri/dang-ky-khai-thac?trang_thai=pending');
    const list = await lead.get(hrefOf(li));
    expect(list.status).toBe(200);
    expect(list.text).toContain('Chờ xét duyệt');
    expect(list.text).not.toContain('Không chấp thuận</td>');
    expect(itemOf(home.text, 'bieu-mau-cho-duyet')).toMatch(/<strong>2<\/strong>/);
  });

  it('IT Centre: failed job runs and failed backups or drills of the last 7 days', async () => {
    const k = t.db.knex;
    const now = t.clock.now().getTime();
    await aJobRun({ started_at: new Date(now - DAY) }).insert(k);
    await aJobRun({ job: 'quarterly-cycle', started_at: new Date(now - 2 * DAY) }).insert(k);
    await aJobRun({ started_at: new Date(now - 10 * DAY) }).insert(k);
    await aJobRun({ status: 'succeeded', started_at: new Date(now - DAY), error: null }).insert(k);
    await aBackupRun({ started_at: new Date(now - DAY) }).insert(k);
    await aBackupRun({ kind: 'drill', started_at: new Date(now - 3 * DAY) }).insert(k);
    await aBackupRun({ started_at: new Date(now - 12 * DAY) }).insert(k);
    await aBackupRun({ status: 'succeeded', started_at: new Date(now - DAY), finished_at: new Date(now - DAY), error: null }).insert(k);

    const home = await itAdmin.get('/quan-tri/');
    const jobs = itemOf(home.text, 'tac-vu-loi');
    expect(jobs).toMatch(/<strong>2<\/strong> lần chạy tác vụ tự động thất bại trong 7 ngày qua/);
    expect(jobs).toContain('text-danger');
    const runs = await itAdmin.get(hrefOf(jobs));
    expect(runs.status).toBe(200);
    expect(runs.text).toContain('Tổng số: 2 lượt chạy.');

    const backups = itemOf(home.text, 'sao-luu-loi');
    expect(backups).toMatch(/<strong>2<\/strong> lần sao lưu hoặc diễn tập khôi phục thất bại/);
    expect(hrefOf(backups)).toBe('/quan-tri/he-thong/sao-luu?ket-qua=failed&so-ngay=7');
    const list = await itAdmin.get(hrefOf(backups));
    expect(list.text).toContain('Các lần sao lưu và diễn tập (2)');
    expect(list.text).not.toContain('badge text-bg-success');

    // The IT Centre sees none of the NGO Department's items; a leader has no work list.
    expect(itemOf(home.text, 'bieu-mau-cho-duyet')).toBe('');
    const leaderHome = await leader.get('/quan-tri/');
    expect(leaderHome.status).toBe(200);
    expect(leaderHome.text).not.toContain('Việc cần làm');
  });

  it('counts stop at the cap and say "hơn" (the cost does not grow with the table)', async () => {
    const fake = (n: number): WorklistRepository => ({
      waitingSubmissions: async (_kind, cap) => Math.min(n, cap + 1),
      pendingRegistrations: async (cap) => Math.min(n, cap + 1),
      importsToApply: async (cap) => Math.min(n, cap + 1),
      failedJobRuns: async (_since, cap) => Math.min(n, cap + 1),
      failedBackups: async (_since, cap) => Math.min(n, cap + 1),
    });
    const list = createWorklist({ repo: fake(50_000), clock: createFakeClock(new Date()) });
    const items = await list.forRoles(['ngo_lead', 'it_admin']);
    expect(items.map((i) => i.key)).toEqual([
      'bieu-mau-cho-duyet',
      'dai-hoi-cho-duyet',
      'dang-ky-cho-duyet',
      'lo-nhap-cho-ap-dung',
      'tac-vu-loi',
      'sao-luu-loi',
    ]);
    expect(items.every((i) => i.capped && i.count === WORKLIST_CAP)).toBe(true);
    const exact = await createWorklist({ repo: fake(WORKLIST_CAP), clock: createFakeClock(new Date()) }).forRoles(['ngo_staff']);
    expect(exact.every((i) => !i.capped && i.count === WORKLIST_CAP)).toBe(true);
    // The real repository stops counting at cap + 1.
    expect(await t.services.worklist.forRoles(['ngo_staff']).then((i) => i.length)).toBe(4);
  });
});

describe('confirmation before removing an officer (issue 18 item 7)', () => {
  let manager: Agent;
  let officerId: number;

  beforeAll(async () => {
    const org = await anOrganisation({ name: 'Viện Xác Nhận' }).withGrant().insert(t.db.knex);
    const m = await createUser(t.db.knex, ['org_manager']);
    const o = await createUser(t.db.knex, ['exploiter']);
    await t.db.knex('users').whereIn('id', [m.id, o.id]).update({ organisation_id: org.id });
    officerId = o.id;
    manager = await loggedInAgent(t, m);
  });

  it('the organisation page links to the confirmation page, which says what happens', async () => {
    const home = await manager.get('/khai-thac/');
    expect(home.text).toContain(`href="/khai-thac/can-bo/${officerId}/khoa"`);
    const page = await manager.get(`/khai-thac/can-bo/${officerId}/khoa`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Thôi sử dụng tài khoản của cán bộ khai thác?');
    expect(page.text).toContain('Tài khoản bị khóa ngay');
    expect(page.text).toContain(`action="/khai-thac/can-bo/${officerId}/khoa"`);
    expect(page.text).toContain('name="xac-nhan" value="1"');
    expect(page.text).toMatch(/class="btn btn-danger"[^>]*>Xác nhận thôi sử dụng tài khoản</);
    expect(page.text).toMatch(/href="\/khai-thac\/"[^>]*>Hủy</);
  });

  it('a POST without the confirmation does nothing and goes to the confirmation page; with it, removes', async () => {
    const page = await manager.get(`/khai-thac/can-bo/${officerId}/khoa`);
    const bare = await manager
      .post(`/khai-thac/can-bo/${officerId}/khoa`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(bare.status).toBe(303);
    expect(bare.headers.location).toBe(`/khai-thac/can-bo/${officerId}/khoa`);
    expect((await t.db.knex('users').where({ id: officerId }).first()).disabled_at).toBeNull();
    const done = await manager
      .post(`/khai-thac/can-bo/${officerId}/khoa`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), 'xac-nhan': '1' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/khai-thac/');
    expect((await t.db.knex('users').where({ id: officerId }).first()).disabled_at).not.toBeNull();
    // Already removed: the confirmation page says so (409), another role is refused.
    expect((await manager.get(`/khai-thac/can-bo/${officerId}/khoa`)).status).toBe(409);
    expect((await staff.get(`/khai-thac/can-bo/${officerId}/khoa`)).status).toBe(403);
  });
});

describe('confirmation before revoking a grant (issue 18 item 7)', () => {
  let grantId: number;

  beforeAll(async () => {
    const org = await anOrganisation({ name: 'Trung tâm Thu Hồi' })
      .withGrant({ categories: ['a', 'b'] })
      .insert(t.db.knex);
    grantId = (await t.db.knex('access_grants').where({ organisation_id: org.id }).first('id')).id;
  });

  const revoked = async () => (await t.db.knex('access_grants').where({ id: grantId }).first()).revoked_at;

  it('the lead reaches a confirmation page with the organisation, the consequences and the reason field', async () => {
    const list = await lead.get('/quan-tri/dang-ky-khai-thac');
    expect(list.text).toContain(`href="/quan-tri/quyen-khai-thac/${grantId}/thu-hoi"`);
    const page = await lead.get(`/quan-tri/quyen-khai-thac/${grantId}/thu-hoi`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Thu hồi quyền khai thác dữ liệu?');
    expect(page.text).toContain('Trung tâm Thu Hồi');
    expect(page.text).toContain('Quyền khai thác chấm dứt ngay');
    expect(page.text).toContain('name="reason"');
    expect(page.text).toContain('Xác nhận thu hồi quyền khai thác');
    expect((await staff.get(`/quan-tri/quyen-khai-thac/${grantId}/thu-hoi`)).status).toBe(403);
  });

  it('without the confirmation nothing is revoked; without a reason, 400 on the same page; then revoked', async () => {
    const page = await lead.get(`/quan-tri/quyen-khai-thac/${grantId}/thu-hoi`);
    const csrf = csrfFrom(page.text);
    const bare = await lead.post(`/quan-tri/quyen-khai-thac/${grantId}/thu-hoi`).type('form').send({ _csrf: csrf, reason: 'Sai mục đích' });
    expect(bare.status).toBe(303);
    expect(bare.headers.location).toBe(`/quan-tri/quyen-khai-thac/${grantId}/thu-hoi`);
    expect(await revoked()).toBeNull();
    const noReason = await lead.post(`/quan-tri/quyen-khai-thac/${grantId}/thu-hoi`).type('form').send({ _csrf: csrf, 'xac-nhan': '1' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Thu hồi quyền khai thác dữ liệu?');
    expect(noReason.text).toContain('id="reason-error"');
    expect(await revoked()).toBeNull();
    const done = await lead
      .post(`/quan-tri/quyen-khai-thac/${grantId}/thu-hoi`)
      .type('form')
      .send({ _csrf: csrf, 'xac-nhan': '1', reason: 'Sai mục đích' });
    expect(done.status).toBe(303);
    expect(await revoked()).not.toBeNull();
  });
});

describe('confirmation before applying an import (issue 18 item 7)', () => {
  it('the batch page links to the confirmation; a POST without it leaves the batch waiting; with it, applies', async () => {
    const { id } = await anImportBatch({ rows_total: 2_500, rows_valid: 2_500 }).insert(t.db.knex);
    const batchPage = await staff.get(`/quan-tri/nhap-du-lieu/${id}`);
    expect(batchPage.text).toContain(`href="/quan-tri/nhap-du-lieu/${id}/ap-dung?mode=all"`);
    const page = await staff.get(`/quan-tri/nhap-du-lieu/${id}/ap-dung?mode=all`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Áp dụng toàn bộ tệp vào cơ sở dữ liệu?');
    expect(page.text).toContain('2.500 hội được tạo mới hoặc cập nhật trong một lần');
    expect(page.text).toContain('name="mode" value="all"');
    expect(page.text).toContain('Xác nhận áp dụng toàn bộ tệp');
    expect(page.text).toMatch(new RegExp(`href="/quan-tri/nhap-du-lieu/${id}"[^>]*>Hủy<`));
    const csrf = csrfFrom(page.text);
    const bare = await staff.post(`/quan-tri/nhap-du-lieu/${id}/ap-dung`).type('form').send({ _csrf: csrf, mode: 'all' });
    expect(bare.status).toBe(303);
    expect(bare.headers.location).toBe(`/quan-tri/nhap-du-lieu/${id}/ap-dung?mode=all`);
    expect((await t.db.knex('import_batches').where({ id }).first()).status).toBe('validated');
    expect((await itAdmin.get(`/quan-tri/nhap-du-lieu/${id}/ap-dung?mode=all`)).status).toBe(403);
    const done = await staff.post(`/quan-tri/nhap-du-lieu/${id}/ap-dung`).type('form').send({ _csrf: csrf, mode: 'all', 'xac-nhan': '1' });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe(`/quan-tri/nhap-du-lieu/${id}`);
    await t.services.imports.settled(id);
    const after = await t.db.knex('import_batches').where({ id }).first();
    expect(after.status).not.toBe('validated');
    expect(after.apply_mode).toBe('all');
    // Once applied (or applying), the confirmation page is a conflict.
    expect((await staff.get(`/quan-tri/nhap-du-lieu/${id}/ap-dung?mode=all`)).status).toBe(409);
  });
});

describe('the backups page refreshes while a run is in progress', () => {
  it('meta refresh while running, none when done or when the running row is stale', async () => {
    const { id } = await aBackupRun({ status: 'running', started_at: t.clock.now(), error: null }).insert(t.db.knex);
    let page = await itAdmin.get('/quan-tri/he-thong/sao-luu');
    expect(page.text).toMatch(/<meta http-equiv="refresh" content="10">/);
    expect(page.text).toContain('id="dang-sao-luu"');
    await t.db.knex('backup_runs').where({ id }).update({ status: 'succeeded', finished_at: t.clock.now() });
    page = await itAdmin.get('/quan-tri/he-thong/sao-luu');
    expect(page.text).not.toContain('http-equiv="refresh"');
    await t.db
      .knex('backup_runs')
      .where({ id })
      .update({ status: 'running', finished_at: null, started_at: new Date(t.clock.now().getTime() - 7 * 3_600_000) });
    page = await itAdmin.get('/quan-tri/he-thong/sao-luu');
    expect(page.text).not.toContain('http-equiv="refresh"');
    await t.db.knex('backup_runs').where({ id }).update({ status: 'failed', finished_at: t.clock.now() });
  });
});

describe('favicon', () => {
  it('/favicon.ico and the SVG are served with caching and linked from the layout', async () => {
    const ico = await agent(t).get('/favicon.ico');
    expect(ico.status).toBe(200);
    expect(ico.headers['content-type']).toBe('image/x-icon');
    expect(ico.headers['cache-control']).toContain('max-age=86400');
    const svg = await agent(t).get('/static/favicon.svg');
    expect(svg.status).toBe(200);
    expect(svg.headers['content-type']).toContain('image/svg+xml');
    const home = await staff.get('/quan-tri/');
    expect(home.text).toContain('<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">');
  });
});
