/** The API key's text (issue 17 item 3): format, hash, the bearer header; and a key's status. */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { keyStatus } from '../../src/features/api-keys/api-keys.service.js';
import { bearerToken, generateKey, keyHashOf } from '../../src/features/api-keys/api-token.js';

describe('API key text', () => {
  it('generates csdlhoi_<prefix>_<secret>, hashed with SHA-256, different every time', () => {
    const a = generateKey();
    const b = generateKey();
    expect(a.token).toMatch(/^csdlhoi_[0-9a-f]{10}_[A-Za-z0-9_-]{43}$/);
    expect(a.token.startsWith(`csdlhoi_${a.prefix}_`)).toBe(true);
    expect(a.hash).toBe(createHash('sha256').update(a.token).digest('hex'));
    expect(a.token).not.toBe(b.token);
    expect(a.prefix).not.toBe(b.prefix);
  });

  it('hashes only well-formed keys (a malformed one costs no query)', () => {
    const k = generateKey();
    expect(keyHashOf(k.token)).toBe(k.hash);
    expect(keyHashOf(`${k.token}x`)).toBeNull();
    expect(keyHashOf('csdlhoi_short_abc')).toBeNull();
    expect(keyHashOf('')).toBeNull();
  });

  it('reads the key of an Authorization: Bearer header only', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer   abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeNull();
    expect(bearerToken('Bearer')).toBeNull();
    expect(bearerToken(undefined)).toBeNull();
  });

  it('a key is active, revoked or expired', () => {
    const now = new Date('2027-01-10T00:00:00Z');
    expect(keyStatus({ revoked_at: null, expires_at: null }, now)).toBe('active');
    expect(keyStatus({ revoked_at: null, expires_at: new Date('2027-01-11T00:00:00Z') }, now)).toBe('active');
    expect(keyStatus({ revoked_at: null, expires_at: now }, now)).toBe('expired');
    expect(keyStatus({ revoked_at: new Date('2027-01-01T00:00:00Z'), expires_at: null }, now)).toBe('revoked');
  });
});
