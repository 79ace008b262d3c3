/** The only middleware that writes res.locals: what every view may use. */
import type { Request, RequestHandler, Response } from 'express';
import { formatDate, formatDateTime, formatNumber, formatVnd } from '../lib/format.js';
import { hasAnyRole, ROLE_LABELS, type Role } from '../lib/roles.js';
import { paths } from '../lib/urls.js';
import type { Csrf } from './csrf.js';

export interface NavItem {
  href: string;
  label: string;
}

/** Navigation by role: links only where the guard would let the user in. */
export function navigationFor(roles: readonly Role[]): NavItem[] {
  const items: NavItem[] = [];
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead', 'it_admin', 'leader'])) items.push({ href: paths.admin.home(), label: 'Trang quản trị' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead', 'leader'])) items.push({ href: paths.register.list(), label: 'Sổ đăng ký hội' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead', 'leader'])) items.push({ href: paths.reports.index(), label: 'Báo cáo' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) items.push({ href: paths.submissions.queue(), label: 'Biểu mẫu 1' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) items.push({ href: paths.catalogues.index(), label: 'Danh mục' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) items.push({ href: paths.support.staffList(), label: 'Hỏi đáp' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead', 'it_admin'])) items.push({ href: paths.incidents.list(), label: 'Sự cố' });
  if (hasAnyRole(roles, ['it_admin'])) items.push({ href: paths.itCentre.home(), label: 'Quản trị hệ thống' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) items.push({ href: paths.imports.index(), label: 'Nhập dữ liệu' });
  if (hasAnyRole(roles, ['association'])) items.push({ href: paths.submissions.officerHome(), label: 'Hội của tôi' });
  if (hasAnyRole(roles, ['association']))
    items.push({ href: paths.access.associationReaders(), label: 'Tổ chức khai thác dữ liệu của hội' });
  if (hasAnyRole(roles, ['org_manager', 'exploiter'])) items.push({ href: paths.access.exploiterHome(), label: 'Khai thác dữ liệu' });
  if (hasAnyRole(roles, ['association', 'org_manager', 'exploiter'])) items.push({ href: paths.support.ownList(), label: 'Hỏi đáp' });
  if (hasAnyRole(roles, ['exploiter'])) items.push({ href: paths.reports.index(), label: 'Báo cáo được cấp' });
  if (hasAnyRole(roles, ['ngo_lead'])) items.push({ href: paths.access.registrations(), label: 'Đăng ký khai thác' });
  if (hasAnyRole(roles, ['ngo_staff', 'ngo_lead'])) items.push({ href: paths.access.log(), label: 'Nhật ký khai thác' });
  items.push({ href: paths.follows.mine(), label: 'Theo dõi của tôi' });
  items.push({ href: paths.auth.changePassword(), label: 'Đổi mật khẩu' });
  return items;
}

const FMT = Object.freeze({ date: formatDate, dateTime: formatDateTime, number: formatNumber, vnd: formatVnd });

function noFormToken(): never {
  throw new Error('a page served without a session cannot hold a form token');
}

/**
 * What `locals` gives a visitor who is not signed in and has no session, for the anonymous page path
 * (src/middleware/anonymous-pages.ts), which renders before any session exists. Such a page must not render a form
 * token (that needs a session): `csrfToken()` throws, the render fails and the request takes the normal path.
 */
export function anonymousLocals(appName: string, currentPath: string): Record<string, unknown> {
  return { ...signedOutLocals(currentPath), appName, csrfToken: noFormToken };
}

/** What every page needs for a visitor who is not signed in: no user, no navigation, no flash. */
function signedOutLocals(currentPath: string) {
  return { currentUser: null, currentPath, nav: [], roleLabels: ROLE_LABELS, fmt: FMT, paths, flash: [] };
}

export function locals(csrf: Csrf, appName: string): RequestHandler {
  return (req, res, next) => {
    const user = req.user ?? null;
    res.locals.currentUser = user;
    res.locals.currentPath = req.path;
    res.locals.appName = appName;
    res.locals.nav = user ? navigationFor(user.roles) : [];
    res.locals.roleLabels = ROLE_LABELS;
    // A token is made (and a session created) only when a page renders a form: anonymous browsing stays sessionless.
    res.locals.csrfToken = () => csrf.generateToken(req);
    res.locals.fmt = FMT;
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
  Object.assign(res.locals, signedOutLocals(req.path), { requestId: req.id });
}
