/**
 * Data-quality scores (issue 16 item 4): each check passing and failing on built records, the score's arithmetic in
 * SQL, recompute on save (the record's version write) and on a rule change, the nightly job, the staff list's score
 * column, sort and band filter, the record page's checklist (the same stored row as the list: they never disagree),
 * the report of the weakest records and its CSV, the rules page (NGO staff edit, audited, Vietnamese messages), and
 * who may see any of it (not the public, not exploiters, not associations' officers).
 */
import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createQualityRepository } from '../../src/features/quality/quality.repository.js';
import { scoreOf } from '../../src/features/quality/quality-rules.js';
import { vietnamToday } from '../../src/lib/format.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type AssociationBuilder, anAssociation, type CongressColumns, type LeaderColumns } from '../helpers/builders.js';
import { type Agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;
let knex: Knex;
let staff: Agent;
let lead: Agent;
let leader: Agent;
let today: string;

beforeAll(async () => {
  t = await buildTestApp();
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
  return new Map(rows.map((r) => [Number(r.association_id), { score: Number(r.score), passed: [...r.passed].sort(), failed: [...r.failed].sort() }]));
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
      ['nhiem_ky_con_han', complete({}, { congresses: [{ term_number: 1, congress_type: 'nhiem_ky', held_on: '2018-03-01', term_years: 5 }] }), true],
      ['cap_nhat_quy', complete({ updated_at: new Date('2026-05-01T00:00:00Z') }), true],
      // A second current leader without phone or e-mail; a former one without them would not count.
      ['lien_he_lanh_dao', complete().withLeaders([{ full_name: 'Trần Thị Bình', position_code: 'PCT' }]), true],
      // No current leader at all (only a former one, with a phone).
      ['lien_he_lanh_dao', complete({}, { leaders: [{ full_name: 'Đỗ Văn Em', position_code: 'CT', phone: '0900000000', left_on: '2025-06-01' }] }), true],
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
    expect(scoreOf([{ weight: 25, result: 1 }, { weight: 15, result: 0 }, { weight: 10, result: 1 }, { weight: 20, result: null }])).toBe(70);
  });
});
