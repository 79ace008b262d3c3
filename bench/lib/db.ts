/** The bench's scratch database: created on the configured PostgreSQL server (never the user's own database), or a
 *  PGlite directory in a temp folder when no DATABASE_URL is set. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import pg from 'pg';
import { GENERATED_CODE_MIN, type GenerateResult, generateAssociations } from '../../seeds/generated/generate.js';
import { seedReference } from '../../seeds/reference/index.js';
import { createDatabase, type Database } from '../../src/db/knex.js';
import { migrateLatest } from '../../src/db/migrations.js';
import { hashPassword } from '../../src/features/auth/password.js';
import { createUsersRepository } from '../../src/features/auth/users.repository.js';
import type { Role } from '../../src/lib/roles.js';

export const BENCH_PASSWORD = 'Mật khẩu đo hiệu năng 2026';
export const BENCH_TOTP_SECRET = 'KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU';

export interface Target {
  backend: 'postgres' | 'pglite';
  /** Environment the app child needs to open the same database. */
  env: Record<string, string>;
  open(): Promise<Database>;
  drop(): Promise<void>;
  /** postgres only: the server URL with the scratch database name. */
  url: string | null;
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

async function admin<T>(serverUrl: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: withDatabase(serverUrl, 'postgres') });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function scratchTarget(serverUrl: string | undefined, name: string, reuse: boolean): Promise<Target> {
  if (!serverUrl) {
    const dir = mkdtempSync(path.join(tmpdir(), 'csdl-hoi-bench-'));
    const dataDir = path.join(dir, 'pglite');
    return {
      backend: 'pglite',
      env: { DATA_DIR: dir },
      url: null,
      open: () => createDatabase({ backend: 'pglite', dataDir }),
      drop: async () => rmSync(dir, { recursive: true, force: true }),
    };
  }
  const exists = await admin(
    serverUrl,
    async (c) => (await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name])).rowCount === 1,
  );
  if (exists && !reuse) await admin(serverUrl, (c) => c.query(`DROP DATABASE ${name} WITH (FORCE)`));
  if (!exists || !reuse) await admin(serverUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  const url = withDatabase(serverUrl, name);
  return {
    backend: 'postgres',
    env: { DATABASE_URL: url, DATABASE_POOL_MAX: '10' },
    url,
    open: () => createDatabase({ backend: 'postgres', url, poolMax: 10 }),
    drop: () => admin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}

export async function generatedCount(knex: Knex): Promise<number> {
  const row = await knex('associations').where('code', '>=', GENERATED_CODE_MIN).count<{ n: number }[]>('* as n').first();
  return Number(row?.n ?? 0);
}

/** Schema, catalogues, `size` generated associations (unless already there), and the bench's staff user. */
export async function prepare(
  knex: Knex,
  size: number,
  seed: number,
  log: (s: string) => void,
): Promise<{ generated: GenerateResult | null; reused: boolean }> {
  await migrateLatest(knex);
  await seedReference(knex);
  const have = await generatedCount(knex);
  let generated: GenerateResult | null = null;
  if (have !== size) {
    log(`generating ${size.toLocaleString('en')} associations (seed ${seed}) …`);
    let last = 0;
    generated = await generateAssociations(knex, {
      size,
      seed,
      replace: true,
      onProgress(done, total) {
        if (performance.now() - last > 10_000 || done === total) {
          last = performance.now();
          log(`  ${done.toLocaleString('en')} / ${total.toLocaleString('en')}`);
        }
      },
    });
    // As a server whose autovacuum has caught up (the local one runs with autovacuum off): fresh visibility maps for
    // index-only scans and statistics for the planner. On PGlite VACUUM is as valid.
    log('VACUUM ANALYZE …');
    await knex.raw('VACUUM ANALYZE');
  }
  await ensureUser(knex, 'bench.staff', ['ngo_staff'], true);
  await ensureUser(knex, 'bench.staff2', ['ngo_staff'], true);
  // Signs in and out during the soak (RELIABILITY 42); never the users whose sessions the mixes hold.
  await ensureUser(knex, 'bench.soak', ['ngo_staff'], true);
  return { generated, reused: generated === null };
}

async function ensureUser(knex: Knex, username: string, roles: Role[], totp: boolean): Promise<void> {
  const users = createUsersRepository(knex);
  if (await users.findByUsername(username, knex)) return;
  await users.insert(
    {
      username,
      displayName: `Cán bộ đo hiệu năng ${username}`,
      passwordHash: await hashPassword(BENCH_PASSWORD),
      roles,
      totpSecret: totp ? BENCH_TOTP_SECRET : null,
      totpEnabledAt: totp ? new Date() : null,
    },
    knex,
  );
}
