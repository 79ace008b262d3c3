/** Biểu mẫu 1 validation: conversions of Vietnamese input and precise messages. */
import { describe, expect, it } from 'vitest';
import { ALL_FIELDS, SECTIONS } from '../../src/features/register-form/definition.js';
import { convertField, parseAssociationForm, parseVietnameseDate } from '../../src/features/register-form/schema.js';

const catalogues = {
  association_kinds: new Set(['hoi']),
  fields: new Set(['KHCN', 'YTE']),
  statuses: new Set(['hoat_dong']),
  leader_positions: new Set(['CT']),
};

describe('Biểu mẫu 1 parsing', () => {
  it('reads dates as dd/mm/yyyy and refuses impossible ones', () => {
    expect(parseVietnameseDate('05/02/2013')).toBe('2013-02-05');
    expect(parseVietnameseDate('5/2/2013')).toBe('2013-02-05');
    expect(parseVietnameseDate('2013-02-05')).toBe('2013-02-05');
    expect(parseVietnameseDate('29/02/2023')).toBeNull();
    expect(parseVietnameseDate('32/01/2020')).toBeNull();
    expect(parseVietnameseDate('hôm qua')).toBeNull();
  });

  it('reads numbers the Vietnamese way', () => {
    expect(convertField({ name: 'm', label: 'Tiền', type: 'money', min: 0, max: 1e15 }, '1.500.000', {})).toEqual([1_500_000, null]);
    expect(convertField({ name: 'a', label: 'Diện tích', type: 'decimal', min: 0, max: 1e6 }, '1.250,75', {})).toEqual([1250.75, null]);
    expect(convertField({ name: 'a', label: 'Diện tích', type: 'decimal', min: 0, max: 1e6 }, '120.5', {})).toEqual([120.5, null]);
    expect(convertField({ name: 'n', label: 'Số ủy viên', type: 'int', min: 0, max: 100 }, '101', {})[1]).toBe(
      'Số ủy viên phải từ 0 đến 100.',
    );
  });

  it('refuses values outside a catalogue and arrays where one value is expected', () => {
    expect(convertField({ name: 'f', label: 'Lĩnh vực', type: 'select', options: { catalogue: 'fields' } }, 'XYZ', catalogues)[1]).toBe(
      'Lĩnh vực: chọn một mục trong danh sách.',
    );
    expect(convertField({ name: 'n', label: 'Tên', type: 'text' }, ['a', 'b'], catalogues)[1]).toBe('Tên không hợp lệ.');
  });

  it('collects sub-list rows in order, skips blank rows, keeps ids and honours removals', () => {
    const r = parseAssociationForm(
      {
        name: 'Hội A',
        kind_code: 'hoi',
        scope: 'toan_quoc',
        main_field_code: 'KHCN',
        status: 'hoat_dong',
        data_level: 'raw',
        'leaders.1.full_name': 'B',
        'leaders.1.position_code': 'CT',
        'leaders.1.official_status': 'khong',
        'leaders.0.id': '7',
        'leaders.0.full_name': 'A',
        'leaders.0.position_code': 'CT',
        'leaders.0.official_status': 'khong',
        'leaders.2.full_name': '',
        'leaders.3.id': '9',
        'leaders.3._delete': 'on',
        'leaders.4.__proto__': 'x',
        other_field_codes: ['YTE', 'KHCN'],
      },
      catalogues,
    );
    expect(r.errors).toEqual({});
    expect(r.input.lists.leaders?.map((l) => [l.id, l.full_name])).toEqual([
      [7, 'A'],
      [undefined, 'B'],
    ]);
    // The main field is not repeated among the other fields.
    expect(r.input.other_field_codes).toEqual(['YTE']);
  });

  it('names the row and the field in sub-list errors, and checks rows against each other', () => {
    const r = parseAssociationForm(
      {
        name: 'Hội A',
        kind_code: 'hoi',
        scope: 'toan_quoc',
        main_field_code: 'KHCN',
        status: 'hoat_dong',
        data_level: 'raw',
        'staff_quotas.0.year': '2024',
        'staff_quotas.0.quota': '3',
        'staff_quotas.1.year': '2024',
        'staff_quotas.1.quota': '4',
      },
      catalogues,
    );
    expect(r.ok).toBe(false);
    expect(r.errors['staff_quotas.1.year']).toBe('Biên chế được giao, dòng 2: năm này đã có ở dòng khác.');
  });

  const REQUIRED = { name: 'Hội A', kind_code: 'hoi', scope: 'toan_quoc', main_field_code: 'KHCN', status: 'hoat_dong', data_level: 'raw' };

  it('checks the tax code against its hint: 10 digits, or 13 written 0101234567-001 (R-5)', () => {
    const message = 'Mã số thuế gồm 10 chữ số, hoặc 13 chữ số viết dạng 0101234567-001.';
    for (const bad of ['12', '12AB', '01012345678', '0101234567-01', '0101234567 001', 'MST0101234567']) {
      const r = parseAssociationForm({ ...REQUIRED, tax_code: bad }, catalogues);
      expect(r.ok, bad).toBe(false);
      expect(r.errors.tax_code, bad).toBe(message);
      expect(r.values.fields.tax_code).toBe(bad); // the value typed is shown again
    }
    for (const good of ['0101234567', ' 0101234567-001 ', '']) {
      const r = parseAssociationForm({ ...REQUIRED, tax_code: good }, catalogues);
      expect(r.errors, good).toEqual({});
      expect(r.input.record.tax_code).toBe(good.trim() || null);
    }
  });

  it('checks the members against their total: official ≤ total, organisations + individuals ≤ total (R-5)', () => {
    const over = parseAssociationForm(
      { ...REQUIRED, members_total: '1.000', members_official: '1.200', members_organisations: '300', members_individuals: '800' },
      catalogues,
    );
    expect(over.ok).toBe(false);
    expect(over.errors.members_official).toBe('Số hội viên chính thức (1.200) không được lớn hơn tổng số hội viên (1.000).');
    expect(over.errors.members_individuals).toBe(
      'Hội viên tổ chức và hội viên cá nhân cộng lại (1.100) không được lớn hơn tổng số hội viên (1.000).',
    );
    expect(over.values.fields.members_official).toBe('1.200');
    const fits = parseAssociationForm(
      { ...REQUIRED, members_total: '1.000', members_official: '1.000', members_organisations: '200', members_individuals: '800' },
      catalogues,
    );
    expect(fits.errors).toEqual({});
    // Without a total there is nothing to compare with.
    expect(parseAssociationForm({ ...REQUIRED, members_official: '5', members_individuals: '9' }, catalogues).errors).toEqual({});
  });

  it('has group I (activity and supervision): annual report, inspections and violations, awards (FORM-1 §I)', () => {
    const group = SECTIONS.find((s) => s.key === 'I');
    expect(group?.title).toBe('I. Hoạt động và giám sát');
    expect(group?.fields.map((f) => f.name)).toEqual([
      'annual_report_year',
      'annual_report_filed_on',
      'inspections',
      'violations_actions',
      'awards',
    ]);
    // FORM-1 names no report of Art. 17.1 and no public regime for group I.
    for (const f of group?.fields ?? []) expect([f.name, f.reports, f.public]).toEqual([f.name, undefined, undefined]);
    expect(SECTIONS.map((s) => s.key)).toEqual(['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'K']);
    expect(ALL_FIELDS.some((f) => f.name === 'awards')).toBe(true);

    const ok = parseAssociationForm(
      {
        ...REQUIRED,
        annual_report_year: '2025',
        annual_report_filed_on: '15/01/2026',
        inspections: 'Thanh tra Bộ Nội vụ, 03/2025: không phát hiện vi phạm.',
        violations_actions: '',
        awards: 'Huân chương Lao động hạng Nhất (2020)',
      },
      catalogues,
    );
    expect(ok.errors).toEqual({});
    expect(ok.input.record).toMatchObject({ annual_report_year: 2025, annual_report_filed_on: '2026-01-15', violations_actions: null });

    const early = parseAssociationForm({ ...REQUIRED, annual_report_year: '2025', annual_report_filed_on: '20/12/2024' }, catalogues);
    expect(early.errors.annual_report_filed_on).toBe('Ngày nộp báo cáo hoạt động không được trước năm của báo cáo (2025).');
    expect(early.values.fields.annual_report_filed_on).toBe('20/12/2024');
  });
});
