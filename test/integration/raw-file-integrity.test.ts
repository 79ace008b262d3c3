/**
 * Raw files stay what was uploaded (R-20.2; retention). A document is uploaded through the real form, then
 * its stored bytes are damaged (or the file removed) on disk behind the application's back:
 *  (a) the scheduled backup job fails with a Vietnamese reason naming the document and the file, the failed backup
 *      is not kept nor counted as good, the last good backup survives retention, and the IT Centre is alerted (an
 *      in-app notice to it_admin, once per damage, and the banner on its backup page);
 *  (b) a download of the damaged file is refused with a Vietnamese page (500), audited, and the IT Centre told once
 *      however many times it is clicked;
 * while intact files keep downloading and backing up as before.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import type http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedReference } from '../../seeds/reference/index.js';
import { listArtefacts } from '../../src/features/backup/backup.service.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';
import { type Agent, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const FIXTURES = path.join(import.meta.dirname, '../fixtures/documents');
const CODE = 'H910001';
const PAGE = `/quan-tri/hoi/${CODE}/tai-lieu`;
const BACKUPS_PAGE = '/quan-tri/he-thong/sao-luu';

let t: TestContext;
let uploadDir: string;
let staff: Agent;
let itAgent: Agent;
let itAdmin: TestUser;
/** Attachments uploaded through the form: [damaged later, missing later, intact]. */
const docs: Array<{ id: number; storageName: string; content: Buffer }> = [];

function multipart(fields: Record<string, string>, file: { filename: string; content: Buffer }): { body: Buffer; type: string } {
  const boundary = `----csdlhoi${randomBytes(8).toString('hex')}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`, 'utf8'));
  }
  chunks.push(
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${file.filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
    ),
    file.content,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  );
  return { body: Buffer.concat(chunks), type: `multipart/form-data; boundary=${boundary}` };
}

async function upload(a: Agent, title: string, fixture: string): Promise<void> {
  const page = await a.get(PAGE);
  expect(page.status).toBe(200);
  const token = decodeURIComponent(/\?_csrf=([^"&]+)"/.exec(page.text)?.[1] ?? '');
  const content = readFileSync(path.join(FIXTURES, fixture));
  const { body, type } = multipart({ classification: 'khong_mat', document_type_code: 'DIEU_LE', title }, { filename: fixture, content });
  const res = await a
    .post(`${PAGE}?_csrf=${encodeURIComponent(token)}`)
    .set('Content-Type', type)
    .send(body);
  expect(res.status, res.text.slice(0, 300)).toBe(303);
  const row = await t.db.knex('attachments').orderBy('id', 'desc').first('id', 'storage_name');
  docs.push({ id: Number(row.id), storageName: row.storage_name, content });
}

function storedPath(storageName: string): string {
  return path.join(uploadDir, 'files', storageName.slice(0, 2), storageName);
}

/** Damage a stored file behind the application's back (stored files are read-only: 0440). */
function damage(storageName: string): void {
  const file = storedPath(storageName);
  chmodSync(file, 0o640);
  const buf = readFileSync(file);
  buf[40] = (buf[40] as number) ^ 0xff;
  writeFileSync(file, buf);
}

function binary(res: Response, cb: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as http.IncomingMessage;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

function download(a: Agent, id: number) {
  return a.get(`${PAGE}/${id}`).buffer(true).parse(binary);
}

async function notices(kind: string) {
  return t.db.knex('notifications').where({ user_id: itAdmin.id, kind }).orderBy('id').select('title', 'body', 'link');
}

/** The scheduled backup job (backup, then its restore drill), run as "Chạy ngay" would; a minute apart each time. */
async function backupJob() {
  t.clock.advance(60_000);
  return t.services.jobs.runner.run('backup', { trigger: 'manual' });
}

beforeAll(async () => {
  uploadDir = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-integrity-uploads-'));
  // Keep one backup a week and one a month: a new backup alone would push every older one out of the rule.
  t = await buildTestApp({ UPLOAD_DIR: uploadDir, BACKUP_KEEP_WEEKLY: '1', BACKUP_KEEP_MONTHLY: '1', LOGIN_RATE_LIMIT: '1000' });
  // A Wednesday morning in Ha Noi: every backup of the test falls in one week and one month.
  t.clock.set(new Date('2026-11-25T02:00:00Z'));
  await seedReference(t.db.knex);
  await insertAssociations(t.db.knex, [anAssociation({ code: CODE, name: 'Hội Thử nghiệm Toàn vẹn tệp', main_field_code: 'KHCN' })]);
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  itAdmin = await createUser(t.db.knex, ['it_admin']);
  itAgent = await loggedInAgent(t, itAdmin);
  await upload(staff, 'Điều lệ hội', 'sample.pdf');
  await upload(staff, 'Quyết định thành lập', 'sample.png');
  await upload(staff, 'Biên bản đại hội', 'sample.jpg');
}, 60_000);

afterAll(async () => {
  await t.db.destroy();
  rmSync(uploadDir, { recursive: true, force: true });
  rmSync(t.config.backup.dir, { recursive: true, force: true });
});

describe('backups check every raw file against its SHA-256 of upload (R-20.2)', () => {
  let good: string;

  it('an intact store backs up (and its drill passes)', { timeout: 120_000 }, async () => {
    const r = await backupJob();
    expect(r.status, r.reason ?? '').toBe('succeeded');
    expect(r.counts).toMatchObject({ files: 3, drill_filesChecked: 3 });
    const artefacts = await listArtefacts(t.config.backup.dir);
    expect(artefacts).toHaveLength(1);
    good = (artefacts[0] as { dir: string }).dir;
  });

  it('a damaged file fails the job with the reason, keeps no incomplete backup and alerts the IT Centre once', {
    timeout: 120_000,
  }, async () => {
    const [victim] = docs as [(typeof docs)[number]];
    damage(victim.storageName);
    const r = await backupJob();
    expect(r.status).toBe('failed');
    const job = await t.db.knex('job_runs').where({ id: r.runId }).first('status', 'error');
    expect(job.status).toBe('failed');
    expect(job.error).toContain('Sao lưu thất bại');
    expect(job.error).toContain(`tài liệu đính kèm #${victim.id}`);
    expect(job.error).toContain(`files/${victim.storageName.slice(0, 2)}/${victim.storageName}`);
    expect(job.error).toContain('nội dung đã thay đổi');
    const run = await t.db.knex('backup_runs').where({ kind: 'backup' }).orderBy('id', 'desc').first('status', 'error');
    expect(run.status).toBe('failed');
    expect(run.error).toContain(`#${victim.id}`);
    // Not kept, not counted: the only backup is still the good one, and it is still the last good backup.
    expect((await listArtefacts(t.config.backup.dir)).map((a) => a.dir)).toEqual([good]);
    const status = await t.services.itCentre.backupStatus();
    expect(status.lastGood?.path).toBe(good);
    expect(status.lastFailure?.error).toContain(`#${victim.id}`);

    // The IT Centre: one in-app notice (a retry with the same damage adds none) and the banner on its page.
    expect(await backupJob()).toMatchObject({ status: 'failed' });
    const sent = await notices('backup.failed');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ title: 'Sao lưu thất bại: có tệp gốc bị hỏng', link: BACKUPS_PAGE });
    expect(sent[0]?.body).toContain(`tài liệu đính kèm #${victim.id}`);
    const page = await itAgent.get(BACKUPS_PAGE);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Lần sao lưu gần nhất THẤT BẠI');
    expect(page.text).toContain(`tài liệu đính kèm #${victim.id}`);
  });

  it('a missing file fails it too, naming both; the new damage is a new notice', { timeout: 120_000 }, async () => {
    const [victim, lost] = docs as [(typeof docs)[number], (typeof docs)[number]];
    rmSync(storedPath(lost.storageName));
    const r = await backupJob();
    expect(r.status).toBe('failed');
    expect(r.reason).toContain('2 tệp gốc');
    expect(r.reason).toContain(`tài liệu đính kèm #${victim.id}`);
    expect(r.reason).toContain(`tài liệu đính kèm #${lost.id}`);
    expect(r.reason).toContain('thiếu tệp trong kho');
    expect(await notices('backup.failed')).toHaveLength(2);
    expect((await listArtefacts(t.config.backup.dir)).map((a) => a.dir)).toEqual([good]);
  });

  it('files copied back from the kept backup back up again; the last verified backup outlives the rule until a newer one passes its drill', {
    timeout: 180_000,
  }, async () => {
    for (const d of docs.slice(0, 2)) {
      const file = storedPath(d.storageName);
      rmSync(file, { force: true });
      copyFileSync(path.join(good, 'files', d.storageName.slice(0, 2), d.storageName), file);
    }
    const repaired = await backupJob();
    expect(repaired.status, repaired.reason ?? '').toBe('succeeded');
    // One weekly and one monthly backup: the rule alone keeps only the new one, but `good` was the last verified
    // backup when the new one was written (its drill ran after the pruning), so it is still there.
    const after = (await listArtefacts(t.config.backup.dir)).map((a) => a.dir);
    expect(after).toHaveLength(2);
    expect(after).toContain(good);
    // Once a newer backup has passed its drill, the rule applies to `good` like any other.
    const next = await backupJob();
    expect(next.status).toBe('succeeded');
    expect((await listArtefacts(t.config.backup.dir)).map((a) => a.dir)).not.toContain(good);
    // The success clears the banner.
    const page = await itAgent.get(BACKUPS_PAGE);
    expect(page.text).not.toContain('Lần sao lưu gần nhất THẤT BẠI');
  });
});

describe('downloads check the file before sending it (R-20.2)', () => {
  it('refuses a damaged file with a Vietnamese page, audits it and tells the IT Centre once', async () => {
    const victim = docs[0] as (typeof docs)[number];
    damage(victim.storageName);
    const auditBefore = await t.db
      .knex('audit_events')
      .where({ action: 'document.download', target_id: String(victim.id) })
      .count('* as n');
    for (let i = 0; i < 5; i++) {
      const res = await staff.get(`${PAGE}/${victim.id}`);
      expect(res.status).toBe(500);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers['content-disposition']).toBeUndefined();
      expect(res.text).toContain('Không tải được tài liệu: tệp đã bị hỏng');
      expect(res.text).toContain('«Điều lệ hội»');
      expect(res.text).toContain('Trung tâm Thông tin đã được thông báo');
      expect(res.text).not.toContain('%PDF');
    }
    const audit = await t.db
      .knex('audit_events')
      .where({ action: 'document.download', target_id: String(victim.id), outcome: 'failure' })
      .select('details');
    expect(audit).toHaveLength(5);
    expect(audit[0].details).toMatchObject({ reason: 'damaged_file', damage: 'changed', association: CODE });
    expect(Number((auditBefore[0] as { n: number | string }).n)).toBe(0);
    const sent = await notices('file.damaged');
    expect(sent).toHaveLength(1);
    expect(sent[0]?.title).toBe(`Tệp tài liệu #${victim.id} bị hỏng, đã từ chối tải về`);
    expect(sent[0]?.body).toContain(victim.storageName);
  });

  it('refuses a file missing from the store the same way', async () => {
    const lost = docs[1] as (typeof docs)[number];
    rmSync(storedPath(lost.storageName));
    const res = await staff.get(`${PAGE}/${lost.id}`);
    expect(res.status).toBe(500);
    expect(res.text).toContain('tệp gốc không còn trong kho lưu trữ');
    const sent = await notices('file.damaged');
    expect(sent).toHaveLength(2);
    expect(sent[1]?.body).toContain('không còn trong kho tệp');
  });

  it('still serves an intact file byte for byte, audited as a success', async () => {
    const intact = docs[2] as (typeof docs)[number];
    const res = await download(staff, intact.id);
    expect(res.status).toBe(200);
    expect((res.body as Buffer).equals(intact.content)).toBe(true);
    const audit = await t.db
      .knex('audit_events')
      .where({ action: 'document.download', target_id: String(intact.id) })
      .select('outcome');
    expect(audit.map((a) => a.outcome)).toEqual(['success']);
  });
});
