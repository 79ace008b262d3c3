/** src/lib/urls.ts: every URL the views and redirects build names a route the app serves. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { paths } from '../../src/lib/urls.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { listRoutes } from '../helpers/routes.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.db.destroy());

type Builder = (...args: unknown[]) => string;

/** Every builder of `paths`, by its dotted name. */
function builders(): Array<[string, Builder]> {
  const out: Array<[string, Builder]> = [];
  for (const [group, members] of Object.entries(paths)) {
    for (const [name, fn] of Object.entries(members)) out.push([`${group}.${name}`, fn as Builder]);
  }
  return out;
}

/** An Express route path as a regular expression (`:name` is one segment; a trailing slash is optional). */
function routePattern(route: string): RegExp {
  const body = route
    .replace(/\/$/, '')
    .split('/')
    .map((part) => (part.startsWith(':') ? '[^/]+' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body}/?$`);
}

describe('paths', () => {
  it('every builder gives a path the app routes, with its arguments escaped as segments', () => {
    const routes = listRoutes(t.app).map((r) => routePattern(r.path));
    const all = builders();
    expect(all.length).toBeGreaterThan(90);
    const unrouted = all
      .map(([name, fn]) => [name, fn(...Array.from({ length: fn.length }, () => 'a b/7'))] as const)
      .filter(([, url]) => !routes.some((re) => re.test(url.split('?')[0] as string)));
    expect(unrouted).toEqual([]);
    expect(paths.register.record('a b/7')).toBe('/quan-tri/hoi/a%20b%2F7');
  });

  it('builds the query strings the pages link to', () => {
    expect(paths.public.list({ 'linh-vuc': 'van_hoa' })).toBe('/hoi?linh-vuc=van_hoa');
    expect(paths.public.home()).toBe('/');
    expect(paths.reports.category('a', 'tinh=01&trang=2', { print: 1 })).toBe('/bao-cao/a?tinh=01&trang=2&print=1');
    expect(paths.reports.category('a', '', { format: 'csv' })).toBe('/bao-cao/a?format=csv');
    expect(paths.jobs.annualReport()).toBe('/quan-tri/bao-cao-nam');
    expect(paths.jobs.annualReport(2026, { print: 1 })).toBe('/quan-tri/bao-cao-nam/2026?print=1');
    expect(paths.submissions.uploadWorkbook({ _csrf: 'a+b/c=' })).toBe('/hoi-cua-toi/bieu-mau/tai-len?_csrf=a%2Bb%2Fc%3D');
    expect(paths.register.list({ q: undefined, 'sap-xep': 'cap-nhat', trang: null })).toBe('/quan-tri/hoi?sap-xep=cap-nhat');
  });
});
