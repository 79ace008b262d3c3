/**
 * The topology of docker-compose.yml on this machine without Docker (issue 19 item 1): Debian's nginx running
 * deploy/nginx/csdl-hoi.conf.template (the file compose mounts, placeholders filled with local ports and paths) in
 * front of app processes started as the container starts them (`node dist/src/cli/start.js`, NODE_ENV=production),
 * plus a small HTTPS client with a cookie jar for the test.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export const NGINX_TEMPLATE = path.resolve('deploy/nginx/csdl-hoi.conf.template');

/** nginx on PATH or in Debian's /usr/sbin (not on a non-root PATH); null when not installed. */
export function findNginx(): string | null {
  const dirs = [...(process.env.PATH ?? '').split(path.delimiter), '/usr/sbin', '/usr/local/sbin'];
  for (const dir of dirs) {
    const candidate = path.join(dir, 'nginx');
    if (dir && existsSync(candidate)) return candidate;
  }
  return null;
}

/** A port nobody listens on right now (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The repository's nginx template with every `${CSDL_…}` placeholder replaced; throws on a placeholder without a
 * value or a value without a placeholder, so the test and the file cannot drift apart silently.
 */
export function renderNginxTemplate(vars: Record<string, string>): string {
  const template = readFileSync(NGINX_TEMPLATE, 'utf8');
  const used = new Set<string>();
  const out = template.replace(/\$\{(CSDL_[A-Z0-9_]+)\}/g, (_m, name: string) => {
    const value = vars[name];
    if (value === undefined) throw new Error(`${NGINX_TEMPLATE}: no value for \${${name}}`);
    used.add(name);
    return value;
  });
  const unused = Object.keys(vars).filter((k) => !used.has(k));
  if (unused.length > 0) throw new Error(`${NGINX_TEMPLATE}: no placeholder for ${unused.join(', ')}`);
  return out;
}

/** A self-signed certificate for localhost and 127.0.0.1 (openssl), as the test's CA. */
export function makeCertificate(dir: string): { cert: string; key: string } {
  const cert = path.join(dir, 'tls.crt');
  const key = path.join(dir, 'tls.key');
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-days',
      '2',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      '-keyout',
      key,
      '-out',
      cert,
    ],
    { stdio: 'ignore' },
  );
  return { cert, key };
}

/**
 * The main nginx.conf around the rendered site (what the nginx image's own nginx.conf does around conf.d/): pid,
 * error log and temp folders under `dir`, one worker, in the foreground. The repository's file is included as is.
 */
export function writeNginxConfig(dir: string, site: string): string {
  // Workers run as nobody when nginx starts as root: they must reach the temp folders nginx creates here.
  chmodSync(dir, 0o755);
  writeFileSync(path.join(dir, 'csdl-hoi.conf'), site);
  const mainConf = path.join(dir, 'nginx.conf');
  writeFileSync(
    mainConf,
    [
      'worker_processes 1;',
      `pid ${dir}/nginx.pid;`,
      `error_log ${dir}/error.log warn;`,
      'events { worker_connections 512; }',
      'http {',
      `  client_body_temp_path ${dir}/client_body;`,
      `  proxy_temp_path ${dir}/proxy;`,
      `  fastcgi_temp_path ${dir}/fastcgi;`,
      `  uwsgi_temp_path ${dir}/uwsgi;`,
      `  scgi_temp_path ${dir}/scgi;`,
      '  default_type application/octet-stream;',
      `  include ${dir}/csdl-hoi.conf;`,
      '}',
      '',
    ].join('\n'),
  );
  return mainConf;
}

/** Resolves once something accepts TCP connections on the port (bounded: rejects after `limitMs`). */
export async function waitForPort(port: number, child: ChildProcess, limitMs = 60_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`process exited (${child.exitCode}) before listening on ${port}`);
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`nothing listens on ${port} after ${limitMs} ms`);
}

export interface AppProcess {
  name: string;
  port: number;
  child: ChildProcess;
  logFile: string;
}

/** `node dist/src/cli/start.js` as the container runs it; stdout and stderr go to `<dir>/<name>.log`. */
export function startApp(name: string, dir: string, env: Record<string, string>): AppProcess {
  const logFile = path.join(dir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, ['--max-old-space-size=256', 'dist/src/cli/start.js'], {
    cwd: path.resolve('.'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/tmp', ...env },
    stdio: ['ignore', fd, fd],
  });
  closeSync(fd);
  return { name, port: Number(env.PORT), child, logFile };
}

/** Waits for the instance's /readyz to answer 200 (bounded); the error carries the end of its log. */
export async function waitReady(app: AppProcess, limitMs = 180_000): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until) {
    if (app.child.exitCode !== null) break;
    try {
      const res = await fetch(`http://127.0.0.1:${app.port}/readyz`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  const tail = existsSync(app.logFile) ? readFileSync(app.logFile, 'utf8').slice(-3000) : '';
  throw new Error(`${app.name} not ready (exit code ${app.child.exitCode}):\n${tail}`);
}

/** Stops a child and waits for it to be gone (SIGKILL after `graceMs`). */
export async function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await gone;
  clearTimeout(timer);
}

export interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * HTTPS through the proxy, checking the proxy's certificate against the test's own CA, with a cookie jar (the
 * login sends back every cookie the server set, as a browser does). `localAddress`: the loopback address the
 * client connects from, so that the address the app sees can only have come from X-Forwarded-For.
 */
export class ProxyClient {
  readonly cookies = new Map<string, string>();
  readonly setCookieLines: string[] = [];
  private readonly agent: https.Agent;

  constructor(
    private readonly port: number,
    ca: string,
    localAddress: string,
    maxSockets: number,
  ) {
    this.agent = new https.Agent({ ca, keepAlive: true, maxSockets, localAddress, servername: 'localhost' });
  }

  request(
    method: string,
    pathname: string,
    opts: { form?: Record<string, string>; headers?: Record<string, string> } = {},
  ): Promise<Reply> {
    const body = opts.form ? new URLSearchParams(opts.form).toString() : undefined;
    const headers: Record<string, string> = { host: `localhost:${this.port}`, 'accept-language': 'vi', ...opts.headers };
    if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (body !== undefined) {
      headers['content-type'] = 'application/x-www-form-urlencoded';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    return new Promise((resolve, reject) => {
      const req = https.request(
        { host: '127.0.0.1', port: this.port, method, path: pathname, headers, agent: this.agent, timeout: 60_000 },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', reject);
          res.on('aborted', () => reject(new Error('response aborted')));
          res.on('end', () => {
            if (!res.complete) return reject(new Error('response cut off'));
            this.keepCookies(res.headers['set-cookie']);
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error('request timed out')));
      req.on('error', reject);
      req.end(body);
    });
  }

  private keepCookies(lines: string[] | undefined): void {
    for (const line of lines ?? []) {
      this.setCookieLines.push(line);
      const [pair] = line.split(';');
      const eq = pair?.indexOf('=') ?? -1;
      if (!pair || eq < 1) continue;
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      if (value === '' || /;\s*expires=Thu, 01 Jan 1970/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

/** The access log's lines (format csdl_hoi of the template): the upstream address list of each. */
export function upstreamsOfLog(logFile: string): string[][] {
  if (!existsSync(logFile)) return [];
  return (
    readFileSync(logFile, 'utf8')
      .split('\n')
      .map((line) => /upstream=(.*?) upstream_status=/.exec(line)?.[1])
      .filter((u): u is string => u !== undefined && u !== '-')
      // "a, b": a failed and the request went on to b; "a : b": an internal redirect.
      .map((u) => u.split(/\s*,\s*|\s+:\s+/).filter(Boolean))
  );
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
