/**
 * The text functions of the public search, computed in the app exactly as the database computes them, so that the
 * in-process index (public-index.ts) finds and orders exactly what the SQL search (public.repository.ts) does:
 *
 * - `fold(s)` = the database's `f_unaccent(s)` = lower(unaccent(s)) (diacritics and case dropped, đ = d), and
 *   `lower(s)` = the database's lower(), for the characters of a table of known characters (ASCII and the Vietnamese
 *   letters) that the database itself confirms at start (`knownCharacters`): a character outside it makes the caller
 *   ask the database instead.
 * - `plainLexemes(folded)`: the words `to_tsvector('simple', …)` makes of a folded query made only of ASCII letters,
 *   digits and spaces (each word as written, first occurrences, at most MAX_WORDS); other queries ask the database.
 * - `similarity` and `wordSimilarity`: pg_trgm's similarity() and word_similarity() (contrib/pg_trgm/trgm_op.c:
 *   generate_trgm, cnt_sml, calc_word_similarity and iterate_word_similarity), including their single-precision
 *   (float4) arithmetic, so that the relevance order and its ties come out the same.
 */

/** Words of the query that count (the SQL search takes the first 8 lexemes in query order). */
export const MAX_WORDS = 8;

const VOWELS = 'aăâeêioôơuưy'; // server-text: letters for the search folding, not a text
const TONES = ['\u0300', '\u0301', '\u0309', '\u0303', '\u0323'];

/** ASCII printable characters and every precomposed Vietnamese letter, both cases. */
export function candidateCharacters(): string[] {
  const out = new Set<string>();
  for (let c = 0x20; c < 0x7f; c++) out.add(String.fromCharCode(c));
  for (const v of VOWELS) {
    for (const ch of [v, ...TONES.map((t) => `${v}${t}`.normalize('NFC'))]) {
      out.add(ch);
      out.add(ch.toUpperCase());
    }
  }
  out.add('đ'); // server-text: letters for the search folding, not a text
  out.add('Đ'); // server-text: letters for the search folding, not a text
  return [...out];
}

/** The table's own folding of one character: decomposed, combining marks dropped, đ → d, lower case. */
function foldChar(ch: string): string {
  if (ch === 'đ' || ch === 'Đ') return 'd'; // server-text: letters, not a text
  return ch.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();
}

export interface TextRules {
  /** Characters whose fold and lower case the database confirmed. */
  known: ReadonlySet<string>;
}

/** Keeps the characters whose folding and lower case agree with the database's (rows of `SELECT c, f_unaccent(c), lower(c)`). */
export function knownCharacters(rows: ReadonlyArray<{ c: string; folded: string; lowered: string }>): TextRules {
  const known = new Set<string>();
  for (const r of rows) {
    if (foldChar(r.c) === r.folded && r.c.toLowerCase() === r.lowered) known.add(r.c);
  }
  return { known };
}

/** The folded and lower-case forms of `s`, or null when a character of it is not known (ask the database). */
export function foldAndLower(s: string, rules: TextRules): { folded: string; lowered: string } | null {
  let folded = '';
  for (const ch of s) {
    if (!rules.known.has(ch)) return null;
    folded += foldChar(ch);
  }
  return { folded, lowered: s.toLowerCase() };
}

const PLAIN = /^[a-z0-9]+( [a-z0-9]+)*$/;

/** A folded text of ASCII letters and digits in words separated by single spaces. */
export function isPlainText(folded: string): boolean {
  return PLAIN.test(folded);
}

/**
 * The lexemes of a folded text made of ASCII letters and digits separated by single spaces (each word as written,
 * the first MAX_WORDS distinct ones in order), or null for any other text (punctuation, other letters: ask the
 * database's parser).
 */
export function plainLexemes(folded: string): string[] | null {
  if (!isPlainText(folded)) return null;
  const out: string[] = [];
  for (const w of folded.split(' ')) {
    if (!out.includes(w)) out.push(w);
    if (out.length === MAX_WORDS) break;
  }
  return out;
}

/** A lexeme the in-process index evaluates like the database: ASCII letters and digits only (no compound token). */
export function isPlainLexeme(lexeme: string): boolean {
  return /^[a-z0-9]+$/.test(lexeme);
}

// ---------------------------------------------------------------------------------------------------------------
// pg_trgm

/** Word characters of pg_trgm (alphanumeric in the database's UTF-8 locale). */
const WORD_CHAR = /[\p{L}\p{N}]/u;

/**
 * A trigram as a number when its three characters are below U+0100 (every folded Vietnamese name), else as a string:
 * only equality matters.
 */
export type Trigram = number | string;

function trigramKey(a: string, b: string, c: string): Trigram {
  const x = a.charCodeAt(0);
  const y = b.charCodeAt(0);
  const z = c.charCodeAt(0);
  if (a.length === 1 && b.length === 1 && c.length === 1 && x < 256 && y < 256 && z < 256) return (x << 16) | (y << 8) | z;
  return a + b + c;
}

function isAsciiWord(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

/** Trigrams of `s` in text order, duplicates kept (generate_trgm_only): each word lower-cased, padded "  word ". */
export function trigramsInOrder(s: string): Trigram[] {
  const n = s.length;
  for (let i = 0; i < n; i++) if (s.charCodeAt(i) >= 0x80) return trigramsInOrderUnicode(s);
  // ASCII: trigrams as numbers, without building strings.
  const out: number[] = [];
  let i = 0;
  while (i < n) {
    while (i < n && !isAsciiWord(s.charCodeAt(i))) i++;
    if (i >= n) break;
    let a = 32;
    let b = 32;
    while (i < n) {
      let c = s.charCodeAt(i);
      if (!isAsciiWord(c)) break;
      if (c <= 90 && c >= 65) c += 32;
      out.push((a << 16) | (b << 8) | c);
      a = b;
      b = c;
      i++;
    }
    out.push((a << 16) | (b << 8) | 32);
  }
  return out;
}

function trigramsInOrderUnicode(s: string): Trigram[] {
  const out: Trigram[] = [];
  const chars = Array.from(s);
  let i = 0;
  while (i < chars.length) {
    while (i < chars.length && !WORD_CHAR.test(chars[i] as string)) i++;
    if (i >= chars.length) break;
    let j = i;
    while (j < chars.length && WORD_CHAR.test(chars[j] as string)) j++;
    const word = Array.from(chars.slice(i, j).join('').toLowerCase());
    const padded = [' ', ' ', ...word, ' '];
    for (let k = 0; k + 2 < padded.length; k++) out.push(trigramKey(padded[k] as string, padded[k + 1] as string, padded[k + 2] as string));
    i = j;
  }
  return out;
}

/** The words pg_trgm makes trigrams of: runs of letters and digits, lower-cased. */
export function trigramWords(s: string): string[] {
  for (let i = 0; i < s.length; i++) {
    if (s.charCodeAt(i) >= 0x80) return (s.match(/[\p{L}\p{N}]+/gu) ?? []).map((w) => w.toLowerCase());
  }
  return (s.match(/[A-Za-z0-9]+/g) ?? []).map((w) => w.toLowerCase());
}

/** Distinct trigrams of `s` (generate_trgm). */
export function trigramSet(s: string): Set<Trigram> {
  return new Set(trigramsInOrder(s));
}

/** CALCSML of pg_trgm (DIVUNION), in single precision as the C code computes it. */
export function calcSml(count: number, len1: number, len2: number): number {
  return Math.fround(count / (len1 + len2 - count));
}

/** A query's trigrams, prepared once for many comparisons. */
export interface TrigramQuery {
  /** Distinct trigrams, each with its index 0 … size − 1. */
  index: Map<Trigram, number>;
}

export function trigramQuery(q: string): TrigramQuery {
  const index = new Map<Trigram, number>();
  for (const t of trigramsInOrder(q)) if (!index.has(t)) index.set(t, index.size);
  return { index };
}

/** pg_trgm similarity(query, text), given the text's trigrams in order. */
export function similarityTo(query: TrigramQuery, textTrigrams: readonly Trigram[]): number {
  const len1 = query.index.size;
  const distinct = new Set(textTrigrams);
  if (len1 === 0 || distinct.size === 0) return 0;
  let count = 0;
  for (const t of distinct) if (query.index.has(t)) count++;
  return calcSml(count, len1, distinct.size);
}

export function similarity(a: string, b: string): number {
  return similarityTo(trigramQuery(a), trigramsInOrder(b));
}

/**
 * pg_trgm word_similarity(query, text): the greatest similarity of the query's trigrams with a continuous extent of
 * the text's ordered trigrams (calc_word_similarity + iterate_word_similarity, plain mode), given the text's
 * trigrams in order.
 */
export function wordSimilarityTo(query: TrigramQuery, t2: readonly Trigram[]): number {
  const ulen1 = query.index.size;
  if (ulen1 === 0) return 0;
  const len2 = t2.length;
  // Index of each of the text's trigrams: the query's own index, or a new one past it.
  const others = new Map<Trigram, number>();
  const trg2indexes = new Int32Array(len2);
  for (let i = 0; i < len2; i++) {
    const t = t2[i] as Trigram;
    let j = query.index.get(t);
    if (j === undefined) {
      j = others.get(t);
      if (j === undefined) {
        j = ulen1 + others.size;
        others.set(t, j);
      }
    }
    trg2indexes[i] = j;
  }
  return iterateWordSimilarity(trg2indexes, len2, ulen1, ulen1 + others.size);
}

/**
 * iterate_word_similarity of pg_trgm (plain mode): `trg2indexes[i]` is the index of the text's i-th trigram, below
 * `ulen1` for the query's trigrams (found), from `ulen1` up to `distinct` for the others.
 */
export function iterateWordSimilarity(
  trg2indexes: Int32Array,
  len2: number,
  ulen1: number,
  distinct: number,
  /** Stop as soon as the similarity reaches this (pg_trgm's WORD_SIMILARITY_CHECK_ONLY, as its %> operator does). */
  checkOnly = Number.POSITIVE_INFINITY,
): number {
  if (ulen1 === 0) return 0;
  const lastpos = scratch(distinct);
  let ulen2 = 0;
  let count = 0;
  let upper = -1;
  let lower = -1;
  let smlrMax = 0;
  for (let i = 0; i < len2; i++) {
    const trgindex = trg2indexes[i] as number;
    const found = trgindex < ulen1;
    if (lower >= 0 || found) {
      if ((lastpos[trgindex] as number) < 0) {
        ulen2++;
        if (found) count++;
      }
      lastpos[trgindex] = i;
    }
    if (!found) continue;
    upper = i;
    if (lower === -1) {
      lower = i;
      ulen2 = 1;
    }
    let smlrCur = calcSml(count, ulen1, ulen2);
    // Also try to move the lower bound for a greater similarity.
    let tmpCount = count;
    let tmpUlen2 = ulen2;
    const prevLower = lower;
    for (let tmpLower = lower; tmpLower <= upper; tmpLower++) {
      const smlrTmp = calcSml(tmpCount, ulen1, tmpUlen2);
      if (smlrTmp > smlrCur) {
        smlrCur = smlrTmp;
        ulen2 = tmpUlen2;
        lower = tmpLower;
        count = tmpCount;
      }
      const tmpTrgindex = trg2indexes[tmpLower] as number;
      if (lastpos[tmpTrgindex] === tmpLower) {
        tmpUlen2--;
        if (tmpTrgindex < ulen1) tmpCount--;
      }
    }
    if (smlrCur > smlrMax) smlrMax = smlrCur;
    if (smlrMax >= checkOnly) return smlrMax;
    for (let tmpLower = prevLower; tmpLower < lower; tmpLower++) {
      const tmpTrgindex = trg2indexes[tmpLower] as number;
      if (lastpos[tmpTrgindex] === tmpLower) lastpos[tmpTrgindex] = -1;
    }
  }
  return smlrMax;
}

let scratchArray = new Int32Array(256);
/** A reused array of `n` × −1 (the last positions of iterateWordSimilarity). */
function scratch(n: number): Int32Array {
  if (scratchArray.length < n) scratchArray = new Int32Array(n * 2);
  const a = scratchArray.subarray(0, n);
  a.fill(-1);
  return a;
}

/** pg_trgm similarity from counts: `common` distinct trigrams shared by sets of `len1` and `len2` distinct trigrams. */
export function similarityOfCounts(common: number, len1: number, len2: number): number {
  if (len1 === 0 || len2 === 0) return 0;
  return calcSml(common, len1, len2);
}

export function wordSimilarity(query: string, text: string): number {
  return wordSimilarityTo(trigramQuery(query), trigramsInOrder(text));
}
