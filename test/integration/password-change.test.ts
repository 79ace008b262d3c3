/**
 * Password change through the real form (RELIABILITY check 6: policy, argon2id; check 19: field-level Vietnamese
 * message, nothing saved) and one-time passwords from access hand-over (check 8: forced password change,
 * expiry, work once).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, agent, csrfFrom, csrfToken, loggedInAgent } from '../helpers/http.js';
import { createUser } from '../helpers/users.js';

const GENERIC = 'Tên đăng nhập hoặc mật khẩu không đúng, hoặc tài khoản đang tạm khóa.';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.db.destroy());

function userRow(id: number) {
  return t.db
    .knex('users')
    .where({ id })
    .first('password_hash', 'session_generation', 'must_change_password', 'password_expires_at', 'password_changed_at');
}

async function passwordLogin(a: Agent, username: string, password: string) {
  const token = await csrfToken(a, '/dang-nhap');
  return a.post('/dang-nhap').type('form').send({ _csrf: token, username, password });
}

/** The error text rendered next to a field (components/_field-start.ejs). */
function fieldError(html: string, field: string): string | null {
  const m = new RegExp(`id="${field}-error"[^>]*>([\\s\\S]*?)</div>`).exec(html);
  return m?.[1]
    ? m[1]
        .replace(/<[^>]+>/g, '')
        .replace(/^Lỗi:\s*/, '')
        .trim()
    : null;
}

describe('change-password form and the password policy (check 6)', () => {
  it('refuses a short password with the message next to the field and changes nothing', async () => {
    const user = await createUser(t.db.knex, ['association']);
    const a = await loggedInAgent(t, user);
    const before = await userRow(user.id);
    const page = await a.get('/tai-khoan/doi-mat-khau');
    const res = await a
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: user.password, newPassword: 'ngắn quá', confirmPassword: 'ngắn quá' });
    expect(res.status).toBe(400);
    expect(fieldError(res.text, 'newPassword')).toBe('Mật khẩu phải có ít nhất 12 ký tự.');
    expect(res.text).toMatch(
      /id="newPassword"[^>]*aria-invalid="true"|aria-invalid="true"[^>]*id="newPassword"|class="form-control is-invalid" id="newPassword"/,
    );
    expect(res.text).toContain('<title>Lỗi: Đổi mật khẩu');
    // Passwords are never echoed back into the form.
    expect(res.text).not.toContain('ngắn quá');
    expect(res.text).not.toContain(user.password);
    expect(await userRow(user.id)).toEqual(before);
    // Nothing was ended either: the same browser still works and the old password still logs in.
    expect((await a.get('/hoi-cua-toi/')).status).toBe(200);
    expect((await passwordLogin(agent(t), user.username, user.password)).status).toBe(303);
  });

  it('refuses a common password, the username inside, a wrong current password and a mismatch, each by its field', async () => {
    const user = await createUser(t.db.knex, ['association'], { username: 'tran.thi.binh' });
    const a = await loggedInAgent(t, user);
    const before = await userRow(user.id);
    const post = async (body: Record<string, string>) => {
      const page = await a.get('/tai-khoan/doi-mat-khau');
      return a
        .post('/tai-khoan/doi-mat-khau')
        .type('form')
        .send({ _csrf: csrfFrom(page.text), ...body });
    };
    const common = await post({ currentPassword: user.password, newPassword: 'password1234', confirmPassword: 'password1234' });
    expect(common.status).toBe(400);
    expect(fieldError(common.text, 'newPassword')).toMatch(/quá phổ biến/);

    const withName = 'tran.thi.binh-mùa-thu-năm-nay';
    const named = await post({ currentPassword: user.password, newPassword: withName, confirmPassword: withName });
    expect(named.status).toBe(400);
    expect(fieldError(named.text, 'newPassword')).toBe('Mật khẩu không được chứa tên đăng nhập.');

    const good = 'một câu thật dài và dễ nhớ của chị Bình';
    const wrongCurrent = await post({ currentPassword: 'không phải mật khẩu cũ', newPassword: good, confirmPassword: good });
    expect(wrongCurrent.status).toBe(400);
    expect(fieldError(wrongCurrent.text, 'currentPassword')).toBe('Mật khẩu hiện tại không đúng.');

    const mismatch = await post({ currentPassword: user.password, newPassword: good, confirmPassword: `${good}!` });
    expect(mismatch.status).toBe(400);
    expect(fieldError(mismatch.text, 'confirmPassword')).toBe('Mật khẩu nhập lại không khớp với mật khẩu mới.');

    expect(await userRow(user.id)).toEqual(before);
  });

  it('accepts a long passphrase and stores an argon2id hash', async () => {
    const user = await createUser(t.db.knex, ['association']);
    const a = await loggedInAgent(t, user);
    const before = await userRow(user.id);
    const page = await a.get('/tai-khoan/doi-mat-khau');
    const passphrase = 'Trăm năm trong cõi người ta, chữ tài chữ mệnh khéo là ghét nhau';
    const res = await a
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), currentPassword: user.password, newPassword: passphrase, confirmPassword: passphrase });
    expect(res.status).toBe(303);
    const after = await userRow(user.id);
    expect(after.password_hash).toMatch(/^\$argon2id\$/);
    expect(after.password_hash).not.toBe(before.password_hash);
    expect(after.password_hash).not.toContain(passphrase);
    expect(after.session_generation).toBe(before.session_generation + 1);
    expect(after.password_changed_at).not.toBeNull();
    expect((await passwordLogin(agent(t), user.username, passphrase)).status).toBe(303);
  });
});

describe('one-time passwords from access hand-over (check 8)', () => {
  it('forces the change on every page until it is done, then clears the flag', async () => {
    const oneTime = 'Mật khẩu tạm thời 7Q2-XK9-MB4';
    const user = await createUser(t.db.knex, ['association'], { mustChangePassword: true, password: oneTime });
    const a = agent(t);
    const res = await passwordLogin(a, user.username, oneTime);
    expect(res.status).toBe(303);
    for (const path of ['/hoi-cua-toi/', '/', '/khai-thac/', '/quan-tri/', '/dang-nhap', '/trang-khong-ton-tai']) {
      const page = await a.get(path);
      expect(page.status, path).toBe(303);
      expect(page.headers.location, path).toBe('/tai-khoan/doi-mat-khau');
    }
    const form = await a.get('/tai-khoan/doi-mat-khau');
    expect(form.status).toBe(200);
    expect(form.text).toContain('Bạn đang dùng mật khẩu tạm thời. Hãy đặt mật khẩu mới trước khi tiếp tục.');

    // A refused new password keeps the user on the change page.
    const bad = await a
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), currentPassword: oneTime, newPassword: 'ngắn', confirmPassword: 'ngắn' });
    expect(bad.status).toBe(400);
    expect((await a.get('/hoi-cua-toi/')).headers.location).toBe('/tai-khoan/doi-mat-khau');

    const chosen = 'mật khẩu riêng do tôi tự chọn hôm nay';
    const done = await a
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(bad.text), currentPassword: oneTime, newPassword: chosen, confirmPassword: chosen });
    expect(done.status).toBe(303);
    expect(done.headers.location).toBe('/hoi-cua-toi/');
    expect((await userRow(user.id)).must_change_password).toBe(false);
    expect((await a.get('/hoi-cua-toi/')).status).toBe(200);
    expect((await a.get('/')).status).toBe(200);

    // The one-time password worked once: it no longer logs in.
    const reuse = await passwordLogin(agent(t), user.username, oneTime);
    expect(reuse.status).toBe(401);
    expect(reuse.text).toContain(GENERIC);
  });

  it('a one-time password (as user:create issues it) signs in once: a second login with it is refused', async () => {
    // user:create (src/cli/create-user.ts): forced change, expiry in 72 hours.
    const user = await createUser(t.db.knex, ['association'], {
      mustChangePassword: true,
      passwordExpiresAt: new Date(t.clock.now().getTime() + 72 * 3_600_000),
    });
    const first = agent(t);
    const res = await passwordLogin(first, user.username, user.password);
    expect(res.status).toBe(303);
    expect((await first.get('/hoi-cua-toi/')).headers.location).toBe('/tai-khoan/doi-mat-khau');

    // Spent: neither another browser nor the same one signs in with it again.
    for (const again of [agent(t), agent(t)]) {
      const reuse = await passwordLogin(again, user.username, user.password);
      expect(reuse.status).toBe(401);
      expect(reuse.text).toContain(GENERIC);
    }

    // The session it opened must change the password, and can: the one-time password is still its current one.
    const form = await first.get('/tai-khoan/doi-mat-khau');
    expect(form.status).toBe(200);
    const chosen = 'trăng rằm tháng tám sáng trên sông Hương';
    const done = await first
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), currentPassword: user.password, newPassword: chosen, confirmPassword: chosen });
    expect(done.status).toBe(303);
    expect((await passwordLogin(agent(t), user.username, chosen)).status).toBe(303);
    expect((await passwordLogin(agent(t), user.username, user.password)).status).toBe(401);
  });

  it('lets the forced user log out', async () => {
    const user = await createUser(t.db.knex, ['association'], { mustChangePassword: true });
    const a = agent(t);
    expect((await passwordLogin(a, user.username, user.password)).status).toBe(303);
    const form = await a.get('/tai-khoan/doi-mat-khau');
    const out = await a
      .post('/dang-xuat')
      .type('form')
      .send({ _csrf: csrfFrom(form.text) });
    expect(out.status).toBe(303);
    expect(out.headers.location).toBe('/dang-nhap?da-dang-xuat=1');
    expect((await a.get('/tai-khoan/doi-mat-khau')).headers.location).toMatch(/^\/dang-nhap\?tiep=/);
  });

  it('refuses an expired one-time password with the generic message', async () => {
    const expired = await createUser(t.db.knex, ['association'], {
      mustChangePassword: true,
      passwordExpiresAt: new Date(t.clock.now().getTime() - 60_000),
    });
    const res = await passwordLogin(agent(t), expired.username, expired.password);
    expect(res.status).toBe(401);
    expect(res.text).toContain(GENERIC);
    expect(await t.db.knex('sessions').where({ user_id: expired.id }).first()).toBeUndefined();

    // The same password before its expiry works; once the clock passes the expiry it stops.
    const soon = await createUser(t.db.knex, ['association'], {
      mustChangePassword: true,
      passwordExpiresAt: new Date(t.clock.now().getTime() + 60 * 60_000),
    });
    expect((await passwordLogin(agent(t), soon.username, soon.password)).status).toBe(303);
    t.clock.advance(61 * 60_000);
    const late = await passwordLogin(agent(t), soon.username, soon.password);
    expect(late.status).toBe(401);
    expect(late.text).toContain(GENERIC);
  });

  it('clears the expiry with the change', async () => {
    const user = await createUser(t.db.knex, ['association'], {
      mustChangePassword: true,
      passwordExpiresAt: new Date(t.clock.now().getTime() + 24 * 3_600_000),
    });
    const a = agent(t);
    expect((await passwordLogin(a, user.username, user.password)).status).toBe(303);
    const form = await a.get('/tai-khoan/doi-mat-khau');
    const chosen = 'con đường làng quê em mùa lúa chín';
    const done = await a
      .post('/tai-khoan/doi-mat-khau')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), currentPassword: user.password, newPassword: chosen, confirmPassword: chosen });
    expect(done.status).toBe(303);
    expect(await userRow(user.id)).toMatchObject({ must_change_password: false, password_expires_at: null });
    t.clock.advance(48 * 3_600_000);
    expect((await passwordLogin(agent(t), user.username, chosen)).status).toBe(303);
  });
});
