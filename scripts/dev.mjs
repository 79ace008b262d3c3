#!/usr/bin/env node
/**
 * `npm run dev`: the TypeScript compiler in watch mode (src/, migrations/, seeds/ → dist/) and, once its first
 * compilation has finished, the server under `node --watch`, which restarts it whenever a compiled module it imports
 * changes. Views need no restart: outside production and tests every render reads and compiles its templates again
 * (src/middleware/templates.ts), and static files are read on each request. Ctrl-C stops both.
 */
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// The compiler's own entry (its package exports no bin path), run by this node.
const tscBin = path.join(path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const children = new Set();

function run(args, options = {}) {
  const child = spawn(process.execPath, args, { cwd: root, stdio: ['inherit', options.pipe ? 'pipe' : 'inherit', 'inherit'] });
  children.add(child);
  child.on('exit', (code, signal) => {
    children.delete(child);
    // One of the two gone (a crash of the compiler, or Ctrl-C): stop the other and leave with its status.
    if (children.size > 0) for (const other of children) other.kill('SIGTERM');
    else process.exit(code ?? (signal ? 1 : 0));
  });
  return child;
}

let server = null;
const tsc = run([tscBin, '-p', 'tsconfig.build.json', '--watch', '--preserveWatchOutput'], { pipe: true });
tsc.stdout.on('data', (chunk) => {
  process.stdout.write(chunk);
  // "Found 0 errors. Watching for file changes." ends each compilation; the server starts after the first one
  // (with errors too: what compiled is served, and the next save restarts it).
  if (server === null && /Found \d+ errors?\b/.test(String(chunk))) {
    server = run(['--watch', '--watch-preserve-output', '--max-old-space-size=256', '--enable-source-maps', 'dist/src/cli/start.js']);
  }
});

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of children) child.kill(signal);
  });
}
