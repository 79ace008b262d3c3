/**
 * Issue 13, the parts of the anonymous page path that need no database: the byte-bounded LRU of rendered pages and
 * its version rule, ETag matching, the session-cookie test, one render shared by concurrent misses, the in-flight
 * slot, and the view engine (templates compiled once, includes without file-system checks). Nothing here is timed.
 */
import fs from 'node:fs';
import path from 'node:path';
import ejs from 'ejs';
import type { Request, Response } from 'express';
import { pino } from 'pino';
import { describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { projectRoot } from '../../src/lib/paths.js';
import {
  type AnonymousPage,
  createAnonymousPages,
  etagMatches,
  hasSessionCookie,
  PageCache,
  type RenderedPage,
} from '../../src/middleware/anonymous-pages.js';
import { anonymousLocals } from '../../src/middleware/locals.js';
import { inFlightLimiter } from '../../src/middleware/overload.js';
import { staticSecurityHeaders } from '../../src/middleware/security.js';
import { createViewEngine, type ViewEngine } from '../../src/middleware/templates.js';

const VIEWS = path.join(projectRoot(), 'views');

function page(key: string, version: string, bytes: number, at = 0): RenderedPage {
  return { key, version, body: Buffer.alloc(bytes), etag: '"x"', at, size: bytes, headers200: [], headers304: [] };
}

describe('PageCache: rendered pages by key, one data version at a time, bounded in bytes', () => {
  it('drops the least recently used pages past the byte budget; a hit counts as a use', () => {
    const cache = new PageCache({ maxBytes: 300, ttlMs: 60_000 }, () => 0);
    cache.set(page('a', 'v1', 100));
    cache.set(page('b', 'v1', 100));
    cache.set(page('c', 'v1', 100));
    expect(cache.get('a', 'v1')?.key).toBe('a');
    cache.set(page('d', 'v1', 100));
    expect(cache.get('b', 'v1')).toBeUndefined();
    expect(['a', 'c', 'd'].map((k) => cache.get(k, 'v1')?.key)).toEqual(['a', 'c', 'd']);
    expect(cache.stats).toMatchObject({ entries: 3, bytes: 300, evictions: 1 });
    // A page larger than the whole budget is not kept (and evicts nothing).
    cache.set(page('huge', 'v1', 301));
    expect(cache.get('huge', 'v1')).toBeUndefined();
    expect(cache.stats.entries).toBe(3);
  });

  it('serves a page only under the version it was rendered for: a new version drops every page', () => {
    const cache = new PageCache({ maxBytes: 1000, ttlMs: 60_000 }, () => 0);
    cache.set(page('a', 'v1', 10));
    expect(cache.get('a', 'v1')).toBeDefined();
    expect(cache.get('a', 'v2')).toBeUndefined();
    expect(cache.stats).toMatchObject({ entries: 0, bytes: 0 });
    // A render that started under v1 and finishes after v2 was seen is not stored.
    cache.set(page('a', 'v1', 10));
    expect(cache.get('a', 'v2')).toBeUndefined();
    cache.set(page('a', 'v2', 10));
    expect(cache.get('a', 'v2')?.version).toBe('v2');
  });

  it('serves a page for at most ttlMs', () => {
    let now = 1_000;
    const cache = new PageCache({ maxBytes: 1000, ttlMs: 30_000 }, () => now);
    cache.set(page('a', 'v1', 10, now));
    now += 30_000;
    expect(cache.get('a', 'v1')).toBeDefined();
    now += 1;
    expect(cache.get('a', 'v1')).toBeUndefined();
    expect(cache.stats).toMatchObject({ entries: 0, bytes: 0 });
  });

  it('keeps nothing with a budget of 0', () => {
    const cache = new PageCache({ maxBytes: 0, ttlMs: 30_000 });
    cache.set(page('a', 'v1', 1));
    expect(cache.get('a', 'v1')).toBeUndefined();
  });
});

describe('request tests', () => {
  it('finds the session cookie by name, wherever it is in the Cookie header', () => {
    expect(hasSessionCookie(undefined)).toBe(false);
    expect(hasSessionCookie('')).toBe(false);
    expect(hasSessionCookie('theme=dark; lang=vi')).toBe(false);
    expect(hasSessionCookie('xcsdl.sid=1; csdl.sidx=2; csdlXsid=3')).toBe(false);
    expect(hasSessionCookie('csdl.sid=s%3Aabc.def')).toBe(true);
    expect(hasSessionCookie('theme=dark; csdl.sid=s%3Aabc.def')).toBe(true);
    expect(hasSessionCookie('theme=dark;csdl.sid=')).toBe(true);
    expect(hasSessionCookie('theme=dark;  csdl.sid =x')).toBe(true);
  });

  it('matches If-None-Match as RFC 9110 says: any listed tag, weak or strong, or *', () => {
    const etag = '"1f-abc"';
    expect(etagMatches(etag, etag)).toBe(true);
    expect(etagMatches(`W/${etag}`, etag)).toBe(true);
    expect(etagMatches(`"zz", ${etag}`, etag)).toBe(true);
    expect(etagMatches('*', etag)).toBe(true);
    expect(etagMatches('"1f-abd"', etag)).toBe(false);
    expect(etagMatches('', etag)).toBe(false);
  });
});

describe('the header set of the anonymous path', () => {
  it('is the helmet set with a static policy, computed once; HSTS and upgrade-insecure-requests in production only', () => {
    const toMap = (flat: readonly string[]) =>
      new Map(Array.from({ length: flat.length / 2 }, (_, i) => [String(flat[2 * i]).toLowerCase(), flat[2 * i + 1]]));
    const dev = toMap(staticSecurityHeaders(false));
    const csp = String(dev.get('content-security-policy'));
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain('nonce');
    expect(csp).not.toContain('unsafe-inline');
    expect(dev.get('x-content-type-options')).toBe('nosniff');
    expect(dev.get('referrer-policy')).toBe('same-origin');
    expect(dev.has('strict-transport-security')).toBe(false);
    const prod = toMap(staticSecurityHeaders(true));
    expect(prod.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    expect(String(prod.get('content-security-policy'))).toContain('upgrade-insecure-requests');
  });
});

describe('PUBLIC_PAGE_CACHE_MB', () => {
  it('is 32 MB by default, 0 under NODE_ENV=test, and refuses what is not a whole number of MB from 0 to 4096', () => {
    expect(loadConfig({ NODE_ENV: 'development' }).publicPageCache.maxBytes).toBe(32 * 1024 * 1024);
    expect(loadConfig({ NODE_ENV: 'test' }).publicPageCache.maxBytes).toBe(0);
    expect(loadConfig({ NODE_ENV: 'test', PUBLIC_PAGE_CACHE_MB: '8' }).publicPageCache.maxBytes).toBe(8 * 1024 * 1024);
    expect(loadConfig({ NODE_ENV: 'development', PUBLIC_PAGE_CACHE_MB: '0' }).publicPageCache.maxBytes).toBe(0);
    expect(loadConfig({ NODE_ENV: 'development', PUBLIC_SEARCH_CACHE_TTL_S: '20' }).publicPageCache.ttlMs).toBe(20_000);
    for (const bad of ['-1', '1.5', 'abc', '5000']) {
      expect(() => loadConfig({ NODE_ENV: 'development', PUBLIC_PAGE_CACHE_MB: bad }), bad).toThrow(/PUBLIC_PAGE_CACHE_MB/);
    }
  });
});

/** A request/response pair that records what the handler did. */
function exchange(headers: Record<string, string> = {}, url = '/hoi') {
  const req = { method: 'GET', headers, query: {}, url, originalUrl: url } as unknown as Request;
  const sent: { status?: number; headers?: readonly string[]; body?: Buffer | undefined; next?: unknown } = {};
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  const res = {
    statusCode: 200,
    writeHead(this: { statusCode: number }, status: number, h: readonly string[]) {
      sent.status = status;
      sent.headers = h;
      this.statusCode = status;
    },
    end(body?: Buffer) {
      sent.body = body;
      finish();
    },
  } as unknown as Response;
  const next = (signal?: unknown) => {
    sent.next = signal;
    finish();
  };
  return { req, res, next, sent, done };
}

function fakeEngine(): ViewEngine & { renders: number } {
  const engine = {
    renders: 0,
    express() {},
    render(view: string, data: Record<string, unknown>) {
      engine.renders++;
      return `<p>${view} ${String(data.title)} ${String(data.currentPath)}</p>`;
    },
  };
  return engine;
}

describe('createAnonymousPages', () => {
  const logger = pino({ level: 'silent' });

  it('lets concurrent misses of one key share one render; keeps a page from its second request on, then serves it', async () => {
    const engine = fakeEngine();
    let builds = 0;
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const pages = createAnonymousPages({
      engine,
      appName: 'Thử',
      version: async () => 'v1',
      cache: { maxBytes: 1_000_000, ttlMs: 60_000 },
      securityHeaders: ['X-Content-Type-Options', 'nosniff'],
      limiter: inFlightLimiter({ max: 100 }),
      logger,
    });
    const resolve = (): AnonymousPage => ({
      key: 'k',
      path: '/hoi',
      build: async () => {
        builds++;
        await gate;
        return { view: 'public/list', locals: { title: 'Danh sách' } };
      },
    });
    const handler = pages.serve(resolve);
    const exchanges = Array.from({ length: 10 }, () => exchange());
    for (const x of exchanges) handler(x.req, x.res, x.next);
    await new Promise((r) => setTimeout(r, 0));
    release();
    await Promise.all(exchanges.map((x) => x.done));
    expect(builds).toBe(1);
    expect(engine.renders).toBe(1);
    // Asked for once so far: sent to all ten, not kept (the long tail of one-off searches never fills the cache).
    expect(pages.stats).toMatchObject({ misses: 1, hits: 9, entries: 0 });
    expect(exchanges[0]?.sent.headers).not.toContain('ETag');
    // The second request of the page renders it again and keeps it.
    const second = exchange();
    handler(second.req, second.res, second.next);
    await second.done;
    expect(builds).toBe(2);
    expect(pages.stats).toMatchObject({ misses: 2, entries: 1 });
    const third = exchange();
    handler(third.req, third.res, third.next);
    await third.done;
    expect(builds).toBe(2);
    expect(pages.stats).toMatchObject({ misses: 2, hits: 10, entries: 1 });
    for (const x of [...exchanges, second, third]) {
      expect(x.sent.status).toBe(200);
      expect(String(x.sent.body)).toBe('<p>public/list Danh sách /hoi</p>');
      expect(x.sent.headers).toEqual(
        expect.arrayContaining(['X-Content-Type-Options', 'nosniff', 'Cache-Control', 'no-cache', 'Vary', 'Cookie']),
      );
    }
    const later = exchange({ 'if-none-match': String(third.sent.headers?.[third.sent.headers.indexOf('ETag') + 1]) });
    handler(later.req, later.res, later.next);
    await later.done;
    expect(later.sent.status).toBe(304);
    expect(builds).toBe(2);
  });

  it('sends the request the normal way on a session cookie, a refused resolve, a failed build, or no free slot', async () => {
    const engine = fakeEngine();
    const limiter = inFlightLimiter({ max: 1 });
    const pages = createAnonymousPages({
      engine,
      appName: 'Thử',
      version: async () => 'v1',
      cache: { maxBytes: 1_000_000, ttlMs: 60_000 },
      securityHeaders: [],
      limiter,
      logger,
    });
    const ok = pages.serve(() => ({ key: 'ok', path: '/', build: async () => ({ view: 'v', locals: {} }) }));

    const withCookie = exchange({ cookie: 'csdl.sid=s%3Aabc.def' });
    ok(withCookie.req, withCookie.res, withCookie.next);
    await withCookie.done;
    expect(withCookie.sent.next).toBe('router');

    const refused = exchange();
    pages.serve(() => {
      throw new Error('400');
    })(refused.req, refused.res, refused.next);
    await refused.done;
    expect(refused.sent.next).toBe('router');

    const failed = exchange();
    pages.serve(() => ({ key: 'bad', path: '/hoi/H1', build: () => Promise.reject(new Error('404')) }))(
      failed.req,
      failed.res,
      failed.next,
    );
    await failed.done;
    expect(failed.sent.next).toBe('router');
    expect(limiter.inFlight()).toBe(0);

    // The only slot is taken: the request goes on to the limiter of the normal stack (which answers 503).
    expect(limiter.enter()).toBe(true);
    const busy = exchange();
    ok(busy.req, busy.res, busy.next);
    await busy.done;
    expect(busy.sent.next).toBe('router');
    limiter.leave();
    expect(engine.renders).toBe(0);

    const served = exchange();
    ok(served.req, served.res, served.next);
    await served.done;
    expect(served.sent.status).toBe(200);
    expect(limiter.inFlight()).toBe(0);
    expect(pages.stats.passed).toBe(2);
  });
});

describe('fromMemory: repeats answered before Express', () => {
  const logger = pino({ level: 'silent' });

  it('answers a URL already resolved and in memory; declines cookies, unknown or long URLs; falls back when stale', async () => {
    let version = 'v1';
    const pages = createAnonymousPages({
      engine: fakeEngine(),
      appName: 'Thử',
      version: async () => version,
      cache: { maxBytes: 1_000_000, ttlMs: 60_000 },
      securityHeaders: [],
      limiter: inFlightLimiter({ max: 10 }),
      logger,
    });
    const handler = pages.serve((req) => ({
      key: 'list',
      path: '/hoi',
      build: async () => ({ view: 'public/list', locals: { title: String(req.url) } }),
    }));
    const longUrl = `/hoi?q=a&${'x'.repeat(600)}=1`;
    for (const url of ['/hoi?q=a', longUrl]) {
      const first = exchange({}, url);
      handler(first.req, first.res, first.next);
      await first.done;
      expect(first.sent.status).toBe(200);
    }
    const fallback = vi.fn();
    const repeat = exchange({}, '/hoi?q=a');
    expect(pages.fromMemory(repeat.req, repeat.res, fallback)).toBe(true);
    await repeat.done;
    expect(repeat.sent.status).toBe(200);
    expect(pages.stats.early).toBe(1);
    // Not taken: a session cookie, a URL never resolved, one too long to remember, another method.
    expect(pages.fromMemory(exchange({ cookie: 'csdl.sid=s%3Ax.y' }, '/hoi?q=a').req, repeat.res, fallback)).toBe(false);
    expect(pages.fromMemory(exchange({}, '/hoi?q=b').req, repeat.res, fallback)).toBe(false);
    expect(pages.fromMemory(exchange({}, longUrl).req, repeat.res, fallback)).toBe(false);
    const post = exchange({}, '/hoi?q=a');
    (post.req as { method: string }).method = 'POST';
    expect(pages.fromMemory(post.req, post.res, fallback)).toBe(false);
    // The data version moved: taken, but handed back to Express, which renders again.
    version = 'v2';
    const stale = exchange({}, '/hoi?q=a');
    await new Promise<void>((resolve) => {
      expect(pages.fromMemory(stale.req, stale.res, resolve)).toBe(true);
    });
    expect(stale.sent.status).toBeUndefined();
    expect(pages.stats).toMatchObject({ early: 1, entries: 0 });
    expect(fallback).not.toHaveBeenCalled();
  });
});

describe('the view engine (templates compiled once)', () => {
  const data = () => ({
    ...anonymousLocals('CSDL hội', '/linh-vuc'),
    title: 'Hội theo lĩnh vực hoạt động',
    byField: [{ code: 'YTE', name: 'Y tế <dược>', count: 1234 }],
    namesEn: {},
  });

  it('renders what EJS renders', async () => {
    const engine = createViewEngine({ root: VIEWS, cache: true });
    const ours = engine.render('public/fields', data());
    const theirs = await ejs.renderFile(path.join(VIEWS, 'public/fields.ejs'), data());
    expect(ours).toBe(theirs);
    expect(ours).toContain('Y tế &lt;dược&gt;');
    expect(ours).toContain('1.234');
  });

  it('reads no file and checks no path once a view is compiled (stock EJS checks one per include)', async () => {
    const exists = vi.spyOn(fs, 'existsSync');
    const read = vi.spyOn(fs, 'readFileSync');
    try {
      await ejs.renderFile(path.join(VIEWS, 'public/fields.ejs'), data());
      // The spies see what EJS does: the check is real (layouts/start, header, flash, layouts/end, footer).
      expect(exists.mock.calls.length).toBeGreaterThanOrEqual(5);
      const engine = createViewEngine({ root: VIEWS, cache: true });
      engine.render('public/fields', data());
      exists.mockClear();
      read.mockClear();
      engine.render('public/fields', data());
      expect(exists).not.toHaveBeenCalled();
      expect(read).not.toHaveBeenCalled();
    } finally {
      exists.mockRestore();
      read.mockRestore();
    }
  });

  it('reads the views again on every render when not caching (development)', () => {
    const read = vi.spyOn(fs, 'readFileSync');
    try {
      const engine = createViewEngine({ root: VIEWS, cache: false });
      engine.render('public/fields', data());
      const once = read.mock.calls.length;
      engine.render('public/fields', data());
      expect(once).toBeGreaterThanOrEqual(5);
      expect(read.mock.calls.length).toBe(2 * once);
    } finally {
      read.mockRestore();
    }
  });
});
