/** API keys of exploiting organisations (issue 17 item 3): Knex only. */
import type { Knex } from 'knex';

export interface ApiKeyRow {
  id: number;
  organisation_id: number;
  label: string;
  prefix: string;
  created_by: number;
  created_by_name?: string | null;
  created_at: Date;
  expires_at: Date | null;
  revoked_at: Date | null;
  revoked_by: number | null;
  last_used_at: Date | null;
}

const COLUMNS = [
  'k.id',
  'k.organisation_id',
  'k.label',
  'k.prefix',
  'k.created_by',
  'k.created_at',
  'k.expires_at',
  'k.revoked_at',
  'k.revoked_by',
  'k.last_used_at',
];

export function createApiKeysRepository(db: Knex) {
  return {
    async insert(
      trx: Knex,
      row: {
        organisation_id: number;
        label: string;
        prefix: string;
        secret_hash: string;
        created_by: number;
        created_at: Date;
        expires_at: Date | null;
      },
    ): Promise<ApiKeyRow> {
      const [r] = await trx('api_keys')
        .insert(row)
        .returning<ApiKeyRow[]>(COLUMNS.map((c) => c.slice(2)));
      if (!r) throw new Error('insert returned no row');
      return r;
    },
    /** One organisation's keys, newest first, a page at a time (the index on organisation_id, created_at). */
    async page(organisationId: number, limit: number, offset: number): Promise<{ total: number; rows: ApiKeyRow[] }> {
      const base = db('api_keys as k').where('k.organisation_id', organisationId);
      const [count, rows] = await Promise.all([
        base.clone().count<{ n: string }[]>('* as n').first(),
        base
          .clone()
          .leftJoin('users as u', 'u.id', 'k.created_by')
          .select([...COLUMNS, 'u.display_name as created_by_name'])
          .orderBy('k.created_at', 'desc')
          .orderBy('k.id', 'desc')
          .limit(limit)
          .offset(offset),
      ]);
      return { total: Number(count?.n ?? 0), rows: rows as ApiKeyRow[] };
    },
    findOwn(organisationId: number, id: number): Promise<ApiKeyRow | undefined> {
      return db('api_keys as k').where({ 'k.id': id, 'k.organisation_id': organisationId }).first<ApiKeyRow>(COLUMNS);
    },
    /** A key of this organisation, locked for its revocation. */
    findOwnForUpdate(trx: Knex, organisationId: number, id: number): Promise<ApiKeyRow | undefined> {
      return trx('api_keys as k').where({ 'k.id': id, 'k.organisation_id': organisationId }).forUpdate().first<ApiKeyRow>(COLUMNS);
    },
    async revoke(trx: Knex, id: number, at: Date, by: number): Promise<void> {
      await trx('api_keys').where({ id }).whereNull('revoked_at').update({ revoked_at: at, revoked_by: by });
    },
    /** The key presented to the API, by the hash of its text (unique index). */
    findByHash(hash: string): Promise<ApiKeyRow | undefined> {
      return db('api_keys as k').where('k.secret_hash', hash).first<ApiKeyRow>(COLUMNS);
    },
    /** At most one write per key per minute: a busy key does not write its row on every call. */
    async touch(id: number, at: Date): Promise<void> {
      await db('api_keys')
        .where({ id })
        .where((q) => q.whereNull('last_used_at').orWhere('last_used_at', '<', new Date(at.getTime() - 60_000)))
        .update({ last_used_at: at });
    },
  };
}

export type ApiKeysRepository = ReturnType<typeof createApiKeysRepository>;
