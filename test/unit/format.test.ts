/** Vietnamese formatting (SPEC §6): dates dd/mm/yyyy in Asia/Ho_Chi_Minh, numbers 1.234.567, money in VND. */
import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, formatNumber, formatVnd } from '../../src/lib/format.js';

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
