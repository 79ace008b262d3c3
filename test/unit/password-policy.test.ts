/** Password policy and hashing (RELIABILITY check 6; ): ≥ 12 characters, no common passwords, argon2id. */
import { describe, expect, it } from 'vitest';
import {
  hashPassword,
  hashRecoveryCode,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  passwordProblem,
  verifyPassword,
} from '../../src/features/auth/password.js';

describe('passwordProblem (check 6)', () => {
  it('refuses fewer than 12 characters with a Vietnamese message', () => {
    expect(PASSWORD_MIN_LENGTH).toBe(12);
    expect(passwordProblem('Ng4n-qu4!')).toBe('Mật khẩu phải có ít nhất 12 ký tự.');
    expect(passwordProblem('x7#Kp2@vQ9z')).toMatch(/ít nhất 12 ký tự/); // 11 characters
    expect(passwordProblem('x7#Kp2@vQ9zL')).toBeNull(); // 12 characters
  });

  it.each([
    'password1234',
    'PASSWORD1234',
    'qwertyuiop123',
    '123456789012',
    'iloveyou1234',
    'matkhau123456',
    'vietnam@12345',
    'admin@123456',
    'Demo-CSDL-Hoi-2026',
    'football2024!!',
  ])('refuses the common password %j', (pw) => {
    expect(passwordProblem(pw)).toMatch(/quá phổ biến/);
  });

  it.each([
    'con cò bay lả bay la qua cổng phủ',
    'Trăm năm trong cõi người ta, chữ tài chữ mệnh',
    'correct horse battery staple',
    'ba con mèo trèo cây cau hỏi thăm chú chuột',
  ])('accepts the long passphrase %j', (pw) => {
    expect(passwordProblem(pw)).toBeNull();
  });

  it('refuses a password that contains the username, in any case', () => {
    expect(passwordProblem('nguyen.van.an-2026-mua-thu', 'nguyen.van.an')).toBe('Mật khẩu không được chứa tên đăng nhập.');
    expect(passwordProblem('XIN-CHAO-Nguyen.Van.An', 'nguyen.van.an')).toMatch(/tên đăng nhập/);
    expect(passwordProblem('một câu dài không chứa tên', 'nguyen.van.an')).toBeNull();
  });

  it('refuses one repeated character and over-long input', () => {
    expect(passwordProblem('aaaaaaaaaaaaaaaa')).toMatch(/một ký tự lặp lại/);
    expect(passwordProblem('a b'.repeat(50))).toMatch(/không được dài quá 128/);
    expect(passwordProblem(`${'x'.repeat(PASSWORD_MAX_LENGTH - 1)}y`)).toBeNull();
  });
});

describe('hashPassword (check 6)', () => {
  it('stores argon2id hashes with a random salt and verifies only the right password', async () => {
    const pw = 'con cò bay lả bay la';
    const a = await hashPassword(pw);
    const b = await hashPassword(pw);
    expect(a.startsWith('$argon2id$')).toBe(true);
    expect(a).toMatch(/\$m=19456,t=2,p=1\$/);
    expect(a).not.toBe(b);
    expect(await verifyPassword(a, pw)).toBe(true);
    expect(await verifyPassword(a, 'con cò bay lả bay lá')).toBe(false);
    expect(await verifyPassword('không phải hash', pw)).toBe(false);
  });

  it('normalises recovery codes before hashing (spaces, dashes, case)', () => {
    expect(hashRecoveryCode('7kqf 2m9x-wd')).toBe(hashRecoveryCode('7KQF-2M9X-WD'));
    expect(hashRecoveryCode('7KQF-2M9X-WD')).not.toBe(hashRecoveryCode('7KQF-2M9X-WE'));
  });
});
