/** The province table of report k and of the public statistics (issue 16 item 7), from aggregated counts. */
import { describe, expect, it } from 'vitest';
import { NO_PROVINCE, provinceKey, provinceTable } from '../../src/features/reports/province-grouping.js';

const PROVINCES = [
  { code: '01', name: 'Thành phố Hà Nội', current: true },
  { code: '08', name: 'Tỉnh Tuyên Quang', current: true },
  { code: 'cu-01', name: 'Thành phố Hà Nội (trước 01/07/2025)', current: false },
  { code: 'cu-02', name: 'Tỉnh Hà Giang (trước 01/07/2025)', current: false },
  { code: 'cu-08', name: 'Tỉnh Tuyên Quang (trước 01/07/2025)', current: false },
];
const COUNTS = [
  { current: '08', former: 'cu-08', scope: 'toan_quoc', n: 2 },
  { current: '08', former: null, scope: 'lien_tinh', n: 3 },
  { current: null, former: null, scope: 'toan_quoc', n: 1 },
  { current: '08', former: 'cu-02', scope: 'lien_tinh', n: 4 },
  { current: '01', former: 'cu-01', scope: 'toan_quoc', n: 5 },
  { current: '08', former: 'cu-02', scope: 'toan_quoc', n: 1 },
];

describe('province grouping', () => {
  it('keys a count by its current province, or its former one with a per-province undetermined key', () => {
    expect(provinceKey({ current: '08', former: 'cu-02' }, 'hien-nay')).toBe('08');
    expect(provinceKey({ current: '08', former: 'cu-02' }, 'truoc-sap-nhap')).toBe('cu-02');
    expect(provinceKey({ current: '08', former: null }, 'truoc-sap-nhap')).toBe('?08');
    expect(provinceKey({ current: null, former: null }, 'truoc-sap-nhap')).toBeNull();
  });

  it('34 provinces: one row per province in force, catalogue order, no province last', () => {
    const t = provinceTable(COUNTS, 'hien-nay', PROVINCES);
    expect(t.rows.map((r) => [r.name, r.toan_quoc, r.lien_tinh, r.total])).toEqual([
      ['Thành phố Hà Nội', 5, 0, 5],
      ['Tỉnh Tuyên Quang', 3, 7, 10],
      [NO_PROVINCE, 1, 0, 1],
    ]);
    expect(t.totals).toMatchObject({ total: 16, toan_quoc: 9, lien_tinh: 7 });
  });

  it('63 provinces: former ones under their current one, the undetermined row after them, same total', () => {
    const t = provinceTable(COUNTS, 'truoc-sap-nhap', PROVINCES);
    expect(t.rows.map((r) => [r.name, r.current, r.total])).toEqual([
      ['Thành phố Hà Nội (trước 01/07/2025)', 'Thành phố Hà Nội', 5],
      ['Tỉnh Hà Giang (trước 01/07/2025)', 'Tỉnh Tuyên Quang', 5],
      ['Tỉnh Tuyên Quang (trước 01/07/2025)', 'Tỉnh Tuyên Quang', 2],
      ['Tỉnh Tuyên Quang (chưa xác định tỉnh cũ)', 'Tỉnh Tuyên Quang', 3],
      [NO_PROVINCE, NO_PROVINCE, 1],
    ]);
    expect(t.totals?.total).toBe(provinceTable(COUNTS, 'hien-nay', PROVINCES).totals?.total);
    expect(t.columns.map((c) => c.key)).toEqual(['name', 'current', 'toan_quoc', 'lien_tinh', 'tinh', 'xa', 'total']);
  });
});
