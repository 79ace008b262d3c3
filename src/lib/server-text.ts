/**
 * Texts the server makes (validation and flash messages, report headings and row labels, job and rule names, audit
 * labels, notices) are written in Vietnamese, the language of record, where they are made — services and schemas know
 * no reader — and translated where they are printed: a view prints such a text with `tx(text)` (issue 17 item 2).
 * In Vietnamese `tx` returns the text; in English it looks the text up in locales/texts/en/*.json, a catalogue keyed
 * by the Vietnamese text itself (as gettext keys by the source text), and falls back to the Vietnamese text.
 *
 * A key may hold placeholders, `{{name}}`, each standing for any text (a label, a number, a person's name): the
 * English text uses the same names. A captured part is translated in its turn when the catalogue knows it, so that
 * "Nhập tên đăng nhập." finds "Nhập {{label}}." and "Tên đăng nhập" and reads "Enter the username.". Exact keys win
 * over patterns, and among patterns the one with the most literal text. A placeholder named for a number — `n`,
 * `count`, `number`, `year`, `month`, `day`, or ending in `Count`, `Number` or `Year` — stands only for digits (with
 * `.`, `,`, `/`, `:` or `-`), so "Số {{number}}" reads "Số 12" and never half-translates "Số hội theo …".
 * Results are remembered (a bounded map).
 * `npm run check:server-text` fails on a Vietnamese text in src/ that the catalogue does not cover.
 */

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { lowerFirst, upperFirst } from './format.js';
import { projectRoot } from './paths.js';

export type TextCatalogue = Record<string, string>;

/** Translates one server-made text; the identity in Vietnamese. */
export type TranslateText = (text: unknown) => string;

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
/** Not global: `test` on a global expression keeps a position that a later `matchAll` would start from. */
const HAS_PLACEHOLDER = /\{\{\s*[A-Za-z_][A-Za-z0-9_]*\s*\}\}/;
const MEMO_LIMIT = 20_000;
/** Between the items of a list inside a text (kept by `split`: odd indexes are the separators). */
const LIST_SEPARATOR = /(; |, )/;
/** Placeholders that stand for a number only. */
const NUMERIC_NAME = /^(?:n|count|number|year|month|day|[A-Za-z]+(?:Count|Number|Year))$/;

interface Pattern {
  re: RegExp;
  names: string[];
  english: string;
  literal: number;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compile(key: string, english: string): Pattern {
  const names: string[] = [];
  let source = '';
  let last = 0;
  let literal = 0;
  for (const m of key.matchAll(PLACEHOLDER)) {
    const chunk = key.slice(last, m.index);
    source += escapeRegExp(chunk);
    literal += chunk.length;
    const name = m[1] ?? '';
    source += NUMERIC_NAME.test(name) ? '(\\d[\\d.,/:-]*)' : '([\\s\\S]+?)';
    names.push(name);
    last = (m.index ?? 0) + m[0].length;
  }
  const tail = key.slice(last);
  literal += tail.length;
  source += escapeRegExp(tail);
  return { re: new RegExp(`^${source}$`, 'u'), names, english, literal };
}

/**
 * The catalogue entries' English names (a province, a field, a status: `name` → `name_en`), which staff edit in
 * "Danh mục": set by the catalogues feature, consulted after the text catalogue's exact keys, so that a report row
 * or an option naming a catalogue entry reads in English wherever it is printed through `tx`.
 */
let entryNames: ReadonlyMap<string, string> = new Map();
let entryNamesVersion = 0;

export function setCatalogueEntryNames(names: ReadonlyMap<string, string>): void {
  entryNames = names;
  entryNamesVersion++;
}

/** A translator over one catalogue (tests build their own; the app reads locales/texts/en once). */
export function createTextTranslator(catalogue: TextCatalogue): TranslateText {
  const exact = new Map<string, string>();
  const patterns: Pattern[] = [];
  for (const [key, english] of Object.entries(catalogue)) {
    if (HAS_PLACEHOLDER.test(key)) patterns.push(compile(key, english));
    else exact.set(key, english);
  }
  patterns.sort((a, b) => b.literal - a.literal);
  const memo = new Map<string, string>();
  let memoVersion = entryNamesVersion;
  const known = (text: string) => exact.get(text) ?? entryNames.get(text);

  /**
   * A captured part: a known text; a label written lower-case inside a sentence ("Nhập tên đăng nhập.", the catalogue
   * has it capitalised); a sentence of its own, whole ("Lãnh đạo hội, dòng 2: Họ và tên" inside "… là bắt buộc.") or
   * written lower-case inside another ("đã gửi hồ sơ đại hội nhiệm kỳ khóa 5 …"), or a list of them ("44 hội đã quá
   * hạn; 7 hội sắp đến hạn"), each item translated in its turn (two levels deep at most); else itself (a name, a number).
   */
  const part = (s: string, depth: number): string => {
    const trimmed = s.trim();
    if (trimmed === '') return s;
    const found = known(trimmed);
    if (found !== undefined) return s.replace(trimmed, found);
    const capital = known(upperFirst(trimmed));
    if (capital !== undefined && trimmed !== upperFirst(trimmed)) return s.replace(trimmed, lowerFirst(capital));
    if (depth >= 2) return s;
    const whole = translate(trimmed, depth + 1);
    if (whole !== trimmed) return s.replace(trimmed, whole);
    const pieces = trimmed.split(LIST_SEPARATOR);
    if (pieces.length > 1) {
      const out = pieces.map((piece, i) => (i % 2 === 1 ? piece : part(piece, depth + 1))).join('');
      return out === trimmed ? s : s.replace(trimmed, out);
    }
    if (trimmed !== upperFirst(trimmed)) {
      const upper = translate(upperFirst(trimmed), depth + 1);
      if (upper !== upperFirst(trimmed)) return s.replace(trimmed, lowerFirst(upper));
    }
    return s;
  };

  const translate = (text: string, depth = 0): string => {
    const found = known(text);
    if (found !== undefined) return found;
    for (const p of patterns) {
      const m = p.re.exec(text);
      if (!m) continue;
      const values = new Map(p.names.map((name, i) => [name, part(m[i + 1] ?? '', depth)]));
      return p.english.replace(PLACEHOLDER, (whole, name: string) => values.get(name) ?? whole);
    }
    return text;
  };

  return (value) => {
    if (value === null || value === undefined) return '';
    const text = String(value);
    if (memoVersion !== entryNamesVersion) {
      memo.clear();
      memoVersion = entryNamesVersion;
    }
    const remembered = memo.get(text);
    if (remembered !== undefined) return remembered;
    const out = translate(text);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, out);
    return out;
  };
}

/** Every locales/texts/en/*.json merged (a key in two files must have one English text). */
export function loadTextCatalogue(dir = path.join(projectRoot(), 'locales', 'texts', 'en')): TextCatalogue {
  const out: TextCatalogue = {};
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.json')) continue;
    const entries = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as TextCatalogue;
    for (const [key, english] of Object.entries(entries)) {
      if (out[key] !== undefined && out[key] !== english)
        throw new Error(`locales/texts/en/${file}: "${key}" has another English text elsewhere`);
      out[key] = english;
    }
  }
  return out;
}

/** The identity: Vietnamese texts are printed as written (null and undefined as nothing). */
export const keepText: TranslateText = (value) => (value === null || value === undefined ? '' : String(value));
