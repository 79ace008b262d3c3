/**
 * A word-level difference of two texts (for one changed article) and a similarity score of two texts (to match
 * articles that were renumbered). Pure functions; the work is bounded whatever the input.
 */

export interface Segment {
  op: 'same' | 'ins' | 'del';
  text: string;
}

/** Above this many cells (tokens of one text × tokens of the other, after the common ends) the middle is shown
 * as removed-then-added rather than aligned word by word. */
const MAX_CELLS = 2_000_000;

/** Words (letters with their marks, digits), runs of white space and single other characters. */
export function tokens(text: string): string[] {
  return text.match(/[\p{L}\p{M}\p{N}]+|\s+|[^\s\p{L}\p{M}\p{N}]/gu) ?? [];
}

type Op = 'same' | 'ins' | 'del';

/** The longest-common-subsequence alignment of two token lists, as one op per token. */
function align(a: readonly string[], b: readonly string[]): Array<[Op, string]> {
  const n = a.length;
  const m = b.length;
  if (n === 0) return b.map((t) => ['ins', t]);
  if (m === 0) return a.map((t) => ['del', t]);
  if (n * m > MAX_CELLS) return [...a.map((t): [Op, string] => ['del', t]), ...b.map((t): [Op, string] => ['ins', t])];
  // lcs[i][j]: the LCS length of a[i..] and b[j..], in one typed array.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? (lcs[(i + 1) * w + j + 1] ?? 0) + 1 : Math.max(lcs[(i + 1) * w + j] ?? 0, lcs[i * w + j + 1] ?? 0);
    }
  }
  const out: Array<[Op, string]> = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push(['same', a[i] as string]);
      i++;
      j++;
    } else if ((lcs[(i + 1) * w + j] ?? 0) >= (lcs[i * w + j + 1] ?? 0)) {
      out.push(['del', a[i++] as string]);
    } else {
      out.push(['ins', b[j++] as string]);
    }
  }
  while (i < n) out.push(['del', a[i++] as string]);
  while (j < m) out.push(['ins', b[j++] as string]);
  return out;
}

/** A maximal run of changed tokens [start, end) that are all insertions or all deletions, or null. */
function pureRun(ops: Array<[Op, string]>, start: number): { end: number; op: Op } | null {
  const op = ops[start]?.[0];
  if (op === undefined || op === 'same') return null;
  let end = start;
  while (end < ops.length && ops[end]?.[0] !== 'same') {
    if (ops[end]?.[0] !== op) return null;
    end++;
  }
  return { end, op };
}

/**
 * Make the alignment read as a person would mark it (lossless: both texts stay the same):
 * 1. a run of insertions (or deletions) is slid right while the token after it equals its first token, so
 *    "ứng[ cử, đề] cử" becomes "ứng cử[, đề cử]", and two runs of one kind separated only by the tail of the
 *    second are joined;
 * 2. a lone white-space token kept between two changes becomes part of both, so a replaced phrase reads as one
 *    removal then one addition.
 */
function tidy(ops: Array<[Op, string]>): void {
  for (let k = 0; k < ops.length; k++) {
    const run = pureRun(ops, k);
    if (!run) continue;
    // Join with the previous run of the same kind when the equality between them is this run's tail.
    let prevStart = k;
    while (prevStart > 0 && ops[prevStart - 1]?.[0] === 'same') prevStart--;
    const gap = k - prevStart;
    if (gap > 0 && gap <= run.end - k && prevStart > 0 && ops[prevStart - 1]?.[0] === run.op) {
      const tail = ops.slice(run.end - gap, run.end).map(([, t]) => t);
      if (ops.slice(prevStart, k).every(([, t], i) => t === tail[i])) {
        const moved = ops.slice(prevStart, run.end - gap).map(([, t]): [Op, string] => [run.op, t]);
        ops.splice(prevStart, run.end - prevStart, ...moved, ...tail.map((t): [Op, string] => ['same', t]));
        k = prevStart + moved.length - 1;
        continue;
      }
    }
    // Slide right.
    let s = k;
    let e = run.end;
    while (e < ops.length && ops[e]?.[0] === 'same' && ops[e]?.[1] === ops[s]?.[1]) {
      const t = ops[s]?.[1] as string;
      ops[s] = ['same', t];
      ops[e] = [run.op, t];
      s++;
      e++;
    }
    k = e - 1;
  }
  for (let k = 1; k < ops.length - 1; k++) {
    const op = ops[k] as [Op, string];
    if (op[0] === 'same' && /^\s+$/.test(op[1]) && ops[k - 1]?.[0] !== 'same' && ops[k + 1]?.[0] !== 'same') {
      ops.splice(k, 1, ['del', op[1]], ['ins', op[1]]);
      k++;
    }
  }
}

/**
 * Segments that turn `before` into `after`: unchanged text, removed text, added text. Within each run of changes
 * the removed words come first, then the added ones; a lone space kept between two changes is folded into them,
 * so "<del>old words</del><ins>new words</ins>" reads as one replacement.
 */
export function wordDiff(before: string, after: string): Segment[] {
  const a = tokens(before);
  const b = tokens(after);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const ops: Array<[Op, string]> = [
    ...a.slice(0, start).map((t): [Op, string] => ['same', t]),
    ...align(a.slice(start, endA), b.slice(start, endB)),
    ...a.slice(endA).map((t): [Op, string] => ['same', t]),
  ];
  tidy(ops);
  const segments: Segment[] = [];
  let del = '';
  let ins = '';
  const flush = () => {
    if (del) segments.push({ op: 'del', text: del });
    if (ins) segments.push({ op: 'ins', text: ins });
    del = '';
    ins = '';
  };
  for (const [op, text] of ops) {
    if (op === 'del') del += text;
    else if (op === 'ins') ins += text;
    else {
      flush();
      const last = segments[segments.length - 1];
      if (last?.op === 'same') last.text += text;
      else segments.push({ op: 'same', text });
    }
  }
  flush();
  return segments;
}

/** Word pairs (or single words for a text of one word), lower-cased, counted. */
function shingles(text: string): Map<string, number> {
  const words = (text.toLocaleLowerCase('vi').match(/[\p{L}\p{M}\p{N}]+/gu) ?? []) as string[];
  const out = new Map<string, number>();
  const add = (s: string) => out.set(s, (out.get(s) ?? 0) + 1);
  if (words.length < 2) for (const w of words) add(w);
  else for (let i = 0; i + 1 < words.length; i++) add(`${words[i]} ${words[i + 1]}`);
  return out;
}

export type Fingerprint = Map<string, number>;

export function fingerprint(text: string): Fingerprint {
  return shingles(text);
}

/** Dice coefficient of two fingerprints: 1 for the same words in the same order, 0 for nothing in common. */
export function similarity(a: Fingerprint, b: Fingerprint): number {
  let sizeA = 0;
  let sizeB = 0;
  let common = 0;
  for (const n of a.values()) sizeA += n;
  for (const n of b.values()) sizeB += n;
  if (sizeA + sizeB === 0) return 1;
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const [k, n] of small) common += Math.min(n, large.get(k) ?? 0);
  return (2 * common) / (sizeA + sizeB);
}
