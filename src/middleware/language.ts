/**
 * The language switch (issue 17 item 2): GET /ngon-ngu?lang=en&tiep=/hoi remembers the choice in the `lang` cookie
 * for a year and goes back to the page (a path of this site only, RELIABILITY 17): the page the link was on, from the
 * Referer when it is this site (Referrer-Policy same-origin sends it, query string included — the link itself, on a
 * page rendered once for every visitor, knows only the path), else `tiep`. A link, so it works without
 * JavaScript and on the anonymous pages, which have no session and no form token: the only thing it changes is how the
 * visitor's own browser shows pages, which a forged link could at worst switch back (no data, no session touched).
 */
import { Router } from 'express';
import { safeReturnTo } from '../lib/forms.js';
import { isLang, LANG_COOKIE, LANG_COOKIE_MAX_AGE_SECONDS } from '../lib/i18n.js';

export function languageRoutes(opts: { secureCookies: boolean }): Router {
  const r = Router();
  r.get('/ngon-ngu', (req, res) => {
    const lang = req.query.lang;
    if (isLang(lang)) {
      res.cookie(LANG_COOKIE, lang, {
        maxAge: LANG_COOKIE_MAX_AGE_SECONDS * 1000,
        httpOnly: true,
        sameSite: 'lax',
        secure: opts.secureCookies,
        path: '/',
      });
    }
    res.set('Cache-Control', 'no-store');
    res.redirect(303, sameSiteReferer(req.get('referer'), req.get('host')) ?? safeReturnTo(req.query.tiep, '/'));
  });
  return r;
}

/** The path and query of a Referer on this host, when it is a safe local path; else undefined. */
export function sameSiteReferer(referer: string | undefined, host: string | undefined): string | undefined {
  if (!referer || !host) return undefined;
  try {
    const u = new URL(referer);
    if (u.host !== host || (u.protocol !== 'http:' && u.protocol !== 'https:')) return undefined;
    const local = safeReturnTo(u.pathname + u.search, '');
    // Never back to the switch itself (a reload of it).
    return local && !local.startsWith('/ngon-ngu') ? local : undefined;
  } catch {
    return undefined;
  }
}
