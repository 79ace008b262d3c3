/**
 * Attachments through the real app: upload, type by content, limits, names, truncated bodies, classified
 * declarations, CSRF before storage, failure injection and access control (RELIABILITY rule 8; checks 21–25, 33;
 * R-4, R-20.2). Login goes through the real forms; every request carries a real CSRF token.
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { seedReference } from '../../seeds/reference/index.js';
import { CLASSIFIED_REFUSAL } from '../../src/features/documents/documents.schemas.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, type InsertedAssociation, insertAssociations } from '../helpers/builders.js';
import { type Agent, agent, csrfFrom, login, sessionCookie } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/documents');
const MAX_BYTES = 1024 * 1024; // UPLOAD_MAX_MB=1
const CODE = 'H900001';
const OTHER = 'H900002';
const PAGE = `/quan-tri/hoi/${CODE}/tai-lieu`;
const OTHER_PAGE = `/quan-tri/hoi/${OTHER}/tai-lieu`;
const UUID_NAME = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}\.(pdf|jpg|png|tif|docx|xlsx)$/;

let t: TestContext;
let uploadDir: string;
let staff: Agent;
let leader: Agent;
let officer: Agent;
let exploiter: Agent;
let staffCookie: string;
let staffUser: TestUser;
let associationId: number;
let otherAssociationId: number;

// ---------------------------------------------------------------- helpers

interface Part {
  name: string;
  value?: string;
  /** `disposition` replaces the filename parameter as written, e.g. an RFC 5987 `filename*=`. */
  file?: { filename: string; content: Buffer; type?: string; disposition?: string };
}

const BASE_FIELDS = { classification: 'khong_mat', document_type_code: 'DIEU_LE', title: 'Điều lệ hội' };

function multipart(parts: Part[], options: { close?: boolean } = {}): { body: Buffer; type: string } {
  const boundary = `----csdlhoi${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if (p.file) {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${p.name}"; ${p.file.disposition ?? `filename="${p.file.filename}"`}\r\n` +
            `Content-Type: ${p.file.type ?? 'application/pdf'}\r\n\r\n`,
          'utf8',
        ),
        p.file.content,
        Buffer.from('\r\n'),
      );
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value ?? ''}\r\n`, 'utf8'));
    }
  }
  if (options.close !== false) chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

function fieldParts(fields: Record<string, string>): Part[] {
  return Object.entries(fields).map(([name, value]) => ({ name, value }));
}

/** The form's parts in the order the page renders them: the declaration and fields first, then the file. */
function formParts(fields: Record<string, string | undefined>, file?: Part['file']): Part[] {
  const merged = Object.fromEntries(Object.entries({ ...BASE_FIELDS, ...fields }).filter(([, v]) => v !== undefined)) as Record<
    string,
    string
  >;
  return [...fieldParts(merged), ...(file ? [{ name: 'file', file }] : [])];
}

async function tokenFor(a: Agent, page = PAGE): Promise<string> {
  const res = await a.get(page);
  expect(res.status, `GET ${page}`).toBe(200);
  const m = /\?_csrf=([^"&]+)"/.exec(res.text);
  return m?.[1] ? decodeURIComponent(m[1]) : csrfFrom(res.text);
}

async function post(a: Agent, parts: Part[], options: { page?: string; token?: string | null; close?: boolean } = {}) {
  const page = options.page ?? PAGE;
  const token = options.token === undefined ? await tokenFor(a) : options.token;
  const { body, type } = multipart(parts, { close: options.close });
  const url = token === null ? page : `${page}?_csrf=${encodeURIComponent(token)}`;
  return a.post(url).set('Content-Type', type).send(body);
}

function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

function sha256(b: Buffer): string {
  return createHash('sha256').update(b).digest('hex');
}

/** Every regular file under UPLOAD_DIR (stored and temp). */
function storedFiles(): string[] {
  if (!existsSync(uploadDir)) return [];
  return (readdirSync(uploadDir, { recursive: true }) as string[]).filter((rel) => statSync(path.join(uploadDir, rel)).isFile()).sort();
}

function tempFiles(): string[] {
  const dir = path.join(uploadDir, 'tmp');
  return existsSync(dir) ? readdirSync(dir) : [];
}

async function attachmentCount(): Promise<number> {
  const row = await t.db.knex('attachments').count<{ n: number }[]>({ n: '*' }).first();
  return Number(row?.n ?? 0);
}

async function latestAttachment() {
  return t.db.knex('attachments').orderBy('id', 'desc').first();
}

/** Runs an attempt that must store nothing: no row, no file (stored or temp). */
async function expectNothingStored(attempt: () => Promise<Response>): Promise<Response> {
  const rowsBefore = await attachmentCount();
  const filesBefore = storedFiles();
  const res = await attempt();
  expect(await attachmentCount()).toBe(rowsBefore);
  expect(storedFiles()).toEqual(filesBefore);
  return res;
}

function binary(res: Response, cb: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as http.IncomingMessage;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

function download(a: Agent, url: string) {
  return a.get(url).buffer(true).parse(binary);
}

function waitFor(check: () => boolean): Promise<void> {
  return vi.waitFor(
    () => {
      if (!check()) throw new Error('condition not reached in time');
    },
    { timeout: 5_000, interval: 20 },
  );
}

// ---------------------------------------------------------------- setup

beforeAll(async () => {
  uploadDir = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-uploads-'));
  t = await buildTestApp({ UPLOAD_DIR: uploadDir, UPLOAD_MAX_MB: '1' });
  await seedReference(t.db.knex);
  [{ id: associationId }, { id: otherAssociationId }] = (await insertAssociations(t.db.knex, [
    anAssociation({ code: CODE, name: 'Hội Thử nghiệm Tài liệu', main_field_code: 'KHCN' }),
    anAssociation({ code: OTHER, name: 'Hội Thử nghiệm Khác', main_field_code: 'KHCN' }),
  ])) as [InsertedAssociation, InsertedAssociation];

  staffUser = await createUser(t.db.knex, ['ngo_staff']);
  staff = agent(t);
  staffCookie = sessionCookie(await login(t, staff, staffUser)) as string;
  leader = agent(t);
  await login(t, leader, await createUser(t.db.knex, ['leader']));
  officer = agent(t);
  await login(t, officer, await createUser(t.db.knex, ['association'], { associationId }));
  exploiter = agent(t);
  await login(t, exploiter, await createUser(t.db.knex, ['exploiter']));
});

afterAll(async () => {
  await t.db.destroy();
  rmSync(uploadDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- tests

describe('documents page', () => {
  it('shows staff the list and a multipart form whose action carries the CSRF token', async () => {
    const res = await staff.get(PAGE);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Hội Thử nghiệm Tài liệu');
    expect(res.text).toContain('enctype="multipart/form-data"');
    expect(res.text).toMatch(/action="\/quan-tri\/hoi\/H900001\/tai-lieu\?_csrf=[^"]+"/);
    expect(res.text).toContain('Tuyệt mật');
    expect(res.text).toContain('Quyết định cho phép thành lập');
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('shows the leader the list without the upload form', async () => {
    const res = await leader.get(PAGE);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Tài liệu đính kèm');
    expect(res.text).not.toContain('enctype="multipart/form-data"');
  });

  it('answers 404 for an unknown association', async () => {
    expect((await staff.get('/quan-tri/hoi/H999999/tai-lieu')).status).toBe(404);
    expect((await staff.get('/quan-tri/hoi/..%2F..%2Fetc/tai-lieu')).status).toBe(404);
  });
});

describe('upload and download (check 22)', () => {
  it.each([
    ['sample.pdf', 'application/pdf'],
    ['sample.jpg', 'image/jpeg'],
    ['sample.png', 'image/png'],
    ['sample.tif', 'image/tiff'],
    ['sample.docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
    ['sample.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ])('stores %s and serves it back byte-identical as a sandboxed attachment', async (name, mime) => {
    const content = fixture(name);
    const originalName = `Tài liệu gốc ${name}`;
    const res = await post(
      staff,
      formParts({ title: `Bản ${name}` }, { filename: originalName, content, type: 'application/octet-stream' }),
    );
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(PAGE);

    const row = await latestAttachment();
    expect(row).toMatchObject({
      association_id: associationId,
      document_type_code: 'DIEU_LE',
      title: `Bản ${name}`,
      original_name: originalName,
      mime_type: mime,
      size_bytes: content.length,
      sha256: sha256(content),
      uploaded_by: staffUser.id,
      superseded_at: null,
      source: 'edit',
    });
    expect(row.storage_name).toMatch(UUID_NAME);
    const onDisk = path.join(uploadDir, 'files', row.storage_name.slice(0, 2), row.storage_name);
    expect(readFileSync(onDisk).equals(content)).toBe(true);
    expect(tempFiles()).toEqual([]);

    const dl = await download(staff, `${PAGE}/${row.id}`);
    expect(dl.status).toBe(200);
    expect((dl.body as Buffer).equals(content)).toBe(true);
    expect(dl.headers['content-type']).toBe(mime);
    expect(dl.headers['content-length']).toBe(String(content.length));
    expect(dl.headers['content-disposition']).toMatch(
      /^attachment; filename="Tai lieu goc sample\.[a-z]+"; filename\*=UTF-8''T%C3%A0i%20li%E1%BB%87u%20g%E1%BB%91c%20sample\./,
    );
    expect(dl.headers['x-content-type-options']).toBe('nosniff');
    expect(dl.headers['content-security-policy']).toBe('sandbox');
    expect(dl.headers['cache-control']).toBe('no-store');

    const audit = await t.db
      .knex('audit_events')
      .whereIn('action', ['document.upload', 'document.download'])
      .where({ target_id: String(row.id) });
    expect(audit.map((a) => `${a.action}:${a.outcome}`).sort()).toEqual(['document.download:success', 'document.upload:success']);
  });

  it('lets the leader download; the list shows size, date and uploader', async () => {
    const row = await latestAttachment();
    const dl = await download(leader, `${PAGE}/${row.id}`);
    expect(dl.status).toBe(200);
    const page = await leader.get(PAGE);
    expect(page.text).toContain(staffUser.display_name);
    expect(page.text).toContain('Hiện hành');
    expect(page.text).toMatch(/\d{2}\/\d{2}\/\d{4} \d{2}:\d{2}/);
    expect(page.text).toMatch(/1,\d KB|\d+ byte/);
  });

  it.each([
    ['HTML named .pdf', 'bao-cao.pdf', Buffer.from('<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>')],
    [
      'an EXE named .pdf',
      'quyet-dinh.pdf',
      Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00\x04\x00', 'latin1'), randomBytes(4096)]),
    ],
    ['an SVG', 'logo.svg', Buffer.from('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect/></svg>')],
    [
      'a ZIP that is not OOXML, named .docx',
      'dieu-le.docx',
      Buffer.from('504b0304140000000000000000000000000000000000000000000000', 'hex'),
    ],
  ])('refuses %s with 400 and stores nothing', async (_label, filename, content) => {
    const res = await expectNothingStored(() => post(staff, formParts({}, { filename, content, type: 'application/pdf' })));
    expect(res.status).toBe(400);
    expect(res.text).toContain('Định dạng được xác định theo nội dung tệp');
    expect(res.text).toContain('<title>Lỗi: ');
    // The values typed are still in the form.
    expect(res.text).toContain('value="Điều lệ hội"');
    const refusal = await t.db.knex('audit_events').where({ action: 'document.upload', outcome: 'failure' }).orderBy('id', 'desc').first();
    expect(refusal.details).toMatchObject({ reason: 'file_type', association: CODE });
    // Like every event on an association, the refusal names it by its code (the audit log filters by code).
    expect(refusal.target_id).toBe(CODE);
  });
});

describe('control characters in a multipart form (issue 15 item 1)', () => {
  it("a NUL in an upload form's text field is removed before it reaches the database, never a 500", async () => {
    const res = await post(
      staff,
      formParts({ title: 'Điều lệ\u0000 sửa đổi\u0007' }, { filename: 'dieu-le.pdf', content: fixture('sample.pdf') }),
    );
    expect(res.status, res.text.slice(0, 500)).toBe(303);
    const row = await t.db.knex('attachments').orderBy('id', 'desc').first('title');
    expect(row.title).toBe('Điều lệ sửa đổi');
  });
});

describe('size limit (check 21)', () => {
  const pdfOfSize = (n: number) => {
    const head = fixture('sample.pdf');
    return Buffer.concat([head, Buffer.alloc(n - head.length, 0x20)]);
  };

  it('answers 413 for the limit + 1 byte and leaves no file behind', async () => {
    const res = await expectNothingStored(() => post(staff, formParts({}, { filename: 'lon.pdf', content: pdfOfSize(MAX_BYTES + 1) })));
    expect(res.status).toBe(413);
    expect(res.text).toContain('tối đa 1 MB');
    expect(tempFiles()).toEqual([]);
  });

  it('accepts a file of exactly the limit', async () => {
    const res = await post(staff, formParts({}, { filename: 'vua.pdf', content: pdfOfSize(MAX_BYTES) }));
    expect(res.status).toBe(303);
    expect((await latestAttachment()).size_bytes).toBe(MAX_BYTES);
  });

  it('refuses a second file in the same request and stores neither', async () => {
    const parts = formParts({}, { filename: 'a.pdf', content: fixture('sample.pdf') });
    parts.push({ name: 'file', file: { filename: 'b.pdf', content: fixture('sample.pdf') } });
    const res = await expectNothingStored(() => post(staff, parts));
    expect(res.status).toBe(400);
  });
});

describe('file names (check 23)', () => {
  it('stores a traversal name under a generated name and keeps only its last segment as metadata', async () => {
    const res = await post(staff, formParts({}, { filename: '../../etc/passwd.pdf', content: fixture('sample.pdf') }));
    expect(res.status).toBe(303);
    const row = await latestAttachment();
    expect(row.original_name).toBe('passwd.pdf');
    expect(row.storage_name).toMatch(UUID_NAME);
    expect(storedFiles().every((f) => f.startsWith(`files${path.sep}`))).toBe(true);
    expect(existsSync(path.resolve(uploadDir, '../../etc/passwd.pdf'))).toBe(false);
  });

  it('refuses a raw NUL in the part header as a malformed body, storing nothing', async () => {
    const res = await expectNothingStored(() => post(staff, formParts({}, { filename: 'a\u0000b.pdf', content: fixture('sample.pdf') })));
    expect(res.status).toBe(400);
  });

  it('drops an encoded NUL from a name and prints markup in names and titles escaped', async () => {
    const res = await post(
      staff,
      formParts(
        { title: '<script>alert("tieu-de")</script>' },
        {
          filename: '',
          disposition: "filename*=UTF-8''%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E%00ten.pdf",
          content: fixture('sample.pdf'),
        },
      ),
    );
    expect(res.status).toBe(303);
    const row = await latestAttachment();
    expect(row.original_name).toBe('<img src=x onerror=alert(1)>ten.pdf');
    expect(row.storage_name).toMatch(UUID_NAME);
    const page = await staff.get(PAGE);
    expect(page.text).toContain('&lt;img src=x onerror=alert(1)&gt;ten.pdf');
    expect(page.text).not.toContain('<img src=x');
    expect(page.text).toContain('&lt;script&gt;alert(&#34;tieu-de&#34;)&lt;/script&gt;');
    expect(page.text).not.toContain('<script>alert');
    const dl = await download(staff, `${PAGE}/${row.id}`);
    expect(dl.headers['content-disposition']).toBe(
      'attachment; filename="_img src_x onerror_alert(1)_ten.pdf"; filename*=UTF-8\'\'%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3Eten.pdf',
    );
  });
});

describe('broken bodies (check 24)', () => {
  it('answers 400 to a multipart body cut before its end, stores nothing, and keeps serving', async () => {
    const res = await expectNothingStored(() =>
      post(staff, formParts({}, { filename: 'cut.pdf', content: fixture('sample.pdf') }), { close: false }),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('bị gián đoạn');
    expect((await agent(t).get('/healthz')).status).toBe(200);
  });

  it('answers 400 to a body that is not multipart at all', async () => {
    const token = await tokenFor(staff);
    const res = await expectNothingStored(() =>
      staff
        .post(`${PAGE}?_csrf=${encodeURIComponent(token)}`)
        .set('Content-Type', 'multipart/form-data; boundary=xyz')
        .send('garbage'),
    );
    expect(res.status).toBe(400);
  });

  it('removes the temp file when the client disconnects mid-upload', async () => {
    const token = await tokenFor(staff);
    const server = t.app.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    try {
      const { port } = server.address() as AddressInfo;
      const { body, type } = multipart(
        formParts({}, { filename: 'dut.pdf', content: Buffer.concat([fixture('sample.pdf'), Buffer.alloc(600_000, 0x20)]) }),
      );
      const req = http.request({
        host: '127.0.0.1',
        port,
        method: 'POST',
        path: `${PAGE}?_csrf=${encodeURIComponent(token)}`,
        headers: { 'Content-Type': type, 'Content-Length': String(body.length), Cookie: `csdl.sid=${staffCookie}` },
      });
      req.on('error', () => undefined);
      const filesBefore = storedFiles().filter((f) => !f.startsWith(`tmp${path.sep}`));
      req.write(body.subarray(0, 300_000));
      await waitFor(() => tempFiles().length > 0);
      req.destroy();
      await waitFor(() => tempFiles().length === 0);
      expect(storedFiles()).toEqual(filesBefore);
      expect((await agent(t).get('/healthz')).status).toBe(200);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});

describe('classified documents (check 25, R-4)', () => {
  it.each(['mat', 'toi_mat', 'tuyet_mat'])('refuses a document declared %s with the reason, storing nothing', async (classification) => {
    const res = await expectNothingStored(() =>
      post(staff, formParts({ classification }, { filename: 'mat.pdf', content: fixture('sample.pdf') })),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Điều 4');
    expect(res.text).toContain('Quyết định 113/QĐ-BNV');
    expect(res.text).toContain('Tài liệu chưa được lưu');
    expect(res.text).not.toContain('Chọn tệp tài liệu cần tải lên');
    expect(tempFiles()).toEqual([]);
  });

  it('refuses it as well when the file comes before the declaration in the body', async () => {
    const parts: Part[] = [
      { name: 'file', file: { filename: 'mat.pdf', content: fixture('sample.pdf') } },
      ...fieldParts({ ...BASE_FIELDS, classification: 'tuyet_mat' }),
    ];
    const res = await expectNothingStored(() => post(staff, parts));
    expect(res.status).toBe(400);
    expect(res.text).toContain('Tuyệt mật');
    expect(tempFiles()).toEqual([]);
  });

  it('requires the declaration', async () => {
    const res = await expectNothingStored(() =>
      post(staff, formParts({ classification: undefined }, { filename: 'a.pdf', content: fixture('sample.pdf') })),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Chọn độ mật của tài liệu.');
  });

  it('exports the refusal text citing the regulation', () => {
    expect(CLASSIFIED_REFUSAL).toMatch(/Mật.*Tối mật.*Tuyệt mật.*Điều 4.*113\/QĐ-BNV/s);
  });
});

describe('CSRF before storage (rule 2)', () => {
  it('refuses an upload without ?_csrf with 403 and writes no byte, not even a temp file', async () => {
    const res = await expectNothingStored(() =>
      post(staff, formParts({}, { filename: 'a.pdf', content: fixture('sample.pdf') }), { token: null }),
    );
    expect(res.status).toBe(403);
    expect(tempFiles()).toEqual([]);
  });

  it('refuses a wrong token the same way', async () => {
    const res = await expectNothingStored(() =>
      post(staff, formParts({}, { filename: 'a.pdf', content: fixture('sample.pdf') }), { token: 'x'.repeat(64) }),
    );
    expect(res.status).toBe(403);
  });
});

describe('field validation (check 19)', () => {
  it('re-renders with field messages and the typed values, storing nothing', async () => {
    const res = await expectNothingStored(() =>
      post(staff, formParts({ title: '   ', document_type_code: 'QD_TL' }, { filename: 'a.pdf', content: fixture('sample.pdf') })),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Nhập tiêu đề tài liệu.');
    expect(res.text).toMatch(/<option value="QD_TL"\s+selected>/);
    expect(res.text).toContain('href="#title"');
  });

  it('refuses a document type outside the catalogue and a missing file', async () => {
    let res = await expectNothingStored(() =>
      post(staff, formParts({ document_type_code: 'KHONG_CO' }, { filename: 'a.pdf', content: fixture('sample.pdf') })),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('Loại tài liệu không có trong danh mục');
    res = await expectNothingStored(() => post(staff, formParts({})));
    expect(res.status).toBe(400);
    expect(res.text).toContain('Chọn tệp tài liệu cần tải lên.');
  });
});

describe('new versions supersede, never delete (R-20.2)', () => {
  it('marks the previous version superseded and keeps its file', async () => {
    await post(staff, formParts({ title: 'Điều lệ 2015' }, { filename: 'dieu-le-2015.pdf', content: fixture('sample.pdf') }));
    const first = await latestAttachment();
    const firstPath = path.join(uploadDir, 'files', first.storage_name.slice(0, 2), first.storage_name);
    const res = await post(
      staff,
      formParts(
        { title: 'Điều lệ 2024', supersedes_id: String(first.id) },
        { filename: 'dieu-le-2024.docx', content: fixture('sample.docx') },
      ),
    );
    expect(res.status).toBe(303);
    const second = await latestAttachment();
    expect(second.supersedes_id).toBe(first.id);
    const old = await t.db.knex('attachments').where({ id: first.id }).first();
    expect(old.superseded_at).not.toBeNull();
    expect(existsSync(firstPath)).toBe(true);
    expect((await download(staff, `${PAGE}/${first.id}`)).status).toBe(200);
    const page = await staff.get(PAGE);
    expect(page.text).toContain('Đã được thay thế');

    // Superseding it again, or superseding another association's document, is refused.
    const again = await expectNothingStored(() =>
      post(staff, formParts({ supersedes_id: String(first.id) }, { filename: 'x.pdf', content: fixture('sample.pdf') })),
    );
    expect(again.status).toBe(400);
    expect(again.text).toContain('đã được thay thế');
  });

  it("refuses to supersede another association's document", async () => {
    const otherToken = await tokenFor(staff, OTHER_PAGE);
    await post(staff, formParts({ title: 'Của hội khác' }, { filename: 'khac.pdf', content: fixture('sample.pdf') }), {
      page: OTHER_PAGE,
      token: otherToken,
    });
    const foreign = await latestAttachment();
    expect(foreign.association_id).toBe(otherAssociationId);
    const res = await expectNothingStored(() =>
      post(staff, formParts({ supersedes_id: String(foreign.id) }, { filename: 'x.pdf', content: fixture('sample.pdf') })),
    );
    expect(res.status).toBe(400);
    expect(res.text).toContain('không thuộc hồ sơ của hội này');
    expect((await t.db.knex('attachments').where({ id: foreign.id }).first()).superseded_at).toBeNull();
  });
});

describe('failure injection (check 33)', () => {
  it('leaves no row, no file, no audit row and no superseded mark when the insert fails', async () => {
    await post(staff, formParts({ title: 'Bản hiện hành' }, { filename: 'hien-hanh.pdf', content: fixture('sample.pdf') }));
    const current = await latestAttachment();
    const auditBefore = await t.db
      .knex('audit_events')
      .where({ action: 'document.upload', outcome: 'success' })
      .count<{ n: number }[]>({ n: '*' });
    await t.db.knex.raw("ALTER TABLE attachments ADD CONSTRAINT test_inject_failure CHECK (title <> 'HỎNG')");
    try {
      const res = await expectNothingStored(() =>
        post(
          staff,
          formParts({ title: 'HỎNG', supersedes_id: String(current.id) }, { filename: 'hong.pdf', content: fixture('sample.pdf') }),
        ),
      );
      expect(res.status).toBe(500);
      expect(tempFiles()).toEqual([]);
    } finally {
      await t.db.knex.raw('ALTER TABLE attachments DROP CONSTRAINT test_inject_failure');
    }
    expect((await t.db.knex('attachments').where({ id: current.id }).first()).superseded_at).toBeNull();
    const auditAfter = await t.db
      .knex('audit_events')
      .where({ action: 'document.upload', outcome: 'success' })
      .count<{ n: number }[]>({ n: '*' });
    expect(Number(auditAfter[0]?.n)).toBe(Number(auditBefore[0]?.n));
  });

  it('removes the file already moved into place when the COMMIT itself fails', async () => {
    await t.db.knex.raw(`CREATE FUNCTION test_fail_at_commit() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.title = 'HỎNG KHI COMMIT' THEN RAISE EXCEPTION 'injected failure at commit'; END IF; RETURN NULL; END $$`);
    await t.db.knex.raw(`CREATE CONSTRAINT TRIGGER test_fail_at_commit AFTER INSERT ON attachments
      DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION test_fail_at_commit()`);
    try {
      const res = await expectNothingStored(() =>
        post(staff, formParts({ title: 'HỎNG KHI COMMIT' }, { filename: 'hong.pdf', content: fixture('sample.pdf') })),
      );
      expect(res.status).toBe(500);
      expect(tempFiles()).toEqual([]);
    } finally {
      await t.db.knex.raw('DROP TRIGGER test_fail_at_commit ON attachments');
      await t.db.knex.raw('DROP FUNCTION test_fail_at_commit()');
    }
  });
});

describe('access control (checks 11–12)', () => {
  let anyId: number;
  beforeAll(async () => {
    anyId = (await t.db.knex('attachments').where({ association_id: associationId }).first()).id;
  });

  it.each([
    ['an association officer', () => officer],
    ['an exploiter', () => exploiter],
  ])('refuses %s the page, the upload and the download with 403', async (_label, who) => {
    const a = who();
    expect((await a.get(PAGE)).status).toBe(403);
    expect((await download(a, `${PAGE}/${anyId}`)).status).toBe(403);
    const home = await a.get('/');
    const token = csrfFrom(home.text);
    const res = await expectNothingStored(() => post(a, formParts({}, { filename: 'a.pdf', content: fixture('sample.pdf') }), { token }));
    expect(res.status).toBe(403);
  });

  it('refuses the leader an upload (read-only role)', async () => {
    const res = await expectNothingStored(() => post(leader, formParts({}, { filename: 'a.pdf', content: fixture('sample.pdf') })));
    expect(res.status).toBe(403);
  });

  it('sends an anonymous visitor to the login page and refuses an anonymous upload', async () => {
    const anon = agent(t);
    const dl = await anon.get(`${PAGE}/${anyId}`);
    expect(dl.status).toBe(303);
    expect(dl.headers.location).toMatch(/^\/dang-nhap\?tiep=/);
    expect((await anon.get(PAGE)).status).toBe(303);
    const res = await expectNothingStored(() =>
      post(anon, formParts({}, { filename: 'a.pdf', content: fixture('sample.pdf') }), { token: null }),
    );
    expect(res.status).toBe(403);
  });

  it("gives 404 for an attachment reached through another association's code, an unknown id or a bad id", async () => {
    const downloads = () => t.db.knex('audit_events').where({ action: 'document.download' }).count<{ n: number }[]>({ n: '*' });
    const before = Number((await downloads())[0]?.n);
    expect((await download(staff, `${OTHER_PAGE}/${anyId}`)).status).toBe(404);
    expect((await download(staff, `${PAGE}/999999`)).status).toBe(404);
    expect((await download(staff, `${PAGE}/1abc`)).status).toBe(404);
    expect((await download(staff, `${PAGE}/0`)).status).toBe(404);
    expect((await download(staff, `/quan-tri/hoi/H999999/tai-lieu/${anyId}`)).status).toBe(404);
    // No download happened, so no download was recorded.
    expect(Number((await downloads())[0]?.n)).toBe(before);
  });

  it('answers 404 to an upload for an unknown association and stores nothing', async () => {
    const token = await tokenFor(staff);
    const res = await expectNothingStored(() =>
      post(staff, formParts({}, { filename: 'a.pdf', content: fixture('sample.pdf') }), { page: '/quan-tri/hoi/H999999/tai-lieu', token }),
    );
    expect(res.status).toBe(404);
  });
});
