/**
 * R-17.1 e — one definition of "quá hạn đại hội" (issue 15, items 10 and 11): an association still operating (a
 * live status: đang thành lập, đang hoạt động, đình chỉ có thời hạn, chờ giải thể) whose term, or the extension in
 * force, has ended. Report e, the staff home, the congress-alerts job and the record's badge all give the count a
 * direct SQL query over the base tables gives; a dissolved or merged association is never overdue. Report e's
 * population is the live associations, those without a congress included ("Chưa có đại hội").
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isLiveStatus, LIVE_STATUSES } from '../../src/features/associations/statuses.js';
import { createCongressAlertsRepository } from '../../src/features/jobs/congress-alerts.repository.js';
import { categoryByKey } from '../../src/features/reports/categories.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type AssociationBuilder, anAssociation, insertAssociations } from '../helpers/builders.js';
import { parseCsv } from '../helpers/csv.js';
import { type Agent, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
const TODAY = '2026-06-15';
const LIVE = ['dang_thanh_lap', 'hoat_dong', 'dinh_chi_co_thoi_han', 'cho_giai_the'];
const ENDED = ['giai_the', 'cham_dut_do_sap_nhap', 'het_hieu_luc_qd_thanh_lap'];
/** Per status and term situation, the inserted association's code. */
const codes = new Map<string, string>();

/** The term situations on TODAY, each built for every status. */
const SITUATIONS: Record<string, (b: AssociationBuilder) => AssociationBuilder> = {
  overdue: (b) => b.withCongresses([{ term_number: 1, congress_type: 'thanh_lap', held_on: '2015-01-10', term_years: 5 }]),
  lapsed: (b) =>
    b
      .withCongresses([{ term_number: 2, congress_type: 'nhiem_ky', held_on: '2018-01-10', term_years: 5 }])
      .withCongressExtensions([{ decision_number: 'GH-1/QĐ-BNV', decided_on: '2023-02-01', new_deadline: '2024-01-10' }]),
  extended: (b) =>
    b
      .withCongresses([{ term_number: 2, congress_type: 'nhiem_ky', held_on: '2020-01-10', term_years: 5 }])
      .withCongressExtensions([{ decision_number: 'GH-2/QĐ-BNV', decided_on: '2025-03-01', new_deadline: '2026-12-31' }]),
  soon: (b) => b.withCongresses([{ term_number: 3, congress_type: 'nhiem_ky', held_on: '2021-09-01', term_years: 5 }]),
  fine: (b) => b.withCongresses([{ term_number: 4, congress_type: 'nhiem_ky', held_on: '2024-01-10', term_years: 5 }]),
  none: (b) => b,
};

async function sqlRows<T>(sql: string, bindings: readonly (string | number)[] = []): Promise<T[]> {
  return ((await t.db.knex.raw(sql, bindings)) as { rows: T[] }).rows;
}

/**
 * Overdue on `today`, straight from congresses and extensions: a live association whose last founding or term
 * congress's term has ended, with no extension decided since that congress whose deadline is still ahead.
 */
async function directOverdue(today: string, field?: string): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(
    `WITH last AS (
       SELECT DISTINCT ON (c.association_id) c.association_id, c.held_on,
              (c.held_on + make_interval(years => c.term_years))::date AS term_end
       FROM congresses c WHERE c.congress_type <> 'bat_thuong'
       ORDER BY c.association_id, c.held_on DESC, c.id DESC)
     SELECT count(*)::int AS n FROM associations a JOIN last l ON l.association_id = a.id
     WHERE a.status IN (${LIVE.map(() => '?').join(', ')}) ${field ? 'AND a.main_field_code = ?' : ''}
       AND ?::date > l.term_end
       AND NOT EXISTS (SELECT 1 FROM congress_extensions e
                       WHERE e.association_id = a.id AND e.decided_on >= l.held_on AND e.new_deadline >= ?::date)`,
    [...LIVE, ...(field ? [field] : []), today, today],
  );
  return row?.n ?? -1;
}

async function liveCount(field?: string): Promise<number> {
  const [row] = await sqlRows<{ n: number }>(
    `SELECT count(*)::int AS n FROM associations WHERE status IN (${LIVE.map(() => '?').join(', ')}) ${field ? 'AND main_field_code = ?' : ''}`,
    [...LIVE, ...(field ? [field] : [])],
  );
  return row?.n ?? -1;
}

const e = () => {
  const c = categoryByKey('e');
  if (!c) throw new Error('no category e');
  return c;
};
const build = async (f: Record<string, unknown>, page: number | null = null) =>
  (await t.services.reports.build(e(), f, { page }, { personal: false, ownerId: null })).report;
const summaryOf = (r: Awaited<ReturnType<typeof build>>) => new Map(r.tables[0]?.rows.map((x) => [String(x.state), Number(x.n)]));

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000' });
  t.clock.set(new Date(`${TODAY}T03:00:00Z`));
  const builders: AssociationBuilder[] = [];
  const keys: string[] = [];
  let i = 0;
  for (const status of [...LIVE, ...ENDED])
    for (const [situation, make] of Object.entries(SITUATIONS)) {
      builders.push(make(anAssociation({ status, main_field_code: i++ % 2 === 0 ? 'YTE' : 'KHCN' })));
      keys.push(`${status}:${situation}`);
    }
  const inserted = await insertAssociations(t.db.knex, builders);
  for (const [j, r] of inserted.entries()) codes.set(keys[j] as string, r.code);
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
});

afterAll(() => t.db.destroy());

describe('one definition of "quá hạn đại hội" (live associations only)', () => {
  it('report e, the staff home and the congress-alerts job count what SQL counts over live statuses', async () => {
    const direct = await directOverdue(TODAY);
    // Overdue and lapsed-extension, for each of the four live statuses; the ended ones never count.
    expect(direct).toBe(LIVE.length * 2);

    const overdueList = await build({ overdue: true });
    expect(overdueList.tables[1]?.count).toBe(direct);
    const listed = new Set(overdueList.tables[1]?.rows.map((r) => String(r.code)));
    expect([...listed].sort()).toEqual(
      LIVE.flatMap((s) => [codes.get(`${s}:overdue`), codes.get(`${s}:lapsed`)])
        .map(String)
        .sort(),
    );
    const summary = summaryOf(await build({}));
    expect((summary.get('Quá hạn đại hội') ?? 0) + (summary.get('Quá hạn gia hạn') ?? 0)).toBe(direct);
    // With a filter on the association (the other SQL path) too.
    expect((await build({ overdue: true, field: 'YTE' })).tables[1]?.count).toBe(await directOverdue(TODAY, 'YTE'));

    const home = await staff.get('/quan-tri/');
    expect(home.status).toBe(200);
    expect(home.text).toContain(`id="qua-han">${direct}<`);
    // Due within 6 months (the term of "soon" ends on 01/09/2026): live associations only, too.
    expect(home.text).toContain(`id="sap-den-han">${LIVE.length}<`);
    const page = await staff.get('/bao-cao/e?qua-han=1');
    expect(page.status).toBe(200);
    for (const s of ENDED) expect(page.text).not.toContain(`>${codes.get(`${s}:overdue`)}</code>`);

    const run = await t.services.jobs.runner.run('congress-alerts', { trigger: 'schedule' });
    expect(run.status).toBe('succeeded');
    const alerted = await t.db
      .knex('congress_alerts as c')
      .join('associations as a', 'a.id', 'c.association_id')
      .where('c.threshold', 'overdue');
    expect(alerted).toHaveLength(direct);
    expect(alerted.every((r) => LIVE.includes(r.status))).toBe(true);
  });

  it("a dissolved or merged association's record carries no overdue badge; a live one's does", async () => {
    for (const s of ENDED) {
      const res = await staff.get(`/quan-tri/hoi/${codes.get(`${s}:overdue`)}`);
      expect(res.status).toBe(200);
      expect(res.text, s).not.toContain('Quá hạn');
      expect(res.text, s).toContain('Không theo dõi hạn đại hội');
    }
    for (const s of LIVE) {
      const res = await staff.get(`/quan-tri/hoi/${codes.get(`${s}:overdue`)}`);
      expect(res.text, s).toContain('Đại hội nhiệm kỳ: Quá hạn đại hội');
    }
  });
  it('the database and the code share one list of live statuses; a status change moves every figure at once', async () => {
    const statuses = await sqlRows<{ code: string; live: boolean }>(
      'SELECT code, association_status_live(code) AS live FROM statuses ORDER BY code',
    );
    expect(statuses.length).toBeGreaterThanOrEqual(LIVE.length + ENDED.length);
    for (const r of statuses) expect(r.live, r.code).toBe(isLiveStatus(r.code));
    expect([...LIVE_STATUSES].sort()).toEqual([...LIVE].sort());

    const figures = async () => {
      const home = await t.services.reports.dashboard();
      const overdue = (await build({ overdue: true })).tables[1]?.count;
      const summary = summaryOf(await build({}));
      return { home: home.overdue, report: overdue, total: (await build({})).tables[0]?.totals?.n, none: summary.get('Chưa có đại hội') };
    };
    const before = await figures();
    // An overdue live association is dissolved, a dissolved one without a congress revived: one statement each.
    await t.db
      .knex('associations')
      .where({ code: codes.get('hoat_dong:overdue') })
      .update({ status: 'giai_the' });
    await t.db
      .knex('associations')
      .where({ code: codes.get('giai_the:none') })
      .update({ status: 'hoat_dong' });
    const after = await figures();
    expect(after).toEqual({
      home: (before.home ?? 0) - 1,
      report: (before.report ?? 0) - 1,
      total: before.total,
      none: (before.none ?? 0) + 1,
    });
    expect(after.home).toBe(await directOverdue(TODAY));
    expect(after.total).toBe(await liveCount());
    const terms = await createCongressAlertsRepository(t.db.knex).termInfos(TODAY);
    expect(terms.filter((x) => x.info.state === 'qua_han' || x.info.state === 'qua_han_gia_han')).toHaveLength(after.home);
    // Back as they were, for the tests below.
    await t.db
      .knex('associations')
      .where({ code: codes.get('hoat_dong:overdue') })
      .update({ status: 'hoat_dong' });
    await t.db
      .knex('associations')
      .where({ code: codes.get('giai_the:none') })
      .update({ status: 'giai_the' });
    expect(await figures()).toEqual(before);
  });
});

describe('report e counts the live associations without a congress ("Chưa có đại hội")', () => {
  it('lists them after the dated ones, by code, and counts them in the total', async () => {
    const live = await liveCount();
    expect(live).toBe(LIVE.length * Object.keys(SITUATIONS).length);
    const r = await build({});
    expect(r.tables[0]?.totals?.n).toBe(live);
    expect(summaryOf(r).get('Chưa có đại hội')).toBe(LIVE.length);
    expect(r.tables[1]?.count).toBe(live);
    const rows = r.tables[1]?.rows ?? [];
    expect(rows).toHaveLength(live);
    const none = LIVE.map((s) => codes.get(`${s}:none`) as string).sort();
    expect(rows.slice(-none.length).map((x) => x.code)).toEqual(none);
    expect(rows.slice(-none.length).every((x) => x.state === 'Chưa có đại hội' && x.deadline === null)).toBe(true);
    // One page of the unfiltered list is the slice of the whole list.
    expect((await build({}, 1)).tables[1]?.rows.map((x) => x.code)).toEqual(rows.map((x) => x.code));
    // A filter on the association (the other SQL path).
    const yte = await build({ field: 'YTE' });
    expect(yte.tables[0]?.totals?.n).toBe(await liveCount('YTE'));
    expect(yte.tables[1]?.count).toBe(await liveCount('YTE'));
  });

  it('over HTTP: the state filter finds them and the CSV total is the number of live records', async () => {
    const page = await staff.get('/bao-cao/e?tinh-trang=chua_co_dai_hoi');
    expect(page.status).toBe(200);
    for (const s of LIVE) expect(page.text).toContain(`>${codes.get(`${s}:none`)}</code>`);
    expect(page.text).not.toContain(`>${codes.get('hoat_dong:overdue')}</code>`);
    for (const s of ENDED) expect(page.text).not.toContain(`>${codes.get(`${s}:none`)}</code>`);
    const res = await staff
      .get('/bao-cao/e?format=csv')
      .buffer(true)
      .parse((r, cb) => {
        const chunks: Buffer[] = [];
        r.on('data', (c: Buffer) => chunks.push(c));
        r.on('end', () => cb(null, Buffer.concat(chunks).toString('utf8')));
      });
    expect(res.status).toBe(200);
    const rows = parseCsv(res.body as unknown as string);
    expect(rows.find((r) => r[0] === 'Chưa có đại hội')?.[1]).toBe(String(LIVE.length));
    expect(rows.find((r) => r[0] === 'Tổng cộng')?.[1]).toBe(String(await liveCount()));
  });
});
