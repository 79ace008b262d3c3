/**
 * Support questions: an exploiter, an organisation manager or an association officer asks; staff see all
 * questions (filtered, paginated), answer and close; the asker sees and replies in their own thread only —
 * another user's thread is a 404 (scope in the query, RELIABILITY check 12). Notices go both ways.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { type Agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { createUser, type TestUser } from '../helpers/users.js';

describe('support questions (R-15)', () => {
  let t: TestContext;
  let exploiter: TestUser;
  let officer: TestUser;
  let staff: TestUser;
  let lead: TestUser;
  let askerAgent: Agent;
  let officerAgent: Agent;
  let staffAgent: Agent;
  let threadId: number;

  beforeAll(async () => {
    t = await buildTestApp();
    exploiter = await createUser(t.db.knex, ['exploiter']);
    officer = await createUser(t.db.knex, ['association']);
    staff = await createUser(t.db.knex, ['ngo_staff']);
    lead = await createUser(t.db.knex, ['ngo_lead']);
    askerAgent = await loggedInAgent(t, exploiter);
    officerAgent = await loggedInAgent(t, officer);
    staffAgent = await loggedInAgent(t, staff);
  });
  afterAll(async () => {
    await t.db.destroy();
  });

  const count = async (table: string, where: Record<string, unknown>) =>
    Number((await t.db.knex(table).where(where).count({ n: '*' }).first())?.n);

  it('refuses an empty question with messages, values kept', async () => {
    const form = await askerAgent.get('/hoi-dap/moi');
    expect(form.status).toBe(200);
    const res = await askerAgent
      .post('/hoi-dap/moi')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), subject: 'Xuất Excel <b>lỗi</b>', body: '   ' });
    expect(res.status).toBe(400);
    expect(res.text).toContain('<title>Lỗi: ');
    expect(res.text).toContain('Hãy nhập nội dung câu hỏi.');
    expect(res.text).toContain('value="Xuất Excel &lt;b&gt;lỗi&lt;/b&gt;"');
    const long = await askerAgent
      .post('/hoi-dap/moi')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), subject: 'x'.repeat(201), body: 'b' });
    expect(long.status).toBe(400);
    expect(long.text).toContain('Tiêu đề câu hỏi tối đa 200 ký tự.');
    expect(await count('support_threads', {})).toBe(0);
  });

  it('an exploiter asks; staff are told; the question is in their open list', async () => {
    const form = await askerAgent.get('/hoi-dap/moi');
    const res = await askerAgent
      .post('/hoi-dap/moi')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), subject: 'Cách xuất báo cáo (b)', body: 'Tôi không thấy nút xuất Excel.\nXin hướng dẫn.' });
    expect(res.status).toBe(303);
    threadId = Number(/^\/hoi-dap\/(\d+)$/.exec(String(res.headers.location))?.[1]);
    expect(threadId).toBeGreaterThan(0);
    expect(await count('notifications', { user_id: staff.id, kind: 'support.question' })).toBe(1);
    expect(await count('notifications', { user_id: lead.id, kind: 'support.question' })).toBe(1);
    expect(await count('audit_events', { action: 'support.ask', target_id: String(threadId) })).toBe(1);

    const own = await askerAgent.get('/hoi-dap');
    expect(own.text).toContain('Cách xuất báo cáo (b)');
    const list = await staffAgent.get('/quan-tri/hoi-dap');
    expect(list.status).toBe(200);
    expect(list.text).toContain('Cách xuất báo cáo (b)');
    expect(list.text).toContain(exploiter.username);
    expect((await staffAgent.get('/quan-tri/hoi-dap?trang-thai=answered')).text).not.toContain('Cách xuất báo cáo (b)');
  });

  it("another asker cannot see, list or reply to someone else's thread (404)", async () => {
    expect((await officerAgent.get('/hoi-dap')).text).not.toContain('Cách xuất báo cáo (b)');
    expect((await officerAgent.get(`/hoi-dap/${threadId}`)).status).toBe(404);
    const form = await officerAgent.get('/hoi-dap/moi');
    const reply = await officerAgent
      .post(`/hoi-dap/${threadId}/tra-loi`)
      .type('form')
      .send({ _csrf: csrfFrom(form.text), body: 'chen ngang' });
    expect(reply.status).toBe(404);
    expect(await count('support_messages', { thread_id: threadId })).toBe(1);
    expect((await askerAgent.get('/hoi-dap/999999')).status).toBe(404);
    expect((await askerAgent.get('/hoi-dap/abc')).status).toBe(404);
    // The officer's own question is separate.
    const mine = await officerAgent
      .post('/hoi-dap/moi')
      .type('form')
      .send({ _csrf: csrfFrom(form.text), subject: 'Cập nhật trụ sở', body: 'Hỏi' });
    expect(mine.status).toBe(303);
    expect((await askerAgent.get('/hoi-dap')).text).not.toContain('Cập nhật trụ sở');
  });

  it('staff answer (validated), the asker is told and sees it, replies, and staff close the thread', async () => {
    const page = await staffAgent.get(`/quan-tri/hoi-dap/${threadId}`);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Tôi không thấy nút xuất Excel.');
    const empty = await staffAgent
      .post(`/quan-tri/hoi-dap/${threadId}/tra-loi`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), body: '' });
    expect(empty.status).toBe(400);
    expect(empty.text).toContain('Hãy nhập nội dung trả lời.');
    const ok = await staffAgent
      .post(`/quan-tri/hoi-dap/${threadId}/tra-loi`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text), body: 'Nút «Tải Excel» ở cuối trang báo cáo.' });
    expect(ok.status).toBe(303);
    expect(await count('notifications', { user_id: exploiter.id, kind: 'support.answer' })).toBe(1);
    expect((await t.db.knex('support_threads').where({ id: threadId }).first()).status).toBe('answered');
    expect((await staffAgent.get('/quan-tri/hoi-dap?trang-thai=answered')).text).toContain('Cách xuất báo cáo (b)');

    const thread = await askerAgent.get(`/hoi-dap/${threadId}`);
    expect(thread.text).toContain('Nút «Tải Excel» ở cuối trang báo cáo.');
    expect(thread.text).toContain('Đã trả lời');
    const reply = await askerAgent
      .post(`/hoi-dap/${threadId}/tra-loi`)
      .type('form')
      .send({ _csrf: csrfFrom(thread.text), body: 'Cảm ơn, đã thấy.' });
    expect(reply.status).toBe(303);
    expect((await t.db.knex('support_threads').where({ id: threadId }).first()).status).toBe('open');
    // The staff member who answered hears of the reply.
    expect(await count('notifications', { user_id: staff.id, kind: 'support.reply' })).toBe(1);

    const close = await staffAgent
      .post(`/quan-tri/hoi-dap/${threadId}/dong`)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(close.status).toBe(303);
    expect(await t.db.knex('support_threads').where({ id: threadId }).first()).toMatchObject({ status: 'closed', closed_by: staff.id });
    const closed = await askerAgent.get(`/hoi-dap/${threadId}`);
    expect(closed.text).toContain('Câu hỏi đã đóng');
    const late = await askerAgent
      .post(`/hoi-dap/${threadId}/tra-loi`)
      .type('form')
      .send({ _csrf: csrfFrom(thread.text), body: 'Hỏi thêm' });
    expect(late.status).toBe(409);
    expect(late.text).toContain('Câu hỏi này đã đóng.');
    expect((await staffAgent.get('/quan-tri/hoi-dap?trang-thai=closed')).text).toContain('Cách xuất báo cáo (b)');
    expect((await staffAgent.get('/quan-tri/hoi-dap/999999')).status).toBe(404);
    expect(await count('audit_events', { action: 'support.close', target_id: String(threadId) })).toBe(1);
  });

  it('paginates the staff list', async () => {
    const rows = Array.from({ length: 35 }, (_, i) => ({ asker_user_id: officer.id, subject: `Câu hỏi số ${i + 1}`, status: 'open' }));
    await t.db.knex('support_threads').insert(rows);
    const first = await staffAgent.get('/quan-tri/hoi-dap');
    expect(first.text).toContain('rel="next"');
    expect((first.text.match(/href="\/quan-tri\/hoi-dap\/\d+"/g) ?? []).length).toBe(30);
    const second = await staffAgent.get('/quan-tri/hoi-dap?trang-thai=open&trang=2');
    expect((second.text.match(/href="\/quan-tri\/hoi-dap\/\d+"/g) ?? []).length).toBe(36 - 30);
  });
});
