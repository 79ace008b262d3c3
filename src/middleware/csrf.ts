/**
 * CSRF (RELIABILITY rule 2): every state-changing request needs the `_csrf` field or the `x-csrf-token` header.
 * Multipart forms carry the token in the action's query string so it is checked before any file byte is stored.
 *
 * Two kinds of token, one check:
 * - a session that holds something (a signed-in user, a pending second factor, a flash) keeps a synchroniser token
 *   in the session (csrf-sync);
 * - a visitor with nothing to keep (the login page, the public registration form) gets a signed double-submit
 *   token instead: a random value in an HttpOnly cookie, and in the form its HMAC under the session secret. No
 *   session row is stored for showing a form (issue 15 item 6). Such a token is accepted only while nobody is signed
 *   in; a signed-in request always needs the session's token.
 */

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

export interface CsrfOptions {
  /** The session secret (SESSION_SECRET): signs the pre-session tokens. */
  secret: string;
  /** Cookies only over HTTPS (production): the cookie is then `__Host-` prefixed, so no subdomain can set it. */
  secureCookie: boolean;
  /** A request whose own signed token stands in for the CSRF token (the e-mail's one-click unsubscribe). */
  exempt?: (req: Request) => boolean;
}

const NONCE_RE = /^[A-Za-z0-9_-]{24}$/;

function tokenFromRequest(req: Request): string | undefined {
  const header = req.headers['x-csrf-token'];
  if (typeof header === 'string') return header;
  const body = req.body as Record<string, unknown> | undefined;
  if (body && typeof body._csrf === 'string') return body._csrf;
  const type = req.headers['content-type'] ?? '';
  if (type.startsWith('multipart/form-data') && typeof req.query._csrf === 'string') return req.query._csrf;
  return undefined;
}

/** Whether the session holds anything worth storing (express-session stores nothing else: saveUninitialized false). */
function sessionHoldsSomething(req: Request): boolean {
  const s = req.session as (typeof req.session & Record<string, unknown>) | undefined;
  return !!s && Object.keys(s).some((k) => k !== 'cookie');
}

export function createCsrf({ secret, secureCookie, exempt }: CsrfOptions) {
  const cookieName = secureCookie ? '__Host-csdl.csrf' : 'csdl.csrf';
  const cookieRe = new RegExp(`(?:^|;)\\s*${cookieName.replace(/[.-]/g, '\\$&')}=([^;]*)`);
  const nonces = new WeakMap<Request, string>();

  const sign = (nonce: string) => createHmac('sha256', secret).update(`csrf-pre-session:${nonce}`).digest('base64url');

  function cookieNonce(req: Request): string | undefined {
    const m = cookieRe.exec(req.headers.cookie ?? '');
    const value = m?.[1] ? decodeURIComponent(m[1]) : undefined;
    return value && NONCE_RE.test(value) ? value : undefined;
  }

  /** The pre-session token: the browser's cookie value (set now when it has none) signed. */
  function preSessionToken(req: Request): string {
    let nonce = nonces.get(req) ?? cookieNonce(req);
    if (!nonce) {
      nonce = randomBytes(18).toString('base64url');
      req.res?.cookie(cookieName, nonce, { httpOnly: true, sameSite: 'lax', secure: secureCookie, path: '/' });
    }
    nonces.set(req, nonce);
    return sign(nonce);
  }

  /** A valid pre-session token for a request where nobody is signed in. */
  function validPreSessionToken(req: Request): boolean {
    if (req.user) return false;
    const token = tokenFromRequest(req);
    const nonce = cookieNonce(req);
    if (!token || !nonce) return false;
    const expected = Buffer.from(sign(nonce));
    const given = Buffer.from(token);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  const sync = csrfSync({
    getTokenFromRequest: tokenFromRequest,
    getTokenFromState: (req) => req.session?.csrfToken,
    storeTokenInState: (req, token) => {
      req.session.csrfToken = token;
    },
    skipCsrfProtection: (req) => exempt?.(req) === true || validPreSessionToken(req),
    errorConfig: { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' },
  });

  return {
    csrfSynchronisedProtection: sync.csrfSynchronisedProtection,
    /** The token for a form on this page: the session's when it holds something, else a pre-session one. */
    generateToken(req: Request): string {
      if (req.user || sessionHoldsSomething(req)) return sync.generateToken(req);
      return preSessionToken(req);
    },
  };
}

export type Csrf = ReturnType<typeof createCsrf>;
