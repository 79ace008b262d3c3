/** SQL of violations and their actions, and the access columns an action writes. Knex only. */
import type { Knex } from 'knex';
import { likeEscape } from '../../db/filters.js';
import type { ViolationAction } from './violations.schemas.js';

export interface ViolationRow {
  id: number;
  target_type: 'organisation' | 'user';
  organisation_id: number | null;
  user_id: number | null;
  description: string;
  occurred_on: string;
  evidence: string;
  evidence_storage_name: string | null;
  evidence_original_name: string | null;
  evidence_mime_type: string | null;
  evidence_size_bytes: number | null;
  evidence_sha256: string | null;
  reporter: string;
  last_action: ViolationAction | null;
  created_at: Date;
  created_by: number | null;
}

export interface ViolationListRow extends ViolationRow {
  organisation_name: string | null;
  username: string | null;
  user_display_name: string | null;
}

export interface ViolationActionRow {
  id: number;
  violation_id: number;
  action: ViolationAction;
  until_date: string | null;
  effective_until: Date | null;
  note: string;
  decided_at: Date;
  decided_by: number | null;
  decided_by_username?: string | null;
}

export interface TargetOrganisation {
  id: number;
  name: string;
  suspended_until: Date | null;
  access_revoked_at: Date | null;
}

export interface TargetUser {
  id: number;
  username: string;
  display_name: string;
  roles: string[];
  organisation_id: number | null;
  suspended_until: Date | null;
  disabled_at: Date | null;
}

export function createViolationsRepository(db: Knex) {
  const listBase = (trx: Knex) =>
    trx('violations as v')
      .leftJoin('organisations as o', 'o.id', 'v.organisation_id')
      .leftJoin('users as u', 'u.id', 'v.user_id')
      .select('v.*', 'o.name as organisation_name', 'u.username', 'u.display_name as user_display_name');

  return {
    async list(f: { q: string; targetType: string; page: number; perPage: number }): Promise<{ rows: ViolationListRow[]; total: number }> {
      const apply = (q: Knex.QueryBuilder) => {
        if (f.targetType) q.where('v.target_type', f.targetType);
        if (f.q) {
          const like = `%${likeEscape(f.q.toLowerCase())}%`;
          q.where((w) =>
            w
              .whereRaw('lower(v.description) like ?', [like])
              .orWhereRaw('lower(o.name) like ?', [like])
              .orWhereRaw('lower(u.username) like ?', [like])
              .orWhereRaw('lower(u.display_name) like ?', [like]),
          );
        }
        return q;
      };
      const countQ = apply(
        db('violations as v').leftJoin('organisations as o', 'o.id', 'v.organisation_id').leftJoin('users as u', 'u.id', 'v.user_id'),
      );
      const [count] = await countQ.count<{ n: number | string }[]>({ n: '*' });
      const rows = await apply(listBase(db))
        .orderBy('v.created_at', 'desc')
        .orderBy('v.id', 'desc')
        .limit(f.perPage)
        .offset((f.page - 1) * f.perPage);
      return { rows, total: Number(count?.n ?? 0) };
    },

    find(id: number, trx: Knex = db): Promise<ViolationListRow | undefined> {
      return listBase(trx).where('v.id', id).first();
    },

    /** Locks the violation row so two decisions on it are serialised. */
    lock(trx: Knex, id: number): Promise<ViolationRow | undefined> {
      return trx<ViolationRow>('violations').where({ id }).forUpdate().first();
    },

    actions(violationId: number): Promise<ViolationActionRow[]> {
      return db('violation_actions as a')
        .leftJoin('users as u', 'u.id', 'a.decided_by')
        .where('a.violation_id', violationId)
        .select('a.*', 'u.username as decided_by_username')
        .orderBy('a.decided_at', 'asc')
        .orderBy('a.id', 'asc');
    },

    /** Other violations against the same target (the detail page's history). */
    related(v: ViolationRow): Promise<ViolationRow[]> {
      const q = db<ViolationRow>('violations').whereNot('id', v.id);
      if (v.target_type === 'organisation') q.where('organisation_id', v.organisation_id as number);
      else q.where('user_id', v.user_id as number);
      return q.orderBy('created_at', 'desc').limit(50);
    },

    async insert(trx: Knex, row: Omit<ViolationRow, 'id' | 'last_action'>): Promise<ViolationRow> {
      const [inserted] = await trx<ViolationRow>('violations').insert(row).returning('*');
      if (!inserted) throw new Error('insert returned no row');
      return inserted as ViolationRow;
    },

    async insertAction(trx: Knex, row: Omit<ViolationActionRow, 'id'>): Promise<ViolationActionRow> {
      const [inserted] = await trx<ViolationActionRow>('violation_actions').insert(row).returning('*');
      if (!inserted) throw new Error('insert returned no row');
      await trx('violations').where({ id: row.violation_id }).update({ last_action: row.action });
      return inserted as ViolationActionRow;
    },

    existsByStorageName(name: string): Promise<boolean> {
      return db('violations')
        .where({ evidence_storage_name: name })
        .first('id')
        .then((r) => Boolean(r));
    },

    findOrganisation(id: number, trx: Knex = db): Promise<TargetOrganisation | undefined> {
      return trx<TargetOrganisation>('organisations').where({ id }).select('id', 'name', 'suspended_until', 'access_revoked_at').first();
    },

    findUserByUsername(username: string, trx: Knex = db): Promise<TargetUser | undefined> {
      return trx<TargetUser>('users')
        .whereRaw('lower(username) = lower(?)', [username])
        .select('id', 'username', 'display_name', 'roles', 'organisation_id', 'suspended_until', 'disabled_at')
        .first();
    },

    findUser(id: number, trx: Knex = db): Promise<TargetUser | undefined> {
      return trx<TargetUser>('users')
        .where({ id })
        .select('id', 'username', 'display_name', 'roles', 'organisation_id', 'suspended_until', 'disabled_at')
        .first();
    },

    listOrganisations(): Promise<Array<{ id: number; name: string }>> {
      return db('organisations').select('id', 'name').orderByRaw('lower(name)').limit(2000);
    },

    // --- the access columns (read by the per-request access check) ---

    setOrganisationSuspension(trx: Knex, id: number, until: Date | null): Promise<number> {
      return trx('organisations').where({ id }).update({ suspended_until: until, updated_at: trx.fn.now() });
    },

    revokeOrganisation(trx: Knex, id: number, at: Date): Promise<number> {
      return trx('organisations').where({ id }).whereNull('access_revoked_at').update({ access_revoked_at: at, updated_at: trx.fn.now() });
    },

    setUserSuspension(trx: Knex, id: number, until: Date | null): Promise<number> {
      return trx('users').where({ id }).update({ suspended_until: until, updated_at: trx.fn.now() });
    },

    disableUser(trx: Knex, id: number, at: Date): Promise<number> {
      return trx('users').where({ id }).whereNull('disabled_at').update({ disabled_at: at, updated_at: trx.fn.now() });
    },

    /** Ends every session of the users at their next request (deserializeUser compares the generation). */
    endSessions(trx: Knex, where: { userId?: number; organisationId?: number }): Promise<number> {
      const q = trx('users');
      if (where.userId !== undefined) q.where('id', where.userId);
      else if (where.organisationId !== undefined) q.where('organisation_id', where.organisationId);
      else throw new Error('endSessions needs a user or an organisation');
      return q.update({ session_generation: trx.raw('session_generation + 1') });
    },

    managersOf(trx: Knex, organisationId: number): Promise<number[]> {
      return trx('users')
        .where('organisation_id', organisationId)
        .whereNull('disabled_at')
        .whereRaw("'org_manager' = ANY(roles)")
        .pluck('id');
    },
  };
}

export type ViolationsRepository = ReturnType<typeof createViolationsRepository>;
