/**
 * Browser journeys' harness: the real app (createApp, as cli/start.ts builds it) on a fresh PGlite database in a temp
 * DATA_DIR with the demo data, listening on a free port; Debian's Chromium driven by playwright-core; axe-core run
 * in every visited page; a full-page screenshot of each kept under test-results/e2e/ (gitignored).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { createApp } from '../../src/app.js';
import { prepareDatabase } from '../../src/cli/seeding.js';
import { type Config, loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/setup.js';
import { totpCode } from '../../src/features/auth/totp.js';
import { systemClock } from '../../src/lib/clock.js';
import { createLogger } from '../../src/logger.js';
import { createServices } from '../../src/services.js';

export const ARTIFACTS = path.resolve('test-results/e2e');
const AXE_SOURCE = readFileSync(path.resolve('node_modules/axe-core/axe.min.js'), 'utf8');

export interface E2eApp {
  baseUrl: string;
  config: Readonly<Config>;
  stop(): Promise<void>;
}

/** `env`: settings a journey needs on top of these (e.g. SMTP_URL for the e-mail journey). */
export async function startApp(env: Record<string, string> = {}): Promise<E2eApp> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'csdl-hoi-e2e-'));
  // Only these settings: never a DATABASE_URL from the environment (a fresh PGlite database every run).
  const config = loadConfig({
    ...env,
    NODE_ENV: 'development',
    DATA_DIR: dataDir,
    SEED_DEMO: 'true',
    LOG_LEVEL: 'warn',
    HOST: '127.0.0.1',
    SCHEDULER: 'off',
  });
  const sink = new Writable({
    write(_c, _e, cb) {
      cb();
    },
  });
  const logger = createLogger(config.logLevel, sink);
  const database = await openDatabase(config, logger);
  await prepareDatabase(database, config, logger);
  const services = createServices({ db: database.knex, config, clock: systemClock, logger });
  const app = createApp({ config, db: database.knex, services, logger, clock: systemClock });
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    config,
    async stop() {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await database.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
    ],
  });
}

export async function newContext(browser: Browser, app: E2eApp): Promise<BrowserContext> {
  return browser.newContext({ baseURL: app.baseUrl, locale: 'vi-VN', acceptDownloads: true, viewport: { width: 1280, height: 900 } });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * axe-core in the page (evaluated through the DevTools protocol, so the app's CSP stays on: an injected
 * <script> tag would be refused without the request's nonce), then a full-page screenshot. Fails on any serious or
 * critical violation.
 */
export async function checkPage(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(ARTIFACTS, `${name}.png`), fullPage: true });
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run(ctx: unknown, opts: unknown): Promise<{ violations: unknown[] }> } }).axe;
    const result = await axe.run((globalThis as unknown as { document: unknown }).document, { resultTypes: ['violations'] });
    return result.violations;
  });
  const bad = (violations as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  const report = bad.map(
    (v) =>
      `${v.impact} ${v.id}: ${v.help} — ${v.nodes
        .map((n) => n.target.join(' '))
        .slice(0, 5)
        .join(', ')}`,
  );
  expect(report, `axe on ${name} (${page.url()})`).toEqual([]);
}

/** Sign in through the forms; staff get the TOTP step with the demo secret. */
export async function signIn(page: Page, app: E2eApp, username: string, totp: boolean): Promise<void> {
  await page.goto('/dang-nhap');
  await page.fill('input[name="username"]', username);
  await page.fill('input[name="password"]', app.config.demo.password);
  await Promise.all([page.waitForLoadState('load'), page.click('form button[type="submit"]')]);
  if (totp) {
    expect(new URL(page.url()).pathname).toBe('/dang-nhap/ma-xac-thuc');
    await checkPage(page, `totp-${username}`);
    await page.fill('input[name="code"]', await totpCode(app.config.demo.totpSecret, new Date()));
    await Promise.all([page.waitForLoadState('load'), page.click('form button[type="submit"]')]);
  }
  expect(new URL(page.url()).pathname).not.toMatch(/^\/dang-nhap/);
}

/** Whether a route exists on this branch (features of other issues land later): a GET that is not 404. */
export async function routeExists(app: E2eApp, p: string): Promise<boolean> {
  const res = await fetch(app.baseUrl + p, { redirect: 'manual' });
  await res.arrayBuffer();
  return res.status !== 404;
}
