/**
 * Load shedding (RELIABILITY check 41): when more requests are in flight than this instance can serve, answer the
 * next ones at once with 503 and `Retry-After` instead of queueing them until every client times out.
 *
 * Mounted after the static files and the health probes (so /healthz and /readyz still answer under overload)
 * and before the body parser and the session (a refused request costs no database round trip). The refusal is
 * rendered here, not by the error handler: that one logs at error level and stores every 5xx in the database,
 * which is the last thing an overloaded instance should do hundreds of times a second.
 *
 * Every request gets an answer (issue 15 item 7: under 300 connections some got none within 10 s):
 *  - past `max` requests in flight, or past `maxPoolQueue` queries waiting for a pooled database connection, the next
 *    request is refused at once (a short pool queue keeps the wait of the admitted ones short);
 *  - an admitted GET/HEAD that has not started its answer `deadlineMs` after it arrived, while the instance is under
 *    load (half the in-flight limit or half the pool-queue bound reached, or a request shed within the last
 *    `deadlineMs`), is answered 503 there and then; its
 *    handler's late answer and late error are dropped (see `abandoned`), the connection is kept.
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
  enter(req?: Request, res?: Response): boolean;
  /**
   * Gives the slot back. With the Express request given to `enter` (the anonymous route handler), the request also
   * had its deadline, now cancelled; the result then says whether the deadline already answered it with 503.
   */
  leave(res?: Response): boolean;
}

/** Paths never refused: the Prometheus scrape must keep working while the instance is overloaded. */
const EXEMPT = new Set(['/metrics']);

export interface InFlightLimiterOptions {
  max: number;
  logger?: Logger;
  onShed?: () => void;
  /** Queries waiting for a pooled database connection now (src/db/knex.ts `pendingAcquires`). */
  poolQueue?: () => number;
  /** Past this many waiting queries new requests are refused (0 = no bound). */
  maxPoolQueue?: number;
  /** Deadline of an admitted GET/HEAD under load, in ms (0 = none). */
  deadlineMs?: number;
}

/** Marks a response answered by the deadline: its handler's late answer and error are dropped. */
const ABANDONED = Symbol('answered by the overload deadline');

/** True when the response was already answered 503 by the deadline (the error handler then drops a late error). */
export function abandoned(res: Response): boolean {
  return (res as unknown as Record<symbol, unknown>)[ABANDONED] === true;
}

/** Response methods a late handler may still call: once the deadline answered, they do nothing. */
const LATE_METHODS = [
  'status',
  'set',
  'header',
  'setHeader',
  'removeHeader',
  'append',
  'type',
  'contentType',
  'location',
  'vary',
  'cookie',
  'clearCookie',
  'attachment',
  'links',
  'render',
  'send',
  'json',
  'jsonp',
  'sendStatus',
  'sendFile',
  'download',
  'redirect',
  'format',
  'writeHead',
  'write',
  'end',
  'flushHeaders',
] as const;

function dropLateAnswers(res: Response): void {
  const target = res as unknown as Record<string | symbol, unknown>;
  target[ABANDONED] = true;
  for (const m of LATE_METHODS) {
    target[m] = function (this: Response) {
      return m === 'write' ? true : this;
    };
  }
}

export function inFlightLimiter(opts: InFlightLimiterOptions): InFlightLimiter {
  let inFlight = 0;
  let lastWarn = 0;
  /** When a request was last refused or answered by its deadline (an overload episode is going on). */
  let lastShed = Number.NEGATIVE_INFINITY;
  const maxQueue = opts.maxPoolQueue ?? 0;
  const poolFull = () => maxQueue > 0 && opts.poolQueue !== undefined && opts.poolQueue() >= maxQueue;
  const full = () => (opts.max > 0 && inFlight >= opts.max) || poolFull();
  const deadlineMs = opts.deadlineMs ?? 0;
  /** Under load: half the in-flight limit or half the pool-queue bound reached, or a request shed within a deadline. */
  const underLoad = () =>
    (opts.max > 0 && inFlight * 2 >= opts.max) ||
    (maxQueue > 0 && opts.poolQueue !== undefined && opts.poolQueue() * 2 >= maxQueue) ||
    Date.now() - lastShed < deadlineMs;
  /** Counts a shed request; at most one log line a second: a flood of refusals must not become a flood of log lines. */
  const noteShed = (req: Request, message: string) => {
    opts.onShed?.();
    const now = Date.now();
    lastShed = now;
    if (opts.logger && now - lastWarn > 1000) {
      lastWarn = now;
      opts.logger.warn({ inFlight, max: opts.max, poolQueue: opts.poolQueue?.(), path: req.path }, message);
    }
  };
  /** Deadlines of the requests admitted by `enter(req, res)`, cancelled by `leave(res)`. */
  const deadlines = new WeakMap<Response, () => void>();

  /** Answers an admitted request that is still silent at its deadline under load; checks again each second otherwise. */
  function armDeadline(req: Request, res: Response): () => void {
    if (deadlineMs <= 0 || (req.method !== 'GET' && req.method !== 'HEAD')) return () => {};
    let timer: NodeJS.Timeout;
    const check = () => {
      if (res.headersSent || res.writableEnded) return;
      if (!underLoad()) {
        timer = setTimeout(check, Math.min(1000, deadlineMs));
        timer.unref();
        return;
      }
      noteShed(req, 'overloaded: request past its deadline answered with 503');
      shed(req, res, opts.logger, () => dropLateAnswers(res));
    };
    timer = setTimeout(check, deadlineMs);
    timer.unref();
    return () => clearTimeout(timer);
  }

  const middleware: RequestHandler = (req, res, next) => {
    if ((opts.max <= 0 && maxQueue <= 0) || EXEMPT.has(req.path)) {
      next();
      return;
    }
    if (full()) {
      noteShed(req, 'overloaded: request refused with 503');
      shed(req, res, opts.logger);
      return;
    }
    inFlight += 1;
    let done = false;
    const cancelDeadline = armDeadline(req, res);
    const release = () => {
      if (done) return;
      done = true;
      inFlight -= 1;
      cancelDeadline();
    };
    // 'close' fires for every response, finished or aborted by the client; 'finish' is earlier when it completes.
    res.once('finish', release);
    res.once('close', release);
    next();
  };
  return {
    middleware,
    inFlight: () => inFlight,
    enter(req, res) {
      if (full()) return false;
      inFlight += 1;
      if (req && res) deadlines.set(res, armDeadline(req, res));
      return true;
    },
    leave(res) {
      inFlight -= 1;
      if (!res) return false;
      deadlines.get(res)?.();
      deadlines.delete(res);
      return abandoned(res);
    },
  };
}

/** Answers 503; `sent` runs once the answer is written (the HTML page renders asynchronously). */
function shed(req: Request, res: Response, logger?: Logger, sent: () => void = () => {}): void {
  res.status(503);
  res.setHeader('Retry-After', String(SHED_RETRY_AFTER_S));
  res.setHeader('Cache-Control', 'no-store');
  // The connection stays open (keep-alive): closing it would make every refused client pay a new TCP handshake,
  // which costs the overloaded process more than the refusal itself (an unread body is discarded by Node).
  const requestId = String(req.id ?? '');
  if (!req.accepts('html')) {
    if (req.accepts('json')) res.json({ error: SHED_TITLE, message: SHED_MESSAGE, requestId });
    else res.type('text/plain; charset=utf-8').send(`${SHED_TITLE}. ${SHED_MESSAGE}`);
    sent();
    return;
  }
  errorPageLocals(req, res);
  res.render('errors/generic', { title: SHED_TITLE, message: SHED_MESSAGE, status: 503, requestId }, (err, html) => {
    // The handler answered meanwhile (the deadline raced with it): its answer stands.
    if (res.headersSent) return;
    if (err) {
      logger?.error({ err }, 'overload page failed to render');
      res.type('text/plain; charset=utf-8').send(`${SHED_TITLE}. ${SHED_MESSAGE}`);
    } else res.send(html);
    sent();
  });
}
