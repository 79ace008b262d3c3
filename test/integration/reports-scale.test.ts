/**
 * reports at scale (SPEC §7, issue 8): a filtered page of the leaders lists (d, đ) counts only up to a cap
 * and then says "hơn N" honestly (unfiltered, the count is exact from a summary table); its next pages still answer; the export still carries every row; funds (i) aggregate the
 * same with or without association filters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEADER_COUNT_CAP } from '../../src/features/reports/leader-reports.js';
import { PAGE_SIZE } from '../../src/features/reports/report-builder.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation } from '../helpers/builders.js';
import { type Agent, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
const EXTRA = 37;

beforeAll(async () => {
  t = await buildTestApp();
  const k = t.db.knex;
  const a = await anAssociation({ code: 'H700001', name: 'Hội Đông người', scope: 'toan_quoc', main_field_code: 'YTE' })
    .withFunds([{ year: 2025, source: 'nsnn_nhiem_vu', amount_vnd: 1000 }])
    .insert(k);
  await anAssociation({ code: 'H700002', name: 'Hội Ít người', scope: 'tinh', main_field_code: 'KHCN' })
    .withLeaders([{ full_name: 'Chủ tịch Ít', position_code: 'CT', term_number: 1 }])
    .withFunds([
      { year: 2025, source: 'nsnn_nhiem_vu', amount_vnd: 300 },
      { year: 2024, source: 'hoi_phi', amount_vnd: 20 },
    ])
    .insert(k);
  // More leaders in office than a page counts, plus former ones that never count.
  await k.raw(
    `INSERT INTO leaders (association_id, full_name, position_code, term_number)
     SELECT ?, 'Người ' || lpad(g::text, 6, '0'), 'UVBCH', 1 FROM generate_series(1, ?) g`,
    [a.id, LEADER_COUNT_CAP + EXTRA],
  );
  await k.raw(
    `INSERT INTO leaders (association_id, full_name, position_code, term_number, left_on)
     SELECT ?, 'Người cũ ' || g, 'UVBCH', 1, '2020-01-01' FROM generate_series(1, 50) g`,
    [a.id],
  );
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
});

afterAll(() => t.db.destroy());

describe('leaders lists at scale (d)', () => {
  it('a filtered page counts up to the cap and says "hơn N"; the page after the cap answers with the right rows', async () => {
    const first = await staff.get('/bao-cao/d?linh-vuc=YTE');
    expect(first.status).toBe(200);
    expect(first.text).toContain(`Có hơn <strong>${(LEADER_COUNT_CAP).toLocaleString('vi-VN')}</strong> dòng`);
    expect(first.text).not.toContain('Người cũ');
    const lastPage = LEADER_COUNT_CAP / PAGE_SIZE + 1;
    const beyond = await staff.get(`/bao-cao/d?linh-vuc=YTE&trang=${lastPage}`);
    expect(beyond.status).toBe(200);
    // Leaders of one association in office are ordered by position then id: page 101 starts at leader 10,001.
    expect(beyond.text).toContain(`Người ${String(LEADER_COUNT_CAP + 1).padStart(6, '0')}`);
    // Counted from there on, the list is known exactly again.
    const rest = await staff.get(`/bao-cao/d?linh-vuc=YTE&trang=${lastPage + 1}`);
    expect(rest.status).toBe(200);
  });

  it('without a filter the page counts exactly (from the summary of leaders in office)', async () => {
    const first = await staff.get('/bao-cao/d');
    expect(first.status).toBe(200);
    expect(first.text).toContain(`Có <strong>${(LEADER_COUNT_CAP + EXTRA + 1).toLocaleString('vi-VN')}</strong> dòng`);
    expect(first.text).not.toContain('Người cũ');
  });

  it('a short list keeps its exact count, and the export carries every row', async () => {
    const cts = await staff.get('/bao-cao/dd');
    expect(cts.text).toContain('Có <strong>1</strong> dòng');
    const { services } = t;
    const d = services.reports;
    const { categoryByKey } = await import('../../src/features/reports/categories.js');
    const all = await d.build(categoryByKey('d') as never, {}, { page: null }, { personal: false, ownerId: null });
    expect(all.report.tables[0]?.count).toBe(LEADER_COUNT_CAP + EXTRA + 1);
    expect(all.report.tables[0]?.rows.length).toBe(LEADER_COUNT_CAP + EXTRA + 1);
    const page = await d.build(categoryByKey('d') as never, { field: 'YTE' }, { page: 1 }, { personal: false, ownerId: null });
    expect(page.report.tables[0]).toMatchObject({ count: LEADER_COUNT_CAP, countAtLeast: true, pages: LEADER_COUNT_CAP / PAGE_SIZE + 1 });
    const exact = await d.build(categoryByKey('d') as never, {}, { page: 1 }, { personal: false, ownerId: null });
    expect(exact.report.tables[0]).toMatchObject({ count: LEADER_COUNT_CAP + EXTRA + 1 });
    expect(exact.report.tables[0]?.countAtLeast).toBeUndefined();
    const filtered = await d.build(categoryByKey('d') as never, { field: 'KHCN' }, { page: 1 }, { personal: false, ownerId: null });
    expect(filtered.report.tables[0]).toMatchObject({ count: 1, pages: 1 });
    expect(filtered.report.tables[0]?.countAtLeast).toBeUndefined();
  });
});

describe('funds (i)', () => {
  it('sums per year and source with and without an association filter', async () => {
    const { categoryByKey } = await import('../../src/features/reports/categories.js');
    const i = categoryByKey('i') as never;
    const all = await t.services.reports.build(i, {}, { page: 1 }, { personal: false, ownerId: null });
    const rows = all.report.tables[0]?.rows ?? [];
    expect(rows.map((r) => [r.year, r.nsnn_nhiem_vu, r.hoi_phi, r.total])).toEqual([
      ['2024', 0, 20, 20],
      ['2025', 1300, 0, 1300],
    ]);
    const khcn = await t.services.reports.build(i, { field: 'KHCN' }, { page: 1 }, { personal: false, ownerId: null });
    expect((khcn.report.tables[0]?.rows ?? []).map((r) => [r.year, r.total])).toEqual([
      ['2024', 20],
      ['2025', 300],
    ]);
    // A year's detail: the page (summed by source in SQL) equals the export (summed in memory), totals included.
    const page = await t.services.reports.build(i, { year: 2025 }, { page: 1 }, { personal: false, ownerId: null });
    const file = await t.services.reports.build(i, { year: 2025 }, { page: null }, { personal: false, ownerId: null });
    const strip = (x: typeof page) => ({ rows: x.report.tables[1]?.rows, totals: x.report.tables[1]?.totals });
    expect(strip(page)).toEqual(strip(file));
    expect(page.report.tables[1]?.rows.map((r) => [r.code, r.nsnn_nhiem_vu, r.total]).sort()).toEqual([
      ['H700001', 1000, 1000],
      ['H700002', 300, 300],
    ]);
    expect(page.report.tables[1]).toMatchObject({ count: 2, page: 1, pages: 1 });
  });
});
