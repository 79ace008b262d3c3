/**
 * A streaming standby of the local PostgreSQL for the scale tests (issue 19 item 2): `pg_basebackup -R` of the
 * server at PRIMARY_URL into a temporary folder, its own postgresql.conf and pg_hba.conf (Debian keeps the primary's
 * in /etc, outside the data folder), started with pg_ctl on its own port. PostgreSQL refuses to run as root: when
 * the tests run as root, every server command runs as the `postgres` user (runuser) and the folder is theirs.
 */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';

const run = promisify(execFile);

export const PRIMARY_URL = process.env.SCALE_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** One statement on a fresh connection (for the tests' own reads of either server). */
export async function query<T extends Record<string, unknown>>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, application_name: 'csdl-hoi-scale-test' });
  await c.connect();
  try {
    return (await c.query<T>(sql, params)).rows;
  } finally {
    await c.end();
  }
}

/** The first port of [from, to] nothing listens on (127.0.0.1). */
export async function freePort(from: number, to: number): Promise<number> {
  for (let port = from; port <= to; port++) {
    const free = await new Promise<boolean>((resolve) => {
      const s = createServer();
      s.once('error', () => resolve(false));
      s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${from}-${to}`);
}

/** The PostgreSQL binaries of the primary's major version (PG_BIN_DIR to choose). */
async function binDir(): Promise<string> {
  if (process.env.PG_BIN_DIR) return process.env.PG_BIN_DIR;
  const [row] = await query<{ v: string }>(PRIMARY_URL, "SELECT current_setting('server_version_num') AS v");
  const major = Math.floor(Number(row?.v) / 10_000);
  const dir = `/usr/lib/postgresql/${major}/bin`;
  if (!existsSync(path.join(dir, 'pg_basebackup'))) throw new Error(`no PostgreSQL ${major} binaries in ${dir} (set PG_BIN_DIR)`);
  return dir;
}

const asRoot = process.getuid?.() === 0;

/** A server command, as `postgres` when we are root. */
async function pgCommand(bin: string, args: string[]): Promise<string> {
  const [file, argv] = asRoot ? ['runuser', ['-u', 'postgres', '--', bin, ...args]] : [bin, args];
  const { stdout, stderr } = await run(file, argv, { maxBuffer: 16 * 1024 * 1024 });
  return `${stdout}${stderr}`;
}

/**
 * Whether the primary accepts a physical replication connection from 127.0.0.1; if not, scripts/ci/ensure-replication.sh
 * adds the pg_hba.conf line and reloads (what .ci/run's scale stage does before the tests).
 */
export async function ensureReplication(): Promise<string> {
  const script = path.resolve(import.meta.dirname, '../../scripts/ci/ensure-replication.sh');
  const u = new URL(PRIMARY_URL);
  const { stdout } = await run('bash', [script], {
    env: { ...process.env, PGHOST: u.hostname, PGPORT: u.port || '5432', PGUSER: decodeURIComponent(u.username || 'postgres') },
  });
  return stdout.trim();
}

export interface Standby {
  port: number;
  dir: string;
  /** This standby's URL for a database. */
  url(database: string): string;
  /** Seconds pg_basebackup took. */
  basebackupSeconds: number;
  start(): Promise<void>;
  /** pg_ctl stop (-m immediate: as if the machine died). */
  stop(mode?: 'fast' | 'immediate'): Promise<void>;
  /** Stops it if running and removes its folder. */
  remove(): Promise<void>;
  log(): string;
}

export async function createStandby(port: number): Promise<Standby> {
  const bin = await binDir();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-standby-'));
  const data = path.join(dir, 'data');
  const logFile = path.join(dir, 'server.log');
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const primary = new URL(PRIMARY_URL);
  const t0 = performance.now();
  await pgCommand(path.join(bin, 'pg_basebackup'), [
    '-h',
    primary.hostname,
    '-p',
    primary.port || '5432',
    '-U',
    decodeURIComponent(primary.username || 'postgres'),
    '-D',
    data,
    '-X',
    'stream',
    '-R',
    '-c',
    'fast',
    '--no-sync',
  ]);
  const basebackupSeconds = (performance.now() - t0) / 1000;
  // The primary's settings that a hot standby must match or exceed (max_connections, max_wal_senders …) are read
  // from it; the rest is this scratch server's own: its port, its socket folder, no fsync.
  const settings = await query<{ name: string; setting: string }>(
    PRIMARY_URL,
    "SELECT name, setting FROM pg_settings WHERE name IN ('max_connections', 'max_worker_processes', 'max_wal_senders', 'max_prepared_transactions', 'max_locks_per_transaction')",
  );
  const conf = [
    `port = ${port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dir}'`,
    'hot_standby = on',
    // The walreceiver's application_name on the primary (pg_stat_replication) when primary_conninfo names none.
    `cluster_name = 'csdl_hoi_standby_${port}'`,
    'hot_standby_feedback = on',
    'shared_buffers = 32MB',
    'fsync = off',
    ...settings.map((s) => `${s.name} = ${s.setting}`),
  ];
  writeFileSync(path.join(data, 'postgresql.conf'), `${conf.join('\n')}\n`);
  writeFileSync(path.join(data, 'pg_hba.conf'), 'local all all trust\nhost all all 127.0.0.1/32 trust\n');
  writeFileSync(path.join(data, 'pg_ident.conf'), '');
  if (asRoot) await run('chown', ['-R', 'postgres:postgres', dir]);
  const pgCtl = path.join(bin, 'pg_ctl');
  let running = false;
  const standby: Standby = {
    port,
    dir,
    basebackupSeconds,
    url: (database) => `postgres://postgres@127.0.0.1:${port}/${database}`,
    async start() {
      await pgCommand(pgCtl, ['-D', data, '-l', logFile, '-w', '-t', '120', 'start']);
      running = true;
    },
    async stop(mode = 'fast') {
      await pgCommand(pgCtl, ['-D', data, '-m', mode, '-w', '-t', '60', 'stop']);
      running = false;
    },
    async remove() {
      if (running || existsSync(path.join(data, 'postmaster.pid'))) await standby.stop('immediate').catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
    log() {
      return existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    },
  };
  return standby;
}
