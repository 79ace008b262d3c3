/** Password hashing (argon2id, RELIABILITY check 6) and the password policy. */
import { createHash } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import { dictionary } from '@zxcvbn-ts/language-common';

// OWASP's argon2id baseline: m = 19 MiB, t = 2, p = 1. `algorithm: 2` is Argon2id (a const enum upstream).
const ARGON2_OPTIONS = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return hash(password, ARGON2_OPTIONS);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false;
  }
}

/** A hash of a random password, verified against when the username is unknown so timing does not tell. */
let dummyHash: Promise<string> | null = null;
export function dummyPasswordHash(): Promise<string> {
  dummyHash ??= hashPassword(`dummy-${Math.random()}-${Date.now()}`);
  return dummyHash;
}

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 128;

const COMMON = new Set<string>([
  ...(dictionary['passwords-common'] as string[]),
  // Local favourites that the English list does not carry.
  'matkhau123456',
  'matkhaucuatoi',
  'matkhau@123456',
  'vietnam123456',
  'vietnam@12345',
  'hanoi1234567',
  'admin@123456',
  'abc@12345678',
  'Demo-CSDL-Hoi-2026'.toLowerCase(),
]);

/**
 * Returns a Vietnamese message when the password breaks the policy, else null.
 * At least 12 characters, at most 128; long passphrases are welcome; no composition rules (NIST 800-63B);
 * common passwords, the username and a single repeated character are refused.
 */
export function passwordProblem(password: string, username?: string): string | null {
  if (password.length < PASSWORD_MIN_LENGTH) return `Mật khẩu phải có ít nhất ${PASSWORD_MIN_LENGTH} ký tự.`;
  if (password.length > PASSWORD_MAX_LENGTH) return `Mật khẩu không được dài quá ${PASSWORD_MAX_LENGTH} ký tự.`;
  const lower = password.toLowerCase();
  if (COMMON.has(lower) || COMMON.has(lower.replace(/[\d!@#$%^&*.]+$/, ''))) {
    return 'Mật khẩu này quá phổ biến và dễ bị đoán. Hãy chọn mật khẩu khác, ví dụ một câu dài dễ nhớ.';
  }
  if (/^(.)\1+$/.test(password)) return 'Mật khẩu không được chỉ gồm một ký tự lặp lại.';
  if (username && lower.includes(username.toLowerCase())) return 'Mật khẩu không được chứa tên đăng nhập.';
  return null;
}

/** Recovery codes are random and high-entropy: a plain SHA-256 is enough to store them. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.replace(/[\s-]/g, '').toUpperCase()).digest('hex');
}
