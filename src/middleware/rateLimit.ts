/**
 * The application's rate limiters (express-rate-limit). Their counters live in the database (RATE_LIMIT_STORE, default
 * `database`; src/middleware/rateLimitStore.ts), so every instance shares one budget per client (issue 19 item 3).
 *
 * If the database cannot count a hit, the request passes (fail open) and the error is logged: failing closed would
 * refuse every login and every API call while the database is away, and those requests need the database anyway.
 */
import type { Request, RequestHandler } from 'express';
import { type Options, rateLimit } from 'express-rate-limit';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import type { RateLimitStores } from './rateLimitStore.js';

export interface LimiterDeps {
  stores: RateLimitStores;
  logger: Logger;
}

/** What every limiter shares: its store (named `prefix`), the draft-7 headers, fail-open with a logged error. */
function sharedOptions(deps: LimiterDeps, prefix: string): Partial<Options> {
  const store = deps.stores.store(prefix);
  return {
    ...(store ? { store } : {}),
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Our own proxy settings decide req.ip; a header the proxy did not vouch for is simply ignored.
    validate: { xForwardedForHeader: false, trustProxy: false },
    passOnStoreError: true,
    logger: {
      error: (err, message) => deps.logger.error({ err, limiter: prefix }, message ?? 'rate limit store error'),
      warn: (err, message) => deps.logger.warn({ err, limiter: prefix }, message ?? 'rate limit warning'),
    },
  };
}

/**
 * Per-IP limiter for the login steps (RELIABILITY check 5). `req.ip` honours TRUST_PROXY only, so a forged
 * X-Forwarded-For does not give an attacker a fresh budget.
 */
export function loginRateLimiter(config: Pick<Config, 'login'>, deps: LimiterDeps): RequestHandler {
  return rateLimit({
    ...sharedOptions(deps, 'login'),
    windowMs: config.login.rateWindowMs,
    limit: config.login.rateLimit,
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

/**
 * Per-IP limiter of the public access registration form and its status look-up (R-14 anti-abuse); the public
 * personal-data request form uses the same settings with a budget of its own (`prefix`).
 */
export function registrationRateLimiter(
  config: Pick<Config, 'accessRegistration'>,
  deps: LimiterDeps,
  prefix: 'access-registration' | 'personal-data-request' = 'access-registration',
): RequestHandler {
  return rateLimit({
    ...sharedOptions(deps, prefix),
    windowMs: config.accessRegistration.rateWindowMs,
    limit: config.accessRegistration.rateLimit,
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
 * has run before it), so each key has its own budget whatever address it calls from, shared by every instance. The answer is JSON: 429 with Retry-After (seconds) and the draft-7 RateLimit headers.
 */
export function apiKeyRateLimiter(config: Pick<Config, 'apiKeys'>, deps: LimiterDeps, keyOf: (req: Request) => string): RequestHandler {
  return rateLimit({
    ...sharedOptions(deps, 'api-key'),
    windowMs: config.apiKeys.rateWindowMs,
    limit: config.apiKeys.rateLimit,
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
