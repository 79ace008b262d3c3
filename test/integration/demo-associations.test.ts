/**
 * Demo associations (SPEC §6, FORM-1.md "Realistic demo data"): a small run of the generator on fresh databases —
 * count, idempotence, determinism, leaders, congress states, funds, quotas, the real names, provenance, the
 * hoi.demo link, and no demo data in production.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_REASON, seedDemoAssociations } from '../../seeds/demo/associations.js';
import { seedDemo } from '../../seeds/demo/index.js';
import { demoSeedDeps } from '../../src/cli/seeding.js';
import { loadConfig } from '../../src/config.js';
import { type TermState, termInfo, vietnamToday } from '../../src/features/associations/congress-term.js';
import { createFakeClock } from '../../src/lib/clock.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

const COUNT = 40;
const REAL_NAMES = [
  'Liên hiệp các Hội Khoa học và Kỹ thuật Việt Nam',
  'Liên hiệp các Hội Văn học nghệ thuật Việt Nam',
  'Liên hiệp các tổ chức hữu nghị Việt Nam',
  'Liên đoàn Thương mại và Công nghiệp Việt Nam',
  'Liên minh Hợp tác xã Việt Nam',
  'Hội Chữ thập đỏ Việt Nam',
  'Hội Nhà báo Việt Nam',
  'Hội Nhà văn Việt Nam',
  'Hội Luật gia Việt Nam',
  'Liên đoàn Luật sư Việt Nam',
  'Hội Người cao tuổi Việt Nam',
  'Hội Cựu Công an nhân dân Việt Nam',
  'Hội Cựu Thanh niên xung phong Việt Nam',
  'Hội Khuyến học Việt Nam',
  'Hội Người mù Việt Nam',
  'Hội Bảo trợ người khuyết tật Việt Nam',
  'Hội Nạn nhân chất độc da cam/dioxin Việt Nam',
  'Hội Đông y Việt Nam',
  'Tổng hội Y học Việt Nam',
];

const clock = createFakeClock(new Date());
const today = vietnamToday(clock.now());
const year = Number(today.slice(0, 4));
const config = loadConfig({ NODE_ENV: 'test', SEED_DEMO: 'false' });

let a: TestDatabase;
let b: TestDatabase;

beforeAll(async () => {
  [a, b] = await Promise.all([createTestDatabase(), createTestDatabase()]);
  // One database through the whole demo seed (users first, as at start), the other through the generator alone.
  await seedDemo(a.knex, config, demoSeedDeps(a.knex, clock), { associations: COUNT });
  await seedDemoAssociations(b.knex, demoSeedDeps(b.knex, clock), { count: COUNT });
}, 120_000);

afterAll(async () => {
  await Promise.all([a?.destroy(), b?.destroy()]);
});

async function byAssociation<T extends { association_id: number }>(table: string, db = a): Promise<Map<number, T[]>> {
  const rows: T[] = await db.knex(table).select('*').orderBy('id');
  const out = new Map<number, T[]>();
  for (const r of rows) out.set(r.association_id, [...(out.get(r.association_id) ?? []), r]);
  return out;
}

const isoOf = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v).slice(0, 10));

describe('demo associations', () => {
  it('creates the requested number, each with version 1, the demo reason and the ngo.staff actor', async () => {
    const staff = await a.knex('users').where({ username: 'ngo.staff' }).first('id');
    const rows = await a.knex('associations').select('id', 'code', 'created_by');
    expect(rows).toHaveLength(COUNT);
    expect(rows.every((r) => r.created_by === staff.id)).toBe(true);
    const versions = await a.knex('association_versions').where({ version: 1 }).select('association_id', 'source', 'reason');
    expect(versions).toHaveLength(COUNT);
    expect(versions.every((v) => v.source === 'create' && v.reason === DEMO_REASON)).toBe(true);
    const audits = await a.knex('audit_events').where({ action: 'association.create' }).count<{ n: number }[]>('* as n');
    expect(Number(audits[0]?.n)).toBe(COUNT);
    // The other database had no demo users: the actor is the system (null).
    expect((await b.knex('associations').whereNotNull('created_by').count<{ n: number }[]>('* as n'))[0]?.n).toEqual(0);
  });

  it('is idempotent: a second run adds nothing', async () => {
    const again = await seedDemoAssociations(a.knex, demoSeedDeps(a.knex, clock), { count: COUNT });
    expect(again.created).toBe(0);
    const again2 = await seedDemo(a.knex, config, demoSeedDeps(a.knex, clock), { associations: COUNT });
    expect(again2).toMatchObject({ users: 0, associations: 0 });
    expect((await a.knex('associations').count<{ n: number }[]>('* as n'))[0]?.n).toEqual(COUNT);
    // Issue 5: exactly one demo Biểu mẫu 1 waits in the review queue, not for hoi.demo's association.
    const waiting = await a.knex('submissions as s').join('associations as x', 'x.id', 's.association_id').select('s.status', 'x.name');
    expect(waiting).toEqual([{ status: 'submitted', name: 'Hội Chữ thập đỏ Việt Nam' }]);
  });

  it('is deterministic: two fresh databases get the same records', async () => {
    const pick = (db: TestDatabase) =>
      db.knex('associations').orderBy('code').select('code', 'name', 'scope', 'status', 'hq_province_code', 'members_total', 'published');
    const [ra, rb] = await Promise.all([pick(a), pick(b)]);
    expect(ra).toEqual(rb);
    const leaders = (db: TestDatabase) => db.knex('leaders').orderBy('id').pluck('full_name');
    expect(await leaders(a)).toEqual(await leaders(b));
    expect(new Set(ra.map((r) => r.name.toLowerCase())).size).toBe(COUNT);
  });

  it('includes the real associations tasked by the Party and State, with staff quotas for five years', async () => {
    const rows = await a.knex('associations').whereIn('name', REAL_NAMES).select('id', 'name', 'party_state_tasked', 'scope');
    expect(rows.map((r) => r.name).sort()).toEqual([...REAL_NAMES].sort());
    expect(rows.every((r) => r.party_state_tasked && r.scope === 'toan_quoc')).toBe(true);
    const quotas = await byAssociation<{ association_id: number; year: number }>('staff_quotas');
    for (const r of rows) expect((quotas.get(r.id) ?? []).map((q) => q.year)).toEqual([year - 4, year - 3, year - 2, year - 1, year]);
  });

  it('gives every record 5–15 leaders and exactly one current Chủ tịch', async () => {
    const ids: number[] = await a.knex('associations').pluck('id');
    const leaders = await byAssociation<{ association_id: number; position_code: string; left_on: unknown; birth_year: number }>('leaders');
    for (const id of ids) {
      const list = leaders.get(id) ?? [];
      expect(list.length).toBeGreaterThanOrEqual(5);
      expect(list.length).toBeLessThanOrEqual(15);
      expect(list.filter((l) => l.position_code === 'CT' && l.left_on === null)).toHaveLength(1);
      expect(list.every((l) => l.birth_year >= 1945 && l.birth_year <= 1990)).toBe(true);
    }
    const former = await a.knex('leaders').whereNotNull('left_on').whereNotNull('left_reason').count<{ n: number }[]>('* as n');
    expect(Number(former[0]?.n)).toBeGreaterThan(0);
  });

  it('has overdue, due-soon and extended congress terms relative to today', async () => {
    const ids: number[] = await a.knex('associations').pluck('id');
    const congresses = await byAssociation<{ association_id: number; held_on: unknown; term_years: number; congress_type: string }>(
      'congresses',
    );
    const extensions = await byAssociation<{ association_id: number; decided_on: unknown; new_deadline: unknown }>('congress_extensions');
    const states = new Map<TermState, number>();
    for (const id of ids) {
      const info = termInfo(
        (congresses.get(id) ?? []).map((c) => ({ ...c, held_on: isoOf(c.held_on) })),
        (extensions.get(id) ?? []).map((e) => ({ decided_on: isoOf(e.decided_on), new_deadline: isoOf(e.new_deadline) })),
        today,
      );
      expect(info, `association ${id} has a congress`).not.toBeNull();
      if (info) states.set(info.state, (states.get(info.state) ?? 0) + 1);
    }
    expect(states.get('qua_han') ?? 0).toBeGreaterThan(0);
    expect(states.get('sap_den_han') ?? 0).toBeGreaterThan(0);
    expect(states.get('dang_gia_han') ?? 0).toBeGreaterThan(0);
    expect(states.get('chua_den_han') ?? 0).toBeGreaterThan(COUNT / 3);
  });

  it('records funds by source for the last five years, hội phí always', async () => {
    const funds = await byAssociation<{ association_id: number; year: number; source: string; amount_vnd: string | number }>('funds');
    const real: number[] = await a.knex('associations').whereIn('name', REAL_NAMES).pluck('id');
    for (const id of real) {
      const years = [...new Set((funds.get(id) ?? []).map((f) => f.year))].sort();
      expect(years).toEqual([year - 5, year - 4, year - 3, year - 2, year - 1]);
    }
    for (const [, list] of funds) {
      const perYear = new Map<number, string[]>();
      for (const f of list) perYear.set(f.year, [...(perYear.get(f.year) ?? []), f.source]);
      for (const sources of perYear.values()) {
        expect(sources).toContain('hoi_phi');
        expect(sources.length).toBeGreaterThanOrEqual(2);
        expect(sources.length).toBeLessThanOrEqual(4);
      }
      expect(list.every((f) => Number(f.amount_vnd) > 0)).toBe(true);
    }
  });

  it('links hoi.demo to Hội Người cao tuổi Việt Nam', async () => {
    const user = await a.knex('users').where({ username: 'hoi.demo' }).first('association_id');
    const association = await a.knex('associations').where({ name: 'Hội Người cao tuổi Việt Nam' }).first('id');
    expect(user.association_id).toBe(association.id);
  });

  it('publishes part of the records, each publication a saved version', async () => {
    const published: number[] = await a.knex('associations').where({ published: true }).pluck('id');
    expect(published.length).toBeGreaterThan(COUNT / 3);
    expect(published.length).toBeLessThan(COUNT);
    const v2 = await a.knex('association_versions').where({ version: 2, source: 'publish' }).pluck('association_id');
    expect(v2.sort()).toEqual(published.sort());
  });

  it('is refused in production', async () => {
    await expect(
      seedDemo(a.knex, { isProduction: true, demo: config.demo }, demoSeedDeps(a.knex, clock), { associations: 1 }),
    ).rejects.toThrow(/production/);
  });
});
