/**
 * What a stored file may be and how its names are handled (RELIABILITY rule 8, checks 22–23):
 *  - the type is decided by content (magic bytes, and for DOCX/XLSX the OOXML parts inside the ZIP) from an
 *    allowlist, never by the name or the browser's Content-Type;
 *  - the original name is kept only as metadata: path parts, control characters and NUL stripped;
 *  - downloads carry an RFC 6266/5987 Content-Disposition with an ASCII fallback.
 */
import { fileTypeFromFile } from 'file-type';

export interface AllowedType {
  ext: 'pdf' | 'jpg' | 'png' | 'tif' | 'docx' | 'xlsx';
  mime: string;
  label: string;
}

/** FORM-1.md J: PDF, JPEG, PNG, TIFF, DOCX, XLSX. Keyed by file-type's detected extension. */
export const ALLOWED_TYPES: Readonly<Record<string, AllowedType>> = Object.freeze({
  pdf: { ext: 'pdf', mime: 'application/pdf', label: 'PDF' },
  jpg: { ext: 'jpg', mime: 'image/jpeg', label: 'JPEG' },
  png: { ext: 'png', mime: 'image/png', label: 'PNG' },
  tif: { ext: 'tif', mime: 'image/tiff', label: 'TIFF' },
  docx: { ext: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', label: 'DOCX' },
  xlsx: { ext: 'xlsx', mime: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', label: 'XLSX' },
});

/** For the file input's `accept` (a hint to the browser only; the server decides by content). */
export const ACCEPT_ATTRIBUTE = '.pdf,.jpg,.jpeg,.png,.tif,.tiff,.docx,.xlsx';

/** The allowed type a file's content shows, or null (unknown, HTML, SVG, EXE, ZIP that is not OOXML …). */
export async function detectAllowedType(filePath: string): Promise<AllowedType | null> {
  const detected = await fileTypeFromFile(filePath);
  if (!detected) return null;
  const allowed = ALLOWED_TYPES[detected.ext];
  // The extension and the MIME type must agree (file-type reports both from the same signature).
  return allowed && allowed.mime === detected.mime ? allowed : null;
}

const MAX_NAME_LENGTH = 255;
export const FALLBACK_NAME = 'tai-lieu';

/**
 * The name the user's file had, safe to keep as metadata: the last path segment only (both separators), no NUL
 * or other control characters, NFC-normalised, at most 255 characters. It is never used to build a path.
 */
export function sanitizeOriginalName(raw: unknown): string {
  if (typeof raw !== 'string') return FALLBACK_NAME;
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
  const noControls = raw.normalize('NFC').replace(/[\u0000-\u001f\u007f-\u009f]/g, '');
  const lastSegment = noControls.split(/[\\/]/).pop() ?? '';
  const trimmed = lastSegment.trim().replace(/^\.+$/, '');
  const limited = Array.from(trimmed).slice(0, MAX_NAME_LENGTH).join('');
  return limited.length > 0 ? limited : FALLBACK_NAME;
}

/** ASCII-only fallback for old clients: Vietnamese letters without marks, anything else unsafe → "_". */
export function asciiFallbackName(name: string): string {
  const folded = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D');
  const safe = folded.replace(/[^A-Za-z0-9._()\- ]/g, '_').trim();
  return safe.length > 0 && !/^[._]+$/.test(safe) ? safe : FALLBACK_NAME;
}

/** RFC 5987 value-chars: percent-encode everything but attr-char. */
function encodeRfc5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** `attachment; filename="ascii"; filename*=UTF-8''utf8` — always a download, never rendered inline. */
export function attachmentDisposition(originalName: string, ext: string): string {
  let name = sanitizeOriginalName(originalName);
  // The download keeps the detected type's extension, so the saved file opens with the right program.
  if (!name.toLowerCase().endsWith(`.${ext}`) && !(ext === 'jpg' && /\.jpe?g$/i.test(name)) && !(ext === 'tif' && /\.tiff?$/i.test(name))) {
    name = `${name}.${ext}`;
  }
  return `attachment; filename="${asciiFallbackName(name)}"; filename*=UTF-8''${encodeRfc5987(name)}`;
}

/** The extension of a stored file, from its MIME type (for downloads). */
export function extensionForMime(mime: string): string {
  return Object.values(ALLOWED_TYPES).find((t) => t.mime === mime)?.ext ?? 'bin';
}
