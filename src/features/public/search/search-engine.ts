/**
 * Keeps the in-process public index (public-index.ts) current and answers public list queries from it.
 *
 * - At start it reads the published associations (≈ 2 s at 100,000 on PostgreSQL) in the background; until then,
 *   and for the rare query it cannot evaluate exactly like the database (a folded query with letters outside ASCII,
 *   a compound token such as "che-ca" that the database's tsquery turns into a phrase), `page` returns null and the
 *   caller runs the SQL search.
 * - The public data version (a sequence every write to public data moves, migration 20261230000100) is read every
 *   `pollMs` (default 250 ms; 0 = before every query, as the tests run); when it moves, the associations named in
 *   `public_changes` since the previous look are read again and applied, so a write shows on every public page of
 *   every instance within about `pollMs`. `version()` is the version the index reflects: caches of rows and of
 *   rendered pages key their entries by it.
 * - When it fell behind (the change log is pruned after CHANGE_LOG_MINUTES) or a change touches more than a quarter
 *   of the records, it reloads everything and swaps the new index in when it is ready.
 */
import type { Logger } from 'pino';
import type { PublicFilters, PublicSort } from '../public.repository.js';
import type { IndexRepository } from './index.repository.js';
import { type IndexPage, type IndexTuning, PublicIndex, type QueryText } from './public-index.js';
import { candidateCharacters, foldAndLower, isPlainLexeme, knownCharacters, MAX_WORDS, plainLexemes, type TextRules } from './text.js';

/** Change rows are kept this long; a process whose last look is older reloads everything. */
const CHANGE_LOG_MINUTES = 15;
const isAscii = (s: string) => [...s].every((c) => c.charCodeAt(0) < 0x80);
const PRUNE_EVERY_MS = 5 * 60_000;

export interface SearchEngineOptions {
  /** Use the in-process index (PUBLIC_INDEX); off: every query runs the SQL search, only the version is tracked. */
  enabled: boolean;
  /** How often the public data version is read (ms); 0 = before every query. */
  pollMs: number;
  /** Tests only: thresholds of the index (public-index.ts). */
  tuning?: IndexTuning;
}

export interface SearchEngineDeps {
  repo: IndexRepository;
  readVersion: () => Promise<string>;
  logger?: Pick<Logger, 'info' | 'warn' | 'error'>;
  now?: () => number;
}

/** Counters of the engine (exposed as `stats`). */
interface EngineStats {
  queries: number;
  fallbacks: number;
  refreshes: number;
  reloads: number;
}

/**
 * The index's life: the background load at start, the periodic look at the data version and the refresh (or full
 * reload) it triggers, one look at a time.
 */
function createIndexKeeper(deps: SearchEngineDeps, options: SearchEngineOptions, stats: EngineStats) {
  const { repo, readVersion } = deps;
  const now = deps.now ?? Date.now;
  let index: PublicIndex | null = null;
  let rules: TextRules | null = null;
  /** The version the index (or, when disabled, this process) has caught up with. */
  let version: string | null = null;
  let xmin = '0';
  /** The Vietnamese calendar day the index's withholdings were read for. */
  let day = '';
  let lastLookAt = 0;
  let lastPruneAt = 0;
  let starting: Promise<void> | null = null;
  let syncing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;
  let failing = false;

  async function fullLoad(): Promise<void> {
    const t0 = performance.now();
    const snapshot = await repo.snapshotXmin();
    const loadDay = repo.today();
    const catalogues = await repo.catalogues();
    index = await PublicIndex.build(repo.all(), catalogues, options.tuning);
    xmin = snapshot;
    day = loadDay;
    lastLookAt = now();
    stats.reloads++;
    deps.logger?.info({ records: index.size, ms: Math.round(performance.now() - t0) }, 'public search index loaded');
  }

  /** The index is read in the background: until it is there the SQL search answers. */
  let loading: Promise<void> | null = null;

  async function initialise(): Promise<void> {
    version = await readVersion();
    if (!options.enabled) return;
    if (!(await repo.codePointCollation())) {
      deps.logger?.warn('public search index off: the database does not sort text in code-point order (C collation)');
      return;
    }
    rules = knownCharacters(await repo.foldCharacters(candidateCharacters()));
    loading = fullLoad().catch((err: unknown) => {
      deps.logger?.error({ err }, 'public search index could not be loaded; the SQL search answers');
    });
  }

  async function sync(): Promise<void> {
    // Changes made while the index loads are applied once it is there (from the load's snapshot on).
    if (loading) await loading;
    await newDay();
    const v = await readVersion();
    if (v === version) return;
    if (!index && rules && now() - lastLookAt > 60_000) {
      // The load failed (the database was away): try again, at most once a minute.
      lastLookAt = now();
      loading = fullLoad().catch((err: unknown) => deps.logger?.error({ err }, 'public search index could not be loaded'));
      await loading;
    } else if (index) {
      const fellBehind = now() - lastLookAt > (CHANGE_LOG_MINUTES - 2) * 60_000;
      const changed = fellBehind ? null : await repo.changedSince(xmin);
      if (!changed || changed.ids.length > Math.max(1000, index.size / 4)) {
        await fullLoad();
      } else {
        const [rows, catalogues] = await Promise.all([repo.byIds(changed.ids), repo.catalogues()]);
        index.apply(changed.ids, rows, catalogues);
        xmin = changed.xmin;
        lastLookAt = now();
        stats.refreshes++;
      }
      if (now() - lastPruneAt > PRUNE_EVERY_MS) {
        lastPruneAt = now();
        await repo.pruneChanges(CHANGE_LOG_MINUTES);
      }
    }
    version = v;
  }

  /**
   * A new day: a withholding whose last day has passed ends by itself (issue 16 item 1), with no write to announce
   * it, so the records whose withholding ended since the index's day are read again.
   */
  async function newDay(): Promise<void> {
    const today = repo.today();
    if (!index || today === day) return;
    const ended = await repo.withholdingsEnded(day, today);
    if (ended.length > 0) index.apply(ended, await repo.byIds(ended), await repo.catalogues());
    day = today;
  }

  /** Starts once; later calls wait for the same start. */
  function ensureStarted(): Promise<void> {
    starting ??= initialise().catch((err: unknown) => {
      starting = null;
      throw err;
    });
    return starting;
  }

  /** One look at the version (and refresh) at a time; callers arriving meanwhile share it. */
  function look(): Promise<void> {
    syncing ??= ensureStarted()
      .then(sync)
      .then(
        () => {
          if (failing) deps.logger?.info('public data version readable again');
          failing = false;
        },
        (err: unknown) => {
          if (!failing) deps.logger?.warn({ err }, 'public data version could not be read; the public index is not refreshed');
          failing = true;
          throw err;
        },
      )
      .finally(() => {
        syncing = null;
      });
    return syncing;
  }

  /** Loads the index and starts the periodic look (also done by the first query: start() only does it earlier). */
  function start(): void {
    ensureStarted().catch((err: unknown) => deps.logger?.error({ err }, 'public search index could not be loaded'));
    if (options.pollMs > 0 && !timer) {
      timer = setInterval(() => {
        look().catch(() => undefined);
      }, options.pollMs);
      timer.unref();
    }
  }

  return {
    start,
    look,
    ensureStarted,
    /** The rules of the characters the database folds as the app does (null until known, or index off). */
    rules: () => rules,
    /** The index (null until loaded, or off). */
    index: () => index,
    version: () => version,
    /** The look in progress, if any. */
    syncing: () => syncing,
    /** The first load in progress or ended, if started. */
    loading: () => loading,
    stop(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export function createSearchEngine(deps: SearchEngineDeps, options: SearchEngineOptions) {
  const { repo } = deps;
  const stats: EngineStats = { queries: 0, fallbacks: 0, refreshes: 0, reloads: 0 };
  const keeper = createIndexKeeper(deps, options, stats);
  const { start, look, ensureStarted } = keeper;

  async function current(): Promise<PublicIndex | null> {
    if (options.pollMs === 0) await look();
    else {
      start();
      await ensureStarted();
    }
    return keeper.index();
  }

  /** The text of a query as the database folds it, or null when the index cannot evaluate it exactly. */
  async function queryText(q: string): Promise<QueryText | null> {
    // Folded, lower-cased and split in the app when every character is one the database confirmed and the words are
    // plain; otherwise the database says (one statement).
    const rules = keeper.rules();
    const local = rules ? foldAndLower(q, rules) : null;
    const plain = local ? plainLexemes(local.folded) : null;
    const { folded, lowered, lexemes } = local && plain ? { ...local, lexemes: plain } : await repo.queryText(q, MAX_WORDS);
    // Compound lexemes become phrases in the database's tsquery, and trigrams of letters outside ASCII are hashed by
    // the database: such queries run the SQL search.
    if (!lexemes.every(isPlainLexeme) || !isAscii(folded)) return null;
    return { q, folded, lowered, upper: q.toUpperCase(), lexemes };
  }

  /** The index and the query's text, or null when the SQL search must answer (no index yet, or a query it cannot
   *  evaluate exactly like the database). */
  async function resolve(filters: PublicFilters): Promise<{ index: PublicIndex; text: QueryText | null } | null> {
    const idx = await current();
    if (!idx) return null;
    const text = filters.q ? await queryText(filters.q) : null;
    if (filters.q && !text) {
      stats.fallbacks++;
      return null;
    }
    stats.queries++;
    return { index: idx, text };
  }

  return {
    stats,

    /** Loads the index and starts the periodic look (pollMs > 0). Never rejects: failures are logged and retried. */
    start,

    /** Resolves when the look at the data version in progress (if any) has ended (tests). */
    async idle(): Promise<void> {
      await keeper.syncing()?.catch(() => undefined);
    },

    /** Resolves once the first load of the index has ended (loaded or failed: then the SQL search answers). */
    async loaded(): Promise<void> {
      start();
      await ensureStarted();
      await keeper.loading();
    },

    stop: keeper.stop,

    /** The public data version the index reflects (read now when pollMs is 0). */
    async version(): Promise<string> {
      if (options.pollMs > 0) start();
      if (options.pollMs === 0 || keeper.version() === null) await look();
      return keeper.version() ?? '';
    },

    /** A page of the list from the index, or null: the caller runs the SQL search. */
    async page(
      filters: PublicFilters,
      sort: PublicSort,
      page: number,
      pageSize: number,
    ): Promise<(IndexPage & { index: PublicIndex }) | null> {
      const q = await resolve(filters);
      return q ? { ...q.index.page(q.text, filters, sort, page, pageSize), index: q.index } : null;
    },

    /** Every match in list order (open data), or null: the caller runs the SQL search. */
    async allIds(filters: PublicFilters, sort: PublicSort): Promise<number[] | null> {
      const q = await resolve(filters);
      return q ? q.index.allIds(q.text, filters, sort) : null;
    },
  };
}

export type SearchEngine = ReturnType<typeof createSearchEngine>;
