/**
 * Issue 17 item 2: texts the server makes in Vietnamese are printed in English through `tx` (src/lib/server-text.ts).
 */
import { describe, expect, it } from 'vitest';
import { translator } from '../../src/lib/i18n.js';
import { createTextTranslator, keepText, loadTextCatalogue } from '../../src/lib/server-text.js';

const tx = createTextTranslator({
  'Tên đăng nhập': 'Username',
  'Nhập {{label}}.': 'Enter the {{label}}.',
  '{{label}} không được dài quá {{max}} ký tự.': '{{label}} must not be longer than {{max}} characters.',
  'Số {{number}}': 'No. {{number}}',
  'Số hội': 'Number of associations',
  'Đã gửi {{count}} thông báo cho {{name}}.': 'Sent {{count}} notices to {{name}}.',
  'Tình hình đại hội: {{summary}}.': 'Congresses: {{summary}}.',
  '{{count}} hội đã quá hạn': '{{count}} associations overdue',
  '{{count}} hội sắp đến hạn': '{{count}} associations due soon',
});

describe('tx: server texts in English', () => {
  it('translates an exact text, and leaves what it does not know (data, names) as it is', () => {
    expect(tx('Tên đăng nhập')).toBe('Username');
    expect(tx('Hội Luật gia Việt Nam')).toBe('Hội Luật gia Việt Nam');
    expect(tx(null)).toBe('');
    expect(tx(undefined)).toBe('');
    expect(tx(42)).toBe('42');
  });

  it('fills placeholders, translating a captured label, also when written lower-case inside the sentence', () => {
    expect(tx('Nhập tên đăng nhập.')).toBe('Enter the username.');
    expect(tx('Tên đăng nhập không được dài quá 100 ký tự.')).toBe('Username must not be longer than 100 characters.');
    expect(tx('Đã gửi 3 thông báo cho Hội Nông dân.')).toBe('Sent 3 notices to Hội Nông dân.');
  });

  it('translates a captured sentence, or each item of a captured list, in its turn', () => {
    expect(tx('Tình hình đại hội: 44 hội đã quá hạn.')).toBe('Congresses: 44 associations overdue.');
    expect(tx('Tình hình đại hội: 44 hội đã quá hạn; 7 hội sắp đến hạn.')).toBe(
      'Congresses: 44 associations overdue; 7 associations due soon.',
    );
    expect(tx('Tình hình đại hội: Hội A, Hội B.')).toBe('Congresses: Hội A, Hội B.');
  });

  it('prefers an exact key to a pattern', () => {
    expect(tx('Số hội')).toBe('Number of associations');
    expect(tx('Số 12')).toBe('No. 12');
  });

  it('lets a placeholder named for a number stand for digits only (no half-translated sentence)', () => {
    expect(tx('Số 1.234')).toBe('No. 1.234');
    expect(tx('Số hội theo tỉnh')).toBe('Số hội theo tỉnh');
  });

  it('is the identity in Vietnamese', () => {
    expect(keepText('Nhập tên đăng nhập.')).toBe('Nhập tên đăng nhập.');
    expect(translator('vi').tx('Lỗi hệ thống')).toBe('Lỗi hệ thống');
  });

  it('reads the project catalogue: the English translator knows the error titles', () => {
    expect(translator('en').tx('Lỗi hệ thống')).toBe('System error');
    expect(Object.keys(loadTextCatalogue()).length).toBeGreaterThan(100);
  });

  it('refuses a catalogue where one key has two English texts', async () => {
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const dir = mkdtempSync(path.join(tmpdir(), 'texts-'));
    writeFileSync(path.join(dir, 'a.json'), JSON.stringify({ Lỗi: 'Error' }));
    writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ Lỗi: 'Fault' }));
    expect(() => loadTextCatalogue(dir)).toThrow(/another English text/);
  });
});

describe('tx: a captured part that is a made text itself', () => {
  const nested = createTextTranslator({
    'Lãnh đạo hội': 'Leadership of the association',
    'Họ và tên': 'Full name',
    '{{label}} là bắt buộc.': '{{label}} is required.',
    '{{list}}, dòng {{row}}: {{error}}': '{{list}}, row {{row}}: {{error}}',
    'Đại hội nhiệm kỳ': 'Term congress',
    'Hồ sơ {{congress}} khóa {{term}}': 'Dossier of the {{congress}} (term {{term}})',
    'Hội {{name}} đã gửi {{what}}.': 'The association {{name}} has sent the {{what}}.',
  });

  it("translates a row's message inside the row's prefix, through the patterns", () => {
    expect(nested('Lãnh đạo hội, dòng 2: Họ và tên là bắt buộc.')).toBe('Leadership of the association, row 2: Full name is required.');
  });

  it('translates a made text written lower-case inside a sentence, and leaves unknown parts as they are', () => {
    expect(nested('Hội Luật gia đã gửi hồ sơ đại hội nhiệm kỳ khóa 5.')).toBe(
      'The association Luật gia has sent the dossier of the term congress (term 5).',
    );
    expect(nested('Lãnh đạo hội, dòng 2: điều gì đó khác')).toBe('Leadership of the association, row 2: điều gì đó khác');
  });
});
