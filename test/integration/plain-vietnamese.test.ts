/**
 * Issue 15 item 16 — screens speak plain Vietnamese as a ministry writes it (HOUSE-STYLE; guide, R-13.1 annual
 * report, R-13.2 quarterly cycles, R-7.4 history): "Quý IV/2026", years without a thousands separator, timestamps
 * dd/mm/yyyy HH:mm, role names instead of role codes, job names instead of job codes, no requirement codes or
 * internal keys (drill_restoreMs …) on a page.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { formFields, VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, createAssociationViaForm, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let admin: TestUser;
let leader: TestUser;

/** Visible text of a page's main content: no tags, no attributes (URLs keep their codes). */
function visibleText(html: string): string {
  const start = html.indexOf('<main');
  const end = html.indexOf('</main>');
  return html
    .slice(Math.max(0, start), end < 0 ? html.length : end)
    .replace(/<script[\s\S]*?<\/script>/g, ' ')
    .replace(/<[^>]*>/g, ' ')
    .replace(/\s+/g, ' ');
}

/** Internal words that must not reach a screen: requirement codes, job codes, snake_case and camelCase keys. */
function expectPlain(html: string, what: string) {
  const text = visibleText(html);
  expect(text, what).not.toMatch(/\bR-\d/);
  expect(text, what).not.toMatch(/\b[a-z]+_[a-z_]+\b/);
  expect(text, what).not.toMatch(/\b[a-z]+[A-Z][A-Za-z]*\b/);
  for (const job of ['quarterly-cycle', 'congress-alerts', 'annual-report-reminder', 'backup-drill', 'cycle.quarterly'])
    expect(text, what).not.toContain(job);
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000' });
  t.clock.set(new Date('2026-12-31T01:00:00Z')); // 08:00 on 31/12/2026 in Ha Noi: the Q4 cycle is due
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  admin = await createUser(t.db.knex, ['it_admin']);
  leader = await createUser(t.db.knex, ['leader']);
});
afterAll(() => t.db.destroy());

describe('plain Vietnamese on screens (issue 15 item 16)', () => {
  it('a year out of range reads "từ 1900 đến 2100", no thousands separator in a year', async () => {
    const res = await createAssociationViaForm(staff, { ...VALID_STAFF_FORM, 'leaders.0.birth_year': '1800' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Năm sinh phải từ 1900 đến 2100.');
    expect(res.text).not.toContain('1.900');
    expect(res.text).not.toContain('2.100');
  });

  it('the history prints the paper check time as dd/mm/yyyy HH:mm (R-7.4)', async () => {
    const created = await createAssociationViaForm(staff, VALID_STAFF_FORM);
    expect(created.status, created.text.slice(0, 1500)).toBe(303);
    const code = String(created.headers.location).split('/').pop() as string;
    t.clock.set(new Date('2026-12-06T17:50:18Z')); // 00:50:18 on 07/12/2026 in Ha Noi
    const page = await staff.get(`/quan-tri/hoi/${code}`);
    const paper = formFields(page.text, `/quan-tri/hoi/${code}/doi-chieu-giay`);
    expect((await staff.post(`/quan-tri/hoi/${code}/doi-chieu-giay`).type('form').send(paper)).status).toBe(303);
    t.clock.set(new Date('2026-12-31T01:00:00Z'));
    const history = await staff.get(`/quan-tri/hoi/${code}/lich-su`).query({ tu: 1, den: 2 });
    expect(history.status).toBe(200);
    expect(history.text).toContain('Đối chiếu hồ sơ giấy lần cuối');
    expect(history.text).toContain('07/12/2026 00:50');
    expect(history.text).not.toContain('00:50:18');
    expect(history.text).not.toContain('7/12/2026,');
  });

  it('quarters read "Quý IV/2026" on the cycles page and in the reminder, never "quý iv"', async () => {
    const run = await t.services.jobs.runner.run('quarterly-cycle', { trigger: 'schedule' });
    expect(run.status).toBe('succeeded');
    const notices = await t.db.knex('notifications').where('kind', 'cycle.quarterly').select('title', 'body');
    expect(notices.length).toBeGreaterThan(0);
    for (const n of notices) {
      expect(`${n.title} ${n.body}`).not.toMatch(/quý [ivx]+\//);
      expect(`${n.title} ${n.body}`).toContain('Quý IV/2026');
    }
    const list = await staff.get('/quan-tri/chu-ky-cap-nhat');
    expect(list.status).toBe(200);
    expect(list.text).not.toMatch(/quý [ivx]+\//);
    expect(list.text).toContain('trong Quý IV/2026 (quý hiện tại)');
  });

  it('the annual report names quarters, jobs and notifications in Vietnamese (R-13.1)', async () => {
    await t.db.knex('job_runs').insert({
      job: 'backup',
      period_key: '2026-12-27T02:00:00',
      trigger: 'schedule',
      status: 'succeeded',
      started_at: new Date('2026-12-26T19:00:00Z'),
      finished_at: new Date('2026-12-26T19:01:00Z'),
      counts: JSON.stringify({ tables: 40, rows: 1200, files: 3, bytes: 2048, pruned: 1, drill_tables: 40, drill_restoreMs: 1520 }),
    });
    const a = await loggedInAgent(t, leader);
    for (const path of ['/quan-tri/bao-cao-nam/2026', '/quan-tri/bao-cao-nam/2026?print=1']) {
      const page = await a.get(path);
      expect(page.status, path).toBe(200);
      expect(page.text, path).toContain('>Quý IV/2026<');
      expect(page.text, path).not.toContain('2026-Q4');
      expect(page.text, path).toContain('Kỳ cập nhật dữ liệu hằng quý');
      expect(page.text, path).toContain('Sao lưu định kỳ');
      expect(page.text, path).toContain('Nhắc cập nhật dữ liệu hằng quý');
      expectPlain(page.text, path);
    }
  });

  it('the job runs page names jobs and counts in Vietnamese, without requirement codes', async () => {
    const a = await loggedInAgent(t, admin);
    const page = await a.get('/quan-tri/he-thong/tac-vu');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Kỳ cập nhật dữ liệu hằng quý');
    expect(page.text).toContain('Cảnh báo hạn đại hội nhiệm kỳ');
    expect(page.text).toContain('Diễn tập khôi phục');
    expect(page.text).toContain('thời gian khôi phục khi diễn tập (ms): 1.520');
    expect(page.text).toContain('Quý IV/2026');
    expectPlain(page.text, 'tac-vu');
    // Schedules read as a person says them; the cron expressions stay in the configuration.
    expect(page.text).toContain('Hằng ngày lúc 07:00');
    expect(page.text).toContain('Chủ nhật hằng tuần lúc 02:00');
    expect(page.text).not.toContain('0 7 * * *');
    // The "Chạy ngay" buttons still post to the job's code.
    expect(page.text).toContain('action="/quan-tri/he-thong/tac-vu/quarterly-cycle/chay"');
  });

  it('the exploitation log names a report filter and its catalogue entry, not its query code (R-16)', async () => {
    const reader = await createUser(t.db.knex, ['exploiter']);
    const field = (await t.db.knex('fields').orderBy('code').first('code', 'name')) as { code: string; name: string };
    await t.db.knex('exploitation_log').insert({
      at: t.clock.now(),
      user_id: reader.id,
      organisation_id: null,
      category: 'a',
      filters: JSON.stringify({ 'linh-vuc': field.code, nam: '2026', 'giao-nhiem-vu': 'co' }),
      rows: 3,
      format: 'csv',
      association_ids: [],
    });
    const page = await staff.get('/quan-tri/nhat-ky-khai-thac');
    expect(page.status).toBe(200);
    expect(page.text).toContain(`Lĩnh vực: ${field.name}; Năm: 2026; Được Đảng, Nhà nước giao nhiệm vụ: Có`);
    expect(visibleText(page.text)).not.toContain('linh-vuc=');
    const csv = await staff.get('/quan-tri/nhat-ky-khai-thac?format=csv');
    expect(csv.text).toContain(`Lĩnh vực: ${field.name}`);
    expect(csv.text).not.toContain('"linh-vuc"');
  });

  it('the user guides name roles in Vietnamese, not by their codes (R-6.3)', async () => {
    const index = await request(t.app).get('/huong-dan');
    const slugs = [...new Set([...index.text.matchAll(/href="\/huong-dan\/([a-z-]+)"/g)].map((m) => m[1]))];
    expect(slugs.length).toBe(6);
    for (const slug of slugs) {
      const res = await request(t.app).get(`/huong-dan/${slug}`);
      expect(res.status, slug).toBe(200);
      // A command the administrator types keeps its codes (npm run user:create -- --role it_admin).
      const text = visibleText(res.text.replace(/<code>npm run[^<]*<\/code>/g, ''));
      expect(text, slug).not.toMatch(/\b(ngo_staff|ngo_lead|it_admin|org_manager|exploiter|leader|association)\b/);
    }
    expect((await request(t.app).get('/huong-dan/can-bo-vu-tcpcp')).text).toContain('Chuyên viên Vụ Tổ chức phi chính phủ');
    expect((await request(t.app).get('/huong-dan/to-chuc-ca-nhan-khai-thac')).text).toContain('Người quản lý tổ chức khai thác');
  });
});
