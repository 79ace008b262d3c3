/** The signed-in user's own notices (issue 5 §4). Every query is scoped to req.user.id. */
import { Router } from 'express';
import { requireLogin } from '../../middleware/auth.js';
import type { createNotificationsController } from './notifications.controller.js';

export function notificationsRoutes(c: ReturnType<typeof createNotificationsController>): Router {
  const r = Router();
  r.get('/thong-bao', requireLogin, c.list);
  r.post('/thong-bao/da-doc-tat-ca', requireLogin, c.markAllRead);
  r.post('/thong-bao/:id/mo', requireLogin, c.open);
  return r;
}
