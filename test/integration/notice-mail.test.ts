/**
 * E-mail for every notice (issue 17 item 4), through a real SMTP server started here: the alerts (term congress,
 * annual report reminder, failed restore drill, access decision, submission outcome, follow) each become a notice
 * and an e-mail for a user who chose "immediately", one digest for "daily", nothing for "never"; no duplicate on a
 * re-run; SMTP down → retried, nothing lost; the one-click unsubscribe (GET asks, POST does; RFC 8058 POST from the
 * mail program; a tampered or expired link → 400); the settings page; no SMTP → nothing sent, said so.
 */
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createJobs } from '../../src/jobs/registry.js';
import { createJobRunner } from '../../src/jobs/runner.js';
import type { Mailer, MailMessage } from '../../src/lib/mailer.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { anAssociation } from '../helpers/builders.js';
import { agent, csrfFrom, loggedInAgent } from '../helpers/http.js';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { createUser, type TestUser } from '../helpers/users.js';

const BASE = 'https://csdl-hoi.example.vn';

/** A runner of the application's jobs sending through `mailer`. */
function runnerWith(t: TestContext, mailer: Mailer) {
  const deps = { db: t.db.knex, config: t.config, clock: t.clock };
  return createJobRunner({
    ...deps,
    logger: pino({ level: 'silent' }),
    jobs: createJobs({ ...deps, notifications: t.services.notifications, mailer }),
  });
}

/** The headers of a received message, folded lines joined. */
function headersOf(raw: string): string {
  return (raw.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
}

/** The unsubscribe address in a message's text. */
function unsubscribeLink(text: string): string {
  const m = /Ngừng nhận thư thông báo \(không cần đăng nhập\): (\S+)/.exec(text);
  if (!m?.[1]) throw new Error('no unsubscribe link');
  return m[1].slice(BASE.length);
}

/** A fresh period for each run of the frequent job (a scheduled job succeeds once per period). */
let tick = 0;
const now = () => ({ trigger: 'manual' as const, period: `tick-${++tick}` });

let t: TestContext;
let smtp: TestSmtp;
const sent: MailMessage[] = [];
let staff: TestUser;
let lead: TestUser;
let officer: TestUser;
let itAdmin: TestUser;
let manager: TestUser;
let never: TestUser;
let association: { id: number; code: string };

async function setMail(user: TestUser, email: string | null, choice: 'immediately' | 'daily' | 'never') {
  await t.db.knex('users').where({ id: user.id }).update({ email, notice_email: choice });
}

beforeAll(async () => {
  smtp = await startTestSmtp();
  t = await buildTestApp({
    SMTP_URL: smtp.url,
    MAIL_FROM: 'CSDL hội <no-reply@csdl-hoi.test>',
    PUBLIC_URL: BASE,
    LOGIN_RATE_LIMIT: '1000',
  });
  const send = t.services.mailer.send.bind(t.services.mailer);
  vi.spyOn(t.services.mailer, 'send').mockImplementation(async (m) => {
    await send(m);
    sent.push(m);
  });
  staff = await createUser(t.db.knex, ['ngo_staff']);
  lead = await createUser(t.db.knex, ['ngo_lead']);
  itAdmin = await createUser(t.db.knex, ['it_admin']);
  manager = await createUser(t.db.knex, ['org_manager']);
  never = await createUser(t.db.knex, ['leader']);
  // The term ended in five years from 20/12/2021: within a month of today (the tests run in December 2026 or later:
  // then overdue — an alert either way).
  association = await anAssociation()
    .withCongresses([{ term_number: 1, congress_type: 'nhiem_ky', held_on: '2021-12-20', term_years: 5 }])
    .insert(t.db.knex);
  officer = await createUser(t.db.knex, ['association'], { associationId: association.id });
  await setMail(staff, 'staff@bnv.test', 'immediately');
  await setMail(lead, 'lead@bnv.test', 'daily');
  await setMail(itAdmin, 'it@bnv.test', 'immediately');
  await setMail(officer, 'officer@hoi.test', 'immediately');
  await setMail(manager, 'manager@to-chuc.test', 'immediately');
  await setMail(never, 'never@bnv.test', 'never');
});
afterAll(async () => {
  vi.restoreAllMocks();
  await t.db.destroy();
  await smtp.close();
});

describe("every alert: a notice, and an e-mail by the recipient's choice", () => {
  it('"immediately" gets one e-mail per notice, "daily" one digest, "never" nothing; re-runs send nothing again', async () => {
    const runner = t.services.jobs.runner;
    // Term congress alert (officers of the association, NGO staff and lead) and the annual report reminder (staff, lead).
    expect((await runner.run('congress-alerts', { trigger: 'manual' })).status).toBe('succeeded');
    const annual = await runner.run('annual-report-reminder', { trigger: 'manual', period: '2026' });
    expect(annual.status, String(annual.reason)).toBe('succeeded');
    // A restore drill with no backup to restore fails: the IT Centre is told.
    expect((await runner.run('backup-drill', { trigger: 'manual' })).status).toBe('failed');
    // An access decision, a submission outcome and a follow notice, as their features write them.
    await t.db.knex.transaction(async (trx) => {
      await t.services.notifications.notifyUsers(trx, [manager.id], {
        kind: 'access_request.approved',
        title: 'Đề nghị gia hạn quyền khai thác đã được duyệt',
        body: 'Quyền khai thác có hiệu lực đến 31/12/2027.',
        link: '/khai-thac',
      });
      await t.services.notifications.notifyAssociation(trx, association.id, {
        kind: 'submission.returned',
        title: 'Biểu mẫu 1 của hội bị trả lại để sửa',
        body: 'Đề nghị bổ sung địa chỉ trụ sở.',
        link: '/hoi-cua-toi',
      });
      await t.services.notifications.notifyUsers(trx, [staff.id, never.id], {
        kind: 'follow.record',
        title: 'Hồ sơ hội bạn theo dõi có thay đổi',
        link: `/quan-tri/hoi/${association.code}`,
      });
    });
    const kindsOf = async (u: TestUser) =>
      (await t.db.knex('notifications').where({ user_id: u.id }).orderBy('id').pluck('kind')) as string[];
    expect(await kindsOf(staff)).toEqual(['congress.alert', 'annual_report.reminder', 'follow.record']);
    expect(await kindsOf(lead)).toEqual(['congress.alert', 'annual_report.reminder']);
    expect(await kindsOf(officer)).toEqual(['congress.alert', 'submission.returned']);
    expect(await kindsOf(itAdmin)).toEqual(['backup.drill_failed']);
    expect(await kindsOf(manager)).toEqual(['access_request.approved']);
    expect(await kindsOf(never)).toEqual(['follow.record']);

    const run = await runner.run('notice-mail', now());
    expect(run.status, String(run.reason)).toBe('succeeded');
    expect(run.counts).toMatchObject({ smtp_configured: 1, emails_sent: 7, notices_for_digest: 2, notices_skipped: 1 });
    const to = smtp.messages.flatMap((m) => m.to).sort();
    expect(to).toEqual(
      [
        'it@bnv.test',
        'manager@to-chuc.test',
        'officer@hoi.test',
        'officer@hoi.test',
        'staff@bnv.test',
        'staff@bnv.test',
        'staff@bnv.test',
      ].sort(),
    );
    // One Message-ID per notice; the RFC 8058 headers; Vietnamese subject and text with absolute links.
    const staffIds = (await t.db.knex('notifications').where({ user_id: staff.id }).orderBy('id').pluck('id')) as Array<number | string>;
    expect(
      smtp.messages
        .filter((m) => m.to[0] === 'staff@bnv.test')
        .map((m) => m.messageId)
        .sort(),
    ).toEqual(staffIds.map((id) => `<notice-${id}@csdl-hoi>`).sort());
    for (const m of smtp.messages) {
      const h = headersOf(m.raw);
      expect(h).toMatch(new RegExp(`List-Unsubscribe: <${BASE}/thu-dien-tu/huy-nhan\\?t=[\\w.-]+>`));
      expect(h).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    }
    const drill = sent.find((m) => m.to === 'it@bnv.test');
    expect(drill?.subject).toBe('[CSDL hội] Diễn tập khôi phục bản sao lưu thất bại');
    expect(drill?.text).toContain('Kính gửi Người dùng');
    expect(drill?.text).toContain(`Xem tại: ${BASE}/quan-tri/he-thong/sao-luu`);
    expect(drill?.text).toContain(`Đổi cách nhận thư (gửi ngay, tổng hợp mỗi ngày hoặc không gửi): ${BASE}/tai-khoan/nhan-thu`);
    const returned = sent.find((m) => m.subject.includes('bị trả lại'));
    expect(returned?.to).toBe('officer@hoi.test');
    expect(returned?.text).toContain('Đề nghị bổ sung địa chỉ trụ sở.');

    // Re-run: nothing new to send.
    const again = await runner.run('notice-mail', now());
    expect(again.counts).toMatchObject({ emails_sent: 0 });
    expect(smtp.messages).toHaveLength(7);

    // The daily digest: one e-mail for the lead listing both notices; once per day.
    const digest = await runner.run('notice-digest', { trigger: 'manual', period: '2026-12-08' });
    expect(digest.status, String(digest.reason)).toBe('succeeded');
    expect(digest.counts).toMatchObject({ recipients: 1, emails_sent: 1, notices_sent: 2 });
    expect(smtp.messages).toHaveLength(8);
    const daily = smtp.messages[7];
    expect(daily?.to).toEqual(['lead@bnv.test']);
    expect(daily?.messageId).toBe(`<notice-digest-${lead.id}.2026-12-08@csdl-hoi>`);
    const dailyText = sent[7]?.text ?? '';
    expect(sent[7]?.subject).toMatch(/^\[CSDL hội\] Thông báo ngày \d{2}\/\d{2}\/\d{4}: 2 thông báo mới$/);
    expect(dailyText).toMatch(/1\. .*đại hội/);
    expect(dailyText).toContain('2. ');
    expect(dailyText).toContain('Ngừng nhận thư thông báo (không cần đăng nhập)');
    expect((await runner.run('notice-digest', { trigger: 'manual', period: '2026-12-08' })).status).toBe('skipped');
    expect((await runner.run('notice-digest', { trigger: 'manual', period: '2026-12-09' })).counts).toMatchObject({ emails_sent: 0 });
    expect(smtp.messages).toHaveLength(8);
    // Nothing ever went to the "never" user; the notice is still in the portal.
    expect(smtp.messages.flatMap((m) => m.to)).not.toContain('never@bnv.test');
    expect(await t.db.knex('notifications').where({ user_id: never.id, mail_state: 'skipped' })).toHaveLength(1);
  });

  it('SMTP down: the run fails, nothing is lost; the next run sends each notice exactly once', async () => {
    await t.db.knex.transaction(async (trx) => {
      for (const n of [1, 2, 3])
        await t.services.notifications.notifyUsers(trx, [staff.id], { kind: 'submission.received', title: `Hồ sơ mới số ${n}` });
    });
    const down: Mailer = {
      enabled: true,
      async send() {
        throw new Error('connect ECONNREFUSED (injected)');
      },
      close() {},
    };
    const before = smtp.messages.length;
    const failed = await runnerWith(t, down).run('notice-mail', now());
    expect(failed.status).toBe('failed');
    expect(failed.reason).toMatch(/^3 thư thông báo chưa gửi được \(0 thư đã gửi/);
    expect(smtp.messages).toHaveLength(before);
    // Half-way: the first accepted, then the server goes away.
    let accepted = 0;
    const flaky: Mailer = {
      enabled: true,
      async send(m) {
        if (accepted >= 1) throw new Error('421 service not available (injected)');
        accepted += 1;
        await t.services.mailer.send(m);
      },
      close() {},
    };
    expect((await runnerWith(t, flaky).run('notice-mail', now())).status).toBe('failed');
    expect(smtp.messages.length - before).toBe(1);
    const ok = await t.services.jobs.runner.run('notice-mail', now());
    expect(ok.status).toBe('succeeded');
    // The two failed runs each told the IT Centre (issue 19 item 4): those notices go by e-mail too once SMTP is back.
    const latest = sent.slice(-5).map((m) => m.subject);
    expect(latest.filter((x) => x.includes('Tác vụ định kỳ thất bại: Gửi thư điện tử cho thông báo mới'))).toHaveLength(2);
    const subjects = latest.filter((x) => x.includes('Hồ sơ mới'));
    expect(subjects.sort()).toEqual(['[CSDL hội] Hồ sơ mới số 1', '[CSDL hội] Hồ sơ mới số 2', '[CSDL hội] Hồ sơ mới số 3']);
    expect(smtp.messages.length - before).toBe(5);
    expect(new Set(smtp.messages.map((m) => m.messageId)).size).toBe(smtp.messages.length);
  });
});

describe('one-click unsubscribe', () => {
  it('GET shows a confirmation and changes nothing; its button (POST) sets "never", audited', async () => {
    const mail = sent.find((m) => m.to === 'staff@bnv.test');
    const link = unsubscribeLink(mail?.text ?? '');
    const a = agent(t);
    const page = await a.get(link);
    expect(page.status).toBe(200);
    expect(page.text).toContain('Ngừng nhận thư thông báo</button>');
    expect(await t.db.knex('users').where({ id: staff.id }).first('notice_email')).toMatchObject({ notice_email: 'immediately' });
    const done = await a
      .post(link)
      .type('form')
      .send({ _csrf: csrfFrom(page.text) });
    expect(done.status).toBe(200);
    expect(done.text).toContain('Đã ngừng gửi thư thông báo cho tài khoản này.');
    expect(await t.db.knex('users').where({ id: staff.id }).first('notice_email')).toMatchObject({ notice_email: 'never' });
    const audit = await t.db.knex('audit_events').where({ action: 'notice_email.unsubscribe', target_id: String(staff.id) });
    expect(audit).toHaveLength(1);
    // Now nothing more is e-mailed to that user.
    await t.services.notifications.notifyUsers(t.db.knex, [staff.id], { kind: 'follow.record', title: 'Sau khi ngừng nhận' });
    const before = smtp.messages.length;
    await t.services.jobs.runner.run('notice-mail', now());
    expect(smtp.messages).toHaveLength(before);
  });

  it("the mail program's one-click POST (RFC 8058) unsubscribes without a session or confirmation", async () => {
    const mail = sent.find((m) => m.to === 'it@bnv.test');
    const link = unsubscribeLink(mail?.text ?? '');
    const res = await agent(t).post(link).type('form').send('List-Unsubscribe=One-Click');
    expect(res.status).toBe(200);
    expect(await t.db.knex('users').where({ id: itAdmin.id }).first('notice_email')).toMatchObject({ notice_email: 'never' });
  });

  it('a tampered, malformed or expired link is refused with a 400 page in Vietnamese and changes nothing', async () => {
    const mail = sent.find((m) => m.to === 'officer@hoi.test');
    const link = unsubscribeLink(mail?.text ?? '');
    // Another user's id under this signature.
    const forged = link.replace(/t=\d+\./, `t=${manager.id}.`);
    for (const bad of [forged, `${link.slice(0, -2)}xx`, '/thu-dien-tu/huy-nhan?t=abc', '/thu-dien-tu/huy-nhan']) {
      const get = await agent(t).get(bad);
      expect(get.status).toBe(400);
      expect(get.text).toContain('Liên kết ngừng nhận thư không hợp lệ hoặc đã hết hạn');
      expect((await agent(t).post(bad).type('form').send('List-Unsubscribe=One-Click')).status).toBe(400);
    }
    const now = t.clock.now();
    t.clock.set(new Date(now.getTime() + 91 * 86_400_000));
    try {
      expect((await agent(t).post(link).type('form').send('List-Unsubscribe=One-Click')).status).toBe(400);
    } finally {
      t.clock.set(now);
    }
    expect(await t.db.knex('users').whereIn('id', [officer.id, manager.id]).pluck('notice_email')).toEqual(['immediately', 'immediately']);
    // Any other POST still needs the CSRF token.
    expect((await agent(t).post('/thong-bao/da-doc-tat-ca').type('form').send({})).status).toBe(403);
  });
});

describe('the settings page', () => {
  it('shows the choice, saves it with the CSRF token (audited), keeps a bad value with a message (400)', async () => {
    const a = await loggedInAgent(t, officer);
    const list = await a.get('/thong-bao');
    expect(list.text).toContain('href="/tai-khoan/nhan-thu"');
    const page = await a.get('/tai-khoan/nhan-thu');
    expect(page.status).toBe(200);
    expect(page.text).toContain('officer@hoi.test');
    expect(page.text).toMatch(/value="immediately" checked/);
    expect((await a.post('/tai-khoan/nhan-thu').type('form').send({ notice_email: 'daily' })).status).toBe(403);
    const bad = await a
      .post('/tai-khoan/nhan-thu')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), notice_email: 'weekly' });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('Chọn một trong ba cách nhận thư thông báo.');
    expect(await t.db.knex('users').where({ id: officer.id }).first('notice_email')).toMatchObject({ notice_email: 'immediately' });
    const ok = await a
      .post('/tai-khoan/nhan-thu')
      .type('form')
      .send({ _csrf: csrfFrom(page.text), notice_email: 'daily' });
    expect(ok.status).toBe(303);
    expect(ok.headers.location).toBe('/tai-khoan/nhan-thu');
    const after = await a.get('/tai-khoan/nhan-thu');
    expect(after.text).toMatch(/value="daily" checked/);
    expect(after.text).toContain('Đã lưu: một thư tổng hợp mỗi ngày.');
    const audit = await t.db.knex('audit_events').where({ action: 'notice_email.update', actor_user_id: officer.id }).first();
    expect(audit).toBeTruthy();
    // Anonymous: to the login page.
    expect((await agent(t).get('/tai-khoan/nhan-thu')).status).toBe(303);
  });
});

describe("the quarterly cycle's reminders follow the same choice", () => {
  it('"immediately" by the cycle job itself, once; "daily" in the digest; "never" nothing', async () => {
    await setMail(staff, 'staff@bnv.test', 'immediately');
    await setMail(lead, 'lead@bnv.test', 'daily');
    await setMail(officer, 'officer@hoi.test', 'never');
    const before = smtp.messages.length;
    const cycle = await t.services.jobs.runner.run('quarterly-cycle', { trigger: 'manual', period: '2026-Q4' });
    expect(cycle.status, String(cycle.reason)).toBe('succeeded');
    expect(smtp.messages.slice(before).flatMap((m) => m.to)).toEqual(['staff@bnv.test']);
    const mail = await t.services.jobs.runner.run('notice-mail', now());
    expect(mail.counts).toMatchObject({ emails_sent: 0, notices_for_digest: 1, notices_skipped: 1 });
    const digest = await t.services.jobs.runner.run('notice-digest', { trigger: 'manual', period: '2026-12-31' });
    expect(digest.counts).toMatchObject({ emails_sent: 1, notices_sent: 1 });
    expect(smtp.messages.slice(before).flatMap((m) => m.to)).toEqual(['staff@bnv.test', 'lead@bnv.test']);
    expect(sent[sent.length - 1]?.text).toContain('Kỳ cập nhật dữ liệu Quý IV/2026 đã mở');
  });
});

describe('without SMTP', () => {
  it('sends nothing, says so, and leaves the notices for the portal', async () => {
    const plain = await buildTestApp();
    try {
      const u = await createUser(plain.db.knex, ['ngo_staff']);
      await plain.db.knex('users').where({ id: u.id }).update({ email: 'x@bnv.test' });
      await plain.services.notifications.notifyUsers(plain.db.knex, [u.id], { kind: 'follow.record', title: 'Tin' });
      const send = vi.spyOn(plain.services.mailer, 'send');
      for (const job of ['notice-mail', 'notice-digest']) {
        const r = await plain.services.jobs.runner.run(job, now());
        expect(r.status).toBe('succeeded');
        expect(r.counts).toMatchObject({ smtp_configured: 0, emails_sent: 0 });
      }
      expect(send).not.toHaveBeenCalled();
      expect(await plain.db.knex('notifications').where({ user_id: u.id }).first('mail_state', 'emailed_at')).toMatchObject({
        mail_state: null,
        emailed_at: null,
      });
    } finally {
      await plain.db.destroy();
    }
  });
});
