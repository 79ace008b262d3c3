/** Start a bench server process (bench/app-server.ts) and talk to it over IPC. */
import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

export interface ChildServer {
  baseUrl: string;
  process: ChildProcess;
  /** Current and peak resident set size in bytes. */
  rss(): Promise<{ rss: number; peak: number }>;
  resetPeak(): Promise<void>;
  stop(): Promise<void>;
}

function ask<T>(child: ChildProcess, type: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (msg: { type?: string }) => {
      if (msg.type === type) {
        child.off('message', onMessage);
        resolve(msg as T);
      }
    };
    child.on('message', onMessage);
    if (!child.send({ type })) reject(new Error('bench child gone'));
  });
}

/** The old-generation heap limit of the app (`node --max-old-space-size` in package.json's start and the Dockerfile). */
export const APP_HEAP_MB = 256;

/** 'app' and 'ceiling' (bare Express + EJS) run bench/app-server.ts; 'bytes' (plain node:http) bench/bytes-server.ts. */
export async function startChild(mode: 'app' | 'ceiling' | 'bytes', env: Record<string, string>): Promise<ChildServer> {
  const script = mode === 'bytes' ? 'bytes-server.js' : 'app-server.js';
  const child = fork(path.join(here, '..', script), [], {
    // The app runs with the heap limit of `npm start` and the Dockerfile (package.json, SPEC §7 memory bar).
    ...(mode === 'app' ? { execArgv: [...process.execArgv, `--max-old-space-size=${APP_HEAP_MB}`] } : {}),
    env: { ...env, BENCH_CHILD: mode, PATH: process.env.PATH ?? '' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    cwd: process.cwd(),
  });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${mode} server did not start within 120 s`)), 120_000);
    child.on('message', (msg: { type?: string; port?: number }) => {
      if (msg.type === 'ready' && msg.port) {
        clearTimeout(timer);
        resolve(msg.port);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${mode} server exited with ${code} before it was ready`));
    });
  });
  return {
    baseUrl: `http://127.0.0.1:${port}`,
    process: child,
    rss: () => ask<{ rss: number; peak: number }>(child, 'rss'),
    resetPeak: () => ask<unknown>(child, 'reset-peak').then(() => undefined),
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
        child.once('exit', () => {
          clearTimeout(force);
          resolve();
        });
        child.kill('SIGTERM');
      }),
  };
}
