/**
 * Session timeouts (RELIABILITY check 3: idle 30 min, absolute 12 h, by the application clock so tests can move
 * time) and the forced password change of accounts flagged so (one-time passwords, RELIABILITY check 8).
 */
import type { RequestHandler } from 'express';
import type { Config } from '../config.js';
import { type AuditRecorder, actorFromRequest } from '../lib/auth-context.js';
import type { Clock } from '../lib/clock.js';
import { paths } from '../lib/urls.js';

/**
 * How stale the recorded activity (and the stored expiry) may get before it is written again: a minute, or a quarter
 * of the idle timeout when that is shorter, so an active session never reaches its idle limit between two writes.
 */
export function activityThrottleMs(idleMs: number): number {
  return Math.min(60_000, idleMs / 4);
}

export function sessionTimeouts(config: Pick<Config, 'session'>, clock: Clock, audit: AuditRecorder): RequestHandler {
  return (req, res, next) => {
    if (!req.user) return next();
    const now = clock.now().getTime();
    const s = req.session;
    const idle = s.seenAt !== undefined && now - s.seenAt > config.session.idleMs;
    const absolute = s.authAt === undefined || now - s.authAt > config.session.absoluteMs;
    if (idle || absolute) {
      const actor = actorFromRequest(req);
      req.logout({ keepSessionInfo: false }, (err) => {
        if (err) return next(err);
        audit
          .record(actor, {
            action: 'session.expired',
            targetType: 'user',
            targetId: actor.userId,
            details: { reason: idle ? 'idle' : 'absolute' },
          })
          .then(() => {
            if (req.method === 'GET') return res.redirect(303, paths.auth.login({ 'het-han': 1, tiep: req.originalUrl }));
            res.redirect(303, paths.auth.login({ 'het-han': 1 }));
          })
          .catch(next);
      });
      return;
    }
    // Record activity at most once a minute (a quarter of a shorter idle timeout) to keep session writes rare.
    if (s.seenAt === undefined || now - s.seenAt > activityThrottleMs(config.session.idleMs)) s.seenAt = now;
    next();
  };
}

const ALLOWED_WHILE_CHANGING = new Set([paths.auth.changePassword(), paths.auth.logout(), '/healthz', '/readyz']);

export function forcePasswordChange(): RequestHandler {
  return (req, res, next) => {
    if (req.user?.mustChangePassword && !ALLOWED_WHILE_CHANGING.has(req.path)) {
      return res.redirect(303, paths.auth.changePassword());
    }
    next();
  };
}
