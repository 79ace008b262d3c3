/**
 * Typos in the name searches (issue 15, item 14; src/lib/search-terms.ts; SPEC §5 "tolerates small typos"): one rule
 * for the public list, the staff register's search and its search by leader name. A word of 3 letters or more may be
 * one slip away from a word of the name (a letter wrong, missing, extra, or two neighbouring letters swapped), but
 * only when the words as typed find nothing; diacritics and case never matter; words of one or two letters
 * and words nowhere near are never "corrected" into a match; the staff searches find what the public search finds.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPublicRepository } from '../../src/features/public/public.repository.js';
import { withinOneSlip } from '../../src/lib/search-terms.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';
import { type Agent, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

const CCB = 'H910001';
const KH = 'H910002';
const NCT = 'H910003';
const ONG = 'H910004';
const LUAT = 'H910005';
const TNXP = 'H910006';
const CCB_HIDDEN = 'H910007';
const CO = 'H910008';
const CA = 'H910009';
const ANH = 'H910010';
const CHO = 'H910011';

const SEEDS: Array<{ code: string; name: string; published?: boolean; leaders?: string[] }> = [
  { code: CCB, name: 'Hội Cựu chiến binh tỉnh Điện Biên', leaders: ['Nguyễn Văn Bình', 'Trần Thị Hoa'] },
  { code: KH, name: 'Hội Khuyến học thành phố Đà Nẵng', leaders: ['Lê Văn Tuấn'] },
  { code: NCT, name: 'Hội Người cao tuổi tỉnh Hà Tĩnh', leaders: ['Phạm Thị Lan'] },
  { code: ONG, name: 'Hội Nuôi ong Việt Nam' },
  { code: LUAT, name: 'Hội Luật gia tỉnh Nghệ An' },
  { code: TNXP, name: 'Hội Cựu thanh niên xung phong tỉnh Bình Định' },
  { code: CCB_HIDDEN, name: 'Hội Cựu chiến binh chưa công khai', published: false, leaders: ['Đỗ Văn Bình'] },
  { code: CO, name: 'Câu lạc bộ Cờ tướng Hà Nội' },
  { code: CA, name: 'Hội Nuôi cá sông Hồng' },
  { code: ANH, name: 'Hội Anh Sơn' },
  { code: CHO, name: 'Hội Đông y huyện Chợ Gạo' },
];

let t: TestContext;
let staff: Agent;

beforeAll(async () => {
  t = await buildTestApp();
  await insertAssociations(
    t.db.knex,
    SEEDS.map((s) =>
      anAssociation({ code: s.code, name: s.name, published: s.published ?? true }).withLeaders(
        (s.leaders ?? []).map((full_name, i) => ({ full_name, position_code: i === 0 ? 'CT' : 'PCT' })),
      ),
    ),
  );
  staff = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
}, 120_000);
afterAll(() => t.db.destroy());

/** Codes of the public list's rows, in order. */
async function publicCodes(q: string): Promise<string[]> {
  const res = await request(t.app).get('/hoi').query({ q });
  expect(res.status, q).toBe(200);
  return [...res.text.matchAll(/<td><a href="\/hoi\/(H\d{6})">/g)].map((m) => m[1] as string);
}

/** Codes of the staff register's rows (search by name, or by leader name), in order. */
async function staffCodes(query: { q?: string; 'lanh-dao'?: string }): Promise<string[]> {
  const res = await staff.get('/quan-tri/hoi').query(query);
  expect(res.status, JSON.stringify(query)).toBe(200);
  return [...res.text.matchAll(/<td><code>(H\d{6})<\/code><\/td>/g)].map((m) => m[1] as string);
}

/** The public list by its SQL search (the reference the in-process index is held to; the fallback when it is off). */
async function sqlCodes(q: string): Promise<string[]> {
  return (await createPublicRepository(t.db.knex).list({ q }, 'phu-hop', 1, 20)).rows.map((r) => r.code);
}

const sorted = (xs: string[]) => [...xs].sort();

describe('one slip in a word is tolerated when the words as typed find nothing', () => {
  it.each([
    // The example: two letters of a 4-letter word swapped.
    ['cuu chien bihn', [CCB]],
    // A 3-letter word: swapped, wrong.
    ['khuyen hco', [KH]],
    ['hoi nuoi ogn', [ONG]],
    ['luat gai', [LUAT]],
    // A 5-letter word: swapped, one wrong, one missing.
    ['chein binh', [CCB]],
    ['nguoj cao tuoi', [NCT]],
    ['thahn nien xung phong', [TNXP]],
    ['cuu chien bnh', [CCB]],
    // Diacritics and case ignored, typo or not.
    ['Cựu chến binh', [CCB]],
    ['KHUYẾN HỌC', [KH]],
    ['người cao tuoy', [NCT]],
  ])('%s finds %j on the public list, through the index and the SQL alike', async (q, codes) => {
    expect(await publicCodes(q)).toEqual(codes);
    expect(await sqlCodes(q)).toEqual(codes);
  });

  it('one word corrected is tried before every word: the fewest corrections win', async () => {
    // "huyện Chợ" is one slip from both words of "khuyen hco"; "Khuyến học" needs one correction only.
    expect(withinOneSlip('khuyen', 'huyen') && withinOneSlip('hco', 'cho')).toBe(true);
    expect(await publicCodes('khuyen hco')).toEqual([KH]);
    expect(await staffCodes({ q: 'khuyen hco' })).toEqual([KH]);
    // Two words wrong: found once no single correction finds anything.
    expect(await publicCodes('khuyne hco')).toEqual([KH]);
    expect(await sqlCodes('khuyne hco')).toEqual([KH]);
    expect(await staffCodes({ q: 'cuu chein bihn' })).toEqual(expect.arrayContaining([CCB, CCB_HIDDEN]));
  });

  it('words found as typed are not mixed with typo neighbours', async () => {
    // "ong" is one letter from "sông" (Hội Nuôi cá sông Hồng): not added, since "nuoi ong" is found as typed.
    expect(await publicCodes('nuoi ong')).toEqual([ONG]);
    expect(withinOneSlip('ong', 'song')).toBe(true);
    // Exact words first: "cuu chien binh" finds the veterans only, never the youth volunteers of Bình Định.
    expect(await publicCodes('cuu chien binh')).toEqual([CCB]);
  });

  it('ranks a word equal to the query before a word it only begins', async () => {
    // "an" is a whole word of Hội Luật gia tỉnh Nghệ An and only begins "Anh" of the shorter Hội Anh Sơn.
    const codes = await publicCodes('an');
    expect(codes.indexOf(LUAT)).toBeGreaterThanOrEqual(0);
    expect(codes.indexOf(LUAT)).toBeLessThan(codes.indexOf(ANH));
  });

  it.each([
    // A word nowhere near any word of a name, next to good words.
    ['cuu chien xqzt'],
    ['khuyen toan'],
    ['tuong co vua'],
    // Two slips in one word.
    ['cuu chien bhin'],
    ['kuyne hoc'],
    // Each word near a word of a different name: every word must match in one name.
    ['khuyen ogn'],
    // A word of two letters is never corrected ("ga" is not "gia").
    ['hoi luat ga'],
  ])('%s finds nothing', async (q) => {
    expect(await publicCodes(q)).toEqual([]);
    expect(await sqlCodes(q)).toEqual([]);
    expect(await staffCodes({ q })).toEqual([]);
  });
});

describe('the staff searches follow the same rule', () => {
  it.each([
    'cuu chien bihn',
    'khuyen hco',
    'hoi nuoi ogn',
    'chein binh',
    'nguoj cao tuoi',
    'Cựu chến binh',
    'nuoi ong',
    'cuu chien binh',
    'hoi',
    'ha',
  ])('%s: the register finds what the public list finds, and its unpublished records', async (q) => {
    const published = await publicCodes(q);
    const register = await staffCodes({ q });
    expect(sorted(register.filter((c) => c !== CCB_HIDDEN)), q).toEqual(sorted(published));
  });

  it('the register finds an unpublished record by a typo too', async () => {
    expect(sorted(await staffCodes({ q: 'cuu chien bihn' }))).toEqual(sorted([CCB, CCB_HIDDEN]));
  });

  it.each([
    ['nguyen van binh', [CCB]],
    ['Nguyễn Văn Bính', [CCB]],
    // Typos in a leader's name: swapped in "nguyen", "hoa" and "tuan"; one letter missing in "pham".
    ['ngyuen van binh', [CCB]],
    ['tran thi hao', [CCB]],
    ['le van tuna', [KH]],
    ['pham thi lan', [NCT]],
    ['phm thi lan', [NCT]],
    // Words found as typed: no typo neighbours ("binh" is not widened to its neighbours, both Bình are found).
    ['van binh', [CCB, CCB_HIDDEN]],
    // Nothing near.
    ['pham thi xqz', []],
    ['tran thi hoa xyzt', []],
  ])('leader %s finds %j', async (leader, codes) => {
    expect(sorted(await staffCodes({ 'lanh-dao': leader }))).toEqual(sorted(codes));
  });
});

describe('the vocabulary follows the names', () => {
  it('a new or renamed name and a new leader are found with a typo at once', async () => {
    const k = t.db.knex;
    await k('associations').where({ code: ONG }).update({ name: 'Hội Nuôi ong mật Zzyqua' });
    expect(await publicCodes('nuoi ong zzyqau')).toEqual([ONG]);
    expect(await staffCodes({ q: 'zzyqau' })).toEqual([ONG]);
    const [{ id }] = await k('associations').where({ code: LUAT }).select('id');
    await k('leaders').insert({ association_id: id, full_name: 'Hoàng Văn Quýtz', position_code: 'PCT' });
    expect(await staffCodes({ 'lanh-dao': 'hoang van quyzt' })).toEqual([LUAT]);
  });
});
