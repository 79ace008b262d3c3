/**
 * Statistics by former province (issue 16 item 7): report k and the public statistics (/thong-ke) group the
 * associations by the 34 provinces in force or by the 63 before 01/07/2025. Records are filed under current codes,
 * former codes, and current codes with an address history (versions dated before 01/07/2025); every figure equals
 * an independent SQL query written here (not the migration's function or column), the two groupings' totals equal
 * each other and the number of associations, a former province as filter finds the records mapped to it, and the
 * public statistics count published records only. Also: the database keeps the mapping on every write path
 * (insert, update, versions added, a catalogue successor changed) and the summary parts equal the direct count.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as formerMigration from '../../migrations/20261231003100_former_province_statistics.js';
import { categoryByKey } from '../../src/features/reports/categories.js';
import { provinceKey } from '../../src/features/reports/province-grouping.js';
import type { ReportTable } from '../../src/features/reports/report-model.js';
import { createReportsRepository } from '../../src/features/reports/reports.repository.js';
import { describeReportFilters, type ProvinceMap, type ReportFilters } from '../../src/features/reports/reports.schemas.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';
import { parseCsv } from '../helpers/csv.js';
import { type Agent, agent, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
const id: Record<string, number> = {};

const BEFORE = new Date('2025-06-20T03:00:00Z');
const AFTER = new Date('2025-08-01T03:00:00Z');

async function sqlRows<T>(sql: string, bindings: readonly unknown[] = []): Promise<T[]> {
  return ((await t.db.knex.raw(sql, bindings as never[])) as { rows: T[] }).rows;
}

/**
 * Each association's current and former province, computed independently: the current province is the successor of a
 * former code (the catalogue's chains are one step long); the former one the code itself when former, else the
 * headquarters province of the last version before 01/07/2025 (Vietnam time) when it is a predecessor of today's,
 * else the only predecessor.
 */
const EXPECTED_SQL = `
  WITH hist AS (
    SELECT DISTINCT ON (association_id) association_id, snapshot->>'hq_province_code' AS code
      FROM association_versions WHERE created_at < '2025-06-30T17:00:00Z'
     ORDER BY association_id, created_at DESC, version DESC),
  only_pred AS (
    SELECT successor_code AS cur, min(code) AS code FROM provinces WHERE successor_code IS NOT NULL
     GROUP BY successor_code HAVING count(*) = 1)
  SELECT a.id, a.scope, a.published,
         coalesce(p.successor_code, a.hq_province_code) AS current,
         CASE WHEN a.hq_province_code IS NULL THEN NULL
              WHEN p.successor_code IS NOT NULL THEN a.hq_province_code
              WHEN hp.successor_code = a.hq_province_code THEN h.code
              ELSE op.code END AS former
    FROM associations a
    LEFT JOIN provinces p ON p.code = a.hq_province_code
    LEFT JOIN hist h ON h.association_id = a.id
    LEFT JOIN provinces hp ON hp.code = h.code
    LEFT JOIN only_pred op ON op.cur = a.hq_province_code`;

interface Expected {
  id: number;
  scope: string;
  published: boolean;
  current: string | null;
  former: string | null;
}

async function expected(where = 'true'): Promise<Expected[]> {
  return sqlRows<Expected>(`SELECT * FROM (${EXPECTED_SQL}) x WHERE ${where}`);
}

/** Expected counts per table row key and scope. */
function countsOf(rows: readonly Expected[], map: ProvinceMap): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of rows) {
    const key = `${provinceKey(r, map)}|${r.scope}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** A table's counts per row key and scope (zeros left out). */
function countsOfTable(table: ReportTable): Map<string, number> {
  const out = new Map<string, number>();
  const scopes = table.columns.filter((c) => c.type === 'int' && c.key !== 'total').map((c) => c.key);
  for (const row of table.rows) for (const s of scopes) if (Number(row[s]) > 0) out.set(`${row.key as string | null}|${s}`, Number(row[s]));
  return out;
}

async function reportK(f: ReportFilters): Promise<ReportTable> {
  const category = categoryByKey('k');
  if (!category) throw new Error('no k');
  const { report } = await t.services.reports.build(category, f, { page: 1 }, { personal: true, ownerId: null });
  const table = report.tables.find((x) => x.id === 'tinh-thanh-pho');
  if (!table) throw new Error('no province table');
  return table;
}

const sorted = (m: Map<string, number>) => [...m.entries()].sort(([a], [b]) => a.localeCompare(b));

beforeAll(async () => {
  t = await buildTestApp();
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
  const plain = (code: string, hq: string | null, scope: 'toan_quoc' | 'lien_tinh', published = true, field = 'YTE') =>
    anAssociation({ code, name: `Hội thử tỉnh ${code}`, hq_province_code: hq, scope, published, main_field_code: field });
  const rows = await insertAssociations(t.db.knex, [
    plain('H910001', '01', 'toan_quoc'), // Hà Nội: one predecessor (cu-01)
    plain('H910002', 'cu-02', 'lien_tinh'), // filed under a former code (Hà Giang → Tuyên Quang)
    plain('H910003', '08', 'toan_quoc'), // Tuyên Quang, history says Hà Giang
    plain('H910004', '08', 'lien_tinh', false), // Tuyên Quang, no history: not determined; unpublished
    plain('H910005', '08', 'toan_quoc'), // history says Hà Nội (not a predecessor of Tuyên Quang): not determined
    plain('H910006', null, 'toan_quoc'), // no province
    plain('H910007', '08', 'lien_tinh', true, 'KHCN'), // history: Tuyên Quang before, Hà Giang after the cutoff
    plain('H910008', 'cu-27', 'toan_quoc', false), // former Bắc Ninh, unpublished
    plain('H910009', '24', 'lien_tinh'), // Bắc Ninh (new), history says Bắc Giang
    plain('H910010', '01', 'toan_quoc', true, 'KHCN'), // moves to cu-30 below (update)
    ...Array.from({ length: 30 }, (_, i) =>
      plain(
        `H9101${String(i).padStart(2, '0')}`,
        ['79', 'cu-74', '92', 'cu-93', '46', null][i % 6] ?? null,
        i % 2 ? 'toan_quoc' : 'lien_tinh',
        i % 3 !== 0,
      ),
    ),
  ]);
  for (const r of rows) id[r.code] = r.id;
  const version = (code: string, n: number, hq: string, at: Date) => ({
    association_id: id[code],
    version: n,
    snapshot: JSON.stringify({ hq_province_code: hq }),
    source: 'edit',
    created_at: at,
  });
  // The address history arrives after the records (as an import of older versions would): the database recomputes.
  await t.db
    .knex('association_versions')
    .insert([
      version('H910003', 1, 'cu-02', BEFORE),
      version('H910005', 1, 'cu-01', BEFORE),
      version('H910007', 1, 'cu-08', BEFORE),
      version('H910007', 2, 'cu-02', AFTER),
      version('H910009', 1, 'cu-24', BEFORE),
      version('H910100', 1, 'cu-79', BEFORE),
      version('H910102', 1, 'cu-94', BEFORE),
    ]);
  await t.db.knex('associations').where({ code: 'H910010' }).update({ hq_province_code: 'cu-30' });
});

afterAll(async () => {
  await t?.db.destroy();
});

describe('mapping kept by the database', () => {
  it('maps each record to its former province from its code, its address history or the only predecessor', async () => {
    const stored = await t.db.knex('associations').whereIn('code', Object.keys(id)).select('code', 'former_province_code');
    const of = Object.fromEntries(
      stored.map((r: { code: string; former_province_code: string | null }) => [r.code, r.former_province_code]),
    );
    expect(of).toMatchObject({
      H910001: 'cu-01',
      H910002: 'cu-02',
      H910003: 'cu-02',
      H910004: null,
      H910005: null,
      H910006: null,
      H910007: 'cu-08',
      H910008: 'cu-27',
      H910009: 'cu-24',
      H910010: 'cu-30',
    });
    // And equal to the independent mapping for every record.
    const exp = await expected();
    for (const e of exp) expect(stored.find((s: { code: string }) => id[s.code] === e.id)?.former_province_code ?? null).toBe(e.former);
  });

  it('recomputes when a version before 01/07/2025 is removed and when a successor changes in the catalogue', async () => {
    const knex = t.db.knex;
    const seen: Record<string, string | null> = {};
    const ROLLBACK = new Error('rollback');
    const formerOf = async (trx: typeof knex, key: string) =>
      ((await trx('associations').where({ id: id[key] }).first('former_province_code')) as { former_province_code: string | null })
        .former_province_code;
    await knex
      .transaction(async (trx) => {
        await trx('association_versions').where({ association_id: id.H910003 }).delete();
        seen.afterDelete = await formerOf(trx, 'H910003');
        // Hà Giang's successor changed to Hà Nội: Tuyên Quang now has one predecessor (cu-08).
        seen.before = await formerOf(trx, 'H910004');
        await trx('provinces').where({ code: 'cu-02' }).update({ successor_code: '01' });
        seen.after = await formerOf(trx, 'H910004');
        seen.filedFormer = await formerOf(trx, 'H910002');
        throw ROLLBACK;
      })
      .catch((e: unknown) => {
        if (e !== ROLLBACK) throw e;
      });
    expect(seen).toEqual({ afterDelete: null, before: null, after: 'cu-08', filedFormer: 'cu-02' });
    expect((await knex('associations').where({ id: id.H910003 }).first('former_province_code')).former_province_code).toBe('cu-02');
  });

  it('corrects a derived value written by hand, and keeps it on a save that leaves the province as it was', async () => {
    const knex = t.db.knex;
    await knex('associations').where({ id: id.H910009 }).update({ former_province_code: 'cu-96' });
    await knex('associations').where({ id: id.H910001 }).update({ name: 'Hội thử tỉnh H910001 (đổi tên)', hq_province_code: '01' });
    const rows: Array<{ code: string; former_province_code: string | null }> = await knex('associations')
      .whereIn('code', ['H910001', 'H910009'])
      .orderBy('code')
      .select('code', 'former_province_code');
    expect(rows.map((r) => r.former_province_code)).toEqual(['cu-01', 'cu-24']);
  });
});

describe('report k by province', () => {
  for (const map of ['hien-nay', 'truoc-sap-nhap'] as const) {
    it(`counts per province and scope equal SQL (${map}), unfiltered and filtered`, async () => {
      const all = await expected();
      const unfiltered = await reportK(map === 'hien-nay' ? {} : { provinceMap: map });
      expect(sorted(countsOfTable(unfiltered))).toEqual(sorted(countsOf(all, map)));
      expect(unfiltered.totals?.total).toBe(all.length);
      const [counted] = await sqlRows<{ n: number }>('SELECT count(*)::int AS n FROM associations');
      const n = counted?.n;
      expect(unfiltered.totals?.total).toBe(n);
      // A filter other than the scope: the direct GROUP BY rather than the summary parts.
      const filtered = await reportK({ field: 'KHCN', ...(map === 'hien-nay' ? {} : { provinceMap: map }) });
      const ids = (await sqlRows<{ id: number }>("SELECT id FROM associations WHERE main_field_code = 'KHCN'")).map((r) => r.id);
      expect(sorted(countsOfTable(filtered))).toEqual(
        sorted(
          countsOf(
            all.filter((e) => ids.includes(e.id)),
            map,
          ),
        ),
      );
    });
  }

  it('names the undetermined rows per current province and puts each former province under its current one', async () => {
    const table = await reportK({ provinceMap: 'truoc-sap-nhap' });
    const names = table.rows.map((r) => String(r.name));
    expect(names).toContain('Tỉnh Tuyên Quang (chưa xác định tỉnh cũ)');
    expect(names).toContain('Tỉnh Hà Giang (trước 01/07/2025)');
    expect(table.rows.find((r) => r.key === 'cu-02')?.current).toBe('Tỉnh Tuyên Quang');
    expect(names.at(-1)).toBe('Chưa có tỉnh, thành phố');
    const current = await reportK({});
    expect(current.totals?.total).toBe(table.totals?.total);
  });

  it('a former province as filter finds the records mapped to it; a current one, all of its former ones', async () => {
    const repo = createReportsRepository(t.db.knex);
    for (const code of ['cu-02', 'cu-08', 'cu-24', 'cu-27', '08', '79', '01']) {
      const exp = await expected(`x.former = '${code}' OR x.current = '${code}'`);
      expect(await repo.countTotal({ province: code }), code).toBe(exp.length);
    }
  });

  it('the CSV export follows the grouping and says it; a bad choice is a 400', async () => {
    const res = await staff.get('/bao-cao/k?dia-gioi=truoc-sap-nhap&format=csv').buffer(true);
    expect(res.status).toBe(200);
    const rows = parseCsv(res.text);
    expect(rows.some((r) => r[0] === 'Tỉnh Hà Giang (trước 01/07/2025)' && r[1] === 'Tỉnh Tuyên Quang')).toBe(true);
    const page = await staff.get('/bao-cao/k?dia-gioi=truoc-sap-nhap');
    expect(page.text).toContain('Thống kê theo: 63 tỉnh, thành phố trước 01/07/2025');
    expect((await staff.get('/bao-cao/k?dia-gioi=khac')).status).toBe(400);
    expect(
      describeReportFilters(
        { 'dia-gioi': 'truoc-sap-nhap', tinh: 'cu-02' },
        { provinces: [{ code: 'cu-02', name: 'Tỉnh Hà Giang (trước 01/07/2025)', current: false }] },
      ),
    ).toBe('Tỉnh, thành phố: Tỉnh Hà Giang (trước 01/07/2025); Thống kê theo: 63 tỉnh, thành phố trước 01/07/2025');
  });
});

describe('the other reports', () => {
  it('offer the 34 provinces in force or, by the 63, the former ones; their detail lists name the former province', async () => {
    const current = await staff.get('/bao-cao/b');
    expect(current.text).toContain('<option value="08"');
    expect(current.text).not.toContain('<option value="cu-02"');
    const former = await staff.get('/bao-cao/b?dia-gioi=truoc-sap-nhap&linh-vuc=YTE&tinh=cu-02');
    expect(former.status).toBe(200);
    expect(former.text).toContain('<option value="cu-02" selected');
    expect(former.text).not.toContain('<option value="08"');
    const { text } = await staff.get('/bao-cao/b?dia-gioi=truoc-sap-nhap&linh-vuc=YTE&format=csv').buffer(true);
    const rows = parseCsv(text);
    const province = (code: string) => rows.find((r) => r[0] === code)?.[3];
    expect(province('H910003')).toBe('Tỉnh Hà Giang (trước 01/07/2025)');
    expect(province('H910004')).toBe('Tỉnh Tuyên Quang (chưa xác định tỉnh cũ)');
    expect(province('H910006')).toBe('');
    const plain = parseCsv((await staff.get('/bao-cao/b?linh-vuc=YTE&format=csv').buffer(true)).text);
    expect(plain.find((r) => r[0] === 'H910003')?.[3]).toBe('Tỉnh Tuyên Quang');
  });
});

describe('public statistics (/thong-ke)', () => {
  for (const map of ['hien-nay', 'truoc-sap-nhap'] as const) {
    it(`counts published associations only (${map})`, async () => {
      const published = await expected('x.published');
      const table = await t.services.publicData.provinceStatistics(map);
      expect(sorted(countsOfTable(table))).toEqual(sorted(countsOf(published, map)));
      expect(table.totals?.total).toBe(published.length);
      const res = await agent(t).get(`/thong-ke?dia-gioi=${map}`);
      expect(res.status).toBe(200);
      expect(res.text).toContain(new Intl.NumberFormat('vi-VN').format(published.length));
      // Former Bắc Ninh has only an unpublished record: not on the public page.
      if (map === 'truoc-sap-nhap') {
        expect(res.text).toContain('Tỉnh Hà Giang (trước 01/07/2025)');
        expect(res.text).not.toContain('Tỉnh Bắc Ninh (trước 01/07/2025)');
      }
    });
  }

  it('a bad choice is a 400', async () => {
    expect((await agent(t).get('/thong-ke?dia-gioi=63')).status).toBe(400);
  });
});

describe('migration', () => {
  it('backfills the existing records and their summary parts (down, then up, on this data)', async () => {
    const before = await expected();
    await formerMigration.down(t.db.knex);
    await formerMigration.up(t.db.knex);
    const stored: Array<{ id: number; former_province_code: string | null }> = await t.db
      .knex('associations')
      .select('id', 'former_province_code');
    const byId = new Map(stored.map((r) => [r.id, r.former_province_code]));
    for (const e of before) expect(byId.get(e.id) ?? null, String(e.id)).toBe(e.former);
    for (const map of ['hien-nay', 'truoc-sap-nhap'] as const) {
      const table = await reportK(map === 'hien-nay' ? {} : { provinceMap: map });
      expect(sorted(countsOfTable(table))).toEqual(sorted(countsOf(before, map)));
    }
  });
});
