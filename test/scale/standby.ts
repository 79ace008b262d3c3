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

/** Replication slots of this suite: `csdl_hoi_scale_standby_<pid>_<port>`, <pid> the test process that made it. */
const SLOT_PREFIX = 'csdl_hoi_scale_standby_';

/**
 * Drops the slots left by runs whose process is gone (a run killed before its cleanup): an abandoned slot would keep
 * the primary's WAL forever.
 */
export async function dropAbandonedSlots(): Promise<string[]> {
  const slots = await query<{ slot_name: string }>(
    PRIMARY_URL,
    "SELECT slot_name FROM pg_replication_slots WHERE slot_name LIKE 'csdl\\_hoi\\_scale\\_standby\\_%' AND NOT active",
  );
  const dropped: string[] = [];
  for (const { slot_name: name } of slots) {
    const pid = Number(name.slice(SLOT_PREFIX.length).split('_')[0]);
    let alive = false;
    try {
      process.kill(pid, 0);
      alive = true;
    } catch (err) {
      alive = (err as { code?: string }).code === 'EPERM';
    }
    if (alive) continue;
    await query(PRIMARY_URL, 'SELECT pg_drop_replication_slot($1)', [name]);
    dropped.push(name);
  }
  return dropped;
}

export interface Standby {
  port: number;
  /** Its physical replication slot on the primary (keeps the WAL it has not received, e.g. while it is stopped). */
  slot: string;
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
  const slot = `${SLOT_PREFIX}${process.pid}_${port}`;
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
    // A slot of its own (-C -S, named in the standby's settings by -R): without it a standby stopped for a minute
    // on a busy server finds the WAL it needs already recycled and never catches up.
    '-C',
    '-S',
    slot,
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
    slot,
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
      // The walsender may take a moment to notice the standby is gone: the slot is dropped once it is inactive.
      for (let i = 0; i < 100; i++) {
        const [row] = await query<{ active: boolean }>(PRIMARY_URL, 'SELECT active FROM pg_replication_slots WHERE slot_name = $1', [slot]);
        if (!row) return;
        if (!row.active) {
          await query(PRIMARY_URL, 'SELECT pg_drop_replication_slot($1)', [slot]);
          return;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`replication slot ${slot} still active: drop it with SELECT pg_drop_replication_slot('${slot}')`);
    },
    log() {
      return existsSync(logFile) ? readFileSync(logFile, 'utf8') : '';
    },
  };
  return standby;
}
