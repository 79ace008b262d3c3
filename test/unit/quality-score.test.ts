/** The data-quality score's arithmetic and its helpers (features/quality/quality-rules.ts). */
import { describe, expect, it } from 'vitest';
import { activeRules, REQUIRED_LABELS, RULE_SQL, scoreBadge, scoreOf, yearsBefore } from '../../src/features/quality/quality-rules.js';

describe('scoreOf', () => {
  it('is the weights passed over the weights applicable, × 100, rounded half up', () => {
    expect(
      scoreOf([
        { weight: 25, result: 1 },
        { weight: 15, result: 0 },
        { weight: 10, result: 1 },
      ]),
    ).toBe(70);
    // 2/3 → 66.67 → 67; 1/3 → 33.33 → 33; 1/8 → 12.5 → 13.
    expect(
      scoreOf([
        { weight: 2, result: 1 },
        { weight: 1, result: 0 },
      ]),
    ).toBe(67);
    expect(
      scoreOf([
        { weight: 1, result: 1 },
        { weight: 2, result: 0 },
      ]),
    ).toBe(33);
    expect(
      scoreOf([
        { weight: 1, result: 1 },
        { weight: 7, result: 0 },
      ]),
    ).toBe(13);
  });

  it('leaves out the checks that do not apply, and is 100 when none applies', () => {
    expect(
      scoreOf([
        { weight: 20, result: null },
        { weight: 10, result: 1 },
      ]),
    ).toBe(100);
    expect(scoreOf([{ weight: 20, result: null }])).toBe(100);
    expect(scoreOf([])).toBe(100);
    expect(
      scoreOf([
        { weight: 20, result: 0 },
        { weight: 30, result: null },
      ]),
    ).toBe(0);
  });
});

describe('rules', () => {
  it('keeps only enabled rules with a weight and a known check', () => {
    const rules = [
      { code: 'co_dieu_le', enabled: true, weight: 15 },
      { code: 'khong_qua_cu', enabled: false, weight: 10 },
      { code: 'cap_nhat_quy', enabled: true, weight: 0 },
      { code: 'unknown_rule', enabled: true, weight: 5 },
    ];
    expect(activeRules(rules).map((r) => r.code)).toEqual(['co_dieu_le']);
  });

  it('has a check for each seeded rule and names the required groups from Biểu mẫu 1', () => {
    expect(Object.keys(RULE_SQL).sort()).toEqual(
      ['cap_nhat_quy', 'co_dieu_le', 'khong_qua_cu', 'lien_he_lanh_dao', 'nhiem_ky_con_han', 'nhom_bat_buoc'].sort(),
    );
    expect(REQUIRED_LABELS).toContain('Lãnh đạo hội');
  });

  it('counts N years back from the Viet Nam day (29 February → 1 March)', () => {
    expect(yearsBefore('2026-11-20', 3)).toBe('2023-11-20T00:00:00+07:00');
    expect(yearsBefore('2028-02-29', 1)).toBe('2027-03-01T00:00:00+07:00');
  });

  it('colours scores by band', () => {
    expect([scoreBadge(49), scoreBadge(50), scoreBadge(79), scoreBadge(80)]).toEqual([
      'text-bg-danger',
      'text-bg-warning',
      'text-bg-warning',
      'text-bg-success',
    ]);
  });
});
