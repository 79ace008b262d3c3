/**
 * Issue 19 item 3, "every limit shared": the rate limiters count in the database (rate_limit_hits), so two instances
 * of the application on one database give one budget, not two — for login attempts and access registrations per IP
 * address, and for an API key's calls. The window ends after its time (application clock); a database that cannot
 * count lets the request pass with a logged error (fail open). The store itself: increment, decrement, reset, prune,
 * and no hit lost when two connection pools count the same key at once.
 */
import type { Options } from 'express-rate-limit';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KnexRateLimitStore } from '../../src/middleware/rateLimitStore.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anOrganisation } from '../helpers/builders.js';
import { agent, csrfToken } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

const ENV = {
  LOGIN_RATE_LIMIT: '5',
  ACCESS_REGISTRATION_RATE_LIMIT: '2',
  API_KEY_RATE_LIMIT: '3',
  API_KEY_RATE_WINDOW_SECONDS: '60',
};

let a: TestContext;
let b: TestContext;
let user: TestUser;

beforeAll(async () => {
  a = await buildTestApp(ENV);
  b = await buildTestApp(ENV, { sameDatabaseAs: a });
  user = await createUser(a.db.knex, ['association']);
});
afterAll(async () => {
  await b.db.destroy();
  await a.db.destroy();
});
beforeEach(async () => {
  await a.db.knex('rate_limit_hits').delete();
});

/** A browser on one instance: its own session and CSRF token. */
async function browser(t: TestContext, path: string) {
  const ag = agent(t);
  const token = await csrfToken(ag, path);
  return {
    post: (url: string, body: Record<string, string>) =>
      ag
        .post(url)
        .type('form')
        .send({ _csrf: token, ...body }),
  };
}

describe('two instances share one budget', () => {
  it('login: 5 attempts on A, the 6th on B is refused; after the window both answer again', async () => {
    const onA = await browser(a, '/dang-nhap');
    const onB = await browser(b, '/dang-nhap');
    const attempt = (on: typeof onA, i: number) => on.post('/dang-nhap', { username: user.username, password: `sai lần ${i}` });
    for (let i = 1; i <= 5; i++) expect((await attempt(onA, i)).status, `attempt ${i} on A`).toBe(401);
    const limited = await attempt(onB, 6);
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Bạn đã thử đăng nhập quá nhiều lần từ địa chỉ này');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await attempt(onA, 7)).status).toBe(429);
    const row = await a.db.knex('rate_limit_hits').where({ limiter: 'login' }).first('hits');
    expect(row?.hits).toBe(7);

    a.clock.advance(a.config.login.rateWindowMs + 1000);
    expect((await attempt(onB, 8)).status).toBe(401);
    expect((await attempt(onA, 9)).status).toBe(401);
    expect((await a.db.knex('rate_limit_hits').where({ limiter: 'login' }).first('hits'))?.hits).toBe(2);
  });

  it('access registration: 2 forms on A, the 3rd on B is refused; the personal-data form keeps a budget of its own', async () => {
    const onA = await browser(a, '/dang-ky-khai-thac');
    const onB = await browser(b, '/dang-ky-khai-thac');
    expect((await onA.post('/dang-ky-khai-thac', {})).status).toBe(400);
    expect((await onA.post('/dang-ky-khai-thac', {})).status).toBe(400);
    const limited = await onB.post('/dang-ky-khai-thac', {});
    expect(limited.status).toBe(429);
    expect(limited.text).toContain('Bạn đã gửi quá nhiều phiếu đăng ký');

    const pdA = await browser(a, '/du-lieu-ca-nhan/yeu-cau');
    const pdB = await browser(b, '/du-lieu-ca-nhan/yeu-cau');
    expect((await pdA.post('/du-lieu-ca-nhan/yeu-cau', {})).status).not.toBe(429);
    expect((await pdB.post('/du-lieu-ca-nhan/yeu-cau', {})).status).not.toBe(429);
    expect((await pdA.post('/du-lieu-ca-nhan/yeu-cau', {})).status).toBe(429);
  });

  it('an API key: 3 calls on A, the 4th on B is refused; another key keeps its budget', async () => {
    const org = (
      await anOrganisation()
        .withGrant({ categories: ['b'] })
        .insert(a.db.knex)
    ).id;
    const manager = await createUser(a.db.knex, ['org_manager']);
    await a.db.knex('users').where({ id: manager.id }).update({ organisation_id: org });
    const actor = { userId: manager.id, username: manager.username, roles: ['org_manager'], ip: null, requestId: null };
    const one = (await a.services.apiKeys.create(actor, org, { label: 'Một', expires_on: null })).token;
    const two = (await a.services.apiKeys.create(actor, org, { label: 'Hai', expires_on: null })).token;
    const call = (t: TestContext, key: string) => request(t.app).get('/api/v1/bao-cao').set('Authorization', `Bearer ${key}`);
    expect((await call(a, one)).status).toBe(200);
    expect((await call(b, one)).status).toBe(200);
    expect((await call(a, one)).status).toBe(200);
    const limited = await call(b, one);
    expect(limited.status).toBe(429);
    expect(limited.body.message).toContain('Khóa API đã gọi quá 3 lần');
    expect((await call(a, two)).status).toBe(200);

    a.clock.advance(61_000);
    expect((await call(b, one)).status).toBe(200);
  });
});

describe('when the database cannot count', () => {
  it('lets the login attempt through (fail open) and logs the error', async () => {
    const onA = await browser(a, '/dang-nhap');
    await a.db.knex.raw('ALTER TABLE rate_limit_hits RENAME TO rate_limit_hits_away');
    try {
      for (let i = 1; i <= 6; i++) {
        const res = await onA.post('/dang-nhap', { username: user.username, password: `sai khi mất bảng ${i}` });
        expect(res.status, `attempt ${i}`).toBe(401);
      }
    } finally {
      await a.db.knex.raw('ALTER TABLE rate_limit_hits_away RENAME TO rate_limit_hits');
    }
    const errors = a.logLines.filter((l) => l.includes('"limiter":"login"') && l.includes('error from store'));
    expect(errors.length).toBeGreaterThanOrEqual(6);
    // Counting again once the table is back.
    const res = await onA.post('/dang-nhap', { username: user.username, password: 'sai lần nữa' });
    expect(res.status).toBe(401);
    expect((await a.db.knex('rate_limit_hits').where({ limiter: 'login' }).first('hits'))?.hits).toBe(1);
  });
});

describe('KnexRateLimitStore', () => {
  const WINDOW = 60_000;
  const storeOn = (t: TestContext, prefix = 'unit') => {
    const s = new KnexRateLimitStore(t.db.knex, t.clock, prefix);
    s.init({ windowMs: WINDOW } as Options);
    return s;
  };

  it('counts, decrements, resets a key or the whole limiter, and starts a new window when one ends', async () => {
    const s = storeOn(a);
    const other = storeOn(a, 'other');
    expect(await s.get('1.2.3.4')).toBeUndefined();
    const first = await s.increment('1.2.3.4');
    expect(first.totalHits).toBe(1);
    expect(first.resetTime?.getTime()).toBe(a.clock.now().getTime() + WINDOW);
    a.clock.advance(10_000);
    const second = await s.increment('1.2.3.4');
    expect(second).toEqual({ totalHits: 2, resetTime: first.resetTime });
    expect((await s.increment('1.2.3.4')).totalHits).toBe(3);
    await s.decrement('1.2.3.4');
    expect(await s.get('1.2.3.4')).toEqual({ totalHits: 2, resetTime: first.resetTime });
    // Same key, another limiter: counted apart.
    expect((await other.increment('1.2.3.4')).totalHits).toBe(1);

    await s.resetKey('1.2.3.4');
    expect(await s.get('1.2.3.4')).toBeUndefined();
    expect(await other.get('1.2.3.4')).toMatchObject({ totalHits: 1 });

    await s.increment('5.6.7.8');
    await s.increment('9.9.9.9');
    await s.resetAll();
    expect(await s.get('5.6.7.8')).toBeUndefined();
    expect(await s.get('9.9.9.9')).toBeUndefined();
    expect(await other.get('1.2.3.4')).toMatchObject({ totalHits: 1 });

    // The window ends: get() sees nothing, the next hit opens a new window at 1, a decrement of an ended window is ignored.
    await s.increment('1.2.3.4');
    await s.increment('1.2.3.4');
    a.clock.advance(WINDOW);
    expect(await s.get('1.2.3.4')).toBeUndefined();
    await s.decrement('1.2.3.4');
    const fresh = await s.increment('1.2.3.4');
    expect(fresh).toEqual({ totalHits: 1, resetTime: new Date(a.clock.now().getTime() + WINDOW) });
    await s.decrement('1.2.3.4');
    await s.decrement('1.2.3.4');
    expect(await s.get('1.2.3.4')).toMatchObject({ totalHits: 0 });
  });

  it('prune() deletes only the rows whose window has ended', async () => {
    const s = storeOn(a);
    await s.increment('ended');
    a.clock.advance(WINDOW / 2);
    await s.increment('running');
    a.clock.advance(WINDOW / 2);
    expect(await a.app.locals.rateLimitStores.prune()).toBe(1);
    const keys = (await a.db.knex('rate_limit_hits').pluck('key')) as string[];
    expect(keys).toEqual(['running']);
  });

  it('loses no hit when two instances count the same key at once', async () => {
    const onA = storeOn(a, 'race');
    const onB = storeOn(b, 'race');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? onA : onB).increment('10.0.0.1')));
    expect(results.map((r) => r.totalHits).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(new Set(results.map((r) => r.resetTime?.getTime())).size).toBe(1);
    expect(await onA.get('10.0.0.1')).toMatchObject({ totalHits: 20 });
  });
});

describe('RATE_LIMIT_STORE=memory', () => {
  it('counts in each process (two instances, two budgets) and writes no row', async () => {
    const m1 = await buildTestApp({ ...ENV, RATE_LIMIT_STORE: 'memory' }, { sameDatabaseAs: a });
    const m2 = await buildTestApp({ ...ENV, RATE_LIMIT_STORE: 'memory' }, { sameDatabaseAs: a });
    try {
      const on1 = await browser(m1, '/dang-ky-khai-thac');
      const on2 = await browser(m2, '/dang-ky-khai-thac');
      expect([(await on1.post('/dang-ky-khai-thac', {})).status, (await on1.post('/dang-ky-khai-thac', {})).status]).toEqual([400, 400]);
      expect((await on2.post('/dang-ky-khai-thac', {})).status).toBe(400);
      expect((await on1.post('/dang-ky-khai-thac', {})).status).toBe(429);
      expect(Number((await m1.db.knex('rate_limit_hits').count<{ n: string }[]>('* as n'))[0]?.n)).toBe(0);
    } finally {
      await m2.db.destroy();
      await m1.db.destroy();
    }
  });
});
