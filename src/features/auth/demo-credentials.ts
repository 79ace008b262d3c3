/**
 * The demo credentials of SPEC §6 in a production database. A demo database promoted to production keeps the demo
 * accounts, whose password (DEMO_PASSWORD or its default) and staff TOTP secret (DEMO_TOTP_SECRET or its default)
 * are published: production start (cli/start.ts) refuses to serve while any account still has either. The
 * password is verified against each stored argon2id hash; the refusal names accounts, never a secret.
 */
// server-text-file: the refusal to start, printed to the operator's console (never on a page)
import type { Knex } from 'knex';
import { type Config, DEFAULT_DEMO_PASSWORD, DEFAULT_DEMO_TOTP_SECRET } from '../../config.js';
import { verifyPassword } from './password.js';

export interface DemoCredentialAccount {
  username: string;
  /** Signs in with DEMO_PASSWORD (or its default). */
  demoPassword: boolean;
  /** Its TOTP secret is DEMO_TOTP_SECRET (or its default). */
  demoTotpSecret: boolean;
}

/** Hashes verified at once: each argon2id verification takes 19 MiB and a few tens of milliseconds. */
const VERIFY_BATCH = 2;

/** A base32 secret as an authenticator reads it: case, spaces, dashes and padding do not matter. */
function normaliseSecret(secret: string): string {
  return secret.replace(/[\s=-]/g, '').toUpperCase();
}

async function matchesAny(passwordHash: string, passwords: readonly string[]): Promise<boolean> {
  for (const password of passwords) if (await verifyPassword(passwordHash, password)) return true;
  return false;
}

/** Every account (disabled ones included: they can be enabled again) whose password or TOTP secret is a demo one. */
export async function accountsWithDemoCredentials(
  knex: Knex,
  demo: Pick<Config['demo'], 'password' | 'totpSecret'>,
): Promise<DemoCredentialAccount[]> {
  const passwords = [...new Set([DEFAULT_DEMO_PASSWORD, demo.password])];
  const secrets = new Set([DEFAULT_DEMO_TOTP_SECRET, demo.totpSecret].map(normaliseSecret));
  const rows = await knex('users')
    .select<{ username: string; password_hash: string; totp_secret: string | null }[]>('username', 'password_hash', 'totp_secret')
    .orderBy('username');
  // One verification per distinct hash: the demo seed gives every demo account the same one.
  const hashes = [...new Set(rows.map((r) => r.password_hash))];
  const demoHashes = new Set<string>();
  for (let i = 0; i < hashes.length; i += VERIFY_BATCH) {
    const batch = hashes.slice(i, i + VERIFY_BATCH);
    const verdicts = await Promise.all(batch.map((h) => matchesAny(h, passwords)));
    batch.forEach((h, j) => {
      if (verdicts[j]) demoHashes.add(h);
    });
  }
  return rows
    .map((r) => ({
      username: r.username,
      demoPassword: demoHashes.has(r.password_hash),
      demoTotpSecret: r.totp_secret !== null && secrets.has(normaliseSecret(r.totp_secret)),
    }))
    .filter((a) => a.demoPassword || a.demoTotpSecret);
}

export interface DemoCredentialsRefusal {
  accounts: DemoCredentialAccount[];
  /** For the operator: which accounts and what to do, in Vietnamese; no password or secret. */
  message: string;
}

function describeAccount(a: DemoCredentialAccount): string {
  const what = [a.demoPassword ? 'mật khẩu demo' : null, a.demoTotpSecret ? 'khóa TOTP demo' : null].filter(Boolean);
  return `${a.username} (${what.join(', ')})`;
}

/**
 * In production, the refusal to serve when an account still has the demo password or TOTP secret; null when none
 * has (a fresh production database has no demo account) and outside production, where the demo accounts belong.
 */
export async function demoCredentialsRefusal(
  knex: Knex,
  config: Pick<Config, 'isProduction' | 'demo'>,
): Promise<DemoCredentialsRefusal | null> {
  if (!config.isProduction) return null;
  const accounts = await accountsWithDemoCredentials(knex, config.demo);
  if (accounts.length === 0) return null;
  const message = [
    `Không khởi động trong môi trường production: ${accounts.length} tài khoản vẫn dùng mật khẩu hoặc khóa TOTP demo (đã công bố trong tài liệu, ai cũng đăng nhập được):`,
    ...accounts.map((a) => `  - ${describeAccount(a)}`),
    'Hãy đổi mật khẩu và đặt lại TOTP của các tài khoản này (chạy ở chế độ không phải production), hoặc dùng một cơ sở dữ liệu production mới (tài khoản it_admin đầu tiên tạo bằng npm run user:create).',
  ].join('\n');
  return { accounts, message };
}
