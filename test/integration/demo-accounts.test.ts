/**
 * The demo accounts of SPEC §6 log in as a person would: every role with DEMO_PASSWORD, staff with a code from
 * DEMO_TOTP_SECRET, each landing on its home; the `exploiter` and `hoi.demo` reach only their own pages.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemoAccess } from '../../seeds/demo/access.js';
import { DEMO_ACCOUNTS, seedDemoUsers } from '../../seeds/demo/users.js';
import { DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_TOTP_SECRET } from '../../src/config.js';
import { CATEGORY_KEYS } from '../../src/features/reports/categories.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { agent, csrfFrom, csrfToken, currentCode } from '../helpers/http.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000' });
  await seedDemoUsers(t.db.knex, DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_TOTP_SECRET);
  await seedDemoAccess(t.db.knex, t.clock.now());
});
afterAll(() => t.db.destroy());

const HOMES: Record<string, string> = {
  'ngo.staff': '/quan-tri/',
  'ngo.lead': '/quan-tri/',
  'it.admin': '/quan-tri/',
  leader: '/quan-tri/',
  'hoi.demo': '/hoi-cua-toi/',
  'org.manager': '/khai-thac/',
  exploiter: '/khai-thac/',
};

describe('demo accounts (SPEC §6)', () => {
  it('there is one account per role', () => {
    expect(DEMO_ACCOUNTS.map((a) => a.username).sort()).toEqual(Object.keys(HOMES).sort());
  });

  it.each(Object.entries(HOMES))('%s logs in with the demo password (and the demo TOTP secret for staff)', async (username, home) => {
    const a = agent(t);
    const token = await csrfToken(a, '/dang-nhap');
    const res = await a.post('/dang-nhap').type('form').send({ _csrf: token, username, password: DEFAULT_DEMO_PASSWORD });
    expect(res.status).toBe(303);
    const staff = home === '/quan-tri/';
    if (staff) {
      expect(res.headers.location).toBe('/dang-nhap/ma-xac-thuc');
      const page = await a.get('/dang-nhap/ma-xac-thuc');
      const done = await a
        .post('/dang-nhap/ma-xac-thuc')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), code: await currentCode(t, DEFAULT_DEMO_TOTP_SECRET) });
      expect(done.status).toBe(303);
      expect(done.headers.location).toBe(home);
    } else {
      expect(res.headers.location).toBe(home);
    }
    expect((await a.get(home)).status).toBe(200);
    // Only the NGO Department (and the ministry's leadership, read-only) reaches the register.
    expect((await a.get('/quan-tri/hoi')).status).toBe(['ngo.staff', 'ngo.lead', 'leader'].includes(username) ? 200 : 403);
  });
});

/** SPEC §6: "The `exploiter` holds a grant for categories a, b, c, e, l only"; SPEC §1: the manager reads no report. */
const DEMO_GRANT = ['a', 'b', 'c', 'e', 'l'];

describe('demo grant (SPEC §6)', () => {
  async function signIn(username: string) {
    const a = agent(t);
    const token = await csrfToken(a, '/dang-nhap');
    const res = await a.post('/dang-nhap').type('form').send({ _csrf: token, username, password: DEFAULT_DEMO_PASSWORD });
    expect(res.status).toBe(303);
    return a;
  }

  it('exploiter reads categories a, b, c, e, l and no other', async () => {
    const a = await signIn('exploiter');
    const wrong: string[] = [];
    for (const c of CATEGORY_KEYS) {
      const status = (await a.get(`/bao-cao/${c}`)).status;
      if (status !== (DEMO_GRANT.includes(c) ? 200 : 403)) wrong.push(`${c}: ${status}`);
    }
    expect(wrong).toEqual([]);
  });

  it('org.manager sees its organisation on /khai-thac/ and reads no report', async () => {
    const a = await signIn('org.manager');
    expect((await a.get('/khai-thac/')).status).toBe(200);
    expect((await a.get('/bao-cao')).status).toBe(403);
    for (const c of DEMO_GRANT) expect((await a.get(`/bao-cao/${c}?format=csv`)).status, c).toBe(403);
  });
});
