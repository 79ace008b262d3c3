/**
 * The text of an uploaded charter file, by its type: a DOCX is read (docx-text.ts); a PDF or a scanned image gives
 * no text here (no PDF text library is installed, and a scan has no text layer), so the version waits for someone
 * to type or paste its text in.
 */
import { normaliseCharterText } from './charter-text.js';
import { docxText } from './docx-text.js';

export type CharterSource = 'docx' | 'pdf' | 'image' | 'other' | 'entered';

const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

export function sourceOfMime(mime: string): Exclude<CharterSource, 'entered'> {
  if (mime === DOCX) return 'docx';
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('image/')) return 'image';
  return 'other';
}

/**
 * The normalised text of a stored file, or null when none can be had from it (not a DOCX, an unreadable DOCX, a
 * DOCX without any text). `read` gives the file's bytes; it is not called for a type without text.
 */
export async function extractCharterText(mime: string, read: () => Promise<Buffer>): Promise<string | null> {
  if (sourceOfMime(mime) !== 'docx') return null;
  const text = normaliseCharterText(await docxText(await read()));
  return text === '' ? null : text;
}
