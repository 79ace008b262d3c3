/**
 * Data-quality scores (issue 16 item 4): each check passing and failing on built records, the score's arithmetic in
 * SQL, recompute on save (the record's version write) and on a rule change, the nightly job, the staff list's score
 * column, sort and band filter, the record page's checklist (the same stored row as the list: they never disagree),
 * the report of the weakest records and its CSV, the rules page (NGO staff edit, audited, Vietnamese messages), and
 * who may see any of it (not the public, not exploiters, not associations' officers).
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchFile } from '../../src/cli/bench-import-file.js';
import { createAssociationsRepository } from '../../src/features/associations/associations.repository.js';
import {
  createRegisterListRepository,
  type ListCursor,
  type ListFilters,
  type ListPage,
} from '../../src/features/associations/register-list.repository.js';
import { createQualityRepository } from '../../src/features/quality/quality.repository.js';
import { createQualityReportRepository } from '../../src/features/quality/quality-report.repository.js';
import { scoreOf } from '../../src/features/quality/quality-rules.js';
import { createQualityScoresJob } from '../../src/features/quality/quality-scores.job.js';
import { vietnamToday } from '../../src/lib/format.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import {
  type AssociationBuilder,
  anAssociation,
  type CongressColumns,
  insertAssociations,
  type LeaderColumns,
} from '../helpers/builders.js';
import { formFields, VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, agent, createAssociationViaForm, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let knex: Knex;
let staff: Agent;
let lead: Agent;
let leader: Agent;
let today: string;

beforeAll(async () => {
  t = await buildTestApp({ UPLOAD_DIR: mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-quality-')) });
  knex = t.db.knex;
  t.clock.set(new Date('2026-11-20T03:00:00Z'));
  today = vietnamToday(t.clock.now());
  staff = await loggedInAgent(t, await createUser(knex, ['ngo_staff']));
  lead = await loggedInAgent(t, await createUser(knex, ['ngo_lead']));
  leader = await loggedInAgent(t, await createUser(knex, ['leader']));
});

afterAll(async () => {
  await t.db.destroy();
});

const NOW = () => t.clock.now();

/** The seeded weights (migration 20261231003000). */
const WEIGHTS: Record<string, number> = {
  nhom_bat_buoc: 25,
  nhiem_ky_con_han: 20,
  cap_nhat_quy: 15,
  lien_he_lanh_dao: 15,
  co_dieu_le: 15,
  khong_qua_cu: 10,
};

/** A record that passes every check on `today` (2026-11-20): all required groups, a current term, fresh, contacts, charter. */
function complete(
  columns: Record<string, unknown> = {},
  lists: { leaders?: LeaderColumns[]; congresses?: CongressColumns[] } = {},
): AssociationBuilder {
  return anAssociation({
    hq_address: '12 Phố Huế',
    hq_province_code: '01',
    purpose: 'Tập hợp hội viên',
    members_total: 120,
    updated_at: NOW(),
    ...columns,
  })
    .withDecisions([{ event_type: 'cho_phep_thanh_lap', number: '12/QĐ-BNV', signed_on: '2020-01-10' }])
    .withLeaders(lists.leaders ?? [{ full_name: 'Nguyễn Văn An', position_code: 'CT', phone: '0912345678' }])
    .withCongresses(lists.congresses ?? [{ term_number: 2, congress_type: 'nhiem_ky', held_on: '2024-05-10', term_years: 5 }]);
}

async function withCharter(id: number): Promise<void> {
  await knex('attachments').insert({
    association_id: id,
    document_type_code: 'DIEU_LE',
    title: 'Điều lệ',
    original_name: `dieu-le-${id}.pdf`,
    storage_name: `q-${id}-${Math.random().toString(36).slice(2)}.pdf`,
    mime_type: 'application/pdf',
    size_bytes: 10,
    sha256: 'a'.repeat(64),
  });
}

async function recompute(ids: number[]) {
  await knex.transaction((trx) => createQualityRepository(trx).recomputeIds(trx, ids, today, NOW()));
  const rows = await knex('association_quality').whereIn('association_id', ids);
  return new Map(
    rows.map((r) => [Number(r.association_id), { score: Number(r.score), passed: [...r.passed].sort(), failed: [...r.failed].sort() }]),
  );
}

describe('the checks', () => {
  it('a complete record passes every check and scores 100', async () => {
    const a = await complete().insert(knex);
    await withCharter(a.id);
    const q = (await recompute([a.id])).get(a.id);
    expect(q).toEqual({
      score: 100,
      passed: ['cap_nhat_quy', 'co_dieu_le', 'khong_qua_cu', 'lien_he_lanh_dao', 'nhiem_ky_con_han', 'nhom_bat_buoc'],
      failed: [],
    });
  });

  it('each check fails on the record built to fail it, and the score is the weights passed over the weights applicable', async () => {
    const cases: Array<[string, AssociationBuilder, boolean]> = [
      ['nhom_bat_buoc', complete({ purpose: null }), true],
      ['nhom_bat_buoc', complete({ hq_address: '   ' }), true],
      ['nhiem_ky_con_han', complete({}, { congresses: [] }), true],
      // Held in 2018 for 5 years, no extension: overdue.
      [
        'nhiem_ky_con_han',
        complete({}, { congresses: [{ term_number: 1, congress_type: 'nhiem_ky', held_on: '2018-03-01', term_years: 5 }] }),
        true,
      ],
      ['cap_nhat_quy', complete({ updated_at: new Date('2026-05-01T00:00:00Z') }), true],
      // A second current leader without phone or e-mail; a former one without them would not count.
      ['lien_he_lanh_dao', complete().withLeaders([{ full_name: 'Trần Thị Bình', position_code: 'PCT' }]), true],
      // No current leader at all (only a former one, with a phone).
      [
        'lien_he_lanh_dao',
        complete({}, { leaders: [{ full_name: 'Đỗ Văn Em', position_code: 'CT', phone: '0900000000', left_on: '2025-06-01' }] }),
        true,
      ],
      ['co_dieu_le', complete(), false],
      // Older than 3 years is also overdue for the quarterly update.
      ['khong_qua_cu+cap_nhat_quy', complete({ updated_at: new Date('2023-11-19T00:00:00Z') }), true],
    ];
    for (const [code, builder, charter] of cases) {
      const a = await builder.insert(knex);
      if (charter) await withCharter(a.id);
      const q = (await recompute([a.id])).get(a.id);
      const expected = code.split('+');
      expect(q?.failed, code).toEqual([...expected].sort());
      expect(q?.score, code).toBe(100 - expected.reduce((n, c) => n + (WEIGHTS[c] ?? 0), 0));
    }
    // Only a former leader lacks contacts: passes.
    const former = await complete()
      .withLeaders([{ full_name: 'Phạm Văn Dũng', position_code: 'PCT', left_on: '2025-01-01' }])
      .insert(knex);
    await withCharter(former.id);
    expect((await recompute([former.id])).get(former.id)?.failed).toEqual([]);
  });

  it('checks that do not apply (an ended association: term, quarterly update, leaders) leave the score', async () => {
    const a = await complete({ status: 'giai_the', updated_at: new Date('2026-01-05T00:00:00Z') })
      .withLeaders([{ full_name: 'Lê Văn Cường', position_code: 'PCT' }])
      .insert(knex);
    const q = (await recompute([a.id])).get(a.id);
    // Applicable: required groups 25 (passed), charter 15 (failed), not stale 10 (passed): 35 / 50 = 70.
    expect(q?.failed).toEqual(['co_dieu_le']);
    expect(q?.passed).toEqual(['khong_qua_cu', 'nhom_bat_buoc']);
    expect(q?.score).toBe(70);
    expect(
      scoreOf([
        { weight: 25, result: 1 },
        { weight: 15, result: 0 },
        { weight: 10, result: 1 },
        { weight: 20, result: null },
      ]),
    ).toBe(70);
  });
});

/** The stored score and a fresh computation by the same SQL, with the score's arithmetic in TypeScript. */
async function storedAndFresh(id: number) {
  const repo = createQualityRepository(knex);
  const stored = await repo.stored(id);
  const rules = await repo.rules();
  const [fresh] = await repo.fresh([id], today);
  const weights = new Map(rules.map((r) => [r.code, r.weight]));
  const freshScore = scoreOf(Object.entries(fresh?.results ?? {}).map(([code, result]) => ({ weight: weights.get(code) ?? 0, result })));
  return { stored, freshScore };
}

/** The score badge of a record's row on the staff list page (html) and on its record page. */
function listScore(html: string, code: string): string | null {
  const row = html.split('<tr>').find((r) => r.includes(`<code>${code}</code>`));
  const m = row ? /<td><span class="badge [^"]+">(\d+)<\/span><\/td>/.exec(row) : null;
  return m ? (m[1] as string) : null;
}
function pageScore(html: string): string | null {
  const m = /Điểm chất lượng dữ liệu: <span class="badge [^"]+ fs-6">(\d+)\/100<\/span>/.exec(html);
  return m ? (m[1] as string) : null;
}

describe('recompute on save', () => {
  it('a record created through the staff form has its score stored in the same transaction, equal to a fresh computation', async () => {
    const res = await createAssociationViaForm(staff, { ...VALID_STAFF_FORM, name: 'Hội Chất lượng dữ liệu thử' });
    expect(res.status).toBe(303);
    const row = await knex('associations').where({ name: 'Hội Chất lượng dữ liệu thử' }).first('id', 'code');
    const { stored, freshScore } = await storedAndFresh(row.id);
    // No purpose, members, decision, congress, leader contacts or charter: only the quarterly update and freshness pass.
    expect(stored?.score).toBe(freshScore);
    expect(stored?.failed.sort()).toEqual(['co_dieu_le', 'lien_he_lanh_dao', 'nhiem_ky_con_han', 'nhom_bat_buoc']);
    expect(stored?.score).toBe(Math.round((100 * 25) / 100));

    // Editing the record (adding the leader's phone) recomputes it.
    const form = await staff.get(`/quan-tri/hoi/${row.code}/sua`);
    const fields = formFields(form.text, `/quan-tri/hoi/${row.code}/sua`);
    const saved = await staff
      .post(`/quan-tri/hoi/${row.code}/sua`)
      .type('form')
      .send({ ...fields, 'leaders.0.phone': '0912345678' });
    expect(saved.status).toBe(303);
    const after = await storedAndFresh(row.id);
    expect(after.stored?.failed).not.toContain('lien_he_lanh_dao');
    expect(after.stored?.score).toBe(40);
    expect(after.stored?.score).toBe(after.freshScore);
  });
});

describe('placeholders and uploads', () => {
  it('a record inserted outside the application has a placeholder the pages show as not yet computed', async () => {
    const a = await complete({ name: 'Hội Nạp ngoài ứng dụng', hq_province_code: '92' }).insert(knex);
    const row = await knex('association_quality').where({ association_id: a.id }).first();
    expect(Number(row.score)).toBe(-1);
    const page = await staff.get(`/quan-tri/hoi/${a.code}`);
    expect(page.text).toContain('Hồ sơ chưa được chấm điểm chất lượng dữ liệu');
    const list = await staff.get('/quan-tri/hoi?tinh=92');
    expect(list.text).toContain('Chưa tính');
    // Not in the report, nor in any band.
    expect((await staff.get('/bao-cao/chat-luong-du-lieu?tinh=92')).text).not.toContain(a.code);
    expect((await staff.get('/quan-tri/hoi?tinh=92&diem=duoi-50')).text).not.toContain(`<code>${a.code}</code>`);
  });

  it('versions written in bulk (an import) recompute their records in the same transaction', async () => {
    const built = await insertAssociations(knex, [complete({ name: 'Hội Nhập lô 1' }), complete({ name: 'Hội Nhập lô 2', purpose: null })]);
    const repo = createAssociationsRepository(knex);
    await knex.transaction((trx) =>
      repo.insertVersions(
        trx,
        built.map((b) => ({ associationId: b.id, version: 1, snapshot: {}, source: 'import:1', reason: null, actorId: null, at: NOW() })),
      ),
    );
    const stored = await Promise.all(built.map((b) => createQualityRepository(knex).stored(b.id)));
    expect(stored.map((q) => [...(q?.failed ?? [])].sort())).toEqual([['co_dieu_le'], ['co_dieu_le', 'nhom_bat_buoc']]);
  });

  it('uploading the charter recomputes the record in the upload transaction', async () => {
    const a = await complete({ name: 'Hội Tải điều lệ' }).insert(knex);
    await recompute([a.id]);
    expect((await createQualityRepository(knex).stored(a.id))?.failed).toEqual(['co_dieu_le']);
    const pageUrl = `/quan-tri/hoi/${a.code}/tai-lieu`;
    const form = await staff.get(pageUrl);
    expect(form.status).toBe(200);
    const m = /\?_csrf=([^"&]+)"/.exec(form.text);
    const token = m?.[1] ? decodeURIComponent(m[1]) : csrfFrom(form.text);
    const boundary = `----q${randomBytes(6).toString('hex')}`;
    const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const body = Buffer.concat([
      Buffer.from(field('classification', 'khong_mat') + field('document_type_code', 'DIEU_LE') + field('title', 'Điều lệ hội'), 'utf8'),
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="dieu-le.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      readFileSync(path.join(import.meta.dirname, '../fixtures/documents/sample.pdf')),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const res = await staff
      .post(`${pageUrl}?_csrf=${encodeURIComponent(token)}`)
      .set('Content-Type', `multipart/form-data; boundary=${boundary}`)
      .send(body);
    expect(res.status).toBe(303);
    const { stored, freshScore } = await storedAndFresh(a.id);
    expect(stored?.failed).toEqual([]);
    expect(stored?.score).toBe(100);
    expect(freshScore).toBe(100);
  });
});

describe('the staff list, the record page and the report', () => {
  const codes: Record<string, string> = {};
  beforeAll(async () => {
    // Scores 100, 85 (no charter), 60 (no charter, no contacts, no term…), 0-ish ones in another province.
    const a = await complete({ name: 'Hội Điểm cao', hq_province_code: '79' }).insert(knex);
    await withCharter(a.id);
    const b = await complete({ name: 'Hội Điểm khá', hq_province_code: '79' }).insert(knex);
    const c = await complete(
      { name: 'Hội Điểm thấp', hq_province_code: '79', purpose: null },
      { congresses: [], leaders: [{ full_name: 'Võ Văn Giang', position_code: 'CT' }] },
    ).insert(knex);
    Object.assign(codes, { high: a.code, mid: b.code, low: c.code });
    await recompute([a.id, b.id, c.id]);
  });

  it('the list shows each row score, sorts lowest first and filters by band; the record page shows the same score and its checklist', async () => {
    const sorted = await staff.get('/quan-tri/hoi?tinh=79&sap-xep=diem');
    expect(sorted.status).toBe(200);
    const order = [codes.low, codes.mid, codes.high].map((c) => sorted.text.indexOf(`<code>${c}</code>`));
    expect(order.every((i) => i > 0)).toBe(true);
    expect([...order].sort((x, y) => x - y)).toEqual(order);
    for (const code of Object.values(codes)) {
      const page = await staff.get(`/quan-tri/hoi/${code}`);
      expect(page.status).toBe(200);
      // page == list == stored.
      expect(pageScore(page.text)).not.toBeNull();
      expect(pageScore(page.text)).toBe(listScore(sorted.text, code));
      const id = (await knex('associations').where({ code }).first('id')).id;
      expect(Number(pageScore(page.text))).toBe((await storedAndFresh(id)).freshScore);
    }
    const low = await staff.get(`/quan-tri/hoi/${codes.low}`);
    expect(low.text).toContain('Chưa đạt');
    expect(low.text).toContain('Cách khắc phục:</strong> Nhập đại hội nhiệm kỳ gần nhất');

    const band = await staff.get('/quan-tri/hoi?tinh=79&diem=tu-80');
    expect(band.text).toContain(`<code>${codes.high}</code>`);
    expect(band.text).toContain(`<code>${codes.mid}</code>`);
    expect(band.text).not.toContain(`<code>${codes.low}</code>`);
    // The list's export carries the score (the list's own filters and order).
    const csv = await staff.get('/quan-tri/hoi/danh-sach.csv?tinh=79&diem=tu-80&sap-xep=diem');
    expect(csv.status).toBe(200);
    const csvLines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(csvLines[0]?.endsWith('Điểm chất lượng dữ liệu')).toBe(true);
    expect(csvLines.find((l) => l.startsWith(codes.high as string))?.endsWith(',100')).toBe(true);
    const under = await staff.get('/quan-tri/hoi?tinh=79&diem=duoi-50');
    expect(under.text).toContain(`<code>${codes.low}</code>`);
    expect(under.text).not.toContain(`<code>${codes.high}</code>`);
  });

  it('the report lists the weakest records of a province first, sums failures per rule, and its CSV is audited', async () => {
    const res = await leader.get('/bao-cao/chat-luong-du-lieu?tinh=79');
    expect(res.status).toBe(200);
    const low = res.text.indexOf(codes.low as string);
    const high = res.text.indexOf(codes.high as string);
    expect(low).toBeGreaterThan(0);
    expect(high).toBeGreaterThan(low);
    expect(res.text).toContain('Điểm trung bình');
    const field = await staff.get('/bao-cao/chat-luong-du-lieu?tinh=79&theo=linh-vuc');
    expect(field.status).toBe(200);
    const summary = await createQualityReportRepository(knex).summary({ province: '79' }, 'province', ['co_dieu_le', 'nhom_bat_buoc']);
    expect(summary).toEqual([{ key: '79', records: 3, average: expect.any(Number), failed: { co_dieu_le: 2, nhom_bat_buoc: 1 } }]);

    const csv = await staff.get('/bao-cao/chat-luong-du-lieu.csv?tinh=79');
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.text
      .replace(/^\uFEFF/, '')
      .trim()
      .split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toContain(codes.low);
    expect(lines[3]).toContain(codes.high);
    const audit = await knex('audit_events').where({ action: 'quality_report.export' }).orderBy('id', 'desc').first();
    expect(audit).toBeDefined();
  });
});

describe('the staff list keyset pages by score', () => {
  it('walks, ranges and pages both ways in the order of the stored scores, as a plain sort does', async () => {
    const built = Array.from({ length: 40 }, (_, i) =>
      complete({ name: `Hội Trang điểm ${i}`, hq_province_code: '48' }, i % 3 === 0 ? { congresses: [] } : {}),
    );
    const rows = await insertAssociations(knex, built);
    for (const [i, r] of rows.entries()) if (i % 2 === 0) await withCharter(r.id);
    await recompute(rows.map((r) => r.id));
    const reference = (
      await knex('association_quality as q')
        .join('associations as a', 'a.id', 'q.association_id')
        .where('a.hq_province_code', '48')
        .orderBy([{ column: 'q.score' }, { column: 'a.id' }])
        .pluck('a.id')
    ).map(Number);
    const repo = createRegisterListRepository(knex, { countCap: 5, walkWindow: 8, leaderRows: 100, secondaryRows: 100 });
    /** Every page by keyset, after then before from the end. */
    async function pages(filters: ListFilters): Promise<{ ids: number[]; back: number[] }> {
      const ids: number[] = [];
      let cursor: ListCursor | null = null;
      let page = 1;
      let last: ListPage | null = null;
      for (;;) {
        last = await repo.list(filters, 'diem', page, 4, cursor);
        ids.push(...last.rows.map((r) => Number(r.id)));
        if (!last.next) break;
        cursor = last.next;
        page += 1;
      }
      const back = last?.prev ? (await repo.list(filters, 'diem', page - 1, 4, last.prev)).rows.map((r) => Number(r.id)) : [];
      return { ids, back };
    }
    const all = await pages({ province: '48' });
    expect(all.ids).toEqual(reference);
    expect(all.back).toEqual(reference.slice(-4 - (reference.length % 4 || 4), -(reference.length % 4 || 4)));
    const banded = await pages({ province: '48', quality: { min: 80, max: 100 } });
    const expected = (
      await knex('association_quality as q')
        .join('associations as a', 'a.id', 'q.association_id')
        .where('a.hq_province_code', '48')
        .whereBetween('q.score', [80, 100])
        .orderBy([{ column: 'q.score' }, { column: 'a.id' }])
        .pluck('a.id')
    ).map(Number);
    expect(expected.length).toBeGreaterThan(5);
    expect(banded.ids).toEqual(expected);
  });
});

describe('the rules catalogue', () => {
  it('NGO staff change a weight: audited, every stored score recomputed; bad input is refused in Vietnamese and nothing is saved', async () => {
    const a = await complete({ name: 'Hội Chưa có điều lệ' }).insert(knex);
    await recompute([a.id]);
    expect((await createQualityRepository(knex).stored(a.id))?.score).toBe(85);

    const form = await staff.get('/quan-tri/chat-luong-du-lieu/khong_qua_cu/sua');
    expect(form.status).toBe(200);
    const bad = await staff
      .post('/quan-tri/chat-luong-du-lieu/khong_qua_cu/sua')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), weight: '150', enabled: 'co', param: '0' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Trọng số phải từ 0 đến 100.');
    expect(bad.text).toContain('Số năm phải từ 1 đến 20.');
    expect(bad.text).toContain('value="150"');
    expect((await knex('quality_rules').where({ code: 'khong_qua_cu' }).first()).weight).toBe(10);

    const page = await staff.get('/quan-tri/chat-luong-du-lieu/co_dieu_le/sua');
    const ok = await staff
      .post('/quan-tri/chat-luong-du-lieu/co_dieu_le/sua')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), weight: '0', enabled: 'co' });
    expect(ok.status).toBe(303);
    // Without the charter rule the record passes everything that applies.
    expect((await createQualityRepository(knex).stored(a.id))?.score).toBe(100);
    const audit = await knex('audit_events').where({ action: 'quality_rule.update', target_id: 'co_dieu_le' }).first();
    expect(audit).toBeDefined();
    const list = await staff.get('/quan-tri/chat-luong-du-lieu');
    expect(list.text).toContain('Đã lưu quy tắc và tính lại điểm chất lượng');

    // The last active rule cannot be switched off.
    await knex('quality_rules').whereNot({ code: 'khong_qua_cu' }).update({ enabled: false });
    const last = await staff.get('/quan-tri/chat-luong-du-lieu/khong_qua_cu/sua');
    const refused = await staff
      .post('/quan-tri/chat-luong-du-lieu/khong_qua_cu/sua')
      .type('form')
      .send({ _csrf: csrfFrom(last.text), weight: '10', enabled: 'khong', param: '3' });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('Phải còn ít nhất một quy tắc được áp dụng');
    expect((await knex('quality_rules').where({ code: 'khong_qua_cu' }).first()).enabled).toBe(true);
    // Put the seeded catalogue back for the other tests.
    await knex('quality_rules').update({ enabled: true });
    await knex('quality_rules').where({ code: 'co_dieu_le' }).update({ weight: 15 });
    await createQualityRepository(knex).recomputeAll(today, NOW());
  });

  it('the nightly job recomputes time-dependent checks', async () => {
    const a = await complete({ name: 'Hội Sẽ quá hạn cập nhật' }).insert(knex);
    await withCharter(a.id);
    await recompute([a.id]);
    expect((await createQualityRepository(knex).stored(a.id))?.score).toBe(100);
    const job = createQualityScoresJob({ repo: createQualityRepository(knex), clock: t.clock });
    // Two quarters later: the quarterly update is overdue.
    const counts = await job.run({ period: '2027-05-20', trigger: 'manual', logger: undefined as never });
    expect(counts.quality_scored).toBeGreaterThan(0);
    expect((await createQualityRepository(knex).stored(a.id))?.failed).toEqual(['cap_nhat_quy']);
    await createQualityRepository(knex).recomputeAll(today, NOW());
  });
});

describe('who sees the scores', () => {
  it('leaders read the rules and the report but cannot edit; exploiters, officers and the public get none of it', async () => {
    expect((await leader.get('/quan-tri/chat-luong-du-lieu')).status).toBe(200);
    expect((await leader.get('/quan-tri/chat-luong-du-lieu/co_dieu_le/sua')).status).toBe(403);
    const form = await lead.get('/quan-tri/chat-luong-du-lieu/co_dieu_le/sua');
    expect(form.status).toBe(200);
    const denied = await leader
      .post('/quan-tri/chat-luong-du-lieu/co_dieu_le/sua')
      .type('form')
      .send({ _csrf: csrfFrom((await leader.get('/quan-tri/chat-luong-du-lieu')).text), weight: '1', enabled: 'co' });
    expect(denied.status).toBe(403);
    expect((await knex('quality_rules').where({ code: 'co_dieu_le' }).first()).weight).toBe(15);

    const published = await complete({ name: 'Hội Công khai chất lượng', published: true }).insert(knex);
    await recompute([published.id]);
    const exploiter = await loggedInAgent(t, await createUser(knex, ['exploiter']));
    const officer = await loggedInAgent(t, await createUser(knex, ['association'], { associationId: published.id }));
    for (const a of [exploiter, officer]) {
      for (const url of [
        '/quan-tri/chat-luong-du-lieu',
        '/bao-cao/chat-luong-du-lieu',
        '/bao-cao/chat-luong-du-lieu.csv',
        `/quan-tri/hoi?sap-xep=diem`,
      ]) {
        expect((await a.get(url)).status, url).toBe(403);
      }
    }
    const anonymous = agent(t);
    for (const url of ['/quan-tri/chat-luong-du-lieu', '/bao-cao/chat-luong-du-lieu']) {
      const res = await anonymous.get(url);
      expect([302, 303, 401, 403]).toContain(res.status);
    }
    const publicPage = await anonymous.get(`/hoi/${published.code}`);
    expect(publicPage.status).toBe(200);
    expect(publicPage.text).not.toContain('Chất lượng dữ liệu');
    // The exploiter's reports index has no data-quality card.
    const reports = await exploiter.get('/bao-cao');
    expect(reports.text).not.toContain('Chất lượng dữ liệu hồ sơ hội');
    const staffReports = await staff.get('/bao-cao');
    expect(staffReports.text).toContain('Chất lượng dữ liệu hồ sơ hội');
  });
});

// Last: the records these write (510 of them imported, one left unscored) would change the lists and reports above.
describe('bulk import and the scores', () => {
  it('an import applied in one transaction scores every record it wrote, across chunks, once for the batch', async () => {
    // 510 rows: two write chunks of the "all" mode (500 a chunk), whose scores are recomputed once before the commit.
    const actor = { userId: null, username: 'quality-test', roles: ['ngo_staff'], ip: null, requestId: null };
    const data = await benchFile(510, false, 'CHATLUONG');
    const s = await t.services.imports.runImport({ actor, data, originalName: 'chat-luong.csv', format: 'csv', mode: 'all' });
    expect(s.status).toBe('applied');
    expect(s.created).toBe(510);
    const ids = (await knex('associations').where('name', 'like', '%CHATLUONG%').pluck('id')).map(Number);
    expect(ids).toHaveLength(510);
    const stored = await knex('association_quality').whereIn('association_id', ids).select('association_id', 'score', 'failed');
    expect(stored).toHaveLength(510);
    // Every one computed (no -1 placeholder left), and equal to a fresh recompute.
    expect(stored.filter((r) => Number(r.score) < 0)).toEqual([]);
    const fresh = await recompute(ids);
    for (const r of stored) expect(Number(r.score)).toBe(fresh.get(Number(r.association_id))?.score);
  });

  it('versions written with the scores deferred leave them to the caller', async () => {
    const [a] = await insertAssociations(knex, [complete({ name: 'Hội Nhập lô hoãn điểm' })]);
    const id = (a as { id: number }).id;
    const repo = createAssociationsRepository(knex);
    await knex.transaction((trx) =>
      repo.insertVersions(
        trx,
        [{ associationId: id, version: 1, snapshot: {}, source: 'import:2', reason: null, actorId: null, at: NOW() }],
        'deferred',
      ),
    );
    expect(await createQualityRepository(knex).stored(id)).toBeNull();
  });
});
