/**
 * pg_dump / pg_restore for a PostgreSQL server. The client tools must be at least the server's major version
 * (an older pg_dump cannot read a newer server's catalogue reliably): checked before every run, refused loudly.
 * The password never goes on the command line (visible in `ps`): it is passed in PGPASSWORD.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Knex } from 'knex';

const exec = promisify(execFile);

export class BackupToolError extends Error {
  override name = 'BackupToolError';
}

export function toolPath(binDir: string | null, tool: 'pg_dump' | 'pg_restore'): string {
  return binDir ? path.join(binDir, tool) : tool;
}

/** URL without the password, and the environment carrying it. */
export function connectionArgs(url: string): { dbname: string; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const password = decodeURIComponent(u.password);
  u.password = '';
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (password) env.PGPASSWORD = password;
  else delete env.PGPASSWORD;
  return { dbname: u.toString(), env };
}

export async function toolMajor(binDir: string | null, tool: 'pg_dump' | 'pg_restore'): Promise<{ major: number; version: string }> {
  let stdout: string;
  try {
    ({ stdout } = await exec(toolPath(binDir, tool), ['--version']));
  } catch (err) {
    throw new BackupToolError(`Không chạy được ${tool} (${(err as Error).message}). Cài gói postgresql-client hoặc đặt BACKUP_PG_BIN_DIR.`);
  }
  const m = /\(PostgreSQL\)\s+(\d+)(\.\d+)?/.exec(stdout);
  if (!m) throw new BackupToolError(`Không đọc được phiên bản của ${tool}: ${stdout.trim()}`);
  return { major: Number(m[1]), version: `${m[1]}${m[2] ?? ''}` };
}

export async function serverMajor(db: Knex | Knex.Transaction): Promise<{ major: number; versionNum: number }> {
  const res = (await db.raw('SHOW server_version_num')) as { rows: Array<{ server_version_num: string }> };
  const num = Number(res.rows[0]?.server_version_num);
  return { major: Math.floor(num / 10_000), versionNum: num };
}

/** Refuses a client tool older than the server (RELIABILITY rule 5). */
export async function assertToolVersion(binDir: string | null, tool: 'pg_dump' | 'pg_restore', serverMaj: number): Promise<string> {
  const t = await toolMajor(binDir, tool);
  if (t.major < serverMaj) {
    throw new BackupToolError(
      `${tool} phiên bản ${t.version} cũ hơn máy chủ PostgreSQL ${serverMaj}: từ chối chạy. Cài postgresql-client-${serverMaj} (hoặc mới hơn) hoặc đặt BACKUP_PG_BIN_DIR.`,
    );
  }
  return t.version;
}

async function run(cmd: string, args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<void> {
  try {
    await exec(cmd, args, { env, maxBuffer: 16 * 1024 * 1024, ...(signal ? { signal } : {}) });
  } catch (err) {
    const e = err as Error & { stderr?: string };
    throw new BackupToolError(`${path.basename(cmd)} thất bại: ${(e.stderr || e.message).trim().slice(0, 2000)}`);
  }
}

/** `signal` stops pg_dump (the backup failed elsewhere while it ran). */
export async function pgDump(opts: {
  binDir: string | null;
  url: string;
  snapshot: string;
  file: string;
  excludeData: readonly string[];
  signal?: AbortSignal;
}) {
  const { dbname, env } = connectionArgs(opts.url);
  await run(
    toolPath(opts.binDir, 'pg_dump'),
    [
      '--format=custom',
      `--snapshot=${opts.snapshot}`,
      ...opts.excludeData.map((t) => `--exclude-table-data=public.${t}`),
      `--file=${opts.file}`,
      `--dbname=${dbname}`,
    ],
    env,
    opts.signal,
  );
}

/**
 * `jobs` > 1: a parallel restore (`--jobs`, one connection per job; only into an empty database, as a failure
 * half-way leaves what was restored so far). Otherwise one transaction: all or nothing; `clean` drops the dump's
 * objects first (a database that already has a schema).
 */
export async function pgRestore(opts: {
  binDir: string | null;
  url: string;
  file: string;
  clean: boolean;
  jobs?: number;
  /** Only this part of the archive (`--section`): schema, data, then indexes, constraints and triggers. */
  section?: 'pre-data' | 'data' | 'post-data';
}) {
  const { dbname, env } = connectionArgs(opts.url);
  const jobs = opts.jobs ?? 1;
  if (jobs > 1 && opts.clean) throw new BackupToolError('pg_restore song song chỉ dùng cho cơ sở dữ liệu trống.');
  await run(
    toolPath(opts.binDir, 'pg_restore'),
    [
      '--no-owner',
      '--no-privileges',
      '--exit-on-error',
      ...(jobs > 1 ? [`--jobs=${jobs}`] : ['--single-transaction']),
      ...(opts.clean ? ['--clean', '--if-exists'] : []),
      ...(opts.section ? [`--section=${opts.section}`] : []),
      `--dbname=${dbname}`,
      opts.file,
    ],
    env,
  );
}
