/**
 * Browser journey of the e-mail of notices (issue 17 item 4), with a real SMTP server started here: the IT Centre's
 * administrator chooses "immediately" on the settings page, a restore drill fails (no backup in an empty BACKUP_DIR)
 * and the notice-mail job is run from the jobs page; the e-mail arrives with its RFC 8058 headers; its unsubscribe
 * link, opened in a browser with no session, asks first, then sets "never", which the settings page shows.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSmtp, type TestSmtp } from '../helpers/smtp.js';
import { checkPage, type E2eApp, launchBrowser, newContext, signIn, startApp } from './harness.js';

let app: E2eApp;
let browser: Browser;
let smtp: TestSmtp;

beforeAll(async () => {
  smtp = await startTestSmtp();
  app = await startApp({
    SMTP_URL: smtp.url,
    MAIL_FROM: 'CSDL hội <no-reply@csdl-hoi.test>',
    // The app listens on a free port chosen later: the links name this origin, the test opens their path.
    PUBLIC_URL: 'http://csdl-hoi.invalid',
    BACKUP_DIR: mkdtempSync(path.join(tmpdir(), 'csdl-hoi-e2e-backups-')),
  });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
  await smtp?.close();
});

describe('e-mail of notices', () => {
  it('a failed drill reaches the administrator by e-mail; its link unsubscribes after a confirmation', async () => {
    const context = await newContext(browser, app);
    const page = await context.newPage();
    await signIn(page, app, 'it.admin', true);
    await page.goto('/thong-bao');
    await Promise.all([page.waitForURL(/\/tai-khoan\/nhan-thu$/), page.click('main a:has-text("Cài đặt nhận thư")')]);
    await checkPage(page, 'notice-email-settings');
    await page.check('input[name="notice_email"][value="immediately"]');
    await Promise.all([page.waitForLoadState('load'), page.click('main form button[type="submit"]')]);
    await expect.poll(() => page.locator('main').textContent()).toContain('Đã lưu: gửi ngay mỗi thông báo.');

    const runNow = async (job: string) => {
      await page.goto('/quan-tri/he-thong/tac-vu');
      await Promise.all([page.waitForLoadState('load'), page.click(`form[action$="/${job}/chay"] button`)]);
    };
    await runNow('backup-drill');
    await expect
      .poll(async () => {
        await page.goto('/thong-bao');
        return page.locator('main').textContent();
      })
      .toContain('Diễn tập khôi phục bản sao lưu thất bại');
    await runNow('notice-mail');
    await expect.poll(() => smtp.messages.filter((m) => m.to.includes('it.admin@demo.csdl-hoi.local')).length, { timeout: 20_000 }).toBe(1);
    const mail = smtp.messages.find((m) => m.to.includes('it.admin@demo.csdl-hoi.local'));
    const headers = (mail?.raw.split(/\r?\n\r?\n/)[0] ?? '').replace(/\r?\n[ \t]+/g, ' ');
    expect(headers).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
    const link = /List-Unsubscribe: <http:\/\/csdl-hoi\.invalid([^>]+)>/.exec(headers)?.[1] ?? '';
    expect(link).toMatch(/^\/thu-dien-tu\/huy-nhan\?t=/);

    const anonymous = await newContext(browser, app);
    const visitor = await anonymous.newPage();
    await visitor.goto(link);
    await checkPage(visitor, 'notice-email-unsubscribe');
    await Promise.all([visitor.waitForLoadState('load'), visitor.click('main form button[type="submit"]')]);
    await expect.poll(() => visitor.locator('main').textContent()).toContain('Đã ngừng gửi thư thông báo cho tài khoản này.');
    await checkPage(visitor, 'notice-email-unsubscribed');
    await anonymous.close();

    await page.goto('/tai-khoan/nhan-thu');
    expect(await page.locator('input[name="notice_email"]:checked').getAttribute('value')).toBe('never');
    await context.close();
  });
});
