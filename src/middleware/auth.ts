/**
 * The route guards. Every route declares exactly one guard (publicAccess, requireLogin or
 * requireRole); a test walks the router and fails on a route without one (RELIABILITY check 11).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { type AuditRecorder, actorFromRequest } from '../lib/auth-context.js';
import { ForbiddenError } from '../lib/errors.js';
import { hasAnyRole, needsMfa, type Role } from '../lib/roles.js';
import { paths } from '../lib/urls.js';

/** `api_key`: the data API's bearer key (features/api-keys), no session. */
export type GuardSpec = { kind: 'public' } | { kind: 'login' } | { kind: 'roles'; roles: readonly Role[] } | { kind: 'api_key' };
export type GuardedHandler = RequestHandler & { guard: GuardSpec };

/** Declares a handler as a route's guard (for guards with extra rules, e.g. a bearer token for /metrics). */
export function mark(handler: RequestHandler, guard: GuardSpec): GuardedHandler {
  return Object.assign(handler, { guard });
}

export function isGuard(fn: unknown): fn is GuardedHandler {
  return typeof fn === 'function' && 'guard' in fn;
}

function loginRedirect(req: Request, res: Response): void {
  const returnTo = req.method === 'GET' ? req.originalUrl : '/';
  res.redirect(303, paths.auth.login({ tiep: returnTo }));
}

/** Open to everyone, anonymous included. */
export const publicAccess: GuardedHandler = mark((_req, _res, next) => next(), { kind: 'public' });

/** Any signed-in user. */
export const requireLogin: GuardedHandler = mark(
  (req, res, next) => {
    if (!req.user) return loginRedirect(req, res);
    next();
  },
  { kind: 'login' },
);

/**
 * Signed-in users holding at least one of the roles. Staff roles also need the second factor, which the login
 * flow enforces before the session holds a user at all; the session flag is checked again here.
 */
export function requireRole(...roles: Role[]): GuardedHandler {
  if (roles.length === 0) throw new Error('requireRole needs at least one role');
  return mark(
    (req: Request, res: Response, next: NextFunction) => {
      if (!req.user) return loginRedirect(req, res);
      if (!hasAnyRole(req.user.roles, roles)) return next(new ForbiddenError());
      if (needsMfa(req.user.roles) && !req.session.authAt) return next(new ForbiddenError());
      next();
    },
    { kind: 'roles', roles },
  );
}

/** Writes an audit row for every refused request (RELIABILITY check 30). Used by the error handler. */
export function auditDenied(audit: AuditRecorder, req: Request, reason: string): Promise<void> {
  return audit.record(actorFromRequest(req), {
    action: 'access.denied',
    outcome: 'denied',
    targetType: 'route',
    targetId: `${req.method} ${req.path}`,
    details: { reason },
  });
}
