/**
 * Issue 16 item 8 — what users asked for on the register:
 * (a) the quarterly update badge (R-13.2, src/features/associations/quarterly-update.ts): one rule in TypeScript and
 *     in SQL that agree on every status and boundary; its states on a known day; an edit makes an overdue record
 *     on time (updated_at is the time of the latest saved version); the badge on the staff list, the public list and
 *     the record page, and the staff list's filter on it;
 * (b) the record page's five-year funds chart: the table holds the record's funds, the chart the five latest years,
 *     the chart hidden until drawn (without JavaScript the table is the content), no funds on the public page;
 * (c) the staff list's CSV and Excel exports: exactly the list's rows as filtered (every page, same order), audited,
 *     formula-looking text neutralised, links carrying the filters; nobody but staff and leaders reaches them.
 */
import type { IncomingMessage } from 'node:http';
import ExcelJS from 'exceljs';
import type { Response } from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type QuarterlyState, quarterlyDueSince, quarterlyState } from '../../src/features/associations/quarterly-update.js';
import { quarterlyCondition, quarterlyStateSql } from '../../src/features/associations/quarterly-update-sql.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, type InsertedAssociation, insertAssociations } from '../helpers/builders.js';
import { parseCsv } from '../helpers/csv.js';
import { VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, agent, createAssociationViaForm, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
/** A day of Quý II/2026: on time = saved since 01/01/2026 00:00 Viet Nam time (the first day of Quý I). */
const NOW = new Date('2026-05-15T03:00:00Z');

/** Associations of known state on NOW, by key. */
const CASES: Record<string, { status: string; updated_at: string; expected: QuarterlyState; published?: boolean }> = {
  firstInstant: { status: 'hoat_dong', updated_at: '2026-01-01T00:00:00+07:00', expected: 'dung_han', published: true },
  lastInstantBefore: { status: 'hoat_dong', updated_at: '2025-12-31T23:59:59.999+07:00', expected: 'qua_han', published: true },
  thisQuarter: { status: 'dang_thanh_lap', updated_at: '2026-04-02T09:00:00+07:00', expected: 'dung_han' },
  suspendedOld: { status: 'dinh_chi_co_thoi_han', updated_at: '2025-03-01T09:00:00+07:00', expected: 'qua_han' },
  awaitingOld: { status: 'cho_giai_the', updated_at: '2024-08-20T09:00:00+07:00', expected: 'qua_han' },
  dissolvedOld: { status: 'giai_the', updated_at: '2020-01-01T09:00:00+07:00', expected: 'khong_ap_dung', published: true },
  mergedRecent: { status: 'cham_dut_do_sap_nhap', updated_at: '2026-05-01T09:00:00+07:00', expected: 'khong_ap_dung' },
};
const inserted = new Map<string, InsertedAssociation>();

/** Every page of the staff list for this query: the codes in list order (25 a page). */
async function listCodes(query: string): Promise<{ codes: string[]; status: string }> {
  const codes: string[] = [];
  let status = '';
  for (let page = 1; page < 50; page++) {
    const res = await staff.get(`/quan-tri/hoi?${query}${query ? '&' : ''}trang=${page}`);
    expect(res.status).toBe(200);
    if (page === 1) status = /role="status"[^>]*>([\s\S]*?)<\/p>/.exec(res.text)?.[1] ?? '';
    const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(res.text)?.[1] ?? '';
    const found = [...body.matchAll(/<td><code>(H\d{6})<\/code><\/td>/g)].map((m) => m[1] as string);
    codes.push(...found);
    if (found.length < 25) break;
  }
  return { codes, status };
}

function binary(res: Response, cb: (err: Error | null, body: Buffer) => void) {
  const stream = res as unknown as IncomingMessage;
  const chunks: Buffer[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c));
  stream.on('end', () => cb(null, Buffer.concat(chunks)));
}

async function download(a: Agent, url: string) {
  return a.get(url).buffer(true).parse(binary);
}

/** The table row (<tr>…</tr>) of a code on a list page. */
function rowOf(html: string, code: string): string {
  return [...html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((m) => m[1] as string).find((r) => r.includes(`>${code}</code>`)) ?? '';
}

function unescapeAttr(s: string): string {
  return s
    .replace(/&#34;|&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set(NOW);
  const builders = Object.entries(CASES).map(([key, c]) =>
    anAssociation({ name: `Hội trạng thái ${key}`, status: c.status, updated_at: new Date(c.updated_at), published: c.published ?? false }),
  );
  const rows = await insertAssociations(t.db.knex, builders);
  for (const [i, key] of Object.keys(CASES).entries()) inserted.set(key, rows[i] as InsertedAssociation);
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  await t.services.publicSearch.loaded();
});

afterAll(async () => {
  await t?.db.destroy();
});

describe('the quarterly update state (R-13.2): one rule, in TypeScript and in SQL', () => {
  it('on a day of Quý II/2026: saved since 01/01/2026 is on time, before it overdue, an ended association not applicable', async () => {
    expect(quarterlyDueSince('2026-05-15').toISOString()).toBe('2025-12-31T17:00:00.000Z');
    const today = '2026-05-15';
    const rows: Array<{ id: number; status: string; updated_at: Date; s: string }> = await t.db
      .knex('associations as a')
      .whereIn(
        'a.id',
        [...inserted.values()].map((r) => r.id),
      )
      .select('a.id', 'a.status', 'a.updated_at', quarterlyStateSql(t.db.knex, today, 'a', 's'));
    for (const [key, c] of Object.entries(CASES)) {
      const row = rows.find((r) => Number(r.id) === inserted.get(key)?.id);
      expect(row?.s, key).toBe(c.expected);
      expect(quarterlyState(row?.status, row?.updated_at as Date, today), key).toBe(c.expected);
    }
  });

  it('TypeScript and SQL agree for every status of the catalogue, around every quarter boundary, and the filter selects them', async () => {
    const statuses: string[] = await t.db.knex('statuses').pluck('code');
    expect(statuses.length).toBeGreaterThanOrEqual(9);
    // Instants at and around the start of quarters, for each status.
    const instants = [
      '2025-09-30T23:59:59+07:00',
      '2025-10-01T00:00:00+07:00',
      '2025-12-31T16:59:59.999Z',
      '2025-12-31T17:00:00Z',
      '2026-03-31T23:59:59+07:00',
      '2026-04-01T00:00:00+07:00',
      '2026-06-30T12:00:00+07:00',
    ];
    const probe = await insertAssociations(
      t.db.knex,
      statuses.flatMap((status) =>
        instants.map((at) => anAssociation({ status, updated_at: new Date(at), name: `Hội dò ${status} ${at}` })),
      ),
    );
    const ids = probe.map((p) => p.id);
    try {
      for (const today of [
        '2026-03-31',
        '2026-04-01',
        '2026-05-15',
        '2026-06-30',
        '2026-07-01',
        '2026-09-30',
        '2026-10-01',
        '2027-01-01',
      ]) {
        const rows: Array<{ id: number; status: string; updated_at: Date; s: QuarterlyState }> = await t.db
          .knex('associations as a')
          .whereIn('a.id', ids)
          .select('a.id', 'a.status', 'a.updated_at', quarterlyStateSql(t.db.knex, today, 'a', 's'));
        expect(rows).toHaveLength(ids.length);
        const states = new Set<string>();
        for (const r of rows) {
          expect(r.s, `${r.status} ${r.updated_at.toISOString()} on ${today}`).toBe(quarterlyState(r.status, r.updated_at, today));
          states.add(r.s);
        }
        expect(states.has('khong_ap_dung')).toBe(true);
        for (const state of ['dung_han', 'qua_han', 'khong_ap_dung'] as const) {
          const c = quarterlyCondition(state, today);
          const selected: number[] = await t.db.knex('associations as a').whereIn('a.id', ids).whereRaw(c.sql, c.bindings).pluck('a.id');
          expect(selected.map(Number).sort(), `${state} on ${today}`).toEqual(
            rows
              .filter((r) => r.s === state)
              .map((r) => Number(r.id))
              .sort(),
          );
        }
      }
    } finally {
      await t.db.knex('associations').whereIn('id', ids).delete();
    }
  });

  it('updated_at is the time of the latest saved version: an overdue record saved through the form is on time at once', async () => {
    const created = await createAssociationViaForm(staff, { ...VALID_STAFF_FORM, name: 'Hội Làm vườn quý hai' });
    expect(created.status).toBe(303);
    const code = String(created.headers.location).split('/').pop() as string;
    // Make it overdue as if its last version were old (the version row too), then edit it through the form.
    const old = new Date('2025-06-01T02:00:00Z');
    const { id } = await t.db.knex('associations').where({ code }).first('id');
    await t.db.knex('associations').where({ id }).update({ updated_at: old });
    await t.db.knex('association_versions').where({ association_id: id }).update({ created_at: old });
    const before = await staff.get(`/quan-tri/hoi/${code}`);
    expect(before.text).toContain('Cập nhật hằng quý: Quá hạn');
    const { editRecord } = await import('../helpers/register-edit.js');
    const saved = await editRecord(staff, code, { purpose: 'Tôn chỉ mới trong quý' });
    expect(saved.status).toBe(303);
    const row = await t.db.knex('associations').where({ id }).first('updated_at');
    const latest = await t.db.knex('association_versions').where({ association_id: id }).max('created_at as at').first();
    expect(new Date(row.updated_at).getTime()).toBe(new Date(latest?.at).getTime());
    const after = await staff.get(`/quan-tri/hoi/${code}`);
    expect(after.text).toContain('Cập nhật hằng quý: Đúng hạn');
    expect(after.text).not.toContain('Cập nhật hằng quý: Quá hạn');
  });
});

describe('the badge on the pages', () => {
  it('staff list: on time and overdue badges beside the name; none for an ended association; the filter finds each state', async () => {
    const page = await staff.get('/quan-tri/hoi?q=trang thai');
    expect(page.status).toBe(200);
    for (const [key, c] of Object.entries(CASES)) {
      const row = rowOf(page.text, inserted.get(key)?.code as string);
      expect(row, key).not.toBe('');
      if (c.expected === 'dung_han') expect(row, key).toContain('text-bg-success" title="Cập nhật lần cuối ngày');
      if (c.expected === 'dung_han') expect(row, key).toContain('>Cập nhật hằng quý: Đúng hạn</span>');
      if (c.expected === 'qua_han') expect(row, key).toContain('>Cập nhật hằng quý: Quá hạn</span>');
      if (c.expected === 'khong_ap_dung') expect(row, key).not.toContain('Cập nhật hằng quý');
    }
    for (const [param, state] of [
      ['dung-han', 'dung_han'],
      ['qua-han', 'qua_han'],
      ['khong-ap-dung', 'khong_ap_dung'],
    ] as const) {
      const { codes } = await listCodes(`q=trang+thai&cap-nhat-quy=${param}`);
      const expected = Object.entries(CASES)
        .filter(([, c]) => c.expected === state)
        .map(([key]) => inserted.get(key)?.code);
      expect([...codes].sort(), param).toEqual([...expected].sort());
    }
    expect((await staff.get('/quan-tri/hoi?cap-nhat-quy=som')).status).toBe(400);
  });

  it('record page: the badge beside the congress badge, with the deadline; an ended association says "không áp dụng"', async () => {
    const onTime = await staff.get(`/quan-tri/hoi/${inserted.get('thisQuarter')?.code}`);
    expect(onTime.text).toContain('>Cập nhật hằng quý: Đúng hạn</span>');
    // Saved in Quý II/2026: the next update is due by the end of Quý III/2026.
    expect(onTime.text).toContain('Cập nhật lần cuối ngày 02/04/2026; hạn cập nhật tiếp theo: ngày 30/09/2026 (Quý III/2026).');
    const overdue = await staff.get(`/quan-tri/hoi/${inserted.get('suspendedOld')?.code}`);
    expect(overdue.text).toContain('>Cập nhật hằng quý: Quá hạn</span>');
    expect(overdue.text).toContain('chưa cập nhật cho Quý II/2025 (hạn ngày 30/06/2025)');
    const ended = await staff.get(`/quan-tri/hoi/${inserted.get('dissolvedOld')?.code}`);
    expect(ended.text).toContain('>Cập nhật hằng quý: Không áp dụng</span>');
    expect(ended.text).toContain('Hội không còn hoạt động: không thuộc kỳ cập nhật hằng quý.');
  });

  it('public list: the same badges for published associations, without dates', async () => {
    for (const a of [agent(t), staff]) {
      const page = await a.get('/hoi?q=trang thai');
      expect(page.status).toBe(200);
      expect(rowOf(page.text, inserted.get('firstInstant')?.code as string)).toContain('>Cập nhật hằng quý: Đúng hạn</span>');
      expect(rowOf(page.text, inserted.get('lastInstantBefore')?.code as string)).toContain('>Cập nhật hằng quý: Quá hạn</span>');
      const ended = rowOf(page.text, inserted.get('dissolvedOld')?.code as string);
      expect(ended).not.toBe('');
      expect(ended).not.toContain('Cập nhật hằng quý');
      expect(page.text).not.toContain('Cập nhật lần cuối');
    }
  });
});

describe('the funds chart of the record page', () => {
  it('the table holds every year of the record funds; the chart the five latest, hidden until drawn; not on the public page', async () => {
    const funds = [
      { year: 2019, source: 'hoi_phi', amount_vnd: 1_000_000 },
      { year: 2020, source: 'hoi_phi', amount_vnd: 120_000_000 },
      { year: 2020, source: 'nsnn_nhiem_vu', amount_vnd: 300_000_000 },
      { year: 2021, source: 'hoi_phi', amount_vnd: 130_000_000 },
      { year: 2022, source: 'tai_tro_nuoc_ngoai', amount_vnd: 75_500_000 },
      { year: 2023, source: 'hoi_phi', amount_vnd: 140_000_000 },
      { year: 2024, source: 'dich_vu', amount_vnd: 12_345_678 },
      { year: 2024, source: 'hoi_phi', amount_vnd: 150_000_000 },
    ];
    const { code } = await anAssociation({ name: 'Hội có kinh phí', published: true, updated_at: NOW }).withFunds(funds).insert(t.db.knex);
    const page = await staff.get(`/quan-tri/hoi/${code}`);
    expect(page.status).toBe(200);
    // The table: one row per year (newest first), the amounts by source and the total, from the stored rows.
    const table = /<table class="table table-sm" id="funds-table"[\s\S]*?<\/table>/.exec(page.text)?.[0] ?? '';
    const header = [...(/<thead>([\s\S]*?)<\/thead>/.exec(table)?.[1] ?? '').matchAll(/<th[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    const rows = [...table.matchAll(/<tr><th scope="row"[^>]*>(\d{4})<\/th>([\s\S]*?)<\/tr>/g)].map((m) => ({
      year: Number(m[1]),
      cells: [...(m[2] ?? '').matchAll(/<td[^>]*>([^<]*)<\/td>/g)].map((c) => c[1] as string),
    }));
    const stored: Array<{ year: number; source: string; amount_vnd: string | number }> = await t.db
      .knex('funds as f')
      .join('associations as a', 'a.id', 'f.association_id')
      .where('a.code', code)
      .select('f.year', 'f.source', 'f.amount_vnd');
    const years = [...new Set(stored.map((s) => s.year))].sort((a, b) => b - a);
    expect(rows.map((r) => r.year)).toEqual(years);
    const num = (s: string) => (s === '' ? null : Number(s.replace(/\./g, '')));
    const sourceLabels = header.slice(1, -1);
    const { FUND_SOURCES } = await import('../../src/features/register-form/definition.js');
    expect(sourceLabels).toEqual(FUND_SOURCES.map(([, l]) => l));
    for (const r of rows) {
      FUND_SOURCES.forEach(([src], i) => {
        const amount = stored.find((s) => s.year === r.year && s.source === src);
        expect(num(r.cells[i] as string), `${r.year} ${src}`).toBe(amount ? Number(amount.amount_vnd) : null);
      });
      expect(num(r.cells.at(-1) as string)).toBe(stored.filter((s) => s.year === r.year).reduce((s, f) => s + Number(f.amount_vnd), 0));
    }
    // The chart: the five latest years (oldest first), one stacked series per source present; hidden without JavaScript.
    const figure = /<figure class="report-chart mb-3" data-chart-box hidden>[\s\S]*?<\/figure>/.exec(page.text)?.[0] ?? '';
    expect(figure).not.toBe('');
    const spec = JSON.parse(unescapeAttr(/data-chart="([^"]*)"/.exec(figure)?.[1] ?? '{}')) as {
      labels: string[];
      stacked: boolean;
      datasets: Array<{ label: string; data: number[] }>;
    };
    expect(spec.labels).toEqual(['2020', '2021', '2022', '2023', '2024']);
    expect(spec.stacked).toBe(true);
    for (const d of spec.datasets) {
      const src = FUND_SOURCES.find(([, l]) => l === d.label)?.[0];
      expect(d.data).toEqual(spec.labels.map((y) => Number(stored.find((s) => s.year === Number(y) && s.source === src)?.amount_vnd ?? 0)));
    }
    expect(spec.datasets.map((d) => d.label).sort()).toEqual(
      ['Hội phí', 'NSNN hỗ trợ nhiệm vụ được giao', 'Thu dịch vụ', 'Tài trợ nước ngoài'].sort(),
    );
    expect(figure).toContain(
      '<figcaption class="small text-body-secondary">Biểu đồ cột chồng: kinh phí hoạt động theo nguồn, 5 năm gần nhất có số liệu (2020–2024), đơn vị: đồng.',
    );
    expect(page.text).toContain('<script src="/static/js/charts.js"');
    // Funds are no public field (register-form/definition.ts): the public record page has neither table nor chart.
    const pub = await agent(t).get(`/hoi/${code}`);
    expect(pub.status).toBe(200);
    expect(pub.text).not.toContain('data-chart');
    expect(pub.text).not.toContain('12.345.678');
    // A record without funds: no chart, no chart script.
    const none = await staff.get(`/quan-tri/hoi/${inserted.get('thisQuarter')?.code}`);
    expect(none.text).not.toContain('data-chart');
    expect(none.text).not.toContain('charts.js');
  });
});

describe('the staff list exports (CSV and Excel)', () => {
  beforeAll(async () => {
    // A spread of associations, some with formula-looking names, over two scopes and two fields.
    await insertAssociations(
      t.db.knex,
      Array.from({ length: 60 }, (_, i) =>
        anAssociation({
          name: i === 0 ? '=HYPERLINK("http://x.invalid","Hội xuất")' : `Hội xuất khẩu số ${String(i).padStart(2, '0')}`,
          abbreviation: i === 1 ? '@SUM(A1)' : i === 2 ? '-2+3' : null,
          scope: i % 3 === 0 ? 'tinh' : 'toan_quoc',
          main_field_code: i % 2 === 0 ? 'YTE' : 'KHCN',
          status: i % 10 === 9 ? 'giai_the' : 'hoat_dong',
          updated_at: new Date(Date.UTC(2025, i % 12, 1 + (i % 27), 3)),
        }),
      ),
    );
  });

  it('the list shows "Tải CSV" and "Tải Excel" links carrying its filters and order, not its page', async () => {
    const page = await staff.get('/quan-tri/hoi?q=xuat&pham-vi=tinh&sap-xep=ten&trang=1');
    expect(page.text).toContain('href="/quan-tri/hoi/danh-sach.csv?q=xuat&amp;pham-vi=tinh&amp;sap-xep=ten" download>Tải CSV</a>');
    expect(page.text).toContain('href="/quan-tri/hoi/danh-sach.xlsx?q=xuat&amp;pham-vi=tinh&amp;sap-xep=ten" download>Tải Excel</a>');
  });

  for (const query of ['', 'q=xuat&sap-xep=ten', 'pham-vi=tinh&linh-vuc=YTE&sap-xep=ma', 'q=xuat&cap-nhat-quy=qua-han']) {
    it(`CSV of "${query || 'no filter'}": the list's rows (count and codes, in order), every page, audited`, async () => {
      const { codes } = await listCodes(query);
      expect(codes.length).toBeGreaterThan(query === '' ? 25 : 3);
      const auditsBefore = await t.db.knex('audit_events').where({ action: 'association.list_export' }).count<{ n: number }[]>('* as n');
      const res = await download(staff, `/quan-tri/hoi/danh-sach.csv${query ? `?${query}` : ''}`);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="So-dang-ky-hoi-2026-05-15\.csv"; filename\*=UTF-8''/);
      const text = (res.body as Buffer).toString('utf8');
      expect(text.startsWith('\uFEFF')).toBe(true);
      const [head, ...rows] = parseCsv(text);
      expect(head).toEqual([
        'Mã hội',
        'Tên hội (tiếng Việt)',
        'Tên viết tắt',
        'Lĩnh vực hoạt động chính',
        'Bộ, ngành quản lý nhà nước về lĩnh vực chính',
        'Phạm vi hoạt động',
        'Trụ sở chính: tỉnh, thành phố',
        'Trạng thái',
        'Mức dữ liệu',
        'Công khai',
        'Cập nhật lần cuối',
        'Cập nhật hằng quý',
        'Điểm chất lượng dữ liệu',
      ]);
      expect(rows.map((r) => r[0])).toEqual(codes);
      const audit = await t.db.knex('audit_events').where({ action: 'association.list_export' }).orderBy('id', 'desc').first();
      const after = await t.db.knex('audit_events').where({ action: 'association.list_export' }).count<{ n: number }[]>('* as n');
      expect(Number(after[0]?.n)).toBe(Number(auditsBefore[0]?.n) + 1);
      const details = typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details;
      expect(details).toMatchObject({ filters: Object.fromEntries(new URLSearchParams(query)), rows: codes.length, format: 'csv' });
      expect(audit.target_type).toBe('association_list');
      // Each row's quarterly state is the rule's for its status and update time.
      const stored = new Map(
        (await t.db.knex('associations').whereIn('code', codes).select('code', 'status', 'updated_at')).map((r) => [r.code, r]),
      );
      const label = { dung_han: 'Đúng hạn', qua_han: 'Quá hạn', khong_ap_dung: 'Không áp dụng' };
      for (const r of rows) {
        const s = stored.get(r[0]);
        expect(r[11], r[0]).toBe(label[quarterlyState(s.status, s.updated_at, '2026-05-15')]);
      }
    });
  }

  it('CSV: formula-looking text gets a leading apostrophe (RELIABILITY check 20)', async () => {
    const res = await download(staff, '/quan-tri/hoi/danh-sach.csv?q=xuat');
    const rows = parseCsv((res.body as Buffer).toString('utf8'));
    const names = rows.map((r) => r[1]);
    expect(names).toContain(`'=HYPERLINK("http://x.invalid","Hội xuất")`);
    expect(rows.map((r) => r[2])).toEqual(expect.arrayContaining(["'@SUM(A1)", "'-2+3"]));
    for (const r of rows) for (const cell of r) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('Excel: the same rows, a bold frozen header, the update date as a date cell, formulas neutralised; audited', async () => {
    const { codes } = await listCodes('q=xuat&sap-xep=ten');
    const res = await download(staff, '/quan-tri/hoi/danh-sach.xlsx?q=xuat&sap-xep=ten');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(res.body as ExcelJS.Buffer);
    const sheet = wb.worksheets[0] as ExcelJS.Worksheet;
    expect(sheet.getRow(1).font?.bold).toBe(true);
    expect(sheet.getCell('A1').value).toBe('Mã hội');
    const got: string[] = [];
    sheet.eachRow((row, n) => {
      if (n > 1) got.push(String(row.getCell(1).value));
    });
    expect(got).toEqual(codes);
    const first = sheet.getRow(2);
    expect(first.getCell(11).value).toBeInstanceOf(Date);
    const all: unknown[] = [];
    sheet.eachRow((row) => {
      row.eachCell((cell) => {
        all.push(cell.value);
      });
    });
    expect(all).toContain(`'=HYPERLINK("http://x.invalid","Hội xuất")`);
    for (const v of all) if (typeof v === 'string') expect(v).not.toMatch(/^[=+\-@]/);
    const audit = await t.db.knex('audit_events').where({ action: 'association.list_export' }).orderBy('id', 'desc').first();
    const details = typeof audit.details === 'string' ? JSON.parse(audit.details) : audit.details;
    expect(details).toMatchObject({ filters: { q: 'xuat', 'sap-xep': 'ten' }, rows: codes.length, format: 'xlsx' });
  });

  it('nobody else: anonymous is sent to sign in, an association officer and an exploiter are refused, bad filters are 400', async () => {
    for (const url of ['/quan-tri/hoi/danh-sach.csv', '/quan-tri/hoi/danh-sach.xlsx']) {
      const anon = await agent(t).get(url);
      expect([302, 303]).toContain(anon.status);
      expect(anon.headers.location).toMatch(/^\/dang-nhap/);
    }
    const officer = await loggedInAgent(
      t,
      await createUser(t.db.knex, ['association'], { associationId: inserted.get('thisQuarter')?.id }),
    );
    const exploiter = await loggedInAgent(t, await createUser(t.db.knex, ['exploiter']));
    const before = await t.db.knex('audit_events').where({ action: 'association.list_export' }).count<{ n: number }[]>('* as n');
    for (const a of [officer, exploiter]) {
      expect((await a.get('/quan-tri/hoi/danh-sach.csv')).status).toBe(403);
      expect((await a.get('/quan-tri/hoi/danh-sach.xlsx')).status).toBe(403);
    }
    expect((await staff.get('/quan-tri/hoi/danh-sach.csv?pham-vi=mars')).status).toBe(400);
    const after = await t.db.knex('audit_events').where({ action: 'association.list_export' }).count<{ n: number }[]>('* as n');
    expect(Number(after[0]?.n)).toBe(Number(before[0]?.n));
  });
});
