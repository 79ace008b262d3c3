/** The user guide inside the application, one page per role: open to everyone. */
import { Router } from 'express';
import { publicAccess } from '../../middleware/auth.js';
import type { createGuideController } from './guide.controller.js';

export function guideRoutes(c: ReturnType<typeof createGuideController>): Router {
  const r = Router();
  r.get('/huong-dan', publicAccess, c.index);
  r.get('/huong-dan/:slug', publicAccess, c.show);
  return r;
}
