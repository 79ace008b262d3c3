/**
 * Read-after-write with a read replica (issue 19 item 2, src/db/read-router.ts). A signed-in user's request that
 * changes something (any method but GET, HEAD and OPTIONS, past the CSRF check) stamps the session with the time
 * (`writeAt`, application clock); for DATABASE_REPLICA_READ_AFTER_WRITE_SECONDS after it every request of that
 * session reads the primary, so the user sees what they have just written on the public pages and the reports even
 * while the replica has not replayed it yet. Other requests read where the router sends them.
 *
 * Without a replica it does nothing (and writes nothing to the session). Anonymous visitors have no session to stamp:
 * nothing they can write (a registration, a personal-data request) shows on the pages that read the replica.
 */
import type { RequestHandler } from 'express';
import type { ReadRouter } from '../db/read-router.js';
import type { Clock } from '../lib/clock.js';

declare module 'express-session' {
  interface SessionData {
    /** The user's latest write (ms, application clock): their reads stay on the primary for a while after it. */
    writeAt?: number;
  }
}

const READS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function readAfterWrite(reads: ReadRouter, clock: Clock): RequestHandler {
  return (req, _res, next) => {
    if (!reads.configured || !req.session) return next();
    const now = clock.now().getTime();
    if (req.user && !READS.has(req.method)) req.session.writeAt = now;
    const writeAt = req.session.writeAt;
    const recent = writeAt !== undefined && now - writeAt < reads.readAfterWriteMs;
    reads.withRequest(recent, next);
  };
}
