/** Vietnamese formatting (SPEC §6): dates dd/mm/yyyy in Asia/Ho_Chi_Minh, numbers 1.234.567, money in VND. */
import { describe, expect, it } from 'vitest';
import { countsText, periodLabel } from '../../src/features/jobs/jobs.schemas.js';
import { formatDate, formatDateTime, formatNumber, formatQuarter, formatVnd, formatYear } from '../../src/lib/format.js';

describe('formatDate', () => {
  it('writes dd/mm/yyyy with leading zeros', () => {
    expect(formatDate(new Date('2013-02-05T03:00:00Z'))).toBe('05/02/2013');
    expect(formatDate('2013-02-05')).toBe('05/02/2013');
  });

  it('uses Vietnam time: 18:30 UTC on 31 December is already 1 January in Hà Nội', () => {
    expect(formatDate(new Date('2024-12-31T18:30:00Z'))).toBe('01/01/2025');
    expect(formatDateTime(new Date('2024-12-31T18:30:00Z'))).toBe('01/01/2025 01:30');
  });

  it('writes a 24-hour time', () => {
    expect(formatDateTime(new Date('2026-06-15T08:05:00Z'))).toBe('15/06/2026 15:05');
  });

  it('gives an empty string for missing or invalid dates, never "Invalid Date"', () => {
    for (const v of [null, undefined, '', 'không phải ngày']) {
      expect(formatDate(v)).toBe('');
      expect(formatDateTime(v)).toBe('');
    }
  });
});

describe('formatNumber and formatVnd', () => {
  it('groups thousands with dots and uses a decimal comma', () => {
    expect(formatNumber(1234567)).toBe('1.234.567');
    expect(formatNumber('1234567')).toBe('1.234.567');
    expect(formatNumber(12345678901234567890n)).toBe('12.345.678.901.234.567.890');
    expect(formatNumber(1234.5)).toBe('1.234,5');
    expect(formatNumber(0)).toBe('0');
    expect(formatNumber(999)).toBe('999');
  });

  it('writes money in đồng', () => {
    expect(formatVnd(1234567)).toBe('1.234.567 đ');
    expect(formatVnd(0)).toBe('0 đ');
  });

  it('gives an empty string for missing or non-numeric values', () => {
    for (const v of [null, undefined, '', 'abc']) {
      expect(formatNumber(v)).toBe('');
      expect(formatVnd(v)).toBe('');
    }
  });
});

describe('Vietnamese as a ministry writes it (issue 15 item 16)', () => {
  it('writes a date-time dd/mm/yyyy HH:mm, never the locale\'s "00:50:18 7/12/2026"', () => {
    expect(formatDateTime(new Date('2026-12-06T17:50:18Z'))).toBe('07/12/2026 00:50');
    expect(formatDateTime('2026-12-06T17:50:18.123Z')).toBe('07/12/2026 00:50');
  });

  it('writes a year without a thousands separator', () => {
    expect(formatYear(1900)).toBe('1900');
    expect(formatYear('2100')).toBe('2100');
    expect(formatYear(null)).toBe('');
    expect(formatYear('abc')).toBe('');
  });

  it('writes a quarter "Quý IV/2026", capital Q and Roman numeral', () => {
    expect(formatQuarter('2026-Q4')).toBe('Quý IV/2026');
    expect(formatQuarter('2027-Q1')).toBe('Quý I/2027');
    expect(formatQuarter('2026-Q5')).toBe('');
  });

  it("names a job run's period and counts in Vietnamese, not by their keys", () => {
    expect(periodLabel('2026-Q4')).toBe('Quý IV/2026');
    expect(periodLabel('2027-01-06')).toBe('06/01/2027');
    expect(periodLabel('2026-12-27T02:00:00')).toBe('27/12/2026 02:00');
    expect(periodLabel('2027')).toBe('Năm 2027');
    expect(periodLabel('manual:2026-12-27T09:15:00')).toBe('Chạy tay lúc 27/12/2026 09:15');
    const text = countsText({ emails_sent: 4, drill_restoreMs: 1520, unknownKey: 1 }, formatNumber);
    expect(text).toBe('thư điện tử đã gửi: 4, thời gian khôi phục khi diễn tập (ms): 1.520, số liệu khác: 1');
    expect(countsText('{"notices":12}', formatNumber)).toBe('thông báo đã gửi: 12');
    expect(countsText(null, formatNumber)).toBe('');
  });
});
