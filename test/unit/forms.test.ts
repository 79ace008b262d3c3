/** Form helpers: the safe return path after login (RELIABILITY check 17, open redirect; rule 3). */
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldErrors, keptValues, safeReturnTo } from '../../src/lib/forms.js';

describe('safeReturnTo (check 17)', () => {
  it('keeps a local path with its query string', () => {
    expect(safeReturnTo('/hoi-cua-toi/')).toBe('/hoi-cua-toi/');
    expect(safeReturnTo('/hoi?q=n%C3%B4ng+d%C3%A2n&trang=2')).toBe('/hoi?q=n%C3%B4ng+d%C3%A2n&trang=2');
    expect(safeReturnTo('/bao-cao/a#phan-2')).toBe('/bao-cao/a');
  });

  it.each([
    'https://evil.example',
    'http://evil.example/dang-nhap',
    '//evil.example',
    '//evil.example/hoi',
    '/\\evil.example',
    '\\\\evil.example',
    '\\/evil.example',
    '/\tevil.example',
    '/\r\nLocation: https://evil.example',
    'javascript:alert(1)',
    'hoi-cua-toi',
    // Dot segments that normalise to a protocol-relative path.
    '/..//evil.example',
    '/.//evil.example',
    '/%2e%2e//evil.example',
    '/a/..//evil.example/x',
  ])('refuses %j and gives the fallback', (value) => {
    expect(safeReturnTo(value)).toBe('/');
    expect(safeReturnTo(value, '')).toBe('');
  });

  it('refuses non-strings, empty and over-long values', () => {
    expect(safeReturnTo(undefined)).toBe('/');
    expect(safeReturnTo(['/hoi'])).toBe('/');
    expect(safeReturnTo('')).toBe('/');
    expect(safeReturnTo(`/${'a'.repeat(600)}`)).toBe('/');
  });

  it('never returns something that is itself unsafe (idempotent)', () => {
    for (const v of ['/..//evil.example', '/./hoi', '/a/../b?x=1', '/%2e%2e/%2e%2e//evil.example']) {
      const once = safeReturnTo(v, '');
      expect(safeReturnTo(once, '')).toBe(once);
      expect(once.startsWith('//')).toBe(false);
    }
  });
});

describe('fieldErrors and keptValues', () => {
  it('gives the first message per field', () => {
    const schema = z.object({ a: z.string().min(3, { error: 'Ngắn quá.' }).regex(/x/, { error: 'Thiếu x.' }), b: z.string() });
    const result = schema.safeParse({ a: 'y', b: 1 });
    expect(result.success).toBe(false);
    if (result.success) return;
    const errors = fieldErrors(result.error);
    expect(errors.a).toBe('Ngắn quá.');
    expect(Object.keys(errors).sort()).toEqual(['a', 'b']);
  });

  it('puts back what the user typed, never the CSRF token or omitted fields', () => {
    expect(keptValues({ username: 'hoi.demo', password: 'bí mật', _csrf: 'tok', n: 3 }, ['password'])).toEqual({ username: 'hoi.demo' });
    expect(keptValues(null)).toEqual({});
  });
});
