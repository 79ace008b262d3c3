/**
 * "So sánh điều lệ" (issue 16 item 5) through the real app: charter files uploaded on the documents page become
 * versions (DOCX text extracted, PDF waiting for a typed text), texts typed by staff and by the association's
 * officer, the article-by-article comparison, scope (an officer sees only their own association: 404 otherwise;
 * RELIABILITY check 12), escaping of the user's text (check 15) and the audit trail (R-7.4, check 30).
 * Logins go through the real forms; every POST carries a real CSRF token.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedReference } from '../../seeds/reference/index.js';
import { NO_ARTICLE } from '../../src/features/charters/charters.schemas.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, type InsertedAssociation, insertAssociations } from '../helpers/builders.js';
import { buildDocx } from '../helpers/docx.js';
import { type Agent, agent, login } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

const CODE = 'H910001';
const OTHER = 'H910002';
const PAGE = `/quan-tri/hoi/${CODE}/dieu-le`;
const DOCS = `/quan-tri/hoi/${CODE}/tai-lieu`;
const OFFICER_PAGE = '/hoi-cua-toi/dieu-le';

const V1 = [
  'ĐIỀU LỆ HỘI KHUYẾN HỌC THỬ NGHIỆM',
  'Chương I',
  'NHỮNG QUY ĐỊNH CHUNG',
  'Điều 1. Tên gọi',
  'Hội Khuyến học Thử nghiệm.',
  'Điều 2. Tôn chỉ',
  'Hội là tổ chức xã hội tự nguyện của những người tham gia khuyến học.',
  'Điều 3. Trụ sở',
  'Trụ sở chính đặt tại Hà Nội.',
  'Chương II',
  'HỘI VIÊN',
  'Điều 4. Hội viên',
  'Công dân Việt Nam tán thành Điều lệ hội đều có thể trở thành hội viên của hội.',
  'Điều 5. Nhiệm kỳ',
  'Nhiệm kỳ của Ban Chấp hành là 5 năm.',
];
// Điều 3 removed (the later ones renumbered), Điều 2 changed, a new article on finances added.
const V2 = [
  'ĐIỀU LỆ HỘI KHUYẾN HỌC THỬ NGHIỆM',
  'Chương I',
  'NHỮNG QUY ĐỊNH CHUNG',
  'Điều 1. Tên gọi',
  'Hội Khuyến học Thử nghiệm.',
  'Điều 2. Tôn chỉ',
  'Hội là tổ chức xã hội tự nguyện của những người tham gia khuyến học, khuyến tài.',
  'Chương II',
  'HỘI VIÊN',
  'Điều 3. Hội viên',
  'Công dân Việt Nam tán thành Điều lệ hội đều có thể trở thành hội viên của hội.',
  'Điều 4. Nhiệm kỳ',
  'Nhiệm kỳ của Ban Chấp hành là 5 năm.',
  'Điều 5. Tài chính',
  'Tài chính của hội gồm hội phí và các khoản tài trợ hợp pháp.',
];

let t: TestContext;
let uploadDir: string;
let staff: Agent;
let leader: Agent;
let officer: Agent;
let otherOfficer: Agent;
let associationId: number;
let otherAssociationId: number;

// ---------------------------------------------------------------- helpers

type Part = { name: string; value: string } | { name: string; filename: string; content: Buffer; type: string };

function multipart(parts: Part[]): { body: Buffer; type: string } {
  const boundary = `----charters${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const p of parts) {
    chunks.push(Buffer.from(`--${boundary}\r\n`));
    if ('filename' in p) {
      chunks.push(
        Buffer.from(
          `Content-Disposition: form-data; name="${p.name}"; filename="${p.filename}"\r\nContent-Type: ${p.type}\r\n\r\n`,
          'utf8',
        ),
        p.content,
        Buffer.from('\r\n'),
      );
    } else {
      chunks.push(Buffer.from(`Content-Disposition: form-data; name="${p.name}"\r\n\r\n${p.value}\r\n`, 'utf8'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

/** The action (with its `_csrf` query) of the page's multipart form. */
async function multipartAction(a: Agent, page: string): Promise<string> {
  const res = await a.get(page);
  expect(res.status, `GET ${page}`).toBe(200);
  const m =
    /<form method="post" enctype="multipart\/form-data"[^>]*?action="([^"]+)"/s.exec(res.text) ??
    /action="([^"]+\?_csrf=[^"]+)"/.exec(res.text);
  if (!m?.[1]) throw new Error(`no multipart form on ${page}`);
  return m[1].replace(/&amp;/g, '&');
}

async function postMultipart(a: Agent, page: string, parts: Part[]) {
  const action = await multipartAction(a, page);
  const { body, type } = multipart(parts);
  return a.post(action).set('Content-Type', type).send(body);
}

const DOCX_TYPE = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

/** A charter file uploaded by staff on the documents page, as the form sends it. */
async function uploadCharter(title: string, file: { filename: string; content: Buffer; type: string }) {
  const res = await postMultipart(staff, DOCS, [
    { name: 'classification', value: 'khong_mat' },
    { name: 'document_type_code', value: 'DIEU_LE' },
    { name: 'title', value: title },
    { name: 'file', ...file },
  ]);
  expect(res.status, res.text.slice(0, 300)).toBe(303);
}

async function versions(assocId = associationId) {
  return t.db.knex('charter_texts').where({ association_id: assocId }).orderBy('version_no');
}

async function versionId(no: number, assocId = associationId): Promise<number> {
  const row = await t.db.knex('charter_texts').where({ association_id: assocId, version_no: no }).first();
  if (!row) throw new Error(`no version ${no}`);
  return row.id as number;
}

/** The comparison's summary counts as the page shows them. */
function counts(html: string): Record<string, number> {
  const summary = /<ul[^>]*id="tom-tat"[^>]*>([\s\S]*?)<\/ul>/.exec(html)?.[1] ?? '';
  const out: Record<string, number> = {};
  for (const m of summary.matchAll(/<span class="badge[^"]*">([^<]+)<\/span> <strong>(\d+)<\/strong>/g)) out[m[1] as string] = Number(m[2]);
  return out;
}

/** The HTML of one article of the comparison by its element id. */
function article(html: string, id: string): string {
  const m = new RegExp(`<article[^>]*id="${id}"[^>]*>([\\s\\S]*?)</article>`).exec(html);
  if (!m?.[1]) throw new Error(`no article ${id}`);
  return m[1];
}

// ---------------------------------------------------------------- setup

beforeAll(async () => {
  uploadDir = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-charters-'));
  t = await buildTestApp({ UPLOAD_DIR: uploadDir });
  await seedReference(t.db.knex);
  [{ id: associationId }, { id: otherAssociationId }] = (await insertAssociations(t.db.knex, [
    anAssociation({ code: CODE, name: 'Hội Khuyến học Thử nghiệm', main_field_code: 'KHCN' }),
    anAssociation({ code: OTHER, name: 'Hội Khác Thử nghiệm', main_field_code: 'KHCN' }),
  ])) as [InsertedAssociation, InsertedAssociation];
  staff = agent(t);
  await login(t, staff, await createUser(t.db.knex, ['ngo_staff']));
  leader = agent(t);
  await login(t, leader, await createUser(t.db.knex, ['leader']));
  officer = agent(t);
  await login(t, officer, await createUser(t.db.knex, ['association'], { associationId }));
  otherOfficer = agent(t);
  await login(t, otherOfficer, await createUser(t.db.knex, ['association'], { associationId: otherAssociationId }));
});

afterAll(async () => {
  await t.db.destroy();
  rmSync(uploadDir, { recursive: true, force: true });
});

// ---------------------------------------------------------------- tests

describe('charter versions from uploaded files', () => {
  it('two DOCX charters uploaded on the documents page become versions 1 and 2 with their text', async () => {
    await uploadCharter('Điều lệ năm 2015', { filename: 'dieu-le-2015.docx', content: await buildDocx(V1), type: DOCX_TYPE });
    await uploadCharter('Điều lệ sửa đổi năm 2024', { filename: 'dieu-le-2024.docx', content: await buildDocx(V2), type: DOCX_TYPE });
    const res = await staff.get(PAGE);
    expect(res.status).toBe(200);
    expect(res.text).toContain('So sánh điều lệ');
    expect(res.text).toMatch(/id="ban-1"[\s\S]*?Điều lệ năm 2015[\s\S]*?5 điều/);
    expect(res.text).toMatch(/id="ban-2"[\s\S]*?Điều lệ sửa đổi năm 2024[\s\S]*?5 điều/);
    const rows = await versions();
    expect(rows.map((r) => [r.version_no, r.source, r.text_origin, r.provenance])).toEqual([
      [1, 'docx', 'extracted', 'edit'],
      [2, 'docx', 'extracted', 'edit'],
    ]);
    expect(rows[0].body_text).toBe(V1.join('\n'));
  });

  it('compares them article by article: added, removed, changed (word diff) and unchanged', async () => {
    const res = await staff.get(`${PAGE}?tu=${await versionId(1)}&den=${await versionId(2)}`);
    expect(res.status).toBe(200);
    expect(counts(res.text)).toEqual({ Thêm: 1, Bỏ: 1, Sửa: 1, 'Giữ nguyên': 3 });
    // Removed: labelled "Bỏ" in words, its text struck through.
    const removed = article(res.text, 'bo-dieu-3');
    expect(removed).toContain('>Bỏ</span>');
    expect(removed).toMatch(/<del>[\s\S]*Trụ sở chính đặt tại Hà Nội\.[\s\S]*<\/del>/);
    // Added: labelled "Thêm".
    const added = article(res.text, 'dieu-5');
    expect(added).toContain('>Thêm</span>');
    expect(added).toMatch(/<ins>[\s\S]*Tài chính của hội gồm hội phí[\s\S]*<\/ins>/);
    // Changed: only the new words are inserted.
    const changed = article(res.text, 'dieu-2');
    expect(changed).toContain('>Sửa</span>');
    expect(changed).toMatch(/<ins><span class="visually-hidden">\[thêm: <\/span>, khuyến tài<span/);
    expect(changed).not.toContain('<del>');
    // Renumbered but unchanged: folded away, with its former number.
    expect(res.text).toMatch(/<details class="charter-same[^"]*">[\s\S]*?Điều 3\. Hội viên[\s\S]*?\(bản cũ: Điều 4\)/);
    // Chapters kept as context.
    expect(res.text).toContain('Chương II. HỘI VIÊN');
  });

  it('a PDF charter is listed without text and cannot be compared until its text is typed in', async () => {
    const pdf = readFileSync(path.join(import.meta.dirname, '../fixtures/documents/sample.pdf'));
    await uploadCharter('Điều lệ bản ký (PDF)', { filename: 'dieu-le.pdf', content: pdf, type: 'application/pdf' });
    const page = await staff.get(PAGE);
    expect(page.text).toContain('Không trích được văn bản từ PDF này — hãy nhập văn bản.');
    const pdfId = await versionId(3);
    const refused = await staff.get(`${PAGE}?tu=${await versionId(2)}&den=${pdfId}`);
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Bản 3 chưa có văn bản để so sánh.');
    expect(refused.text).not.toContain('id="ket-qua"');

    // The officer types the text of the association's own PDF version.
    const saved = await postMultipart(officer, `${OFFICER_PAGE}/${pdfId}/van-ban`, [{ name: 'text', value: V2.join('\n') }]);
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(OFFICER_PAGE);
    const row = await t.db.knex('charter_texts').where({ id: pdfId }).first();
    expect([row.source, row.text_origin, row.provenance]).toEqual(['pdf', 'entered', 'officer']);
    const same = await staff.get(`${PAGE}?tu=${await versionId(2)}&den=${pdfId}`);
    expect(same.status).toBe(200);
    expect(counts(same.text)).toEqual({ Thêm: 0, Bỏ: 0, Sửa: 0, 'Giữ nguyên': 5 });
    expect(same.text).toContain('Hai phiên bản có nội dung giống nhau.');
    // A version's text is written once: a second text is refused, the first kept.
    const token = await multipartAction(staff, `${PAGE}/moi`);
    const { body, type } = multipart([{ name: 'text', value: 'Điều 1. Khác' }]);
    const conflict = await staff
      .post(token.replace(`${PAGE}/moi`, `${PAGE}/${pdfId}/van-ban`))
      .set('Content-Type', type)
      .send(body);
    expect(conflict.status).toBe(409);
    expect((await t.db.knex('charter_texts').where({ id: pdfId }).first()).body_text).toBe(V2.join('\n'));
    expect(await t.db.knex('audit_events').where({ action: 'charter.text_enter', target_id: String(pdfId) })).toHaveLength(1);
  });
});

describe('versions typed in', () => {
  it('the officer adds a version from a pasted text; it is numbered next, audited and comparable', async () => {
    const before = (await versions()).length;
    const text = [...V2.slice(0, -2), 'Điều 5. Tài chính', 'Tài chính của hội gồm hội phí, tài trợ và thu từ hoạt động dịch vụ.'].join(
      '\n',
    );
    const res = await postMultipart(officer, `${OFFICER_PAGE}/moi`, [
      { name: 'title', value: 'Dự thảo sửa đổi năm 2026' },
      { name: 'text', value: text },
    ]);
    expect(res.status).toBe(303);
    const rows = await versions();
    expect(rows).toHaveLength(before + 1);
    const row = rows[rows.length - 1];
    expect([row.version_no, row.source, row.provenance, row.title]).toEqual([before + 1, 'entered', 'officer', 'Dự thảo sửa đổi năm 2026']);
    const audit = await t.db
      .knex('audit_events')
      .where({ action: 'charter.text_create', target_id: String(row.id) })
      .first();
    expect(audit?.details).toMatchObject({ association: CODE, version: before + 1 });

    const page = await officer.get(`${OFFICER_PAGE}?tu=${await versionId(2)}&den=${row.id}`);
    expect(page.status).toBe(200);
    expect(counts(page.text)).toEqual({ Thêm: 0, Bỏ: 0, Sửa: 1, 'Giữ nguyên': 4 });
    expect(article(page.text, 'dieu-5')).toMatch(/<del><span class="visually-hidden">\[bỏ: <\/span>các khoản tài trợ hợp pháp/);
  });

  it('a text without any article is refused with the reason next to the field, the values kept, nothing saved', async () => {
    const before = (await versions()).length;
    const res = await postMultipart(staff, `${PAGE}/moi`, [
      { name: 'title', value: 'Bản không có điều' },
      { name: 'text', value: 'Chỉ có một đoạn văn, không có điều nào.' },
    ]);
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Lỗi: ');
    expect(res.text).toContain(NO_ARTICLE);
    expect(res.text).toContain('value="Bản không có điều"');
    expect(res.text).toContain('Chỉ có một đoạn văn, không có điều nào.</textarea>');
    expect(await versions()).toHaveLength(before);
  });

  it('takes a long charter (past the 200 kB limit of ordinary forms)', async () => {
    const long = Array.from(
      { length: 120 },
      (_, i) => `Điều ${i + 1}. Điều khoản ${i + 1}\n${'Nội dung quy định chi tiết của hội. '.repeat(60)}`,
    ).join('\n');
    expect(Buffer.byteLength(encodeURIComponent(long))).toBeGreaterThan(200 * 1024);
    const res = await postMultipart(staff, `${PAGE}/moi`, [
      { name: 'title', value: 'Bản dài' },
      { name: 'text', value: long },
    ]);
    expect(res.status).toBe(303);
  });

  it('refuses a form without its CSRF token (nothing saved)', async () => {
    const before = (await versions()).length;
    const { body, type } = multipart([
      { name: 'title', value: 'Không token' },
      { name: 'text', value: 'Điều 1. A' },
    ]);
    const res = await staff.post(`${PAGE}/moi`).set('Content-Type', type).send(body);
    expect(res.status).toBe(403);
    expect(await versions()).toHaveLength(before);
  });
});

describe('choosing the versions', () => {
  it('asks for two different versions', async () => {
    const id = await versionId(1);
    const same = await staff.get(`${PAGE}?tu=${id}&den=${id}`);
    expect(same.status).toBe(400);
    expect(same.text).toContain('Chọn hai phiên bản khác nhau để so sánh.');
    const missing = await staff.get(`${PAGE}?tu=${id}&den=`);
    expect(missing.status).toBe(400);
    expect(missing.text).toContain('Chọn bản điều lệ mới (so sánh đến).');
  });

  it('offers each version with its number and date in both selects', async () => {
    const res = await staff.get(PAGE);
    const day = new Intl.DateTimeFormat('vi-VN', {
      timeZone: 'Asia/Ho_Chi_Minh',
      day: '2-digit',
      month: '2-digit',
      year: 'numeric',
    }).format(t.clock.now());
    expect(res.text).toMatch(
      new RegExp(
        `<select[^>]*name="tu"[\\s\\S]*?<option value="\\d+"[^>]*>Bản 1 — ${day.replace(/\//g, '\\/')} — Điều lệ năm 2015</option>`,
      ),
    );
    expect(res.text).toMatch(/<form method="get" action="\/quan-tri\/hoi\/H910001\/dieu-le"/);
  });
});

describe('scope and roles', () => {
  it("an officer of another association gets 404 for this association's versions, and changes nothing", async () => {
    const [a, b] = [await versionId(1), await versionId(2)];
    expect((await otherOfficer.get(`${OFFICER_PAGE}?tu=${a}&den=${b}`)).status).toBe(404);
    expect((await otherOfficer.get(`${OFFICER_PAGE}/${a}/van-ban`)).status).toBe(404);
    const pdfId = await versionId(3);
    const own = await otherOfficer.get(OFFICER_PAGE);
    expect(own.status).toBe(200);
    expect(own.text).toContain('Hội Khác Thử nghiệm');
    expect(own.text).not.toContain('Điều lệ năm 2015');
    // A POST to another association's version: 404 before the body is read; the row unchanged.
    const before = await t.db.knex('charter_texts').where({ id: pdfId }).first();
    const action = await multipartAction(otherOfficer, `${OFFICER_PAGE}/moi`);
    const { body, type } = multipart([{ name: 'text', value: 'Điều 1. Chiếm quyền' }]);
    const res = await otherOfficer
      .post(action.replace(`${OFFICER_PAGE}/moi`, `${OFFICER_PAGE}/${pdfId}/van-ban`))
      .set('Content-Type', type)
      .send(body);
    expect(res.status).toBe(404);
    expect(await t.db.knex('charter_texts').where({ id: pdfId }).first()).toEqual(before);
    expect(await versions(otherAssociationId)).toHaveLength(0);
  });

  it("staff naming another association's version under this record get 404", async () => {
    await postMultipart(staff, `/quan-tri/hoi/${OTHER}/dieu-le/moi`, [
      { name: 'title', value: 'Điều lệ hội khác' },
      { name: 'text', value: 'Điều 1. Tên\nHội Khác.' },
    ]);
    const otherId = await versionId(1, otherAssociationId);
    expect((await staff.get(`${PAGE}?tu=${await versionId(1)}&den=${otherId}`)).status).toBe(404);
    expect((await staff.get(`${PAGE}?tu=abc&den=1`)).status).toBe(404);
  });

  it('the officer cannot use the staff pages; the leader reads without the editing links', async () => {
    expect((await officer.get(PAGE)).status).toBe(403);
    const res = await leader.get(PAGE);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('Nhập phiên bản mới');
    expect(res.text).not.toContain('/van-ban"');
    expect((await leader.get(`${PAGE}/moi`)).status).toBe(403);
  });

  it('the record page and the officer home link to the comparison', async () => {
    expect((await staff.get(`/quan-tri/hoi/${CODE}`)).text).toContain(`href="${PAGE}"`);
    expect((await officer.get('/hoi-cua-toi/')).text).toContain(`href="${OFFICER_PAGE}"`);
  });
});

describe('escaping (check 15)', () => {
  it("prints the charter's text, titles and headings escaped", async () => {
    const evil = '<script>alert(1)</script>';
    const img = '<img src=x onerror=alert(2)>';
    const first = await postMultipart(staff, `${PAGE}/moi`, [
      { name: 'title', value: `Bản ${evil}` },
      { name: 'text', value: `Điều 1. Tên ${img}\nNội dung cũ.\nĐiều 2. Khác\nGiữ.` },
    ]);
    expect(first.status).toBe(303);
    const second = await postMultipart(staff, `${PAGE}/moi`, [
      { name: 'title', value: 'Bản sau' },
      { name: 'text', value: `Điều 1. Tên ${img}\nNội dung mới ${evil}.\nĐiều 2. Khác\nGiữ.\nĐiều 3. Thêm ${evil}\nx` },
    ]);
    expect(second.status).toBe(303);
    const rows = await versions();
    const [a, b] = rows.slice(-2).map((r) => r.id);
    const res = await staff.get(`${PAGE}?tu=${a}&den=${b}`);
    expect(res.status).toBe(200);
    expect(res.text).not.toContain('<script>alert(1)');
    expect(res.text).not.toContain('<img src=x');
    expect(res.text).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(res.text).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });
});
