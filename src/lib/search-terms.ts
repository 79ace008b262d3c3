/**
 * The one matching rule of the name searches (issue 15, item 14): the public list (SQL and in-process index), the
 * staff register's search by name and its search by leader name all use it.
 *
 * Names and queries are compared word by word once folded (f_unaccent: diacritics and case dropped, đ = d; words as
 * to_tsvector('simple', …) splits them — the stored `name_tsv` of an association, the leaders' expression index).
 * Every word of the query (the first MAX_QUERY_WORDS) must match a word of the name:
 *
 * 1. exactly or as its beginning (`hoi` finds "Hội", `ngu` finds "Người"): the words search;
 * 2. only when the words search finds nothing (with the same filters), a query word of 3 to 32 letters a–z may also
 *    be one slip away from a word of the name of 3 to 32 letters a–z: one letter wrong, missing, extra, or two
 *    neighbouring letters swapped (`bihn` → "Bình", `hco` → "Học", `chein` → "Chiến", `tuoy` → "Tuổi"; optimal
 *    string alignment distance 1). The typo search, in two steps, the fewest corrections first: one word corrected
 *    and the others as typed; only when that finds nothing, every word that can be. Vietnamese syllables are so close
 *    to one another that correcting every word at once reaches far ("khuyen hco" would find "huyện Chợ Gạo" as well
 *    as "Khuyến học"). Words of one or two letters and words with digits are never corrected. One slip per word,
 *    whatever its length: the trigram likeness this replaces tolerated no more in a long word (`marketting` 0.75,
 *    `mrketng` 0.29).
 *
 * Ranking (callers): exact name, substrings, every word at a word start (exact words before prefixes within the
 * first 200 by word similarity), and typo matches only when there is no other.
 *
 * The typo search is a words search whose words have alternatives: the words of the vocabulary (every folded word of
 * every name, table search_words) one slip away. The database finds the candidates through a GIN index of each
 * vocabulary word's deletion keys (the word and the word less one letter: two words one slip apart share a key), and
 * this module keeps those really one slip away; the in-process index finds them in its own words.
 */

/** Words of the query that count: the first 8 distinct ones in query order. */
export const MAX_QUERY_WORDS = 8;

/**
 * A word a typo search may correct, and a word of the names a typo may stand for (the vocabulary, table
 * search_words): 3 to 32 letters a–z once folded — the same test as SQL search_word_keys.
 */
const FUZZY_WORD = /^[a-z]{3,32}$/;

export function isFuzzyWord(word: string): boolean {
  return FUZZY_WORD.test(word);
}

/**
 * Whether `a` and `b` differ by at most one slip: equal, or one letter substituted, inserted or deleted, or two
 * neighbouring letters swapped (optimal string alignment distance ≤ 1). Linear time.
 */
export function withinOneSlip(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (la === lb) {
    // Substitution at i, or a swap of i and i + 1.
    if (a.slice(i + 1) === b.slice(i + 1)) return true;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  // One letter more in the longer word, at i.
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** A query word and the vocabulary words it may stand for in a typo search (besides its own prefix). */
export interface SearchTerm {
  word: string;
  /** Whole words one slip away (never beginning with `word`: its prefix already covers those). */
  alternatives: readonly string[];
}

/** The query words with their alternatives among `candidates` (any superset of the vocabulary words one slip away). */
export function typoTerms(words: readonly string[], candidates: Iterable<string>): SearchTerm[] {
  const pool = [...new Set(candidates)].filter(isFuzzyWord).sort();
  return words.map((word) => ({
    word,
    alternatives: isFuzzyWord(word) ? pool.filter((v) => !v.startsWith(word) && withinOneSlip(word, v)) : [],
  }));
}

/** Whether a typo search can find more than the words search did: some word has an alternative. */
export function hasAlternatives(terms: readonly SearchTerm[]): boolean {
  return terms.some((t) => t.alternatives.length > 0);
}

/**
 * The steps of the typo search, as the terms each one allows: first each word with alternatives corrected alone
 * (the others as typed: one list of terms per such word, any of them may match), then every word corrected at once
 * (one list) — the second only when more than one word has alternatives. Empty when no word has one.
 */
export function typoSteps(terms: readonly SearchTerm[]): SearchTerm[][][] {
  const corrected = terms.flatMap((t, i) => (t.alternatives.length > 0 ? [i] : []));
  if (corrected.length === 0) return [];
  const every = [[...terms]];
  if (corrected.length === 1) return [every];
  const one = corrected.map((i) => terms.map((t, j) => (j === i ? t : { word: t.word, alternatives: [] })));
  return [one, every];
}

/** A lexeme quoted for to_tsquery: quotes doubled and backslashes escaped, so no user character is tsquery syntax. */
function quoted(lexeme: string): string {
  return `'${lexeme.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/**
 * The tsquery ('simple' configuration) of the rule: every word required (`&`), each as a word prefix (`:*`) or one
 * of its alternatives as a whole word. Built from lexemes the database produced, quoted: never user syntax.
 */
export function termsTsquery(terms: readonly SearchTerm[]): string {
  return terms
    .map((t) => {
      const options = [`${quoted(t.word)}:*`, ...t.alternatives.map(quoted)];
      return options.length === 1 ? options[0] : `(${options.join(' | ')})`;
    })
    .join(' & ');
}

/** The tsquery of a step of the typo search: any of its lists of terms. */
export function stepTsquery(step: readonly (readonly SearchTerm[])[]): string {
  return step.length === 1 ? termsTsquery(step[0] as SearchTerm[]) : step.map((terms) => `(${termsTsquery(terms)})`).join(' | ');
}

/** The tsquery of the words search: every word as a word prefix. */
export function prefixTsquery(words: readonly string[]): string {
  return termsTsquery(words.map((word) => ({ word, alternatives: [] })));
}
