/**
 * i18next's `t` costs 20 µs a call with a bare key and 65 µs with options on this machine (it rebuilds the look-up
 * for every call); a public list page calls it hundreds of times, and the quiet-machine bench of 07/12/2026 found the
 * uncached public pages 2–4 times slower than before the interface was moved into message files. This is the same
 * look-up for what the message files use, remembered: the message is found once per key (and plural form) through
 * i18next's own resources — the language, then the fallback, the plural form (`_one`/`_other`, by Intl.PluralRules
 * as i18next does) before the bare key — and `{{name}}` is filled in. Anything else (a key missing in both languages,
 * a non-string resource, an array of keys, options other than `count`, `defaultValue` and values) goes to i18next
 * itself. `test/unit/i18n-fast.test.ts` checks every key of both languages gives what i18next gives.
 */
import type { i18n as I18n, TFunction } from 'i18next';

const INTERPOLATION = /\{\{(.+?)\}\}/g;
/** Options the fast path understands; any other goes to i18next. */
const HANDLED = new Set(['count', 'defaultValue']);

type Options = Record<string, unknown>;

export function fastT(instance: I18n, lang: string, fallback: string, slow: TFunction): TFunction {
  const plural = new Map<string, Intl.PluralRules>();
  const rulesOf = (lng: string) => {
    let r = plural.get(lng);
    if (!r) {
      r = new Intl.PluralRules(lng);
      plural.set(lng, r);
    }
    return r;
  };
  const languages = lang === fallback ? [lang] : [lang, fallback];
  const defaultNs = (instance.options.defaultNS as string | undefined) ?? 'translation';
  /** key → message (null: not a string in either language: i18next answers). */
  const found = new Map<string, string | null>();

  const lookUp = (full: string, count: number | undefined): string | null => {
    const cacheKey = count === undefined ? full : `${full}\u0000${rulesOf(lang).select(count)}\u0000${rulesOf(fallback).select(count)}`;
    const known = found.get(cacheKey);
    if (known !== undefined) return known;
    const colon = full.indexOf(':');
    const ns = colon >= 0 ? full.slice(0, colon) : defaultNs;
    const key = colon >= 0 ? full.slice(colon + 1) : full;
    let message: string | null = null;
    for (const lng of languages) {
      const candidates = count === undefined ? [key] : [`${key}_${rulesOf(lng).select(count)}`, key];
      for (const k of candidates) {
        const value = instance.getResource(lng, ns, k) as unknown;
        if (typeof value === 'string') {
          message = value;
          break;
        }
      }
      if (message !== null) break;
    }
    found.set(cacheKey, message);
    return message;
  };

  const fill = (message: string, options: Options): string =>
    message.includes('{{')
      ? message.replace(INTERPOLATION, (whole, name: string) => {
          const value = options[name.trim()];
          return value === undefined || value === null ? whole : String(value);
        })
      : message;

  const t = (key: unknown, options?: unknown): string => {
    if (typeof key !== 'string') return slow(key as string, options as Options) as string;
    if (options === undefined) {
      const message = lookUp(key, undefined);
      return message === null ? (slow(key) as string) : message.includes('{{') ? (slow(key) as string) : message;
    }
    if (typeof options !== 'object' || options === null) return slow(key, options as Options) as string;
    const opts = options as Options;
    for (const name of Object.keys(opts)) {
      if (HANDLED.has(name)) continue;
      const v = opts[name];
      if (typeof v !== 'string' && typeof v !== 'number') return slow(key, opts) as string;
    }
    const count = opts.count;
    if (count !== undefined && typeof count !== 'number') return slow(key, opts) as string;
    const message = lookUp(key, count as number | undefined);
    if (message === null) return slow(key, opts) as string;
    return fill(message, opts);
  };
  return t as unknown as TFunction;
}
