/**
 * Issue 13: with the default settings (the public data version read every PUBLIC_SEARCH_CACHE_CHECK_MS = 250 ms by a
 * timer, the in-process search index, the rendered-page cache), a write shows on every public page after one look
 * at the version: the look's period bounds the delay (≤ 1 s asked). The timer is taken from setInterval (never
 * scheduled) and fired by hand — nothing here waits or times anything. Also: a write made by another process's transaction that commits late
 * (after a later one) is not missed (the change log is read from the previous look's snapshot xmin).
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation, insertAssociations } from '../helpers/builders.js';

let t: TestContext;
/** The callback the search engine gave setInterval, and its period. */
let tick: (() => void) | null = null;
let period = 0;

beforeAll(async () => {
  t = await buildTestApp({ PUBLIC_SEARCH_CACHE_CHECK_MS: '250', PUBLIC_PAGE_CACHE_MB: '8' });
  const k = t.db.knex;
  await insertAssociations(
    k,
    [
      anAssociation({ code: 'H970001', name: 'Hội Nuôi ong Việt Nam', published: true }),
      anAssociation({ code: 'H970002', name: 'Hội Nuôi ong tỉnh Lào Cai', published: true }),
      anAssociation({ code: 'H970003', name: 'Hội Trồng chè Việt Nam', published: false }),
    ].map((a) => a.with({ main_field_code: 'NNMT', hq_province_code: '01' })),
  );
  // The engine's timer is taken, not scheduled: the looks happen only when the test fires it (a real 250 ms timer
  // could fire between a write and the check that the page has not changed yet, on a slow machine).
  const spy = vi.spyOn(globalThis, 'setInterval').mockImplementation(((fn: () => void, ms?: number) => {
    tick = fn;
    period = Number(ms);
    return { unref: () => undefined, ref: () => undefined, hasRef: () => false } as unknown as NodeJS.Timeout;
  }) as typeof setInterval);
  t.services.publicSearch.start();
  spy.mockRestore();
  await t.services.publicSearch.loaded();
  if (!tick) throw new Error('the search engine did not start its timer');
}, 60_000);

afterAll(async () => {
  t.services.publicSearch.stop();
  await t.db.destroy();
});

/** One look at the data version, as the timer makes every `period` ms. */
async function oneLook(): Promise<void> {
  tick?.();
  await t.services.publicSearch.idle();
}

const PAGES = ['/', '/hoi?q=nuoi+ong', '/hoi/H970001', '/linh-vuc', '/hoi?q=tra+xanh'];

describe('a write shows on every public page after one look at the data version (≤ 1 s)', () => {
  it('looks every 250 ms by default', () => {
    expect(period).toBe(250);
    expect(period).toBeLessThanOrEqual(1000);
  });

  it('rename, publication and unpublication', async () => {
    // Each page asked twice: rendered and kept.
    for (const p of PAGES) for (let i = 0; i < 2; i++) expect((await request(t.app).get(p)).status, p).toBe(200);
    const before = await request(t.app).get('/hoi?q=nuoi+ong');
    expect(before.text).toContain('Hội Nuôi ong Việt Nam');
    const home = await request(t.app).get('/');

    const k = t.db.knex;
    await k('associations').where({ code: 'H970001' }).update({ name: 'Hội Trà xanh Việt Nam' });
    await k('associations').where({ code: 'H970003' }).update({ published: true });
    // Until the next look, the pages are the ones kept under the version they were rendered for.
    expect((await request(t.app).get('/hoi?q=nuoi+ong')).text).toContain('Hội Nuôi ong Việt Nam');

    await oneLook();
    expect((await request(t.app).get('/hoi?q=nuoi+ong')).text).not.toContain('Hội Nuôi ong Việt Nam');
    expect((await request(t.app).get('/hoi?q=tra+xanh')).text).toContain('Hội Trà xanh Việt Nam');
    expect((await request(t.app).get('/hoi/H970001')).text).toContain('Hội Trà xanh Việt Nam');
    expect((await request(t.app).get('/hoi/H970003')).status).toBe(200);
    // Two published associations became three: the home page counts them.
    const after = await request(t.app).get('/');
    expect(after.text).not.toBe(home.text);
    expect(after.text).toMatch(/<strong>3<\/strong>/);

    await k('associations').where({ code: 'H970002' }).update({ published: false });
    await oneLook();
    expect((await request(t.app).get('/hoi?q=nuoi+ong')).text).not.toContain('Hội Nuôi ong tỉnh Lào Cai');
    expect((await request(t.app).get('/hoi/H970002')).status).toBe(404);
  });

  it('a transaction that commits after a later one is not missed', async () => {
    const k = t.db.knex;
    // PGlite runs one connection: two transactions cannot overlap there.
    if (t.db.backend !== 'postgres') return;
    const early = await k.transaction();
    await early('associations').where({ code: 'H970002' }).update({ name: 'Hội Cam Vinh', published: true });
    // A later transaction commits first, and a look happens in between.
    await k('associations').where({ code: 'H970003' }).update({ name: 'Hội Bưởi Diễn' });
    await oneLook();
    expect((await request(t.app).get('/hoi?q=buoi+dien')).text).toContain('Hội Bưởi Diễn');
    expect((await request(t.app).get('/hoi?q=cam+vinh')).text).not.toContain('Hội Cam Vinh');
    await early.commit();
    await oneLook();
    expect((await request(t.app).get('/hoi?q=cam+vinh')).text).toContain('Hội Cam Vinh');
  });
});
