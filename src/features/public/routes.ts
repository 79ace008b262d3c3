/** Public pages and open data (R-17.2, SPEC §5–6): no login, no session. */
import { Router } from 'express';
import { publicAccess } from '../../middleware/auth.js';
import type { createPublicController } from './public.controller.js';

export function publicRoutes(c: ReturnType<typeof createPublicController>): Router {
  const r = Router();
  r.get('/', publicAccess, c.home);
  r.get('/hoi', publicAccess, c.list);
  r.get('/hoi/:code', publicAccess, c.show);
  r.get('/linh-vuc', publicAccess, c.fields);
  r.get('/du-lieu-mo/hoi.csv', publicAccess, c.csv);
  r.get('/du-lieu-mo/hoi.json', publicAccess, c.json);
  r.get('/du-lieu-mo/openapi.json', publicAccess, c.openApi);
  return r;
}
