/**
 * The anonymous page path (issue 13): public pages for a visitor without a session cookie, answered before the
 * request log, the session, passport, CSRF and every per-user middleware — and, once rendered, from memory.
 *
 * A request takes this path only when it carries no session cookie (SESSION_COOKIE; any value, even an unknown or
 * forged one, sends it the normal way, as does a polluted parameter) and its page resolves (the feature's resolver
 * parses the request the way its controller does; anything it refuses — a bad query, an unknown code — goes the
 * normal way too, whose error pages answer). So a signed-in user, whose browser always sends the cookie, never gets a
 * page from here; this path never creates a session or sets a cookie (RELIABILITY 10).
 *
 * Headers: the set `securityHeaders` sends, computed once with a static CSP (no nonce: these pages have no inline
 * script or style; still no 'unsafe-inline'), then Content-Type, Content-Length, a strong ETag over the body of a page
 * kept in memory (If-None-Match → 304; a page asked for the first time is not kept and has none), `Cache-Control: no-cache` (a browser or proxy may keep the page but asks again each time,
 * cheaply with the ETag, so a write shows at once; never `public`: the same URL holds a signed-in user's own page)
 * and `Vary: Cookie` (the answer depends on the session cookie).
 *
 * The cache: rendered pages keyed by the resolver's normalised key, each stored with the public data version it was
 * rendered under (`version()`, re-read by the public service at most every PUBLIC_SEARCH_CACHE_CHECK_MS) and served
 * only while that version is current (a new version drops every entry) and for at most `ttlMs` (the province list
 * depends on the date); kept from a page's second request on; at most `maxBytes` of them, least recently used dropped
 * first; concurrent misses of one key share one render. `maxBytes` 0 turns the cache off (each request renders; the path itself stays).
 *
 * Overload (RELIABILITY 41): each request here holds an in-flight slot from the shared limiter from its version check
 * to its last byte written (two counter updates, no listeners). When none is free the request goes the normal way,
 * whose limiter refuses it with the usual 503 page. A page that has to be rendered also gets the limiter's deadline:
 * under load, one still waiting for the database then is answered 503 there (`limiter.leave(res)` says so).
 *
 * Logs and metrics, decided by measurement (README, "Anonymous pages"): one JSON log line per page sent from memory
 * cost 20–25 µs of CPU, about half of what sending the page costs, so pino-http's per-request line (mounted after this
 * path) is not written for these pages. A render (miss) is logged at info level and timed in
 * `csdl_hoi_public_page_render_seconds`; a page from memory or a 304 only at debug level. Every outcome is counted in
 * `csdl_hoi_public_pages_total{result}`, from plain integers read at scrape time.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Request, RequestHandler } from 'express';
import type { Logger } from 'pino';
import { Counter, Histogram, type Registry } from 'prom-client';
import { type Lang, langFromCookieHeader } from '../lib/i18n.js';
import { anonymousLocals } from './locals.js';
import { abandoned, type InFlightLimiter } from './overload.js';
import { hasPollutedParameters } from './parameters.js';
import { SESSION_COOKIE } from './session.js';
import type { ViewEngine } from './templates.js';

/** A view and its locals, as a controller would pass them to res.render. */
export interface PageView {
  view: string;
  locals: Record<string, unknown>;
}

/** A request resolved to its page. */
export interface AnonymousPage {
  /** Everything the rendered HTML depends on besides the data version (path, normalised query, page). */
  key: string;
  /** The canonical path, given to the views as `currentPath`. */
  path: string;
  /** The interface language (the `lang` cookie); set by this path, not by resolvers. Vietnamese when absent. */
  lang?: Lang;
  build(): Promise<PageView>;
}

/**
 * The page in the visitor's language: a page in English is another page (its own key). Vietnamese keeps the
 * resolver's key; the language cookie is not the session cookie, so a visitor who chose English still takes this path.
 */
function inLanguage(page: AnonymousPage, lang: Lang): AnonymousPage {
  return lang === 'vi' ? page : { ...page, key: `${lang}|${page.key}`, lang };
}

/** An alias (raw URL → page) per language: the same URL names a different page in each. */
function aliasKey(url: string, lang: Lang): string {
  return lang === 'vi' ? url : `${lang}|${url}`;
}

/** Resolves a request to its page; throws on anything the normal path must answer (400, 404). */
export type AnonymousPageResolver = (req: Request) => AnonymousPage;

export interface PageCacheOptions {
  /** Bytes of rendered pages kept (0 = no cache). */
  maxBytes: number;
  /** Longest time a rendered page is served. */
  ttlMs: number;
}

export interface RenderedPage {
  key: string;
  version: string;
  body: Buffer;
  etag: string;
  /** When it was rendered (ms, `now`). */
  at: number;
  /** Bytes counted against the budget (body, key, headers and bookkeeping). */
  size: number;
  /** Flat header lists for 200 and 304, built once. */
  headers200: readonly string[];
  headers304: readonly string[];
}

export interface PageCacheStats {
  hits: number;
  /** Of the hits and 304s, those answered before Express (`fromMemory`). */
  early: number;
  misses: number;
  notModified: number;
  /** Requests sent the normal way after resolving (render failed, version unreadable, limiter full). */
  passed: number;
  evictions: number;
  entries: number;
  bytes: number;
}

/** Per entry, on top of the body: the Map slot, the object, the header lists (a rough, generous figure). */
const ENTRY_OVERHEAD = 512;

/**
 * Rendered pages by key, for one data version at a time, bounded in bytes (least recently used dropped first; a Map
 * keeps insertion order, and a hit moves its entry to the end).
 */
export class PageCache {
  private readonly entries = new Map<string, RenderedPage>();
  private version: string | null = null;
  readonly stats: PageCacheStats = { hits: 0, early: 0, misses: 0, notModified: 0, passed: 0, evictions: 0, entries: 0, bytes: 0 };

  constructor(
    private readonly options: PageCacheOptions,
    private readonly now: () => number = Date.now,
  ) {}

  get enabled(): boolean {
    return this.options.maxBytes > 0;
  }

  /** The page for `key` rendered under `version`, if still fresh. A version other than the cache's drops every entry. */
  get(key: string, version: string): RenderedPage | undefined {
    if (version !== this.version) {
      this.reset(version);
      return undefined;
    }
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (this.now() - entry.at > this.options.ttlMs) {
      this.stats.bytes -= entry.size;
      this.stats.entries = this.entries.size;
      return undefined;
    }
    this.entries.set(key, entry);
    return entry;
  }

  /** Whether a page for `key` is held (under any version; `get` decides whether it may be served). */
  has(key: string): boolean {
    return this.entries.has(key);
  }

  /** Stores a page, unless the cache has moved to another version since (or the page alone exceeds the budget). */
  set(entry: RenderedPage): void {
    if (!this.enabled || entry.size > this.options.maxBytes) return;
    if (this.version === null) this.version = entry.version;
    if (entry.version !== this.version) return;
    const old = this.entries.get(entry.key);
    if (old) {
      this.entries.delete(entry.key);
      this.stats.bytes -= old.size;
    }
    this.entries.set(entry.key, entry);
    this.stats.bytes += entry.size;
    while (this.stats.bytes > this.options.maxBytes) {
      const [oldestKey, oldest] = this.entries.entries().next().value as [string, RenderedPage];
      this.entries.delete(oldestKey);
      this.stats.bytes -= oldest.size;
      this.stats.evictions++;
    }
    this.stats.entries = this.entries.size;
  }

  private reset(version: string): void {
    this.entries.clear();
    this.version = version;
    this.stats.bytes = 0;
    this.stats.entries = 0;
  }
}

/** `csdl.sid=` as a cookie name anywhere in a Cookie header (the cookie parser trims blanks around names too). */
const SESSION_COOKIE_RE = new RegExp(`(?:^|;)\\s*${SESSION_COOKIE.replace(/\./g, '\\.')}\\s*=`);

export function hasSessionCookie(cookieHeader: string | undefined): boolean {
  return cookieHeader !== undefined && SESSION_COOKIE_RE.test(cookieHeader);
}

/** If-None-Match against one strong ETag (weak comparison, as RFC 9110 asks for If-None-Match). */
export function etagMatches(ifNoneMatch: string, etag: string): boolean {
  if (ifNoneMatch === etag) return true;
  for (const part of ifNoneMatch.split(',')) {
    const tag = part.trim();
    if (tag === '*' || tag === etag || (tag.startsWith('W/') && tag.slice(2) === etag)) return true;
  }
  return false;
}

function strongEtag(body: Buffer): string {
  return `"${body.length.toString(16)}-${createHash('sha1').update(body).digest('base64url')}"`;
}

/** Keys of pages asked for once, remembered to keep a page from its second request on (forgotten when full). */
const MAX_SEEN = 20_000;

/** Raw URLs remembered for `fromMemory`, and their longest length: at most about 5 MB together. */
const MAX_ALIASES = 10_000;
const MAX_ALIAS_URL = 512;

const RESULTS = ['hit', 'miss', 'not_modified', 'passed'] as const;

export interface AnonymousPagesDeps {
  engine: ViewEngine;
  appName: string;
  /** The public data version (src/features/public: `publicData.dataVersion()`). */
  version: () => Promise<string>;
  cache: PageCacheOptions;
  /** `staticSecurityHeaders(isProduction)` (src/middleware/security.ts). */
  securityHeaders: readonly string[];
  limiter: Pick<InFlightLimiter, 'enter' | 'leave'>;
  logger: Logger;
  /** Where the counters go (the app's Prometheus registry). */
  registry?: Registry;
  now?: () => number;
}

/**
 * The render time histogram and the outcome counter (from the cache's plain integers, read at scrape time) in
 * `registry`; returns the histogram.
 */
function registerMetrics(registry: Registry, stats: PageCacheStats): Histogram {
  const renderSeconds = new Histogram({
    name: 'csdl_hoi_public_page_render_seconds',
    help: 'Anonymous public pages rendered (cache misses): data and template time',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2],
    registers: [registry],
  });
  const reported: Record<(typeof RESULTS)[number], number> = { hit: 0, miss: 0, not_modified: 0, passed: 0 };
  const current = () => ({ hit: stats.hits, miss: stats.misses, not_modified: stats.notModified, passed: stats.passed });
  new Counter({
    name: 'csdl_hoi_public_pages_total',
    help: 'Anonymous public page requests by outcome: hit (from memory), miss (rendered), not_modified (304), passed (sent the normal way)',
    labelNames: ['result'] as const,
    registers: [registry],
    collect() {
      const now = current();
      for (const r of RESULTS) {
        if (now[r] > reported[r]) this.inc({ result: r }, now[r] - reported[r]);
        reported[r] = now[r];
      }
    },
  });
  return renderSeconds;
}

/**
 * Renders a page into its cache entry: body, headers for 200 and 304 (with a strong ETag when `etagged`), size.
 * `cached`: the cache is on (the log says miss, else off).
 */
async function renderPage(
  deps: Pick<AnonymousPagesDeps, 'engine' | 'appName' | 'securityHeaders' | 'logger'>,
  page: AnonymousPage,
  at: { version: string; etagged: boolean; cached: boolean; now: () => number },
  renderSeconds: Histogram | null,
): Promise<RenderedPage> {
  const started = performance.now();
  const { view, locals } = await page.build();
  const html = deps.engine.render(view, { ...anonymousLocals(deps.appName, page.path, page.lang), ...locals });
  const body = Buffer.from(html, 'utf8');
  // A page not kept because it was asked for the first time gets no ETag: its If-None-Match could only be answered
  // by rendering it again (with the cache off every page has one: the client may still save the transfer).
  const etag = at.etagged ? strongEtag(body) : '';
  const tail = [...(etag ? ['ETag', etag] : []), 'Cache-Control', 'no-cache', 'Vary', 'Cookie'];
  const headers200 = [...deps.securityHeaders, 'Content-Type', 'text/html; charset=utf-8', 'Content-Length', String(body.length), ...tail];
  const seconds = (performance.now() - started) / 1000;
  renderSeconds?.observe(seconds);
  deps.logger.info(
    { path: page.path, ms: Math.round(seconds * 1000), bytes: body.length, cache: at.cached ? 'miss' : 'off' },
    'public page rendered',
  );
  return {
    key: page.key,
    version: at.version,
    body,
    etag,
    at: at.now(),
    size: body.length + page.key.length * 2 + ENTRY_OVERHEAD,
    headers200,
    headers304: [...deps.securityHeaders, ...tail],
  };
}

export function createAnonymousPages(deps: AnonymousPagesDeps) {
  const now = deps.now ?? Date.now;
  const cache = new PageCache(deps.cache, now);
  const { stats } = cache;
  const pending = new Map<string, { version: string; promise: Promise<RenderedPage> }>();
  const { logger, limiter } = deps;

  const renderSeconds = deps.registry ? registerMetrics(deps.registry, stats) : null;

  /**
   * Pages asked for once recently. A page is kept from its second request on: the long tail of searches asked once
   * (most of a national register's traffic) never displaces the pages people do repeat, and costs no ETag nor copy.
   */
  const seen = new Set<string>();
  function admit(key: string): boolean {
    if (seen.has(key)) return true;
    if (seen.size >= MAX_SEEN) seen.clear();
    seen.add(key);
    return false;
  }

  /** The page from the cache, from a render in progress for the same key and version, or rendered now. */
  async function pageFor(page: AnonymousPage): Promise<{ entry: RenderedPage; hit: boolean }> {
    const version = await deps.version();
    if (cache.enabled) {
      const entry = cache.get(page.key, version);
      if (entry) return { entry, hit: true };
      const running = pending.get(page.key);
      if (running && running.version === version) return { entry: await running.promise, hit: true };
    }
    stats.misses++;
    const admitted = cache.enabled && admit(page.key);
    const promise = renderPage(deps, page, { version, etagged: admitted || !cache.enabled, cached: cache.enabled, now }, renderSeconds);
    if (!cache.enabled) return { entry: await promise, hit: false };
    pending.set(page.key, { version, promise });
    try {
      const entry = await promise;
      if (admitted) cache.set(entry);
      return { entry, hit: false };
    } finally {
      if (pending.get(page.key)?.promise === promise) pending.delete(page.key);
    }
  }

  function send(req: IncomingMessage, res: ServerResponse, entry: RenderedPage, hit: boolean, path: string): void {
    const inm = req.headers['if-none-match'];
    if (inm !== undefined && entry.etag !== '' && etagMatches(inm, entry.etag)) {
      stats.notModified++;
      res.writeHead(304, entry.headers304 as string[]);
      res.end();
    } else {
      if (hit) stats.hits++;
      res.writeHead(200, entry.headers200 as string[]);
      if (req.method === 'HEAD') res.end();
      else res.end(entry.body);
    }
    // Only the path, as the request log: a query may carry search terms.
    if (logger.isLevelEnabled('debug')) logger.debug({ path, status: res.statusCode, hit }, 'public page sent from the anonymous path');
  }

  /**
   * Raw request targets (path and query string exactly as received) already resolved on the Express path, to their
   * page: resolving is a pure function of the URL, so the same target always names the same page. Bounded: at most
   * MAX_ALIASES of at most MAX_ALIAS_URL characters (unknown parameters make URLs of any length resolve to one page),
   * all forgotten when full (a URL seen again is simply resolved again).
   */
  const aliases = new Map<string, { key: string; path: string }>();
  function remember(url: string, page: AnonymousPage, alias = aliasKey(url, page.lang ?? 'vi')): void {
    if (!cache.enabled || url.length > MAX_ALIAS_URL || aliases.has(alias)) return;
    if (aliases.size >= MAX_ALIASES) aliases.clear();
    aliases.set(alias, { key: page.key, path: page.path });
  }

  return {
    stats,
    /**
     * Before Express (app.ts wraps `app.handle`): a GET or HEAD, without a session cookie, of a URL the route handler
     * below has already resolved, whose page is in memory, is answered here — without Express's per-request setup
     * (prototype switch of req and res, router walk) that costs several times the sending of the page itself.
     * Returns false when it does not take the request; when it takes it but the page turns out stale (the data version
     * moved) or the version cannot be read, it calls `fallback` (the normal Express handling) instead of answering.
     */
    fromMemory(req: IncomingMessage, res: ServerResponse, fallback: () => void): boolean {
      if ((req.method !== 'GET' && req.method !== 'HEAD') || req.url === undefined) return false;
      const page = aliases.get(aliasKey(req.url, langFromCookieHeader(req.headers.cookie)));
      if (page === undefined || !cache.has(page.key) || hasSessionCookie(req.headers.cookie)) return false;
      if (!limiter.enter()) return false;
      deps.version().then(
        (version) => {
          const entry = cache.get(page.key, version);
          if (!entry) {
            limiter.leave();
            fallback();
            return;
          }
          stats.early++;
          try {
            send(req, res, entry, true, page.path);
          } finally {
            limiter.leave();
          }
        },
        () => {
          limiter.leave();
          fallback();
        },
      );
      return true;
    },

    /** A route handler serving the resolved page; `next('router')` sends the request on to the normal stack. */
    serve(resolve: AnonymousPageResolver): RequestHandler {
      return (req, res, next) => {
        if (hasSessionCookie(req.headers.cookie) || hasPollutedParameters(req)) {
          next('router');
          return;
        }
        let page: AnonymousPage;
        try {
          page = inLanguage(resolve(req), langFromCookieHeader(req.headers.cookie));
        } catch {
          next('router');
          return;
        }
        if (!limiter.enter(req, res)) {
          stats.passed++;
          next('router');
          return;
        }
        pageFor(page).then(
          ({ entry, hit }) => {
            remember(req.originalUrl, page);
            try {
              if (!abandoned(res)) send(req, res, entry, hit, page.path);
            } finally {
              limiter.leave(res);
            }
          },
          (err: unknown) => {
            if (limiter.leave(res)) return; // already answered 503 by the deadline
            stats.passed++;
            // Expected for an unknown record (404) and when the database is unreachable: the normal path answers.
            logger.debug({ err, path: page.path }, 'public page not served from the anonymous path');
            next('router');
          },
        );
      };
    },
  };
}

export type AnonymousPages = ReturnType<typeof createAnonymousPages>;
