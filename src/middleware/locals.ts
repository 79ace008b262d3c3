/** The only middleware that writes res.locals: what every view may use. */
import type { Request, RequestHandler, Response } from 'express';
import { DEFAULT_LANG, type Lang, langFromCookieHeader, languageLocals } from '../lib/i18n.js';
import { hasAnyRole, ROLE_LABELS, type Role } from '../lib/roles.js';
import { paths } from '../lib/urls.js';
import type { Csrf } from './csrf.js';

export interface NavItem {
  href: string;
  /** A message key (locales/<lang>/common.json, `nav.*`): the header translates it. */
  label: string;
}

/** Navigation by role: links only where the guard would let the user in. */
export function navigationFor(roles: readonly Role[]): NavItem[] {
  const items: NavItem[] = [];
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead', 'it_admin', 'leader'])) items.push({ href: paths.admin.home(), label: 'nav.admin' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead', 'leader'])) items.push({ href: paths.register.list(), label: 'nav.register' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead', 'leader'])) items.push({ href: paths.reports.index(), label: 'nav.reports' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) items.push({ href: paths.submissions.queue(), label: 'nav.form1' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) items.push({ href: paths.catalogues.index(), label: 'nav.catalogues' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) items.push({ href: paths.support.staffList(), label: 'nav.support' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead', 'it_admin'])) items.push({ href: paths.incidents.list(), label: 'nav.incidents' });
  if (hasAnyRole(roles, ['it_admin'])) items.push({ href: paths.itCentre.home(), label: 'nav.itCentre' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) items.push({ href: paths.imports.index(), label: 'nav.imports' });
  if (hasAnyRole(roles, ['association'])) items.push({ href: paths.submissions.officerHome(), label: 'nav.myAssociation' });
  if (hasAnyRole(roles, ['association'])) items.push({ href: paths.access.associationReaders(), label: 'nav.associationReaders' });
  if (hasAnyRole(roles, ['org_manager', 'exploiter'])) items.push({ href: paths.access.exploiterHome(), label: 'nav.exploit' });
  if (hasAnyRole(roles, ['association', 'org_manager', 'exploiter'])) items.push({ href: paths.support.ownList(), label: 'nav.support' });
  if (hasAnyRole(roles, ['exploiter'])) items.push({ href: paths.reports.index(), label: 'nav.grantedReports' });
  if (hasAnyRole(roles, ['ngo_lead'])) items.push({ href: paths.access.registrations(), label: 'nav.registrations' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) items.push({ href: paths.access.log(), label: 'nav.exploitationLog' });
  items.push({ href: paths.follows.mine(), label: 'nav.follows' });
  items.push({ href: paths.auth.changePassword(), label: 'nav.changePassword' });
  return items;
}

function noFormToken(): never {
  throw new Error('a page served without a session cannot hold a form token');
}

/**
 * What `locals` gives a visitor who is not signed in and has no session, for the anonymous page path
 * (src/middleware/anonymous-pages.ts), which renders before any session exists. Such a page must not render a form
 * token (that needs a session): `csrfToken()` throws, the render fails and the request takes the normal path.
 */
export function anonymousLocals(appName: string, currentPath: string, lang: Lang = DEFAULT_LANG): Record<string, unknown> {
  return { ...signedOutLocals(currentPath, lang), appName, csrfToken: noFormToken };
}

/** What every page needs for a visitor who is not signed in: no user, no navigation, no flash. */
function signedOutLocals(currentPath: string, lang: Lang) {
  return { currentUser: null, currentPath, nav: [], roleLabels: ROLE_LABELS, paths, flash: [], ...languageLocals(lang) };
}

export function locals(csrf: Csrf, appName: string): RequestHandler {
  // Both languages' translators made here, at start (message files read once), not on a first request.
  const byLang = { vi: languageLocals('vi'), en: languageLocals('en') } as const;
  return (req, res, next) => {
    const user = req.user ?? null;
    // The interface language (issue 17 item 2): the `lang` cookie set by /ngon-ngu; Vietnamese when none.
    const lang = langFromCookieHeader(req.headers.cookie);
    req.lang = lang;
    Object.assign(res.locals, byLang[lang]);
    res.locals.currentUser = user;
    res.locals.currentPath = req.path;
    res.locals.appName = appName;
    res.locals.nav = user ? navigationFor(user.roles) : [];
    res.locals.roleLabels = ROLE_LABELS;
    // A token is made (and a session created) only when a page renders a form: anonymous browsing stays sessionless.
    res.locals.csrfToken = () => csrf.generateToken(req);
    res.locals.paths = paths;
    res.locals.requestId = req.id;
    // Flash messages are read once.
    if (req.session?.flash?.length) {
      res.locals.flash = req.session.flash;
      req.session.flash = [];
    } else {
      res.locals.flash = [];
    }
    next();
  };
}

export function flash(req: Express.Request, type: 'success' | 'info' | 'warning' | 'error', text: string): void {
  req.session.flash = [...(req.session.flash ?? []), { type, text }];
}

/**
 * For the error handler: the locals every page needs, when the request failed before `locals` ran (a bad CSRF
 * token, a body too large, a polluted parameter). Without them the Vietnamese error page cannot render.
 */
export function errorPageLocals(req: Request, res: Response): void {
  if (res.locals.nav !== undefined) return;
  Object.assign(res.locals, signedOutLocals(req.path, langFromCookieHeader(req.headers.cookie)), { requestId: req.id });
}
