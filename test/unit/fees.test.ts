/** Fee arithmetic: a flat price per export, or the price per started block of 1.000 rows. */
import { describe, expect, it } from 'vitest';
import { addDays, feeAmount, vietnamDayStart } from '../../src/features/fees/fees.service.js';

describe('feeAmount', () => {
  it('charges a flat price per export whatever the rows', () => {
    expect(feeAmount('export', 50_000, 0)).toBe(50_000);
    expect(feeAmount('export', 50_000, 1_000_000)).toBe(50_000);
  });
  it('charges per started 1.000 rows', () => {
    expect(feeAmount('rows_1000', 20_000, 0)).toBe(0);
    expect(feeAmount('rows_1000', 20_000, 1)).toBe(20_000);
    expect(feeAmount('rows_1000', 20_000, 1000)).toBe(20_000);
    expect(feeAmount('rows_1000', 20_000, 1001)).toBe(40_000);
    expect(feeAmount('rows_1000', 20_000, -5)).toBe(0);
  });
});

describe('calendar helpers', () => {
  it('adds days across month and year ends and starts a day at 00:00 in Viet Nam', () => {
    expect(addDays('2027-12-31', 1)).toBe('2028-01-01');
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29');
    expect(vietnamDayStart('2027-01-01').toISOString()).toBe('2026-12-31T17:00:00.000Z');
  });
});
