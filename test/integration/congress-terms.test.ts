/**
 * e at scale: the stored terms (association_terms, maintained by triggers on congresses and
 * congress_extensions) and the state derived from them in SQL must give exactly what termInfo() gives from the
 * record's own lists — after inserts, edits, deletions and moves of congresses and extensions — and report e's
 * filters, order and pages must give the rows the in-memory computation gave.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Rng } from '../../seeds/generated/rng.js';
import { type CongressLike, type ExtensionLike, termInfo } from '../../src/features/associations/congress-term.js';
import { storedTermInfo } from '../../src/features/associations/congress-term-sql.js';
import { createCongressAlertsRepository } from '../../src/features/jobs/congress-alerts.repository.js';
import { categoryByKey } from '../../src/features/reports/categories.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';

let t: TestContext;
const ids: number[] = [];
const codes = new Map<number, string>();

/** Deterministic pseudo-random numbers: the generated data set's own (mulberry32). */
const random = new Rng(20261129);
const rand = () => random.float();
const pick = <T>(xs: readonly T[]): T => random.pick(xs);
const iso = (d: Date) => d.toISOString().slice(0, 10);
/** A date between 2015 and 2027, with the leap days and month ends that the date arithmetic must get right. */
function someDate(): string {
  if (rand() < 0.15) return pick(['2016-02-29', '2020-02-29', '2024-02-29', '2021-08-31', '2022-03-31', '2023-12-31']);
  return iso(new Date(Date.UTC(2015, 0, 1) + Math.floor(rand() * 12 * 365) * 86_400_000));
}

const TODAYS = ['2026-06-15', '2025-02-28', '2024-08-31', '2027-01-01', '2021-03-01'];

async function lists(id: number): Promise<{ cs: CongressLike[]; es: ExtensionLike[] }> {
  const k = t.db.knex;
  const cs = await k('congresses').where({ association_id: id }).orderBy('id').select('held_on', 'term_years', 'congress_type');
  const es = await k('congress_extensions').where({ association_id: id }).orderBy('id').select('decided_on', 'new_deadline');
  return { cs, es };
}

async function expectStoredEqualsTermInfo(): Promise<void> {
  for (const today of TODAYS) {
    for (const id of ids) {
      const { cs, es } = await lists(id);
      expect(await storedTermInfo(t.db.knex, id, today), `association ${id} on ${today}`).toEqual(termInfo(cs, es, today));
    }
  }
}

beforeAll(async () => {
  t = await buildTestApp();
  t.clock.set(new Date('2026-06-15T03:00:00Z'));
  const associations = Array.from({ length: 60 }, (_, i) =>
    anAssociation({
      code: `H8${String(i).padStart(5, '0')}`,
      name: `Hội kiểm thử nhiệm kỳ ${i}`,
      scope: pick(['toan_quoc', 'tinh'] as const),
      status: pick(['hoat_dong', 'hoat_dong', 'giai_the']),
      main_field_code: pick(['YTE', 'KHCN']),
    }),
  );
  associations.forEach((association, i) => {
    const n = i % 10 === 0 ? 0 : 1 + Math.floor(rand() * 4);
    for (let j = 0; j < n; j++)
      association.withCongresses([
        {
          term_number: j + 1,
          congress_type: pick(['thanh_lap', 'nhiem_ky', 'nhiem_ky', 'bat_thuong'] as const),
          held_on: someDate(),
          term_years: 1 + Math.floor(rand() * 5),
        },
      ]);
    const m = rand() < 0.5 ? 1 + Math.floor(rand() * 2) : 0;
    for (let j = 0; j < m; j++)
      association.withCongressExtensions([{ decision_number: `${i}-${j}/QĐ-BNV`, decided_on: someDate(), new_deadline: someDate() }]);
  });
  // Two congresses on the same day: the later row is the term's (as termInfo's stable sort keeps it last).
  associations[1]?.withCongresses([
    { term_number: 8, congress_type: 'nhiem_ky', held_on: '2026-01-10', term_years: 5 },
    { term_number: 9, congress_type: 'nhiem_ky', held_on: '2026-01-10', term_years: 2 },
  ]);
  // One multi-row statement per table, as the generator and the imports write.
  for (const r of await insertAssociations(t.db.knex, associations)) {
    ids.push(r.id);
    codes.set(r.id, r.code);
  }
});

afterAll(() => t.db.destroy());

describe('stored congress terms (association_terms)', () => {
  it('equal termInfo() on every association and day after a bulk insert, including leap days and month ends', async () => {
    await expectStoredEqualsTermInfo();
    const [{ n }] = (await t.db.knex.raw('SELECT count(*)::int AS n FROM association_terms')).rows;
    expect(n).toBeGreaterThan(30);
    const { cs } = await lists(ids[1] as number);
    expect(cs.length).toBeGreaterThan(1);
    const [row] = await t.db.knex('association_terms').where({ association_id: ids[1] });
    expect(row.last_congress).toBe('2026-01-10');
    expect(row.term_number).toBe(9);
  });

  it('follow edits, deletions, moves and extensions of congresses in the same transaction', async () => {
    const k = t.db.knex;
    const [a, b, c] = ids.slice(1, 4) as [number, number, number];
    await k.transaction(async (trx) => {
      await trx('congresses').where({ association_id: a }).update({ held_on: '2022-02-28', congress_type: 'nhiem_ky', term_years: 2 });
      const [row] = await trx('association_terms').where({ association_id: a });
      expect(row.term_end).toBe('2024-02-28');
      expect(row.extension_deadline).toBeNull();
    });
    // An extension decided after the congress moves the deadline; one decided before it does not.
    await k('congress_extensions').where({ association_id: a }).delete();
    await k('congress_extensions').insert([
      { association_id: a, decision_number: 'truoc/QĐ', decided_on: '2022-01-01', new_deadline: '2030-01-01' },
      { association_id: a, decision_number: 'sau/QĐ', decided_on: '2024-03-01', new_deadline: '2025-02-28' },
    ]);
    let [row] = await k('association_terms').where({ association_id: a });
    expect(row).toMatchObject({ term_end: '2024-02-28', extension_deadline: '2025-02-28', extension_number: 'sau/QĐ' });
    expect(await storedTermInfo(k, a, '2026-06-15')).toMatchObject({ state: 'qua_han_gia_han', deadline: '2025-02-28' });
    expect(await storedTermInfo(k, a, '2024-12-01')).toMatchObject({ state: 'dang_gia_han', deadline: '2025-02-28' });
    // Before the term ends, the deadline in force is the term end (termInfo).
    expect(await storedTermInfo(k, a, '2024-01-01')).toMatchObject({ state: 'sap_den_han', deadline: '2024-02-28' });
    // A later term congress ends the extension's effect.
    await k('congresses').insert({ association_id: a, term_number: 9, congress_type: 'nhiem_ky', held_on: '2025-06-01', term_years: 5 });
    [row] = await k('association_terms').where({ association_id: a });
    expect(row).toMatchObject({ last_congress: '2025-06-01', term_end: '2030-06-01', extension_deadline: null });
    // An extraordinary congress never starts a term; deleting every term congress removes the stored term.
    await k('congresses').where({ association_id: b }).delete();
    await k('congresses').insert({ association_id: b, term_number: 1, congress_type: 'bat_thuong', held_on: '2025-01-01', term_years: 5 });
    expect(await k('association_terms').where({ association_id: b })).toEqual([]);
    expect(await storedTermInfo(k, b, '2026-06-15')).toBeNull();
    // Congresses and extensions moved to another association refresh both.
    await k('congresses').where({ association_id: c }).update({ association_id: b });
    await k('congress_extensions').where({ association_id: c }).update({ association_id: b });
    expect(await k('association_terms').where({ association_id: c })).toEqual([]);
    // A new code of the association follows into its stored term (report e sorts by it).
    await k('associations').where({ id: a }).update({ code: 'H899999' });
    expect((await k('association_terms').where({ association_id: a }).first()).code).toBe('H899999');
    await k('associations')
      .where({ id: a })
      .update({ code: codes.get(a) });
    expect((await k('association_terms').where({ association_id: a }).first()).code).toBe(codes.get(a));
    // A rolled-back edit leaves the stored term as it was.
    const before = await k('association_terms').where({ association_id: a }).first();
    await expect(
      k.transaction(async (trx) => {
        await trx('congresses').where({ association_id: a }).delete();
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await k('association_terms').where({ association_id: a }).first()).toEqual(before);
    await expectStoredEqualsTermInfo();
  });

  it("report e's states, filters, order and pages equal the in-memory computation from the record lists", async () => {
    const today = '2026-06-15';
    const live = new Set(
      (await t.db.knex('associations').whereIn('id', ids).select('id', 'status')).filter((r) => r.status !== 'giai_the').map((r) => r.id),
    );
    // Report e's population: the live associations, those without a congress as "chưa có đại hội" (no deadline).
    const all: Array<{ id: number; code: string; state: string; deadline: string | null; field: string }> = [];
    const fieldOf = new Map(
      (await t.db.knex('associations').whereIn('id', ids).select('id', 'main_field_code')).map((r) => [r.id, r.main_field_code]),
    );
    for (const id of ids) {
      const { cs, es } = await lists(id);
      const info = termInfo(cs, es, today);
      if (!live.has(id)) continue;
      all.push({
        id,
        code: codes.get(id) as string,
        state: info?.state ?? 'chua_co_dai_hoi',
        deadline: info?.deadline ?? null,
        field: fieldOf.get(id),
      });
    }
    const byDeadline = (x: string | null, y: string | null) => (x === y ? 0 : x === null ? 1 : y === null ? -1 : x.localeCompare(y));
    all.sort((x, y) => byDeadline(x.deadline, y.deadline) || x.code.localeCompare(y.code));
    expect(all.filter((x) => x.deadline === null).length).toBeGreaterThan(0);
    const e = categoryByKey('e');
    if (!e) throw new Error('no category e');
    const build = async (f: Record<string, unknown>, page: number | null) =>
      (await t.services.reports.build(e, f, { page }, { personal: false, ownerId: null })).report;
    const listed = (r: Awaited<ReturnType<typeof build>>) => r.tables[1]?.rows.map((x) => x.code);
    const cases: Array<[Record<string, unknown>, (x: (typeof all)[number]) => boolean]> = [
      [{}, () => true],
      [{ overdue: true }, (x) => x.state === 'qua_han' || x.state === 'qua_han_gia_han'],
      [{ termState: 'sap_den_han' }, (x) => x.state === 'sap_den_han'],
      [{ termState: 'chua_den_han', overdue: true }, () => false],
      [{ withinMonths: 24 }, (x) => x.deadline !== null && x.deadline >= today && x.deadline <= '2028-06-15'],
      [
        { withinMonths: 24, field: 'YTE' },
        (x) => x.field === 'YTE' && x.deadline !== null && x.deadline >= today && x.deadline <= '2028-06-15',
      ],
      [{ termState: 'chua_co_dai_hoi' }, (x) => x.state === 'chua_co_dai_hoi'],
      [{ termState: 'chua_co_dai_hoi', field: 'KHCN' }, (x) => x.state === 'chua_co_dai_hoi' && x.field === 'KHCN'],
      [{ field: 'KHCN' }, (x) => x.field === 'KHCN'],
    ];
    for (const [f, keep] of cases) {
      const expected = all.filter(keep).map((x) => x.code);
      const r = await build(f, null);
      expect(listed(r), JSON.stringify(f)).toEqual(expected);
      expect(r.tables[1]?.count, JSON.stringify(f)).toBe(expected.length);
    }
    const summary = (await build({}, 1)).tables[0]?.rows;
    const countOf = (s: string) => all.filter((x) => x.state === s).length;
    expect(summary?.map((r) => r.n)).toEqual(
      ['qua_han_gia_han', 'qua_han', 'dang_gia_han', 'sap_den_han', 'chua_den_han', 'chua_co_dai_hoi'].map(countOf),
    );
    // A page is the slice of the whole list.
    const whole = listed(await build({}, null)) ?? [];
    expect(listed(await build({}, 1))).toEqual(whole.slice(0, 100));
    // The job reads the same stored terms: live associations with a congress.
    const jobTerms = await createCongressAlertsRepository(t.db.knex).termInfos(today);
    const ours = jobTerms.filter((j) => ids.includes(j.id));
    expect(ours.map((j) => j.id).sort()).toEqual(
      all
        .filter((x) => x.deadline !== null)
        .map((x) => x.id)
        .sort(),
    );
    for (const j of ours) {
      const { cs, es } = await lists(j.id);
      expect(j.info).toEqual(termInfo(cs, es, today));
    }
  });
});
