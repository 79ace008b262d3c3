/** Queries of the IT Centre pages (R-9.1): backup runs, sessions, errors, lockouts, users. Knex only. */
import type { Knex } from 'knex';
import { ROLES, type Role } from '../../lib/roles.js';

export interface Page<T> {
  rows: T[];
  total: number;
}

export interface BackupRunRow {
  id: number;
  kind: 'backup' | 'drill';
  status: string;
  backend: string | null;
  started_at: Date;
  finished_at: Date | null;
  size_bytes: number | null;
  path: string | null;
  manifest_hash: string | null;
  error: string | null;
  restore_seconds: number | null;
  backup_run_id: number | null;
  pruned_at: Date | null;
}

export interface SessionRow {
  ref: string;
  user_id: number;
  username: string;
  display_name: string;
  created_at: Date;
  seen_at: Date | null;
  expires_at: Date;
}

export interface ErrorEventRow {
  id: number;
  occurred_at: Date;
  request_id: string | null;
  method: string | null;
  path: string | null;
  status: number;
  error_name: string | null;
  message: string | null;
}

export interface AdminUserRow {
  id: number;
  username: string;
  display_name: string;
  email: string | null;
  roles: Role[];
  disabled_at: Date | null;
  locked_until: Date | null;
  failed_login_count: number;
  last_login_at: Date | null;
  totp_enabled_at: Date | null;
  must_change_password: boolean;
  created_at: Date;
}

export interface UserFilters {
  q?: string | undefined;
  role?: Role | undefined;
  state?: 'active' | 'disabled' | 'locked' | undefined;
}

const USER_COLUMNS = [
  'id',
  'username',
  'display_name',
  'email',
  'roles',
  'disabled_at',
  'locked_until',
  'failed_login_count',
  'last_login_at',
  'totp_enabled_at',
  'must_change_password',
  'created_at',
];

/** The session reference shown to administrators: a hash of the id, never the id itself (it is a bearer secret). */
const SESSION_REF = "encode(sha256(convert_to(s.sid, 'UTF8')), 'hex')";

export interface BackupRunFilters {
  status?: 'succeeded' | 'failed';
  since?: Date;
}

async function count(q: Knex.QueryBuilder): Promise<number> {
  const row = (await q.clone().clearSelect().clearOrder().count<{ n: number | string }[]>('* as n').first()) as
    | { n: number | string }
    | undefined;
  return Number(row?.n ?? 0);
}

/** The backups page: the runs, filtered, and whether one is in progress. */
function backupQueries(db: Knex) {
  return {
    /** Backups and drills, newest first; `filters` narrows to a result and to runs started since an instant. */
    async backupRuns(page: number, pageSize: number, filters: BackupRunFilters = {}): Promise<Page<BackupRunRow>> {
      const q = db('backup_runs').modify((b) => {
        if (filters.status) b.where('status', filters.status);
        if (filters.since) b.where('started_at', '>=', filters.since);
      });
      const rows = await q
        .clone()
        .orderBy([
          { column: 'started_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .select<BackupRunRow[]>('*');
      return {
        rows: rows.map((r) => ({
          ...r,
          id: Number(r.id),
          size_bytes: r.size_bytes === null ? null : Number(r.size_bytes),
          backup_run_id: r.backup_run_id === null ? null : Number(r.backup_run_id),
        })),
        total: await count(q),
      };
    },

    /** Whether a backup or drill started since `since` is still running (the page then refreshes itself). */
    async backupRunning(since: Date): Promise<boolean> {
      const row = await db('backup_runs').where('status', 'running').where('started_at', '>=', since).first('id');
      return Boolean(row);
    },
  };
}

export function createItCentreRepository(db: Knex) {
  return {
    ...backupQueries(db),

    /** Session expiry is kept by the session store in real time (not the application clock). */
    async activeSessions(page: number, pageSize: number): Promise<Page<SessionRow>> {
      const q = db('sessions as s').join('users as u', 'u.id', 's.user_id').where('s.expires_at', '>', db.fn.now());
      const rows = await q
        .clone()
        .orderBy('s.created_at', 'desc')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .select<Array<SessionRow & { seen_ms: string | null }>>(
          db.raw(`${SESSION_REF} AS ref`),
          's.user_id',
          'u.username',
          'u.display_name',
          's.created_at',
          's.expires_at',
          db.raw("s.sess->>'seenAt' AS seen_ms"),
        );
      return {
        rows: rows.map(({ seen_ms, ...r }) => ({ ...r, seen_at: seen_ms && /^\d+$/.test(seen_ms) ? new Date(Number(seen_ms)) : null })),
        total: await count(q),
      };
    },

    /** Deletes the session with this reference; returns its user (null when none matched). */
    async revokeSession(ref: string, trx: Knex = db): Promise<number | null> {
      const rows = (await trx('sessions as s')
        .whereRaw(`${SESSION_REF} = ?`, [ref])
        .whereNotNull('s.user_id')
        .delete()
        .returning('user_id')) as Array<{ user_id: number }>;
      return rows[0]?.user_id ?? null;
    },

    async countActiveSessions(): Promise<number> {
      return count(db('sessions').whereNotNull('user_id').where('expires_at', '>', db.fn.now()));
    },

    async errors(page: number, pageSize: number): Promise<Page<ErrorEventRow>> {
      const q = db('error_events');
      const rows = await q
        .clone()
        .orderBy([
          { column: 'occurred_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .select<ErrorEventRow[]>('*');
      return { rows: rows.map((r) => ({ ...r, id: Number(r.id) })), total: await count(q) };
    },

    async countErrorsSince(since: Date): Promise<number> {
      return count(db('error_events').where('occurred_at', '>=', since));
    },

    async insertError(e: Omit<ErrorEventRow, 'id' | 'occurred_at'> & { occurred_at?: Date }): Promise<void> {
      await db('error_events').insert(e);
    },

    async lockouts(now: Date): Promise<AdminUserRow[]> {
      return db('users')
        .where((w) => w.where('locked_until', '>', now).orWhere('failed_login_count', '>', 0))
        .orderBy([
          { column: 'locked_until', order: 'desc', nulls: 'last' },
          { column: 'failed_login_count', order: 'desc' },
        ])
        .limit(200)
        .select<AdminUserRow[]>(USER_COLUMNS);
    },

    async countLocked(now: Date): Promise<number> {
      return count(db('users').where('locked_until', '>', now));
    },

    async users(filters: UserFilters, now: Date, page: number, pageSize: number): Promise<Page<AdminUserRow>> {
      const q = db('users');
      if (filters.q) {
        const like = `%${filters.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q.where((w) =>
          w
            .whereRaw('f_unaccent(username) LIKE f_unaccent(?)', [like])
            .orWhereRaw('f_unaccent(display_name) LIKE f_unaccent(?)', [like])
            .orWhereRaw("f_unaccent(coalesce(email, '')) LIKE f_unaccent(?)", [like]),
        );
      }
      if (filters.role && (ROLES as readonly string[]).includes(filters.role)) q.whereRaw('? = ANY(roles)', [filters.role]);
      if (filters.state === 'active') q.whereNull('disabled_at');
      if (filters.state === 'disabled') q.whereNotNull('disabled_at');
      if (filters.state === 'locked') q.where('locked_until', '>', now);
      const rows = await q
        .clone()
        .orderByRaw('lower(username)')
        .limit(pageSize)
        .offset((page - 1) * pageSize)
        .select<AdminUserRow[]>(USER_COLUMNS);
      return { rows, total: await count(q) };
    },

    findUser(id: number, trx: Knex = db): Promise<AdminUserRow | undefined> {
      return trx('users').where({ id }).first<AdminUserRow>(USER_COLUMNS);
    },

    async userSessionCount(id: number): Promise<number> {
      return count(db('sessions').where({ user_id: id }).where('expires_at', '>', db.fn.now()));
    },

    async unlock(id: number, trx: Knex = db): Promise<void> {
      await trx('users').where({ id }).update({ failed_login_count: 0, locked_until: null, updated_at: trx.fn.now() });
    },

    /** Clears the second factor: the next login enrols again (new secret, new recovery codes); sessions end. */
    async resetTotp(id: number, trx: Knex = db): Promise<void> {
      await trx('users')
        .where({ id })
        .update({
          totp_secret: null,
          totp_enabled_at: null,
          totp_last_step: null,
          session_generation: trx.raw('session_generation + 1'),
          updated_at: trx.fn.now(),
        });
      await trx('user_recovery_codes').where({ user_id: id }).delete();
      await trx('sessions').where({ user_id: id }).delete();
    },
  };
}

export type ItCentreRepository = ReturnType<typeof createItCentreRepository>;
