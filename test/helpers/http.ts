/**
 * Browser-like helpers over supertest: a cookie-keeping agent, CSRF tokens read from the rendered form, and
 * login through the real form (and the real TOTP step for staff). CSRF and auth are never switched off.
 */
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent.js';
import { expect } from 'vitest';
import { totpCode } from '../../src/features/auth/totp.js';
import { SESSION_COOKIE } from '../../src/middleware/session.js';
import type { TestContext } from './app.js';
import type { TestUser } from './users.js';

export type Agent = TestAgent;

export function agent(t: TestContext): Agent {
  return request.agent(t.app);
}

/** The `_csrf` value of the first form on the page. */
export function csrfFrom(html: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(html);
  if (!m?.[1]) throw new Error('no _csrf field in page');
  return m[1];
}

export async function csrfToken(a: Agent, path: string): Promise<string> {
  const res = await a.get(path);
  expect(res.status, `GET ${path}`).toBe(200);
  return csrfFrom(res.text);
}

/** The session cookie's value in a response's Set-Cookie (undefined when none was set). */
export function sessionCookie(res: { headers: Record<string, unknown> }): string | undefined {
  const raw = res.headers['set-cookie'];
  const list = Array.isArray(raw) ? (raw as string[]) : typeof raw === 'string' ? [raw] : [];
  const c = list.find((x) => x.startsWith(`${SESSION_COOKIE}=`));
  return c?.split(';')[0]?.slice(SESSION_COOKIE.length + 1);
}

/** Moves the fake clock to a fresh TOTP time step so each login's code is new (codes work once). */
export async function currentCode(t: TestContext, secret: string): Promise<string> {
  t.clock.advance(30_000);
  return totpCode(secret, t.clock.now());
}

/** Log in through the forms. Returns the response of the last step (a 303 to the user's home on success). */
export async function login(t: TestContext, a: Agent, user: Pick<TestUser, 'username' | 'password' | 'totpSecret'>) {
  const token = await csrfToken(a, '/dang-nhap');
  const res = await a.post('/dang-nhap').type('form').send({ _csrf: token, username: user.username, password: user.password });
  if (res.status !== 303) throw new Error(`login failed for ${user.username}: ${res.status}`);
  if (res.headers.location === '/dang-nhap/ma-xac-thuc') {
    if (!user.totpSecret) throw new Error(`${user.username} needs TOTP but has no secret`);
    const codePage = await a.get('/dang-nhap/ma-xac-thuc');
    const code = await currentCode(t, user.totpSecret);
    const done = await a
      .post('/dang-nhap/ma-xac-thuc')
      .type('form')
      .send({ _csrf: csrfFrom(codePage.text), code });
    if (done.status !== 303) throw new Error(`TOTP step failed for ${user.username}: ${done.status}`);
    return done;
  }
  return res;
}

/** The agent with the English interface chosen (the `lang` cookie set by the switch, issue 17 item 2). */
export async function inEnglish(a: Agent): Promise<Agent> {
  await a.get('/ngon-ngu?lang=en').expect(303);
  return a;
}

export async function loggedInAgent(t: TestContext, user: TestUser): Promise<Agent> {
  const a = agent(t);
  await login(t, a, user);
  return a;
}

/** Creates an association through the staff form (/quan-tri/hoi/moi), as a signed-in staff agent would. */
export async function createAssociationViaForm(a: Agent, fields: Record<string, string>) {
  const page = await a.get('/quan-tri/hoi/moi');
  expect(page.status).toBe(200);
  return a
    .post('/quan-tri/hoi/moi')
    .type('form')
    .send({ _csrf: csrfFrom(page.text), ...fields });
}
