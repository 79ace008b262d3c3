/** Pure helpers of the access feature: usernames from Vietnamese names, grant end of day, near expiry, log codes. */
import { describe, expect, it } from 'vitest';
import { chosenCategories, officerRows } from '../../src/features/access/access.schemas.js';
import { endOfVietnamDay, nearExpiry } from '../../src/features/access/access-dates.js';
import { usernameBase } from '../../src/features/access/access-handover.js';
import { associationCodesOf } from '../../src/features/access/exploitation-log.service.js';
import { canReadCategory, canSeePersonal } from '../../src/features/access/report-access.js';

describe('access helpers', () => {
  it('folds Vietnamese names into ASCII usernames', () => {
    expect(usernameBase('Hoàng Thị Mai')).toBe('hoang.thi.mai');
    expect(usernameBase('Đặng Văn Đức')).toBe('dang.van.duc');
    expect(usernameBase('  <script> ')).toBe('script');
    expect(usernameBase('！！')).toBe('can.bo');
  });

  it('a grant runs to the end of its last Vietnamese day; near expiry is within 30 days', () => {
    expect(endOfVietnamDay('2027-12-31').toISOString()).toBe('2027-12-31T16:59:59.000Z');
    const now = new Date('2027-01-01T00:00:00Z');
    expect(nearExpiry(new Date('2027-01-20T00:00:00Z'), now)).toBe(true);
    expect(nearExpiry(new Date('2027-03-01T00:00:00Z'), now)).toBe(false);
    expect(nearExpiry(new Date('2026-12-01T00:00:00Z'), now)).toBe(false);
  });

  it('reads categories and officer rows from dotted names; refuses unknown keys', () => {
    expect(chosenCategories({ 'cat.e': '1', 'cat.a': '1', name: 'x' })).toEqual(['a', 'e']);
    expect(chosenCategories({ 'cat.z': '1' })).toBeNull();
    expect(chosenCategories({ 'cat.a': ['1', '1'] })).toBeNull();
    expect(
      officerRows({ 'officers.1.full_name': 'B', 'officers.0.full_name': 'A', 'officers.2.full_name': ' ', 'officers.2.email': '' }),
    ).toEqual([
      { index: 0, values: { full_name: 'A' } },
      { index: 1, values: { full_name: 'B' } },
    ]);
  });

  it('collects the association codes a report carried', () => {
    const report = {
      category: 'b',
      tables: [
        { id: 's', title: '', columns: [], rows: [{ name: 'Y tế', total: 3 }], totals: null },
        { id: 'l', title: '', columns: [], rows: [{ code: 'H000001' }, { code: 'H000002' }, { code: 'H000001' }], totals: null },
      ],
    };
    expect(associationCodesOf(report, {})).toEqual(['H000001', 'H000002']);
    expect(associationCodesOf({ category: 'a', tables: [report.tables[0] as never] }, { ma: 'H000009' })).toEqual(['H000009']);
    expect(associationCodesOf({ category: 'a', tables: [] }, { ma: 'H404' })).toEqual([]);
  });

  it('the category check: staff read all; grant users only their current, unblocked grant', () => {
    const grant = { organisationId: 1, categories: ['a', 'b'] as const, personal: false, expiresAt: new Date(), blocked: null };
    expect(canReadCategory({ roles: ['ngo_staff'] }, 'k')).toBe(true);
    expect(canReadCategory({ roles: ['exploiter'], access: { ...grant, categories: ['a', 'b'] } }, 'a')).toBe(true);
    expect(canReadCategory({ roles: ['exploiter'], access: { ...grant, categories: ['a', 'b'] } }, 'd')).toBe(false);
    expect(canReadCategory({ roles: ['exploiter'], access: { ...grant, categories: ['a'], blocked: 'org_suspended' } }, 'a')).toBe(false);
    expect(canReadCategory({ roles: ['exploiter'] }, 'a')).toBe(false);
    expect(canReadCategory({ roles: ['association'] }, 'a')).toBe(false);
    expect(canSeePersonal({ roles: ['exploiter'], access: { ...grant, categories: ['d'], personal: true } })).toBe(true);
    expect(canSeePersonal({ roles: ['exploiter'], access: { ...grant, categories: ['d'] } })).toBe(false);
  });

  it("an organisation's manager reads no report, whatever the grant (SPEC §1)", () => {
    const grant = { organisationId: 1, categories: ['a', 'b'] as const, personal: true, expiresAt: new Date(), blocked: null };
    expect(canReadCategory({ roles: ['org_manager'], access: { ...grant, categories: ['a', 'b'] } }, 'a')).toBe(false);
    expect(canSeePersonal({ roles: ['org_manager'], access: { ...grant, categories: ['d'] } })).toBe(false);
    // A manager who is also one of the organisation's officers reads as an officer.
    expect(canReadCategory({ roles: ['org_manager', 'exploiter'], access: { ...grant, categories: ['a', 'b'] } }, 'a')).toBe(true);
  });
});
