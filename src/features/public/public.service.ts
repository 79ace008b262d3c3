/**
 * Public pages and open data (R-17.2, SPEC §5): only published associations, only the fields of the configured
 * public-field regime (public-fields.ts). No session, no personal data.
 */
import type { Clock } from '../../lib/clock.js';
import { NotFoundError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import { QUARTERLY_BADGE, QUARTERLY_PREFIX, quarterlyState } from '../associations/quarterly-update.js';
import { type PublicRegime, SCOPES } from '../register-form/definition.js';
import { provinceTable } from '../reports/province-grouping.js';
import type { ReportTable } from '../reports/report-model.js';
import type { ProvinceMap } from '../reports/reports.schemas.js';
import { withholdPublic } from '../withholdings/withholdings.js';
import type { WithholdingsRepository } from '../withholdings/withholdings.repository.js';
import {
  COUNT_CAP,
  type PublicFilters,
  type PublicListItem,
  type PublicRepository,
  type PublicSort,
  type PublicSourceRow,
  type PublicSummary,
} from './public.repository.js';
import { labelFixedOptions, type PublicField, type PublicRecord, publicFields, regimeIncludes, toPublic } from './public-fields.js';
import type { SearchEngine } from './search/search-engine.js';

export const SCOPE_LABELS: Record<string, string> = Object.fromEntries(SCOPES);
/** Open data reads this many records per query. */
const CHUNK = 500;

export interface PublicListPage {
  rows: Array<PublicListItem & { scope_label: string; quarterly: PublicQuarterlyBadge | null }>;
  /** Exact up to COUNT_CAP (public.repository.ts); when `more`, there are more matches than that. */
  total: number;
  more: boolean;
}

/** The quarterly update badge of a list row: live associations only; no dates on public pages. */
export interface PublicQuarterlyBadge {
  /** The state's key (dung_han, qua_han): the page prints its words in the interface's language. */
  state: string;
  text: string;
  badge: string;
}

/** The badge on `today` from a row's status and update time (associations/quarterly-update.ts). */
function quarterlyBadge(row: Pick<PublicListItem, 'status' | 'updated_at'>, today: string): PublicQuarterlyBadge | null {
  const state = quarterlyState(row.status, row.updated_at, today);
  if (state === 'khong_ap_dung') return null;
  return { state, text: `${QUARTERLY_PREFIX}: ${QUARTERLY_BADGE[state].label}`, badge: QUARTERLY_BADGE[state].badge };
}

/** A list row without what is withheld from its record: the abbreviation, the field and the province it shows. */
function withholdListItem<T extends PublicListItem>(row: T, withheld: ReadonlySet<string> | undefined): T {
  if (!withheld || withheld.size === 0) return row;
  return {
    ...row,
    ...(withheld.has('abbreviation') ? { abbreviation: null } : {}),
    ...(withheld.has('main_field_code') ? { field_name: null } : {}),
    ...(withheld.has('hq_province_code') ? { province_name: null } : {}),
  };
}

export interface PublicCacheOptions {
  /** Entries kept (least recently used dropped first); 0 = no cache. */
  size: number;
  /** Longest time an entry is served. */
  ttlMs: number;
  /** The database's public data version is read at most this often (0 = on every call). */
  checkMs: number;
}

export const NO_CACHE: PublicCacheOptions = { size: 0, ttlMs: 0, checkMs: 0 };

/**
 * A small in-process cache of public list results (rows and count, never rendered pages: the same for every
 * visitor, signed in or not). Entries are keyed by the exact filters, sort and page, dropped when the public data
 * version of the database moves (any write to associations, their other fields or the shown catalogues, from any
 * process: triggers of migration 20261230000100), and never served older than `ttlMs`. So a write is seen by the
 * next list at most `checkMs` later (1 s by default) — at once when checkMs is 0.
 */
export function createPublicCache(
  options: PublicCacheOptions,
  readVersion: () => Promise<string>,
  now: () => number = performance.now.bind(performance),
) {
  const entries = new Map<string, { at: number; value: unknown }>();
  const pending = new Map<string, { version: string | null; promise: Promise<unknown> }>();
  let version: string | null = null;
  let checkedAt = Number.NEGATIVE_INFINITY;
  let checking: Promise<void> | null = null;
  const stats = { hits: 0, misses: 0 };

  async function check(): Promise<void> {
    if (version !== null && now() - checkedAt < options.checkMs) return;
    // One read of the version for every caller waiting at the same moment.
    checking ??= readVersion()
      .then((v) => {
        if (v !== version) entries.clear();
        version = v;
        checkedAt = now();
      })
      .finally(() => {
        checking = null;
      });
    await checking;
  }

  return {
    stats,
    /**
     * The public data version as this process last read it (read again when older than `checkMs`): every anonymous
     * page rendered from public data may be cached under it and is stale once it moves.
     */
    async version(): Promise<string> {
      await check();
      return version ?? '';
    },
    async get<T>(key: string, compute: () => Promise<T>): Promise<T> {
      if (options.size <= 0) return compute();
      await check();
      const seenVersion = version;
      const hit = entries.get(key);
      if (hit && now() - hit.at <= options.ttlMs) {
        // Most recently used last: Map keeps insertion order.
        entries.delete(key);
        entries.set(key, hit);
        stats.hits++;
        return hit.value as T;
      }
      // Callers asking for the same key while it is computed share that computation (no stampede of identical
      // searches when a popular entry is missing).
      const running = pending.get(key);
      if (running && running.version === seenVersion) {
        stats.hits++;
        return running.promise as Promise<T>;
      }
      stats.misses++;
      const at = now();
      const promise = compute();
      pending.set(key, { version: seenVersion, promise });
      try {
        const value = await promise;
        // Stored only if no newer version was seen while computing.
        if (version === seenVersion) {
          entries.delete(key);
          entries.set(key, { at, value });
          while (entries.size > options.size) {
            const oldest = entries.keys().next().value;
            if (oldest === undefined) break;
            entries.delete(oldest);
          }
        }
        return value;
      } finally {
        if (pending.get(key)?.promise === promise) pending.delete(key);
      }
    },
  };
}

export interface OpenData {
  count: number;
  generatedAt: Date;
  /** The matching records, chunk by chunk, in list order. */
  chunks(): AsyncGenerator<PublicRecord[]>;
}

export interface PublicServiceDeps {
  repo: PublicRepository;
  regime: PublicRegime;
  clock: Clock;
  cache?: PublicCacheOptions;
  /** The in-process search index (search/search-engine.ts); without it every list runs the SQL search. */
  search?: SearchEngine;
  /** Fields withheld per record (issue 16 item 1): left out of the record page, the list and the open data. */
  withholdings?: Pick<WithholdingsRepository, 'inForce'>;
  /**
   * True while the current request must see its user's own writes (read-after-write, issue 19 item 2): it then
   * reads the repository (the primary) directly, past the caches and the index, which follow the replica.
   */
  fresh?: () => boolean;
}

export function createPublicService(deps: PublicServiceDeps) {
  const { repo, regime, clock, search, withholdings, fresh = () => false } = deps;
  // With the search engine, the version is the one its index reflects, kept current by its own poll: the cache
  // compares it on every call (in memory), so an entry never outlives the index data it came from.
  const cache = search
    ? createPublicCache({ ...(deps.cache ?? NO_CACHE), checkMs: 0 }, () => search.version())
    : createPublicCache(deps.cache ?? NO_CACHE, () => repo.dataVersion());
  /** The cache's entry, or the computation itself for a request that must read fresh data. */
  const cached = <T>(key: string, compute: () => Promise<T>): Promise<T> => (fresh() ? compute() : cache.get(key, compute));
  const fields: readonly PublicField[] = publicFields(regime);
  const withPresident = regimeIncludes(regime, 'president_name');

  function project(src: PublicSourceRow, withheld?: ReadonlySet<string>): PublicRecord {
    return withholdPublic(toPublic({ ...src, ...labelFixedOptions(src) }, regime), withheld);
  }

  /** The fields withheld today from these associations (one statement), never cached: an end date passes by itself. */
  function withheldOf(ids: readonly number[]): Promise<Map<number, Set<string>>> {
    if (!withholdings || ids.length === 0) return Promise.resolve(new Map());
    return withholdings.inForce(ids, vietnamToday(clock.now()));
  }

  /**
   * The record page: the public record, when it was last updated (its latest version) and the quarterly update
   * badge (R-13.2, shown on the public list too).
   */
  async function detailPage(code: string): Promise<{ record: PublicRecord; updatedAt: Date; quarterly: PublicQuarterlyBadge | null }> {
    const src = await repo.sourceByCode(code, withPresident);
    if (!src) throw new NotFoundError('Không tìm thấy hội với mã này trong danh sách công khai.');
    const updatedAt = new Date(Number(src.updated_ms));
    return {
      record: project(src, (await withheldOf([Number(src.id)])).get(Number(src.id))),
      updatedAt,
      quarterly: quarterlyBadge({ status: String(src.status_code ?? ''), updated_at: updatedAt }, vietnamToday(clock.now())),
    };
  }

  return {
    regime,
    fields,

    async home() {
      // The three counts come from one read of the public summary (a few dozen rows, kept by triggers), shared by
      // whichever of them the cache misses; cached like the lists, dropped on any write.
      let read: Promise<PublicSummary> | null = null;
      const summary = () => (read ??= repo.summary());
      const [total, byField, byScope] = await Promise.all([
        cached('total', async () => (await summary()).total),
        cached('by-field', async () => (await summary()).byField),
        cached('by-scope', async () => (await summary()).byScope),
      ]);
      const scopeCount = new Map(byScope.map((s) => [s.scope, s.count]));
      const scopes = SCOPES.map(([code, label]) => ({ code, label, count: scopeCount.get(code) ?? 0 })).filter(
        (s) => s.count > 0 || s.code === 'toan_quoc' || s.code === 'lien_tinh',
      );
      return { total, byField, scopes };
    },

    /**
     * The public statistics by province (issue 16 item 7): published associations per province in force (34) or
     * before 01/07/2025 (63), a column per scope; both groupings count each association once. Cached like the lists.
     */
    async provinceStatistics(map: ProvinceMap): Promise<ReportTable> {
      const [counts, catalogue] = await Promise.all([
        cached('by-province', () => repo.byProvince()),
        cached('province-catalogue', () => repo.provinceCatalogue()),
      ]);
      return provinceTable(counts, map, catalogue);
    },

    fieldCounts() {
      return cached('by-field', async () => (await repo.summary()).byField);
    },
    /** English catalogue names by Vietnamese name (issue 17 item 2), cached like the lists: never a rendered language. */
    englishNames: (): Promise<Record<string, string>> => cache.get('names-en', () => repo.englishNames()),

    /**
     * The public data version (moves on any write to what public pages show; read at most every `checkMs`, so a
     * write is seen within that time). Rendered anonymous pages are cached under it.
     */
    dataVersion(): Promise<string> {
      return cache.version();
    },

    /** Hits and misses of the list cache since start (for tests and the bench). */
    cacheStats: cache.stats,

    filterOptions() {
      const today = vietnamToday(clock.now());
      return cached(`options|${today}`, () => repo.filterOptions(today));
    },

    async list(filters: PublicFilters, sort: PublicSort, page: number, pageSize: number): Promise<PublicListPage> {
      const key = JSON.stringify([
        'list',
        filters.q ?? '',
        filters.field ?? '',
        filters.scope ?? '',
        filters.province ?? '',
        sort,
        page,
        pageSize,
      ]);
      const found = await cached(key, async () => {
        const indexed = fresh() ? null : await search?.page(filters, sort, page, pageSize);
        const { rows, total, more } = indexed
          ? { rows: indexed.index.display(indexed.ids), total: Math.min(indexed.count, COUNT_CAP), more: indexed.count > COUNT_CAP }
          : await repo.list(filters, sort, page, pageSize);
        return { rows: rows.map((r) => ({ ...r, scope_label: SCOPE_LABELS[r.scope] ?? r.scope })), total, more };
      });
      // The quarterly update badge depends on the day: computed on each call, never cached.
      const today = vietnamToday(clock.now());
      const withheld = await withheldOf(found.rows.map((r) => r.id));
      return {
        ...found,
        rows: found.rows.map((r) => ({ ...withholdListItem(r, withheld.get(r.id)), quarterly: quarterlyBadge(r, today) })),
      };
    },

    /** A published association's public fields; 404 for an unknown or unpublished code. */
    detailPage,

    async detail(code: string): Promise<PublicRecord> {
      return (await detailPage(code)).record;
    },

    /** Everything the list shows for these filters (all pages), read in chunks: for CSV and JSON. */
    async openData(filters: PublicFilters, sort: PublicSort): Promise<OpenData> {
      const ids = (fresh() ? null : await search?.allIds(filters, sort)) ?? (await repo.matchingIds(filters, sort));
      return {
        count: ids.length,
        generatedAt: clock.now(),
        async *chunks() {
          for (let i = 0; i < ids.length; i += CHUNK) {
            const slice = ids.slice(i, i + CHUNK);
            const [sources, withheld] = await Promise.all([repo.sources(slice, withPresident), withheldOf(slice)]);
            yield sources.map((s) => project(s, withheld.get(Number(s.id))));
          }
        },
      };
    },
  };
}

export type PublicService = ReturnType<typeof createPublicService>;
