/**
 * Parameter and prototype pollution (RELIABILITY check 16): our forms and links use flat field names, so a key
 * with brackets (`a[]`, `__proto__[x]`, `constructor[prototype][x]`) or a prototype name is never legitimate.
 * Such a request gets 400 before any handler sees it. Duplicated keys arrive as arrays and are refused by each
 * route's zod schema (a string field never accepts an array).
 *
 * Control characters (issue 15 item 1): PostgreSQL cannot store a NUL in text, and no form field ever holds a C0
 * control character other than tab, CR and LF. A form body has them removed here, once for every form, before any
 * handler reads it (what the user typed is kept, nothing reaches the database with them); a key holding one is
 * refused as pollution; a query string holding one (a search `?q=`) is refused with the 400 page.
 */
import type { RequestHandler } from 'express';
import { BadRequestError } from '../lib/errors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters refused.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are the characters removed.
const CONTROL_CHARACTERS_ALL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]/g;

export const CONTROL_CHARACTER_MESSAGE = 'Địa chỉ trang có ký tự không hợp lệ (ký tự điều khiển). Hãy xóa ký tự đó và thử lại.';

function holdsControlCharacter(value: unknown): boolean {
  if (typeof value === 'string') return CONTROL_CHARACTERS.test(value);
  return Array.isArray(value) && value.some((v) => typeof v === 'string' && CONTROL_CHARACTERS.test(v));
}

/** True when a value of the query string holds a control character (tab, CR and LF aside). */
export function hasControlCharactersInQuery(req: { query?: unknown }): boolean {
  const q = req.query;
  return !!q && typeof q === 'object' && Object.values(q).some(holdsControlCharacter);
}

/**
 * Removes control characters (tab, CR and LF aside) from every value of a parsed form body, in place. Run for every
 * urlencoded body by `rejectPollutedParameters`, and by each multipart receiver once its fields are parsed.
 */
export function cleanFormBody(body: unknown): void {
  if (!body || typeof body !== 'object') return;
  const b = body as Record<string, unknown>;
  for (const [key, value] of Object.entries(b)) {
    if (typeof value === 'string') {
      if (CONTROL_CHARACTERS.test(value)) b[key] = value.replace(CONTROL_CHARACTERS_ALL, '');
    } else if (Array.isArray(value) && value.some(holdsControlCharacter)) {
      b[key] = value.map((v) => (typeof v === 'string' ? v.replace(CONTROL_CHARACTERS_ALL, '') : v));
    }
  }
}

function pollutedKey(source: unknown): string | null {
  if (!source || typeof source !== 'object') return null;
  for (const key of Object.keys(source)) {
    if (FORBIDDEN_KEYS.has(key) || key.includes('[') || key.includes(']') || CONTROL_CHARACTERS.test(key)) return key;
  }
  return null;
}

/** True when the query string (or a parsed body) holds such a key: the request is left to `rejectPollutedParameters`. */
export function hasPollutedParameters(req: { query?: unknown; body?: unknown }): boolean {
  return pollutedKey(req.query) !== null || pollutedKey(req.body) !== null || hasControlCharactersInQuery(req);
}

export function rejectPollutedParameters(): RequestHandler {
  return (req, _res, next) => {
    if (pollutedKey(req.query) !== null || pollutedKey(req.body) !== null) return next(new BadRequestError());
    if (hasControlCharactersInQuery(req)) return next(new BadRequestError(CONTROL_CHARACTER_MESSAGE));
    cleanFormBody(req.body);
    next();
  };
}
