/**
 * Issue 17 item 2: the audit trail's labels (actions, results, kinds of record, failure notes, the record an event
 * names) have English texts in locales/texts/en (audit.json and the shared common.json), so the IT Centre's audit log
 * reads in English through `tx`. Each label is translated by the app's own catalogue and translator; the Vietnamese
 * labels themselves are unchanged (the CSV and the Vietnamese page print them as they are).
 */
import { describe, expect, it } from 'vitest';
import {
  ACTION_LABELS,
  actionLabel,
  detailNotes,
  OUTCOME_LABELS,
  TARGET_TYPES,
  targetText,
  targetTypeLabel,
} from '../../src/features/audit/audit-labels.js';
import { createTextTranslator, loadTextCatalogue } from '../../src/lib/server-text.js';

const tx = createTextTranslator(loadTextCatalogue());
const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/iu;

function expectEnglish(vi: string): string {
  const en = tx(vi);
  expect(en, vi).not.toBe(vi);
  expect(en, `${vi} → ${en}`).not.toMatch(VIETNAMESE);
  return en;
}

describe('audit labels in English', () => {
  it('every action, result and kind of record (the catalogues named by the catalogues feature aside)', () => {
    for (const label of Object.values(ACTION_LABELS)) expectEnglish(label);
    expect(tx(actionLabel('something.new'))).toBe('Other action');
    for (const label of Object.values(OUTCOME_LABELS)) expectEnglish(label);
    for (const t of TARGET_TYPES.filter((x) => !x.label.startsWith('Danh mục '))) expectEnglish(t.label);
    expect(tx(targetTypeLabel('audit_log'))).toBe('Audit log');
    expect(tx(targetTypeLabel('exploitation_log'))).toBe('Data access log');
    expect(tx(targetTypeLabel('nothing'))).toBe('Other record');
  });

  it('the notes of a failed sign-in, the reason translated inside the note', () => {
    const notes = detailNotes('login', null, 'khach.la', { reason: 'bad_password', locked: true });
    expect(notes.map(tx)).toEqual([
      'reason: wrong password',
      'account temporarily locked after this attempt',
      'username entered: khach.la',
    ]);
  });

  it('the record an event names, with its number, code or name', () => {
    expect(tx(targetText('association', 'H000042'))).toBe('Association record H000042');
    expect(tx(targetText('user', '5', { username: 'nguyen.van.a' }))).toBe('Account nguyen.van.a');
    expect(tx(targetText('user', '5'))).toBe('Account no. 5');
    expect(tx(targetText('incident', '12'))).toBe('Incident no. 12');
    expect(tx(targetText('api_key', '3'))).toBe('API key no. 3');
    expect(tx(targetText('job', 'backup'))).toBe('Scheduled job: Scheduled backup');
    expect(tx(targetText('annual_report', '2025'))).toBe('Annual report 2025');
    expect(tx(targetText('route', 'POST /quan-tri/hoi/moi'))).toBe('Page /quan-tri/hoi/moi (form submitted)');
    // Every kind named by its number has a text of its own (no "label no. id" pattern that would catch other texts).
    for (const t of TARGET_TYPES.filter((x) => x.id === 'number')) {
      const vi = targetText(t.type, '7');
      expect(vi).toBe(`${t.label} số 7`);
      expect(expectEnglish(vi)).toMatch(/ no\. 7$/);
    }
    // Vietnamese unchanged.
    expect(targetText('incident', '12')).toBe('Sự cố số 12');
  });
});
