/**
 * Issue 18 ("Done when"): the pages of the review, at 1366 × 768 and 390 × 844, for each role that uses them — axe
 * finds no serious or critical violation at either width, nothing scrolls sideways at 390 px, and every table box that
 * does scroll can take the keyboard focus and has a name. Full-page screenshots of both widths are kept under
 * test-results/e2e/ (`<name>-1366.png`, `<name>-390.png`). Issue 17 item 2: the language switch in the header, in the
 * browser, remembered from page to page and back.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { totpCode } from '../../src/features/auth/totp.js';
import { paths } from '../../src/lib/urls.js';
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

const WIDTHS = [
  { width: 1366, height: 768 },
  { width: 390, height: 844 },
] as const;

interface Layout {
  page: number;
  unreachable: string[];
}

/** The page's width and the scrolling boxes a keyboard could not reach or a screen reader could not name. */
async function layout(page: Page): Promise<Layout> {
  return page.evaluate(() => {
    type El = { scrollWidth: number; clientWidth: number; className: string; getAttribute(a: string): string | null };
    const d = (
      globalThis as unknown as { document: { documentElement: { scrollWidth: number }; querySelectorAll(s: string): ArrayLike<El> } }
    ).document;
    const boxes = Array.from(d.querySelectorAll('.table-responsive, .scroll-region'));
    return {
      page: d.documentElement.scrollWidth,
      unreachable: boxes
        .filter(
          (b) =>
            b.scrollWidth > b.clientWidth + 1 &&
            (b.getAttribute('tabindex') !== '0' || !(b.getAttribute('aria-label') || b.getAttribute('aria-labelledby'))),
        )
        .map((b) => b.className),
    };
  });
}

/** Each page at both widths: loads (status < 400), fits at 390, scrolling boxes reachable, axe clean; screenshots. */
async function checkBothWidths(page: Page, pages: ReadonlyArray<readonly [string, string]>): Promise<void> {
  for (const size of WIDTHS) {
    await page.setViewportSize(size);
    for (const [url, name] of pages) {
      const res = await page.goto(url);
      expect(res?.status(), url).toBeLessThan(400);
      const sizes = await layout(page);
      if (size.width === 390) expect(sizes.page, `${url} at 390 px`).toBeLessThanOrEqual(390);
      expect(sizes.unreachable, `${url} at ${size.width} px`).toEqual([]);
      await checkPage(page, `${name}-${size.width}`);
    }
  }
}

async function firstRecordCode(page: Page, listUrl: string): Promise<string> {
  await page.goto(listUrl);
  const href = (await page.locator('main a[href*="/hoi/H"]').first().getAttribute('href')) ?? '';
  const code = /H\d{6}/.exec(href)?.[0];
  expect(code, `a record linked from ${listUrl}`).toBeTruthy();
  return code ?? '';
}

describe('pages at 1366 and 390 px', () => {
  it('public pages', async () => {
    const context = await newContext(browser, app);
    const page = await context.newPage();
    const code = await firstRecordCode(page, paths.public.list({ q: 'hoi' }));
    await checkBothWidths(page, [
      [paths.public.home(), 'w-public-home'],
      [paths.public.list({ q: 'nguoi cao tuoi' }), 'w-public-search'],
      [paths.public.association(code), 'w-public-record'],
      [paths.public.fields(), 'w-public-fields'],
      [paths.public.statistics(), 'w-public-statistics'],
      [paths.guide.index(), 'w-guide'],
      [paths.auth.login(), 'w-login'],
      [paths.personalData.request(), 'w-personal-data-request'],
      [paths.access.register(), 'w-access-register'],
    ]);
    await context.close();
  }, 600_000);

  it('NGO Department staff (lead): home work list, register, reports with charts, print confirmation, queues', async () => {
    const context = await newContext(browser, app);
    const page = await context.newPage();
    await page.setViewportSize({ width: 390, height: 844 });
    // The TOTP step on a phone: the code field has the focus (issue 18 item 6).
    await page.goto('/dang-nhap');
    await page.fill('input[name="username"]', 'ngo.lead');
    await page.fill('input[name="password"]', app.config.demo.password);
    await Promise.all([page.waitForLoadState('load'), page.click('form button[type="submit"]')]);
    expect(
      await page.evaluate(
        () => (globalThis as unknown as { document: { activeElement: { name?: string } | null } }).document.activeElement?.name,
      ),
    ).toBe('code');
    await checkPage(page, 'w-totp-390');
    await page.fill('input[name="code"]', await totpCode(app.config.demo.totpSecret, new Date()));
    await Promise.all([page.waitForLoadState('load'), page.click('form button[type="submit"]')]);
    expect(new URL(page.url()).pathname).not.toMatch(/^\/dang-nhap/);
    const code = await firstRecordCode(page, paths.register.list());
    await checkBothWidths(page, [
      [paths.admin.home(), 'w-staff-home'],
      [paths.register.list(), 'w-staff-list'],
      [paths.register.record(code), 'w-staff-record'],
      [paths.register.history(code), 'w-staff-history'],
      [paths.reports.index(), 'w-reports'],
      [paths.reports.category('b'), 'w-report-b-chart'],
      [paths.reports.category('e'), 'w-report-e'],
      [paths.reports.category('d', { print: 1 }), 'w-report-d-print-confirm'],
      [paths.quality.report(), 'w-quality-report'],
      [paths.notifications.list(), 'w-notices'],
      [paths.submissions.queue(), 'w-review-queue'],
      [paths.access.registrations(), 'w-registrations'],
      [paths.imports.index(), 'w-imports'],
      [paths.personalData.list(), 'w-personal-data-list'],
      [paths.jobs.cycles(), 'w-cycles'],
    ]);
    await context.close();
  }, 600_000);

  it('IT Centre: system pages, jobs, backups', async () => {
    const context = await newContext(browser, app);
    const page = await context.newPage();
    await signIn(page, app, 'it.admin', true);
    await checkBothWidths(page, [
      [paths.itCentre.home(), 'w-it-home'],
      [paths.jobs.runs(), 'w-jobs'],
      [paths.itCentre.backups(), 'w-backups'],
      [paths.itCentre.users(), 'w-users'],
      [paths.itCentre.auditLog(), 'w-audit-log'],
    ]);
    await context.close();
  }, 600_000);

  it('an association officer and an organisation manager', async () => {
    const officer = await newContext(browser, app);
    const page = await officer.newPage();
    await signIn(page, app, 'hoi.demo', false);
    await checkBothWidths(page, [
      [paths.submissions.officerHome(), 'w-officer-home'],
      [paths.access.associationReaders(), 'w-officer-readers'],
    ]);
    await officer.close();
    const manager = await newContext(browser, app);
    const mp = await manager.newPage();
    await signIn(mp, app, 'org.manager', false);
    await checkBothWidths(mp, [
      [paths.access.exploiterHome(), 'w-exploiter-home'],
      [paths.access.apiKeys(), 'w-api-keys'],
    ]);
    await manager.close();
  }, 600_000);
});

describe('the language switch (issue 17 item 2)', () => {
  it('switches to English from the header, keeps it from page to page, and switches back', async () => {
    const context = await newContext(browser, app);
    const page = await context.newPage();
    await page.goto(paths.public.list({ q: 'hoi' }));
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    await Promise.all([page.waitForLoadState('load'), page.click('header a.site-nav__lang')]);
    // Back on the same page, in English.
    expect(new URL(page.url()).pathname).toBe('/hoi');
    expect(new URL(page.url()).searchParams.get('q')).toBe('hoi');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('header a.site-nav__lang').textContent()).toBe('Tiếng Việt');
    await checkPage(page, 'lang-en-search');
    await page.goto(paths.public.home());
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.locator('.skip-link').textContent()).toBe('Skip to main content');
    await checkPage(page, 'lang-en-home');
    await Promise.all([page.waitForLoadState('load'), page.click('header a.site-nav__lang')]);
    expect(await page.getAttribute('html', 'lang')).toBe('vi');
    expect(await page.locator('.skip-link').textContent()).toBe('Chuyển đến nội dung chính');
    await context.close();
  });
});
