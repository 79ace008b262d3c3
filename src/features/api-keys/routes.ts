/**
 * API keys (issue 17 item 3): the organisation manager's pages under /khai-thac/khoa-api (session, CSRF) and the
 * data API under /api/v1 (bearer key, GET only, JSON; mounted before the session middleware, so no cookie is read
 * or set). Each API route's guard is the key itself; the per-key rate limit runs right after it.
 */
import { type RequestHandler, Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import type { createApiController } from './api.controller.js';
import { requireApiKey } from './api.controller.js';
import type { createApiKeysController } from './api-keys.controller.js';
import type { ApiKeysService } from './api-keys.service.js';

export function apiKeysRoutes(c: ReturnType<typeof createApiKeysController>): Router {
  const r = Router();
  // The organisation's manager only: officers (exploiters) read on the pages and do not hold keys.
  const manager = requireRole('org_manager');
  r.get('/khai-thac/khoa-api', manager, c.index);
  r.post('/khai-thac/khoa-api', manager, c.create);
  r.get('/khai-thac/khoa-api/:id/thu-hoi', manager, c.confirmRevoke);
  r.post('/khai-thac/khoa-api/:id/thu-hoi', manager, c.revoke);
  return r;
}

export function apiRoutes(
  c: ReturnType<typeof createApiController>,
  keys: Pick<ApiKeysService, 'authenticate'>,
  perKeyLimit: RequestHandler,
): Router {
  const r = Router();
  const key = requireApiKey(keys);
  r.use((_req, res, next) => {
    res.setHeader('Cache-Control', 'no-store');
    next();
  });
  r.get('/bao-cao', key, perKeyLimit, c.scope);
  r.get('/bao-cao/:category', key, perKeyLimit, c.report);
  r.get('/hoi/:code', key, perKeyLimit, c.association);
  r.use(c.notFound);
  r.use(c.errors);
  return r;
}
