/**
 * Public-field regimes (SPEC §6), CSV formula neutralisation (RELIABILITY 20) and the guide's safe Markdown
 * (R-6.3, RELIABILITY 15): pure functions.
 */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { parseGuide, safeHref } from '../../src/features/guide/guide.service.js';
import { csvCell, csvRow } from '../../src/features/public/open-data.js';
import { publicFields, toPublic } from '../../src/features/public/public-fields.js';

describe('public-field regimes', () => {
  const source = {
    code: 'H000001',
    name: 'Hội A',
    members_total: 12,
    president_name: 'Nguyễn Văn A',
    president_position: 'Chủ tịch',
    nature: 'Hội xã hội - nghề nghiệp',
    other_fields: ['Y tế'],
    // Whatever else a query returns never passes through.
    birth_year: 1901,
    data_level: 'advanced',
    paper_dossier_ref: 'Tủ 3',
    version: 4,
  };

  it('113 keeps general information only, 79-2022 adds nature, members and the president', () => {
    const p113 = toPublic(source, '113');
    expect(Object.keys(p113)).toEqual(publicFields('113').map((f) => f.key));
    expect(p113).not.toHaveProperty('members_total');
    expect(p113).not.toHaveProperty('president_name');
    const p79 = toPublic(source, '79-2022');
    expect(p79).toMatchObject({ members_total: 12, president_name: 'Nguyễn Văn A', nature: 'Hội xã hội - nghề nghiệp' });
    for (const key of ['birth_year', 'data_level', 'paper_dossier_ref', 'version']) {
      expect(p113).not.toHaveProperty(key);
      expect(p79).not.toHaveProperty(key);
    }
  });

  it('is a validated setting, 113 by default', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).publicFieldsRegime).toBe('113');
    expect(loadConfig({ NODE_ENV: 'test', PUBLIC_FIELDS_REGIME: '79-2022' }).publicFieldsRegime).toBe('79-2022');
    expect(() => loadConfig({ NODE_ENV: 'test', PUBLIC_FIELDS_REGIME: 'all' })).toThrow(/PUBLIC_FIELDS_REGIME: phải là 113/);
  });
});

describe('CSV cells (check 20)', () => {
  it.each([
    ['=1+1', `"'=1+1"`],
    ['+84 24 3825', `"'+84 24 3825"`],
    ['-2', `"'-2"`],
    ['@SUM(A1)', `"'@SUM(A1)"`],
    ['\tx', `"'\tx"`],
    ['\rx', `"'\rx"`],
    ['Hội "A", B', '"Hội ""A"", B"'],
    ['a=b', '"a=b"'],
    ['', '""'],
  ])('%j → %s', (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it('writes dates as dd/mm/yyyy and lists joined', () => {
    const fields = publicFields('113').filter((f) => ['code', 'other_fields', 'founding_decision_date'].includes(f.key));
    expect(csvRow(fields, { code: 'H000001', name: 'x', other_fields: ['A', 'B'], founding_decision_date: '2005-06-01' })).toBe(
      '"H000001","A; B","01/06/2005"\r\n',
    );
  });
});

describe('guide Markdown', () => {
  it('keeps raw HTML as text and drops unsafe links', () => {
    const guide = parseGuide(
      { slug: 'x', title: 'X', audience: '' },
      '# Tiêu đề\n\nA <script>alert(1)</script> [bấm](javascript:alert(1)) [ok](/hoi) `c<d`\n\n<div onclick="x">khối</div>\n',
    );
    expect(guide.heading).toBe('Tiêu đề');
    const text = JSON.stringify(guide.nodes);
    expect(text).toContain('{"type":"text","text":"<script>"}');
    expect(text).not.toContain('javascript:');
    expect(text).toContain('{"type":"link","href":"/hoi"');
    expect(text).toContain('<div onclick=\\"x\\">khối</div>');
  });

  it.each([
    ['/hoi', '/hoi'],
    ['#muc', '#muc'],
    ['https://moha.gov.vn', 'https://moha.gov.vn'],
    ['mailto:a@b.vn', 'mailto:a@b.vn'],
    ['//evil.example', null],
    ['javascript:alert(1)', null],
    [' JaVaScRiPt:alert(1)', null],
    ['data:text/html,x', null],
  ])('safeHref(%j) = %j', (href, expected) => {
    expect(safeHref(href)).toBe(expected);
  });
});
