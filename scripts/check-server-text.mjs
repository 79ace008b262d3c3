#!/usr/bin/env node
/**
 * Texts the server makes in Vietnamese must have an English text (issue 17 item 2; src/lib/server-text.ts). Fails when
 * a string or template literal under src/ holding a Vietnamese letter is not a key of locales/texts/en/*.json — a
 * template's `${…}` parts stand for any text, as a key's `{{name}}` placeholders do, so `${label} không hợp lệ.` is
 * covered by "{{label}} không hợp lệ.". Also fails on an English text that is empty or still Vietnamese, on one whose
 * placeholders differ from its key's, and on a key that no literal in src/ makes any more (stale).
 *
 * Not the interface, and skipped:
 *   - src/cli/ (the operators' console);
 *   - a file holding the comment `server-text-file: <why>` (a document of record printed in Vietnamese whatever the
 *     reader's language, such as a Decree 30 letter; texts only logged);
 *   - a literal on a line holding, or just below a line holding, the comment `server-text: <why>`, and the lines from
 *     a comment `server-text-start: <why>` to a comment `server-text-end` (a list of them).
 * Comments are not the interface. Run: npm run check:server-text  (`-- --todo` prints the missing keys as JSON, by file)
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = path.join(root, 'src');
const catalogueDir = path.join(root, 'locales', 'texts', 'en');
const SKIP_DIRS = [path.join(srcDir, 'cli')];

export const VIETNAMESE = /[àáảãạăằắẳẵặâầấẩẫậđèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]/iu;
const PLACEHOLDER = /\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/g;

function* files(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.includes(full)) yield* files(full);
    } else if (entry.isFile() && entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) yield full;
  }
}

/** Where a `/` starts a regular expression rather than a division: after these characters or keywords. */
const BEFORE_REGEX = /(?:^|[=(,:[!&|?{};+\-*%<>~^]|\breturn|\btypeof|\bcase|\bof|\bin)\s*$/;

/**
 * The string and template literals of a TypeScript source, with their lines: `{ text, line }`, a template's `${…}`
 * parts written `{}`; and the comments, `{ comment, line }`.
 */
export function scan(source) {
  const literals = [];
  const comments = [];
  let i = 0;
  let line = 1;
  const n = source.length;
  const advance = (to) => {
    for (; i < to; i++) if (source[i] === '\n') line++;
  };
  const readQuoted = (quote) => {
    const startLine = line;
    let text = '';
    i++;
    while (i < n && source[i] !== quote) {
      if (source[i] === '\\') {
        text += source.slice(i, i + 2);
        advance(i + 2);
        continue;
      }
      if (source[i] === '\n') line++;
      text += source[i++];
    }
    i++;
    return { text: unescapeLiteral(text), line: startLine };
  };
  const readTemplate = () => {
    const startLine = line;
    let text = '';
    i++;
    while (i < n && source[i] !== '`') {
      if (source[i] === '\\') {
        text += source.slice(i, i + 2);
        advance(i + 2);
        continue;
      }
      if (source[i] === '$' && source[i + 1] === '{') {
        i += 2;
        code(1);
        text += '{}';
        continue;
      }
      if (source[i] === '\n') line++;
      text += source[i++];
    }
    i++;
    literals.push({ text: unescapeLiteral(text), line: startLine });
  };
  /** Code until the brace that closes `depth` (0: the end of the source). */
  const code = (depth) => {
    let last = '';
    while (i < n) {
      const c = source[i];
      if (c === '/' && source[i + 1] === '/') {
        const end = source.indexOf('\n', i);
        const stop = end === -1 ? n : end;
        comments.push({ comment: source.slice(i, stop), line });
        i = stop;
        continue;
      }
      if (c === '/' && source[i + 1] === '*') {
        const end = source.indexOf('*/', i + 2);
        const stop = end === -1 ? n : end + 2;
        comments.push({ comment: source.slice(i, stop), line });
        advance(stop);
        continue;
      }
      if (c === '/' && BEFORE_REGEX.test(last)) {
        // A regular expression literal: to the closing slash outside a character class.
        let inClass = false;
        i++;
        while (i < n && source[i] !== '\n') {
          const ch = source[i];
          if (ch === '/' && !inClass) break;
          if (ch === '[') inClass = true;
          else if (ch === ']') inClass = false;
          i += ch === '\\' ? 2 : 1;
        }
        i++;
        last = 'x';
        continue;
      }
      if (c === "'" || c === '"') {
        literals.push(readQuoted(c));
        last = 'x';
        continue;
      }
      if (c === '`') {
        readTemplate();
        last = 'x';
        continue;
      }
      if (c === '{') depth++;
      if (c === '}') {
        depth--;
        if (depth === 0) {
          i++;
          return;
        }
      }
      if (c === '\n') line++;
      if (!/\s/.test(c)) last = (last + c).slice(-8);
      else last += c;
      i++;
    }
  };
  code(Number.POSITIVE_INFINITY);
  return { literals, comments };
}

function unescapeLiteral(s) {
  return s.replace(/\\(u\{[0-9a-fA-F]+\}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\s\S])/g, (_whole, e) => {
    if (e.startsWith('u{')) return String.fromCodePoint(Number.parseInt(e.slice(2, -1), 16));
    if (e.startsWith('u') && e.length === 5) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    if (e.startsWith('x') && e.length === 3) return String.fromCharCode(Number.parseInt(e.slice(1), 16));
    return { n: '\n', t: '\t', r: '\r', '\n': '' }[e] ?? e;
  });
}

/**
 * A key's or a literal's shape: every placeholder `{}`, and placeholders side by side one (the text made at run time
 * does not show where `${a}${b}` parted).
 */
export const skeleton = (text) => text.replace(PLACEHOLDER, '{}').replace(/(?:\{\})+/g, '{}');

/** A literal's shape as a test for keys that are instances of it ("Số hội" of `Số ${label}`). */
const shapeTest = (shape) =>
  new RegExp(
    `^${shape
      .split('{}')
      .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[\\s\\S]+')}$`,
    'u',
  );

export function loadCatalogue(dir = catalogueDir) {
  const entries = [];
  let names = [];
  try {
    names = readdirSync(dir).filter((f) => f.endsWith('.json'));
  } catch {
    return entries;
  }
  for (const file of names.sort()) {
    const data = JSON.parse(readFileSync(path.join(dir, file), 'utf8'));
    for (const [key, english] of Object.entries(data)) entries.push({ file, key, english });
  }
  return entries;
}

/**
 * The Vietnamese literals of src/: `texts`, those people may read (`{ file, line, text }`), and `shapes`, the shapes
 * of every literal, skipped ones included (a key made only in a skipped file is not stale: a format message of the
 * form definition, whose labels are translated by field name in locales/<lang>/form.json).
 */
export function interfaceTexts() {
  const texts = [];
  const shapes = new Set();
  for (const file of files(srcDir)) {
    const source = readFileSync(file, 'utf8');
    const { literals, comments } = scan(source);
    const skipFile = comments.some((c) => c.comment.includes('server-text-file:'));
    const quiet = new Set();
    let from = null;
    for (const c of comments) {
      if (/server-text:/.test(c.comment)) quiet.add(c.line).add(c.line + 1);
      if (/server-text-start:/.test(c.comment)) from = c.line;
      if (/server-text-end\b/.test(c.comment) && from !== null) {
        for (let l = from; l <= c.line; l++) quiet.add(l);
        from = null;
      }
    }
    for (const lit of literals) {
      // Every literal can make a key (a Vietnamese word without diacritics: "Nam", "Chia"); only those with a
      // Vietnamese letter must have one.
      shapes.add(skeleton(lit.text));
      if (!VIETNAMESE.test(lit.text)) continue;
      if (skipFile || quiet.has(lit.line)) continue;
      texts.push({ file: path.relative(root, file), line: lit.line, text: lit.text });
    }
  }
  return { texts, shapes };
}

function main() {
  const todo = process.argv.includes('--todo');
  const catalogue = loadCatalogue();
  const problems = [];
  const shapes = new Map();
  for (const { file, key, english } of catalogue) {
    shapes.set(skeleton(key), key);
    if (typeof english !== 'string' || english.trim() === '') problems.push(`locales/texts/en/${file}: "${key}" has no English text`);
    else if (VIETNAMESE.test(english)) problems.push(`locales/texts/en/${file}: the English text of "${key}" is Vietnamese`);
    else {
      const names = (s) =>
        [...s.matchAll(PLACEHOLDER)]
          .map((m) => m[0].replace(/\s/g, ''))
          .sort()
          .join(',');
      if (names(key) !== names(english)) problems.push(`locales/texts/en/${file}: "${key}" and its English text have other placeholders`);
      const list = [...key.matchAll(PLACEHOLDER)].map((m) => m[0]);
      if (new Set(list).size !== list.length) problems.push(`locales/texts/en/${file}: "${key}" uses a placeholder name twice`);
    }
  }
  const { texts, shapes: made } = interfaceTexts();
  const used = new Set();
  const missing = {};
  for (const t of texts) {
    const shape = skeleton(t.text);
    if (shapes.has(shape)) {
      used.add(shape);
      continue;
    }
    missing[t.file] ??= {};
    missing[t.file][t.text.replace(/\{\}/g, '{{x}}')] = '';
    problems.push(`${t.file}:${t.line}: no English text for "${t.text.slice(0, 80)}"`);
  }
  // A key no literal makes: stale, unless it is an instance of a template (an exact key that reads better than the
  // template's English, such as "Số hội" → "Number of associations" beside "Số {{number}}" → "No. {{number}}").
  const templates = [...made].filter((shape) => shape.includes('{}')).map(shapeTest);
  for (const { file, key } of catalogue) {
    const shape = skeleton(key);
    if (used.has(shape) || made.has(shape) || templates.some((re) => re.test(key))) continue;
    problems.push(`locales/texts/en/${file}: "${key.slice(0, 80)}" is made nowhere in src/ (stale)`);
  }
  if (todo) {
    console.log(JSON.stringify(missing, null, 2));
    return;
  }
  if (problems.length > 0) {
    for (const p of problems) console.error(p);
    console.error(
      `check:server-text: ${problems.length} problem(s) (${texts.length} Vietnamese texts in src/, ${catalogue.length} English texts)`,
    );
    process.exit(1);
  }
  console.log(`check:server-text: ${texts.length} Vietnamese texts in src/ all have English texts (${catalogue.length} keys)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
