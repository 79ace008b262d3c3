/**
 * Anonymous public browsing writes no session (RELIABILITY rule 2 and check 10): 1,000 public GETs create 0 rows
 * in `sessions` and set no session cookie. Only a page with a form (the login page) creates one.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/middleware/session.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.db.destroy());

async function sessionCount(): Promise<number> {
  const row = await t.db.knex('sessions').count<{ n: string | number }[]>('* as n').first();
  return Number(row?.n ?? 0);
}

function setsSessionCookie(res: { headers: Record<string, unknown> }): boolean {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  return list.some((c) => c.startsWith(`${SESSION_COOKIE}=`));
}

const PUBLIC_PAGES: Array<{ path: string; status: number; type: RegExp }> = [
  { path: '/', status: 200, type: /text\/html/ },
  { path: '/healthz', status: 200, type: /application\/json/ },
  { path: '/readyz', status: 200, type: /application\/json/ },
  { path: '/khong-co-trang-nay', status: 404, type: /text\/html/ },
  { path: '/static/css/app.css', status: 200, type: /text\/css/ },
];

describe('anonymous public GETs (check 10)', () => {
  it('1,000 requests create 0 session rows and set no session cookie', { timeout: 120_000 }, async () => {
    expect(await sessionCount()).toBe(0);
    const http = request(t.app);
    let cookies = 0;
    const statuses = new Map<string, number>();
    for (let i = 0; i < 1000; i += 10) {
      const batch = await Promise.all(
        Array.from({ length: 10 }, (_, j) => {
          const page = PUBLIC_PAGES[(i + j) % PUBLIC_PAGES.length] as (typeof PUBLIC_PAGES)[number];
          return http.get(page.path).then((res) => ({ page, res }));
        }),
      );
      for (const { page, res } of batch) {
        expect(res.status, page.path).toBe(page.status);
        expect(res.headers['content-type'], page.path).toMatch(page.type);
        if (setsSessionCookie(res)) cookies++;
        statuses.set(page.path, (statuses.get(page.path) ?? 0) + 1);
      }
    }
    expect([...statuses.values()].reduce((s, n) => s + n, 0)).toBe(1000);
    expect(cookies).toBe(0);
    expect(await sessionCount()).toBe(0);
  });

  it('a browser that already holds a cookie for an unknown session gets no new row either', async () => {
    const res = await request(t.app).get('/').set('Cookie', `${SESSION_COOKIE}=s%3Aforged.sig`);
    expect(res.status).toBe(200);
    expect(setsSessionCookie(res)).toBe(false);
    expect(await sessionCount()).toBe(0);
  });

  it('the login page, which has a form, does create a session (the counter above can see one)', async () => {
    const res = await request(t.app).get('/dang-nhap');
    expect(res.status).toBe(200);
    expect(setsSessionCookie(res)).toBe(true);
    expect(await sessionCount()).toBe(1);
  });
});
