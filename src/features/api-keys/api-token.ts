/**
 * The API key's text (issue 17 item 3): `csdlhoi_<prefix>_<secret>`. The prefix (10 hex characters) is public: lists
 * show it so a manager can tell keys apart; the secret (43 base64url characters, 256 random bits) is shown once at
 * creation and kept only as a SHA-256 hash of the whole key. A key is high-entropy random data, not a password, so
 * a plain hash suffices (no slow hash needed) and a look-up is one index probe on the hash. Pure functions.
 */
import { createHash, randomBytes } from 'node:crypto';

export const KEY_SCHEME = 'csdlhoi';
const KEY_PATTERN = /^csdlhoi_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$/;

export interface NewKey {
  /** The whole key, to show once. */
  token: string;
  prefix: string;
  hash: string;
}

export function hashKey(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function generateKey(): NewKey {
  const prefix = randomBytes(5).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  const token = `${KEY_SCHEME}_${prefix}_${secret}`;
  return { token, prefix, hash: hashKey(token) };
}

/** A well-formed key's hash, or null (a malformed key is refused without a database query). */
export function keyHashOf(token: string): string | null {
  return KEY_PATTERN.test(token) ? hashKey(token) : null;
}

/** The key in an `Authorization: Bearer <key>` header, or null. */
export function bearerToken(header: string | undefined): string | null {
  if (!header) return null;
  const m = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  return m?.[1] ?? null;
}
