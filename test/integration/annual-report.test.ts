/**
 * the annual report counts what happened in the year (Viet Nam time) from the register, its versions, the
 * audit of exports, submissions, access registrations and grants, violations, the exploitation log, incidents,
 * backups and the job runs; the print view has the Decree-30 layout (national motto) and is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildAnnualReport } from '../../src/features/jobs/annual-report.js';
import { createAnnualReportRepository } from '../../src/features/jobs/annual-report.repository.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAccessRegistration, anAssociation, anOrganisation, aSubmission } from '../helpers/builders.js';
import { loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let leader: TestUser;

async function association(code: string, created: string, status = 'hoat_dong') {
  const r = await anAssociation({ code, name: `Hội báo cáo năm ${code}`, scope: 'tinh', status, created_at: new Date(created) }).insert(
    t.db.knex,
  );
  return r.id;
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
  // Submissions: two handled in 2026 (3 days and 1 day), one returned once; one handled in 2025 (not counted).
  const sub = (assoc: number, status: string, submitted: string, reviewed: string) =>
    aSubmission(assoc, { status, base_version: 1, submitted_at: new Date(submitted), reviewed_at: new Date(reviewed) });
  await sub(a, 'approved', '2026-03-01T03:00:00Z', '2026-03-04T03:00:00Z')
    .withEvents([
      { action: 'submitted', at: new Date('2026-02-20T03:00:00Z') },
      { action: 'returned', at: new Date('2026-02-25T03:00:00Z') },
      { action: 'resubmitted', at: new Date('2026-03-01T03:00:00Z') },
    ])
    .insert(t.db.knex);
  await sub(b, 'rejected', '2026-06-01T03:00:00Z', '2026-06-02T03:00:00Z')
    .withEvents([{ action: 'submitted', at: new Date('2026-06-01T03:00:00Z') }])
    .insert(t.db.knex);
  await sub(c, 'approved', '2025-11-01T03:00:00Z', '2025-11-02T03:00:00Z').insert(t.db.knex);
  // Access: two registrations (one approved, one refused), two grants (one revoked in 2026).
  const { id: orgId } = await anOrganisation({ name: 'Viện nghiên cứu báo cáo năm' })
    .withGrant({
      categories: ['a', 'b'],
      valid_from: new Date('2026-01-12T03:00:00Z'),
      expires_at: new Date('2027-06-12T03:00:00Z'),
      created_at: new Date('2026-01-12T03:00:00Z'),
    })
    .withGrant({
      categories: ['e'],
      valid_from: new Date('2026-02-01T03:00:00Z'),
      expires_at: new Date('2027-02-01T03:00:00Z'),
      created_at: new Date('2026-02-01T03:00:00Z'),
      revoked_at: new Date('2026-07-01T03:00:00Z'),
    })
    .insert(t.db.knex);
  const registration = (status: string, created: string, decided: string) =>
    anAccessRegistration({
      name: 'Viện nghiên cứu báo cáo năm',
      categories: ['a', 'b'],
      status,
      created_at: new Date(created),
      decided_at: new Date(decided),
    }).insert(t.db.knex);
  await registration('approved', '2026-01-10T03:00:00Z', '2026-01-12T03:00:00Z');
  await registration('refused', '2026-04-10T03:00:00Z', '2026-04-11T03:00:00Z');
  // Violations: one recorded, suspended then lifted.
  const [v] = await t.db
    .knex('violations')
    .insert({
      target_type: 'organisation',
      organisation_id: orgId,
      description: 'Chia sẻ dữ liệu',
      occurred_on: '2026-05-01',
      created_at: new Date('2026-05-02T03:00:00Z'),
    })
    .returning('id');
  await t.db.knex('violation_actions').insert([
    { violation_id: (v as { id: number }).id, action: 'suspension', decided_at: new Date('2026-05-03T03:00:00Z') },
    { violation_id: (v as { id: number }).id, action: 'lift', decided_at: new Date('2026-05-10T03:00:00Z') },
  ]);
  // Exploitation log: 3 reads/exports in 2026 (42 rows), 1 in 2025.
  await t.db.knex('exploitation_log').insert([
    { user_id: leader.id, organisation_id: orgId, category: 'b', rows: 20, format: 'html', at: new Date('2026-03-01T03:00:00Z') },
    { user_id: leader.id, organisation_id: orgId, category: 'b', rows: 20, format: 'csv', at: new Date('2026-03-01T04:00:00Z') },
    { user_id: leader.id, organisation_id: orgId, category: 'a', rows: 2, format: 'print', at: new Date('2026-09-01T03:00:00Z') },
    { user_id: leader.id, organisation_id: orgId, category: 'a', rows: 1, format: 'html', at: new Date('2025-09-01T03:00:00Z') },
  ]);
  // Incidents: an incident routed to the IT Centre and resolved, a change request still open.
  await t.db.knex('incidents').insert([
    {
      kind: 'su_co',
      title: 'Lỗi in',
      description: 'Không in được',
      severity: 'cao',
      status: 'da_giai_quyet',
      reporter_name: 'Cán bộ',
      created_at: new Date('2026-04-01T03:00:00Z'),
      routed_at: new Date('2026-04-02T03:00:00Z'),
      resolved_at: new Date('2026-04-05T03:00:00Z'),
    },
    {
      kind: 'yeu_cau_thay_doi',
      title: 'Thêm cột',
      description: 'Thêm cột',
      severity: 'thap',
      status: 'moi',
      reporter_name: 'Cán bộ',
      created_at: new Date('2026-10-01T03:00:00Z'),
    },
  ]);
  // Backups: two good backups, one failed; one drill passed in 12 s and one failed.
  const run = (kind: string, status: string, at: string, restore_seconds: number | null = null) => ({
    kind,
    status,
    started_at: new Date(at),
    restore_seconds,
  });
  await t.db
    .knex('backup_runs')
    .insert([
      run('backup', 'succeeded', '2026-03-01T19:00:00Z'),
      run('backup', 'succeeded', '2026-03-08T19:00:00Z'),
      run('backup', 'failed', '2026-03-15T19:00:00Z'),
      run('drill', 'succeeded', '2026-03-01T19:30:00Z', 12),
      run('drill', 'failed', '2026-03-08T19:30:00Z'),
    ]);
});
afterAll(() => t.db.destroy());

describe('annual report (R-13.1)', () => {
  it('counts the seeded year', async () => {
    const sections = Object.fromEntries((await buildAnnualReport(createAnnualReportRepository(t.db.knex), 2026)).map((s) => [s.key, s]));
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
    for (const section of Object.values(sections)) expect(section.available, section.key).toBe(true);
    expect(line('bieu-mau', 'Biểu mẫu hội gửi lần đầu')).toBe(2);
    expect(line('bieu-mau', 'Biểu mẫu hội gửi lại')).toBe(1);
    expect(line('bieu-mau', 'Thời gian xử lý trung bình')).toBe('2 ngày');
    expect(line('bieu-mau', 'Thời gian xử lý dài nhất')).toBe('3 ngày');
    expect(sections['bieu-mau']?.tables[0]?.rows).toEqual([
      ['Duyệt', 1],
      ['Trả lại để hội sửa', 1],
      ['Từ chối', 1],
    ]);
    expect(line('dang-ky-khai-thac', 'Phiếu đăng ký khai thác nhận được')).toBe(2);
    expect(line('dang-ky-khai-thac', 'Phiếu được chấp thuận')).toBe(1);
    expect(line('dang-ky-khai-thac', 'Phiếu không được chấp thuận')).toBe(1);
    expect(line('dang-ky-khai-thac', 'Quyền khai thác được cấp')).toBe(2);
    expect(line('dang-ky-khai-thac', 'Quyền khai thác bị thu hồi')).toBe(1);
    expect(line('dang-ky-khai-thac', 'Quyền còn hiệu lực cuối năm')).toBe(1);
    expect(line('vi-pham', 'Vi phạm được ghi nhận')).toBe(1);
    expect(sections['vi-pham']?.tables[0]?.rows).toEqual([
      ['Cảnh cáo', 0],
      ['Tạm đình chỉ', 1],
      ['Thu hồi quyền truy cập', 0],
      ['Chấm dứt đình chỉ trước hạn', 1],
    ]);
    expect(line('nhat-ky-khai-thac', 'Tổ chức, cá nhân đã khai thác')).toBe(1);
    expect(line('nhat-ky-khai-thac', 'Lượt xem và tải')).toBe(3);
    expect(line('nhat-ky-khai-thac', 'Số dòng dữ liệu đã cung cấp')).toBe(42);
    expect(line('su-co', 'Sự cố được ghi nhận')).toBe(1);
    expect(line('su-co', 'Yêu cầu thay đổi phần mềm')).toBe(1);
    expect(line('su-co', 'Chuyển Trung tâm Thông tin')).toBe(1);
    expect(line('su-co', 'Đã giải quyết trong năm')).toBe(1);
    expect(line('su-co', 'Chưa giải quyết xong')).toBe(1);
    expect(line('sao-luu', 'Bản sao lưu thành công')).toBe(2);
    expect(line('sao-luu', 'Lần sao lưu thất bại')).toBe(1);
    expect(line('sao-luu', 'Diễn tập phục hồi đạt')).toBe(1);
    expect(line('sao-luu', 'Diễn tập phục hồi không đạt')).toBe(1);
    expect(line('sao-luu', 'Thời gian phục hồi trung bình')).toBe('12 giây');
    const y2025 = Object.fromEntries((await buildAnnualReport(createAnnualReportRepository(t.db.knex), 2025)).map((s) => [s.key, s]));
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
