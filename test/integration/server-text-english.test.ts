/**
 * Issue 17 item 2: texts the server makes in Vietnamese — validation messages, error pages — reach an English reader
 * in English (src/lib/server-text.ts, locales/texts/en), and a Vietnamese reader exactly as written.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { agent, csrfFrom, inEnglish, login } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => {
  await t?.db.destroy();
});

/** Vietnamese letters a page's main text must not hold in English (names of records aside: none here). */
const VIETNAMESE = /[ạảãàáâậầấẩẫăắằặẳẵđêềếểễệôồốổỗộơờớởỡợưừứửữựỳýỷỹỵìíỉĩịòóỏõọùúủũụèéẻẽẹ]/i;
const mainText = (html: string) =>
  (/<main[\s\S]*?<\/main>/.exec(html)?.[0] ?? html)
    .replace(/<script[\s\S]*?<\/script>/g, '')
    .replace(/<[^>]+>/g, ' ')
    .replace(/\s+/g, ' ');

describe('validation messages in English', () => {
  it('the sign-in form: the message next to the field and in the summary, 400, values kept', async () => {
    const a = await inEnglish(agent(t));
    const page = await a.get('/dang-nhap').expect(200);
    const res = await a
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username: '', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Enter the username.');
    expect(res.text).not.toContain('Nhập tên đăng nhập.');
    expect(mainText(res.text)).not.toMatch(VIETNAMESE);
  });

  it('the same form in Vietnamese keeps the Vietnamese text of record', async () => {
    const a = agent(t);
    const page = await a.get('/dang-nhap').expect(200);
    const res = await a
      .post('/dang-nhap')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), username: '', password: 'x' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('Nhập tên đăng nhập.');
  });

  it('a service refusal (the change-password form) with a number in it', async () => {
    const user = await createUser(t.db.knex, ['association']);
    const a = await inEnglish(agent(t));
    await login(t, a, user);
    const page = await a.get('/tai-khoan/doi-mat-khau').expect(200);
    const res = await a
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: user.password, newPassword: 'short', confirmPassword: 'short' });
    expect(res.status).toBe(400);
    expect(res.text).toMatch(/The password must have at least \d+ characters\./);
    expect(mainText(res.text)).not.toMatch(VIETNAMESE);
  });
});

describe('error pages in English', () => {
  it('a form whose token has expired: 403 with the English explanation', async () => {
    const a = await inEnglish(agent(t));
    const res = await a.post('/dang-nhap').type('form').send({ _csrf: 'stale', username: 'x', password: 'y' });
    expect(res.status).toBe(403);
    expect(res.text).toContain('The form&#39;s session has expired or is not valid.');
    expect(mainText(res.text)).not.toMatch(VIETNAMESE);
  });

  it('a bad request: the title and message of the generic page', async () => {
    const a = await inEnglish(agent(t));
    const res = await a.get('/hoi?q=%01').set('Accept', 'text/html');
    expect(res.status).toBe(400);
    expect(res.text).toContain('Invalid request');
    expect(res.text).toContain('The page address holds a character that is not allowed');
  });
});

describe('catalogue entries named in English (tx reads the catalogues English names)', () => {
  it('a report row names the field in English, and an edit of the English name shows once the names are read again', async () => {
    const { anAssociation, insertAssociations } = await import('../helpers/builders.js');
    await insertAssociations(t.db.knex, [anAssociation({ name: 'Hội Thử Tên Danh Mục', main_field_code: 'YTE', scope: 'toan_quoc' })]);
    const field = await t.db.knex('fields').where({ code: 'YTE' }).first('name', 'name_en');
    expect(field?.name_en).toBeTruthy();
    const staff = await inEnglish(agent(t));
    await login(t, staff, await createUser(t.db.knex, ['ngo_staff']));
    const rows = (html: string) => [...html.matchAll(/<th scope="row"[^>]*>([^<]*)<\/th>/g)].map((m) => m[1]);
    const before = (await staff.get('/bao-cao/b').expect(200)).text;
    expect(rows(before)).toContain(field?.name_en);
    expect(rows(before)).not.toContain(field?.name);

    // Edited on another instance: read again once the names are older than a minute.
    await t.db.knex('fields').where({ code: 'YTE' }).update({ name_en: 'Health care (edited)' });
    t.clock.advance(61_000);
    await staff.get('/bao-cao/b').expect(200);
    let after = '';
    for (let i = 0; i < 20 && !after.includes('Health care (edited)'); i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = (await staff.get('/bao-cao/b').expect(200)).text;
    }
    expect(rows(after)).toContain('Health care (edited)');
    // Vietnamese readers keep the Vietnamese name.
    const vi = agent(t);
    await login(t, vi, await createUser(t.db.knex, ['ngo_staff']));
    expect(rows((await vi.get('/bao-cao/b').expect(200)).text)).toContain(field?.name);
  });
});
