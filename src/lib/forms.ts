/** Helpers shared by controllers that handle forms. */
import type { z } from 'zod';
import { type FieldErrors, ValidationError } from './errors.js';

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

/** What a refused form is rendered again with: the user's values and one message per field. */
export interface RefusedForm<V = Record<string, string>> {
  values: V;
  errors: FieldErrors;
}

/**
 * The form round trip of the house style: `body` parsed with `schema`; when that fails, or `save` throws a
 * ValidationError, `refused` renders the same page again (status 400, the user's values from `values`, by default
 * `keptValues`, and the error summary) and the answer is `undefined`; otherwise it is `{ saved }`, what `save`
 * returned, and the caller flashes and redirects.
 */
export async function submitForm<S extends z.ZodType, T, V = Record<string, string>>(
  body: unknown,
  schema: S,
  steps: {
    save: (data: z.output<S>) => Promise<T> | T;
    refused: (form: RefusedForm<V>) => unknown;
    values?: (body: unknown) => V;
  },
): Promise<{ saved: T } | undefined> {
  const values = () => (steps.values ? steps.values(body) : (keptValues(body) as V));
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    await steps.refused({ values: values(), errors: fieldErrors(parsed.error) });
    return undefined;
  }
  try {
    return { saved: await steps.save(parsed.data) };
  } catch (err) {
    if (!(err instanceof ValidationError)) throw err;
    await steps.refused({ values: values(), errors: err.fieldErrors });
    return undefined;
  }
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
