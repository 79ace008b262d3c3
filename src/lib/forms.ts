/** Helpers shared by controllers that handle forms. */
import type { z } from 'zod';
import type { FieldErrors } from './errors.js';

/** First message per field, keyed by the field's name as the form posts it. */
export function fieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.map(String).join('.') : '_form';
    out[key] ??= issue.message;
  }
  return out;
}

/** The values to put back into a form after an error: strings only, never passwords. */
export function keptValues(body: unknown, omit: readonly string[] = []): Record<string, string> {
  const out: Record<string, string> = {};
  if (!body || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (omit.includes(k) || k === '_csrf') continue;
    if (typeof v === 'string') out[k] = v;
  }
  return out;
}

/** A safe local return path: relative, same origin, no protocol-relative tricks (RELIABILITY check 17). */
export function safeReturnTo(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > 500) return fallback;
  if (!value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\r\n\t\\]/.test(value)) return fallback;
  try {
    const u = new URL(value, 'http://local.invalid');
    if (u.origin !== 'http://local.invalid') return fallback;
    // Dot segments can normalise to a protocol-relative path: `/..//evil.example` becomes `//evil.example`.
    if (u.pathname.startsWith('//')) return fallback;
    return u.pathname + u.search;
  } catch {
    return fallback;
  }
}
