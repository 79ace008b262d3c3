/**
 * Loads the effective access of an org_manager or exploiter into req.user.access, once per request, from the
 * database. report-access.ts canReadCategory / canSeePersonal read it. Nothing is kept in the session,
 * so revoking a grant, its expiry, or a suspension takes effect at the user's next request.
 */
import type { RequestHandler } from 'express';
import { hasAnyRole } from '../../lib/roles.js';
import type { AccessService } from './access.service.js';
import { GRANT_ROLES } from './report-access.js';

export function loadEffectiveAccess(access: Pick<AccessService, 'effectiveAccess'>): RequestHandler {
  return (req, _res, next) => {
    const user = req.user;
    if (!user || !hasAnyRole(user.roles, GRANT_ROLES)) return next();
    access
      .effectiveAccess(user.id)
      .then((state) => {
        user.access = state;
        next();
      })
      .catch(next);
  };
}
