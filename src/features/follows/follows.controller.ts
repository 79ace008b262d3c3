import type { NextFunction, Request, Response } from 'express';
import { type Actor, type AuthUser, actorFromRequest } from '../../lib/auth-context.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { fieldErrors, safeReturnTo } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { associationCodeOf, idParam } from '../../lib/params.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { savedQueryOf, savedSearchForm } from './follows.schemas.js';
import { type Follower, type FollowsService, MAX_FOLLOWS, MAX_SAVED_SEARCHES, searchLabelText } from './follows.service.js';

const NOT_FOUND = 'Không tìm thấy hội với mã này, hoặc bạn không có quyền xem hồ sơ này.';

function routeCode(req: Request): string {
  const code = associationCodeOf(req.params.code);
  if (!code) throw new NotFoundError(NOT_FOUND);
  return code;
}

const follower = (req: Request): Follower => req.user as AuthUser;

/** Back to the page the button was on (a path inside the portal), else `fallback`. */
const back = (req: Request, fallback: string) => safeReturnTo((req.body as Record<string, unknown>)?.tiep, fallback);

/**
 * The record pages that show the "Theo dõi" button, and which record each shows: the public record page (signed in),
 * the register's record page, report (a) of one association (exploiters' view) and the officer's own home.
 */
function recordOnPage(req: Request, user: AuthUser): { code: string } | { id: number } | null {
  const path = req.path;
  let m = /^\/hoi\/([^/]+)\/?$/.exec(path) ?? /^\/quan-tri\/hoi\/([^/]+)\/?$/.exec(path);
  if (m) {
    const code = associationCodeOf(m[1]);
    return code ? { code } : null;
  }
  if (/^\/bao-cao\/a\/?$/.test(path)) {
    const code = associationCodeOf(req.query.ma);
    return code ? { code } : null;
  }
  m = /^\/hoi-cua-toi\/?$/.exec(path);
  if (m && user.associationId !== null && hasAnyRole(user.roles, ['association'])) return { id: user.associationId };
  return null;
}

export function createFollowsController({ follows }: { follows: FollowsService }) {
  const actor = (req: Request): Actor => actorFromRequest(req);

  return {
    /**
     * Gives a record page its "Theo dõi" / "Bỏ theo dõi" button (`res.locals.follow`, read by views/follows/_button):
     * only for a signed-in user's GET of one of the pages above, one indexed look-up; the page's own guard and scope
     * still decide whether it renders at all.
     */
    async pageState(req: Request, res: Response, next: NextFunction) {
      const user = req.user;
      if (!user || req.method !== 'GET') return next();
      const where = recordOnPage(req, user);
      if (!where) return next();
      const state = await follows.pageState(user, where);
      if (state) res.locals.follow = { ...state, returnTo: safeReturnTo(req.originalUrl, req.path) };
      next();
    },

    async mine(req: Request, res: Response) {
      const data = await follows.mine(follower(req));
      res.render('follows/list', { ...data, maxFollows: MAX_FOLLOWS, maxSearches: MAX_SAVED_SEARCHES, searchLabelText });
    },

    async follow(req: Request, res: Response) {
      const code = routeCode(req);
      const { result, name } = await follows.follow(actor(req), follower(req), code);
      const { t } = translatorOf(req);
      if (result === 'full') flash(req, 'warning', t('follows:flash.full', { max: MAX_FOLLOWS, name }));
      else if (result === 'added') flash(req, 'success', t('follows:flash.added', { name }));
      else flash(req, 'info', t('follows:flash.already', { name }));
      res.redirect(303, back(req, paths.follows.mine()));
    },

    async unfollow(req: Request, res: Response) {
      const code = routeCode(req);
      const { result, name } = await follows.unfollow(actor(req), follower(req).id, code);
      flash(
        req,
        result === 'removed' ? 'success' : 'info',
        translatorOf(req).t(result === 'removed' ? 'follows:flash.removed' : 'follows:flash.notFollowing', { name }),
      );
      res.redirect(303, back(req, paths.follows.mine()));
    },

    async saveSearch(req: Request, res: Response) {
      const parsed = savedSearchForm.safeParse(req.body);
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error);
        throw new ValidationError(errors, Object.values(errors).join(' '));
      }
      const query = savedQueryOf(parsed.data);
      const saved = await follows.saveSearch(actor(req), follower(req).id, query);
      const { t, tx } = translatorOf(req);
      const { result } = saved;
      const label = searchLabelText(saved.label, tx);
      if (result === 'full') flash(req, 'warning', t('follows:flash.searchesFull', { max: MAX_SAVED_SEARCHES }));
      else if (result === 'added') flash(req, 'success', t('follows:flash.searchAdded', { label }));
      else flash(req, 'info', t('follows:flash.searchAlready', { label }));
      res.redirect(303, back(req, paths.public.list(query as Record<string, string>)));
    },

    async removeSearch(req: Request, res: Response) {
      const id = idParam(req, 'Không tìm thấy tìm kiếm đã lưu này.', { max: Number.MAX_SAFE_INTEGER });
      const removed = await follows.removeSearch(actor(req), follower(req).id, id);
      const { t, tx } = translatorOf(req);
      flash(req, 'success', t('follows:flash.searchRemoved', { label: searchLabelText(removed, tx) }));
      res.redirect(303, back(req, paths.follows.mine()));
    },
  };
}
