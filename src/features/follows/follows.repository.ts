/**
 * SQL of follows and saved searches (Knex only): the user's own rows (every query scoped by user_id), and what the
 * jobs read — the associations changed since a cursor (`association_changes`, migration 20261231002600), the
 * followers of those, version snapshots, the saved searches, their hits, the digest's notices.
 */
import type { Knex } from 'knex';
import type { Role } from '../../lib/roles.js';
import type { RecordSnapshot } from '../register-form/diff.js';

export interface FollowedAssociation {
  id: number;
  code: string;
  name: string;
  version: number;
  published: boolean;
}

export interface FollowRow {
  association_id: number;
  code: string;
  name: string;
  published: boolean;
  created_at: Date;
}

/** A saved search's normalised query: the public list's own parameters (`/hoi?q=…&linh-vuc=…`). */
export interface SavedQuery {
  q?: string;
  'linh-vuc'?: string;
  'pham-vi'?: string;
  tinh?: string;
}

export interface SavedSearchRow {
  id: number;
  user_id: number;
  query: SavedQuery;
  label: string;
  created_at: Date;
  last_checked_at: Date;
}

/** A follow whose record has moved past the version its user was last told about, with what the job needs. */
export interface PendingFollow {
  id: number;
  user_id: number;
  association_id: number;
  seen_version: number;
  version: number;
  code: string;
  name: string;
  published: boolean;
  roles: Role[];
  user_association_id: number | null;
}

export interface ChangedAssociation {
  association_id: number;
  /** The lowest version written since the cursor. */
  first_version: number;
  /** When the earliest of those changes was written (its transaction's start). */
  first_at: Date;
}

const parse = <T>(v: unknown): T => (typeof v === 'string' ? JSON.parse(v) : v) as T;
const intArray = (ids: readonly number[]) => `{${ids.map((id) => Math.trunc(Number(id))).join(',')}}`;

/** The user's own follows and saved searches. */
function ownQueries(db: Knex) {
  return {
    findAssociation(where: { code: string } | { id: number }): Promise<FollowedAssociation | undefined> {
      return db('associations').where(where).first('id', 'code', 'name', 'version', 'published');
    },

    async countFollows(userId: number, trx: Knex = db): Promise<number> {
      const row = await trx('follows').where({ user_id: userId }).count<{ n: string | number }[]>('* as n').first();
      return Number(row?.n ?? 0);
    },

    /** True when the row is new (following twice changes nothing). */
    async insertFollow(trx: Knex, row: { user_id: number; association_id: number; seen_version: number; created_at: Date }) {
      const ids = await trx('follows').insert(row).onConflict(['user_id', 'association_id']).ignore().returning('id');
      return ids.length > 0;
    },

    /** True when the user followed it. */
    async deleteFollow(trx: Knex, userId: number, associationId: number): Promise<boolean> {
      const rows = await trx('follows').where({ user_id: userId, association_id: associationId }).delete().returning('id');
      return rows.length > 0;
    },

    async isFollowing(userId: number, associationId: number): Promise<boolean> {
      const row = await db('follows').where({ user_id: userId, association_id: associationId }).first('id');
      return row !== undefined;
    },

    followsOf(userId: number): Promise<FollowRow[]> {
      return db('follows as f')
        .join('associations as a', 'a.id', 'f.association_id')
        .where('f.user_id', userId)
        .orderBy([
          { column: 'f.created_at', order: 'desc' },
          { column: 'f.id', order: 'desc' },
        ])
        .select('f.association_id', 'a.code', 'a.name', 'a.published', 'f.created_at');
    },

    /** Names of a field and a province code (null when the code is unknown), for a saved search's label. */
    async catalogueNames(field: string | null, province: string | null): Promise<{ field: string | null; province: string | null }> {
      const [f, p] = await Promise.all([
        field ? db('fields').where({ code: field }).first('name') : undefined,
        province ? db('provinces').where({ code: province }).first('name') : undefined,
      ]);
      return { field: (f as { name: string } | undefined)?.name ?? null, province: (p as { name: string } | undefined)?.name ?? null };
    },

    async countSearches(userId: number, trx: Knex = db): Promise<number> {
      const row = await trx('saved_searches').where({ user_id: userId }).count<{ n: string | number }[]>('* as n').first();
      return Number(row?.n ?? 0);
    },

    /** The new row's id, or null when the user already saved this search. */
    async insertSearch(trx: Knex, row: { user_id: number; query: SavedQuery; query_key: string; label: string }): Promise<number | null> {
      // created_at by the database's clock, as association_changes.at: the job compares the two.
      const [r] = await trx('saved_searches')
        .insert({ ...row, query: JSON.stringify(row.query) })
        .onConflict(['user_id', 'query_key'])
        .ignore()
        .returning<{ id: number }[]>('id');
      return r ? Number(r.id) : null;
    },

    /** Deletes one of the user's own saved searches; its label, or null when there is none such. */
    async deleteSearch(trx: Knex, userId: number, id: number): Promise<string | null> {
      const [r] = await trx('saved_searches').where({ id, user_id: userId }).delete().returning<{ label: string }[]>('label');
      return r?.label ?? null;
    },

    async searchesOf(userId: number): Promise<SavedSearchRow[]> {
      const rows = await db('saved_searches')
        .where({ user_id: userId })
        .orderBy([
          { column: 'created_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .select('id', 'user_id', 'query', 'label', 'created_at', 'last_checked_at');
      return rows.map((r) => ({ ...r, id: Number(r.id), query: parse<SavedQuery>(r.query) }));
    },
  };
}

/** The change feed and the follows it concerns (the follow-changes job). */
function changeQueries(db: Knex) {
  return {
    async cursor(name: string): Promise<string | null> {
      const row = await db('follow_watch_state').where({ name }).first('cursor');
      return row ? String(row.cursor) : null;
    },

    async saveCursor(name: string, cursor: string, at: Date): Promise<void> {
      await db.raw(
        `INSERT INTO follow_watch_state (name, cursor, updated_at) VALUES (?, ?::xid8, ?)
         ON CONFLICT (name) DO UPDATE SET cursor = excluded.cursor, updated_at = excluded.updated_at`,
        [name, cursor, at],
      );
    },

    /** The xmin of the current snapshot: every transaction still running has an id at least this. */
    async snapshotXmin(): Promise<string> {
      const res = await db.raw<{ rows: Array<{ x: string }> }>('SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS x');
      return String(res.rows[0]?.x);
    },

    /** Associations with a version written by a transaction whose id is at least `xmin` (index on xid). */
    async changedSince(xmin: string): Promise<ChangedAssociation[]> {
      const res = await db.raw<{ rows: Array<{ association_id: number; first_version: number; first_at: Date }> }>(
        `SELECT association_id, min(first_version) AS first_version, min(at) AS first_at
           FROM association_changes WHERE xid >= ?::xid8
          GROUP BY association_id ORDER BY association_id`,
        [xmin],
      );
      return res.rows.map((r) => ({
        association_id: Number(r.association_id),
        first_version: Number(r.first_version),
        first_at: r.first_at,
      }));
    },

    /** Drops change rows already read (below the cursor) and older than `before`. */
    async pruneChanges(cursor: string, before: Date): Promise<number> {
      const res = await db.raw<{ rows: Array<{ n: string | number }> }>(
        'WITH d AS (DELETE FROM association_changes WHERE xid < ?::xid8 AND at < ? RETURNING 1) SELECT count(*) AS n FROM d',
        [cursor, before],
      );
      return Number(res.rows[0]?.n ?? 0);
    },

    /** Follows of these associations whose record has a version past the one their user was told about. */
    async pendingFollows(associationIds: readonly number[]): Promise<PendingFollow[]> {
      if (associationIds.length === 0) return [];
      const rows = await db('follows as f')
        .join('associations as a', 'a.id', 'f.association_id')
        .join('users as u', 'u.id', 'f.user_id')
        .whereRaw('f.association_id = ANY(?::int[])', [intArray(associationIds)])
        .whereRaw('a.version > f.seen_version')
        .whereNull('u.disabled_at')
        .orderBy(['f.association_id', 'f.id'])
        .select(
          'f.id',
          'f.user_id',
          'f.association_id',
          'f.seen_version',
          'a.version',
          'a.code',
          'a.name',
          'a.published',
          'u.roles',
          'u.association_id as user_association_id',
        );
      return rows.map((r) => ({ ...r, id: Number(r.id) }));
    },

    /** The kept snapshots of one association at these versions, with when each was written. */
    async snapshots(associationId: number, versions: readonly number[]): Promise<Map<number, { snapshot: RecordSnapshot; at: Date }>> {
      const rows = await db('association_versions')
        .where('association_id', associationId)
        .whereIn('version', [...versions])
        .select('version', 'snapshot', 'created_at');
      return new Map(rows.map((r) => [Number(r.version), { snapshot: parse<RecordSnapshot>(r.snapshot), at: r.created_at }]));
    },

    /** Who wrote each version of one association after `afterVersion` up to `upTo`. */
    async versionAuthors(
      associationId: number,
      afterVersion: number,
      upTo: number,
    ): Promise<Array<{ version: number; created_by: number | null }>> {
      const rows = await db('association_versions')
        .where('association_id', associationId)
        .where('version', '>', afterVersion)
        .where('version', '<=', upTo)
        .select('version', 'created_by');
      return rows.map((r) => ({ version: Number(r.version), created_by: r.created_by === null ? null : Number(r.created_by) }));
    },

    /** Moves a follow to the version its user has now been told about (never backwards). */
    async advanceFollow(trx: Knex, followId: number, version: number): Promise<void> {
      await trx('follows').where({ id: followId }).where('seen_version', '<', version).update({ seen_version: version });
    },
  };
}

/** Saved searches' new matches and the daily digest. */
function searchAndDigestQueries(db: Knex) {
  return {
    /**
     * Of these changed associations, the published ones that are new to a search: no earlier version, not published
     * before the change, or changed in what the public search reads (name, abbreviation, scope, fields, province).
     * One statement over the given ids (primary keys) and their earlier version (unique key).
     */
    async freshPublished(
      changes: readonly ChangedAssociation[],
    ): Promise<Array<{ id: number; code: string; name: string; first_at: Date }>> {
      if (changes.length === 0) return [];
      const res = await db.raw<{ rows: Array<{ id: number; code: string; name: string; first_at: Date }> }>(
        `WITH c AS (
           SELECT * FROM unnest(?::int[], ?::int[], ?::timestamptz[]) AS c(id, first_version, first_at)
         )
         SELECT a.id, a.code, a.name, c.first_at
           FROM c JOIN associations a ON a.id = c.id
           LEFT JOIN association_versions b ON b.association_id = c.id AND b.version = c.first_version - 1
          WHERE a.published AND (
                b.id IS NULL
             OR NOT coalesce((b.snapshot->'record'->>'published')::boolean, false)
             OR (b.snapshot->'record'->>'name') IS DISTINCT FROM a.name
             OR (b.snapshot->'record'->>'abbreviation') IS DISTINCT FROM a.abbreviation
             OR (b.snapshot->'record'->>'scope') IS DISTINCT FROM a.scope
             OR (b.snapshot->'record'->>'main_field_code') IS DISTINCT FROM a.main_field_code
             OR (b.snapshot->'record'->>'hq_province_code') IS DISTINCT FROM a.hq_province_code
             OR coalesce(b.snapshot->'record'->'other_field_codes', '[]'::jsonb) IS DISTINCT FROM coalesce(
                  (SELECT jsonb_agg(o.field_code ORDER BY o.field_code) FROM association_other_fields o WHERE o.association_id = a.id),
                  '[]'::jsonb))
          ORDER BY a.id`,
        [
          intArray(changes.map((c) => c.association_id)),
          intArray(changes.map((c) => c.first_version)),
          `{${changes.map((c) => `"${new Date(c.first_at).toISOString()}"`).join(',')}}`,
        ],
      );
      return res.rows.map((r) => ({ ...r, id: Number(r.id) }));
    },

    /** Saved searches of active users, by id after `afterId` (keyset). */
    async searchesAfter(afterId: number, limit: number): Promise<SavedSearchRow[]> {
      const rows = await db('saved_searches as s')
        .join('users as u', 'u.id', 's.user_id')
        .whereNull('u.disabled_at')
        .where('s.id', '>', afterId)
        .orderBy('s.id')
        .limit(limit)
        .select('s.id', 's.user_id', 's.query', 's.label', 's.created_at', 's.last_checked_at');
      return rows.map((r) => ({ ...r, id: Number(r.id), query: parse<SavedQuery>(r.query) }));
    },

    /** Records these associations as announced to the search; returns those not announced before. */
    async insertHits(trx: Knex, searchId: number, associationIds: readonly number[], at: Date): Promise<Set<number>> {
      if (associationIds.length === 0) return new Set();
      const rows: Array<{ association_id: number }> = await trx('saved_search_hits')
        .insert(associationIds.map((association_id) => ({ saved_search_id: searchId, association_id, found_at: at })))
        .onConflict(['saved_search_id', 'association_id'])
        .ignore()
        .returning('association_id');
      return new Set(rows.map((r) => Number(r.association_id)));
    },

    async markSearchesChecked(ids: readonly number[], at: Date): Promise<void> {
      if (ids.length > 0)
        await db('saved_searches')
          .whereIn('id', [...ids])
          .update({ last_checked_at: at });
    },
  };
}

export function createFollowsRepository(db: Knex) {
  return { ...ownQueries(db), ...changeQueries(db), ...searchAndDigestQueries(db) };
}

export type FollowsRepository = ReturnType<typeof createFollowsRepository>;
