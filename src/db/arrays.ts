/** Reading PostgreSQL arrays the same way from pg and PGlite. */

/** pg returns text[] as an array; PGlite too. Both sometimes as the literal '{a,b}' (codes without commas): read either. */
export function textArray(v: unknown): string[] {
  if (Array.isArray(v)) return v.map(String);
  if (typeof v === 'string')
    return v
      .replace(/^\{|\}$/g, '')
      .split(',')
      .filter(Boolean);
  return [];
}
