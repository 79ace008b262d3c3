/**
 * Load shedding (RELIABILITY check 41): when more requests are in flight than this instance can serve, answer the
 * next ones at once with 503 and `Retry-After` instead of queueing them until every client times out.
 *
 * Mounted after the static files and the health probes (so /healthz and /readyz still answer under overload)
 * and before the body parser and the session (a refused request costs no database round trip). The refusal is
 * rendered here, not by the error handler: that one logs at error level and stores every 5xx in the database,
 * which is the last thing an overloaded instance should do hundreds of times a second.
 */
import type { Request, RequestHandler, Response } from 'express';
import type { Logger } from 'pino';
import { errorPageLocals } from './locals.js';

/** Seconds a refused client is asked to wait before trying again. */
export const SHED_RETRY_AFTER_S = 5;
export const SHED_TITLE = 'Hệ thống đang quá tải';
export const SHED_MESSAGE = 'Hệ thống đang phục vụ quá nhiều yêu cầu cùng lúc. Vui lòng thử lại sau ít giây.';

export interface InFlightLimiter {
  middleware: RequestHandler;
  /** Requests admitted and not yet finished (a gauge for /metrics). */
  inFlight(): number;
  /**
   * Takes a slot for work that ends at a point the caller knows (the anonymous page path,
   * src/middleware/anonymous-pages.ts, which gives it back with `leave()` once the response is written, without
   * the two response listeners of the middleware). False when the limit is reached: the caller then lets the request
   * reach `middleware`, which refuses it with the usual 503.
   */
  enter(): boolean;
  leave(): void;
}

/** Paths never refused: the Prometheus scrape must keep working while the instance is overloaded. */
const EXEMPT = new Set(['/metrics']);

export function inFlightLimiter(opts: { max: number; logger?: Logger; onShed?: () => void }): InFlightLimiter {
  let inFlight = 0;
  let lastWarn = 0;
  const middleware: RequestHandler = (req, res, next) => {
    if (opts.max <= 0 || EXEMPT.has(req.path)) {
      next();
      return;
    }
    if (inFlight >= opts.max) {
      opts.onShed?.();
      const now = Date.now();
      // At most one log line a second: a flood of refusals must not become a flood of log lines.
      if (opts.logger && now - lastWarn > 1000) {
        lastWarn = now;
        opts.logger.warn({ inFlight, max: opts.max, path: req.path }, 'overloaded: request refused with 503');
      }
      shed(req, res, opts.logger);
      return;
    }
    inFlight += 1;
    let done = false;
    const release = () => {
      if (done) return;
      done = true;
      inFlight -= 1;
    };
    // 'close' fires for every response, finished or aborted by the client; 'finish' is earlier when it completes.
    res.once('finish', release);
    res.once('close', release);
    next();
  };
  return {
    middleware,
    inFlight: () => inFlight,
    enter() {
      if (opts.max > 0 && inFlight >= opts.max) return false;
      inFlight += 1;
      return true;
    },
    leave() {
      inFlight -= 1;
    },
  };
}

function shed(req: Request, res: Response, logger?: Logger): void {
  res.status(503);
  res.setHeader('Retry-After', String(SHED_RETRY_AFTER_S));
  res.setHeader('Cache-Control', 'no-store');
  // The connection stays open (keep-alive): closing it would make every refused client pay a new TCP handshake,
  // which costs the overloaded process more than the refusal itself (an unread body is discarded by Node).
  const requestId = String(req.id ?? '');
  if (!req.accepts('html')) {
    if (req.accepts('json')) {
      res.json({ error: SHED_TITLE, message: SHED_MESSAGE, requestId });
      return;
    }
    res.type('text/plain; charset=utf-8').send(`${SHED_TITLE}. ${SHED_MESSAGE}`);
    return;
  }
  errorPageLocals(req, res);
  res.render('errors/generic', { title: SHED_TITLE, message: SHED_MESSAGE, status: 503, requestId }, (err, html) => {
    if (err) {
      logger?.error({ err }, 'overload page failed to render');
      res.type('text/plain; charset=utf-8').send(`${SHED_TITLE}. ${SHED_MESSAGE}`);
      return;
    }
    res.send(html);
  });
}
