/**
 * A term congress's outcome filed as one package (issue 16 item 6; e, R-20.2): the
 * officer files the congress, the new leadership, the minutes (required) and an amended charter (optional) as ONE
 * submission; NGO Department staff review it as one unit (approve everything, return with comments, or reject);
 * approval applies every item in one transaction — one new version of the record with source `submission:<id>`,
 * one history entry, former leaders kept with their end date (FORM-1 F), the congress added with its minutes
 * linked, the charter made the current one — and the term badge follows the new congress.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { vietnamToday } from '../../src/lib/format.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation } from '../helpers/builders.js';
import { formFields } from '../helpers/forms.js';
import { type Agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

const FIXTURES = path.resolve('test/fixtures/documents');
const PDF = readFileSync(path.join(FIXTURES, 'sample.pdf'));

let t: TestContext;
let uploadDir: string;
let staff: Agent;
let lead: Agent;

interface Assoc {
  id: number;
  code: string;
  name: string;
  officer: Agent;
}

/** dd/mm/yyyy of the day `days` before today (Viet Nam time, the app's clock). */
function daysAgo(days: number): { vn: string; iso: string } {
  const iso = vietnamToday(new Date(t.clock.now().getTime() - days * 86_400_000));
  const [y, m, d] = iso.split('-');
  return { vn: `${d}/${m}/${y}`, iso };
}

/** An association whose last term congress (2020, five years) is overdue, with a chair and a vice-chair in office. */
async function association(name: string): Promise<Assoc> {
  const a = await anAssociation({ name, main_field_code: 'XHND', managing_ministry_code: 'BYT', hq_province_code: '01' })
    .withLeaders([
      { full_name: 'Nguyễn Văn Cũ', position_code: 'CT', term_number: 4, elected_on: '2020-05-20' },
      { full_name: 'Trần Thị Phó', position_code: 'PCT', term_number: 4, elected_on: '2020-05-20' },
      { full_name: 'Lê Văn Đã Thôi', position_code: 'TTK', term_number: 3, elected_on: '2015-05-20', left_on: '2020-05-20' },
    ])
    .withCongresses([
      { term_number: 3, congress_type: 'nhiem_ky', held_on: '2015-05-20', term_years: 5 },
      { term_number: 4, congress_type: 'nhiem_ky', held_on: '2020-05-20', term_years: 5 },
    ])
    .insert(t.db.knex);
  const officer = await loggedInAgent(t, await createUser(t.db.knex, ['association'], { associationId: a.id }));
  return { ...a, officer };
}

async function startPackage(a: Agent): Promise<number> {
  const home = await a.get('/hoi-cua-toi/');
  expect(home.status).toBe(200);
  const res = await a
    .post('/hoi-cua-toi/dai-hoi')
    .type('form')
    .send({ _csrf: csrfFrom(home.text) });
  expect(res.status, res.text.slice(0, 1500)).toBe(303);
  const m = /^\/hoi-cua-toi\/dai-hoi\/(\d+)$/.exec(String(res.headers.location));
  expect(m).not.toBeNull();
  return Number(m?.[1]);
}

async function packagePage(a: Agent, id: number) {
  const page = await a.get(`/hoi-cua-toi/dai-hoi/${id}`);
  expect(page.status).toBe(200);
  return { page, fields: formFields(page.text, `/hoi-cua-toi/dai-hoi/${id}`) };
}

/** A valid package: the term congress held 10 days ago and a new leadership with a chair. */
function packageBody(fields: Record<string, string | string[]>, overrides: Record<string, string> = {}) {
  return {
    _csrf: fields._csrf,
    version: fields.version,
    'congress.term_number': '5',
    'congress.congress_type': 'nhiem_ky',
    'congress.held_on': daysAgo(10).vn,
    'congress.term_years': '5',
    'congress.assembly_form': 'dai_bieu',
    'congress.delegates': '250',
    'leaders.0.full_name': 'Phạm Văn Mới',
    'leaders.0.position_code': 'CT',
    'leaders.0.official_status': 'khong',
    'leaders.0.birth_year': '1965',
    'leaders.1.full_name': 'Trần Thị Phó',
    'leaders.1.position_code': 'PCT',
    'leaders.1.official_status': 'khong',
    ...overrides,
  };
}

async function upload(a: Agent, id: number, role: 'bien-ban' | 'dieu-le', title: string, file: Buffer = PDF, name = 'tai-lieu.pdf') {
  const { page } = await packagePage(a, id);
  const token = decodeURIComponent(/dai-hoi\/\d+\/tai-lieu\?_csrf=([^"&]+)"/.exec(page.text)?.[1] ?? '');
  expect(token).not.toBe('');
  return a
    .post(`/hoi-cua-toi/dai-hoi/${id}/tai-lieu?_csrf=${encodeURIComponent(token)}`)
    .field('role', role)
    .field('classification', 'khong_mat')
    .field('title', title)
    .attach('file', file, name);
}

async function submit(a: Agent, id: number, overrides: Record<string, string> = {}) {
  const { fields } = await packagePage(a, id);
  return a
    .post(`/hoi-cua-toi/dai-hoi/${id}`)
    .type('form')
    .send({ ...packageBody(fields, overrides), action: 'gui', declaration: 'on' });
}

async function decide(a: Agent, id: number, action: 'approve' | 'return' | 'reject', comment = '') {
  const page = await a.get(`/quan-tri/bieu-mau/${id}`);
  expect(page.status).toBe(200);
  const fields = formFields(page.text, `/quan-tri/bieu-mau/${id}`);
  return a
    .post(`/quan-tri/bieu-mau/${id}`)
    .type('form')
    .send({ ...fields, review_comment: comment, action });
}

const submission = (id: number) => t.db.knex('submissions').where({ id }).first();
const versionCount = async (associationId: number) =>
  Number((await t.db.knex('association_versions').where({ association_id: associationId }).count('* as n'))[0]?.n);

/** A charter already on file, as staff would have uploaded it (the row only: it is never downloaded here). */
async function previousCharter(associationId: number): Promise<number> {
  const [row] = await t.db
    .knex('attachments')
    .insert({
      association_id: associationId,
      document_type_code: 'DIEU_LE',
      title: 'Điều lệ hội (2015)',
      original_name: 'dieu-le-2015.pdf',
      storage_name: `test-${associationId}-charter.pdf`,
      mime_type: 'application/pdf',
      size_bytes: 100,
      sha256: '0'.repeat(64),
      source: 'edit',
    })
    .returning('id');
  return row.id;
}

beforeAll(async () => {
  uploadDir = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-congress-package-'));
  t = await buildTestApp({ UPLOAD_DIR: uploadDir });
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  lead = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
});
afterAll(async () => {
  await t.db.destroy();
  rmSync(uploadDir, { recursive: true, force: true });
});

describe('a congress package: filed with minutes and charter, approved as one version', () => {
  let a: Assoc;
  let id: number;
  let oldCharter: number;

  beforeAll(async () => {
    a = await association('Hội Làm vườn Đại hội');
    oldCharter = await previousCharter(a.id);
  });

  it('offers "Nộp hồ sơ đại hội" on the officer home, the term overdue', async () => {
    const home = await a.officer.get('/hoi-cua-toi/');
    expect(home.status).toBe(200);
    expect(home.text).toContain('Nộp hồ sơ đại hội');
    expect(home.text).toContain('Quá hạn đại hội');
  });

  it('opens the package form with the three sections, the new leadership pre-filled from the current one', async () => {
    id = await startPackage(a.officer);
    expect(await startPackage(a.officer)).toBe(id); // the same open package
    const { page, fields } = await packagePage(a.officer, id);
    for (const heading of ['Đại hội', 'Ban lãnh đạo mới', 'Tài liệu', 'Biên bản đại hội', 'Điều lệ sửa đổi'])
      expect(page.text).toContain(heading);
    expect(fields['leaders.0.full_name']).toBe('Nguyễn Văn Cũ');
    expect(fields['leaders.1.full_name']).toBe('Trần Thị Phó');
    expect(fields['leaders.2.full_name'] ?? '').toBe(''); // a former leader is not carried over
    expect((await submission(id)).kind).toBe('congress');
  });

  it('refuses to submit without the minutes, a valid congress and a chair (400, messages next to the fields, values kept)', async () => {
    const noMinutes = await submit(a.officer, id);
    expect(noMinutes.status).toBe(400);
    expect(noMinutes.text).toContain('Đính kèm biên bản đại hội');
    expect(noMinutes.text).toContain('value="Phạm Văn Mới"');

    const bad = await submit(a.officer, id, {
      'congress.held_on': daysAgo(-30).vn,
      'congress.congress_type': 'thanh_lap',
      'leaders.0.position_code': 'UVBCH',
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('không được sau ngày hôm nay');
    expect(bad.text).toContain('Chọn đại hội nhiệm kỳ hoặc đại hội bất thường');
    expect(bad.text).toContain('phải có Chủ tịch hội');
    expect(bad.text).toMatch(/id="congress-held_on"[^>]*value="[^"]*"|value="[^"]*"[^>]*id="congress-held_on"/);
    expect((await submission(id)).status).toBe('draft');
  });

  it('attaches the minutes and the amended charter (type by content)', async () => {
    const spoofed = await upload(a.officer, id, 'bien-ban', 'Biên bản', Buffer.from('<html>x</html>'), 'bien-ban.pdf');
    expect(spoofed.status).toBe(400);
    expect((await upload(a.officer, id, 'bien-ban', 'Biên bản Đại hội khóa V')).status).toBe(303);
    expect((await upload(a.officer, id, 'dieu-le', 'Điều lệ sửa đổi, bổ sung 2026')).status).toBe(303);
    const row = await submission(id);
    const minutes = await t.db.knex('attachments').where({ id: row.minutes_attachment_id }).first();
    const charter = await t.db.knex('attachments').where({ id: row.charter_attachment_id }).first();
    expect(minutes).toMatchObject({ document_type_code: 'BB_DH', source: `submission:${id}`, association_id: a.id });
    expect(charter).toMatchObject({ document_type_code: 'DIEU_LE', source: `submission:${id}`, association_id: a.id });
    // Attached but not yet approved: the record's current charter is still the old one.
    expect((await t.db.knex('associations').where({ id: a.id }).first()).charter_attachment_id).toBeNull();
  });

  it('submits; staff see it in the queue as "Hồ sơ đại hội" and review it as one unit with its documents', async () => {
    const res = await submit(a.officer, id);
    expect(res.status, res.text.slice(0, 3000)).toBe(303);
    expect((await submission(id)).status).toBe('submitted');
    const queue = await staff.get('/quan-tri/bieu-mau');
    expect(queue.text).toMatch(new RegExp(`href="/quan-tri/bieu-mau/${id}"[\\s\\S]*?Hồ sơ đại hội`));
    const review = await staff.get(`/quan-tri/bieu-mau/${id}`);
    expect(review.status).toBe(200);
    expect(review.text).toContain(`Xét duyệt hồ sơ đại hội số ${id}`);
    expect(review.text).toContain('Phạm Văn Mới');
    expect(review.text).toContain('Biên bản Đại hội khóa V');
    expect(review.text).toContain('Điều lệ sửa đổi, bổ sung 2026');
    expect(review.text).not.toContain('name="decision.'); // no per-item decision: the package is one unit
  });

  it('approves: one new version, leaders replaced, congress added, documents linked, badge and history updated', async () => {
    const before = await t.db.knex('associations').where({ id: a.id }).first();
    const versionsBefore = await versionCount(a.id);
    const res = await decide(lead, id, 'approve');
    expect(res.status, res.text.slice(0, 3000)).toBe(303);

    const after = await t.db.knex('associations').where({ id: a.id }).first();
    expect(after.version).toBe(before.version + 1);
    expect(await versionCount(a.id)).toBe(versionsBefore + 1);
    const version = await t.db.knex('association_versions').where({ association_id: a.id, version: after.version }).first();
    expect(version.source).toBe(`submission:${id}`);
    expect(version.reason).toContain(`Hồ sơ đại hội nhiệm kỳ khóa 5 ngày ${daysAgo(10).vn}`);

    const leaders = await t.db.knex('leaders').where({ association_id: a.id }).orderBy('id');
    const current = leaders.filter((l) => l.left_on === null);
    expect(current.map((l) => [l.full_name, l.position_code, l.term_number])).toEqual([
      ['Phạm Văn Mới', 'CT', 5],
      ['Trần Thị Phó', 'PCT', 5],
    ]);
    const iso = (d: unknown) => (d instanceof Date ? vietnamToday(d) : String(d).slice(0, 10));
    for (const l of current) expect(iso(l.elected_on)).toBe(daysAgo(10).iso);
    // The former leadership stays, ended on the congress day (FORM-1 F).
    const ended = leaders.filter((l) => ['Nguyễn Văn Cũ', 'Trần Thị Phó'].includes(l.full_name) && l.term_number === 4);
    expect(ended).toHaveLength(2);
    for (const l of ended) expect(iso(l.left_on)).toBe(daysAgo(10).iso);
    expect(leaders.find((l) => l.full_name === 'Lê Văn Đã Thôi')).toBeDefined();

    const sub = await submission(id);
    expect(sub.status).toBe('approved');
    expect(sub.applied_version).toBe(after.version);
    const congress = await t.db.knex('congresses').where({ association_id: a.id, term_number: 5 }).first();
    expect(congress).toMatchObject({ congress_type: 'nhiem_ky', term_years: 5, delegates: 250 });
    expect(congress.minutes_attachment_id).toBe(sub.minutes_attachment_id);
    expect(after.charter_attachment_id).toBe(sub.charter_attachment_id);
    const charter = await t.db.knex('attachments').where({ id: sub.charter_attachment_id }).first();
    expect(charter.supersedes_id).toBe(oldCharter);
    expect((await t.db.knex('attachments').where({ id: oldCharter }).first()).superseded_at).not.toBeNull();
    // The version's snapshot holds the links too: the whole package is this one version.
    const snapshot = typeof version.snapshot === 'string' ? JSON.parse(version.snapshot) : version.snapshot;
    expect(snapshot.record.charter_attachment_id).toBe(sub.charter_attachment_id);

    const home = await a.officer.get('/hoi-cua-toi/');
    expect(home.text).toContain('Đúng hạn');
    expect(home.text).not.toContain('Quá hạn đại hội');
    const record = await staff.get(`/quan-tri/hoi/${a.code}`);
    expect(record.text).toContain('Đại hội nhiệm kỳ: Đúng hạn');
    expect(record.text).toContain(`/quan-tri/hoi/${a.code}/tai-lieu/${sub.minutes_attachment_id}`);

    const history = await staff.get(`/quan-tri/hoi/${a.code}/lich-su`);
    expect(history.text.match(/Hồ sơ đại hội nhiệm kỳ khóa 5/g)).toHaveLength(1);
    expect(
      await t.db
        .knex('notifications')
        .where({ kind: 'submission.approved', link: `/hoi-cua-toi/dai-hoi/${id}` })
        .first(),
    ).toBeDefined();
  });

  it('shares the one-open rule with Biểu mẫu 1: a package cannot start while a form is open', async () => {
    const home = await a.officer.get('/hoi-cua-toi/');
    const form = await a.officer
      .post('/hoi-cua-toi/bieu-mau')
      .type('form')
      .send({ _csrf: csrfFrom(home.text) });
    expect(form.status).toBe(303);
    const again = await a.officer.get('/hoi-cua-toi/');
    expect(again.text).toContain('Hội đang có Biểu mẫu 1');
    const res = await a.officer
      .post('/hoi-cua-toi/dai-hoi')
      .type('form')
      .send({ _csrf: csrfFrom(again.text) });
    expect(res.status).toBe(409);
    expect(await t.db.knex('submissions').where({ association_id: a.id, kind: 'congress', status: 'draft' })).toHaveLength(0);
  });
});

describe('return, resubmit and reject', () => {
  let b: Assoc;
  let id: number;

  beforeAll(async () => {
    b = await association('Hội Đại hội Trả lại');
    id = await startPackage(b.officer);
    expect((await upload(b.officer, id, 'bien-ban', 'Biên bản đại hội')).status).toBe(303);
    expect((await submit(b.officer, id)).status).toBe(303);
  });

  it('returns with a comment (required); nothing is applied; the officer edits and resubmits', async () => {
    const versions = await versionCount(b.id);
    const noComment = await decide(staff, id, 'return');
    expect(noComment.status).toBe(400);
    expect(noComment.text).toContain('Ghi ý kiến');
    expect((await decide(staff, id, 'return', 'Bổ sung số đại biểu chính thức.')).status).toBe(303);
    expect((await submission(id)).status).toBe('returned');
    expect(await versionCount(b.id)).toBe(versions);
    expect(await t.db.knex('congresses').where({ association_id: b.id })).toHaveLength(2);

    const { page } = await packagePage(b.officer, id);
    expect(page.text).toContain('Bổ sung số đại biểu chính thức.');
    const res = await submit(b.officer, id, { 'congress.delegates': '312' });
    expect(res.status, res.text.slice(0, 2000)).toBe(303);
    const row = await submission(id);
    expect(row.status).toBe('resubmitted');
    expect(row.round).toBe(2);
  });

  it('rejects with a reason (required); nothing is applied and the package is closed', async () => {
    const versions = await versionCount(b.id);
    const noReason = await decide(lead, id, 'reject');
    expect(noReason.status).toBe(400);
    expect((await decide(lead, id, 'reject', 'Biên bản không có chữ ký.')).status).toBe(303);
    expect((await submission(id)).status).toBe('rejected');
    expect(await versionCount(b.id)).toBe(versions);
    expect(await t.db.knex('leaders').where({ association_id: b.id }).whereNull('left_on')).toHaveLength(2);
    // Closed: the officer can no longer change it.
    const page = await b.officer.get(`/hoi-cua-toi/dai-hoi/${id}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Biên bản không có chữ ký.');
    expect(page.text).not.toContain('value="gui"'); // no form any more
    const res = await b.officer
      .post(`/hoi-cua-toi/dai-hoi/${id}`)
      .type('form')
      .send({ ...packageBody({ _csrf: csrfFrom(page.text), version: '9' }), action: 'luu' });
    expect(res.status).toBe(409);
  });
});

describe('access and atomicity', () => {
  it("another association's officer gets 404 on the package (open, save, attach)", async () => {
    const owner = await association('Hội Chủ Gói');
    const other = await association('Hội Người Ngoài');
    const id = await startPackage(owner.officer);
    const home = await other.officer.get('/hoi-cua-toi/');
    const token = csrfFrom(home.text);
    expect((await other.officer.get(`/hoi-cua-toi/dai-hoi/${id}`)).status).toBe(404);
    const save = await other.officer
      .post(`/hoi-cua-toi/dai-hoi/${id}`)
      .type('form')
      .send({ ...packageBody({ _csrf: token, version: '1' }), action: 'gui', declaration: 'on' });
    expect(save.status).toBe(404);
    const attach = await other.officer
      .post(`/hoi-cua-toi/dai-hoi/${id}/tai-lieu?_csrf=${encodeURIComponent(token)}`)
      .field('role', 'bien-ban')
      .field('classification', 'khong_mat')
      .field('title', 'Chiếm')
      .attach('file', PDF, 'x.pdf');
    expect(attach.status).toBe(404);
    expect(await t.db.knex('attachments').where({ association_id: owner.id })).toHaveLength(0);
    // A package is not a Biểu mẫu 1: the form's routes do not save into it.
    const asForm = await owner.officer
      .post(`/hoi-cua-toi/bieu-mau/${id}`)
      .type('form')
      .send({ _csrf: csrfFrom((await owner.officer.get('/hoi-cua-toi/')).text), version: '1', name: 'Đổi tên', action: 'luu' });
    expect(asForm.status).toBe(404);
    expect((await submission(id)).status).toBe('draft');
    // Opened through Biểu mẫu 1's address, the package shows on its own page; a Biểu mẫu 1 cannot start beside it.
    const viaForm = await owner.officer.get(`/hoi-cua-toi/bieu-mau/${id}`);
    expect(viaForm.status).toBe(303);
    expect(viaForm.headers.location).toBe(`/hoi-cua-toi/dai-hoi/${id}`);
    const ownerHome = await owner.officer.get('/hoi-cua-toi/');
    expect(ownerHome.text).toContain(`Hội đang có hồ sơ đại hội số ${id}`);
    const startForm = await owner.officer
      .post('/hoi-cua-toi/bieu-mau')
      .type('form')
      .send({ _csrf: csrfFrom(ownerHome.text) });
    expect(startForm.status).toBe(409);
  });

  it('applies nothing when the document link step fails (one transaction), then approves once fixed', async () => {
    const c = await association('Hội Đại hội Lỗi');
    const oldCharter = await previousCharter(c.id);
    const id = await startPackage(c.officer);
    expect((await upload(c.officer, id, 'bien-ban', 'Biên bản')).status).toBe(303);
    expect((await upload(c.officer, id, 'dieu-le', 'Điều lệ mới')).status).toBe(303);
    expect((await submit(c.officer, id)).status).toBe(303);
    const before = await t.db.knex('associations').where({ id: c.id }).first();
    const versions = await versionCount(c.id);
    const congresses = await t.db.knex('congresses').where({ association_id: c.id });
    const leaders = await t.db.knex('leaders').where({ association_id: c.id }).orderBy('id');

    // The minutes cannot be linked to the new congress: the approval fails at its document-link step.
    await t.db.knex.raw(
      `ALTER TABLE congresses ADD CONSTRAINT test_inject_link_failure CHECK (association_id <> ${Number(c.id)} OR minutes_attachment_id IS NULL)`,
    );
    try {
      const res = await decide(staff, id, 'approve');
      expect(res.status).toBe(500);
    } finally {
      await t.db.knex.raw('ALTER TABLE congresses DROP CONSTRAINT test_inject_link_failure');
    }
    const after = await t.db.knex('associations').where({ id: c.id }).first();
    expect(after.version).toBe(before.version);
    expect(after.charter_attachment_id).toBeNull();
    expect(await versionCount(c.id)).toBe(versions);
    expect(await t.db.knex('congresses').where({ association_id: c.id })).toEqual(congresses);
    expect(await t.db.knex('leaders').where({ association_id: c.id }).orderBy('id')).toEqual(leaders);
    expect((await t.db.knex('attachments').where({ id: oldCharter }).first()).superseded_at).toBeNull();
    expect((await submission(id)).status).toBe('submitted');
    expect(await t.db.knex('audit_events').where({ action: 'submission.approve', target_id: String(id) })).toHaveLength(0);

    expect((await decide(staff, id, 'approve')).status).toBe(303);
    expect(await versionCount(c.id)).toBe(versions + 1);
    expect((await t.db.knex('attachments').where({ id: oldCharter }).first()).superseded_at).not.toBeNull();
  });
});
