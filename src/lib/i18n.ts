/**
 * The interface in two languages (issue 17 item 2): Vietnamese, the default and the language of record, and English
 * for foreign NGOs and researchers. Messages live in locales/<lang>/<namespace>.json (one namespace per feature's
 * views, plus `common` for the layout, header, footer and components); views call `t('namespace:key')`, never a
 * literal (`npm run check:view-text` fails on one). i18next resolves keys, plurals (`_one`/`_other` in English) and
 * `{{name}}` interpolation; it does not escape — EJS's `<%=` does, once.
 *
 * The choice is a cookie (`lang`, set by /ngon-ngu, a year), read on every request: a missing or unknown value is
 * Vietnamese. Both catalogues are loaded once, synchronously, at start; a key missing in English falls back to the
 * Vietnamese text, and a key missing in both shows the key itself (the check catches both before they ship).
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { type Formatters, formattersFor } from './format.js';
import { fastT } from './i18n-fast.js';
import { projectRoot } from './paths.js';
import { createTextTranslator, keepText, loadTextCatalogue, type TranslateText } from './server-text.js';

export const LANGS = ['vi', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const DEFAULT_LANG: Lang = 'vi';
/** The cookie that remembers the choice. */
export const LANG_COOKIE = 'lang';
/** How long the choice is remembered. */
export const LANG_COOKIE_MAX_AGE_SECONDS = 365 * 24 * 3600;

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

const LANG_COOKIE_RE = /(?:^|;\s*)lang=(vi|en)(?:;|$)/;

/** The language a request's Cookie header chose (Vietnamese when none). */
export function langFromCookieHeader(header: string | undefined): Lang {
  const m = header ? LANG_COOKIE_RE.exec(header) : null;
  return m && isLang(m[1]) ? m[1] : DEFAULT_LANG;
}

export type Resources = Record<Lang, Record<string, Record<string, unknown>>>;

/** Every locales/<lang>/<namespace>.json, read once. */
export function loadResources(dir = path.join(projectRoot(), 'locales')): Resources {
  const resources = {} as Resources;
  for (const lang of LANGS) {
    resources[lang] = {};
    for (const file of readdirSync(path.join(dir, lang))) {
      if (!file.endsWith('.json')) continue;
      resources[lang][file.slice(0, -'.json'.length)] = JSON.parse(readFileSync(path.join(dir, lang, file), 'utf8'));
    }
  }
  return resources;
}

let instance: I18n | null = null;

function i18n(): I18n {
  if (instance) return instance;
  const resources = loadResources();
  const created = i18next.createInstance();
  void created.init({
    resources,
    lng: DEFAULT_LANG,
    fallbackLng: DEFAULT_LANG,
    supportedLngs: [...LANGS],
    ns: Object.keys(resources.vi),
    defaultNS: 'common',
    initAsync: false,
    returnNull: false,
    // EJS escapes what a view prints (`<%=`); escaping here too would print &amp;lt;.
    interpolation: { escapeValue: false },
  });
  instance = created;
  return created;
}

export type Translate = TFunction;

/** i18next's own `t` for a language, without the remembered look-up of `translator(lang).t` (for tests). */
export function i18nextT(lang: Lang): Translate {
  return i18n().getFixedT(lang);
}

export interface Translator {
  lang: Lang;
  /** `t('namespace:key', { name })`; `t('key')` reads `common`. */
  t: Translate;
  fmt: Formatters;
  /** A locale tag for Intl and `<html lang>`. */
  locale: string;
  /** A text the server made in Vietnamese (a message, a report heading, a job's name), in this language. */
  tx: TranslateText;
}

const translators = new Map<Lang, Translator>();

/** One translator per language, made once. */
export function translator(lang: Lang): Translator {
  let found = translators.get(lang);
  if (!found) {
    found = {
      lang,
      t: fastT(i18n(), lang, DEFAULT_LANG, i18n().getFixedT(lang)),
      fmt: formattersFor(lang),
      locale: lang === 'vi' ? 'vi-VN' : 'en-GB',
      tx: lang === 'vi' ? keepText : createTextTranslator(loadTextCatalogue()),
    };
    translators.set(lang, found);
  }
  return found;
}

/** A catalogue entry's name in a language: the English name when the interface is English and there is one. */
export type LocalName = (vi: string, en?: string | null) => string;

const VI_NAME: LocalName = (vi) => vi;
const EN_NAME: LocalName = (vi, en) => (en ? en : vi);

/**
 * What a view needs of the language: `lang`, `t`, `fmt`, the other language to offer, `localName(vi, en)` for
 * catalogue names (the English name where the catalogue has one, else the Vietnamese name) and `tx(text)` for texts
 * the server made in Vietnamese (src/lib/server-text.ts).
 */
export function languageLocals(lang: Lang): {
  lang: Lang;
  t: Translate;
  fmt: Formatters;
  otherLang: Lang;
  localName: LocalName;
  tx: TranslateText;
} {
  const tr = translator(lang);
  return { lang, t: tr.t, fmt: tr.fmt, otherLang: lang === 'vi' ? 'en' : 'vi', localName: lang === 'en' ? EN_NAME : VI_NAME, tx: tr.tx };
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface Request {
      /** The interface language of this request (set by the locals middleware). */
      lang?: Lang;
    }
  }
}

/** The translator of a request (Vietnamese before the locals middleware ran). */
export function translatorOf(req: { lang?: Lang }): Translator {
  return translator(req.lang ?? DEFAULT_LANG);
}
