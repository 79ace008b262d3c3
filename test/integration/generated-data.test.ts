/**
 * The benchmark data generator (issue 8, seeds/generated): valid rows in every table it fills, within the shapes
 * SPEC §7 asks for, deterministic for a seed, and found by the public search like any published association.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deleteGenerated, GENERATED_CODE_MIN, generateAssociations } from '../../seeds/generated/generate.js';
import { createPublicRepository } from '../../src/features/public/public.repository.js';
import { createTestDatabase, type TestDatabase } from '../helpers/db.js';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(async () => {
  await db?.destroy();
});

async function snapshot() {
  return db
    .knex('associations')
    .where('code', '>=', GENERATED_CODE_MIN)
    .orderBy('code')
    .select('code', 'name', 'scope', 'status', 'hq_province_code');
}

describe('generated data set', () => {
  it('writes N associations with 5–40 leaders, 1–6 congresses, funds and decisions, all constraints holding', async () => {
    const result = await generateAssociations(db.knex, { size: 120, seed: 7, batchSize: 50 });
    expect(result.associations).toBe(120);
    const rows = await snapshot();
    expect(rows).toHaveLength(120);
    expect(rows[0]?.code).toBe('H500001');
    expect(new Set(rows.map((r) => r.name.toLowerCase())).size).toBe(120);
    // Vietnamese names with diacritics, across scopes and provinces of the catalogue.
    expect(rows.every((r) => /^(Hội|Hiệp hội|Liên hiệp hội|Liên đoàn|Câu lạc bộ) /.test(r.name))).toBe(true);
    expect(rows.some((r) => /[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]/i.test(r.name))).toBe(true);
    expect(new Set(rows.map((r) => r.scope)).size).toBeGreaterThanOrEqual(3);
    expect(new Set(rows.map((r) => r.hq_province_code)).size).toBeGreaterThanOrEqual(15);

    const leaders = await db
      .knex('leaders as l')
      .join('associations as a', 'a.id', 'l.association_id')
      .where('a.code', '>=', GENERATED_CODE_MIN)
      .groupBy('a.id')
      .select(db.knex.raw('count(*)::int as n'));
    expect(leaders).toHaveLength(120);
    const leaderCounts = leaders.map((r: { n: number }) => r.n);
    expect(Math.min(...leaderCounts)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...leaderCounts)).toBeLessThanOrEqual(40);
    const congresses = await db
      .knex('congresses as c')
      .join('associations as a', 'a.id', 'c.association_id')
      .where('a.code', '>=', GENERATED_CODE_MIN)
      .groupBy('a.id')
      .select(db.knex.raw('count(*)::int as n'));
    const congressCounts = congresses.map((r: { n: number }) => r.n);
    expect(Math.min(...congressCounts)).toBeGreaterThanOrEqual(1);
    expect(Math.max(...congressCounts)).toBeLessThanOrEqual(6);
    const years = await db.knex('funds').distinct('year').pluck('year');
    expect(years.length).toBe(5);
    expect(await db.knex('decisions').count<{ n: number }[]>('* as n').first()).toMatchObject({ n: expect.any(Number) });
    expect(result.decisions).toBeGreaterThan(120);

    // Members within their total, as the form checks (Biểu mẫu 1 §E): a generated record can be edited as it is.
    const overTotal = await db
      .knex('associations')
      .where('code', '>=', GENERATED_CODE_MIN)
      .where((q) =>
        q
          .whereRaw('members_official > members_total')
          .orWhereRaw('coalesce(members_organisations, 0) + coalesce(members_individuals, 0) > members_total'),
      )
      .pluck('code');
    expect(overTotal).toEqual([]);

    // Published generated records are found by the public search like any other.
    const someName = (await db.knex('associations').where({ published: true }).where('code', '>=', GENERATED_CODE_MIN).first('name'))
      .name as string;
    const found = await createPublicRepository(db.knex).list({ q: someName }, 'phu-hop', 1, 20);
    expect(found.rows[0]?.name).toBe(someName);
  });

  it('is deterministic for a seed and refuses to write twice without --replace', async () => {
    const first = await snapshot();
    await expect(generateAssociations(db.knex, { size: 120, seed: 7 })).rejects.toThrow(/replace/);
    await deleteGenerated(db.knex);
    expect(await snapshot()).toHaveLength(0);
    await generateAssociations(db.knex, { size: 120, seed: 7, batchSize: 30 });
    expect(await snapshot()).toEqual(first);
    await generateAssociations(db.knex, { size: 120, seed: 8, replace: true });
    expect(await snapshot()).not.toEqual(first);
  });
});
