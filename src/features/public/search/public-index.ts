/**
 * The in-process public search index (issue 13): every published association in a narrow form, with bit sets of
 * record slots (typedfastbitset) per word and filter value, the names' lexemes in a radix tree (MiniSearch's
 * SearchableMap) for prefix look-ups, token lists for substring candidates, pairs of neighbouring words, and the
 * three list orders kept sorted. It answers the public list exactly as the SQL search of public.repository.ts does —
 * same matches, same order, same count — with no database round trip, and its cost is bounded by the page asked
 * for, not by the number of matches:
 *
 * - Matches (words mode): every word of the query begins a word of the name (the records of each word prefix, from
 *   the lexemes as the database's name_tsv holds them), or the abbreviation contains the query, or it is the code;
 *   AND the filters (field main or other, scope, province or a former province it succeeded). A bit set: its size is
 *   the exact count.
 * - Typo mode, only when words find nothing with the same filters (src/lib/search-terms.ts): every word of the query
 *   begins a word of the name or is one slip away from one of 3 letters or more (one word corrected first, then every
 *   word) — the records of its prefix and of its alternatives, the lexemes one slip away found in the radix tree. An
 *   exact bit set, as in words mode.
 * - Relevance: class (0 exact name or code, 1 accented substring, 2 unaccented substring or exact abbreviation,
 *   3 every word present, 4 the rest), then the names' trigram count, name, id; the first 200 of that order are
 *   ranked again by word similarity and similarity (the SQL's two stages). Each class is taken from a tight superset
 *   (token and neighbouring-word candidates) walked in that order, and the walk stops once the page is full: only as
 *   many records are looked at as the page needs.
 * - Name and code orders: sorted arrays of slots in code-point order (the database's collation, checked by the
 *   engine at start), walked until the page is full.
 */
import SearchableMap from 'minisearch/SearchableMap';
import { TypedFastBitSet } from 'typedfastbitset';
import { isFuzzyWord, type SearchTerm, typoSteps, typoTerms } from '../../../lib/search-terms.js';
import { COUNT_CAP, type PublicFilters, type PublicSort, RANKED_CANDIDATES } from '../public.repository.js';
import type { IndexCatalogues, IndexRow } from './index.repository.js';
import {
  isPlainText,
  iterateWordSimilarity,
  similarityOfCounts,
  type Trigram,
  type TrigramQuery,
  trigramQuery,
  trigramsInOrder,
  trigramWords,
} from './text.js';

/** A search's text, as the database would fold it. */
export interface QueryText {
  /** The query as the list received it (whitespace collapsed, trimmed). */
  q: string;
  /** lower(q) */
  lowered: string;
  /** f_unaccent(q) */
  folded: string;
  /** upper-case q (the code) */
  upper: string;
  /** The first lexemes of the folded query (empty: the query has no word and finds nothing). */
  lexemes: string[];
}

/** A posting list becomes a bit set past this many slots (about where the bit set of 72,000 records is smaller). */
const DENSE_AT = 2048;
/** Below this many candidates a search classifies every match directly instead of walking class supersets. */
export const SMALL_SET = 128;
/** Word prefixes whose record sets are kept (≈ 9 KB each at 72,000 records; dropped on any change). */
const PREFIX_CACHE = 512;

export interface IndexTuning {
  /** SMALL_SET (tests lower it to exercise the walks on small data). */
  smallSet?: number;
}

interface Doc {
  slot: number;
  id: number;
  code: string;
  name: string;
  nameUnaccent: string;
  /** cardinality(show_trgm(f_unaccent(name))), stored by the database. */
  nameTrigrams: number;
  scope: string;
  status: string | null;
  mainField: string | null;
  province: string | null;
  /** updated_at in milliseconds (the list's quarterly update badge). */
  updatedAt: number;
  /** The folded name's words as pg_trgm reads them (ids in the word dictionary), in order: a view of a shared pool. */
  words: Int32Array;
  /** What most records do not have (null: none of it), kept apart to keep the common record small. */
  rare: Rare | null;
}

/** Fields most records lack or can derive. */
interface Rare {
  abbreviation: string | null;
  /** f_unaccent(coalesce(abbreviation, '')) */
  abbreviationUnaccent: string;
  /** lower(name) when it differs from the app's lower case of the name. */
  nameLower: string | null;
  /** lower(coalesce(abbreviation, '')) when it differs from the app's lower case. */
  abbreviationLower: string | null;
  /** The database's lexemes when they differ from the ASCII words of the folded name. */
  lexemes: string[] | null;
  otherFields: readonly string[];
  /** The name holds a character outside the Basic Multilingual Plane (compared by code point, not UTF-16 unit). */
  astral: boolean;
}

const nameLower = (d: Doc) => d.rare?.nameLower ?? d.name.toLowerCase();
const abbreviationOf = (d: Doc) => d.rare?.abbreviation ?? null;
const abbreviationUnaccentOf = (d: Doc) => d.rare?.abbreviationUnaccent ?? '';
const abbreviationLower = (d: Doc) => d.rare?.abbreviationLower ?? (abbreviationOf(d) ?? '').toLowerCase();
const otherFieldsOf = (d: Doc): readonly string[] => d.rare?.otherFields ?? NO_FIELDS;
const astralOf = (d: Doc) => d.rare?.astral ?? false;
/** The distinct runs of ASCII letters and digits of a folded name: its lexemes, for plain names. */
function asciiWords(folded: string): string[] {
  return [...new Set(folded.match(/[a-z0-9]+/g) ?? [])];
}
const lexemesOf = (d: Doc) => d.rare?.lexemes ?? asciiWords(d.nameUnaccent);
const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && b.every((x) => a.includes(x));
const NO_FIELDS: readonly string[] = Object.freeze([]);

/** The slots holding one term: an array while few, a bit set past DENSE_AT. */
class Posting {
  private arr: Int32Array = new Int32Array(2);
  private bits: TypedFastBitSet | null = null;
  size = 0;

  add(slot: number): void {
    if (this.bits) {
      // Not checkedAdd: in typedfastbitset 0.8.0 it loses the bit when the set has to grow.
      if (!this.bits.has(slot)) {
        this.bits.add(slot);
        this.size++;
      }
      return;
    }
    if (this.size === this.arr.length) {
      const next = new Int32Array(this.arr.length * 2);
      next.set(this.arr);
      this.arr = next;
    }
    this.arr[this.size++] = slot;
    if (this.size > DENSE_AT) {
      this.bits = new TypedFastBitSet(this.arr.subarray(0, this.size));
      this.arr = new Int32Array(0);
    }
  }

  remove(slot: number): void {
    if (this.bits) {
      if (this.bits.has(slot)) {
        this.bits.remove(slot);
        this.size--;
      }
      return;
    }
    const i = this.arr.subarray(0, this.size).indexOf(slot);
    if (i < 0) return;
    this.arr[i] = this.arr[this.size - 1] as number;
    this.size--;
  }

  addTo(acc: TypedFastBitSet): void {
    if (this.bits) {
      acc.union(this.bits);
      return;
    }
    for (let i = 0; i < this.size; i++) acc.add(this.arr[i] as number);
  }

  /** Drops the spare capacity of the array (after a bulk load). */
  compact(): void {
    if (!this.bits && this.arr.length > this.size) this.arr = this.arr.slice(0, this.size);
  }
}

/** Code-point order of two strings (the database's C / C.UTF-8 collation); `astral` when either may hold a surrogate. */
function compareText(a: string, b: string, astral: boolean): number {
  if (!astral) return a < b ? -1 : a > b ? 1 : 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}

const byName = (a: Doc, b: Doc) => compareText(a.name, b.name, astralOf(a) || astralOf(b)) || a.id - b.id;
const byCodeText = (a: string, b: string) => compareText(a, b, false);
const byCode = (a: Doc, b: Doc) => byCodeText(a.code, b.code) || a.id - b.id;
/** Stage 1 of relevance within a class: fewest trigrams first (the most similar to a contained query), name, id. */
const byTrigrams = (a: Doc, b: Doc) => a.nameTrigrams - b.nameTrigrams || byName(a, b);

/** Slots sorted by a comparator, kept sorted through inserts and removals. */
class Order {
  perm: number[] = [];
  /** Position of each slot in `perm` (rebuilt after changes, when first needed). */
  private ranks = new Int32Array(0);
  private ranked = false;
  constructor(
    readonly cmp: (a: Doc, b: Doc) => number,
    private readonly docs: ReadonlyArray<Doc | undefined>,
  ) {}

  private lowerBound(doc: Doc): number {
    let lo = 0;
    let hi = this.perm.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.cmp(this.docs[this.perm[mid] as number] as Doc, doc) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  insert(doc: Doc): void {
    this.perm.splice(this.lowerBound(doc), 0, doc.slot);
    this.ranked = false;
  }

  remove(doc: Doc): void {
    const i = this.lowerBound(doc);
    if (this.perm[i] === doc.slot) this.perm.splice(i, 1);
    this.ranked = false;
  }

  rebuild(slots: number[]): void {
    const docs = this.docs;
    this.perm = slots.sort((a, b) => this.cmp(docs[a] as Doc, docs[b] as Doc));
    this.ranked = false;
  }

  /** Position of each slot in this order. */
  rank(): Int32Array {
    if (!this.ranked) {
      if (this.ranks.length < this.docs.length) this.ranks = new Int32Array(this.docs.length * 2);
      this.perm.forEach((slot, i) => {
        this.ranks[slot] = i;
      });
      this.ranked = true;
    }
    return this.ranks;
  }

  /** The slots sorted by `key(slot)` (small integer, e.g. a relevance class) then by this order. */
  sortBy(slots: readonly number[], key: (slot: number) => number): number[] {
    const ranks = this.rank();
    const keys = new Float64Array(slots.length);
    slots.forEach((slot, i) => {
      keys[i] = key(slot) * 4_294_967_296 + (ranks[slot] as number);
    });
    keys.sort();
    return Array.from(keys, (k) => this.perm[k % 4_294_967_296] as number);
  }

  /**
   * Visits the members of `set` in this order until `visit` returns true. A small set is sorted on its own; a large
   * one is found by walking the order (about page × N / |set| steps).
   */
  walk(set: TypedFastBitSet, visit: (slot: number) => boolean): void {
    const n = set.size();
    if (n === 0) return;
    if (n * 32 < this.perm.length) {
      for (const slot of this.sortBy(set.array(), () => 0)) if (visit(slot)) return;
      return;
    }
    for (const slot of this.perm) if (set.has(slot) && visit(slot)) return;
  }
}

/** The lexemes of the names: a radix tree (MiniSearch's SearchableMap) for prefix look-ups. */
class LexemeDictionary {
  readonly terms = new SearchableMap<Posting>();

  add(term: string, slot: number): void {
    addTo(this.terms, term, slot);
  }

  remove(term: string, slot: number): void {
    removeFrom(this.terms, term, slot);
  }

  /** The terms one slip away from `word` (a superset: Levenshtein 1, and the swaps of two neighbouring letters). */
  oneSlipFrom(word: string): string[] {
    if (!isFuzzyWord(word)) return [];
    const out = [...this.terms.fuzzyGet(word, 1).keys()];
    for (let i = 0; i + 1 < word.length; i++) {
      const swapped = word.slice(0, i) + word[i + 1] + word[i] + word.slice(i + 2);
      if (this.terms.has(swapped)) out.push(swapped);
    }
    return out;
  }

  /** The postings of the terms beginning with `prefix`. */
  postings(prefix: string): Posting[] {
    const out: Posting[] = [];
    for (const [, p] of this.terms.atPrefix(prefix)) out.push(p);
    return out;
  }

  compact(): void {
    for (const [, p] of this.terms) p.compact();
  }
}

/**
 * The space-separated tokens of the names (folded, or lower case): records whose name contains a text are among those
 * with a run of tokens that contains it — the first part of the text ending a token, the middle ones equal to
 * tokens, the last one beginning a token (or, for one part, inside a token).
 */
class TokenDictionary {
  private readonly postings = new Map<string, Posting>();
  private terms: string[] = [];
  private stale = false;

  add(term: string, slot: number): void {
    if (addTo(this.postings, term, slot)) this.stale = true;
  }

  remove(term: string, slot: number): void {
    if (removeFrom(this.postings, term, slot)) this.stale = true;
  }

  private list(): string[] {
    if (this.stale) {
      this.terms = [...this.postings.keys()];
      this.stale = false;
    }
    return this.terms;
  }

  private matching(test: (term: string) => boolean): TypedFastBitSet {
    const acc = new TypedFastBitSet();
    for (const term of this.list()) if (test(term)) this.postings.get(term)?.addTo(acc);
    return acc;
  }

  substring(text: string): TypedFastBitSet | null {
    const parts = text.split(' ');
    if (parts.length === 1) return this.matching((t) => t.includes(text));
    const first = parts[0] as string;
    const last = parts[parts.length - 1] as string;
    const sets: TypedFastBitSet[] = [];
    for (const middle of parts.slice(1, -1)) {
      if (!middle) continue;
      const s = new TypedFastBitSet();
      this.postings.get(middle)?.addTo(s);
      sets.push(s);
    }
    if (first) sets.push(this.matching((t) => t.endsWith(first)));
    if (last) sets.push(this.matching((t) => t.startsWith(last)));
    return intersectAll(sets);
  }

  compact(): void {
    for (const p of this.postings.values()) p.compact();
  }
}

/** The intersection of the sets, smallest first; null (no restriction) when there is none. */
function intersectAll(sets: TypedFastBitSet[]): TypedFastBitSet | null {
  if (sets.length === 0) return null;
  sets.sort((a, b) => a.size() - b.size());
  const out = (sets[0] as TypedFastBitSet).clone();
  for (const s of sets.slice(1)) out.intersection(s);
  return out;
}

function tokens(s: string): string[] {
  return [...new Set(s.split(' ').filter((t) => t !== ''))];
}

/** A Map, or MiniSearch's SearchableMap, of postings. */
interface PostingMap<K> {
  get(key: K): Posting | undefined;
  set(key: K, p: Posting): unknown;
  delete(key: K): unknown;
}

/** Adds the slot to the key's posting; true when the key is new. */
function addTo<K>(map: PostingMap<K>, key: K, slot: number): boolean {
  const p = map.get(key);
  if (p) {
    p.add(slot);
    return false;
  }
  const created = new Posting();
  created.add(slot);
  map.set(key, created);
  return true;
}

/** Removes the slot from the key's posting; true when the key is gone with it. */
function removeFrom<K>(map: PostingMap<K>, key: K, slot: number): boolean {
  const p = map.get(key);
  if (!p) return false;
  p.remove(slot);
  if (p.size > 0) return false;
  map.delete(key);
  return true;
}

/** Whether the words hold a run of `n` consecutive ones where the k-th passes `ok(k, word id)`. */
function hasRun(words: Int32Array, n: number, ok: (k: number, id: number) => boolean): boolean {
  for (let i = 0; i + n <= words.length; i++) {
    let k = 0;
    while (k < n && ok(k, words[i + k] as number)) k++;
    if (k === n) return true;
  }
  return false;
}

/**
 * The words of the folded names as pg_trgm splits them, shared by the records: each with its trigrams in order, as
 * ids in a dictionary of trigrams (so that similarities are computed on small integers, without strings).
 */
class WordDictionary {
  private readonly ids = new Map<string, number>();
  private readonly words: Array<{ word: string; trigrams: Int32Array; refs: number } | undefined> = [];
  private readonly free: number[] = [];
  /** Every trigram of a word seen so far → its id (ids are never reused; a few thousand at most). */
  readonly trigramIds = new Map<Trigram, number>();

  /** Word ids of the records, in chunks: each record's ids are a view of one chunk (no array of its own). */
  private pool = new Int32Array(POOL_CHUNK);
  private used = 0;

  take(folded: string): Int32Array {
    const list = trigramWords(folded);
    if (this.used + list.length > this.pool.length) {
      this.pool = new Int32Array(Math.max(POOL_CHUNK, list.length));
      this.used = 0;
    }
    const out = this.pool.subarray(this.used, this.used + list.length);
    this.used += list.length;
    list.forEach((word, i) => {
      let id = this.ids.get(word);
      if (id === undefined) {
        id = this.free.pop() ?? this.words.length;
        this.ids.set(word, id);
        const trigrams = Int32Array.from(trigramsInOrder(word), (t) => {
          let g = this.trigramIds.get(t);
          if (g === undefined) {
            g = this.trigramIds.size;
            this.trigramIds.set(t, g);
          }
          return g;
        });
        this.words[id] = { word, trigrams, refs: 0 };
      }
      (this.words[id] as { refs: number }).refs++;
      out[i] = id;
    });
    return out;
  }

  release(ids: Int32Array): void {
    for (const id of ids) {
      const w = this.words[id];
      if (!w) continue;
      w.refs--;
      if (w.refs === 0) {
        this.ids.delete(w.word);
        this.words[id] = undefined;
        this.free.push(id);
      }
    }
  }

  /** The word's trigram ids in order. */
  trigrams(id: number): Int32Array {
    return this.words[id]?.trigrams ?? EMPTY_IDS;
  }

  /**
   * For a folded text of ASCII letters and digits in words separated by single spaces (else null): which words can
   * stand at each of its places in a name that contains it — the first ending with its first word, the middle ones
   * equal to its words, the last beginning with its last word (for one word: containing it) — as marks per word id,
   * and a test of a record's word ids (integer tests instead of a string search, for the records a walk rejects).
   */
  phrase(folded: string): { marks: Uint8Array[]; test: (words: Int32Array) => boolean } | null {
    if (!isPlainText(folded)) return null;
    const parts = folded.split(' ');
    const n = parts.length;
    const marks = parts.map((part, k) => {
      const mark = new Uint8Array(this.words.length);
      this.words.forEach((w, id) => {
        if (!w) return;
        const ok =
          n === 1 ? w.word.includes(part) : k === 0 ? w.word.endsWith(part) : k === n - 1 ? w.word.startsWith(part) : w.word === part;
        if (ok) mark[id] = 1;
      });
      return mark;
    });
    const test = (words: Int32Array) => hasRun(words, n, (k, id) => (marks[k] as Uint8Array)[id] === 1);
    return { marks, test };
  }

  /** For a folded text of ASCII words (else null): a test that a record's words hold them whole and in a row. */
  wholeRun(folded: string): ((words: Int32Array) => boolean) | null {
    if (!isPlainText(folded)) return null;
    const ids = folded.split(' ').map((w) => this.ids.get(w) ?? -1);
    if (ids.includes(-1)) return () => false;
    return (words) => hasRun(words, ids.length, (k, id) => id === ids[k]);
  }
}
const EMPTY_IDS = new Int32Array(0);
/** Word ids per chunk of the pool (a chunk is freed once no record's view holds it). */
const POOL_CHUNK = 65_536;

/**
 * Pairs of adjacent words of the folded names (word ids) → the records having them: a name containing a text of
 * several words has, for each two neighbouring words of the text, a pair of neighbouring words that can stand there.
 */
class PairIndex {
  private readonly byFirst = new Map<number, Map<number, Posting>>();

  private pairs(words: Int32Array): Array<[number, number]> {
    const seen = new Set<number>();
    const out: Array<[number, number]> = [];
    for (let i = 0; i + 1 < words.length; i++) {
      const a = words[i] as number;
      const b = words[i + 1] as number;
      const key = a * 1_048_576 + b;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push([a, b]);
    }
    return out;
  }

  add(words: Int32Array, slot: number): void {
    for (const [a, b] of this.pairs(words)) {
      let seconds = this.byFirst.get(a);
      if (!seconds) {
        seconds = new Map();
        this.byFirst.set(a, seconds);
      }
      addTo(seconds, b, slot);
    }
  }

  remove(words: Int32Array, slot: number): void {
    for (const [a, b] of this.pairs(words)) {
      const seconds = this.byFirst.get(a);
      if (!seconds) continue;
      removeFrom(seconds, b, slot);
      if (seconds.size === 0) this.byFirst.delete(a);
    }
  }

  /** Records having a pair whose first word is marked in `first` and second in `second`. */
  records(first: Uint8Array, second: Uint8Array): TypedFastBitSet {
    const acc = new TypedFastBitSet();
    for (const [a, seconds] of this.byFirst) {
      if (first[a] !== 1) continue;
      for (const [b, p] of seconds) if (second[b] === 1) p.addTo(acc);
    }
    return acc;
  }

  compact(): void {
    for (const seconds of this.byFirst.values()) for (const p of seconds.values()) p.compact();
  }
}

/**
 * Working arrays of the similarity computations, one per index, reused by every query (no per-query allocation that
 * grows with the dictionary): an entry is valid only where its turn stamp is the current query's (or record's).
 */
class Scratch {
  trigramTurn = new Int32Array(0);
  trigramQuery = new Int32Array(0);
  localTurn = new Int32Array(0);
  local = new Int32Array(0);
  private turns = 0;

  /** A new turn, after growing the arrays to `trigrams` entries. */
  turn(trigrams: number): number {
    if (this.trigramTurn.length < trigrams) {
      const n = Math.max(trigrams, this.trigramTurn.length * 2);
      this.trigramTurn = new Int32Array(n);
      this.trigramQuery = new Int32Array(n);
      this.localTurn = new Int32Array(n);
      this.local = new Int32Array(n);
    }
    if (this.turns >= 0x7fffffff) {
      this.turns = 0;
      for (const a of [this.trigramTurn, this.localTurn]) a.fill(0);
    }
    return ++this.turns;
  }
}

/** pg_trgm's word similarity and similarity of one query with records, computed from the records' word and trigram ids. */
class Similarity {
  private readonly ulen1: number;
  /** This query's turn in the scratch arrays (trigram entries), and the current record's (measure). */
  private readonly q: number;
  private readonly seen: Uint8Array;
  private indexes = new Int32Array(128);

  constructor(
    query: TrigramQuery,
    private readonly dictionary: WordDictionary,
    private readonly scratch: Scratch,
  ) {
    this.ulen1 = query.index.size;
    this.q = scratch.turn(dictionary.trigramIds.size);
    for (const [t, j] of query.index) {
      const g = dictionary.trigramIds.get(t);
      if (g !== undefined) {
        scratch.trigramTurn[g] = this.q;
        scratch.trigramQuery[g] = j;
      }
    }
    this.seen = new Uint8Array(this.ulen1);
  }

  /** Index of trigram id `g` in the query, or −1. */
  private queryIndex(g: number): number {
    return this.scratch.trigramTurn[g] === this.q ? (this.scratch.trigramQuery[g] as number) : -1;
  }

  /** word_similarity(query, folded name) and similarity(query, folded name). */
  measure(doc: Doc): { ws: number; sim: number } {
    const ulen1 = this.ulen1;
    const sc = this.scratch;
    const turn = sc.turn(0);
    this.seen.fill(0);
    let found = 0;
    let others = 0;
    let len = 0;
    for (const id of doc.words) {
      const trigrams = this.dictionary.trigrams(id);
      if (this.indexes.length < len + trigrams.length) {
        const next = new Int32Array((len + trigrams.length) * 2);
        next.set(this.indexes.subarray(0, len));
        this.indexes = next;
      }
      for (let i = 0; i < trigrams.length; i++) {
        const g = trigrams[i] as number;
        let j = this.queryIndex(g);
        if (j < 0) {
          if (sc.localTurn[g] !== turn) {
            sc.localTurn[g] = turn;
            sc.local[g] = ulen1 + others++;
          }
          j = sc.local[g] as number;
        } else if (!this.seen[j]) {
          this.seen[j] = 1;
          found++;
        }
        this.indexes[len++] = j;
      }
    }
    return {
      ws: iterateWordSimilarity(this.indexes, len, ulen1, ulen1 + others),
      sim: similarityOfCounts(found, ulen1, found + others),
    };
  }
}

/** Relevance class of a record for a query (public.repository.ts classSql). */
type ClassOf = (doc: Doc) => number;

export interface IndexPage {
  /** Association ids of the page, in list order. */
  ids: number[];
  /** Exact number of matches up to COUNT_CAP; past it, some number above it. */
  count: number;
}

/**
 * The matches of a search: a bit set holding them all (exact in words mode; in typo mode a superset whose members
 * are confirmed one by one, only as far as a page or the count needs).
 */
interface Matches {
  set: TypedFastBitSet;
  isMatch: (slot: number) => boolean;
  exact: boolean;
  /** Records matching by words (relevance class 3). */
  words: TypedFastBitSet;
}

/** Values repeated across records (codes of catalogues) kept once. */
class Strings {
  private readonly seen = new Map<string, string>();
  get<T extends string | null>(s: T): T {
    if (s === null) return s;
    const known = this.seen.get(s);
    if (known !== undefined) return known as T;
    this.seen.set(s, s);
    return s;
  }
}

export class PublicIndex {
  private readonly docs: Array<Doc | undefined> = [];
  private readonly free: number[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly all = new TypedFastBitSet();
  private readonly lexemes = new LexemeDictionary();
  private readonly words = new WordDictionary();
  private readonly pairs = new PairIndex();
  private readonly scratch = new Scratch();
  private readonly foldTokens = new TokenDictionary();
  private readonly lowerTokens = new TokenDictionary();
  /** Folded name → its record(s) (class 0 candidates: a name equal to the query is equal to it folded). The key is
   *  the record's own folded name string: no copy. */
  private readonly foldedNames = new Map<string, number | number[]>();
  private readonly exactAbbreviation = new Map<string, Posting>();
  private readonly withAbbreviation = new Set<number>();
  private readonly scopes = new Map<string, Posting>();
  private readonly fields = new Map<string, Posting>();
  private readonly provinces = new Map<string, Posting>();
  private readonly nameOrder = new Order(byName, this.docs);
  private readonly codeOrder = new Order(byCode, this.docs);
  private readonly trigramOrder = new Order(byTrigrams, this.docs);
  private readonly strings = new Strings();
  private catalogues: IndexCatalogues = { fields: [], provinces: [], statuses: [] };
  private names = {
    fields: new Map<string, string>(),
    provinces: new Map<string, string>(),
    statuses: new Map<string, string>(),
    predecessors: new Map<string, string[]>(),
  };

  private constructor(private readonly smallSet: number) {}

  get size(): number {
    return this.slotOf.size;
  }

  /** An index of these rows (the initial load, or a reload after falling behind). */
  static async build(
    batches: AsyncIterable<readonly IndexRow[]>,
    catalogues: IndexCatalogues,
    tuning: IndexTuning = {},
  ): Promise<PublicIndex> {
    const index = new PublicIndex(tuning.smallSet ?? SMALL_SET);
    for await (const rows of batches) for (const row of rows) index.addRow(row, false);
    index.reorder();
    index.lexemes.compact();
    index.foldTokens.compact();
    index.lowerTokens.compact();
    index.pairs.compact();
    index.setCatalogues(catalogues);
    return index;
  }

  private reorder(): void {
    const slots = [...this.slotOf.values()];
    this.nameOrder.rebuild([...slots]);
    this.codeOrder.rebuild([...slots]);
    this.trigramOrder.rebuild(slots);
  }

  /** Applies the current rows of changed associations: `rows` holds those still published; the other ids leave. */
  apply(changedIds: readonly number[], rows: readonly IndexRow[], catalogues: IndexCatalogues): void {
    const many = changedIds.length > 256;
    for (const id of changedIds) {
      const slot = this.slotOf.get(id);
      if (slot !== undefined) this.removeSlot(slot, !many);
    }
    for (const row of rows) {
      const slot = this.slotOf.get(Number(row.id));
      if (slot !== undefined) this.removeSlot(slot, !many);
      this.addRow(row, !many);
    }
    if (many) this.reorder();
    this.prefixCache.clear();
    this.setCatalogues(catalogues);
  }

  private setCatalogues(c: IndexCatalogues): void {
    this.catalogues = c;
    const predecessors = new Map<string, string[]>();
    for (const p of c.provinces) {
      if (p.successor_code) predecessors.set(p.successor_code, [...(predecessors.get(p.successor_code) ?? []), p.code]);
    }
    this.names = {
      fields: new Map(c.fields.map((f) => [f.code, f.name])),
      provinces: new Map(c.provinces.map((p) => [p.code, p.name])),
      statuses: new Map(c.statuses.map((s) => [s.code, s.name])),
      predecessors,
    };
  }

  private addRow(row: IndexRow, ordered: boolean): void {
    const slot = this.free.pop() ?? this.docs.length;
    const name = row.name;
    const abbreviation = row.abbreviation;
    const other = row.other_fields ?? [];
    const rare: Rare = {
      abbreviation,
      abbreviationUnaccent: row.abbreviation_unaccent,
      nameLower: row.name_lower === name.toLowerCase() ? null : row.name_lower,
      abbreviationLower: row.abbreviation_lower === (abbreviation ?? '').toLowerCase() ? null : row.abbreviation_lower,
      lexemes: sameSet(row.lexemes, asciiWords(row.name_unaccent)) ? null : row.lexemes,
      otherFields: other.length ? other.map((f) => this.strings.get(f)) : NO_FIELDS,
      astral: /[\ud800-\udfff]/.test(name),
    };
    const common =
      rare.abbreviation === null &&
      rare.abbreviationUnaccent === '' &&
      rare.nameLower === null &&
      rare.abbreviationLower === null &&
      rare.lexemes === null &&
      rare.otherFields === NO_FIELDS &&
      !rare.astral;
    const doc: Doc = {
      slot,
      id: Number(row.id),
      code: row.code,
      name,
      nameUnaccent: row.name_unaccent,
      nameTrigrams: Number(row.name_trigrams),
      scope: this.strings.get(row.scope),
      status: this.strings.get(row.status),
      mainField: this.strings.get(row.main_field_code),
      province: this.strings.get(row.hq_province_code),
      updatedAt: new Date(row.updated_at).getTime(),
      words: this.words.take(row.name_unaccent),
      rare: common ? null : rare,
    };
    this.docs[slot] = doc;
    this.slotOf.set(doc.id, slot);
    this.all.add(slot);
    this.index(doc, true);
    if (ordered) {
      this.nameOrder.insert(doc);
      this.codeOrder.insert(doc);
      this.trigramOrder.insert(doc);
    }
  }

  /** Adds the record to (or removes it from) every term, value and trigram set. */
  private index(doc: Doc, add: boolean): void {
    const slot = doc.slot;
    const put = <K>(map: Map<K, Posting>, key: K) => (add ? addTo(map, key, slot) : removeFrom(map, key, slot));
    for (const l of lexemesOf(doc)) add ? this.lexemes.add(l, slot) : this.lexemes.remove(l, slot);
    add ? this.pairs.add(doc.words, slot) : this.pairs.remove(doc.words, slot);
    for (const t of tokens(doc.nameUnaccent)) add ? this.foldTokens.add(t, slot) : this.foldTokens.remove(t, slot);
    for (const t of tokens(nameLower(doc))) add ? this.lowerTokens.add(t, slot) : this.lowerTokens.remove(t, slot);
    const same = this.foldedNames.get(doc.nameUnaccent);
    if (add) {
      this.foldedNames.set(doc.nameUnaccent, same === undefined ? slot : [...(typeof same === 'number' ? [same] : same), slot]);
    } else if (same !== undefined) {
      const rest = (typeof same === 'number' ? [same] : same).filter((x) => x !== slot);
      if (rest.length === 0) this.foldedNames.delete(doc.nameUnaccent);
      else this.foldedNames.set(doc.nameUnaccent, rest.length === 1 ? (rest[0] as number) : rest);
    }
    const abbreviation = abbreviationLower(doc);
    if (abbreviation) put(this.exactAbbreviation, abbreviation);
    if (abbreviationUnaccentOf(doc)) add ? this.withAbbreviation.add(slot) : this.withAbbreviation.delete(slot);
    put(this.scopes, doc.scope);
    for (const f of new Set([doc.mainField, ...otherFieldsOf(doc)])) if (f) put(this.fields, f);
    if (doc.province) put(this.provinces, doc.province);
  }

  private removeSlot(slot: number, ordered: boolean): void {
    const doc = this.docs[slot];
    if (!doc) return;
    if (ordered) {
      this.nameOrder.remove(doc);
      this.codeOrder.remove(doc);
      this.trigramOrder.remove(doc);
    }
    this.index(doc, false);
    this.words.release(doc.words);
    this.all.remove(slot);
    this.slotOf.delete(doc.id);
    this.docs[slot] = undefined;
    this.free.push(slot);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Queries

  /** The record with this code (codes are unique): a binary search of the code order. */
  private codeSlot(code: string): number | undefined {
    const perm = this.codeOrder.perm;
    let lo = 0;
    let hi = perm.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (byCodeText((this.docs[perm[mid] as number] as Doc).code, code) < 0) lo = mid + 1;
      else hi = mid;
    }
    const slot = perm[lo];
    return slot !== undefined && (this.docs[slot] as Doc).code === code ? slot : undefined;
  }

  /** Published records passing the filters (field main or other; scope; province or a former one it succeeded). */
  private filtered(filters: PublicFilters): TypedFastBitSet {
    const out = this.all.clone();
    const restrict = (p: Posting | undefined) => {
      const s = new TypedFastBitSet();
      p?.addTo(s);
      out.intersection(s);
    };
    if (filters.field) restrict(this.fields.get(filters.field));
    if (filters.scope) restrict(this.scopes.get(filters.scope));
    if (filters.province) {
      const s = new TypedFastBitSet();
      for (const code of [filters.province, ...(this.names.predecessors.get(filters.province) ?? [])]) this.provinces.get(code)?.addTo(s);
      out.intersection(s);
    }
    return out;
  }

  /** Records per word prefix (the union of the postings of the lexemes it begins), most recently used last. */
  private readonly prefixCache = new Map<string, { records: TypedFastBitSet; size: number }>();

  /** The records having a word that begins with `prefix` (a shared set: never to be changed by the caller). */
  private prefixRecords(prefix: string): { records: TypedFastBitSet; size: number } {
    const cached = this.prefixCache.get(prefix);
    if (cached) {
      this.prefixCache.delete(prefix);
      this.prefixCache.set(prefix, cached);
      return cached;
    }
    const records = TypedFastBitSet.fromWords(new Uint32Array((this.docs.length + 31) >>> 5));
    for (const p of this.lexemes.postings(prefix)) p.addTo(records);
    const entry = { records, size: records.size() };
    this.prefixCache.set(prefix, entry);
    if (this.prefixCache.size > PREFIX_CACHE) this.prefixCache.delete(this.prefixCache.keys().next().value as string);
    return entry;
  }

  /** Matches of the words plan: every lexeme begins a word of the name, or the abbreviation contains the query, or it is the code. */
  private wordMatches(text: QueryText, within: TypedFastBitSet): Matches {
    const none = { set: new TypedFastBitSet(), isMatch: () => true, exact: true, words: new TypedFastBitSet() };
    if (text.lexemes.length === 0) return none;
    // Each word's records (every name word it begins) come from a small cache of such sets — the words of a
    // register's names recur across searches — and the words are intersected rarest first.
    const sets = text.lexemes.map((l) => this.prefixRecords(l)).sort((a, b) => a.size - b.size);
    const words = within.clone();
    for (const { records } of sets) words.intersection(records);
    const set = words.clone();
    for (const slot of this.withAbbreviation) {
      if (within.has(slot) && abbreviationUnaccentOf(this.docs[slot] as Doc).includes(text.folded)) set.add(slot);
    }
    const code = this.codeSlot(text.upper);
    if (code !== undefined && within.has(code)) set.add(code);
    return { set, isMatch: () => true, exact: true, words };
  }

  /**
   * Matches of the typo plan (src/lib/search-terms.ts), the first of its steps that finds any: every lexeme begins a
   * word of the name or, for the words a step corrects, is one slip away from one — the records of its prefix and of
   * its alternatives (the lexemes one slip away: Levenshtein 1 in the radix tree, and the swaps of two neighbouring
   * letters), intersected rarest first.
   */
  private typoMatches(text: QueryText, within: TypedFastBitSet): Matches {
    const terms = typoTerms(
      text.lexemes,
      text.lexemes.flatMap((w) => this.lexemes.oneSlipFrom(w)),
    );
    const records = new Map<string, TypedFastBitSet>();
    const recordsOf = (t: SearchTerm): TypedFastBitSet => {
      const key = `${t.word} ${t.alternatives.length}`;
      let set = records.get(key);
      if (!set) {
        set = this.prefixRecords(t.word).records.clone();
        for (const alt of t.alternatives) this.lexemes.terms.get(alt)?.addTo(set);
        records.set(key, set);
      }
      return set;
    };
    for (const step of typoSteps(terms)) {
      const set = new TypedFastBitSet();
      for (const list of step) set.union(intersectAll([within.clone(), ...list.map(recordsOf)]) as TypedFastBitSet);
      if (set.size() > 0) return { set, isMatch: () => true, exact: true, words: new TypedFastBitSet() };
    }
    return { set: new TypedFastBitSet(), isMatch: () => true, exact: true, words: new TypedFastBitSet() };
  }

  /** The matches of a search (words, or typos when words find nothing) or of the filters alone. */
  private matches(text: QueryText | null, filters: PublicFilters): Matches {
    const within = this.filtered(filters);
    if (!text) return { set: within, isMatch: () => true, exact: true, words: new TypedFastBitSet() };
    const w = this.wordMatches(text, within);
    if (w.set.size() > 0 || text.lexemes.length === 0) return w;
    return this.typoMatches(text, within);
  }

  /**
   * Number of matches, exact up to COUNT_CAP. A typo search confirms its candidates only that far; when it confirmed
   * them all, its candidate set becomes the exact set of matches (the page's walks then go over these few only).
   */
  private count(m: Matches): number {
    if (m.exact) return m.set.size();
    const confirmed = new TypedFastBitSet();
    let n = 0;
    for (const slot of m.set) {
      if (m.isMatch(slot)) {
        n++;
        confirmed.add(slot);
      }
      if (n > COUNT_CAP) return n;
    }
    m.set = confirmed;
    m.exact = true;
    m.isMatch = () => true;
    return n;
  }

  /** The first `need` matches in stage-1 relevance order: class, then trigram count, name, id. */
  private stageOne(text: QueryText, m: Matches, need: number): { slots: number[]; classOf: ClassOf } {
    const words = m.words;
    // A name containing the query (class 0 or 1) also contains it folded: the folded test comes first, so that the
    // lower case of a name is made only for names that contain the folded query.
    const classOf: ClassOf = (d) => {
      if (d.code === text.upper) return 0;
      if (d.nameUnaccent.includes(text.folded)) {
        const lower = nameLower(d);
        if (lower === text.lowered) return 0;
        if (lower.includes(text.lowered)) return 1;
        return 2;
      }
      if (abbreviationLower(d) === text.lowered) return 2;
      if (words.has(d.slot)) return 3;
      return 4;
    };
    const set = m.set;
    if (set.size() <= this.smallSet) {
      // Few candidates: classify each, sort by class then stage-1 order.
      const members = set.array().filter((slot) => m.isMatch(slot));
      const classes = new Map(members.map((slot) => [slot, classOf(this.docs[slot] as Doc)]));
      const sorted = this.trigramOrder.sortBy(members, (slot) => classes.get(slot) as number);
      return { slots: sorted.slice(0, need), classOf };
    }
    // Many: each class is taken from a superset, walked in stage-1 order until the page is full.
    const exact = new TypedFastBitSet();
    const same = this.foldedNames.get(text.folded);
    for (const slot of same === undefined ? [] : typeof same === 'number' ? [same] : same) {
      if (nameLower(this.docs[slot] as Doc) === text.lowered) exact.add(slot);
    }
    const code = this.codeSlot(text.upper);
    if (code !== undefined) exact.add(code);
    const restrict = (s: TypedFastBitSet | null) => (s ? s.intersection(set) : set.clone());
    // A name containing a text of several words has neighbouring words that can stand at each two of its places.
    const phrase = this.words.phrase(text.folded);
    let adjacentSet: TypedFastBitSet | null | undefined;
    const adjacent = () => {
      if (adjacentSet === undefined) {
        adjacentSet = null;
        if (phrase && phrase.marks.length > 1) {
          const marks = phrase.marks;
          adjacentSet = intersectAll(marks.slice(1).map((second, k) => this.pairs.records(marks[k] as Uint8Array, second)));
        }
      }
      return adjacentSet;
    };
    const abbreviations = new TypedFastBitSet();
    this.exactAbbreviation.get(text.lowered)?.addTo(abbreviations);
    // Each superset is made only if the walk gets to its class (a common word fills the page from the first ones).
    const supersets: Array<() => TypedFastBitSet> = [
      () => exact.intersection(set),
      () => {
        const accented = restrict(this.lowerTokens.substring(text.lowered));
        const a = adjacent();
        return a ? accented.intersection(a) : accented;
      },
      () => {
        const unaccented = restrict(this.foldTokens.substring(text.folded));
        const a = adjacent();
        if (a) unaccented.intersection(a);
        return unaccented.union(abbreviations.new_intersection(set));
      },
      () => (m.exact ? words : words.new_intersection(set)),
      () => set,
    ];
    // The test of each class's own condition first (cheap string tests on stored columns), then the full class.
    const contains = (d: Doc) => (phrase === null || phrase.test(d.words)) && d.nameUnaccent.includes(text.folded);
    const folded = (d: Doc) => contains(d) || abbreviations.has(d.slot);
    const own: Array<(d: Doc) => boolean> = [
      () => true,
      (d) => contains(d) && nameLower(d).includes(text.lowered),
      folded,
      () => true,
      () => true,
    ];
    const out: number[] = [];
    for (let c = 0; c < supersets.length && out.length < need; c++) {
      const test = own[c] as (d: Doc) => boolean;
      this.trigramOrder.walk((supersets[c] as () => TypedFastBitSet)(), (slot) => {
        const d = this.docs[slot] as Doc;
        if (test(d) && m.isMatch(slot) && classOf(d) === c) out.push(slot);
        return out.length >= need;
      });
    }
    return { slots: out, classOf };
  }

  /** Stage 2: the first RANKED_CANDIDATES ranked by class, word similarity, similarity, name, id. */
  private stageTwo(text: QueryText, query: TrigramQuery, slots: number[], classOf: ClassOf, from: number): number[] {
    // A page starting past the ranked candidates does not need their order (only which records they are).
    if (from >= RANKED_CANDIDATES) return slots;
    const head = slots.slice(0, RANKED_CANDIDATES);
    const similarity = this.similarity(query);
    const whole = this.words.wholeRun(text.folded);
    const m = query.index.size;
    const keyed = head.map((slot) => {
      const d = this.docs[slot] as Doc;
      // A name holding the query's words whole and in a row holds an extent made exactly of the query's trigrams:
      // word similarity 1, and similarity = m / (the name's distinct trigrams) — no need to run pg_trgm's search.
      const measured = whole?.(d.words) ? { ws: 1, sim: similarityOfCounts(m, m, d.nameTrigrams) } : similarity.measure(d);
      return { d, cls: classOf(d), ...measured };
    });
    keyed.sort((a, b) => a.cls - b.cls || b.ws - a.ws || b.sim - a.sim || byName(a.d, b.d));
    return [...keyed.map((k) => k.d.slot), ...slots.slice(RANKED_CANDIDATES)];
  }

  private readonly similarities = new WeakMap<TrigramQuery, Similarity>();
  /** The similarity measure of a query (one per query: its word memo is shared by the typo test and the ranking). */
  private similarity(query: TrigramQuery): Similarity {
    let s = this.similarities.get(query);
    if (!s) {
      s = new Similarity(query, this.words, this.scratch);
      this.similarities.set(query, s);
    }
    return s;
  }

  /** The first `upTo` matches (all when null) in the list's order, and their number. */
  private ordered(
    text: QueryText | null,
    filters: PublicFilters,
    sort: PublicSort,
    upTo: number | null,
    from = 0,
  ): { slots: number[]; count: number } {
    const query = text ? trigramQuery(text.folded) : null;
    const m = this.matches(text, filters);
    const count = upTo === null && !m.exact ? Number.POSITIVE_INFINITY : this.count(m);
    if (sort === 'phu-hop' && text && query) {
      const need = upTo === null ? Number.POSITIVE_INFINITY : Math.max(upTo, RANKED_CANDIDATES);
      const { slots, classOf } = this.stageOne(text, m, need);
      return { slots: this.stageTwo(text, query, slots, classOf, from), count: upTo === null ? slots.length : count };
    }
    const order = sort === 'ma' ? this.codeOrder : this.nameOrder;
    const slots: number[] = [];
    const need = upTo ?? Number.POSITIVE_INFINITY;
    if (count > 0)
      order.walk(m.set, (slot) => {
        if (m.isMatch(slot)) slots.push(slot);
        return slots.length >= need;
      });
    return { slots, count: upTo === null ? slots.length : count };
  }

  /** One page of the list: ids in order and the number of matches (exact up to COUNT_CAP). */
  page(text: QueryText | null, filters: PublicFilters, sort: PublicSort, page: number, pageSize: number): IndexPage {
    const { slots, count } = this.ordered(text, filters, sort, page * pageSize, (page - 1) * pageSize);
    const ids = slots.slice((page - 1) * pageSize, page * pageSize).map((s) => (this.docs[s] as Doc).id);
    return { ids, count };
  }

  /** Every match, in list order (open data). */
  allIds(text: QueryText | null, filters: PublicFilters, sort: PublicSort): number[] {
    return this.ordered(text, filters, sort, null).slots.map((s) => (this.docs[s] as Doc).id);
  }

  /** The list columns of these records (catalogue names as the database holds them now). */
  display(ids: readonly number[]) {
    return ids.flatMap((id) => {
      const slot = this.slotOf.get(id);
      const d = slot === undefined ? undefined : this.docs[slot];
      if (!d) return [];
      return [
        {
          id: d.id,
          code: d.code,
          name: d.name,
          abbreviation: abbreviationOf(d),
          scope: d.scope,
          status_name: d.status === null ? null : (this.names.statuses.get(d.status) ?? null),
          field_name: d.mainField === null ? null : (this.names.fields.get(d.mainField) ?? null),
          province_name: d.province === null ? null : (this.names.provinces.get(d.province) ?? null),
          status: d.status,
          updated_at: new Date(d.updatedAt),
        },
      ];
    });
  }

  /** The catalogues the index last read (for tests). */
  get loadedCatalogues(): IndexCatalogues {
    return this.catalogues;
  }
}
