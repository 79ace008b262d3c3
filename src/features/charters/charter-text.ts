/**
 * A charter's text split into its articles ("Điều 1.", "Điều 2:", "Điều 12 Tên gọi"), each with the chapter
 * ("Chương II …", "Mục 1 …") it sits under, and the text before the first article as the preamble. Pure functions.
 */
// server-text-file: the words here are the charter's own headings ("Chương", "Mục"), read from and rebuilt for the association's Vietnamese charter text (data), not the interface

export interface CharterArticle {
  /** Unique within one version: `dieu-12`, or `dieu-12-2` for a second article numbered 12. */
  key: string;
  number: number;
  /** The heading line as written, e.g. "Điều 12. Quyền của hội viên". */
  heading: string;
  /** What follows the number on the heading line ("Quyền của hội viên"), '' when nothing. */
  title: string;
  /** The whole article: heading line and body lines, one paragraph per line. */
  text: string;
  /** The article without its "Điều N" marker: title and body, what two versions are compared on. */
  content: string;
  /** "Chương II. QUYỀN VÀ NGHĨA VỤ CỦA HỘI VIÊN" (› "Mục 1 …"), null before any chapter heading. */
  chapter: string | null;
}

export interface SplitCharter {
  /** The text before the first article (the charter's title, the approving decision …), '' when none. */
  preamble: string;
  articles: CharterArticle[];
}

/** The longest charter text kept (a long charter is some 60,000 characters). */
export const MAX_CHARTER_CHARS = 300_000;

const ARTICLE = /^điều\s+(\d{1,4})\s*([.:)\-–—]?)\s*(.*)$/iu;
const CHAPTER = /^(chương|mục)\s+([ivxlcdm]+|\d{1,3})(?=$|[\s.:\-–—])\s*[.:\-–—]?\s*(.*)$/iu;

/**
 * The text as compared: NFC, one paragraph per line, spaces collapsed, blank lines and invisible characters
 * dropped. Typing the same charter twice with different spacing gives the same normalised text.
 */
export function normaliseCharterText(raw: string): string {
  return (
    raw
      .normalize('NFC')
      .replace(/\r\n?/g, '\n')
      // Zero-width characters and the byte order mark carry nothing a reader sees.
      .replace(/[\u200b-\u200d\u2060\ufeff]/g, '')
      // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters become spaces (tab, form feed …).
      .replace(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
      .split('\n')
      .map((line) => line.replace(/ {2,}/g, ' ').trim())
      .filter((line) => line !== '')
      .join('\n')
  );
}

function isUpperCaseLine(line: string): boolean {
  return /\p{L}/u.test(line) && line === line.toLocaleUpperCase('vi');
}

interface Heading {
  number: number;
  title: string;
}

/**
 * An article heading, or null for a body line. "Điều 5 của Điều lệ này …" inside an article is a reference, not a
 * heading: without punctuation after the number, only the next number in sequence (or a line with nothing after
 * the number) starts an article.
 */
function articleHeading(line: string, previous: number | null): Heading | null {
  const m = ARTICLE.exec(line);
  if (!m) return null;
  const number = Number(m[1]);
  const punctuated = (m[2] ?? '') !== '';
  const title = (m[3] ?? '').trim();
  if (punctuated || title === '' || previous === null || number === previous + 1) return { number, title };
  return null;
}

interface Draft {
  heading: string;
  number: number;
  title: string;
  body: string[];
  chapter: string | null;
}

/** One article from its draft; `count` tells the second article with the same number from the first. */
function toArticle(d: Draft, count: number): CharterArticle {
  return {
    key: count === 1 ? `dieu-${d.number}` : `dieu-${d.number}-${count}`,
    number: d.number,
    heading: d.heading,
    title: d.title,
    text: [d.heading, ...d.body].join('\n'),
    content: [d.title, ...d.body].filter((s) => s !== '').join('\n'),
    chapter: d.chapter,
  };
}

/** The label of a "Chương"/"Mục" heading line (with its name from the next line when that is in capitals). */
function chapterLabel(m: RegExpExecArray, next: string | undefined): { kind: 'chapter' | 'section'; label: string; usedNext: boolean } {
  const kind = (m[1] ?? '').toLocaleLowerCase('vi') === 'mục' ? 'section' : 'chapter';
  let title = (m[3] ?? '').trim();
  let usedNext = false;
  // "Chương I" on its own line, its name in capitals on the next.
  if (title === '' && next && !ARTICLE.test(next) && !CHAPTER.test(next) && isUpperCaseLine(next) && next.length <= 200) {
    title = next;
    usedNext = true;
  }
  const label = `${kind === 'section' ? 'Mục' : 'Chương'} ${(m[2] ?? '').toUpperCase()}${title ? `. ${title}` : ''}`;
  return { kind, label, usedNext };
}

/** Split a charter into preamble and articles (the text is normalised first). */
export function splitCharter(raw: string): SplitCharter {
  const lines = normaliseCharterText(raw).split('\n');
  const preamble: string[] = [];
  const articles: CharterArticle[] = [];
  const seen = new Map<number, number>();
  let chapter: string | null = null;
  let section: string | null = null;
  let current: Draft | null = null;
  let lastNumber: number | null = null;

  const close = (d: Draft | null) => {
    if (!d) return;
    const count = (seen.get(d.number) ?? 0) + 1;
    seen.set(d.number, count);
    articles.push(toArticle(d, count));
  };

  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    if (line === '') continue;
    const chapterMatch = CHAPTER.exec(line);
    if (chapterMatch) {
      const c = chapterLabel(chapterMatch, lines[i + 1]);
      if (c.usedNext) i += 1;
      close(current);
      current = null;
      if (c.kind === 'section') section = c.label;
      else {
        chapter = c.label;
        section = null;
      }
      continue;
    }
    const heading = articleHeading(line, lastNumber);
    if (heading) {
      close(current);
      lastNumber = heading.number;
      const context = section ? [chapter, section].filter(Boolean).join(' › ') : chapter;
      current = { heading: line, number: heading.number, title: heading.title, body: [], chapter: context };
      continue;
    }
    if (current) current.body.push(line);
    else preamble.push(line);
  }
  close(current);
  return { preamble: preamble.join('\n'), articles };
}
