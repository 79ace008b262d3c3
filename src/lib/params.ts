/** Route parameters shared by controllers. */
import type { Request } from 'express';
import { NotFoundError } from './errors.js';

/** PostgreSQL's `integer`: the largest id of a table keyed by `increments()`. */
export const MAX_INTEGER_ID = 2_147_483_647;

/**
 * A row id from the route (`:id` unless `name` says otherwise): digits only, no sign, no leading zero, at most `max`
 * (PostgreSQL's `integer` by default; `Number.MAX_SAFE_INTEGER` for a `bigIncrements` table). Anything else is the
 * 404 page with `notFound`, before the database is asked.
 */
export function idParam(req: Request, notFound?: string, { name = 'id', max = MAX_INTEGER_ID } = {}): number {
  const raw = req.params[name];
  if (typeof raw === 'string' && /^[1-9]\d{0,15}$/.test(raw)) {
    const id = Number(raw);
    if (id <= max) return id;
  }
  throw new NotFoundError(notFound);
}
