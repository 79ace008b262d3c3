/** Public pages and open data (R-17.2, SPEC §5–6): no login, no session. */
import { Router } from 'express';
import type { AnonymousPages } from '../../middleware/anonymous-pages.js';
import { publicAccess } from '../../middleware/auth.js';
import type { createPublicController } from './public.controller.js';

export function publicRoutes(c: ReturnType<typeof createPublicController>): Router {
  const r = Router();
  r.get('/', publicAccess, c.home);
  r.get('/hoi', publicAccess, c.list);
  r.get('/hoi/:code', publicAccess, c.show);
  r.get('/linh-vuc', publicAccess, c.fields);
  r.get('/thong-ke', publicAccess, c.statistics);
  r.get('/du-lieu-mo/hoi.csv', publicAccess, c.csv);
  r.get('/du-lieu-mo/hoi.json', publicAccess, c.json);
  r.get('/du-lieu-mo/openapi.json', publicAccess, c.openApi);
  return r;
}

/**
 * The four public pages again, for visitors without a session cookie, mounted first in the app (before the request
 * log, session, passport and CSRF) and answered from the rendered-page cache (src/middleware/anonymous-pages.ts).
 * Anything else — a session cookie, a bad query, an unknown code — continues to `publicRoutes` through the full stack.
 */
export function anonymousPublicRoutes(c: ReturnType<typeof createPublicController>, pages: AnonymousPages): Router {
  const r = Router();
  r.get('/', publicAccess, pages.serve(c.anonymous.home));
  r.get('/hoi', publicAccess, pages.serve(c.anonymous.list));
  r.get('/hoi/:code', publicAccess, pages.serve(c.anonymous.show));
  r.get('/linh-vuc', publicAccess, pages.serve(c.anonymous.fields));
  return r;
}
