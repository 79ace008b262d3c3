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

/** An association's code as the register writes it: H and six digits. */
const ASSOCIATION_CODE = /^H\d{6}$/;

/** A value as an association code, upper-cased (`h000123` → `H000123`); null for anything that is not one. */
export function associationCodeOf(value: unknown): string | null {
  const code = typeof value === 'string' ? value.toUpperCase() : '';
  return ASSOCIATION_CODE.test(code) ? code : null;
}

/** The association code of the route (`:code`), upper-cased; anything else is the 404 page with `notFound`. */
export function associationCodeParam(req: Request, notFound: string): string {
  const code = associationCodeOf(req.params.code);
  if (code === null) throw new NotFoundError(notFound);
  return code;
}
