/**
 * Two versions of a charter compared article by article: each article of the newer version is matched with the
 * article it came from (same content first, then the most similar text, so a renumbered article is recognised),
 * and classified as added, removed, changed (with a word-level difference) or unchanged. Pure functions.
 */
import { type CharterArticle, type SplitCharter, splitCharter } from './charter-text.js';
import { type Fingerprint, fingerprint, type Segment, similarity, wordDiff } from './word-diff.js';

export type EntryStatus = 'added' | 'removed' | 'changed' | 'unchanged';

export interface DiffEntry {
  status: EntryStatus;
  /** The article in the version compared from (null when added). */
  before: CharterArticle | null;
  /** The article in the version compared to (null when removed). */
  after: CharterArticle | null;
  /** Matched under another number ("Điều 6" became "Điều 5"). */
  renumbered: boolean;
  /** For a changed article: the word-level difference of the whole article, heading included. */
  segments: Segment[] | null;
  /** The chapter it sits under: the newer version's, or the older one's for a removed article. */
  chapter: string | null;
}

export interface PreambleDiff {
  status: EntryStatus;
  before: string;
  after: string;
  segments: Segment[] | null;
}

export interface CharterDiff {
  entries: DiffEntry[];
  counts: Record<EntryStatus, number>;
  /** The text before the first article, when either version has one. */
  preamble: PreambleDiff | null;
}

/** Below these similarities two articles are not the same article (one removed, another added). */
const SAME_NUMBER_OR_TITLE = 0.3;
const OTHER_NUMBER = 0.5;
/** Past this many article pairs only same-number pairs are scored (a text of thousands of "articles"). */
const MAX_PAIRS = 250_000;

interface Candidate {
  i: number;
  j: number;
  score: number;
  sameNumber: boolean;
}

function sameTitle(a: CharterArticle, b: CharterArticle): boolean {
  return a.title !== '' && a.title.toLocaleLowerCase('vi') === b.title.toLocaleLowerCase('vi');
}

/** oldOf[j]: the index of the older version's article matched with the newer version's article j, or -1. */
function matchArticles(before: readonly CharterArticle[], after: readonly CharterArticle[]): number[] {
  const oldOf = after.map(() => -1);
  const taken = before.map(() => false);
  // 1. The same content, preferably under the same number.
  const byContent = new Map<string, number[]>();
  before.forEach((a, i) => {
    byContent.set(a.content, [...(byContent.get(a.content) ?? []), i]);
  });
  for (const prefer of [true, false]) {
    after.forEach((b, j) => {
      if (oldOf[j] !== -1) return;
      const i = (byContent.get(b.content) ?? []).find((k) => !taken[k] && (!prefer || before[k]?.number === b.number));
      if (i === undefined) return;
      oldOf[j] = i;
      taken[i] = true;
    });
  }
  // 2. The most similar remaining pairs, best first.
  const prints = new Map<string, Fingerprint>();
  const printOf = (side: string, k: number, a: CharterArticle) => {
    const key = `${side}${k}`;
    let p = prints.get(key);
    if (!p) {
      p = fingerprint(a.content);
      prints.set(key, p);
    }
    return p;
  };
  const everyPair = before.length * after.length <= MAX_PAIRS;
  const candidates: Candidate[] = [];
  before.forEach((a, i) => {
    if (taken[i]) return;
    after.forEach((b, j) => {
      if (oldOf[j] !== -1) return;
      const sameNumber = a.number === b.number;
      if (!everyPair && !sameNumber) return;
      const score = similarity(printOf('a', i, a), printOf('b', j, b));
      const threshold = sameNumber || sameTitle(a, b) ? SAME_NUMBER_OR_TITLE : OTHER_NUMBER;
      if (score >= threshold) candidates.push({ i, j, score, sameNumber });
    });
  });
  candidates.sort((x, y) => y.score - x.score || Number(y.sameNumber) - Number(x.sameNumber) || Math.abs(x.i - x.j) - Math.abs(y.i - y.j));
  for (const c of candidates) {
    if (taken[c.i] || oldOf[c.j] !== -1) continue;
    oldOf[c.j] = c.i;
    taken[c.i] = true;
  }
  return oldOf;
}

function entryFor(a: CharterArticle | null, b: CharterArticle | null): DiffEntry {
  if (!a) return { status: 'added', before: null, after: b, renumbered: false, segments: null, chapter: b?.chapter ?? null };
  if (!b) return { status: 'removed', before: a, after: null, renumbered: false, segments: null, chapter: a.chapter };
  const unchanged = a.content === b.content;
  return {
    status: unchanged ? 'unchanged' : 'changed',
    before: a,
    after: b,
    renumbered: a.number !== b.number,
    segments: unchanged ? null : wordDiff(a.text, b.text),
    chapter: b.chapter,
  };
}

function comparePreambles(before: string, after: string): PreambleDiff | null {
  if (before === '' && after === '') return null;
  if (before === after) return { status: 'unchanged', before, after, segments: null };
  if (before === '') return { status: 'added', before, after, segments: null };
  if (after === '') return { status: 'removed', before, after, segments: null };
  return { status: 'changed', before, after, segments: wordDiff(before, after) };
}

/**
 * Compare two split versions. Entries follow the newer version's order; a removed article is shown where it
 * stood, after the article that preceded it in the older version.
 */
export function diffSplitCharters(from: SplitCharter, to: SplitCharter): CharterDiff {
  const before = from.articles;
  const after = to.articles;
  const oldOf = matchArticles(before, after);
  const matched = new Set(oldOf.filter((i) => i >= 0));
  const entries: DiffEntry[] = [];
  let p = 0;
  const removedUpTo = (end: number) => {
    for (; p < end; p++) if (!matched.has(p)) entries.push(entryFor(before[p] ?? null, null));
  };
  after.forEach((b, j) => {
    const i = oldOf[j] ?? -1;
    if (i >= 0) {
      removedUpTo(i);
      p = Math.max(p, i + 1);
      entries.push(entryFor(before[i] ?? null, b));
    } else {
      entries.push(entryFor(null, b));
    }
  });
  removedUpTo(before.length);
  const counts: Record<EntryStatus, number> = { added: 0, removed: 0, changed: 0, unchanged: 0 };
  for (const e of entries) counts[e.status] += 1;
  return { entries, counts, preamble: comparePreambles(from.preamble, to.preamble) };
}

export function diffCharters(fromText: string, toText: string): CharterDiff {
  return diffSplitCharters(splitCharter(fromText), splitCharter(toText));
}
