/** Term-congress state (FORM-1.md G, R-17.1 e). */
import { describe, expect, it } from 'vitest';
import { termInfo, vietnamToday } from '../../src/features/associations/congress-term.js';

const congress = (held_on: string, term_years = 5, congress_type = 'nhiem_ky') => ({ held_on, term_years, congress_type });

describe('termInfo', () => {
  it('is null without a founding or term congress', () => {
    expect(termInfo([], [], '2026-01-01')).toBeNull();
    expect(termInfo([congress('2020-01-01', 5, 'bat_thuong')], [], '2026-01-01')).toBeNull();
  });
  it('counts from the last term congress, ignoring extraordinary ones', () => {
    const info = termInfo([congress('2016-05-10'), congress('2021-05-10'), congress('2023-01-01', 5, 'bat_thuong')], [], '2024-01-01');
    expect(info).toMatchObject({ state: 'chua_den_han', termEnd: '2026-05-10', lastCongress: '2021-05-10' });
  });
  it('is due soon within 6 months of the term end, and overdue after it', () => {
    expect(termInfo([congress('2021-05-10')], [], '2025-11-11')?.state).toBe('sap_den_han');
    expect(termInfo([congress('2021-05-10')], [], '2025-11-09')?.state).toBe('chua_den_han');
    expect(termInfo([congress('2021-05-10')], [], '2026-05-10')?.state).toBe('sap_den_han');
    expect(termInfo([congress('2021-05-10')], [], '2026-05-11')?.state).toBe('qua_han');
  });
  it('follows an extension granted after the last congress, and flags it when it lapses', () => {
    const ext = [{ decided_on: '2026-04-01', new_deadline: '2026-12-31' }];
    expect(termInfo([congress('2021-05-10')], ext, '2026-08-01')).toMatchObject({ state: 'dang_gia_han', deadline: '2026-12-31' });
    expect(termInfo([congress('2021-05-10')], ext, '2027-01-01')?.state).toBe('qua_han_gia_han');
    // An extension from before the last congress does not count.
    expect(termInfo([congress('2021-05-10')], [{ decided_on: '2016-01-01', new_deadline: '2030-01-01' }], '2026-08-01')?.state).toBe(
      'qua_han',
    );
  });
  it('handles 29 February', () => {
    expect(termInfo([congress('2020-02-29', 5)], [], '2024-01-01')?.termEnd).toBe('2025-02-28');
  });
  it("tells today's date in Vietnam (UTC+7)", () => {
    expect(vietnamToday(new Date('2026-03-31T17:30:00Z'))).toBe('2026-04-01');
  });
});
