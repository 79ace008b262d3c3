/** Structured logs (pino) with request ids; passwords, tokens, cookies and session ids are redacted. */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Logger, pino } from 'pino';
import { pinoHttp } from 'pino-http';

export const REDACT_PATHS = [
  'password',
  '*.password',
  '*.newPassword',
  '*.currentPassword',
  '*._csrf',
  '*.code',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'req.headers.authorization',
  'res.headers["set-cookie"]',
  'req.body',
  'sessionId',
  '*.sid',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { app: 'csdl-hoi' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    destination as pino.DestinationStream | undefined,
  );
}

export function createHttpLogger(logger: Logger) {
  return pinoHttp({
    logger,
    genReqId(_req: IncomingMessage, res: ServerResponse) {
      const id = randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // Only the path: query strings may carry search terms or a multipart form's CSRF token.
    serializers: {
      req(req: { id: string; method: string; url: string; remoteAddress?: string }) {
        return { id: req.id, method: req.method, path: String(req.url).split('?')[0], ip: req.remoteAddress };
      },
      res(res: { statusCode: number }) {
        return { statusCode: res.statusCode };
      },
    },
    customLogLevel(_req, res, err) {
      if (err || res.statusCode >= 500) return 'error';
      if (res.statusCode >= 400) return 'warn';
      return 'info';
    },
    autoLogging: { ignore: (req) => req.url === '/healthz' || (req.url ?? '').startsWith('/static/') },
  });
}
