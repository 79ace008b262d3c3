/**
 * Sessions in the database (RELIABILITY rule 1). A session that belongs to a user carries the user's
 * `session_generation`; the store refuses to write a session whose generation is stale, so a request still in
 * flight cannot bring back a session that logout, a password change or disabling the account has ended.
 */
import type { RequestHandler, Response } from 'express';
import session, { type SessionData, Store } from 'express-session';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config.js';
import { activityThrottleMs } from './sessionPolicy.js';

export interface SessionUserRef {
  id: number;
  gen: number;
}

declare module 'express-session' {
  interface SessionData {
    passport?: { user?: SessionUserRef };
    /** When the user logged in (ms, application clock): absolute timeout. */
    authAt?: number;
    /** Last authenticated request (ms, application clock): idle timeout. */
    seenAt?: number;
    /** Between the password step and the TOTP step. */
    pendingLogin?: { userId: number; gen: number; at: number; returnTo: string; enrolSecret?: string };
    flash?: Array<{ type: 'success' | 'info' | 'warning' | 'error'; text: string }>;
  }
}

type Callback = (err?: unknown) => void;

export class KnexSessionStore extends Store {
  private pruneTimer: NodeJS.Timeout | null = null;

  constructor(
    private readonly db: Knex,
    private readonly idleMs: number,
    private readonly logger?: Logger,
  ) {
    super();
  }

  private expiry(sess: SessionData): Date {
    const cookieExpiry = sess.cookie?.expires ? new Date(sess.cookie.expires) : null;
    const idle = new Date(Date.now() + this.idleMs);
    return cookieExpiry && cookieExpiry < idle ? cookieExpiry : idle;
  }

  override get(sid: string, cb: (err: unknown, session?: SessionData | null) => void): void {
    this.db('sessions')
      .select('sess')
      .where('sid', sid)
      .andWhere('expires_at', '>', new Date())
      .first()
      .then((row: { sess: SessionData | string } | undefined) => {
        if (!row) return cb(null, null);
        cb(null, typeof row.sess === 'string' ? (JSON.parse(row.sess) as SessionData) : row.sess);
      })
      .catch((err: unknown) => cb(err));
  }

  override set(sid: string, sess: SessionData, cb?: Callback): void {
    const ref = sess.passport?.user;
    const values = [sid, JSON.stringify(sess), this.expiry(sess), ref?.id ?? null];
    // For a user's session, write only while the user's generation still matches (and the account is enabled).
    const sql = ref
      ? `INSERT INTO sessions (sid, sess, expires_at, user_id)
         SELECT ?, ?::jsonb, ?::timestamptz, ?
         WHERE EXISTS (SELECT 1 FROM users WHERE id = ? AND session_generation = ? AND disabled_at IS NULL)
         ON CONFLICT (sid) DO UPDATE SET sess = EXCLUDED.sess, expires_at = EXCLUDED.expires_at, user_id = EXCLUDED.user_id`
      : `INSERT INTO sessions (sid, sess, expires_at, user_id) VALUES (?, ?::jsonb, ?::timestamptz, ?)
         ON CONFLICT (sid) DO UPDATE SET sess = EXCLUDED.sess, expires_at = EXCLUDED.expires_at, user_id = EXCLUDED.user_id`;
    this.db
      .raw(sql, ref ? [...values, ref.id, ref.gen] : values)
      .then(() => cb?.())
      .catch((err: unknown) => cb?.(err));
  }

  override destroy(sid: string, cb?: Callback): void {
    this.db('sessions')
      .where('sid', sid)
      .delete()
      .then(() => cb?.())
      .catch((err: unknown) => cb?.(err));
  }

  override touch(sid: string, sess: SessionData, cb?: Callback): void {
    const expires = this.expiry(sess);
    // Skip the write unless the expiry moves by more than a minute (or a quarter of a shorter idle timeout): one
    // cheap UPDATE at most that often.
    this.db('sessions')
      .where('sid', sid)
      .andWhere('expires_at', '<', new Date(expires.getTime() - activityThrottleMs(this.idleMs)))
      .update({ expires_at: expires })
      .then(() => cb?.())
      .catch((err: unknown) => cb?.(err));
  }

  async prune(): Promise<number> {
    return this.db('sessions').where('expires_at', '<', new Date()).delete();
  }

  /** Deletes expired rows every half idle period (at least every minute, at most every 15 minutes). */
  startPruning(intervalMs = Math.min(15 * 60_000, Math.max(60_000, this.idleMs / 2))): void {
    this.pruneTimer = setInterval(() => {
      this.prune().catch((err: unknown) => this.logger?.warn({ err }, 'session prune failed'));
    }, intervalMs);
    this.pruneTimer.unref();
  }

  stopPruning(): void {
    if (this.pruneTimer) clearInterval(this.pruneTimer);
    this.pruneTimer = null;
  }
}

export const SESSION_COOKIE = 'csdl.sid';

export function createSessionMiddleware(config: Pick<Config, 'session'>, store: Store): RequestHandler {
  return session({
    name: SESSION_COOKIE,
    secret: config.session.secret,
    store,
    resave: false,
    // RELIABILITY check 10: no session row for a visitor who has not been shown a form.
    saveUninitialized: false,
    rolling: false,
    unset: 'destroy',
    proxy: undefined,
    cookie: {
      httpOnly: true,
      sameSite: 'lax',
      secure: config.session.secureCookie,
      path: '/',
      maxAge: config.session.absoluteMs,
    },
  });
}

/**
 * Redirects wait until the session is stored. express-session stores a changed session when the response ends, but
 * it sends the headers first and sends them even when that write fails, so a client that follows the redirect at
 * once (a browser does, on the headers) can reach the next page before the session holds what this request put
 * there: right after a login the session lacked its login time and looked expired (seen in the soak,
 * RELIABILITY 42), and the TOTP step could find no pending password step. A failed write becomes an error page,
 * never a redirect. An empty session is left alone: it is not stored at all (RELIABILITY check 10).
 */
export function saveSessionBeforeRedirect(): RequestHandler {
  return (req, res, next) => {
    const redirect = res.redirect as (this: Response, ...args: unknown[]) => void;
    res.redirect = function (this: Response, ...args: unknown[]) {
      const s = req.session as (typeof req.session & Record<string, unknown>) | undefined;
      if (!s || !Object.keys(s).some((k) => k !== 'cookie')) return redirect.apply(this, args);
      s.save((err) => (err ? next(err) : redirect.apply(this, args)));
    } as Response['redirect'];
    next();
  };
}
