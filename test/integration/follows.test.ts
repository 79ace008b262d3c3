/**
 * Follow a record, save a search (issue 16 item 2): the buttons (POST with CSRF, no script), the follow-changes job
 * turning new versions into notices for the followers allowed to read them (R-8.5: an exploiter only within the grant,
 * an officer only their own record or the public one), saved searches' new matches, "Bỏ theo dõi" from the notice,
 * and the daily digest (e-mail only with SMTP).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anOrganisation } from '../helpers/builders.js';
import { formFields, VALID_STAFF_FORM } from '../helpers/forms.js';
import { type Agent, agent, createAssociationViaForm, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { editRecord } from '../helpers/register-edit.js';
import { startTestSmtp } from '../helpers/smtp.js';
import { createUser, type TestUser } from '../helpers/users.js';

let t: TestContext;
let staff: Agent;
let editor: Agent;
let staffUser: TestUser;
let period = 0;

/** A record made through the staff form (version 1 kept, as every real record), optionally published. */
async function newRecord(name: string, opts: { published?: boolean; extra?: Record<string, string> } = {}): Promise<string> {
  const res = await createAssociationViaForm(editor, { ...VALID_STAFF_FORM, name, ...opts.extra });
  expect(res.status, res.text.slice(0, 1500)).toBe(303);
  const code = String(res.headers.location).split('/').pop() as string;
  if (opts.published) await setPublished(code, true);
  return code;
}

async function setPublished(code: string, published: boolean): Promise<void> {
  const page = await editor.get(`/quan-tri/hoi/${code}`);
  const form = formFields(page.text, `/quan-tri/hoi/${code}/cong-khai`);
  expect(form.published).toBe(published ? '1' : '0');
  expect((await editor.post(`/quan-tri/hoi/${code}/cong-khai`).type('form').send(form)).status).toBe(303);
}

/** Saves the staff form of a record with some fields changed, as another staff member. */
async function edit(code: string, changes: Record<string, string>): Promise<void> {
  const res = await editRecord(editor, code, changes);
  expect(res.status, res.text.slice(0, 1500)).toBe(303);
}

async function runChanges() {
  period += 1;
  const result = await t.services.jobs.runner.run('follow-changes', { trigger: 'manual', period: `test-${period}` });
  expect(result.status, String(result.reason)).toBe('succeeded');
  return result.counts as Record<string, number>;
}

async function noticesOf(user: TestUser, kind?: string) {
  return t.db
    .knex('notifications')
    .where({ user_id: user.id })
    .modify((q) => {
      if (kind) q.where({ kind });
    })
    .orderBy('id')
    .select('*');
}

/** Presses the follow button of a page (the form whose action is /theo-doi/hoi/<code>…). */
async function pressFollow(a: Agent, pagePath: string, code: string, action: 'follow' | 'unfollow') {
  const page = await a.get(pagePath);
  expect(page.status, pagePath).toBe(200);
  const url = action === 'follow' ? `/theo-doi/hoi/${code}` : `/theo-doi/hoi/${code}/bo`;
  expect(page.text).toContain(`action="${url}"`);
  const res = await a.post(url).type('form').send(formFields(page.text, url));
  // The page it returns to, read as a browser would (its flash message is shown there, not on a later page).
  const landing = res.status === 303 ? await a.get(String(res.headers.location)) : null;
  if (landing) expect(landing.status).toBe(200);
  return Object.assign(res, { landing: landing?.text ?? '' });
}

async function exploiterWith(categories: string[]): Promise<{ user: TestUser; agent: Agent; orgId: number }> {
  const org = await anOrganisation().withGrant({ categories }).insert(t.db.knex);
  const user = await createUser(t.db.knex, ['exploiter']);
  await t.db.knex('users').where({ id: user.id }).update({ organisation_id: org.id });
  return { user, agent: await loggedInAgent(t, user), orgId: org.id };
}

beforeAll(async () => {
  t = await buildTestApp({ LOGIN_RATE_LIMIT: '1000' });
  staffUser = await createUser(t.db.knex, ['ngo_staff']);
  staff = await loggedInAgent(t, staffUser);
  editor = await loggedInAgent(t, await createUser(t.db.knex, ['ngo_staff']));
});
afterAll(() => t.db.destroy());

describe('following a record (buttons, CSRF, scope)', () => {
  it('the staff record page follows and unfollows with a CSRF token; without one nothing changes', async () => {
    const code = await newRecord('Hội Theo dõi nút bấm');
    const page = await staff.get(`/quan-tri/hoi/${code}`);
    expect(page.text).toContain(`action="/theo-doi/hoi/${code}"`);
    expect(page.text).toMatch(/>Theo dõi<span class="visually-hidden"> Hội Theo dõi nút bấm<\/span>/);

    const forged = await staff
      .post(`/theo-doi/hoi/${code}`)
      .type('form')
      .send({ tiep: `/quan-tri/hoi/${code}` });
    expect(forged.status).toBe(403);
    expect(await t.db.knex('follows').where({ user_id: staffUser.id })).toHaveLength(0);

    const res = await pressFollow(staff, `/quan-tri/hoi/${code}`, code, 'follow');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/quan-tri/hoi/${code}`);
    expect(res.landing).toContain('Bạn đã theo dõi Hội Theo dõi nút bấm');
    expect(res.landing).toContain(`action="/theo-doi/hoi/${code}/bo"`);
    const audit = await t.db.knex('audit_events').where({ action: 'follow.add', target_id: code }).first();
    expect(audit).toBeDefined();

    const mine = await staff.get('/theo-doi');
    expect(mine.status).toBe(200);
    expect(mine.text).toContain('Hội Theo dõi nút bấm');

    const off = await pressFollow(staff, `/quan-tri/hoi/${code}`, code, 'unfollow');
    expect(off.status).toBe(303);
    expect(off.landing).toContain('Đã bỏ theo dõi Hội Theo dõi nút bấm');
    expect(await t.db.knex('follows').where({ user_id: staffUser.id })).toHaveLength(0);
    expect((await staff.get('/theo-doi')).text).toContain('Bạn chưa theo dõi hội nào');
  });

  it('an exploiter cannot follow what their grant does not let them read (404, nothing stored); report (a) can', async () => {
    const hidden = await newRecord('Hội Chưa công khai thử');
    const noA = await exploiterWith(['b']);
    const token = csrfFrom((await noA.agent.get('/theo-doi')).text);
    const refused = await noA.agent.post(`/theo-doi/hoi/${hidden}`).type('form').send({ _csrf: token });
    expect(refused.status).toBe(404);
    expect(await t.db.knex('follows').where({ user_id: noA.user.id })).toHaveLength(0);

    const withA = await exploiterWith(['a']);
    const res = await pressFollow(withA.agent, `/bao-cao/a?ma=${hidden}`, hidden, 'follow');
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`/bao-cao/a?ma=${hidden}`);
    expect(await t.db.knex('follows').where({ user_id: withA.user.id })).toHaveLength(1);
  });

  it("an officer follows their own record from their home, and not another association's unpublished one", async () => {
    const own = await newRecord('Hội Của cán bộ đầu mối');
    const other = await newRecord('Hội Khác chưa công khai');
    const [row] = await t.db.knex('associations').where({ code: own }).select('id');
    const officer = await createUser(t.db.knex, ['association'], { associationId: row.id });
    const a = await loggedInAgent(t, officer);
    expect((await pressFollow(a, '/hoi-cua-toi/', own, 'follow')).status).toBe(303);
    const token = csrfFrom((await a.get('/theo-doi')).text);
    expect((await a.post(`/theo-doi/hoi/${other}`).type('form').send({ _csrf: token })).status).toBe(404);
    expect(await t.db.knex('follows').where({ user_id: officer.id }).pluck('association_id')).toEqual([row.id]);
  });
});

describe('change notices (follow-changes job)', () => {
  it('tells a follower what changed, links to their view, once; not their own edits', async () => {
    const code = await newRecord('Hội Thay đổi có người theo dõi');
    expect((await pressFollow(staff, `/quan-tri/hoi/${code}`, code, 'follow')).status).toBe(303);
    await edit(code, { tax_code: '0101234567', hq_address: '99 Tràng Thi' });
    await runChanges();
    const notices = await noticesOf(staffUser, 'follow.record');
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toBe('Hồ sơ hội bạn theo dõi có thay đổi: Hội Thay đổi có người theo dõi');
    expect(notices[0].body).toContain('Mã số thuế');
    expect(notices[0].body).toContain('Trụ sở chính: số nhà, đường');
    expect(notices[0].link).toBe(`/quan-tri/hoi/${code}`);
    const [{ version }] = await t.db.knex('associations').where({ code }).select('version');
    expect(await t.db.knex('follows').where({ user_id: staffUser.id }).pluck('seen_version')).toEqual([version]);

    // A re-run tells nobody twice; the follower's own edit is not news to them.
    await runChanges();
    expect((await editRecord(staff, code, { phone: '024 3333 4444' })).status).toBe(303);
    const counts = await runChanges();
    expect(counts.own_changes).toBe(1);
    expect(await noticesOf(staffUser, 'follow.record')).toHaveLength(1);
  });

  it('names only what each follower may read; an exploiter whose grant does not cover the record hears nothing', async () => {
    const code = await newRecord('Hội Phạm vi thông báo', { published: true });
    const withA = await exploiterWith(['a']);
    const noA = await exploiterWith(['b']);
    expect((await pressFollow(withA.agent, `/bao-cao/a?ma=${code}`, code, 'follow')).status).toBe(303);
    // Published: the exploiter without report (a) follows it from the public page.
    expect((await pressFollow(noA.agent, `/hoi/${code}`, code, 'follow')).status).toBe(303);

    // Tax code: in report (a), not public.
    await edit(code, { tax_code: '0309999999' });
    await runChanges();
    const a1 = await noticesOf(withA.user, 'follow.record');
    expect(a1).toHaveLength(1);
    expect(a1[0].body).toContain('Mã số thuế');
    expect(a1[0].link).toBe(`/bao-cao/a?ma=${code}`);
    expect(await noticesOf(noA.user, 'follow.record')).toHaveLength(0);

    // A public field: the public reader hears of it, and of nothing else.
    await edit(code, { hq_address: '1 Đinh Tiên Hoàng', tax_code: '0308888888' });
    await runChanges();
    const b = await noticesOf(noA.user, 'follow.record');
    expect(b).toHaveLength(1);
    expect(b[0].body).toContain('Trụ sở chính: số nhà, đường');
    expect(b[0].body).not.toContain('Mã số thuế');
    expect(b[0].link).toBe(`/hoi/${code}`);

    // The grant revoked and the record withdrawn from the public pages: neither exploiter may read it any more.
    await t.db
      .knex('access_grants')
      .where({ organisation_id: withA.orgId })
      .update({ revoked_at: new Date(Date.now() - 60_000) });
    await setPublished(code, false);
    await edit(code, { hq_address: '2 Đinh Tiên Hoàng' });
    await runChanges();
    expect(await noticesOf(withA.user, 'follow.record')).toHaveLength(2);
    expect(await noticesOf(noA.user, 'follow.record')).toHaveLength(1);
    // Their page keeps only the code of a record they can no longer read.
    const mine = await noA.agent.get('/theo-doi');
    expect(mine.text).toContain(`Hồ sơ mã ${code}`);
    expect(mine.text).not.toContain('Hội Phạm vi thông báo');
  });

  it('"Bỏ theo dõi" on the notice stops the follow', async () => {
    const code = await newRecord('Hội Bỏ theo dõi từ thông báo', { published: true });
    const reader = await createUser(t.db.knex, ['org_manager']);
    const a = await loggedInAgent(t, reader);
    expect((await pressFollow(a, `/hoi/${code}`, code, 'follow')).status).toBe(303);
    await edit(code, { website: 'https://hoi-bo-theo-doi.example.vn' });
    await runChanges();
    const list = await a.get('/thong-bao');
    expect(list.text).toContain('Hồ sơ hội bạn theo dõi có thay đổi: Hội Bỏ theo dõi từ thông báo');
    const fields = formFields(list.text, `/theo-doi/hoi/${code}/bo`);
    expect(fields.tiep).toBe('/thong-bao');
    const res = await a.post(`/theo-doi/hoi/${code}/bo`).type('form').send(fields);
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe('/thong-bao');
    expect(await t.db.knex('follows').where({ user_id: reader.id })).toHaveLength(0);
    const again = await a.get('/thong-bao');
    expect(again.text).toContain('Đã bỏ theo dõi Hội Bỏ theo dõi từ thông báo');
    expect(again.text).not.toContain(`action="/theo-doi/hoi/${code}/bo"`);
  });
});

describe('saved searches', () => {
  it('saves the public search when signed in, and announces each new published match once', async () => {
    await newRecord('Hội Làm vườn Cao Nguyên cũ', { published: true });
    const user = await createUser(t.db.knex, ['association']);
    const a = await loggedInAgent(t, user);
    expect((await agent(t).get('/hoi?q=lam+vuon')).text).not.toContain('Lưu tìm kiếm này');
    const page = await a.get('/hoi?q=lam+vuon&pham-vi=toan_quoc&trang=1');
    expect(page.text).toContain('Lưu tìm kiếm này');
    const fields = formFields(page.text, '/theo-doi/tim-kiem');
    expect(fields).toMatchObject({ q: 'lam vuon', 'pham-vi': 'toan_quoc' });
    expect(fields.trang).toBeUndefined();
    expect(
      (
        await a
          .post('/theo-doi/tim-kiem')
          .type('form')
          .send({ ...fields, _csrf: undefined })
      ).status,
    ).toBe(403);
    const saved = await a.post('/theo-doi/tim-kiem').type('form').send(fields);
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe('/hoi?q=lam%20vuon&pham-vi=toan_quoc');
    expect((await a.post('/theo-doi/tim-kiem').type('form').send(fields)).status).toBe(303);
    const rows = await t.db.knex('saved_searches').where({ user_id: user.id });
    expect(rows).toHaveLength(1);
    expect(rows[0].label).toBe('“lam vuon” · Phạm vi: Toàn quốc');

    // A record published before the search was saved is not news; a new one is, a non-matching one is not.
    await runChanges();
    expect(await noticesOf(user, 'follow.search')).toHaveLength(0);
    const match = await newRecord('Hội Làm vườn Tây Nguyên', { published: true });
    await newRecord('Hội Cờ tướng Tây Nguyên', { published: true });
    await newRecord('Hội Làm vườn chưa công khai');
    await runChanges();
    const notices = await noticesOf(user, 'follow.search');
    expect(notices).toHaveLength(1);
    expect(notices[0].title).toBe('Tìm kiếm đã lưu có 1 hội mới phù hợp: “lam vuon” · Phạm vi: Toàn quốc');
    expect(notices[0].body).toContain(`Hội Làm vườn Tây Nguyên (mã ${match})`);
    expect(notices[0].body).not.toContain('Cờ tướng');
    expect(notices[0].body).not.toContain('chưa công khai');
    expect(notices[0].link).toBe('/hoi?q=lam%20vuon&pham-vi=toan_quoc');

    // Its later edits (outside what the search reads) announce nothing more.
    await edit(match, { phone: '0900 000 123' });
    await runChanges();
    expect(await noticesOf(user, 'follow.search')).toHaveLength(1);

    // "Bỏ theo dõi" on the notice removes the saved search.
    const list = await a.get('/thong-bao');
    const id = rows[0].id;
    const form = formFields(list.text, `/theo-doi/tim-kiem/${id}/xoa`);
    expect((await a.post(`/theo-doi/tim-kiem/${id}/xoa`).type('form').send(form)).status).toBe(303);
    expect(await t.db.knex('saved_searches').where({ user_id: user.id })).toHaveLength(0);
  });

  it('refuses an unknown catalogue code (400) and removes only its own searches (404)', async () => {
    const user = await createUser(t.db.knex, ['exploiter']);
    const a = await loggedInAgent(t, user);
    const token = csrfFrom((await a.get('/theo-doi')).text);
    const bad = await a.post('/theo-doi/tim-kiem').type('form').send({ _csrf: token, 'linh-vuc': 'KHONG_CO' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Lĩnh vực không có trong danh mục.');
    expect(await t.db.knex('saved_searches').where({ user_id: user.id })).toHaveLength(0);
    const [other] = await t.db
      .knex('saved_searches')
      .insert({ user_id: staffUser.id, query: JSON.stringify({ q: 'y te' }), query_key: '["y te",null,null,null]', label: '“y te”' })
      .returning('id');
    expect((await a.post(`/theo-doi/tim-kiem/${other.id}/xoa`).type('form').send({ _csrf: token })).status).toBe(404);
    expect(await t.db.knex('saved_searches').where({ id: other.id })).toHaveLength(1);
  });
});

describe('daily digest (the notice digest, follow notices included)', () => {
  /** Follow notices as the follow-changes job writes them, and one notice of another kind. */
  async function followNotices(ctx: TestContext, user: TestUser, titles: string[]) {
    await ctx.db.knex.transaction(async (trx) => {
      for (const [i, title] of titles.entries()) {
        await ctx.services.notifications.notifyUsers(trx, [user.id], {
          kind: i % 2 === 0 ? 'follow.record' : 'follow.search',
          title,
          body: `Nội dung ${title}.`,
          link: `/hoi/H00000${i + 1}`,
        });
      }
      await ctx.services.notifications.notifyUsers(trx, [user.id], { kind: 'cycle.quarterly', title: 'Kỳ cập nhật dữ liệu' });
    });
    return ctx.db.knex('notifications').where({ user_id: user.id }).orderBy('id').select('id', 'kind', 'emailed_at');
  }

  it('without SMTP sends nothing and leaves the notices as they are', async () => {
    const user = await createUser(t.db.knex, ['leader']);
    await t.db.knex('users').where({ id: user.id }).update({ email: 'khong.gui@bnv.test' });
    await followNotices(t, user, ['Tin một']);
    const run = await t.services.jobs.runner.run('notice-digest', { trigger: 'manual', period: '2026-12-07' });
    expect(run.status).toBe('succeeded');
    expect(run.counts).toMatchObject({ smtp_configured: 0, emails_sent: 0 });
    expect(await t.db.knex('notifications').where({ user_id: user.id }).whereNotNull('emailed_at')).toHaveLength(0);
  });

  it('with SMTP: one e-mail per user and day listing the unread notices, follow notices included, each e-mailed once', async () => {
    const smtp = await startTestSmtp();
    const m = await buildTestApp({
      SMTP_URL: smtp.url,
      MAIL_FROM: 'CSDL hội <no-reply@csdl-hoi.test>',
      PUBLIC_URL: 'https://csdl-hoi.example.vn',
    });
    const send = vi.spyOn(m.services.mailer, 'send');
    try {
      const user = await createUser(m.db.knex, ['leader']);
      await m.db.knex('users').where({ id: user.id }).update({ email: 'lanh.dao@bnv.test', notice_email: 'daily' });
      const noAddress = await createUser(m.db.knex, ['exploiter']);
      const rows = await followNotices(m, user, [
        'Hồ sơ hội bạn theo dõi có thay đổi: Hội A',
        'Tìm kiếm đã lưu có 1 hội mới',
        'Đã đọc rồi',
      ]);
      await followNotices(m, noAddress, ['Không có địa chỉ']);
      // One is read before the digest: left out of it.
      await m.db.knex('notifications').where({ id: rows[2]?.id }).update({ read_at: new Date() });

      const run = await m.services.jobs.runner.run('notice-digest', { trigger: 'manual', period: '2026-12-08' });
      expect(run.status, String(run.reason)).toBe('succeeded');
      expect(smtp.messages.map((x) => x.to)).toEqual([['lanh.dao@bnv.test']]);
      expect(smtp.messages[0]?.messageId).toBe(`<notice-digest-${user.id}.2026-12-08@csdl-hoi>`);
      const mail = send.mock.calls[0]?.[0];
      expect(mail?.subject).toMatch(/^\[CSDL hội\] Thông báo ngày \d{2}\/\d{2}\/\d{4}: 3 thông báo mới$/);
      expect(mail?.text).toContain('1. Hồ sơ hội bạn theo dõi có thay đổi: Hội A');
      expect(mail?.text).toContain('2. Tìm kiếm đã lưu có 1 hội mới');
      expect(mail?.text).toContain('3. Kỳ cập nhật dữ liệu');
      expect(mail?.text).toContain('Xem tại: https://csdl-hoi.example.vn/hoi/H000001');
      expect(mail?.text).toContain('Xem tất cả thông báo: https://csdl-hoi.example.vn/thong-bao');
      expect(mail?.text).not.toContain('Đã đọc rồi');
      const emailed = await m.db.knex('notifications').where({ user_id: user.id }).whereNotNull('emailed_at').pluck('id');
      expect(emailed.sort()).toEqual([rows[0]?.id, rows[1]?.id, rows[3]?.id].sort());

      // The same day again is skipped; the next day with nothing new sends nothing.
      expect((await m.services.jobs.runner.run('notice-digest', { trigger: 'manual', period: '2026-12-08' })).status).toBe('skipped');
      expect((await m.services.jobs.runner.run('notice-digest', { trigger: 'manual', period: '2026-12-09' })).status).toBe('succeeded');
      expect(smtp.messages).toHaveLength(1);
    } finally {
      send.mockRestore();
      await m.db.destroy();
      await smtp.close();
    }
  });
});
