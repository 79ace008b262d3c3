/**
 * Browser journeys (issue 8): real Chromium against the real app on a fresh demo database. Every visited page is
 * checked with axe-core (no serious or critical violation) and photographed into test-results/e2e/.
 * Journeys of features that land on other branches (submissions and review, exploiters' grants) run when their
 * routes exist and are skipped with the reason otherwise.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type E2eApp, launchBrowser, newContext, routeExists, signIn, startApp } from './harness.js';

let app: E2eApp;
let browser: Browser;
/** One signed-in staff context for the staff journeys (a TOTP code works once, so staff sign in once). */
let staff: BrowserContext;
let staffPage: Page;

beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

describe('public pages', () => {
  it('searches without diacritics, opens a record, every page accessible', async () => {
    const context = await newContext(browser, app);
    const page = await context.newPage();
    await page.goto('/');
    await checkPage(page, 'public-home');
    await page.fill('#q', 'nguoi cao tuoi');
    await Promise.all([page.waitForURL(/\/hoi\?/), page.click('form[role="search"] button[type="submit"]')]);
    await checkPage(page, 'public-search');
    const first = page.locator('main table tbody tr a[href^="/hoi/H"]').first();
    const name = (await first.textContent())?.trim() ?? '';
    expect(name.toLowerCase()).toContain('người cao tuổi');
    await Promise.all([page.waitForURL(/\/hoi\/H\d{6}$/), first.click()]);
    await expect.poll(() => page.locator('h1').textContent()).toContain(name);
    await checkPage(page, 'public-detail');
    await page.goto('/linh-vuc');
    await checkPage(page, 'public-fields');
    await context.close();
  });
});

describe('staff', () => {
  beforeAll(async () => {
    staff = await newContext(browser, app);
    staffPage = await staff.newPage();
    await staffPage.goto('/dang-nhap');
    await checkPage(staffPage, 'login');
    await signIn(staffPage, app, 'ngo.staff', true);
    await checkPage(staffPage, 'staff-home');
  });
  afterAll(async () => {
    await staff?.close();
  });

  it('edits a record and sees the change in its history diff', async () => {
    const page = staffPage;
    await page.goto('/quan-tri/hoi');
    await checkPage(page, 'staff-associations');
    const link = page.locator('main table tbody tr a[href^="/quan-tri/hoi/H"]').first();
    const href = (await link.getAttribute('href')) ?? '';
    await page.goto(href);
    await checkPage(page, 'staff-association');
    await page.goto(`${href}/sua`);
    await checkPage(page, 'staff-edit');
    const members = page.locator('input[name="members_total"]');
    const before = await members.inputValue();
    const after = String((Number(before.replace(/\D/g, '')) || 100) + 7);
    await members.fill(after);
    await page.fill('textarea[name="reason"]', 'Cập nhật số hội viên theo báo cáo năm (thử nghiệm trình duyệt)');
    await Promise.all([page.waitForURL((u) => u.pathname === href), page.click('main form button[type="submit"]:has-text("Lưu hồ sơ")')]);
    await checkPage(page, 'staff-saved');
    await page.goto(`${href}/lich-su`);
    await checkPage(page, 'staff-history');
    // The two newest versions are preselected: compare them.
    await Promise.all([page.waitForURL(/lich-su\?/), page.click('main form button[type="submit"]:has-text("So sánh")')]);
    await checkPage(page, 'staff-history-diff');
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain('Tổng số hội viên');
    expect(text).toContain('Cập nhật số hội viên theo báo cáo năm');
    expect(text.replace(/\./g, '')).toContain(after);
  });

  it('exports a report and opens its print view', async () => {
    const page = staffPage;
    await page.goto('/bao-cao');
    await checkPage(page, 'reports-index');
    await page.goto('/bao-cao/b');
    await checkPage(page, 'report-b');
    // The export link as the page gives it, fetched with the page's session (an attachment, not a page).
    const href = await page.locator('a:has-text("Tải Excel")').getAttribute('href');
    expect(href).toMatch(/format=xlsx/);
    const file = await staff.request.get(href ?? '');
    expect(file.status()).toBe(200);
    expect(file.headers()['content-disposition']).toMatch(/attachment;.*\.xlsx/);
    const body = await file.body();
    expect(body.subarray(0, 2).toString('latin1')).toBe('PK'); // a zip container: the .xlsx workbook
    const print = await staff.newPage();
    await print.goto('/bao-cao/b?print=1');
    await expect.poll(() => print.locator('table').count()).toBeGreaterThan(0);
    await checkPage(print, 'report-b-print');
    await print.close();
  });

  it('reviews an association officer’s submission (when submissions exist)', async (ctx) => {
    if (!(await routeExists(app, '/quan-tri/bieu-mau'))) ctx.skip('submissions and review (issue 5) are not on this branch');
    // The officer (no TOTP) opens a submission from the association's page and sends it.
    const officer = await newContext(browser, app);
    const page = await officer.newPage();
    await signIn(page, app, 'hoi.demo', false);
    await page.goto('/hoi-cua-toi/');
    await checkPage(page, 'officer-home');
    await Promise.all([page.waitForLoadState('load'), page.click('form[action="/hoi-cua-toi/bieu-mau"] button[type="submit"]')]);
    expect(new URL(page.url()).pathname).toMatch(/^\/hoi-cua-toi\/bieu-mau\/\d+$/);
    await checkPage(page, 'officer-submission');
    const submit = page.locator('main form button[type="submit"]').last();
    await Promise.all([page.waitForLoadState('load'), submit.click()]);
    await checkPage(page, 'officer-submitted');
    await officer.close();
    // Staff see it in the review queue and open it.
    await staffPage.goto('/quan-tri/bieu-mau');
    await checkPage(staffPage, 'review-queue');
    const item = staffPage.locator('main a[href^="/quan-tri/bieu-mau/"]').first();
    await Promise.all([staffPage.waitForLoadState('load'), item.click()]);
    await checkPage(staffPage, 'review-submission');
  });
});

describe('exploiters', () => {
  it('an exploiter is refused a report category it was not granted', async () => {
    const context = await newContext(browser, app);
    const page = await context.newPage();
    await signIn(page, app, 'exploiter', false);
    await checkPage(page, 'exploiter-home');
    const res = await page.goto('/bao-cao/d');
    expect(res?.status()).toBe(403);
    await checkPage(page, 'exploiter-refused');
    await context.close();
  });
});
