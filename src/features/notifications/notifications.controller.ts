import type { NextFunction, Request, Response } from 'express';
import { z } from 'zod';
import type { AuthUser } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError } from '../../lib/errors.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import type { NotificationsService } from './notifications.service.js';

const PAGE_SIZE = 30;
const pageQuery = z.object({ trang: z.coerce.number().int().min(1).max(100_000).optional() });

const NOT_FOUND = 'Không tìm thấy thông báo này.';

export function createNotificationsController({ notifications, clock }: { notifications: NotificationsService; clock: Clock }) {
  return {
    /** Puts the unread count in the header of every signed-in page (one indexed count). */
    async unreadBadge(req: Request, res: Response, next: NextFunction) {
      res.locals.unreadNotifications = 0;
      if (req.user && req.method === 'GET') res.locals.unreadNotifications = await notifications.unreadCount(req.user.id);
      next();
    },

    async list(req: Request, res: Response) {
      const user = req.user as AuthUser;
      const q = pageQuery.safeParse(req.query);
      const page = q.success ? (q.data.trang ?? 1) : 1;
      const { rows, total } = await notifications.list(user.id, page, PAGE_SIZE);
      res.render('notifications/list', {
        rows,
        total,
        page,
        pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        query: {},
      });
    },

    /** Opening a notice marks it read and follows its link (a path inside the portal). */
    async open(req: Request, res: Response) {
      const row = await notifications.markRead(
        (req.user as AuthUser).id,
        idParam(req, NOT_FOUND, { max: Number.MAX_SAFE_INTEGER }),
        clock.now(),
      );
      if (!row) throw new NotFoundError(NOT_FOUND);
      res.redirect(303, row.link?.startsWith('/') && !row.link.startsWith('//') ? row.link : paths.notifications.list());
    },

    async markAllRead(req: Request, res: Response) {
      const n = await notifications.markAllRead((req.user as AuthUser).id, clock.now());
      const { t } = translatorOf(req);
      flash(req, 'success', n > 0 ? t('notifications:list.readDone', { count: n }) : t('notifications:list.readNone'));
      res.redirect(303, paths.notifications.list());
    },
  };
}
