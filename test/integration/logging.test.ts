/**
 * RELIABILITY check 29: logs are structured JSON, one object a line, and hold no password, session id, CSRF token
 * or TOTP code, after logins (with and without TOTP), a failed login, a refused form and a password change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { agent, csrfFrom, currentCode, sessionCookie } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let officer: TestUser;
let staff: TestUser;

beforeAll(async () => {
  t = await buildTestApp({ LOG_LEVEL: 'trace' });
  officer = await createUser(t.db.knex, ['association']);
  staff = await createUser(t.db.knex, ['ngo_lead']);
});
afterAll(() => t.db.destroy());

describe('structured logs without secrets (check 29)', () => {
  it('keep no password, session id, CSRF token or TOTP code after logins and a form post', async () => {
    const secrets = new Set<string>();
    const remember = (res: { headers: Record<string, unknown>; text?: string }) => {
      const cookie = sessionCookie(res);
      if (cookie) {
        secrets.add(cookie);
        const sid = decodeURIComponent(cookie).replace(/^s:/, '').split('.')[0] as string;
        secrets.add(sid);
      }
      const m = res.text ? /name="_csrf" value="([^"]+)"/.exec(res.text) : null;
      if (m?.[1]) secrets.add(m[1]);
    };
    const startLines = t.logLines.length;

    // A failed login, then a successful one.
    const a = agent(t);
    const page = await a.get('/dang-nhap');
    remember(page);
    const wrongPassword = 'Sai mật khẩu hẳn hoi 2026!';
    secrets.add(wrongPassword);
    const failed = await a
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username: officer.username, password: wrongPassword });
    expect(failed.status).toBe(401);
    remember(failed);
    secrets.add(officer.password);
    const ok = await a
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: csrfFrom(failed.text), username: officer.username, password: officer.password });
    expect(ok.status).toBe(303);
    remember(ok);

    // A refused form: a forged token is not logged either.
    const forged = 'forged-token-value-0123456789abcdef';
    secrets.add(forged);
    expect((await a.post('/tai-khoan/doi-mat-khau').type('form').send({ _csrf: forged })).status).toBe(403);

    // A password change through the form.
    const form = await a.get('/tai-khoan/doi-mat-khau');
    remember(form);
    const newPassword = 'Một mật khẩu mới thật dài cho nhật ký 2026';
    secrets.add(newPassword);
    const changed = await a
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), currentPassword: officer.password, newPassword, confirmPassword: newPassword });
    expect(changed.status).toBe(303);
    remember(changed);
    expect((await a.get('/hoi-cua-toi/')).status).toBe(200);

    // Staff: password then TOTP code.
    const s = agent(t);
    const sPage = await s.get('/dang-nhap');
    remember(sPage);
    const first = await s
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: csrfFrom(sPage.text), username: staff.username, password: staff.password });
    remember(first);
    const codePage = await s.get('/dang-nhap/ma-xac-thuc');
    remember(codePage);
    const code = await currentCode(t, staff.totpSecret as string);
    const done = await s
      .post('/dang-nhap/ma-xac-thuc')
      .type('form')
      .send({ _csrf: csrfFrom(codePage.text), code });
    expect(done.status).toBe(303);
    remember(done);
    expect((await s.get('/quan-tri/')).status).toBe(200);

    const lines = t.logLines.slice(startLines);
    expect(lines.length).toBeGreaterThan(10);
    // Structured: every line is one JSON object with a level, a time and a message.
    const entries = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    for (const e of entries) {
      expect(typeof e.level).toBe('number');
      expect(typeof e.time).toBe('string');
      expect(typeof e.msg).toBe('string');
    }
    // Request lines carry the request id and status, so an operator can follow one request.
    const completed = entries.filter((e) => e.msg === 'request completed');
    expect(completed.length).toBeGreaterThan(5);
    for (const e of completed) {
      expect((e.req as { id?: string }).id).toMatch(/^[0-9a-f-]{36}$/);
      expect(typeof (e.res as { statusCode?: number }).statusCode).toBe('number');
    }
    // No secret anywhere, also not percent-encoded as in a form body or a query string.
    expect(secrets.size).toBeGreaterThan(8);
    const all = lines.join('\n');
    for (const secret of secrets) {
      expect(all, 'a secret reached the log').not.toContain(secret);
      expect(all, 'an encoded secret reached the log').not.toContain(encodeURIComponent(secret));
    }
    // Six digits can occur by chance inside ids; a logged code would be a JSON string or a form value.
    expect(all).not.toMatch(new RegExp(`"${code}"|code=${code}`));
  });
});
