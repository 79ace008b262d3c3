/**
 * the annual report counts what happened in the year (Viet Nam time) from the register, its versions, the
 * audit of exports and the job runs; sections built on other branches say they are not available yet; the print
 * view has the Decree-30 layout (national motto) and is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAnnualReport } from '../../src/features/jobs/annual-report.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let leader: TestUser;

async function association(code: string, created: string, status = 'hoat_dong') {
  const [r] = await t.db
    .knex('associations')
    .insert({
      code,
      name: `Hội báo cáo năm ${code}`,
      kind_code: 'hoi',
      scope: 'tinh',
      status,
      main_field_code: 'YTE',
      created_at: new Date(created),
    })
    .returning('id');
  return (r as { id: number }).id;
}

async function version(id: number, v: number, source: string, at: string, status = 'hoat_dong') {
  await t.db.knex('association_versions').insert({
    association_id: id,
    version: v,
    source,
    created_at: new Date(at),
    snapshot: JSON.stringify({ record: { status } }),
  });
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000' });
  t.clock.set(new Date('2026-12-15T03:00:00Z'));
  leader = await createUser(t.db.knex, ['leader']);
  const a = await association('H700001', '2026-02-01T03:00:00Z');
  const b = await association('H700002', '2026-05-01T03:00:00Z');
  // Created 31/12/2025 at 23:30 in Ha Noi: last year, though 2025-12-31T16:30Z.
  const c = await association('H700003', '2025-12-31T16:30:00Z', 'giai_the');
  await version(a, 1, 'create', '2026-02-01T03:00:00Z');
  await version(b, 1, 'create', '2026-05-01T03:00:00Z');
  await version(c, 1, 'create', '2025-12-31T16:30:00Z');
  await version(c, 2, 'edit', '2026-03-01T03:00:00Z');
  await version(c, 3, 'edit', '2026-08-01T03:00:00Z', 'giai_the');
  await version(b, 2, 'submission:5', '2026-09-01T03:00:00Z');
  // 1 January 2027 00:30 in Ha Noi: next year.
  await version(a, 2, 'edit', '2026-12-31T17:30:00Z');
  for (const [format, at] of [
    ['csv', '2026-03-01T03:00:00Z'],
    ['xlsx', '2026-04-01T03:00:00Z'],
    ['print', '2026-10-01T03:00:00Z'],
    ['csv', '2025-10-01T03:00:00Z'],
  ] as const) {
    await t.db
      .knex('audit_events')
      .insert({ action: 'report.export', occurred_at: new Date(at), details: JSON.stringify({ category: 'b', format, rows: 3 }) });
  }
  await t.db.knex('job_runs').insert([
    {
      job: 'congress-alerts',
      period_key: '2026-06-01',
      trigger: 'schedule',
      status: 'succeeded',
      started_at: new Date('2026-06-01T00:30:00Z'),
    },
    {
      job: 'congress-alerts',
      period_key: '2026-06-02',
      trigger: 'schedule',
      status: 'failed',
      started_at: new Date('2026-06-02T00:30:00Z'),
    },
  ]);
});
afterAll(() => t.db.destroy());

describe('annual report (R-13.1)', () => {
  it('counts the seeded year', async () => {
    const sections = Object.fromEntries((await buildAnnualReport(t.db.knex, 2026)).map((s) => [s.key, s]));
    const line = (key: string, label: string) => sections[key]?.lines.find((l) => l.label.startsWith(label))?.value;
    expect(line('ho-so', 'Hồ sơ hội được thêm mới')).toBe(2);
    expect(line('ho-so', 'Hồ sơ hội được thay đổi')).toBe(2);
    expect(line('ho-so', 'Số lần lưu phiên bản')).toBe(5);
    expect(line('ho-so', 'Hội giải thể trong năm')).toBe(1);
    expect(line('khai-thac', 'Lượt kết xuất')).toBe(3);
    expect(line('van-hanh', 'Lượt chạy tác vụ')).toBe(2);
    expect(line('van-hanh', 'Lượt chạy thất bại')).toBe(1);
    expect(sections['ho-so']?.tables[0]?.rows).toEqual([
      ['Tạo mới', 2],
      ['Cán bộ Vụ sửa', 2],
      ['Duyệt biểu mẫu của hội', 1],
    ]);
    for (const k of ['bieu-mau', 'dang-ky-khai-thac', 'vi-pham', 'nhat-ky-khai-thac', 'su-co', 'sao-luu']) {
      expect(sections[k]?.available, k).toBe(false);
    }
    const y2025 = Object.fromEntries((await buildAnnualReport(t.db.knex, 2025)).map((s) => [s.key, s]));
    expect(y2025['ho-so']?.lines[0]?.value).toBe(1);
    expect(y2025['khai-thac']?.lines[0]?.value).toBe(1);
  });

  it('renders for leaders, prints in the Decree-30 layout (audited), 404 for other years', async () => {
    const a = await loggedInAgent(t, leader);
    const now = await a.get('/quan-tri/bao-cao-nam');
    expect(now.status).toBe(303);
    expect(now.headers.location).toBe('/quan-tri/bao-cao-nam/2026');
    const page = await a.get('/quan-tri/bao-cao-nam/2026');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Hồ sơ hội được thêm mới: <strong>2</strong>');
    expect(page.text).toContain('Hội giải thể trong năm: <strong>1</strong>');
    expect(page.text).toContain('Chưa có số liệu');
    const print = await a.get('/quan-tri/bao-cao-nam/2026?print=1');
    expect(print.status).toBe(200);
    for (const s of [
      'CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM',
      'Độc lập - Tự do - Hạnh phúc',
      'BỘ NỘI VỤ',
      '/BC-TCPCP',
      'Hà Nội, ngày 15 tháng 12 năm 2026',
      'VỤ TRƯỞNG',
      'Nơi nhận',
    ]) {
      expect(print.text).toContain(s);
    }
    expect(print.text).toContain('/static/css/print.css');
    expect(await t.db.knex('audit_events').where({ action: 'annual_report.print', target_id: '2026' })).toHaveLength(1);
    for (const y of ['2027', '2012', 'abcd', '20261']) expect((await a.get(`/quan-tri/bao-cao-nam/${y}`)).status, y).toBe(404);
  });
});
