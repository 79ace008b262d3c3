/**
 * Synchroniser-token CSRF (csrf-sync): every state-changing request needs the `_csrf` field or the
 * `x-csrf-token` header. Multipart forms carry the token in the action's query string so it is checked
 * before any file byte is stored (RELIABILITY rule 2).
 */

import { csrfSync } from 'csrf-sync';
import type { Request } from 'express';

export function createCsrf() {
  return csrfSync({
    getTokenFromRequest: (req: Request) => {
      const header = req.headers['x-csrf-token'];
      if (typeof header === 'string') return header;
      const body = req.body as Record<string, unknown> | undefined;
      if (body && typeof body._csrf === 'string') return body._csrf;
      const type = req.headers['content-type'] ?? '';
      if (type.startsWith('multipart/form-data') && typeof req.query._csrf === 'string') return req.query._csrf;
      return undefined;
    },
    getTokenFromState: (req) => req.session?.csrfToken,
    storeTokenInState: (req, token) => {
      req.session.csrfToken = token;
    },
    errorConfig: { statusCode: 403, message: 'invalid csrf token', code: 'EBADCSRFTOKEN' },
  });
}

export type Csrf = ReturnType<typeof createCsrf>;
