/** features/follows/follow-scope.ts: who may follow a record and which of its changes a notice may name. */
import { describe, expect, it } from 'vitest';
import type { EffectiveAccess } from '../../src/features/access/effective-access.js';
import { readLevel, recordLink, visibleChanges } from '../../src/features/follows/follow-scope.js';
import type { RecordSnapshot } from '../../src/features/register-form/diff.js';

const grant = (categories: EffectiveAccess['categories'], blocked: EffectiveAccess['blocked'] = null): EffectiveAccess => ({
  organisationId: 1,
  categories,
  personal: false,
  expiresAt: null,
  blocked,
});

const snap = (record: Record<string, unknown>, lists: RecordSnapshot['lists'] = {}): RecordSnapshot => ({
  record: { other_field_codes: [], ...record },
  lists,
});

describe('readLevel', () => {
  const published = { id: 7, published: true };
  const hidden = { id: 7, published: false };

  it('staff and leaders read every record; an officer their own one', () => {
    expect(readLevel({ roles: ['leader'], associationId: null }, hidden)).toBe('full');
    expect(readLevel({ roles: ['association'], associationId: 7 }, hidden)).toBe('full');
    expect(readLevel({ roles: ['association'], associationId: 8 }, hidden)).toBeNull();
    expect(readLevel({ roles: ['association'], associationId: 8 }, published)).toBe('public');
  });

  it('an exploiter reads report (a) only with a usable grant of it; otherwise only what is published', () => {
    expect(readLevel({ roles: ['exploiter'], associationId: null, access: grant(['a']) }, hidden)).toBe('grant');
    expect(readLevel({ roles: ['exploiter'], associationId: null, access: grant(['b']) }, hidden)).toBeNull();
    expect(readLevel({ roles: ['exploiter'], associationId: null, access: grant([], 'org_revoked') }, hidden)).toBeNull();
    expect(readLevel({ roles: ['exploiter'], associationId: null, access: grant([], 'no_grant') }, published)).toBe('public');
    // An organisation's manager reads no report, whatever the grant.
    expect(readLevel({ roles: ['org_manager'], associationId: null, access: grant(['a']) }, hidden)).toBeNull();
  });

  it('links each reader to their own view', () => {
    expect(recordLink('full', { roles: ['ngo_staff'], associationId: null }, 'H000007')).toBe('/quan-tri/hoi/H000007');
    expect(recordLink('full', { roles: ['association'], associationId: 7 }, 'H000007')).toBe('/hoi-cua-toi/');
    expect(recordLink('grant', { roles: ['exploiter'], associationId: null }, 'H000007')).toBe('/bao-cao/a?ma=H000007');
    expect(recordLink('public', { roles: ['it_admin'], associationId: null }, 'H000007')).toBe('/hoi/H000007');
  });
});

describe('visibleChanges', () => {
  const before = snap(
    { name: 'Hội A', tax_code: '01', data_level: 'basic', published: true },
    { leaders: [{ id: 1, full_name: 'Nguyễn Văn A', birth_year: 1950 }], decisions: [{ id: 3, number: '12/QĐ', summary: 'x' }] },
  );

  it('names every change to the register, report (a) fields to a grant, public fields of the record to the public', () => {
    const after = snap(
      { name: 'Hội A', tax_code: '02', data_level: 'advanced', published: true },
      { leaders: [{ id: 1, full_name: 'Nguyễn Văn A', birth_year: 1951 }], decisions: [{ id: 3, number: '13/QĐ', summary: 'x' }] },
    );
    expect(visibleChanges(before, after, 'full', '113')).toEqual([
      'Mã số thuế',
      'Mức dữ liệu',
      'Quyết định và sự kiện pháp lý',
      'Lãnh đạo hội',
    ]);
    // A leader's birth year is personal: not named to a grant; the decision's number feeds report (a).
    expect(visibleChanges(before, after, 'grant', '113')).toEqual(['Mã số thuế', 'Quyết định và sự kiện pháp lý']);
    expect(visibleChanges(before, after, 'public', '113')).toEqual([]);
  });

  it('names a public field to the public, and nothing when the earlier version was not kept', () => {
    const after = snap({ ...before.record, name: 'Hội A mới' }, before.lists);
    expect(visibleChanges(before, after, 'public', '113')).toEqual(['Tên hội (tiếng Việt)']);
    expect(visibleChanges(null, after, 'full', '113')).toBeNull();
  });
});
