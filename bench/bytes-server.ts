/**
 * The wire ceiling of SPEC §7 and issue 13: plain node:http answering every request with the same bytes (status,
 * content type and body) the app sent for a real page, from memory. No framework, no template, no database: what
 * this machine can serve at all, measured in the same run as the app so every figure is read as a ratio to it.
 * Started by bench/lib/child.ts (mode 'bytes') with BENCH_BYTES_FILE (the body), BENCH_BYTES_STATUS and
 * BENCH_BYTES_TYPE; speaks the same IPC as bench/app-server.ts (ready, rss, reset-peak).
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { reportRss } from './lib/rss.js';

const body = readFileSync(process.env.BENCH_BYTES_FILE ?? '');
const status = Number(process.env.BENCH_BYTES_STATUS ?? 200);
const type = process.env.BENCH_BYTES_TYPE ?? 'text/html; charset=utf-8';

reportRss();

const server = createServer((_req, res) => {
  res.writeHead(status, { 'content-type': type, 'content-length': body.length });
  res.end(body);
});
server.keepAliveTimeout = 65_000;
server.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as AddressInfo;
  process.send?.({ type: 'ready', port });
});
process.on('SIGTERM', () => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
});
