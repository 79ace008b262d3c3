/** Biểu mẫu 1 validation: conversions of Vietnamese input and precise messages. */
import { describe, expect, it } from 'vitest';
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
});
