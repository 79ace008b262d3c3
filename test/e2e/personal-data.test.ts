/**
 * Browser journey of a personal-data request (issue 17 item 1), real Chromium on a fresh demo database, every page
 * checked with axe-core: a leader files an access request on the public form (a refused first try keeps the values),
 * the association's officer records the identity check, staff move it to answered, print the Decree 30 letter and
 * download the data-subject export.
 */
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type E2eApp, launchBrowser, newContext, signIn, startApp } from './harness.js';

let app: E2eApp;
let browser: Browser;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('personal-data request', () => {
  it('public form → officer identity check → staff answer, letter and export', async () => {
    // The officer's association, from their home page.
    const officer = await newContext(browser, app);
    const officerPage = await officer.newPage();
    await signIn(officerPage, app, 'hoi.demo', false);
    await officerPage.goto('/hoi-cua-toi/');
    const code = /H\d{6}/.exec(await officerPage.content())?.[0] ?? '';
    expect(code).toMatch(/^H\d{6}$/);

    const visitor = await newContext(browser, app);
    const page = await visitor.newPage();
    await page.goto('/du-lieu-ca-nhan/yeu-cau');
    await checkPage(page, 'personal-data-form');
    await page.check('input[name="request_type"][value="access"]');
    await page.fill('#requester_name', 'Nguyễn Văn Thử');
    await Promise.all([page.waitForLoadState('load'), page.click('main form button[type="submit"]')]);
    await checkPage(page, 'personal-data-form-errors');
    expect(await page.title()).toMatch(/^Lỗi: /);
    expect(await page.inputValue('#requester_name')).toBe('Nguyễn Văn Thử');
    await page.fill('#email', 'thu@example.vn');
    await page.fill('#associations', code);
    await page.fill('#relation', 'Ủy viên Ban Chấp hành');
    await page.fill('#data_concerned', 'Năm sinh, số điện thoại');
    await page.fill('#details', 'Đề nghị cung cấp dữ liệu về tôi.');
    await Promise.all([page.waitForLoadState('load'), page.click('main form button[type="submit"]')]);
    const receipt = (await page.textContent('#so-tiep-nhan'))?.trim() ?? '';
    expect(receipt).toMatch(/^DLCN-\d{4}-\d{6}$/);
    await checkPage(page, 'personal-data-received');
    await visitor.close();

    await officerPage.goto('/hoi-cua-toi/du-lieu-ca-nhan');
    await checkPage(officerPage, 'personal-data-officer-list');
    await Promise.all([officerPage.waitForLoadState('load'), officerPage.click(`main table a:has-text("${receipt}")`)]);
    await checkPage(officerPage, 'personal-data-officer-show');
    await officerPage.fill('#verification_method', 'Gọi lại số điện thoại hội đang lưu');
    await Promise.all([officerPage.waitForLoadState('load'), officerPage.click('main form button:has-text("Ghi đã xác minh")')]);
    expect(await officerPage.textContent('#xac-minh')).toContain('Đã xác minh');
    await officer.close();

    const staff = await newContext(browser, app);
    const staffPage = await staff.newPage();
    await signIn(staffPage, app, 'ngo.staff', true);
    await staffPage.goto('/quan-tri/du-lieu-ca-nhan');
    await checkPage(staffPage, 'personal-data-register');
    await Promise.all([staffPage.waitForLoadState('load'), staffPage.click(`main table a:has-text("${receipt}")`)]);
    const showUrl = new URL(staffPage.url()).pathname;
    await checkPage(staffPage, 'personal-data-staff-show');
    await staffPage.check('input[name="to"][value="in_progress"]');
    await Promise.all([staffPage.waitForLoadState('load'), staffPage.click('main form button:has-text("Chuyển trạng thái")')]);
    await staffPage.check('input[name="to"][value="answered"]');
    await staffPage.fill('#answer_text', 'Vụ gửi kèm bản dữ liệu đang lưu về Ông/Bà.');
    await staffPage.fill('#letter_number', '12/TCPCP-DLCN');
    await Promise.all([staffPage.waitForLoadState('load'), staffPage.click('main form button:has-text("Chuyển trạng thái")')]);
    expect(await staffPage.textContent('#trang-thai')).toContain('Đã trả lời');
    await staffPage.goto(`${showUrl}/van-ban`);
    await checkPage(staffPage, 'personal-data-letter');
    expect(await staffPage.textContent('#so-ky-hieu')).toContain('12/TCPCP-DLCN');
    const exported = await staffPage.request.get(`${showUrl}/du-lieu.json`);
    expect(exported.status()).toBe(200);
    expect((await exported.json()).person.name).toBe('Nguyễn Văn Thử');
    await staff.close();
  });
});
