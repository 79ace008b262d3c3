/**
 * Configuration validated at start (SPEC §6; RELIABILITY check 44: production refuses default secrets, a missing
 * session secret and an in-memory session store; check 9: Secure cookies in production)..
 */
import { describe, expect, it } from 'vitest';
import { ConfigError, DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_TOTP_SECRET, DEFAULT_SESSION_SECRET, loadConfig } from '../../src/config.js';

const GOOD_SECRET = 'p7Hq2vN9xK4mR8tW3yB6cF1jL5sD0gZa-production';

function problemsOf(env: Record<string, string | undefined>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as ConfigError).problems;
  }
  throw new Error('loadConfig accepted the environment');
}

describe('loadConfig in production (check 44)', () => {
  it('starts with a proper secret and gives Secure session cookies (check 9)', () => {
    const config = loadConfig({ NODE_ENV: 'production', SESSION_SECRET: GOOD_SECRET });
    expect(config.isProduction).toBe(true);
    expect(config.session.secureCookie).toBe(true);
    expect(config.session.store).toBe('database');
    expect(config.demo.enabled).toBe(false);
    expect(Object.isFrozen(config.session)).toBe(true);
  });

  it('refuses a missing SESSION_SECRET', () => {
    const problems = problemsOf({ NODE_ENV: 'production' });
    expect(problems).toEqual([expect.stringMatching(/^SESSION_SECRET: bắt buộc/)]);
  });

  it('counts an empty SESSION_SECRET as missing', () => {
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: '' })).toEqual([expect.stringMatching(/^SESSION_SECRET: bắt buộc/)]);
  });

  it('refuses the default SESSION_SECRET and a short one', () => {
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: DEFAULT_SESSION_SECRET })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: không được dùng giá trị mặc định/),
    ]);
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: 'short-secret' })).toEqual([
      expect.stringMatching(/^SESSION_SECRET: phải có ít nhất 32 ký tự/),
    ]);
  });

  it('refuses an in-memory session store', () => {
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: GOOD_SECRET, SESSION_STORE: 'memory' })).toEqual([
      expect.stringMatching(/^SESSION_STORE:/),
    ]);
  });

  it('refuses rate limits counted in memory (each instance would have its own budget)', () => {
    expect(problemsOf({ NODE_ENV: 'production', SESSION_SECRET: GOOD_SECRET, RATE_LIMIT_STORE: 'memory' })).toEqual([
      expect.stringMatching(/^RATE_LIMIT_STORE:/),
    ]);
  });

  it('refuses the default demo password and demo TOTP secret, and demo seeding', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      SESSION_SECRET: GOOD_SECRET,
      DEMO_PASSWORD: DEFAULT_DEMO_PASSWORD,
      DEMO_TOTP_SECRET: DEFAULT_DEMO_TOTP_SECRET,
      SEED_DEMO: 'true',
    });
    expect(problems).toHaveLength(3);
    expect(problems.join('\n')).toMatch(/^DEMO_PASSWORD:/m);
    expect(problems.join('\n')).toMatch(/^DEMO_TOTP_SECRET:/m);
    expect(problems.join('\n')).toMatch(/^SEED_DEMO:/m);
  });

  it('reports every bad variable at once, malformed values and refused defaults together', () => {
    const problems = problemsOf({
      NODE_ENV: 'production',
      SESSION_SECRET: DEFAULT_SESSION_SECRET,
      SESSION_STORE: 'memory',
      DEMO_PASSWORD: DEFAULT_DEMO_PASSWORD,
      DEMO_TOTP_SECRET: DEFAULT_DEMO_TOTP_SECRET,
      PORT: 'tám nghìn',
      DATABASE_URL: 'mysql://db/csdl',
    });
    const variables = problems.map((p) => p.split(':')[0]).sort();
    expect(variables).toEqual(['DATABASE_URL', 'DEMO_PASSWORD', 'DEMO_TOTP_SECRET', 'PORT', 'SESSION_SECRET', 'SESSION_STORE']);
    // One Vietnamese line per problem in the message the operator reads.
    const err = (() => {
      try {
        loadConfig({ NODE_ENV: 'production', PORT: '-1' });
      } catch (e) {
        return e as Error;
      }
      throw new Error('accepted');
    })();
    expect(err.message).toContain('Cấu hình không hợp lệ');
    expect(err.message).toContain('PORT: phải từ 0 trở lên');
    expect(err.message).toContain('SESSION_SECRET: bắt buộc');
  });
});

describe('loadConfig outside production', () => {
  it('runs with the development defaults and plain cookies', () => {
    const config = loadConfig({ NODE_ENV: 'development' });
    expect(config.session.secret).toBe(DEFAULT_SESSION_SECRET);
    expect(config.session.secureCookie).toBe(false);
    expect(config.session.idleMs).toBe(30 * 60_000);
    expect(config.session.absoluteMs).toBe(12 * 3_600_000);
    expect(config.login).toMatchObject({ maxFailures: 10, lockMs: 15 * 60_000 });
    expect(config.demo).toMatchObject({ enabled: true, password: DEFAULT_DEMO_PASSWORD, totpSecret: DEFAULT_DEMO_TOTP_SECRET });
  });

  it('turns Secure cookies on with SECURE_COOKIES=true', () => {
    expect(loadConfig({ NODE_ENV: 'development', SECURE_COOKIES: 'true' }).session.secureCookie).toBe(true);
  });

  it('still refuses a short SESSION_SECRET and a malformed boolean', () => {
    const problems = problemsOf({ NODE_ENV: 'development', SESSION_SECRET: 'abc', SECURE_COOKIES: 'maybe' });
    expect(problems.map((p) => p.split(':')[0]).sort()).toEqual(['SECURE_COOKIES', 'SESSION_SECRET']);
  });
});
