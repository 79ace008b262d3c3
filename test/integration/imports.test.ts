/**
 * Bulk import (R-8.2, R-20.2; RELIABILITY check 34) through the real services and the real app: every row
 * validated with the register form's rules, nothing applied while a row is bad (unless "valid rows only"),
 * natural keys (register code, else name + scope) so a re-run changes nothing, one transaction for "all",
 * interruption and re-run, the raw file kept with its SHA-256, CSV and XLSX, progress page without JS.
 */
import { createHash } from 'node:crypto';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bulkColumns, LIST_SHEET } from '../../src/features/imports/bulk-file.js';
import type { Actor } from '../../src/lib/auth-context.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

// 10,000 rows on PostgreSQL (issue 5); the embedded PGlite (WASM, one connection) takes ~4 ms a row, so 2,000 there
// unless IMPORT_TEST_ROWS says otherwise.
const ON_SERVER = Boolean(process.env.TEST_DATABASE_URL || process.env.DATABASE_URL);
const BIG = Number(process.env.IMPORT_TEST_ROWS ?? (ON_SERVER ? 10_000 : 2_000));
const BASE = '/quan-tri/nhap-du-lieu';

let t: TestContext;
let staffUser: TestUser;
let staff: Agent;
let actor: Actor;

const KEYS = [
  'code',
  'name',
  'kind_code',
  'scope',
  'main_field_code',
  'status',
  'data_level',
  'hq_province_code',
  'members_total',
  'tasked_from',
];
const columns = bulkColumns();
const letterOf = (key: string) => String.fromCharCode(65 + KEYS.indexOf(key));
const labelOf = (key: string) => columns.find((c) => c.key === key)?.label as string;

type Row = Record<string, string>;

function makeRows(n: number, prefix: string): Row[] {
  return Array.from({ length: n }, (_, i) => ({
    code: '',
    name: `${prefix} số ${i + 1}`,
    kind_code: 'hoi',
    scope: i % 3 === 0 ? 'tinh' : 'toan_quoc',
    main_field_code: 'XHND',
    status: 'hoat_dong',
    data_level: 'raw',
    hq_province_code: i % 2 ? '01' : '79',
    members_total: String(100 + i),
    tasked_from: '',
  }));
}

function csvOf(rows: Row[]): Buffer {
  const quote = (s: string) => (/[",\n;]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const lines = [KEYS.map((k) => quote(labelOf(k))).join(',')];
  for (const r of rows) lines.push(KEYS.map((k) => quote(r[k] ?? '')).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

async function count(table: string, where: Record<string, unknown> = {}): Promise<number> {
  const r = await t.db.knex(table).where(where).count<{ n: number }[]>('* as n').first();
  return Number(r?.n ?? 0);
}

async function importVersions(): Promise<number> {
  const r = await t.db.knex('association_versions').where('source', 'like', 'import:%').count<{ n: number }[]>('* as n').first();
  return Number(r?.n ?? 0);
}

async function run(rows: Row[], mode: 'all' | 'valid_only' | null, name = 'du-lieu.csv', hooks = {}) {
  return t.services.imports.runImport({ actor, data: csvOf(rows), originalName: name, format: 'csv', mode, hooks });
}

function uploadToken(html: string): string {
  const m = /action="\/quan-tri\/nhap-du-lieu\?_csrf=([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no upload form');
  return decodeURIComponent(m[1]);
}

async function upload(a: Agent, data: Buffer, filename: string, contentType: string) {
  const page = await a.get(BASE);
  expect(page.status).toBe(200);
  return a.post(`${BASE}?_csrf=${encodeURIComponent(uploadToken(page.text))}`).attach('file', data, { filename, contentType });
}

function batchIdOf(res: { status: number; headers: Record<string, string> }): number {
  expect(res.status).toBe(303);
  const m = /\/quan-tri\/nhap-du-lieu\/(\d+)$/.exec(res.headers.location ?? '');
  if (!m) throw new Error(`unexpected redirect ${res.headers.location}`);
  return Number(m[1]);
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000' });
  staffUser = await createUser(t.db.knex, ['ngo_staff']);
  staff = await loggedInAgent(t, staffUser);
  actor = { userId: staffUser.id, username: staffUser.username, roles: ['ngo_staff'], ip: null, requestId: null };
}, 120_000);
afterAll(() => t.db.destroy());

describe(`${BIG.toLocaleString('en')} rows (issue 5 "done when")`, () => {
  const rows = makeRows(BIG, 'Hội Lớn');
  // Three bad rows; CSV line = index + 2 (line 1 is the header).
  const bad = [
    { index: Math.floor(BIG * 0.1), key: 'tasked_from', value: '31/02/2020', reason: 'phải là ngày có thật' },
    { index: Math.floor(BIG * 0.5), key: 'main_field_code', value: 'KHONG_CO', reason: 'chọn một mục trong danh sách' },
    { index: BIG - 1, key: 'members_total', value: '-5', reason: 'phải từ 0' },
  ];

  it('reports exactly the three bad rows (row, column, reason) and applies nothing', async () => {
    const broken = rows.map((r) => ({ ...r }));
    for (const b of bad) (broken[b.index] as Row)[b.key] = b.value;
    const before = await count('associations');
    const summary = await run(broken, 'all', 'lon-co-loi.csv');
    expect(summary).toMatchObject({ status: 'validated', rows: BIG, invalid: 3, created: 0, updated: 0 });
    expect(await count('associations')).toBe(before);
    expect(await importVersions()).toBe(0);
    const { rows: reported, total } = await t.services.imports.invalidRows(summary.batchId, 1, 50);
    expect(total).toBe(3);
    expect(reported.map((r) => r.row_number)).toEqual(bad.map((b) => b.index + 2));
    reported.forEach((r, i) => {
      const b = bad[i] as (typeof bad)[number];
      expect(r.errors).toHaveLength(1);
      expect(r.errors?.[0]).toMatchObject({ sheet: 'CSV', row: b.index + 2, column: letterOf(b.key), label: labelOf(b.key) });
      expect(r.errors?.[0]?.message).toContain(b.reason);
    });
    // The result page lists them with their column letter and label.
    const page = await staff.get(`${BASE}/${summary.batchId}`);
    expect(page.status).toBe(200);
    for (const b of bad) expect(page.text).toContain(`<th scope="row">${b.index + 2}</th>`);
    expect(page.text).toContain(labelOf('tasked_from'));
    expect(page.text).not.toContain('Áp dụng toàn bộ tệp');
    expect(page.text).toContain('Chỉ áp dụng các dòng hợp lệ');
  }, 300_000);

  it('fixed, applies every row in one go, each a version with source import:<id>', async () => {
    const before = await count('associations');
    const summary = await run(rows, 'all', 'lon.csv');
    expect(summary).toMatchObject({ status: 'applied', rows: BIG, invalid: 0, created: BIG, updated: 0, unchanged: 0 });
    expect(await count('associations')).toBe(before + BIG);
    expect(await count('association_versions', { source: `import:${summary.batchId}` })).toBe(BIG);
    const one = await t.db
      .knex('associations')
      .where({ name: `Hội Lớn số ${BIG}` })
      .first();
    expect(one).toMatchObject({ members_total: 100 + BIG - 1, scope: (BIG - 1) % 3 === 0 ? 'tinh' : 'toan_quoc', data_level: 'raw' });
    console.info(
      `import of ${BIG} rows: parse ${summary.timings.parseMs.toFixed(0)} ms, validate ${summary.timings.validateMs.toFixed(0)} ms, ` +
        `apply ${summary.timings.applyMs.toFixed(0)} ms, total ${summary.timings.totalMs.toFixed(0)} ms = ` +
        `${Math.round(BIG / (summary.timings.totalMs / 1000))} rows/s`,
    );
  }, 300_000);

  it('re-run of the same file changes nothing: no new record, no new version', async () => {
    const before = await count('associations');
    const versions = await count('association_versions');
    const summary = await run(rows, 'all', 'lon.csv');
    expect(summary).toMatchObject({ status: 'applied', created: 0, updated: 0, unchanged: BIG });
    expect(await count('associations')).toBe(before);
    expect(await count('association_versions')).toBe(versions);
  }, 300_000);

  it('a changed cell updates only that association, with a new version', async () => {
    const changed = rows.map((r) => ({ ...r }));
    (changed[7] as Row).members_total = '424242';
    const versions = await count('association_versions');
    const summary = await run(changed, 'all', 'lon-sua.csv');
    expect(summary).toMatchObject({ status: 'applied', created: 0, updated: 1, unchanged: BIG - 1 });
    expect(await count('association_versions')).toBe(versions + 1);
    const rec = await t.db.knex('associations').where({ name: 'Hội Lớn số 8' }).first();
    expect(rec.members_total).toBe(424242);
    expect(rec.version).toBe(2);
    const v = await t.db.knex('association_versions').where({ association_id: rec.id, version: 2 }).first();
    expect(v.source).toBe(`import:${summary.batchId}`);
  }, 300_000);
});

describe('natural keys and modes', () => {
  it('matches by register code, keeps columns left out of the file', async () => {
    const [first] = await run(makeRows(1, 'Hội Mã'), 'all').then(async () =>
      t.db.knex('associations').where({ name: 'Hội Mã số 1' }).select('code', 'hq_province_code'),
    );
    expect(first?.hq_province_code).toBe('79');
    // Rename by code, with only three columns: the province stays.
    const csv = Buffer.from(`${labelOf('code')},${labelOf('name')},${labelOf('scope')}\n${first?.code},Hội Mã đổi tên,toan_quoc\n`);
    const s = await t.services.imports.runImport({ actor, data: csv, originalName: 'doi-ten.csv', format: 'csv', mode: 'all' });
    expect(s).toMatchObject({ status: 'applied', updated: 1 });
    const rec = await t.db.knex('associations').where({ code: first?.code }).first();
    expect(rec).toMatchObject({ name: 'Hội Mã đổi tên', hq_province_code: '79' });
    // An unknown code is a bad row.
    const unknown = Buffer.from(`${labelOf('code')},${labelOf('name')}\nH999999,Hội Không Có\n`);
    const u = await t.services.imports.runImport({ actor, data: unknown, originalName: 'ma-sai.csv', format: 'csv', mode: 'all' });
    expect(u).toMatchObject({ status: 'validated', invalid: 1 });
    const { rows: errs } = await t.services.imports.invalidRows(u.batchId, 1, 10);
    expect(errs[0]?.errors?.[0]).toMatchObject({ row: 2, column: 'A', message: 'Không có hội mang mã H999999 trong cơ sở dữ liệu.' });
  });

  it('reports a duplicate natural key and a live-name clash inside the file', async () => {
    const rows = makeRows(3, 'Hội Trùng') as [Row, Row, Row];
    const { name, scope } = rows[0] as { name: string; scope: string };
    Object.assign(rows[2], { name, scope }); // same key as row 1
    Object.assign(rows[1], { name, scope: 'lien_tinh' }); // same name, other scope: a second live association of that name
    const s = await run(rows, 'all');
    expect(s).toMatchObject({ status: 'validated', invalid: 2 });
    const { rows: errs } = await t.services.imports.invalidRows(s.batchId, 1, 10);
    const messages = errs.flatMap((r) => (r.errors ?? []).map((e) => `${e.row}:${e.column}:${e.message}`));
    expect(messages).toContain('3:B:Tên hội trùng với một hội đang hoạt động ở dòng khác của tệp.');
    expect(messages).toContain('4:B:Hội này đã có ở dòng 2 của tệp.');
  });

  it('"valid rows only" applies the good rows, each as its own version, and leaves the bad ones reported', async () => {
    const rows = makeRows(40, 'Hội Một Phần');
    (rows[5] as Row).scope = 'sai';
    (rows[30] as Row).name = '';
    const before = await count('associations');
    const s = await run(rows, 'valid_only');
    expect(s).toMatchObject({ status: 'applied', invalid: 2, created: 38 });
    expect(await count('associations')).toBe(before + 38);
    expect(await count('association_versions', { source: `import:${s.batchId}` })).toBe(38);
    const statuses = (await t.db
      .knex('import_rows')
      .where({ batch_id: s.batchId })
      .groupBy('status')
      .select('status')
      .count('* as n')) as Array<{
      status: string;
      n: number;
    }>;
    expect(Object.fromEntries(statuses.map((r) => [r.status, Number(r.n)]))).toEqual({
      created: 38,
      invalid: 2,
    });
  });
});

describe('interruption (RELIABILITY check 34)', () => {
  it('a failure at row 1,000 inside the "all" apply leaves no row applied; re-run applies everything', async () => {
    const rows = makeRows(1_200, 'Hội Gián Đoạn');
    const before = await count('associations');
    const versions = await count('association_versions');
    await expect(
      run(rows, 'all', 'gian-doan.csv', {
        afterChunk: (done: number) => {
          if (done >= 1_000) throw new Error('injected failure');
        },
      }),
    ).rejects.toThrow('injected failure');
    expect(await count('associations')).toBe(before);
    expect(await count('association_versions')).toBe(versions);
    const batch = await t.db.knex('import_batches').orderBy('id', 'desc').first();
    expect(batch).toMatchObject({ status: 'failed', phase: 'apply', apply_mode: 'all' });
    expect(await count('import_rows', { batch_id: batch.id, status: 'created' })).toBe(0);
    // The page offers a re-run from the stored file; it applies everything.
    const page = await staff.get(`${BASE}/${batch.id}`);
    expect(page.text).toContain('Chạy lại lô này từ tệp gốc');
    const res = await staff
      .post(`${BASE}/${batch.id}/chay-lai`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    await t.services.imports.settled(batch.id);
    expect(await t.db.knex('import_batches').where({ id: batch.id }).first()).toMatchObject({ status: 'applied', rows_created: 1_200 });
    expect(await count('associations')).toBe(before + 1_200);
  }, 120_000);

  it('"valid rows only" commits chunk by chunk, recorded row by row; a re-run resumes without duplicates', async () => {
    const rows = makeRows(1_100, 'Hội Tiếp Tục');
    const before = await count('associations');
    await expect(
      run(rows, 'valid_only', 'tiep-tuc.csv', {
        afterChunk: (done: number) => {
          if (done >= 1_000) throw new Error('injected failure');
        },
      }),
    ).rejects.toThrow('injected failure');
    const batch = await t.db.knex('import_batches').orderBy('id', 'desc').first();
    // The first chunk (500 rows) committed with its outcomes; the second rolled back with its outcomes.
    expect(await count('associations')).toBe(before + 500);
    expect(await count('import_rows', { batch_id: batch.id, status: 'created' })).toBe(500);
    await t.services.imports.rerun(actor, batch.id);
    await t.services.imports.settled(batch.id);
    expect(await count('associations')).toBe(before + 1_100);
    expect(await count('import_rows', { batch_id: batch.id, status: 'created' })).toBe(1_100);
    expect(await t.db.knex('import_batches').where({ id: batch.id }).first()).toMatchObject({ status: 'applied', rows_created: 1_100 });
  }, 120_000);

  it('a batch left running by a dead process shows as interrupted and can be re-run', async () => {
    const s = await run(makeRows(5, 'Hội Tiến Trình Chết'), null);
    expect(s.status).toBe('validated');
    // As if a process claimed the apply and died: no heartbeat for longer than STALE_MS.
    await t.db
      .knex('import_batches')
      .where({ id: s.batchId })
      .update({ status: 'applying', phase: 'apply', apply_mode: 'all', heartbeat_at: new Date(t.clock.now().getTime() - 10 * 60_000) });
    const page = await staff.get(`${BASE}/${s.batchId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Bị dừng giữa chừng');
    expect(page.text).not.toContain('<progress');
    const res = await staff
      .post(`${BASE}/${s.batchId}/chay-lai`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    await t.services.imports.settled(s.batchId);
    expect(await t.db.knex('import_batches').where({ id: s.batchId }).first()).toMatchObject({ status: 'applied', rows_created: 5 });
  });

  it('a running batch shows a <progress> bar that refreshes without JavaScript', async () => {
    const s = await run(makeRows(2, 'Hội Đang Chạy'), null);
    await t.db
      .knex('import_batches')
      .where({ id: s.batchId })
      .update({ status: 'validating', progress_done: 1000, progress_total: 4000, heartbeat_at: t.clock.now() });
    const page = await staff.get(`${BASE}/${s.batchId}`);
    expect(page.text).toMatch(/<meta http-equiv="refresh" content="2">/);
    expect(page.text).toMatch(/<progress id="thanh-tien-do"[^>]*max="4000" value="1000"/);
    expect(page.text).toContain('1.000 / 4.000 dòng');
    await t.db.knex('import_batches').where({ id: s.batchId }).update({ status: 'validated' });
  });
});

describe('through the pages: CSV and XLSX uploads, raw file kept', () => {
  it('CSV: upload → validated in the background → apply all → records; the raw file is kept with its SHA-256', async () => {
    const data = csvOf(makeRows(25, 'Hội CSV'));
    const id = batchIdOf(await upload(staff, data, 'hội csv.csv', 'text/csv'));
    await t.services.imports.settled(id);
    const page = await staff.get(`${BASE}/${id}`);
    expect(page.text).toContain('Đã kiểm tra, chờ áp dụng');
    expect(page.text).toContain(createHash('sha256').update(data).digest('hex'));
    const res = await staff
      .post(`${BASE}/${id}/ap-dung`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), 'xac-nhan': '1', mode: 'all' });
    expect(res.status).toBe(303);
    await t.services.imports.settled(id);
    const done = await staff.get(`${BASE}/${id}`);
    expect(done.text).toContain('Đã áp dụng');
    expect(done.text).toMatch(/id="so-tao-moi">25</);
    expect(await count('associations', { name: 'Hội CSV số 25' })).toBe(1);
    // A second apply of the same batch is a conflict.
    const again = await staff
      .post(`${BASE}/${id}/ap-dung`)
      .type('form')
      .send({ _csrf: csrfFrom(done.text), 'xac-nhan': '1', mode: 'all' });
    expect(again.status).toBe(409);
    const raw = await staff
      .get(`${BASE}/${id}/tep-goc`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(raw.status).toBe(200);
    expect(Buffer.compare(raw.body as Buffer, data)).toBe(0);
    const batch = await t.db.knex('import_batches').where({ id }).first();
    expect(batch).toMatchObject({
      original_name: 'hội csv.csv',
      sha256: createHash('sha256').update(data).digest('hex'),
      size_bytes: data.length,
    });
    expect(await count('audit_events', { action: 'import.upload', target_id: String(id) })).toBe(1);
  });

  it('XLSX: the downloaded template filled with associations and leaders; sub-list errors name sheet, row and column', async () => {
    const tpl = await staff
      .get(`${BASE}/mau.xlsx`)
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(tpl.status).toBe(200);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(tpl.body as ExcelJS.Buffer);
    const main = wb.getWorksheet(LIST_SHEET) as ExcelJS.Worksheet;
    const keys = (main.getRow(2).values as unknown[]).map((v) => String(v ?? ''));
    const col = (k: string) => keys.indexOf(k);
    const fill = (r: number, v: Record<string, ExcelJS.CellValue>) => {
      for (const [k, val] of Object.entries(v)) main.getCell(r, col(k)).value = val;
    };
    fill(3, {
      name: 'Hội Excel Một',
      kind_code: 'hoi — Hội',
      scope: 'toan_quoc',
      main_field_code: 'XHND',
      status: 'hoat_dong',
      data_level: 'basic',
      tasked_from: new Date(Date.UTC(2015, 5, 1)),
      members_total: 1500,
      party_state_tasked: 'Có',
      tasked_legal_basis: 'QĐ 68/2010/QĐ-TTg',
    });
    fill(4, { name: 'Hội Excel Hai', kind_code: 'hoi', scope: 'tinh', main_field_code: 'XHND', status: 'hoat_dong', data_level: 'raw' });
    const leaders = wb.getWorksheet('Lãnh đạo hội') as ExcelJS.Worksheet;
    const lkeys = (leaders.getRow(2).values as unknown[]).map((v) => String(v ?? ''));
    const lrow = (r: number, v: Record<string, ExcelJS.CellValue>) => {
      for (const [k, val] of Object.entries(v)) leaders.getCell(r, lkeys.indexOf(k)).value = val;
    };
    lrow(3, {
      association: 'Hội Excel Một',
      full_name: 'Nguyễn Thị Thử',
      position_code: 'CT',
      official_status: 'khong',
      elected_on: new Date(Date.UTC(2021, 2, 15)),
    });
    lrow(4, { association: 'Hội Excel Hai', full_name: 'Trần Văn Mẫu', position_code: 'KHONG_CO', official_status: 'khong' });
    const bad = Buffer.from(await wb.xlsx.writeBuffer());
    const id = batchIdOf(await upload(staff, bad, 'mau-da-dien.xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'));
    await t.services.imports.settled(id);
    const { rows: errs } = await t.services.imports.invalidRows(id, 1, 10);
    expect(errs).toHaveLength(1);
    expect(errs[0]?.row_number).toBe(4);
    expect(errs[0]?.errors?.[0]).toMatchObject({
      sheet: 'Lãnh đạo hội',
      row: 4,
      column: String.fromCharCode(64 + lkeys.indexOf('position_code')),
    });
    expect(errs[0]?.errors?.[0]?.message).toBe('Chức vụ trong hội: chọn một mục trong danh sách.');

    lrow(4, { position_code: 'PCT — Phó Chủ tịch' });
    const good = Buffer.from(await wb.xlsx.writeBuffer());
    const s = await t.services.imports.runImport({ actor, data: good, originalName: 'mau-da-sua.xlsx', format: 'xlsx', mode: 'all' });
    expect(s).toMatchObject({ status: 'applied', created: 2 });
    const one = await t.db.knex('associations').where({ name: 'Hội Excel Một' }).first();
    expect(one).toMatchObject({ tasked_from: '2015-06-01', members_total: 1500, party_state_tasked: true, data_level: 'basic' });
    const leader = await t.db.knex('leaders').where({ association_id: one.id }).first();
    expect(leader).toMatchObject({ full_name: 'Nguyễn Thị Thử', position_code: 'CT', elected_on: '2021-03-15' });
    const again = await t.services.imports.runImport({ actor, data: good, originalName: 'mau-da-sua.xlsx', format: 'xlsx', mode: 'all' });
    expect(again).toMatchObject({ status: 'applied', created: 0, updated: 0, unchanged: 2 });
  });

  it('refuses a file that is neither XLSX nor CSV, and an upload without the CSRF token', async () => {
    const png = Buffer.from(
      '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a2d5e0a40000000049454e44ae426082',
      'hex',
    );
    const res = await upload(staff, png, 'du-lieu.csv', 'text/csv');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Tệp phải là bảng tính Excel (.xlsx) hoặc tệp CSV');
    const noToken = await staff
      .post(BASE)
      .attach('file', csvOf(makeRows(1, 'Hội Không Token')), { filename: 'a.csv', contentType: 'text/csv' });
    expect(noToken.status).toBe(403);
    expect(await count('associations', { name: 'Hội Không Token số 1' })).toBe(0);
  });

  it('only the NGO Department reaches the import pages', async () => {
    for (const role of ['leader', 'association', 'it_admin'] as const) {
      const a = await loggedInAgent(t, await createUser(t.db.knex, [role]));
      expect((await a.get(BASE)).status, role).toBe(403);
      expect((await a.get(`${BASE}/mau.xlsx`)).status, role).toBe(403);
    }
    expect((await agent(t).get(BASE)).status).toBe(303);
    const lead = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_lead']));
    expect((await lead.get(BASE)).status).toBe(200);
    expect((await lead.get(`${BASE}/999999`)).status).toBe(404);
  });
});
