/**
 * Passport wiring and the route guards. Every route declares exactly one guard (publicAccess, requireLogin or
 * requireRole); a test walks the router and fails on a route without one (RELIABILITY check 11).
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import passport from 'passport';
import type { EffectiveAccess } from '../features/access/effective-access.js';
import type { AuditService } from '../features/audit/audit.service.js';
import { actorFromRequest } from '../features/audit/audit.service.js';
import type { UserRow, UsersRepository } from '../features/auth/users.repository.js';
import { ForbiddenError } from '../lib/errors.js';
import { hasAnyRole, needsMfa, type Role } from '../lib/roles.js';
import type { SessionUserRef } from './session.js';

/** What request handlers see of the signed-in user (never the hashes or the TOTP secret). */
export interface AuthUser {
  id: number;
  username: string;
  displayName: string;
  roles: Role[];
  associationId: number | null;
  organisationId: number | null;
  mustChangePassword: boolean;
  sessionGeneration: number;
  /** org_manager / exploiter: the grant in force, loaded from the database on every request (never from the session). */
  access?: EffectiveAccess | null;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-namespace
  namespace Express {
    interface User extends AuthUser {}
  }
}

export function toAuthUser(row: UserRow): AuthUser {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    roles: row.roles,
    associationId: row.association_id,
    organisationId: row.organisation_id,
    mustChangePassword: row.must_change_password,
    sessionGeneration: row.session_generation,
  };
}

/** Passport instance for one app (tests build several apps in one process). */
export function createPassport(users: UsersRepository): passport.PassportStatic {
  const instance = new passport.Passport() as unknown as passport.PassportStatic;
  instance.serializeUser<SessionUserRef>((user, done) => done(null, { id: user.id, gen: user.sessionGeneration }));
  instance.deserializeUser<SessionUserRef>((ref, done) => {
    if (!ref || typeof ref.id !== 'number') return done(null, false);
    users
      .findById(ref.id)
      .then((row) => {
        // A bumped generation (logout everywhere, password change, disable) ends this session (RELIABILITY check 4).
        if (!row || row.disabled_at || row.session_generation !== ref.gen) return done(null, false);
        done(null, toAuthUser(row));
      })
      .catch((err: unknown) => done(err));
  });
  return instance;
}

export type GuardSpec = { kind: 'public' } | { kind: 'login' } | { kind: 'roles'; roles: readonly Role[] };
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
  res.redirect(303, `/dang-nhap?tiep=${encodeURIComponent(returnTo)}`);
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
export function auditDenied(audit: AuditService, req: Request, reason: string): Promise<void> {
  return audit.record(actorFromRequest(req), {
    action: 'access.denied',
    outcome: 'denied',
    targetType: 'route',
    targetId: `${req.method} ${req.path}`,
    details: { reason },
  });
}
