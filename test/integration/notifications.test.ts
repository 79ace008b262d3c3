/**
 * In-app notifications (issue 5 §4): a user sees only their own notices, the header shows the unread count,
 * opening one marks it read and follows its link, a dedupe key makes notifying idempotent (R-13.2's "exactly one
 * reminder"), and another user's notice id changes nothing (scope in the query, RELIABILITY check 12).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

describe('notifications', () => {
  let t: TestContext;
  let staff: TestUser;
  let other: TestUser;

  beforeAll(async () => {
    t = await buildTestApp();
    staff = await createUser(t.db.knex, ['ngo_staff']);
    other = await createUser(t.db.knex, ['ngo_lead']);
  });
  afterAll(async () => {
    await t.db.destroy();
  });

  it('notifies by role once per dedupe key, shows the unread count, opens and marks read', async () => {
    const n = t.services.notifications;
    const first = await n.notifyRoles(t.db.knex, ['ngo_staff'], {
      kind: 'submission.received',
      title: 'Có biểu mẫu mới chờ duyệt',
      body: 'Hội <b>thử</b> đã nộp Biểu mẫu 1.',
      link: '/quan-tri/',
      dedupeKey: 'submission:1:received',
    });
    const again = await n.notifyRoles(t.db.knex, ['ngo_staff'], {
      kind: 'submission.received',
      title: 'x',
      dedupeKey: 'submission:1:received',
    });
    expect(first).toBeGreaterThanOrEqual(1);
    expect(again).toBe(0);
    expect(await n.unreadCount(staff.id)).toBe(1);
    expect(await n.unreadCount(other.id)).toBe(0);

    const a = await loggedInAgent(t, staff);
    const home = await a.get('/quan-tri/');
    expect(home.text).toMatch(/Thông báo <span class="badge[^"]*">1<span class="visually-hidden"> chưa đọc/);
    const page = await a.get('/thong-bao');
    expect(page.status).toBe(200);
    expect(page.text).toContain('Có biểu mẫu mới chờ duyệt');
    expect(page.text).toContain('Hội &lt;b&gt;thử&lt;/b&gt;');
    const id = /action="\/thong-bao\/(\d+)\/mo"/.exec(page.text)?.[1];
    expect(id).toBeDefined();

    // Another user cannot open (or mark read) this notice.
    const b = await loggedInAgent(t, other);
    const bPage = await b.get('/thong-bao');
    expect(bPage.text).not.toContain('Có biểu mẫu mới chờ duyệt');
    const stolen = await b
      .post(`/thong-bao/${id}/mo`)
      .type('form')
      .send({ _csrf: csrfFrom(bPage.text) });
    expect(stolen.status).toBe(404);
    expect(await n.unreadCount(staff.id)).toBe(1);

    const open = await a
      .post(`/thong-bao/${id}/mo`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(open.status).toBe(303);
    expect(open.headers.location).toBe('/quan-tri/');
    expect(await n.unreadCount(staff.id)).toBe(0);
  });

  it('refuses an external link and marks all read', async () => {
    const n = t.services.notifications;
    await expect(n.notifyUsers(t.db.knex, [other.id], { kind: 'x', title: 'x', link: 'https://evil.example' })).rejects.toThrow();
    await n.notifyUsers(t.db.knex, [other.id], { kind: 'a', title: 'Thông báo A' });
    await n.notifyUsers(t.db.knex, [other.id], { kind: 'b', title: 'Thông báo B' });
    expect(await n.unreadCount(other.id)).toBe(2);
    const b = await loggedInAgent(t, other);
    const page = await b.get('/thong-bao');
    const res = await b
      .post('/thong-bao/da-doc-tat-ca')
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(res.status).toBe(303);
    expect(await n.unreadCount(other.id)).toBe(0);
  });
});
