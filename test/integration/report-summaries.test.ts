/**
 * The summary tables of the unfiltered reports (b, c, d, đ, e, i, k, l, the staff home; migration
 * 20261230000200_report_summaries): whoever writes — inserts, the record form (create and edit), a bulk import,
 * deletions of fund rows and of associations (cascades), bulk updates, a catalogue code renamed (cascade), a rolled
 * back transaction — every figure the reports read from them equals the direct aggregate of the base tables, and
 * still does after the parts are folded (by a read, and by re-running the migration's backfill).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as summariesMigration from '../../migrations/20261230000200_report_summaries.js';
import * as liveTermsMigration from '../../migrations/20261231001500_congress_terms_live.js';
import { Rng } from '../../seeds/generated/rng.js';
import { LIVE_STATUSES } from '../../src/features/associations/statuses.js';
import type { GroupKey } from '../../src/features/reports/association-reports.repository.js';
import { categoryByKey } from '../../src/features/reports/categories.js';
import { SUMMARY_SLACK } from '../../src/features/reports/report-base.repository.js';
import { createReportsRepository } from '../../src/features/reports/reports.repository.js';
import type { Actor } from '../../src/lib/auth-context.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type AssociationBuilder, anAssociation, insertAssociations } from '../helpers/builders.js';
import { type Agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { editRecord } from '../helpers/register-edit.js';
import { importAssociations, pileUpParts } from '../helpers/summaries.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let actor: Actor;

/** Deterministic pseudo-random numbers: the generated data set's own (mulberry32). */
const random = new Rng(20261230);
const rand = () => random.float();
const pick = <T>(xs: readonly T[]): T => random.pick(xs);

const FIELDS = ['YTE', 'KHCN', 'VHNT', 'XHND'];
const MINISTRIES = ['BYT', 'BKHCN', null];
const NATURES = ['XHNN', 'KHKT', 'STTT', null];
const ORIGINS = ['NN_GIAO', 'THUE_NGOAI', 'SO_HUU', null];
const SCOPES = ['toan_quoc', 'lien_tinh', 'tinh', 'xa'] as const;
const STATUSES = ['hoat_dong', 'giai_the'];
const SOURCES = ['nsnn_bien_che', 'nsnn_nhiem_vu', 'hoi_phi', 'dich_vu'];

function randomAssociation(i: number): AssociationBuilder {
  return anAssociation({
    code: `H8${String(i).padStart(5, '0')}`,
    name: `Hội tổng hợp số ${i}`,
    scope: pick(SCOPES),
    status: pick(STATUSES),
    main_field_code: pick(FIELDS),
    managing_ministry_code: pick(MINISTRIES),
    nature_code: pick(NATURES),
    hq_origin_code: pick(ORIGINS),
    party_state_tasked: rand() < 0.3,
    hq_area_m2: rand() < 0.5 ? Math.round(rand() * 100_000) / 100 : null,
  });
}

async function sqlRows<T>(sql: string, bindings: readonly (string | number)[] = []): Promise<T[]> {
  return ((await t.db.knex.raw(sql, bindings)) as { rows: T[] }).rows;
}

const sorted = <T>(xs: T[]): T[] => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
const COLUMN: Record<GroupKey, string> = {
  field: 'main_field_code',
  ministry: 'managing_ministry_code',
  nature: 'nature_code',
  origin: 'hq_origin_code',
  status: 'status',
  scope: 'scope',
};

/** Every figure read from the summaries equals the direct aggregate on the same data (and a scope filter too). */
async function expectSummariesExact(label: string): Promise<void> {
  const repo = createReportsRepository(t.db.knex);
  for (const scope of [undefined, 'tinh', 'xa']) {
    const f = scope ? { scope } : {};
    const where = scope ? `WHERE scope = '${scope}'` : '';
    for (const group of Object.keys(COLUMN) as GroupKey[]) {
      const direct = await sqlRows<{ key: string | null; scope: string; n: number }>(
        `SELECT ${COLUMN[group]} AS key, scope, count(*)::int AS n FROM associations ${where} GROUP BY 1, 2`,
      );
      expect(sorted(await repo.countBy(group, f)), `${label}: countBy ${group} ${scope ?? ''}`).toEqual(sorted(direct));
    }
    const [total] = await sqlRows<{ n: number }>(`SELECT count(*)::int AS n FROM associations ${where}`);
    expect(await repo.countTotal(f), `${label}: total ${scope ?? ''}`).toBe(total?.n);
    const origins = await sqlRows<{ key: string | null; n: number; with_area: number; area: string | null }>(
      `SELECT hq_origin_code AS key, count(*)::int AS n, count(hq_area_m2)::int AS with_area, sum(hq_area_m2) AS area
       FROM associations ${where} GROUP BY 1`,
    );
    expect(sorted(await repo.hqByOrigin(f)), `${label}: k ${scope ?? ''}`).toEqual(
      sorted(origins.map((r) => ({ ...r, area: r.area === null ? 0 : Number(r.area) }))),
    );
    const natures = await sqlRows<{ key: string | null; n: number; tasked: number }>(
      `SELECT nature_code AS key, count(*)::int AS n, (count(*) FILTER (WHERE party_state_tasked))::int AS tasked
       FROM associations ${where} GROUP BY 1`,
    );
    expect(sorted(await repo.byNature(f)), `${label}: l ${scope ?? ''}`).toEqual(sorted(natures));
  }
  for (const position of [undefined, 'CT', 'PCT']) {
    const [leaders] = await sqlRows<{ n: number }>(
      `SELECT count(*)::int AS n FROM leaders l JOIN associations a ON a.id = l.association_id
       WHERE l.left_on IS NULL ${position ? `AND l.position_code = '${position}'` : ''}`,
    );
    expect(await repo.countLeaders({}, position, 10), `${label}: d ${position ?? ''}`).toEqual({ n: leaders?.n, exact: true });
  }
  // Report e: the live associations (their terms, and those without a congress); ended ones are not tracked.
  const LIVE_SQL = `a.status IN (${LIVE_STATUSES.map((x) => `'${x}'`).join(', ')})`;
  for (const today of TODAYS) {
    const states = await sqlRows<{ state: string; n: number }>(
      `SELECT CASE WHEN t.association_id IS NULL THEN 'chua_co_dai_hoi' ELSE ${STATE_SQL} END AS state, count(*)::int AS n
       FROM associations a LEFT JOIN association_terms t ON t.association_id = a.id WHERE ${LIVE_SQL} GROUP BY 1`,
      [today, today, today],
    );
    expect(sorted(await repo.termStateCounts({}, today)), `${label}: e states on ${today}`).toEqual(sorted(states));
    // A deadline range alone (the staff home's "due within 6 months"): the extended ones are counted apart.
    for (const [from, to] of [
      [today, '2027-06-30'],
      ['2019-01-01', today],
      [today, undefined],
    ] as const) {
      const [due] = await sqlRows<{ n: number }>(
        `SELECT count(*)::int AS n FROM associations a JOIN association_terms t ON t.association_id = a.id
         WHERE ${LIVE_SQL} AND ${DEADLINE_SQL} >= ?::date ${to ? `AND ${DEADLINE_SQL} <= '${to}'::date` : ''}`,
        to ? [today, from, today] : [today, from],
      );
      const tf = to ? { deadlineFrom: from, deadlineTo: to } : { deadlineFrom: from };
      expect(await repo.countTermRows({}, today, tf), `${label}: e due ${from}–${to ?? ''} on ${today}`).toBe(due?.n);
    }
    // The unfiltered page (merged from two index orders, then those without a congress) equals a direct sort by
    // deadline (none last) then code; told how many rows have a deadline, or not.
    const dated = states.filter((x) => x.state !== 'chua_co_dai_hoi').reduce((n, x) => n + x.n, 0);
    for (const offset of [0, 7, 40, dated - 4]) {
      const direct = await sqlRows<{ code: string; deadline: string | null }>(
        `SELECT a.code, to_char(${DEADLINE_SQL}, 'YYYY-MM-DD') AS deadline
         FROM associations a LEFT JOIN association_terms t ON t.association_id = a.id WHERE ${LIVE_SQL}
         ORDER BY ${DEADLINE_SQL} NULLS LAST, a.code LIMIT 9 OFFSET ${offset}`,
        [today, today],
      );
      for (const told of [undefined, dated]) {
        const page = await repo.termRows({}, today, {}, 9, offset, told);
        expect(
          page.map((r) => ({ code: r.code, deadline: r.deadline })),
          `${label}: e page at ${offset} on ${today} (${told})`,
        ).toEqual(direct);
      }
    }
  }
  // h without a filter reads staff_quotas alone (no join): the same as the join and distinct count of associations.
  const quotas = await sqlRows<Record<string, number>>(
    `SELECT q.year, count(DISTINCT a.id)::int AS associations, coalesce(sum(q.quota), 0)::int AS quota,
       coalesce(sum(q.in_use), 0)::int AS in_use, coalesce(sum(q.on_quota), 0)::int AS on_quota,
       coalesce(sum(q.on_contract), 0)::int AS on_contract, coalesce(sum(q.elected_retirees), 0)::int AS elected_retirees
     FROM associations a JOIN staff_quotas q ON q.association_id = a.id GROUP BY q.year ORDER BY q.year`,
  );
  expect(await repo.quotaByYear({}), `${label}: h`).toEqual(quotas);
  // The staff home's "not updated since": all associations minus those saved since.
  for (const since of ['2000-01-01T00:00:00Z', '2021-01-01T00:00:00Z', '2100-01-01T00:00:00Z']) {
    const [stale] = await sqlRows<{ n: number }>('SELECT count(*)::int AS n FROM associations WHERE updated_at < ?', [since]);
    expect(await repo.countNotUpdatedSince(new Date(since)), `${label}: not updated since ${since}`).toBe(stale?.n);
  }
  for (const year of [undefined, 2024]) {
    const funds = await sqlRows<{ year: number; source: string; amount: string }>(
      `SELECT year, source, sum(amount_vnd) AS amount FROM funds ${year ? `WHERE year = ${year}` : ''} GROUP BY 1, 2`,
    );
    expect(sorted(await repo.fundsByYearSource(year ? { year } : {})), `${label}: i ${year ?? ''}`).toEqual(
      sorted(funds.map((r) => ({ year: r.year, source: r.source, amount: Number(r.amount) }))),
    );
  }
}

const TODAYS = ['2026-06-15', '2024-02-29', '2021-08-31'];
// The rules of termInfo() (the same as congress-term-sql.ts), written out here.
const STATE_SQL = `(CASE WHEN ?::date <= t.term_end
  THEN CASE WHEN ?::date > (t.term_end - interval '6 months')::date THEN 'sap_den_han' ELSE 'chua_den_han' END
  WHEN t.extension_deadline IS NOT NULL
  THEN CASE WHEN ?::date <= t.extension_deadline THEN 'dang_gia_han' ELSE 'qua_han_gia_han' END
  ELSE 'qua_han' END)`;
const DEADLINE_SQL = '(CASE WHEN ?::date <= t.term_end THEN t.term_end ELSE coalesce(t.extension_deadline, t.term_end) END)';

async function partCounts(): Promise<{ associations: number; funds: number }> {
  const [a] = await sqlRows<{ n: number }>('SELECT count(*)::int AS n FROM report_association_parts');
  const [f] = await sqlRows<{ n: number }>('SELECT count(*)::int AS n FROM report_fund_parts');
  return { associations: a?.n ?? 0, funds: f?.n ?? 0 };
}

beforeAll(async () => {
  t = await buildTestApp();
  const k = t.db.knex;
  const associations = Array.from({ length: 60 }, (_, i) => randomAssociation(i + 1));
  for (const association of associations) {
    for (const year of [2023, 2024, 2025]) {
      for (const source of SOURCES) if (rand() < 0.4) association.withFunds([{ year, source, amount_vnd: Math.floor(rand() * 1e9) }]);
    }
  }
  const someDate = () => new Date(Date.UTC(2016, 0, 1) + Math.floor(rand() * 9 * 365) * 86_400_000).toISOString().slice(0, 10);
  associations.forEach((association, i) => {
    // Several associations share a term end (the summary is per term end and extension deadline).
    if (rand() < 0.8) {
      const heldOn = rand() < 0.3 ? '2021-08-31' : someDate();
      association.withCongresses([{ term_number: 1, congress_type: 'nhiem_ky', held_on: heldOn, term_years: 5 }]);
      if (rand() < 0.3)
        association.withCongressExtensions([{ decision_number: `${i + 1}/QĐ`, decided_on: heldOn, new_deadline: '2027-03-31' }]);
    }
    for (let j = 0; j < 4; j++)
      association.withLeaders([
        {
          full_name: `Người ${i + 1}-${j}`,
          position_code: pick(['CT', 'PCT', 'TTK', 'UVBCH']),
          term_number: 1,
          left_on: rand() < 0.3 ? '2022-01-01' : null,
        },
      ]);
  });
  for (const association of associations.filter(() => rand() < 0.5))
    association.withStaffQuotas([2024, 2025].map((year) => ({ year, quota: Math.floor(rand() * 20), in_use: rand() < 0.5 ? 3 : null })));
  // One statement per table, as the generator and the imports write.
  const inserted = await insertAssociations(k, associations);
  // Half of them last saved long ago (the staff home counts those not updated this quarter).
  await k('associations')
    .whereIn(
      'id',
      inserted.filter((_, i) => i % 2).map((r) => r.id),
    )
    .update({ updated_at: '2020-01-01T00:00:00Z' });
  const user = await createUser(k, ['ngo_staff']);
  staff = await loggedInAgent(t, user);
  actor = { userId: user.id, username: user.username, roles: ['ngo_staff'], ip: null, requestId: null };
});
afterAll(() => t.db.destroy());

describe('report summaries equal the direct aggregates', () => {
  it('after inserts (one statement each for associations and funds)', async () => {
    await expectSummariesExact('inserts');
  });

  it('after a record created and edited through the staff form (scope, field, area, funds changed)', async () => {
    const page = await staff.get('/quan-tri/hoi/moi');
    const created = await staff
      .post('/quan-tri/hoi/moi')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        name: 'Hội Tổng hợp qua biểu mẫu',
        kind_code: 'hoi',
        scope: 'toan_quoc',
        main_field_code: 'XHND',
        managing_ministry_code: 'BYT',
        nature_code: 'STTT',
        hq_province_code: '01',
        status: 'hoat_dong',
        data_level: 'basic',
        party_state_tasked: '1',
        hq_area_m2: '350,5',
        hq_origin_code: 'SO_HUU',
        'funds.0.year': '2024',
        'funds.0.source': 'hoi_phi',
        'funds.0.amount_vnd': '700.000.000',
        'funds.1.year': '2025',
        'funds.1.source': 'dich_vu',
        'funds.1.amount_vnd': '50.000.000',
      });
    expect(created.status, created.text.slice(0, 1500)).toBe(303);
    const code = String(created.headers.location).split('/').pop() as string;
    await expectSummariesExact('form create');

    const edited = await editRecord(staff, code, {
      scope: 'tinh',
      main_field_code: 'YTE',
      hq_area_m2: '12,25',
      'funds.0.amount_vnd': '900.000.000',
      reason: 'Cập nhật số liệu',
    });
    expect(edited.status, edited.text.slice(0, 3000)).toBe(303);
    const row = await t.db.knex('associations').where({ code }).first();
    expect(row).toMatchObject({ scope: 'tinh', main_field_code: 'YTE' });
    await expectSummariesExact('form edit');
  });

  it('after a bulk import', async () => {
    await importAssociations(t, actor, { prefix: 'Hội nhập khẩu', count: 25, scope: () => pick(SCOPES), field: () => pick(FIELDS) });
    await expectSummariesExact('import');
  });

  it('after deletions (a fund row; an association with its funds, by cascade), bulk updates and a code rename', async () => {
    const k = t.db.knex;
    const fund = await k('funds').orderBy('id').first();
    await k('funds').where({ id: fund.id }).delete();
    await expectSummariesExact('fund row deleted');
    await k('funds')
      .where('year', 2023)
      .update({ amount_vnd: k.raw('amount_vnd + 7') });
    // Rows moved to another year (where that association has none of that source yet).
    await k('funds')
      .where({ source: 'dich_vu', year: 2023 })
      .whereNotIn('association_id', k('funds').where({ source: 'dich_vu', year: 2024 }).select('association_id'))
      .update({ year: 2024 });
    await expectSummariesExact('funds updated');
    const pct = await k('leaders').whereNull('left_on').where('position_code', 'PCT').orderBy('id').first();
    await k('leaders').where({ id: pct.id }).update({ left_on: '2025-01-01' });
    await k('leaders').where('position_code', 'TTK').update({ position_code: 'CT' });
    await k('leaders').whereNotNull('left_on').delete();
    await k('congresses').where('held_on', '2021-08-31').update({ held_on: '2020-02-29' });
    await k('congress_extensions')
      .whereIn('id', k('congress_extensions').where('new_deadline', '2027-03-31').orderBy('id').limit(3).select('id'))
      .delete();
    await expectSummariesExact('leaders and congresses changed');
    const victim = await k('associations')
      .whereIn('id', k('funds').select('association_id'))
      .whereIn('id', k('leaders').select('association_id'))
      .whereIn('id', k('congresses').select('association_id'))
      .orderBy('id')
      .first();
    await k('associations').where({ id: victim.id }).delete();
    await expectSummariesExact('association deleted (cascades)');
    await k('associations').where('scope', 'xa').update({ scope: 'tinh', hq_area_m2: null, party_state_tasked: true });
    await k('associations').where('status', 'giai_the').update({ updated_at: k.fn.now() }); // no figure changes
    await expectSummariesExact('associations updated');
    // Live associations with a term dissolved in one statement, one of them back to live: report e follows.
    const withTerms = k('association_terms').orderBy('association_id').limit(6).select('association_id');
    await k('associations').whereIn('id', withTerms).update({ status: 'giai_the' });
    await expectSummariesExact('associations dissolved');
    await k('associations')
      .where({ id: (await withTerms.clone().first()).association_id })
      .update({ status: 'dinh_chi_co_thoi_han' });
    await expectSummariesExact('an association suspended (live)');
    await k('natures').where({ code: 'KHKT' }).update({ code: 'KHKT2' });
    expect(await k('associations').where({ nature_code: 'KHKT2' }).first()).toBeDefined();
    await expectSummariesExact('catalogue code renamed (cascade)');
  });

  it('a rolled-back transaction leaves no trace', async () => {
    const before = await partCounts();
    await expect(
      t.db.knex.transaction(async (trx) => {
        await randomAssociation(900).insert(trx);
        await trx('funds').where('year', 2024).delete();
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await partCounts()).toEqual(before);
    await expectSummariesExact('rollback');
  });

  it('a read folds piled-up parts into one row per group; the figures stay the same', async () => {
    const k = t.db.knex;
    const ids = (await k('associations').orderBy('id').limit(10).pluck('id')) as number[];
    const fieldParts = async () =>
      (
        await sqlRows<{ parts: number; groups: number }>(
          `SELECT count(*)::int AS parts, count(DISTINCT (key, scope))::int AS groups FROM report_association_parts
         WHERE dimension = 'field'`,
        )
      )[0] as { parts: number; groups: number };
    // Each single-row statement that moves an association between scopes appends 2 parts to each dimension.
    await pileUpParts(k, ids, fieldParts, SUMMARY_SLACK);
    await k('funds')
      .where('year', 2025)
      .update({ amount_vnd: k.raw('amount_vnd + 1') });
    await expectSummariesExact('before folding');
    const repo = createReportsRepository(t.db.knex);
    await repo.countBy('field', {});
    const groups = await sqlRows<{ n: number }>(
      'SELECT count(*)::int AS n FROM (SELECT DISTINCT dimension, key, scope FROM report_association_parts) g',
    );
    expect((await partCounts()).associations).toBe(groups[0]?.n);
    await expectSummariesExact('after folding');
    // The reports built on them (service, HTTP) answer the same figures.
    const i = await t.services.reports.build(categoryByKey('i') as never, {}, { page: 1 }, { personal: false, ownerId: null });
    const [sum] = await sqlRows<{ s: string }>('SELECT sum(amount_vnd) AS s FROM funds');
    expect(i.report.tables[0]?.totals?.total).toBe(Number(sum?.s));
    const home = await t.services.reports.dashboard();
    const [n] = await sqlRows<{ n: number }>('SELECT count(*)::int AS n FROM associations');
    expect(home.total).toBe(n?.n);
    expect((await staff.get('/bao-cao/b')).status).toBe(200);
  });

  it("the migration's backfill rebuilds the same figures from the base tables", async () => {
    // The live terms' migration (20261231001500) builds on the summaries: undone first, redone after.
    await liveTermsMigration.down(t.db.knex);
    await summariesMigration.down(t.db.knex);
    await summariesMigration.up(t.db.knex);
    await liveTermsMigration.up(t.db.knex);
    await expectSummariesExact('backfill');
  });
});
