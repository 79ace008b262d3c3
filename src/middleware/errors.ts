/** 404 and the one error handler that maps typed errors to Vietnamese pages (RELIABILITY check 28). */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from 'pino';
import type { AuditRecorder } from '../lib/auth-context.js';
import { AppError, NotFoundError } from '../lib/errors.js';
import { auditDenied } from './auth.js';
import { errorPageLocals } from './locals.js';
import { abandoned } from './overload.js';

export function notFound(): RequestHandler {
  return (_req, _res, next) => next(new NotFoundError());
}

interface HttpishError {
  status?: number;
  statusCode?: number;
  code?: string;
  type?: string;
  expose?: boolean;
}

const TITLES: Record<number, string> = {
  400: 'Yêu cầu không hợp lệ',
  403: 'Không có quyền truy cập',
  404: 'Không tìm thấy trang',
  409: 'Dữ liệu đã thay đổi',
  413: 'Tệp hoặc dữ liệu gửi lên quá lớn',
  429: 'Quá nhiều yêu cầu',
  500: 'Lỗi hệ thống',
  503: 'Hệ thống tạm thời gián đoạn',
};

/** Stores a 5xx for the IT Centre's "recent errors" page (no personal data). */
export type ErrorRecorder = (e: {
  requestId: string | null;
  method: string;
  path: string;
  status: number;
  errorName: string | null;
  message: string | null;
}) => Promise<void>;

export function errorHandler(logger: Logger, audit: AuditRecorder, recordError?: ErrorRecorder): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (abandoned(res)) {
      // Already answered 503 by the overload deadline: the handler's late failure changes nothing for the client.
      logger.warn({ err, requestId: String(req.id ?? ''), path: req.path }, 'request failed after its overload deadline');
      return;
    }
    if (res.headersSent) return next(err);
    const e = (err ?? {}) as HttpishError & Error;
    let status = err instanceof AppError ? err.status : (e.status ?? e.statusCode ?? 500);
    if (status < 400 || status > 599) status = 500;
    let message = err instanceof AppError ? err.publicMessage : undefined;

    if (e.code === 'EBADCSRFTOKEN') {
      status = 403;
      message = 'Phiên làm việc của biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang và thử lại.';
    } else if (e.type === 'entity.too.large') {
      status = 413;
    } else if (!(err instanceof AppError) && status >= 400 && status < 500 && !message) {
      message = 'Yêu cầu gửi lên không đúng định dạng.';
    }
    // Database unreachable: a clear 503, the process stays up (RELIABILITY check 36).
    const dbDown =
      ['ECONNREFUSED', 'ECONNRESET', '57P01', '57P03', 'ETIMEDOUT'].includes(e.code ?? '') ||
      /Timeout acquiring a connection|Connection terminated/.test(e.message ?? '');
    if (status === 500 && dbDown) status = 503;

    const requestId = String(req.id ?? '');
    if (status >= 500) {
      logger.error({ err, requestId }, 'request failed');
      // Fire and forget: a database that is down must not turn the error page into a hang (check 36).
      recordError?.({
        requestId: requestId || null,
        method: req.method,
        path: req.path,
        status,
        errorName: e.name ?? null,
        message: typeof e.message === 'string' ? e.message : null,
      }).catch((recErr: unknown) => logger.warn({ err: recErr }, 'error event not recorded'));
    } else logger.warn({ status, code: e.code, requestId, path: req.path }, 'request refused');

    const finish = () => {
      if (status === 503) res.setHeader('Retry-After', '10');
      res.status(status);
      if (req.accepts(['html', 'json']) === 'json' && !req.accepts('html')) {
        res.json({ error: TITLES[status] ?? 'Lỗi', message: message ?? null, requestId });
        return;
      }
      errorPageLocals(req, res);
      const view = [403, 404, 409, 500].includes(status) ? `errors/${status}` : 'errors/generic';
      res.render(
        view,
        { title: TITLES[status] ?? 'Lỗi', message, status, requestId, staleCurrent: (err as { current?: unknown }).current ?? null },
        (renderErr, html) => {
          if (renderErr) {
            logger.error({ err: renderErr }, 'error page failed to render');
            res.type('text/plain; charset=utf-8').send(`${TITLES[status] ?? 'Lỗi'} (mã tham chiếu ${requestId})`);
            return;
          }
          res.send(html);
        },
      );
    };

    if (status === 403) {
      auditDenied(audit, req, e.code === 'EBADCSRFTOKEN' ? 'csrf' : 'role').then(finish, (auditErr: unknown) => {
        logger.error({ err: auditErr }, 'audit of a denied request failed');
        finish();
      });
    } else {
      finish();
    }
  };
}
