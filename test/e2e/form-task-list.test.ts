/**
 * Biểu mẫu 1 as a task list in a real browser (issue 18 item 2): staff fill a section with JavaScript off (rows added
 * by the server round trip; axe, which runs as a script, on the same pages with JavaScript), an association officer fills one with JavaScript on (rows added and removed in the
 * page); the task list and the section pages at 390 and 1366 px, axe on each (no serious or critical violation),
 * no sideways scroll at 390 px, the save bar on screen; screenshots kept in test-results/e2e/.
 */
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, checkPage, type E2eApp, launchBrowser, signIn, startApp } from './harness.js';

let app: E2eApp;
let browser: Browser;

// Seeding the demo data and axe on every page take long on a loaded machine: more than the config's timeouts.
beforeAll(async () => {
  app = await startApp();
  browser = await launchBrowser();
}, 900_000);

afterAll(async () => {
  await browser?.close();
  await app?.stop();
});

type Doc = { document: { documentElement: { scrollWidth: number; clientWidth: number } } };

/** The page is no wider than the screen (nothing scrolls sideways). */
async function noSidewaysScroll(page: Page): Promise<void> {
  const [scroll, client] = await page.evaluate(() => {
    const el = (globalThis as unknown as Doc).document.documentElement;
    return [el.scrollWidth, el.clientWidth];
  });
  expect(scroll, page.url()).toBeLessThanOrEqual(client);
}

/** The save bar is within the screen while the top of a long section is shown. */
async function saveBarOnScreen(page: Page): Promise<void> {
  const box = await page.locator('.save-bar').boundingBox();
  const height = page.viewportSize()?.height ?? 0;
  expect(box).not.toBeNull();
  expect((box?.y ?? 0) + (box?.height ?? 0)).toBeLessThanOrEqual(height + 1);
}

async function rows(page: Page, list: string): Promise<number> {
  return page.locator(`fieldset[data-row-list="${list}"] tbody.row-table__row`).count();
}

describe('Biểu mẫu 1 as a task list', () => {
  it('staff, JavaScript off, on a phone: add a leader row by the server round trip and save the section', async () => {
    // Signed in (and axe run, which needs script in the page) in a context with JavaScript; the rows are then added
    // in a context without it, sharing the session cookie. The pages' HTML is the same in both.
    const withJs = await browser.newContext({ baseURL: app.baseUrl, locale: 'vi-VN', viewport: { width: 390, height: 844 } });
    const page = await withJs.newPage();
    await signIn(page, app, 'ngo.staff', true);
    await page.goto('/quan-tri/hoi/H000002/sua');
    await checkPage(page, 'task-list-staff-390');
    await noSidewaysScroll(page);
    expect(await page.locator('.task-list__status').count()).toBe(10);
    await Promise.all([page.waitForURL(/\/sua\/lanh-dao$/), page.click('main a:has-text("F. Lãnh đạo hội")')]);
    await checkPage(page, 'section-staff-390');
    await noSidewaysScroll(page);
    await saveBarOnScreen(page);

    const noJs = await browser.newContext({
      baseURL: app.baseUrl,
      locale: 'vi-VN',
      javaScriptEnabled: false,
      viewport: { width: 390, height: 844 },
      storageState: await withJs.storageState(),
    });
    const plain = await noJs.newPage();
    await plain.goto('/quan-tri/hoi/H000002/sua/lanh-dao');
    const before = await rows(plain, 'leaders');
    // No script: the button posts the section and the page comes back with a blank row.
    await Promise.all([plain.waitForLoadState('load'), plain.click('button[value="add:leaders"]')]);
    expect(await rows(plain, 'leaders')).toBe(before + 1);
    const i = before;
    await plain.fill(`input[name="leaders.${i}.full_name"]`, 'Vũ Thị Thử Nghiệm');
    await plain.selectOption(`select[name="leaders.${i}.position_code"]`, 'UVBCH');
    await plain.selectOption(`select[name="leaders.${i}.official_status"]`, 'khong');
    await plain.fill('textarea[name="reason"]', 'Bổ sung ủy viên Ban Chấp hành (thử nghiệm trình duyệt)');
    await plain.screenshot({ path: path.join(ARTIFACTS, 'section-staff-row-added-nojs-390.png'), fullPage: true });
    await Promise.all([plain.waitForURL(/\/sua$/), plain.click('main form .save-bar button[value="luu"]')]);
    expect(await plain.locator('main').textContent()).toContain('Đã lưu mục «F. Lãnh đạo hội»');
    await plain.goto('/quan-tri/hoi/H000002');
    expect(await plain.locator('main').textContent()).toContain('Vũ Thị Thử Nghiệm');
    await noJs.close();

    // The same pages at 1366 px.
    await page.setViewportSize({ width: 1366, height: 768 });
    await page.goto('/quan-tri/hoi/H000002/sua');
    await checkPage(page, 'task-list-staff-1366');
    await page.goto('/quan-tri/hoi/H000002/sua/lanh-dao');
    await checkPage(page, 'section-staff-1366');
    await saveBarOnScreen(page);
    await withJs.close();
  }, 400_000);

  it('officer, JavaScript on: rows added and removed in the page, "Lưu và tiếp tục", the section done', async () => {
    const context = await browser.newContext({ baseURL: app.baseUrl, locale: 'vi-VN', viewport: { width: 1366, height: 768 } });
    const page = await context.newPage();
    await signIn(page, app, 'hoi.demo', false);
    await page.goto('/hoi-cua-toi/');
    const start = page.locator('form[action="/hoi-cua-toi/bieu-mau"] button[type="submit"]');
    if ((await start.count()) > 0) await Promise.all([page.waitForURL(/\/hoi-cua-toi\/bieu-mau\/\d+$/), start.click()]);
    else await Promise.all([page.waitForURL(/\/hoi-cua-toi\/bieu-mau\/\d+$/), page.click('main a:has-text("Tiếp tục khai biểu mẫu")')]);
    const formPath = new URL(page.url()).pathname;
    await checkPage(page, 'task-list-officer-1366');
    await Promise.all([page.waitForURL(/\/muc\/ho-tro-tru-so$/), page.click('main a:has-text("H. Hỗ trợ của Nhà nước")')]);
    await checkPage(page, 'section-officer-1366');
    await saveBarOnScreen(page);
    // With the script the buttons act in the page: no round trip (a marker set in the page survives).
    await page.evaluate(() => {
      (globalThis as unknown as { __noReload: boolean }).__noReload = true;
    });
    const before = await rows(page, 'funds');
    await page.click('button[value="add:funds"]');
    await page.click('button[value="add:funds"]');
    expect(await rows(page, 'funds')).toBe(before + 2);
    // The new row's "Xóa" drops it at once.
    await page.locator('fieldset[data-row-list="funds"] tbody.row-table__row').last().locator('[data-row-remove]').click();
    expect(await rows(page, 'funds')).toBe(before + 1);
    expect(await page.evaluate(() => (globalThis as unknown as { __noReload?: boolean }).__noReload)).toBe(true);
    const row = page.locator('fieldset[data-row-list="funds"] tbody.row-table__row').last();
    await row.locator('input[name$=".year"]').fill('2026');
    await row.locator('select[name$=".source"]').selectOption('tai_tro_trong_nuoc');
    await row.locator('input[name$=".amount_vnd"]').fill('75.000.000');
    await checkPage(page, 'section-officer-row-added-1366');
    await Promise.all([page.waitForURL(/\/muc\/hoat-dong$/), page.click('main form .save-bar button[value="tiep"]')]);
    await page.goto(formPath);
    const line = page.locator('.task-list__item', { has: page.locator('a:has-text("H. Hỗ trợ")') });
    expect(await line.locator('.task-list__status').textContent()).toContain('Đã xong');
    // The same pages on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(formPath);
    await checkPage(page, 'task-list-officer-390');
    await noSidewaysScroll(page);
    await page.goto(`${formPath}/muc/ho-tro-tru-so`);
    await checkPage(page, 'section-officer-390');
    await noSidewaysScroll(page);
    await saveBarOnScreen(page);
    expect(await page.locator('input[value="75.000.000"]').count()).toBe(1);
    await page.goto(`${formPath}/kiem-tra`);
    await checkPage(page, 'check-officer-390');
    await noSidewaysScroll(page);
    await context.close();
  }, 400_000);
});
