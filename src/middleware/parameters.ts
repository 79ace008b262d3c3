/**
 * Parameter and prototype pollution (RELIABILITY check 16): our forms and links use flat field names, so a key
 * with brackets (`a[]`, `__proto__[x]`, `constructor[prototype][x]`) or a prototype name is never legitimate.
 * Such a request gets 400 before any handler sees it. Duplicated keys arrive as arrays and are refused by each
 * route's zod schema (a string field never accepts an array).
 */
import type { RequestHandler } from 'express';
import { BadRequestError } from '../lib/errors.js';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

function pollutedKey(source: unknown): string | null {
  if (!source || typeof source !== 'object') return null;
  for (const key of Object.keys(source)) {
    if (FORBIDDEN_KEYS.has(key) || key.includes('[') || key.includes(']')) return key;
  }
  return null;
}

/** True when the query string (or a parsed body) holds such a key: the request is left to `rejectPollutedParameters`. */
export function hasPollutedParameters(req: { query?: unknown; body?: unknown }): boolean {
  return pollutedKey(req.query) !== null || pollutedKey(req.body) !== null;
}

export function rejectPollutedParameters(): RequestHandler {
  return (req, _res, next) => {
    if (hasPollutedParameters(req)) return next(new BadRequestError());
    next();
  };
}
