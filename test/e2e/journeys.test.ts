/**
 * Browser journeys (issue 8): real Chromium against the real app on a fresh demo database. Every visited page is
 * checked with axe-core (no serious or critical violation) and photographed into test-results/e2e/.
 * Journeys: public search and detail; staff (password + TOTP) edit a record and read its history diff, export a
 * report and print it; an association officer files Biểu mẫu 1 and staff review and approve it; an exploiter reads
 * a granted report and is refused an ungranted one.
 */
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkPage, type E2eApp, launchBrowser, newContext, signIn, startApp } from './harness.js';

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

  it('on a phone: the menu sits behind its button, results are cards, nothing scrolls sideways', async () => {
    const context = await newContext(browser, app);
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/hoi?q=nguoi+cao+tuoi');
    // Issue 18 item 1: the navigation is closed behind "Menu" and opens on a tap.
    await expect.poll(() => page.locator('[data-site-menu]').getAttribute('open')).toBeNull();
    expect(await page.locator('.site-nav__list a').first().isVisible()).toBe(false);
    await page.click('.site-menu__button');
    expect(await page.locator('.site-nav__list a').first().isVisible()).toBe(true);
    // Each result a card: its status is on screen, the page never wider than the screen.
    const status = page.locator('table.result-cards tbody tr').first().locator('td[data-label="Trạng thái"]');
    expect(await status.isVisible()).toBe(true);
    const box = await status.boundingBox();
    expect((box?.x ?? 999) + (box?.width ?? 0)).toBeLessThanOrEqual(390);
    const scrollWidth = await page.evaluate(
      () => (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document.documentElement.scrollWidth,
    );
    expect(scrollWidth).toBeLessThanOrEqual(390);
    await checkPage(page, 'public-search-390');
    // Wider again: the plain list, no button.
    await page.setViewportSize({ width: 1366, height: 768 });
    await expect.poll(() => page.locator('[data-site-menu]').getAttribute('open')).toBe('');
    expect(await page.locator('.site-menu__button').isVisible()).toBe(false);
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
    // The edit is Biểu mẫu 1's task list (issue 18 item 2): open the members' section, save it alone.
    await page.goto(`${href}/sua`);
    await checkPage(page, 'staff-edit');
    await Promise.all([page.waitForURL((u) => u.pathname === `${href}/sua/hoi-vien`), page.click('main a:has-text("E. Hội viên")')]);
    await checkPage(page, 'staff-edit-section');
    const members = page.locator('input[name="members_total"]');
    const before = await members.inputValue();
    const after = String((Number(before.replace(/\D/g, '')) || 100) + 7);
    await members.fill(after);
    await page.fill('textarea[name="reason"]', 'Cập nhật số hội viên theo báo cáo năm (thử nghiệm trình duyệt)');
    await Promise.all([page.waitForURL((u) => u.pathname === `${href}/sua`), page.click('main form .save-bar button[value="luu"]')]);
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
    // The chart's box, hidden in the HTML for browsers without JavaScript, is shown once drawn.
    await expect.poll(() => page.locator('figure.report-chart').isVisible()).toBe(true);
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
    // Printed (issue 18 item 3): the document prints, its controls ("In báo cáo", "Quay lại báo cáo") do not.
    await expect.poll(() => print.locator('.print-toolbar').isVisible()).toBe(true);
    await print.emulateMedia({ media: 'print' });
    expect(await print.locator('.print-toolbar').isVisible()).toBe(false);
    expect(await print.locator('button:visible, a:visible').count()).toBe(0);
    expect(await print.locator('.doc-title').isVisible()).toBe(true);
    await print.close();
  });

  it('an association officer files Biểu mẫu 1, staff accept and approve it, the history names the submission', async () => {
    // The officer (no TOTP; hoi.demo is linked to "Hội Người cao tuổi Việt Nam") starts or continues Biểu mẫu 1.
    const officer = await newContext(browser, app);
    const page = await officer.newPage();
    await signIn(page, app, 'hoi.demo', false);
    await page.goto('/hoi-cua-toi/');
    await checkPage(page, 'officer-home');
    expect(await page.locator('main').textContent()).toContain('Hội Người cao tuổi Việt Nam');
    const start = page.locator('form[action="/hoi-cua-toi/bieu-mau"] button[type="submit"]');
    if ((await start.count()) > 0) {
      await Promise.all([page.waitForURL(/\/hoi-cua-toi\/bieu-mau\/\d+$/), start.click()]);
    } else {
      await Promise.all([page.waitForURL(/\/hoi-cua-toi\/bieu-mau\/\d+$/), page.click('main a:has-text("Tiếp tục khai biểu mẫu")')]);
    }
    const formPath = new URL(page.url()).pathname;
    const submissionId = formPath.split('/').pop() ?? '';
    await checkPage(page, 'officer-submission');
    // Edit one field in its section: the number of members (R-12: the association declares its own changes).
    await Promise.all([page.waitForURL((u) => u.pathname === `${formPath}/muc/hoi-vien`), page.click('main a:has-text("E. Hội viên")')]);
    const members = page.locator('main form input[name="members_total"]');
    const before = await members.inputValue();
    const after = String((Number(before.replace(/\D/g, '')) || 1000) + 123);
    await members.fill(after);
    await Promise.all([page.waitForURL((u) => u.pathname === formPath), page.click('main form .save-bar button[value="luu"]')]);
    await Promise.all([page.waitForURL((u) => u.pathname === `${formPath}/kiem-tra`), page.click('main a:has-text("Kiểm tra và gửi")')]);
    expect(((await page.locator('main').textContent()) ?? '').replace(/\./g, '')).toContain(after);
    // Sending without the accuracy declaration is refused next to the box.
    await Promise.all([page.waitForLoadState('load'), page.click('main form button[name="action"][value="gui"]')]);
    expect(new URL(page.url()).pathname).toBe(formPath);
    await expect.poll(() => page.locator('#declaration-error').count()).toBe(1);
    await checkPage(page, 'officer-submission-needs-declaration');
    await page.check('#declaration');
    await Promise.all([page.waitForURL((u) => u.pathname === '/hoi-cua-toi/'), page.click('main form button[name="action"][value="gui"]')]);
    await checkPage(page, 'officer-submitted');
    await page.goto(formPath);
    expect(await page.locator('#trang-thai').textContent()).not.toMatch(/nháp/i);
    await checkPage(page, 'officer-submission-sent');
    await officer.close();

    // Staff (signed in with TOTP above) find it in the review queue, accept every item and approve.
    await staffPage.goto('/quan-tri/bieu-mau');
    await checkPage(staffPage, 'review-queue');
    const item = staffPage.locator(`main a[href="/quan-tri/bieu-mau/${submissionId}"]`).first();
    await Promise.all([staffPage.waitForURL((u) => u.pathname === `/quan-tri/bieu-mau/${submissionId}`), item.click()]);
    await checkPage(staffPage, 'review-submission');
    const reviewText = (await staffPage.locator('main').textContent()) ?? '';
    expect(reviewText).toContain('Tổng số hội viên');
    const code = ((await staffPage.locator('main a[href^="/quan-tri/hoi/H"]').first().getAttribute('href')) ?? '').split('/').pop();
    expect(code).toMatch(/^H\d{6}$/);
    const accepts = staffPage.locator('main input[type="radio"][value="accepted"]');
    expect(await accepts.count()).toBeGreaterThan(0);
    for (const radio of await accepts.all()) await radio.check();
    await Promise.all([
      staffPage.waitForURL((u) => u.pathname === '/quan-tri/bieu-mau'),
      staffPage.click('main button[name="action"][value="approve"]'),
    ]);
    await checkPage(staffPage, 'review-approved');
    await staffPage.goto(`/quan-tri/bieu-mau/${submissionId}`);
    expect(await staffPage.locator('#trang-thai').textContent()).toMatch(/duyệt/i);
    await checkPage(staffPage, 'review-decided');

    // The record now holds the new figure, and its history names the submission as the source of the version.
    await staffPage.goto(`/quan-tri/hoi/${code}/lich-su`);
    await checkPage(staffPage, 'review-history');
    const history = (await staffPage.locator('main table').first().textContent()) ?? '';
    expect(history).toContain(`Hồ sơ hội gửi (số ${submissionId})`);
    await staffPage.goto(`/quan-tri/hoi/${code}`);
    expect(((await staffPage.locator('main').textContent()) ?? '').replace(/\./g, '')).toContain(after);
  });

  it('staff pages on a phone: no sideways scroll, wide tables are focusable named regions, axe finds nothing serious', async () => {
    await staffPage.setViewportSize({ width: 390, height: 844 });
    const code = /H\d{6}/.exec((await (await staffPage.goto('/quan-tri/hoi'))?.text()) ?? '')?.[0] ?? '';
    for (const [url, name] of [
      ['/quan-tri/', 'staff-home-390'],
      ['/quan-tri/hoi', 'staff-list-390'],
      [`/quan-tri/hoi/${code}`, 'staff-record-390'],
      [`/quan-tri/hoi/${code}/lich-su`, 'staff-history-390'],
      ['/bao-cao/e', 'report-e-390'],
    ] as const) {
      await staffPage.goto(url);
      const sizes = await staffPage.evaluate(() => {
        const d = (
          globalThis as unknown as {
            document: {
              documentElement: { scrollWidth: number };
              querySelectorAll(s: string): ArrayLike<{ scrollWidth: number; clientWidth: number; getAttribute(a: string): string | null }>;
            };
          }
        ).document;
        const boxes = Array.from(d.querySelectorAll('.table-responsive'));
        return {
          page: d.documentElement.scrollWidth,
          // Every box that overflows can take the focus and has a name.
          unreachable: boxes.filter(
            (b) =>
              b.scrollWidth > b.clientWidth + 1 &&
              (b.getAttribute('tabindex') !== '0' || !(b.getAttribute('aria-label') || b.getAttribute('aria-labelledby'))),
          ).length,
        };
      });
      expect(sizes.page, url).toBeLessThanOrEqual(390);
      expect(sizes.unreachable, url).toBe(0);
      await checkPage(staffPage, name);
    }
    await staffPage.setViewportSize({ width: 1366, height: 768 });
  });
});

describe('exploiters', () => {
  it('an exploiter reads a granted report and is refused a report category it was not granted', async () => {
    const context = await newContext(browser, app);
    const page = await context.newPage();
    await signIn(page, app, 'exploiter', false);
    await checkPage(page, 'exploiter-home');
    // The demo organisation's grant covers reports a, b, c, e and l (SPEC §6, seeds/demo/access.ts).
    const granted = await page.goto('/bao-cao/b');
    expect(granted?.status()).toBe(200);
    await expect.poll(() => page.locator('main table').count()).toBeGreaterThan(0);
    await checkPage(page, 'exploiter-report-b');
    const res = await page.goto('/bao-cao/d');
    expect(res?.status()).toBe(403);
    await checkPage(page, 'exploiter-refused');
    await context.close();
  });
});

describe('API keys (issue 17 item 3)', () => {
  it("the organisation's manager creates a key, the API answers it within the grant, and refuses it once revoked", async () => {
    const context = await newContext(browser, app);
    const page = await context.newPage();
    await signIn(page, app, 'org.manager', false);
    await page.goto('/khai-thac/');
    await Promise.all([page.waitForURL(/\/khai-thac\/khoa-api$/), page.click('#lien-ket-khoa-api')]);
    await checkPage(page, 'api-keys');
    await page.fill('#label', 'Hệ thống báo cáo thử');
    await page.click('#tao-khoa button[type="submit"]');
    await expect.poll(() => page.locator('#khoa-moi').count()).toBe(1);
    await checkPage(page, 'api-keys-created');
    const key = await page.inputValue('#khoa-api-moi');
    expect(key).toMatch(/^csdlhoi_[0-9a-f]{10}_/);
    // Over HTTP, as the organisation's system calls it: no session, the key in the Authorization header.
    const call = (path: string) => fetch(`${app.baseUrl}${path}`, { headers: { Authorization: `Bearer ${key}` } });
    const scope = await call('/api/v1/bao-cao');
    expect(scope.status).toBe(200);
    expect(scope.headers.get('set-cookie')).toBeNull();
    // The demo organisation's grant covers reports a, b, c, e and l, not d.
    const keys = ((await scope.json()) as { data: Array<{ key: string }> }).data.map((c) => c.key);
    expect(keys).toEqual(['a', 'b', 'c', 'e', 'l']);
    expect((await call('/api/v1/bao-cao/b')).status).toBe(200);
    expect((await call('/api/v1/bao-cao/d')).status).toBe(403);
    // Revoked through the confirmation page: the next call is refused.
    await page.goto('/khai-thac/khoa-api');
    await Promise.all([page.waitForURL(/\/thu-hoi$/), page.locator('#danh-sach-khoa a.btn-outline-danger').first().click()]);
    await checkPage(page, 'api-keys-revoke');
    await Promise.all([page.waitForURL(/\/khai-thac\/khoa-api$/), page.click('main form button.btn-danger')]);
    const refused = await call('/api/v1/bao-cao');
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { message: string }).message).toBe('Khóa API đã bị thu hồi.');
    await context.close();
  });
});
