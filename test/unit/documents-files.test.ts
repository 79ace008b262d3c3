/** File names, download headers, type detection and upload configuration (RELIABILITY checks 22–23). */
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import {
  asciiFallbackName,
  attachmentDisposition,
  detectAllowedType,
  FALLBACK_NAME,
  sanitizeOriginalName,
} from '../../src/features/documents/documents.files.js';
import { declaresClassified, uploadSchema } from '../../src/features/documents/documents.schemas.js';
import { createDocumentStorage } from '../../src/features/documents/documents.storage.js';

const fixtures = path.join(import.meta.dirname, '../fixtures/documents');
const scratch = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-unit-docs-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('sanitizeOriginalName', () => {
  it('keeps only the last path segment, whichever separator', () => {
    expect(sanitizeOriginalName('../../etc/passwd.pdf')).toBe('passwd.pdf');
    expect(sanitizeOriginalName('C:\\Users\\a\\Quyết định.pdf')).toBe('Quyết định.pdf');
  });

  it('drops NUL and control characters and keeps markup as text (escaped on output)', () => {
    expect(sanitizeOriginalName('bad\u0000name\r\n.pdf')).toBe('badname.pdf');
    expect(sanitizeOriginalName('<img src=x onerror=alert(1)>.pdf')).toBe('<img src=x onerror=alert(1)>.pdf');
  });

  it('falls back to a neutral name for empty, dot-only or non-string names and limits the length', () => {
    expect(sanitizeOriginalName('')).toBe(FALLBACK_NAME);
    expect(sanitizeOriginalName('..')).toBe(FALLBACK_NAME);
    expect(sanitizeOriginalName('a/')).toBe(FALLBACK_NAME);
    expect(sanitizeOriginalName(undefined)).toBe(FALLBACK_NAME);
    expect(Array.from(sanitizeOriginalName(`${'ệ'.repeat(400)}.pdf`))).toHaveLength(255);
  });

  it('normalises to NFC', () => {
    expect(sanitizeOriginalName('Hội'.normalize('NFD'))).toBe('Hội'.normalize('NFC'));
  });
});

describe('attachmentDisposition', () => {
  it('gives an ASCII fallback and the UTF-8 name per RFC 5987', () => {
    const h = attachmentDisposition('Quyết định thành lập (bản gốc).pdf', 'pdf');
    expect(h).toBe(
      'attachment; filename="Quyet dinh thanh lap (ban goc).pdf"; filename*=UTF-8\'\'Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%20th%C3%A0nh%20l%E1%BA%ADp%20%28b%E1%BA%A3n%20g%E1%BB%91c%29.pdf',
    );
  });

  it('cannot be broken out of by quotes, semicolons or line breaks in the name', () => {
    const h = attachmentDisposition('a"; filename="evil.html\r\nX-Injected: 1.pdf', 'pdf');
    expect(h).not.toMatch(/[\r\n]/);
    expect(h.split('"').length).toBe(3);
    expect(asciiFallbackName('Đơn "đề nghị".docx')).toBe('Don _de nghi_.docx');
  });

  it('adds the detected extension when the name lacks it', () => {
    expect(attachmentDisposition('scan', 'tif')).toContain('filename="scan.tif"');
    expect(attachmentDisposition('anh.JPEG', 'jpg')).toContain('filename="anh.JPEG"');
    expect(attachmentDisposition('report.pdf', 'xlsx')).toContain('filename="report.pdf.xlsx"');
  });
});

describe('detectAllowedType', () => {
  it.each([
    ['sample.pdf', 'application/pdf'],
    ['sample.jpg', 'image/jpeg'],
    ['sample.png', 'image/png'],
    ['sample.tif', 'image/tiff'],
    ['sample.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['sample.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ])('accepts %s by content', async (name, mime) => {
    expect((await detectAllowedType(path.join(fixtures, name)))?.mime).toBe(mime);
  });

  it.each([
    ['html.pdf', '<!DOCTYPE html><html><body><script>alert(1)</script></body></html>'],
    ['exe.pdf', Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(200)])],
    ['image.svg', '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'],
    ['text.pdf', 'plain text that claims to be a PDF'],
  ])('refuses %s', async (name, content) => {
    const file = path.join(scratch, name);
    writeFileSync(file, content);
    expect(await detectAllowedType(file)).toBeNull();
  });
});

describe('upload declaration', () => {
  it('refuses every classified declaration and an unknown one', () => {
    const base = { document_type_code: 'DIEU_LE', title: 'Điều lệ' };
    for (const classification of ['mat', 'toi_mat', 'tuyet_mat']) {
      const r = uploadSchema.safeParse({ ...base, classification });
      expect(r.success).toBe(false);
      expect(r.error?.issues[0]?.message).toContain('Điều 4');
      expect(declaresClassified({ classification })).toBe(true);
    }
    expect(uploadSchema.safeParse({ ...base, classification: 'khac' }).error?.issues[0]?.message).toBe('Độ mật không hợp lệ.');
    expect(uploadSchema.safeParse({ ...base }).success).toBe(false);
    expect(uploadSchema.safeParse({ ...base, classification: 'khong_mat', supersedes_id: '' }).data?.supersedes_id).toBeNull();
    expect(declaresClassified({})).toBe(false);
    expect(declaresClassified({ classification: 'khong_mat' })).toBe(false);
  });
});

describe('upload configuration', () => {
  it('defaults to DATA_DIR/uploads and 20 MB', () => {
    const c = loadConfig({ NODE_ENV: 'test', DATA_DIR: path.join(scratch, 'data') });
    expect(c.uploads.dir).toBe(path.join(scratch, 'data', 'uploads'));
    expect(c.uploads.maxMb).toBe(20);
    expect(c.uploads.maxBytes).toBe(20 * 1024 * 1024);
  });

  it('refuses an upload folder inside public/ and a bad size, in Vietnamese', () => {
    expect(() => loadConfig({ NODE_ENV: 'test', UPLOAD_DIR: 'public/uploads' })).toThrow(/UPLOAD_DIR: không được nằm trong/);
    try {
      loadConfig({ NODE_ENV: 'test', UPLOAD_MAX_MB: '0' });
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError);
      expect((err as ConfigError).problems).toEqual(['UPLOAD_MAX_MB: phải từ 1 trở lên']);
    }
  });
});

describe('document storage', () => {
  it('sweeps only old temp files left by a stopped process', async () => {
    const storage = createDocumentStorage(path.join(scratch, 'store'));
    expect(await storage.sweepTemp(new Date())).toBe(0);
    mkdirSync(storage.tmpDir, { recursive: true });
    const old = path.join(storage.tmpDir, 'old.part');
    const fresh = path.join(storage.tmpDir, 'fresh.part');
    writeFileSync(old, 'x');
    writeFileSync(fresh, 'x');
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    utimesSync(old, twoHoursAgo, twoHoursAgo);
    expect(await storage.sweepTemp(new Date())).toBe(1);
    expect(existsSync(old)).toBe(false);
    expect(existsSync(fresh)).toBe(true);
  });

  it('refuses a storage name that is not a generated one', () => {
    const storage = createDocumentStorage(path.join(scratch, 'store2'));
    expect(() => storage.pathFor('../../etc/passwd')).toThrow(/invalid storage name/);
    expect(storage.pathFor('0a1b2c3d-0000-4000-8000-000000000000.pdf')).toBe(
      path.join(storage.filesDir, '0a', '0a1b2c3d-0000-4000-8000-000000000000.pdf'),
    );
  });
});
