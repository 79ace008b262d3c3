/**
 * Per-IP limiter for the login steps (RELIABILITY check 5). `req.ip` honours TRUST_PROXY only, so a forged
 * X-Forwarded-For does not give an attacker a fresh budget.
 */
import type { Request, RequestHandler } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config.js';

export function loginRateLimiter(config: Pick<Config, 'login'>): RequestHandler {
  return rateLimit({
    windowMs: config.login.rateWindowMs,
    limit: config.login.rateLimit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Our own proxy settings decide req.ip; a header the proxy did not vouch for is simply ignored.
    validate: { xForwardedForHeader: false, trustProxy: false },
    handler: (_req, res, _next, options) => {
      res.status(options.statusCode);
      res.render('errors/generic', {
        title: 'Quá nhiều yêu cầu',
        status: 429,
        message: 'Bạn đã thử đăng nhập quá nhiều lần từ địa chỉ này. Vui lòng đợi ít phút rồi thử lại.',
        requestId: String(_req.id ?? ''),
      });
    },
  });
}

/** Per-IP limiter of the public access registration form and its status look-up (R-14 anti-abuse). */
export function registrationRateLimiter(config: Pick<Config, 'accessRegistration'>): RequestHandler {
  return rateLimit({
    windowMs: config.accessRegistration.rateWindowMs,
    limit: config.accessRegistration.rateLimit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false, trustProxy: false },
    handler: (req, res, _next, options) => {
      res.status(options.statusCode);
      res.render('errors/generic', {
        title: 'Quá nhiều yêu cầu',
        status: 429,
        message: 'Bạn đã gửi quá nhiều phiếu đăng ký hoặc yêu cầu tra cứu từ địa chỉ này. Vui lòng thử lại sau.',
        requestId: String(req.id ?? ''),
      });
    },
  });
}

/**
 * Per-key limiter of the data API (/api/v1, issue 17 item 3): `keyOf` names the authenticated key (the bearer guard
 * has run before it), so each key has its own budget whatever address it calls from. Memory store, like the
 * limiters above. The answer is JSON: 429 with Retry-After (seconds) and the draft-7 RateLimit headers.
 */
export function apiKeyRateLimiter(config: Pick<Config, 'apiKeys'>, keyOf: (req: Request) => string): RequestHandler {
  return rateLimit({
    windowMs: config.apiKeys.rateWindowMs,
    limit: config.apiKeys.rateLimit,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    validate: { xForwardedForHeader: false, trustProxy: false },
    keyGenerator: keyOf,
    handler: (req, res, _next, options) => {
      res.status(options.statusCode).json({
        error: 'rate_limited',
        message: `Khóa API đã gọi quá ${config.apiKeys.rateLimit} lần trong ${Math.round(config.apiKeys.rateWindowMs / 1000)} giây. Vui lòng thử lại sau.`,
        requestId: String(req.id ?? ''),
      });
    },
  });
}
