/**
 * Follows and saved searches (issue 16 item 2): any signed-in user follows a record they may read or saves a public
 * search, and manages both at /theo-doi. Every query is scoped to req.user.id.
 */
import { Router } from 'express';
import { requireLogin } from '../../middleware/auth.js';
import type { createFollowsController } from './follows.controller.js';

export function followsRoutes(c: ReturnType<typeof createFollowsController>): Router {
  const r = Router();
  r.get('/theo-doi', requireLogin, c.mine);
  r.post('/theo-doi/hoi/:code', requireLogin, c.follow);
  r.post('/theo-doi/hoi/:code/bo', requireLogin, c.unfollow);
  r.post('/theo-doi/tim-kiem', requireLogin, c.saveSearch);
  r.post('/theo-doi/tim-kiem/:id/xoa', requireLogin, c.removeSearch);
  return r;
}
