/**
 * Open redirect after login (RELIABILITY check 17, rule 3): an absolute, protocol-relative or dot-segment `tiep`
 * sends the user to their own home, never off-site; a local one is honoured.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { agent, csrfFrom } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let officer: TestUser;

beforeAll(async () => {
  t = await buildTestApp();
  officer = await createUser(t.db.knex, ['association']);
});
afterAll(() => t.db.destroy());

const EVIL = [
  '//evil.example',
  'https://evil.example',
  'https://evil.example/hoi-cua-toi/',
  '/\\evil.example',
  '/..//evil.example',
  '/%2e%2e//evil.example',
];

describe('login return path (check 17)', () => {
  it.each(EVIL)('tiep=%s in the login URL ends on the user home', async (tiep) => {
    const a = agent(t);
    const page = await a.get(`/dang-nhap?tiep=${encodeURIComponent(tiep)}`);
    expect(page.status).toBe(200);
    expect(page.text).not.toContain('evil.example');
    const res = await a
      .post('/dang-nhap')
      .type('form')
      .send({
        _csrf: csrfFrom(page.text),
        username: officer.username,
        password: officer.password,
        tiep: /name="tiep" value="([^"]*)"/.exec(page.text)?.[1] ?? '',
      });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/hoi-cua-toi/');
  });

  it.each(EVIL)('tiep=%s posted with the form ends on the user home', async (tiep) => {
    const a = agent(t);
    const page = await a.get('/dang-nhap');
    const res = await a
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username: officer.username, password: officer.password, tiep });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/hoi-cua-toi/');
  });

  it('a refused login does not echo an off-site tiep back into the form', async () => {
    const a = agent(t);
    const page = await a.get('/dang-nhap');
    const res = await a
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username: officer.username, password: 'sai mật khẩu rồi nhé', tiep: '//evil.example' });
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('evil.example');
  });

  it('a local tiep is honoured (control)', async () => {
    const a = agent(t);
    const page = await a.get(`/dang-nhap?tiep=${encodeURIComponent('/tai-khoan/doi-mat-khau')}`);
    expect(page.text).toContain('name="tiep" value="/tai-khoan/doi-mat-khau"');
    const res = await a
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username: officer.username, password: officer.password, tiep: '/tai-khoan/doi-mat-khau' });
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/tai-khoan/doi-mat-khau');
  });
});
