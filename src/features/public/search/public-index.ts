/**
 * The in-process public search index (issue 13): every published association in a narrow form, with bit sets of
 * document slots (typedfastbitset) for each word, filter value and term, term dictionaries in radix trees
 * (MiniSearch's SearchableMap) for prefix and suffix look-ups, and the three list orders kept sorted. It answers
 * the public list exactly as the SQL search of public.repository.ts does — same matches, same order, same count —
 * with no database round trip, and its cost is bounded by the page asked for, not by the number of matches:
 *
 * - Matches (words mode): every word of the query begins a word of the name (prefix look-ups in the dictionary of
 *   the names' lexemes, as the database's name_tsv holds them), or the abbreviation contains the query, or it is the
 *   code; AND the filters (field main or other, scope, province or a former province it succeeded). A bit set: its
 *   size is the exact count.
 * - Typo mode, only when words find nothing with the same filters: names whose word similarity to the query is at
 *   least 0.75 (pg_trgm, reimplemented in text.ts), candidates found through the rarest trigrams of the query.
 * - Relevance: class (0 exact name or code, 1 accented substring, 2 unaccented substring or exact abbreviation,
 *   3 every word present, 4 the rest), then the names' trigram count, name, id; the first 200 of that order are
 *   ranked again by word similarity and similarity (the SQL's two stages). Each class is taken from a tight superset
 *   (substring candidates from the dictionaries of the names' space-separated tokens) walked in list order, and the
 *   walk stops once the page is full: only as many records are looked at as the page needs.
 * - Name and code orders: sorted arrays of slots kept in the database's order (code-point collation, checked at
 *   load), walked until the page is full.
 */
import SearchableMap from 'minisearch/SearchableMap';
import { TypedFastBitSet } from 'typedfastbitset';
import type { PublicFilters, PublicSort } from '../public.repository.js';
import type { IndexCatalogues, IndexRow } from './index.repository.js';
import { similarityOfSets, type Trigram, trigramSet, trigramsInOrder, wordSimilarityOf } from './text.js';

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

/** Past this many matches the list says "hơn 1.000" (public.repository.ts COUNT_CAP). */
export const RANKED_CANDIDATES = 200;
const TYPO_SIMILARITY = 0.75;
/** A posting list becomes a bit set past this many slots. */
const DENSE_AT = 512;

interface Doc {
  slot: number;
  id: number;
  code: string;
  name: string;
  nameLower: string;
  nameUnaccent: string;
  abbreviation: string | null;
  abbreviationUnaccent: string;
  abbreviationLower: string;
  nameTrigrams: number;
  lexemes: string[];
  foldTokens: string[];
  lowerTokens: string[];
  scope: string;
  status: string | null;
  mainField: string | null;
  province: string | null;
  otherFields: string[];
  /** The name holds a character outside the Basic Multilingual Plane (compared by code point, not UTF-16 unit). */
  astral: boolean;
}

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

const byName = (a: Doc, b: Doc) => compareText(a.name, b.name, a.astral || b.astral) || a.id - b.id;
const byCode = (a: Doc, b: Doc) => compareText(a.code, b.code, false) || a.id - b.id;
/** Stage 1 of relevance within a class: fewest trigrams first (the most similar to a contained query), name, id. */
const byTrigrams = (a: Doc, b: Doc) => a.nameTrigrams - b.nameTrigrams || byName(a, b);

/** Slots sorted by a comparator, kept sorted through inserts and removals. */
class Order {
  perm: number[] = [];
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
  }

  remove(doc: Doc): void {
    const i = this.lowerBound(doc);
    if (this.perm[i] === doc.slot) this.perm.splice(i, 1);
  }

  rebuild(slots: number[]): void {
    const docs = this.docs;
    this.perm = slots.sort((a, b) => this.cmp(docs[a] as Doc, docs[b] as Doc));
  }

  /**
   * Visits the members of `set` in this order until `visit` returns true. A small set is sorted on its own; a large
   * one is found by walking the order (about page × N / |set| steps).
   */
  walk(set: TypedFastBitSet, visit: (slot: number) => boolean): void {
    const n = set.size();
    if (n === 0) return;
    if (n * 32 < this.perm.length) {
      const docs = this.docs;
      const members = set.array().sort((a, b) => this.cmp(docs[a] as Doc, docs[b] as Doc));
      for (const slot of members) if (visit(slot)) return;
      return;
    }
    for (const slot of this.perm) if (set.has(slot) && visit(slot)) return;
  }
}

/** A term dictionary: radix tree of terms (prefix look-ups) and, optionally, of reversed terms (suffix look-ups). */
class Dictionary {
  readonly terms = new SearchableMap<Posting>();
  private readonly reversed: SearchableMap<Posting> | null;
  constructor(withSuffixes: boolean) {
    this.reversed = withSuffixes ? new SearchableMap<Posting>() : null;
  }

  add(term: string, slot: number): void {
    let p = this.terms.get(term);
    if (!p) {
      p = new Posting();
      this.terms.set(term, p);
      this.reversed?.set(reverse(term), p);
    }
    p.add(slot);
  }

  remove(term: string, slot: number): boolean {
    const p = this.terms.get(term);
    if (!p) return false;
    p.remove(slot);
    if (p.size > 0) return false;
    this.terms.delete(term);
    this.reversed?.delete(reverse(term));
    return true;
  }

  exact(term: string, acc: TypedFastBitSet): void {
    this.terms.get(term)?.addTo(acc);
  }

  prefix(prefix: string, acc: TypedFastBitSet): void {
    for (const [, p] of this.terms.atPrefix(prefix)) p.addTo(acc);
  }

  suffix(suffix: string, acc: TypedFastBitSet): void {
    if (this.reversed) for (const [, p] of this.reversed.atPrefix(reverse(suffix))) p.addTo(acc);
  }

  containing(part: string, acc: TypedFastBitSet): void {
    this.terms.forEach((term, p) => {
      if (term.includes(part)) p.addTo(acc);
    });
  }

  /** Records having a space-separated token run that contains `text` (a superset of those whose text contains it). */
  substring(text: string): TypedFastBitSet {
    const parts = text.split(' ');
    if (parts.length === 1) {
      const acc = new TypedFastBitSet();
      this.containing(text, acc);
      return acc;
    }
    const sets: TypedFastBitSet[] = [];
    const first = parts[0] as string;
    const last = parts[parts.length - 1] as string;
    if (first) {
      const s = new TypedFastBitSet();
      this.suffix(first, s);
      sets.push(s);
    }
    for (const middle of parts.slice(1, -1)) {
      if (!middle) continue;
      const s = new TypedFastBitSet();
      this.exact(middle, s);
      sets.push(s);
    }
    if (last) {
      const s = new TypedFastBitSet();
      this.prefix(last, s);
      sets.push(s);
    }
    return intersectAll(sets);
  }
}

function reverse(s: string): string {
  return Array.from(s).reverse().join('');
}

/** The intersection of the sets, smallest first; every record when there is none (callers intersect it further). */
function intersectAll(sets: TypedFastBitSet[]): TypedFastBitSet {
  if (sets.length === 0) return ALL_MARKER;
  sets.sort((a, b) => a.size() - b.size());
  const out = (sets[0] as TypedFastBitSet).clone();
  for (const s of sets.slice(1)) out.intersection(s);
  return out;
}
/** Stands for "no restriction" in intersectAll (never mutated: callers intersect a fresh set with it). */
const ALL_MARKER = new TypedFastBitSet();

function tokens(s: string): string[] {
  return [...new Set(s.split(' ').filter((t) => t !== ''))];
}

function addTo<K>(map: Map<K, Posting>, key: K, slot: number): void {
  let p = map.get(key);
  if (!p) {
    p = new Posting();
    map.set(key, p);
  }
  p.add(slot);
}

function removeFrom<K>(map: Map<K, Posting>, key: K, slot: number): void {
  const p = map.get(key);
  if (!p) return;
  p.remove(slot);
  if (p.size === 0) map.delete(key);
}

/** Relevance class of a record for a query (public.repository.ts classSql). */
type ClassOf = (doc: Doc) => number;

export interface IndexPage {
  /** Association ids of the page, in list order. */
  ids: number[];
  /** Exact number of matches. */
  count: number;
}

export class PublicIndex {
  private readonly docs: Array<Doc | undefined> = [];
  private readonly free: number[] = [];
  private readonly slotOf = new Map<number, number>();
  private readonly all = new TypedFastBitSet();
  private readonly lexemes = new Dictionary(false);
  private readonly foldTokens = new Dictionary(true);
  private readonly lowerTokens = new Dictionary(true);
  /** Trigram → the folded tokens holding it (typo candidates). */
  private readonly trigramTokens = new Map<Trigram, Set<string>>();
  private readonly exactName = new Map<string, Posting>();
  private readonly exactAbbreviation = new Map<string, Posting>();
  private readonly codes = new Map<string, number>();
  private readonly withAbbreviation = new Set<number>();
  private readonly scopes = new Map<string, Posting>();
  private readonly fields = new Map<string, Posting>();
  private readonly provinces = new Map<string, Posting>();
  private readonly nameOrder = new Order(byName, this.docs);
  private readonly codeOrder = new Order(byCode, this.docs);
  private readonly trigramOrder = new Order(byTrigrams, this.docs);
  private catalogues: IndexCatalogues = { fields: [], provinces: [], statuses: [] };
  private names = {
    fields: new Map<string, string>(),
    provinces: new Map<string, string>(),
    statuses: new Map<string, string>(),
    predecessors: new Map<string, string[]>(),
  };

  get size(): number {
    return this.slotOf.size;
  }

  /** An index of these rows (the initial load, or a reload after falling behind). */
  static build(rows: readonly IndexRow[], catalogues: IndexCatalogues): PublicIndex {
    const index = new PublicIndex();
    for (const row of rows) index.addRow(row, false);
    index.reorder();
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
    const doc: Doc = {
      slot,
      id: Number(row.id),
      code: row.code,
      name,
      nameLower: row.name_lower,
      nameUnaccent: row.name_unaccent,
      abbreviation: row.abbreviation,
      abbreviationUnaccent: row.abbreviation_unaccent,
      abbreviationLower: row.abbreviation_lower,
      nameTrigrams: Number(row.name_trigrams),
      lexemes: row.lexemes,
      foldTokens: tokens(row.name_unaccent),
      lowerTokens: tokens(row.name_lower),
      scope: row.scope,
      status: row.status,
      mainField: row.main_field_code,
      province: row.hq_province_code,
      otherFields: row.other_fields ?? [],
      astral: /[\ud800-\udfff]/.test(name),
    };
    this.docs[slot] = doc;
    this.slotOf.set(doc.id, slot);
    this.all.add(slot);
    for (const l of doc.lexemes) this.lexemes.add(l, slot);
    for (const t of doc.foldTokens) {
      if (!this.foldTokens.terms.has(t)) {
        for (const g of trigramSet(t)) {
          let set = this.trigramTokens.get(g);
          if (!set) {
            set = new Set();
            this.trigramTokens.set(g, set);
          }
          set.add(t);
        }
      }
      this.foldTokens.add(t, slot);
    }
    for (const t of doc.lowerTokens) this.lowerTokens.add(t, slot);
    addTo(this.exactName, doc.nameLower, slot);
    if (doc.abbreviationLower) addTo(this.exactAbbreviation, doc.abbreviationLower, slot);
    if (doc.abbreviationUnaccent) this.withAbbreviation.add(slot);
    this.codes.set(doc.code, slot);
    addTo(this.scopes, doc.scope, slot);
    for (const f of new Set([doc.mainField, ...doc.otherFields])) if (f) addTo(this.fields, f, slot);
    if (doc.province) addTo(this.provinces, doc.province, slot);
    if (ordered) {
      this.nameOrder.insert(doc);
      this.codeOrder.insert(doc);
      this.trigramOrder.insert(doc);
    }
  }

  private removeSlot(slot: number, ordered: boolean): void {
    const doc = this.docs[slot];
    if (!doc) return;
    if (ordered) {
      this.nameOrder.remove(doc);
      this.codeOrder.remove(doc);
      this.trigramOrder.remove(doc);
    }
    for (const l of doc.lexemes) this.lexemes.remove(l, slot);
    for (const t of doc.foldTokens) {
      if (this.foldTokens.remove(t, slot)) {
        for (const g of trigramSet(t)) {
          const set = this.trigramTokens.get(g);
          set?.delete(t);
          if (set?.size === 0) this.trigramTokens.delete(g);
        }
      }
    }
    for (const t of doc.lowerTokens) this.lowerTokens.remove(t, slot);
    removeFrom(this.exactName, doc.nameLower, slot);
    if (doc.abbreviationLower) removeFrom(this.exactAbbreviation, doc.abbreviationLower, slot);
    this.withAbbreviation.delete(slot);
    if (this.codes.get(doc.code) === slot) this.codes.delete(doc.code);
    removeFrom(this.scopes, doc.scope, slot);
    for (const f of new Set([doc.mainField, ...doc.otherFields])) if (f) removeFrom(this.fields, f, slot);
    if (doc.province) removeFrom(this.provinces, doc.province, slot);
    this.all.remove(slot);
    this.slotOf.delete(doc.id);
    this.docs[slot] = undefined;
    this.free.push(slot);
  }

  // -------------------------------------------------------------------------------------------------------------
  // Queries

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

  /** Records whose name has a word beginning with each lexeme (the tsquery `w1:* & w2:*` on name_tsv). */
  private words(lexemes: readonly string[]): TypedFastBitSet {
    const sets = lexemes.map((l) => {
      const s = new TypedFastBitSet();
      this.lexemes.prefix(l, s);
      return s;
    });
    return intersectAll(sets);
  }

  /** Matches of the words plan: words, abbreviation containing the query, or the code; within `within`. */
  private wordMatches(text: QueryText, within: TypedFastBitSet): { matches: TypedFastBitSet; words: TypedFastBitSet } {
    if (text.lexemes.length === 0) return { matches: new TypedFastBitSet(), words: new TypedFastBitSet() };
    const words = this.words(text.lexemes).intersection(within);
    const matches = words.clone();
    for (const slot of this.withAbbreviation) {
      if (within.has(slot) && (this.docs[slot] as Doc).abbreviationUnaccent.includes(text.folded)) matches.add(slot);
    }
    const code = this.codes.get(text.upper);
    if (code !== undefined && within.has(code)) matches.add(code);
    return { matches, words };
  }

  /** Matches of the typo plan: word similarity ≥ 0.75 with the folded name, within `within`. */
  private typoMatches(text: QueryText, within: TypedFastBitSet): TypedFastBitSet {
    const query = trigramsInOrder(text.folded);
    const distinct = [...new Set(query)];
    const m = distinct.length;
    const out = new TypedFastBitSet();
    if (m === 0) return out;
    // A name of similarity ≥ 0.75 holds at least ⌈0.75 m⌉ of the query's trigrams, so at least one of any
    // m − ⌈0.75 m⌉ + 1 of them: take the rarest.
    const need = Math.ceil(TYPO_SIMILARITY * m - 1e-6);
    const frequency = (g: Trigram) => {
      let n = 0;
      for (const t of this.trigramTokens.get(g) ?? []) n += this.foldTokens.terms.get(t)?.size ?? 0;
      return n;
    };
    const rarest = distinct
      .map((g) => ({ g, n: frequency(g) }))
      .sort((a, b) => a.n - b.n)
      .slice(0, m - need + 1);
    const candidates = new TypedFastBitSet();
    for (const { g } of rarest) for (const t of this.trigramTokens.get(g) ?? []) this.foldTokens.exact(t, candidates);
    candidates.intersection(within);
    candidates.forEach((slot) => {
      if (wordSimilarityOf(query, (this.docs[slot] as Doc).nameUnaccent) >= TYPO_SIMILARITY) out.add(slot);
    });
    return out;
  }

  /** The matches of a search (words, or typos when words find nothing) or of the filters alone. */
  private matches(text: QueryText | null, filters: PublicFilters): { set: TypedFastBitSet; words: TypedFastBitSet } {
    const within = this.filtered(filters);
    if (!text) return { set: within, words: new TypedFastBitSet() };
    const w = this.wordMatches(text, within);
    if (w.matches.size() > 0 || text.lexemes.length === 0) return { set: w.matches, words: w.words };
    return { set: this.typoMatches(text, within), words: new TypedFastBitSet() };
  }

  /** The first `need` matches in stage-1 relevance order: class, then trigram count, name, id. */
  private stageOne(text: QueryText, set: TypedFastBitSet, words: TypedFastBitSet, need: number): { slots: number[]; classOf: ClassOf } {
    const classOf: ClassOf = (d) => {
      if (d.nameLower === text.lowered || d.code === text.upper) return 0;
      if (d.nameLower.includes(text.lowered)) return 1;
      if (d.nameUnaccent.includes(text.folded) || d.abbreviationLower === text.lowered) return 2;
      if (words.has(d.slot)) return 3;
      return 4;
    };
    const exact = new TypedFastBitSet();
    this.exactName.get(text.lowered)?.addTo(exact);
    const code = this.codes.get(text.upper);
    if (code !== undefined) exact.add(code);
    const unaccented = this.foldTokens.substring(text.folded);
    const accented = this.lowerTokens.substring(text.lowered);
    const c2 = unaccented === ALL_MARKER ? set.clone() : unaccented.intersection(set);
    this.exactAbbreviation.get(text.lowered)?.addTo(c2);
    const supersets = [
      exact.intersection(set),
      accented === ALL_MARKER ? set.clone() : accented.intersection(set),
      c2.intersection(set),
      words.new_intersection(set),
      set,
    ];
    const out: number[] = [];
    for (let c = 0; c < supersets.length && out.length < need; c++) {
      this.trigramOrder.walk(supersets[c] as TypedFastBitSet, (slot) => {
        if (classOf(this.docs[slot] as Doc) === c) out.push(slot);
        return out.length >= need;
      });
    }
    return { slots: out, classOf };
  }

  /** Stage 2: the first RANKED_CANDIDATES ranked by class, word similarity, similarity, name, id. */
  private stageTwo(text: QueryText, slots: number[], classOf: ClassOf): number[] {
    const head = slots.slice(0, RANKED_CANDIDATES);
    const query = trigramsInOrder(text.folded);
    const querySet = new Set(query);
    const keyed = head.map((slot) => {
      const d = this.docs[slot] as Doc;
      return {
        d,
        cls: classOf(d),
        ws: wordSimilarityOf(query, d.nameUnaccent),
        sim: similarityOfSets(querySet, trigramSet(d.nameUnaccent)),
      };
    });
    keyed.sort((a, b) => a.cls - b.cls || b.ws - a.ws || b.sim - a.sim || byName(a.d, b.d));
    return [...keyed.map((k) => k.d.slot), ...slots.slice(RANKED_CANDIDATES)];
  }

  /** `count` slots from `offset` of the matches in the list's order. */
  private ordered(
    text: QueryText | null,
    filters: PublicFilters,
    sort: PublicSort,
    upTo: number | null,
  ): { slots: number[]; count: number } {
    const { set, words } = this.matches(text, filters);
    const count = set.size();
    const need = upTo === null ? count : Math.min(count, upTo);
    if (sort === 'phu-hop' && text) {
      const { slots, classOf } = this.stageOne(text, set, words, upTo === null ? count : Math.max(need, RANKED_CANDIDATES));
      return { slots: this.stageTwo(text, slots, classOf), count };
    }
    const order = sort === 'ma' ? this.codeOrder : this.nameOrder;
    const slots: number[] = [];
    if (need > 0)
      order.walk(set, (slot) => {
        slots.push(slot);
        return slots.length >= need;
      });
    return { slots, count };
  }

  /** One page of the list: ids in order and the exact number of matches. */
  page(text: QueryText | null, filters: PublicFilters, sort: PublicSort, page: number, pageSize: number): IndexPage {
    const { slots, count } = this.ordered(text, filters, sort, page * pageSize);
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
          abbreviation: d.abbreviation,
          scope: d.scope,
          status_name: d.status === null ? null : (this.names.statuses.get(d.status) ?? null),
          field_name: d.mainField === null ? null : (this.names.fields.get(d.mainField) ?? null),
          province_name: d.province === null ? null : (this.names.provinces.get(d.province) ?? null),
        },
      ];
    });
  }

  /** The catalogues the index last read (for tests). */
  get loadedCatalogues(): IndexCatalogues {
    return this.catalogues;
  }
}
