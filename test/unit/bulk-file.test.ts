/** The bulk import file: CSV dialects and column mapping by label or key. */
import { describe, expect, it } from 'vitest';
import { bulkTemplateCsv, parseCsv, readBulkFile } from '../../src/features/imports/bulk-file.js';

describe('bulk import file', () => {
  it('parses CSV with BOM, quotes, doubled quotes, line breaks in a cell and a semicolon separator', () => {
    expect(parseCsv('\uFEFFa,b\r\n"x, y","say ""hi"""\n"two\nlines",z\n')).toEqual([
      ['a', 'b'],
      ['x, y', 'say "hi"'],
      ['two\nlines', 'z'],
    ]);
    expect(parseCsv('a;b\n1,5;2\n')).toEqual([
      ['a', 'b'],
      ['1,5', '2'],
    ]);
  });

  it('maps columns by Vietnamese label or by key, reads codes, names or "code — name" for catalogue fields', async () => {
    const csv = 'name,Phạm vi hoạt động *,Lĩnh vực hoạt động chính,"Hội được Đảng, Nhà nước giao nhiệm vụ"\n';
    const file = await readBulkFile(Buffer.from(`${csv}Hội A,Toàn quốc,KHCN — Khoa học,Có\nHội B,tinh,y tế,\n`), 'csv', {
      fields: [
        { code: 'KHCN', name: 'Khoa học', current: true },
        { code: 'YTE', name: 'Y tế', current: true },
      ],
    });
    expect(file.fatal).toEqual([]);
    expect([...file.columns.keys()]).toEqual(['name', 'scope', 'main_field_code', 'party_state_tasked']);
    expect(file.rows.map((r) => r.values)).toEqual([
      { name: 'Hội A', scope: 'toan_quoc', main_field_code: 'KHCN', party_state_tasked: 'on' },
      { name: 'Hội B', scope: 'tinh', main_field_code: 'YTE', party_state_tasked: '' },
    ]);
    expect(file.rows.map((r) => r.rowNumber)).toEqual([2, 3]);
  });

  it('refuses a file without the name column and a CSV that is not UTF-8', async () => {
    expect((await readBulkFile(Buffer.from('a,b\n1,2\n'), 'csv', {})).fatal[0]).toContain('Tên hội (tiếng Việt)');
    expect((await readBulkFile(Buffer.from([0x54, 0xea, 0x6e, 0x2c, 0x0a]), 'csv', {})).fatal[0]).toContain('UTF-8');
    expect(bulkTemplateCsv().startsWith('\uFEFFMã hội')).toBe(true);
  });
});
