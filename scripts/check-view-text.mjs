#!/usr/bin/env node
/**
 * The interface's words live in the message files, never in a view (issue 17 item 2). Fails when:
 *   - a view under views/ holds a literal word outside EJS tags (text between tags, or a title, alt, placeholder,
 *     aria-label or aria-description attribute), or a string literal inside an EJS tag that is Vietnamese (any letter
 *     outside ASCII) or English prose (two or more words beginning with a capital letter) — they belong in
 *     locales/<lang>/<namespace>.json, printed with t('namespace:key');
 *   - a key a view uses as `t('…')` is missing from the Vietnamese or the English messages;
 *   - the two languages' message files do not hold the same keys (English plural forms key_one/key_other count as
 *     the key itself).
 * Words that are the same in both languages are allowed: numbers, symbols, and acronyms in capitals (CSV, XLSX, PDF).
 * Comments (`<%# %>`, `<!-- -->`) and <script>/<style> blocks are not the interface and are skipped.
 * A document of record printed in Vietnamese whatever the reader's language (a Decree 30 letter) says so in its first
 * comment with the marker `view-text: vietnamese document of record`, and is skipped.
 * Run: npm run check:view-text
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const viewsDir = path.join(root, 'views');
const localesDir = path.join(root, 'locales');

function* files(dir, ext) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) yield* files(full, ext);
    else if (entry.isFile() && entry.name.endsWith(ext)) yield full;
  }
}

const LETTER = /\p{L}/u;
const NON_ASCII_LETTER = /[^\p{ASCII}]/u;
/** A word the same in both languages: an acronym or code in capitals and digits (CSV, XLSX, R-12, Q4). */
const NEUTRAL_WORD = /^[\p{Lu}\d][\p{Lu}\d./-]*$/u;
const ENGLISH_PROSE = /\b[A-Z][a-z]+(?:\s+[a-z]+)+/;
const TEXT_ATTRIBUTES = /\s(title|alt|placeholder|aria-label|aria-description|aria-roledescription)\s*=\s*("([^"]*)"|'([^']*)')/gi;
const ENTITY = /&(?:[a-z]+|#\d+|#x[0-9a-f]+);/gi;

function hasWords(text) {
  const words = text
    .replace(ENTITY, ' ')
    .split(/[\s,.;:!?()[\]{}"'“”‘’«»…—–\-/|*+=<>#%&@^~`→←↑↓★✓✗·•]+/u)
    .filter((w) => LETTER.test(w));
  return words.some((w) => !NEUTRAL_WORD.test(w));
}

/** Positions → line numbers. */
function lineOf(text, index) {
  return text.slice(0, index).split('\n').length;
}

function blank(s) {
  return s.replace(/[^\n]/g, ' ');
}

function problemsIn(file) {
  const raw = readFileSync(file, 'utf8');
  const found = [];
  // Comments and scripts/styles blanked out, keeping line numbers.
  let text = raw.replace(/<%#[\s\S]*?%>/g, blank).replace(/<!--[\s\S]*?-->/g, blank);
  text = text.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/gi, blank);
  // EJS code: string literals inside it.
  text = text.replace(/<%(?!%)[=-]?([\s\S]*?)%>/g, (whole, code, offset) => {
    for (const m of code.matchAll(/'((?:[^'\\\n]|\\.)*)'|"((?:[^"\\\n]|\\.)*)"|`((?:[^`\\]|\\.)*)`/g)) {
      const str = m[1] ?? m[2] ?? m[3] ?? '';
      if (/^\s*(include\b|t\()/.test(code.slice(0, m.index).split(/[(,]/).pop() ?? '')) continue;
      if (NON_ASCII_LETTER.test(str) && LETTER.test(str) && hasWords(str))
        found.push([lineOf(raw, offset), `string in code: ${str.slice(0, 60)}`]);
      else if (ENGLISH_PROSE.test(str)) found.push([lineOf(raw, offset), `English in code: ${str.slice(0, 60)}`]);
    }
    return blank(whole);
  });
  // Attributes that people read.
  for (const m of text.matchAll(TEXT_ATTRIBUTES)) {
    const value = m[3] ?? m[4] ?? '';
    if (hasWords(value)) found.push([lineOf(raw, m.index), `${m[1]}="${value.slice(0, 60)}"`]);
  }
  // Text between tags.
  const withoutTags = text.replace(/<[^>]*>/g, blank);
  let offset = 0;
  for (const line of withoutTags.split('\n')) {
    if (hasWords(line)) found.push([lineOf(raw, offset + 1), `text: ${line.trim().slice(0, 60)}`]);
    offset += line.length + 1;
  }
  return found;
}

/** Flattened keys of a message tree, English plural forms folded into their key. */
function keysOf(tree, prefix = '', out = new Set()) {
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v !== null && typeof v === 'object') keysOf(v, key, out);
    else out.add(key.replace(/_(zero|one|two|few|many|other)$/, ''));
  }
  return out;
}

const messages = {};
for (const lang of ['vi', 'en']) {
  messages[lang] = new Set();
  const dir = path.join(localesDir, lang);
  for (const file of files(dir, '.json')) {
    const ns = path.basename(file, '.json');
    for (const key of keysOf(JSON.parse(readFileSync(file, 'utf8')))) messages[lang].add(`${ns}:${key}`);
  }
}

const problems = [];
for (const key of messages.vi) if (!messages.en.has(key)) problems.push(`locales/en: missing ${key}`);
for (const key of messages.en) if (!messages.vi.has(key)) problems.push(`locales/vi: missing ${key} (English has it)`);

let views = 0;
const documents = [];
for (const file of files(viewsDir, '.ejs')) {
  views += 1;
  const rel = path.relative(root, file);
  const raw = readFileSync(file, 'utf8');
  for (const m of raw.matchAll(/\bt\(\s*'([^'$]+)'/g)) {
    const key = m[1].includes(':') ? m[1] : `common:${m[1]}`;
    if (!messages.vi.has(key)) problems.push(`${rel}:${lineOf(raw, m.index)}  t('${m[1]}'): no such message`);
  }
  if (/^<%#[\s\S]*?view-text: vietnamese document of record[\s\S]*?%>/.test(raw)) {
    documents.push(rel);
    continue;
  }
  for (const [line, what] of problemsIn(file)) problems.push(`${rel}:${line}  ${what}`);
}

if (problems.length > 0) {
  // exitCode, not exit(): a long report to a pipe must be written out before the process ends.
  console.error(
    `check:view-text: ${problems.length} problem(s) — words in views belong in locales/<lang>/*.json:\n  ${problems.join('\n  ')}`,
  );
  process.exitCode = 1;
} else {
  console.log(
    `check:view-text: ${views} views (${documents.length} Vietnamese document(s) of record), ${messages.vi.size} messages in each language, no word outside them`,
  );
}
