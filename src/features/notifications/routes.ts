/** The signed-in user's own notices (issue 5 §4). Every query is scoped to req.user.id (the unsubscribe link: to its signed token's user). */
import { Router } from 'express';
import { publicAccess, requireLogin } from '../../middleware/auth.js';
import type { createNoticeEmailController } from './notice-email.controller.js';
import type { createNotificationsController } from './notifications.controller.js';

export function notificationsRoutes(
  c: ReturnType<typeof createNotificationsController>,
  mail: ReturnType<typeof createNoticeEmailController>,
): Router {
  const r = Router();
  // E-mail of notices (issue 17 item 4): the user's choice; the unsubscribe link of an e-mail (signed, no login).
  r.get('/tai-khoan/nhan-thu', requireLogin, mail.settings);
  r.post('/tai-khoan/nhan-thu', requireLogin, mail.saveSettings);
  r.get('/thu-dien-tu/huy-nhan', publicAccess, mail.unsubscribePage);
  r.post('/thu-dien-tu/huy-nhan', publicAccess, mail.unsubscribe);
  r.get('/thong-bao', requireLogin, c.list);
  r.post('/thong-bao/da-doc-tat-ca', requireLogin, c.markAllRead);
  r.post('/thong-bao/:id/mo', requireLogin, c.open);
  return r;
}
