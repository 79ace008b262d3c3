/** Security headers (RELIABILITY check 26): nonce CSP, nosniff, referrer policy, HSTS in production. */
import { randomBytes } from 'node:crypto';
import type { RequestHandler } from 'express';
import helmet, { type HelmetOptions } from 'helmet';

export function cspNonce(): RequestHandler {
  return (_req, res, next) => {
    res.locals.cspNonce = randomBytes(16).toString('base64');
    next();
  };
}

type NonceSource = (req: unknown, res: unknown) => string;
const nonceOfResponse: NonceSource = (_req, res) => `'nonce-${(res as { locals: { cspNonce: string } }).locals.cspNonce}'`;

/**
 * One definition of the header set. `nonce` false gives the static policy of pages with no inline script or style
 * (the anonymous public pages, src/middleware/anonymous-pages.ts): the same directives without the nonce source,
 * and still no 'unsafe-inline'.
 */
function helmetOptions(isProduction: boolean, nonce: boolean): HelmetOptions {
  const scriptSrc = nonce ? ["'self'", nonceOfResponse] : ["'self'"];
  return {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc,
        styleSrc: scriptSrc,
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        formAction: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        frameAncestors: ["'none'"],
        ...(isProduction ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    strictTransportSecurity: isProduction ? { maxAge: 31_536_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'same-origin' },
    crossOriginEmbedderPolicy: false,
    xPoweredBy: false,
  };
}

export function securityHeaders(isProduction: boolean): RequestHandler {
  return helmet(helmetOptions(isProduction, true));
}

/**
 * The headers `securityHeaders` sends, computed once, with the static CSP (no nonce): helmet itself runs once against
 * a recording response at start, so the two sets cannot drift apart. A flat [name, value, name, value …] list, the
 * form `res.writeHead` takes without copying.
 */
export function staticSecurityHeaders(isProduction: boolean): readonly string[] {
  const headers = new Map<string, [string, string]>();
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      headers.set(name.toLowerCase(), [name, String(value)]);
    },
    removeHeader(name: string) {
      headers.delete(name.toLowerCase());
    },
  };
  let failure: unknown = null;
  let done = false;
  helmet(helmetOptions(isProduction, false))({} as never, recorder as never, (err?: unknown) => {
    failure = err ?? null;
    done = true;
  });
  if (failure) throw failure;
  if (!done) throw new Error('helmet did not finish synchronously');
  return Object.freeze([...headers.values()].flat());
}

/** Pages for a signed-in user are never cached (RELIABILITY check 26). */
export function noStoreWhenAuthenticated(): RequestHandler {
  return (req, res, next) => {
    if (req.user || req.session?.pendingLogin) res.setHeader('Cache-Control', 'no-store');
    next();
  };
}
