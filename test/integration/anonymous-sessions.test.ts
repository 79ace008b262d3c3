/**
 * Anonymous public browsing writes no session (RELIABILITY rule 2 and check 10): 1,000 public GETs create 0 rows
 * in `sessions` and set no session cookie. Only a page with a form (the login page) creates one.
 */
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_COOKIE } from '../../src/middleware/session.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { agent, csrfToken } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

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

  // Issue 15 item 6 (this test used to expect a session per visit of the login page, the wrong answer): the login
  // form's CSRF token lives in a signed cookie until there is something to keep in a session.
  it('50 anonymous GETs of the login page store 0 sessions; the login from that form still works', async () => {
    const before = await sessionCount();
    for (let i = 0; i < 50; i++) {
      const res = await request(t.app).get('/dang-nhap');
      expect(res.status).toBe(200);
      expect(res.text).toMatch(/name="_csrf" value="[^"]+"/);
      expect(setsSessionCookie(res)).toBe(false);
    }
    expect(await sessionCount()).toBe(before);

    const user = await createUser(t.db.knex, ['association']);
    const a = agent(t);
    const token = await csrfToken(a, '/dang-nhap');
    expect(await sessionCount()).toBe(before);
    const res = await a.post('/dang-nhap').type('form').send({ _csrf: token, username: user.username, password: user.password });
    expect(res.status).toBe(303);
    expect((await a.get('/hoi-cua-toi/')).status).toBe(200);
    expect(await sessionCount()).toBe(before + 1);
  });

  it('a token from the login page of another browser is refused (403), and nobody is signed in', async () => {
    const user = await createUser(t.db.knex, ['association']);
    const other = agent(t);
    const token = await csrfToken(other, '/dang-nhap');
    const a = agent(t);
    await a.get('/dang-nhap');
    const res = await a.post('/dang-nhap').type('form').send({ _csrf: token, username: user.username, password: user.password });
    expect(res.status).toBe(403);
    expect((await a.get('/hoi-cua-toi/')).status).toBe(303);
  });
});
