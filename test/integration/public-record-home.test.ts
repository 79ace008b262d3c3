/**
 * The public record page and the public home, each from one statement (issue 13).
 *
 * - The record page's columns (and open data's, chunk by chunk) come from one statement per code or chunk: the test
 *   keeps the four queries it replaced as the reference and compares them on the demo data, the generated data set
 *   and randomised edge cases (several founding decisions, undated ones, ties; several presidents in office, former
 *   ones; other fields in every order, one equal to the main field; unset catalogue codes; unpublished records).
 * - The home's and /linh-vuc's counts come from public_summary_parts (migration 20261230000500), kept by triggers:
 *   after every kind of write (inserts, the staff form, publication, other fields added, changed and removed, a bulk
 *   import, deletions and their cascades, a catalogue code renamed, a rolled-back transaction, concurrent writers,
 *   folding, the migration's backfill) they equal the direct counts the pages ran before, kept here as the reference.
 * - The home's cache keys stay, and with the cache off every call reads the database (one statement).
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as publicSummaryMigration from '../../migrations/20261230000500_create_public_summary.js';
import { seedDemoAssociations } from '../../seeds/demo/associations.js';
import { deleteGenerated, generateAssociations } from '../../seeds/generated/generate.js';
import { Rng } from '../../seeds/generated/rng.js';
import { demoSeedDeps } from '../../src/cli/seeding.js';
import {
  type CountRow,
  createPublicRepository,
  PUBLIC_SUMMARY_SLACK,
  type PublicSourceRow,
} from '../../src/features/public/public.repository.js';
import { createPublicService, NO_CACHE } from '../../src/features/public/public.service.js';
import { SCOPES } from '../../src/features/register-form/definition.js';
import type { Actor } from '../../src/lib/auth-context.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';
import { type Agent, loggedInAgent } from '../helpers/http.js';
import { editRecord } from '../helpers/register-edit.js';
import { importAssociations, pileUpParts } from '../helpers/summaries.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let actor: Actor;

const random = new Rng(20261313);
const FIELDS = ['KHCN', 'YTE', 'XHND', 'VHNT', 'DNHN', 'NH', 'TST'];
const SCOPE_CODES = ['toan_quoc', 'lien_tinh', 'tinh', 'xa'] as const;

// ---------------------------------------------------------------------------------------------------------------
// The reference: the queries the record page, open data and the home ran before issue 13, word for word.

async function refPublishedId(code: string): Promise<number | null> {
  const row = await t.db.knex('associations').where({ code, published: true }).first('id');
  return row ? Number(row.id) : null;
}

async function refSources(ids: readonly number[], withPresident: boolean): Promise<PublicSourceRow[]> {
  const db = t.db.knex;
  if (ids.length === 0) return [];
  const rows: PublicSourceRow[] = await db('associations as a')
    .whereIn('a.id', [...ids])
    .where('a.published', true)
    .leftJoin('association_kinds as k', 'k.code', 'a.kind_code')
    .leftJoin('statuses as s', 's.code', 'a.status')
    .leftJoin('fields as f', 'f.code', 'a.main_field_code')
    .leftJoin('ministries as m', 'm.code', 'a.managing_ministry_code')
    .leftJoin('provinces as p', 'p.code', 'a.hq_province_code')
    .leftJoin('natures as n', 'n.code', 'a.nature_code')
    .select(
      'a.id',
      'a.code',
      'a.name',
      'a.abbreviation',
      'a.foreign_name',
      'a.foreign_abbreviation',
      'k.name as kind',
      's.name as status',
      'a.scope as scope_code',
      'f.name as main_field',
      'm.name as managing_ministry',
      'a.purpose',
      'a.hq_address',
      'a.hq_ward',
      'p.name as hq_province',
      'a.phone',
      'a.email',
      'a.website',
      'n.name as nature',
      'a.members_total',
    );
  const other = await db('association_other_fields as o')
    .join('fields as f', 'f.code', 'o.field_code')
    .whereIn('o.association_id', [...ids])
    .orderBy(['o.association_id', 'f.sort_order', 'f.name'])
    .select('o.association_id', 'f.name');
  const founding = await db('decisions')
    .whereIn('association_id', [...ids])
    .where('event_type', 'cho_phep_thanh_lap')
    .orderBy(['association_id', { column: 'signed_on', order: 'asc', nulls: 'last' }, 'id'])
    .select('association_id', 'number', 'signed_on');
  const presidents = withPresident
    ? await db('leaders as l')
        .join('leader_positions as lp', 'lp.code', 'l.position_code')
        .whereIn('l.association_id', [...ids])
        .where('l.position_code', 'CT')
        .whereNull('l.left_on')
        .orderBy(['l.association_id', { column: 'l.elected_on', order: 'desc', nulls: 'last' }, { column: 'l.id', order: 'desc' }])
        .select('l.association_id', 'l.full_name', 'lp.name as position')
    : [];
  const otherBy = new Map<number, string[]>();
  for (const o of other as Array<{ association_id: number; name: string }>) {
    const id = Number(o.association_id);
    otherBy.set(id, [...(otherBy.get(id) ?? []), o.name]);
  }
  const foundingBy = new Map<number, { number: string | null; signed_on: string | null }>();
  for (const d of founding as Array<{ association_id: number; number: string | null; signed_on: string | null }>) {
    if (!foundingBy.has(Number(d.association_id))) foundingBy.set(Number(d.association_id), d);
  }
  const presidentBy = new Map<number, { full_name: string; position: string }>();
  for (const p of presidents as Array<{ association_id: number; full_name: string; position: string }>) {
    if (!presidentBy.has(Number(p.association_id))) presidentBy.set(Number(p.association_id), p);
  }
  const byId = new Map(rows.map((r) => [Number(r.id), r]));
  return ids.flatMap((id): PublicSourceRow[] => {
    const r = byId.get(id);
    if (!r) return [];
    const f = foundingBy.get(id);
    const p = presidentBy.get(id);
    return [
      {
        ...r,
        other_fields: otherBy.get(id) ?? [],
        founding_decision_number: f?.number ?? null,
        founding_decision_date: f?.signed_on ?? null,
        president_name: p?.full_name ?? null,
        president_position: p?.position ?? null,
      },
    ];
  });
}

async function refTotal(): Promise<number> {
  const row = await t.db.knex('associations').where('published', true).count<{ count: number }[]>('* as count').first();
  return Number(row?.count ?? 0);
}

async function refCountsByField(): Promise<CountRow[]> {
  const res = await t.db.knex.raw<{ rows: CountRow[] }>(
    `SELECT f.code, f.name, count(x.id)::int AS count
       FROM fields f
       JOIN (SELECT a.id, a.main_field_code AS field_code FROM associations a WHERE a.published
             UNION
             SELECT o.association_id, o.field_code FROM association_other_fields o
               JOIN associations a ON a.id = o.association_id WHERE a.published) x ON x.field_code = f.code
      GROUP BY f.code, f.name, f.sort_order
      ORDER BY f.sort_order, f.name`,
  );
  return res.rows.map((r) => ({ ...r, count: Number(r.count) }));
}

async function refCountsByScope(): Promise<Array<{ scope: string; count: number }>> {
  const rows = await t.db
    .knex('associations')
    .where('published', true)
    .groupBy('scope')
    .select('scope')
    .count<{ scope: string; count: number }[]>('* as count');
  return rows.map((r) => ({ scope: r.scope, count: Number(r.count) }));
}

/** What the home showed, built from the reference counts as the service built it. */
async function refHome() {
  const [total, byField, byScope] = await Promise.all([refTotal(), refCountsByField(), refCountsByScope()]);
  const scopeCount = new Map(byScope.map((s) => [s.scope, s.count]));
  const scopes = SCOPES.map(([code, label]) => ({ code, label, count: scopeCount.get(code) ?? 0 })).filter(
    (s) => s.count > 0 || s.code === 'toan_quoc' || s.code === 'lien_tinh',
  );
  return { total, byField, scopes };
}

// ---------------------------------------------------------------------------------------------------------------

const byScope = <T extends { scope: string }>(xs: T[]): T[] => [...xs].sort((a, b) => a.scope.localeCompare(b.scope));

/** The summary, the uncached service and the pages show exactly the reference counts. */
async function expectHomeExact(label: string): Promise<void> {
  const repo = createPublicRepository(t.db.knex);
  const summary = await repo.summary();
  const [total, byField, scopes] = await Promise.all([refTotal(), refCountsByField(), refCountsByScope()]);
  expect(summary.total, `${label}: total`).toBe(total);
  expect(summary.byField, `${label}: by field`).toEqual(byField);
  expect(byScope(summary.byScope), `${label}: by scope`).toEqual(byScope(scopes));
  const service = createPublicService({ repo, regime: '113', clock: t.clock, cache: NO_CACHE });
  expect(await service.home(), `${label}: home`).toEqual(await refHome());
  expect(await service.fieldCounts(), `${label}: field counts`).toEqual(byField);
}

async function sqlRows<T>(sql: string, bindings: readonly (string | number)[] = []): Promise<T[]> {
  return ((await t.db.knex.raw(sql, bindings)) as { rows: T[] }).rows;
}

function someDate(): string {
  return new Date(Date.UTC(1990, 0, 1) + random.int(0, 35 * 365) * 86_400_000).toISOString().slice(0, 10);
}

/** Associations with every edge the record page and the counts meet, inserted one statement per table. */
async function insertRandom(from: number, count: number): Promise<number[]> {
  const associations = Array.from({ length: count }, (_, i) =>
    anAssociation({
      code: `H4${String(from + i).padStart(5, '0')}`,
      name: `Hội ngẫu nhiên số ${from + i}`,
      abbreviation: random.chance(0.5) ? `HNN${from + i}` : null,
      foreign_name: random.chance(0.3) ? `Random Association ${from + i}` : null,
      kind_code: random.pick(['hoi', 'hiep_hoi', 'lien_doan']),
      scope: random.pick(SCOPE_CODES),
      main_field_code: random.pick(FIELDS),
      managing_ministry_code: random.pick(['BYT', 'BNV', null]),
      nature_code: random.pick(['XHNN', 'KHKT', null]),
      hq_province_code: random.pick(['01', '79', 'cu-02', null]),
      status: random.pick(['hoat_dong', 'giai_the', 'dang_thanh_lap']),
      members_total: random.chance(0.7) ? random.int(0, 100_000) : null,
      purpose: random.chance(0.5) ? `Tôn chỉ dòng 1\ndòng 2 <b>${from + i}</b>` : null,
      email: random.chance(0.5) ? `lienhe${from + i}@hoi-demo.vn` : random.pick([null, 'không phải thư']),
      website: random.chance(0.5) ? `https://hoi${from + i}.example.vn` : random.pick([null, 'hoi.example.vn']),
      published: random.chance(0.7),
    }),
  );
  associations.forEach((association, i) => {
    const n = from + i;
    // Other fields in random order, sometimes the main field among them.
    const main = association.build().main_field_code;
    association.withOtherFields(FIELDS.filter((f) => random.chance(f === main ? 0.3 : 0.25)));
    for (let j = random.int(0, 4); j > 0; j--) {
      association.withDecisions([
        {
          event_type: random.pick(['cho_phep_thanh_lap', 'cho_phep_thanh_lap', 'phe_duyet_dieu_le', 'doi_ten']),
          number: random.chance(0.9) ? `${n}-${j}/QĐ-BNV` : null,
          // Undated decisions, and several on one day (the id decides).
          signed_on: random.chance(0.2) ? null : random.chance(0.3) ? '2005-06-01' : someDate(),
        },
      ]);
    }
    for (let j = random.int(0, 5); j > 0; j--) {
      association.withLeaders([
        {
          full_name: `Người ${n}-${j}`,
          position_code: random.pick(['CT', 'CT', 'PCT', 'TTK']),
          elected_on: random.chance(0.2) ? null : random.chance(0.3) ? '2021-03-15' : someDate(),
          left_on: random.chance(0.3) ? '2022-01-01' : null,
        },
      ]);
    }
  });
  // One statement per table.
  return (await insertAssociations(t.db.knex, associations)).map((r) => r.id);
}

beforeAll(async () => {
  t = await buildTestApp();
  const k = t.db.knex;
  // A field that shares its place in the catalogue with another (their order is then by name).
  await k('fields').insert({ code: 'TST', name: 'An ninh thử nghiệm', sort_order: 5 });
  await seedDemoAssociations(k, demoSeedDeps(k, t.clock), { count: 60 });
  await generateAssociations(k, { size: 150, seed: 13, batchSize: 50 });
  await insertRandom(1, 150);
  const user = await createUser(k, ['ngo_staff']);
  staff = await loggedInAgent(t, user);
  actor = { userId: user.id, username: user.username, roles: ['ngo_staff'], ip: null, requestId: null };
}, 180_000);
afterAll(() => t.db.destroy());

describe('public record page: one statement per record (issue 13)', () => {
  it('shows exactly what the four queries it replaced showed, for every code, with and without the president', {
    timeout: 120_000,
  }, async () => {
    const repo = createPublicRepository(t.db.knex);
    const codes = (await t.db.knex('associations').orderBy('code').pluck('code')) as string[];
    expect(codes.length).toBeGreaterThan(350);
    // The reference read every record apart; each record's row does not depend on the others read with it.
    const ids = new Map<string, number | null>();
    for (const code of [...codes, 'H999999', 'h500001', '']) ids.set(code, await refPublishedId(code));
    const published = [...ids.values()].filter((id): id is number => id !== null);
    for (const withPresident of [false, true]) {
      const expected = new Map((await refSources(published, withPresident)).map((r) => [Number(r.id), r]));
      for (const [code, id] of ids) {
        const want = id === null ? null : (expected.get(id) ?? null);
        // The page's own two columns (issue 18 item 5: last update, quarterly badge) come on top of the reference's.
        const got = await repo.sourceByCode(code, withPresident);
        const { status_code, updated_ms, ...rest } = (got ?? {}) as Record<string, unknown>;
        expect(got === null ? null : rest, `${code} ${withPresident}`).toEqual(want);
        if (got) {
          const row = await t.db.knex('associations').where({ code }).first('status', 'updated_at');
          expect([status_code, updated_ms], code).toEqual([row.status, new Date(row.updated_at).getTime()]);
        }
      }
    }
    // The cases the statement must get right are all there.
    expect(published.length).toBeGreaterThan(200);
    const [edges] = await sqlRows<Record<string, number>>(`SELECT
      (SELECT count(*)::int FROM (SELECT association_id FROM decisions WHERE event_type = 'cho_phep_thanh_lap'
         GROUP BY association_id HAVING count(*) > 1 AND count(signed_on) < count(*)) x) AS undated_founding,
      (SELECT count(*)::int FROM (SELECT association_id FROM leaders WHERE position_code = 'CT' AND left_on IS NULL
         GROUP BY association_id HAVING count(*) > 1 AND count(elected_on) < count(*)) x) AS undated_presidents,
      (SELECT count(*)::int FROM association_other_fields o JOIN associations a ON a.id = o.association_id
        WHERE a.published AND o.field_code = a.main_field_code) AS other_is_main,
      (SELECT count(*)::int FROM associations a WHERE a.published AND a.managing_ministry_code IS NULL) AS no_ministry`);
    for (const [name, n] of Object.entries(edges ?? {})) expect(n, name).toBeGreaterThan(0);
  });

  it('open data: a chunk of ids in one statement gives the same rows in the order of the ids, unpublished ones left out', async () => {
    const repo = createPublicRepository(t.db.knex);
    const ids = (await t.db.knex('associations').pluck('id')) as number[];
    const shuffled = [...ids].sort(() => random.float() - 0.5);
    for (const chunk of [shuffled.slice(0, 500), shuffled.slice(3, 40), [shuffled[7] as number, 987_654, shuffled[7] as number], []]) {
      for (const withPresident of [false, true]) {
        const rows = await repo.sources(chunk, withPresident);
        expect(rows, `${chunk.length} ids`).toEqual(await refSources(chunk, withPresident));
      }
    }
    // Through the service and HTTP: the JSON holds every published record, each as the record page shows it.
    const json = await request(t.app).get('/du-lieu-mo/hoi.json');
    expect(json.status).toBe(200);
    expect(json.body.data).toHaveLength(await refTotal());
    const one = json.body.data.find((r: { code: string }) => r.code.startsWith('H4')) as Record<string, unknown>;
    expect(await t.services.publicData.detail(String(one.code))).toEqual(one);
  });

  it('renders every kind of value as before, and 404 for an unpublished or unknown code', async () => {
    const k = t.db.knex;
    const { id } = await anAssociation({
      code: 'H499999',
      name: 'Hội Kiểm tra trang hồ sơ',
      scope: 'toan_quoc',
      main_field_code: 'YTE',
      purpose: 'Dòng một\n<dòng hai>',
      email: 'lienhe@hoi-demo.vn',
      website: 'https://hoi-kiem-tra.example.vn',
      members_total: 1_234_567,
      published: true,
    })
      .withOtherFields(['XHND', 'KHCN'])
      .withDecisions([
        { event_type: 'cho_phep_thanh_lap', number: '12/QĐ-BNV', signed_on: '2005-06-01' },
        { event_type: 'cho_phep_thanh_lap', number: 'không ngày' },
      ])
      .insert(k);
    const res = await request(t.app).get('/hoi/H499999');
    expect(res.status).toBe(200);
    const dd = (value: string) => `<dd class="col-sm-8">\n${value}\n</dd>`;
    for (const html of [
      dd('Hội Kiểm tra trang hồ sơ'),
      dd('Khoa học - công nghệ; Xã hội, nhân đạo, trẻ em, người cao tuổi, người khuyết tật'),
      dd('<span class="text-prewrap">Dòng một\n&lt;dòng hai&gt;</span>'),
      dd('<a href="mailto:lienhe@hoi-demo.vn">lienhe@hoi-demo.vn</a>'),
      dd('<a href="https://hoi-kiem-tra.example.vn" rel="noopener noreferrer nofollow">https://hoi-kiem-tra.example.vn</a>'),
      dd('12/QĐ-BNV'),
      dd('01/06/2005'),
      dd('<span class="text-body-secondary">—</span>'),
    ])
      expect(res.text).toContain(html);
    const service79 = createPublicService({ repo: createPublicRepository(k), regime: '79-2022', clock: t.clock });
    expect(await service79.detail('H499999')).toMatchObject({ members_total: 1_234_567, president_name: null, nature: null });
    await k('associations').where({ id }).update({ published: false });
    for (const path of ['/hoi/H499999', '/hoi/H999998']) expect((await request(t.app).get(path)).status, path).toBe(404);
    await k('associations').where({ id }).delete();
  });
});

describe('public home and field counts from the summary table (issue 13)', () => {
  it('after inserts (the demo seed, the generator, statements of many rows)', async () => {
    await expectHomeExact('inserts');
  });

  it('after publication, scope and main field changed (one row and many), other fields added, changed and removed', async () => {
    const k = t.db.knex;
    const ids = (await k('associations').where('code', 'like', 'H4%').orderBy('id').pluck('id')) as number[];
    await k('associations')
      .whereIn('id', ids.slice(0, 40))
      .update({ published: k.raw('NOT published') });
    await expectHomeExact('published flipped');
    await k('associations').whereIn('id', ids.slice(20, 60)).update({ scope: 'xa' });
    await k('associations').where({ id: ids[61] }).update({ main_field_code: 'DNHN' });
    await expectHomeExact('scope and main field');
    // Main field moved onto one of its other fields, and away from it.
    const overlap = await k('association_other_fields as o')
      .join('associations as a', 'a.id', 'o.association_id')
      .where('a.published', true)
      .whereRaw('o.field_code <> a.main_field_code')
      .first('o.association_id', 'o.field_code', 'a.main_field_code');
    await k('associations').where({ id: overlap.association_id }).update({ main_field_code: overlap.field_code });
    await expectHomeExact('main field onto an other field');
    await k('associations').where({ id: overlap.association_id }).update({ main_field_code: overlap.main_field_code });
    await expectHomeExact('main field off it again');
    await k('association_other_fields')
      .insert(ids.slice(60, 100).map((id, i) => ({ association_id: id, field_code: i % 2 ? 'NH' : 'TST' })))
      .onConflict(['association_id', 'field_code'])
      .ignore();
    await expectHomeExact('other fields added');
    await k('association_other_fields').whereIn('association_id', ids.slice(70, 90)).where('field_code', 'NH').delete();
    await k('association_other_fields')
      .where('field_code', 'TST')
      .whereIn('association_id', ids.slice(60, 100))
      .whereNotIn('association_id', k('association_other_fields').where('field_code', 'CQNCA').select('association_id'))
      .update({ field_code: 'CQNCA' });
    await expectHomeExact('other fields removed and changed');
    // The generator's statements: all its rows at once.
    await k('associations').where('code', '>=', 'H500000').where('code', '<', 'H600000').update({ published: true, scope: 'lien_tinh' });
    await expectHomeExact('every generated record published');
  });

  it('after a record edited through the staff form and published through the service', async () => {
    const k = t.db.knex;
    const row = await k('associations').where('code', 'like', 'H4%').where({ published: false }).orderBy('id').first();
    const form = await staff.get(`/quan-tri/hoi/${row.code}/sua`);
    expect(form.status).toBe(200);
    const edited = await editRecord(staff, row.code, {
      scope: 'toan_quoc',
      main_field_code: 'VHNT',
      // The main field among the other fields too: the form keeps it once, as the main field.
      other_field_codes: ['VHNT', 'NH', 'KHCN'],
      data_level: 'basic',
      reason: 'Cập nhật lĩnh vực',
    });
    expect(edited.status, edited.text.slice(0, 3000)).toBe(303);
    expect(((await k('association_other_fields').where({ association_id: row.id }).pluck('field_code')) as string[]).sort()).toEqual([
      'KHCN',
      'NH',
    ]);
    await expectHomeExact('form edit (unpublished)');
    const saved = await k('associations').where({ id: row.id }).first();
    await t.services.associations.setPublished(actor, row.code, true, saved.version);
    await expectHomeExact('published through the service');
  });

  it('after a bulk import', async () => {
    await importAssociations(t, actor, {
      prefix: 'Hội nhập khẩu công khai',
      count: 25,
      scope: () => random.pick(SCOPE_CODES),
      field: () => random.pick(FIELDS),
    });
    await t.db.knex('associations').where('name', 'like', 'Hội nhập khẩu công khai%').update({ published: true });
    await expectHomeExact('import, then published');
  });

  it('after deletions (their other fields go by cascade) and a field code renamed (cascades to both tables)', async () => {
    const k = t.db.knex;
    // Records of this test without a saved version (those the register keeps cannot be deleted).
    const withOther = await k('associations as a')
      .where('a.published', true)
      .where('a.code', 'like', 'H4%')
      .whereNotExists(k('association_versions as v').whereRaw('v.association_id = a.id'))
      .whereExists(k('association_other_fields as o').whereRaw('o.association_id = a.id').whereRaw('o.field_code <> a.main_field_code'))
      .orderBy('a.id')
      .limit(5)
      .pluck('a.id');
    expect(withOther).toHaveLength(5);
    await k('associations').where({ id: withOther[0] }).delete();
    await expectHomeExact('one published record with other fields deleted');
    await k('associations').whereIn('id', withOther.slice(1)).delete();
    await expectHomeExact('several deleted in one statement');
    await deleteGenerated(k);
    expect(await k('associations').where('code', '>=', 'H500000').first()).toBeUndefined();
    await expectHomeExact('the generated set deleted');
    await k('fields').where({ code: 'NH' }).update({ code: 'NGH' });
    expect(await k('associations').where({ main_field_code: 'NGH' }).first()).toBeDefined();
    expect(await k('association_other_fields').where({ field_code: 'NGH' }).first()).toBeDefined();
    await expectHomeExact('field code renamed');
    await k('fields').where({ code: 'NGH' }).update({ code: 'NH', name: 'Ngân hàng (tên mới)' });
    await expectHomeExact('renamed back, with a new name');
  });

  it('a rolled-back transaction leaves no trace', async () => {
    const parts = async () => (await sqlRows<{ n: number }>('SELECT count(*)::int AS n FROM public_summary_parts'))[0]?.n;
    const before = await parts();
    await expect(
      t.db.knex.transaction(async (trx) => {
        await anAssociation({ code: 'H488888', name: 'Hội hoàn tác', scope: 'tinh', main_field_code: 'YTE', published: true })
          .withOtherFields(['KHCN'])
          .insert(trx);
        await trx('associations').where('scope', 'xa').update({ published: false });
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    expect(await parts()).toBe(before);
    await expectHomeExact('rollback');
  });

  it('concurrent writers: other fields added while the association is published in another transaction (PostgreSQL)', async (ctx) => {
    if (t.db.backend !== 'postgres') ctx.skip();
    const k = t.db.knex;
    const blocked = () =>
      vi.waitFor(
        async () => {
          const [w] = await sqlRows<{ n: number }>(
            "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
          );
          if ((w?.n ?? 0) === 0) throw new Error('the second writer never waited');
        },
        { timeout: 5_000, interval: 10 },
      );
    const fresh = async (code: string) =>
      (await anAssociation({ code, name: `Hội đồng thời ${code}`, scope: 'tinh', main_field_code: 'YTE' }).insert(k)).id;
    // Publication first (uncommitted), then other fields: the second trigger waits for the first to commit.
    const a = await fresh('H477771');
    const publish = await k.transaction();
    await publish('associations').where({ id: a }).update({ published: true });
    const add = k.transaction(async (trx) => {
      await trx('association_other_fields').insert({ association_id: a, field_code: 'KHCN' });
    });
    await blocked();
    await publish.commit();
    await add;
    await expectHomeExact('published, then other field added concurrently');
    // Other fields first (uncommitted), then publication.
    const b = await fresh('H477772');
    const adding = await k.transaction();
    await adding('association_other_fields').insert({ association_id: b, field_code: 'VHNT' });
    const publishing = k.transaction(async (trx) => {
      await trx('associations').where({ id: b }).update({ published: true });
    });
    await blocked();
    await adding.commit();
    await publishing;
    await expectHomeExact('other field added, then published concurrently');
  });

  it('a read folds piled-up parts into one row per group; the counts stay the same', async () => {
    const k = t.db.knex;
    const ids = (await k('associations').where('published', true).orderBy('id').limit(10).pluck('id')) as number[];
    const counts = async () =>
      (
        await sqlRows<{ parts: number; groups: number }>(
          'SELECT count(*)::int AS parts, count(DISTINCT (dimension, key))::int AS groups FROM public_summary_parts',
        )
      )[0] as { parts: number; groups: number };
    // Each statement that moves ten records between two scopes appends a part to each of the two.
    await pileUpParts(k, ids, counts, PUBLIC_SUMMARY_SLACK);
    const repo = createPublicRepository(k);
    const before = await repo.summary();
    const after = await counts();
    expect(after.parts).toBe(after.groups);
    expect(await repo.summary()).toEqual(before);
    await expectHomeExact('after folding');
  });

  it("the migration's backfill rebuilds the same counts", async () => {
    await publicSummaryMigration.down(t.db.knex);
    await publicSummaryMigration.up(t.db.knex);
    await expectHomeExact('backfill');
  });
});

describe('the home page and its cache', () => {
  it('a write shows on / and /linh-vuc at the next request', async () => {
    const k = t.db.knex;
    const count = (html: string) => Number(/Hiện có <strong>([\d.]+)<\/strong> hội được công khai/.exec(html)?.[1]?.replace(/\./g, ''));
    const fieldCount = (html: string) =>
      Number(/<a href="\/hoi\?linh-vuc=TST">An ninh thử nghiệm<\/a><\/td>\s*<td class="text-end">(\d+)<\/td>/.exec(html)?.[1] ?? 0);
    const home = await request(t.app).get('/');
    const fields = await request(t.app).get('/linh-vuc');
    const expected = await refHome();
    expect(count(home.text)).toBe(expected.total);
    const tst = expected.byField.find((f) => f.code === 'TST')?.count ?? 0;
    expect(fieldCount(fields.text)).toBe(tst);
    await anAssociation({ code: 'H466666', name: 'Hội Mới công khai', scope: 'huyen', main_field_code: 'YTE', published: true })
      .withOtherFields(['TST'])
      .insert(k);
    const home2 = await request(t.app).get('/');
    expect(count(home2.text)).toBe(expected.total + 1);
    const huyen = expected.scopes.find((s) => s.code === 'huyen')?.count ?? 0;
    expect(home2.text).toMatch(new RegExp(`href="/hoi\\?pham-vi=huyen">[^<]+</a>\\s*<span[^>]*>${huyen + 1}</span>`));
    expect(fieldCount((await request(t.app).get('/linh-vuc')).text)).toBe(tst + 1);
    await expectHomeExact('after the pages');
  });

  it("keeps the cache keys 'total', 'by-field', 'by-scope'; with the cache off every call reads the summary, in one statement", async () => {
    const k = t.db.knex;
    const statements: string[] = [];
    const listen = (q: { sql: string }) => {
      if (q.sql.includes('public_summary_parts')) statements.push(q.sql);
    };
    k.on('query', listen);
    try {
      const repo = createPublicRepository(k);
      const uncached = createPublicService({ repo, regime: '113', clock: t.clock, cache: NO_CACHE });
      await uncached.home();
      expect(statements).toHaveLength(1);
      await uncached.home();
      await uncached.fieldCounts();
      expect(statements).toHaveLength(3);

      const cached = createPublicService({ repo, regime: '113', clock: t.clock, cache: { size: 10, ttlMs: 60_000, checkMs: 0 } });
      const first = await cached.home();
      expect(statements).toHaveLength(4);
      const hits = cached.cacheStats.hits;
      expect(await cached.home()).toEqual(first);
      expect(await cached.fieldCounts()).toEqual(first.byField);
      expect(statements).toHaveLength(4);
      expect(cached.cacheStats.hits).toBe(hits + 4);
      // A write moves the data version: the next call reads again, once for the three keys.
      await k('associations').where({ code: 'H466666' }).update({ published: false });
      const next = await cached.home();
      expect(statements).toHaveLength(5);
      expect(next.total).toBe(first.total - 1);
    } finally {
      k.off('query', listen);
    }
    await expectHomeExact('cache');
  });
});
