/** Access registrations, organisations, grants, requests and the effective access of a user (Knex only). */
import type { Knex } from 'knex';

export interface OfficerInput {
  full_name: string;
  position: string;
  email: string;
  phone: string;
}

export interface RegistrationRow {
  id: number;
  reference: string;
  token_hash: string;
  kind: 'organisation' | 'person';
  name: string;
  identifier: string;
  address: string;
  email: string;
  phone: string;
  manager_name: string;
  manager_position: string | null;
  manager_email: string;
  manager_phone: string | null;
  purpose: string;
  legal_basis: string;
  categories: string[];
  personal: boolean;
  period_from: string;
  period_to: string;
  officers: OfficerInput[];
  status: 'pending' | 'approved' | 'refused';
  decided_by: number | null;
  decided_at: Date | null;
  decision_reason: string | null;
  organisation_id: number | null;
  created_at: Date;
}

export interface GrantRow {
  id: number;
  organisation_id: number;
  registration_id: number | null;
  categories: string[];
  personal: boolean;
  valid_from: Date;
  expires_at: Date;
  revoked_at: Date | null;
  revoke_reason: string | null;
  created_at: Date;
}

export interface OrganisationRow {
  id: number;
  kind: 'organisation' | 'person';
  name: string;
  identifier: string | null;
  address: string | null;
  email: string | null;
  phone: string | null;
  suspended_until: Date | null;
  access_revoked_at: Date | null;
}

export interface AccessRequestRow {
  id: number;
  organisation_id: number;
  organisation_name?: string;
  kind: 'add_officer' | 'renewal';
  requested_by: number;
  requested_by_name?: string;
  payload: Record<string, string>;
  status: 'pending' | 'approved' | 'refused';
  decided_at: Date | null;
  decision_reason: string | null;
  created_at: Date;
}

/** What a user of an exploiting organisation may read right now (computed per request, never stored). */
export interface AccessStateRow {
  organisation_id: number | null;
  user_suspended_until: Date | null;
  org_suspended_until: Date | null;
  org_access_revoked_at: Date | null;
  grants: Array<{ id: number; categories: string[]; personal: boolean; expires_at: string }>;
}

export const PAGE = 50;

/** The current grants of the organisation in `organisationColumn`, as a JSON array ordered by expiry. */
function currentGrantsJson(db: Knex, organisationColumn: 'u.organisation_id' | 'o.id', now: Date) {
  return db.raw(
    `COALESCE((SELECT json_agg(json_build_object('id', g.id, 'categories', g.categories, 'personal', g.personal, 'expires_at', g.expires_at) ORDER BY g.expires_at)
       FROM access_grants g
      WHERE g.organisation_id = ${organisationColumn} AND g.revoked_at IS NULL AND g.valid_from <= ? AND g.expires_at > ?), '[]'::json) AS grants`,
    [now, now],
  );
}

/** Registrations: the public form's rows, their references and the lead's decision. */
function registrationQueries(db: Knex) {
  return {
    async insertRegistration(
      trx: Knex,
      row: Omit<
        RegistrationRow,
        'id' | 'reference' | 'status' | 'decided_by' | 'decided_at' | 'decision_reason' | 'organisation_id' | 'created_at'
      >,
      year: number,
    ) {
      const [inserted] = await trx('access_registrations')
        .insert({ ...row, officers: JSON.stringify(row.officers), categories: row.categories })
        .returning<{ id: number }[]>('id');
      if (!inserted) throw new Error('insert returned no row');
      const reference = `DK-${year}-${String(inserted.id).padStart(6, '0')}`;
      await trx('access_registrations').where({ id: inserted.id }).update({ reference });
      return { id: inserted.id, reference };
    },
    findRegistrationByReference(reference: string): Promise<RegistrationRow | undefined> {
      return db<RegistrationRow>('access_registrations').where({ reference }).first();
    },
    findRegistration(id: number, trx: Knex = db): Promise<RegistrationRow | undefined> {
      return trx<RegistrationRow>('access_registrations').where({ id }).first();
    },
    /** Lock the pending registration for a decision: two deciders racing → one wins, the other gets nothing. */
    lockPendingRegistration(trx: Knex, id: number): Promise<RegistrationRow | undefined> {
      return trx<RegistrationRow>('access_registrations').where({ id, status: 'pending' }).forUpdate().first();
    },
    async listRegistrations(status: string | null, page: number) {
      const base = db('access_registrations').modify((q) => {
        if (status) q.where({ status });
      });
      const [countRow, rows] = await Promise.all([
        base.clone().count<{ n: string }[]>('* as n').first(),
        base
          .clone()
          .select('id', 'reference', 'kind', 'name', 'categories', 'status', 'created_at', 'decided_at', 'organisation_id')
          .orderByRaw("CASE WHEN status = 'pending' THEN 0 ELSE 1 END")
          .orderBy('created_at', 'desc')
          .limit(PAGE)
          .offset((page - 1) * PAGE),
      ]);
      return { total: Number(countRow?.n ?? 0), rows: rows as RegistrationRow[] };
    },
    async decideRegistration(trx: Knex, id: number, patch: Partial<RegistrationRow>) {
      await trx('access_registrations').where({ id }).update(patch);
    },
  };
}

/** Exploiting organisations and their users. */
function organisationQueries(db: Knex) {
  return {
    async insertOrganisation(trx: Knex, row: Omit<OrganisationRow, 'id' | 'suspended_until' | 'access_revoked_at'>): Promise<number> {
      const [o] = await trx('organisations').insert(row).returning<{ id: number }[]>('id');
      if (!o) throw new Error('insert returned no row');
      return o.id;
    },
    findOrganisation(id: number, trx: Knex = db): Promise<OrganisationRow | undefined> {
      return trx<OrganisationRow>('organisations').where({ id }).first();
    },
    /** Users of an organisation (manager and officers), with their use counted from the log. */
    members(organisationId: number, trx: Knex = db) {
      return trx('users as u')
        .where('u.organisation_id', organisationId)
        .select(
          'u.id',
          'u.username',
          'u.display_name',
          'u.email',
          'u.roles',
          'u.disabled_at',
          'u.suspended_until',
          'u.must_change_password',
          'u.last_login_at',
          trx.raw("(SELECT count(*)::int FROM exploitation_log l WHERE l.user_id = u.id AND l.format = 'html') AS reads"),
          trx.raw("(SELECT count(*)::int FROM exploitation_log l WHERE l.user_id = u.id AND l.format <> 'html') AS exports"),
          trx.raw('(SELECT max(l.at) FROM exploitation_log l WHERE l.user_id = u.id) AS last_use'),
        )
        .orderBy('u.display_name') as Promise<
        Array<{
          id: number;
          username: string;
          display_name: string;
          email: string | null;
          roles: string[];
          disabled_at: Date | null;
          suspended_until: Date | null;
          must_change_password: boolean;
          last_login_at: Date | null;
          reads: number;
          exports: number;
          last_use: Date | null;
        }>
      >;
    },
    usernameTaken(username: string, trx: Knex): Promise<boolean> {
      return trx('users')
        .whereRaw('lower(username) = lower(?)', [username])
        .first('id')
        .then((r) => !!r);
    },
  };
}

/** Grants, and the effective access they give a user. */
function grantQueries(db: Knex) {
  return {
    async insertGrant(
      trx: Knex,
      row: {
        organisation_id: number;
        registration_id: number | null;
        categories: string[];
        personal: boolean;
        valid_from: Date;
        expires_at: Date;
        created_by: number | null;
      },
    ): Promise<number> {
      const [g] = await trx('access_grants').insert(row).returning<{ id: number }[]>('id');
      if (!g) throw new Error('insert returned no row');
      return g.id;
    },
    findGrant(id: number, trx: Knex = db): Promise<GrantRow | undefined> {
      return trx<GrantRow>('access_grants').where({ id }).first();
    },
    async revokeGrant(trx: Knex, id: number, at: Date, by: number | null, reason: string): Promise<boolean> {
      const n = await trx('access_grants')
        .where({ id })
        .whereNull('revoked_at')
        .update({ revoked_at: at, revoked_by: by, revoke_reason: reason });
      return n === 1;
    },
    async setGrantExpiry(trx: Knex, id: number, expiresAt: Date): Promise<void> {
      await trx('access_grants').where({ id }).update({ expires_at: expiresAt });
    },
    /** Grants not revoked and not expired at `now` (one organisation, or all), soonest expiry first. */
    currentGrants(now: Date, organisationId?: number): Promise<Array<GrantRow & { organisation_name: string }>> {
      return db('access_grants as g')
        .join('organisations as o', 'o.id', 'g.organisation_id')
        .whereNull('g.revoked_at')
        .where('g.expires_at', '>', now)
        .modify((q) => {
          if (organisationId !== undefined) q.where('g.organisation_id', organisationId);
        })
        .orderBy('g.expires_at')
        .select('g.*', 'o.name as organisation_name');
    },
    /** The latest grant of an organisation, current or not (the dashboard shows an expired one too). */
    latestGrant(organisationId: number): Promise<GrantRow | undefined> {
      return db<GrantRow>('access_grants').where({ organisation_id: organisationId }).orderBy('expires_at', 'desc').first();
    },
    /**
     * The effective access of one user, read on every request: the user's and the organisation's
     * suspension and revocation, and the organisation's current grants. One round trip.
     */
    async accessState(userId: number, now: Date): Promise<AccessStateRow | undefined> {
      const row = await db('users as u')
        .leftJoin('organisations as o', 'o.id', 'u.organisation_id')
        .where('u.id', userId)
        .first<AccessStateRow>(
          'u.organisation_id',
          'u.suspended_until as user_suspended_until',
          'o.suspended_until as org_suspended_until',
          'o.access_revoked_at as org_access_revoked_at',
          currentGrantsJson(db, 'u.organisation_id', now),
        );
      if (!row) return undefined;
      const grants = typeof row.grants === 'string' ? JSON.parse(row.grants) : row.grants;
      return { ...row, grants };
    },
    /** The same state for an organisation as a whole (its API keys, issue 17): no user suspension applies. */
    async organisationAccessState(organisationId: number, now: Date): Promise<AccessStateRow | undefined> {
      const row = await db('organisations as o')
        .where('o.id', organisationId)
        .first<AccessStateRow>(
          'o.id as organisation_id',
          db.raw('NULL::timestamptz AS user_suspended_until'),
          'o.suspended_until as org_suspended_until',
          'o.access_revoked_at as org_access_revoked_at',
          currentGrantsJson(db, 'o.id', now),
        );
      if (!row) return undefined;
      const grants = typeof row.grants === 'string' ? JSON.parse(row.grants) : row.grants;
      return { ...row, grants };
    },
  };
}

/** The organisations' requests (another officer, a renewal). */
function requestQueries(db: Knex) {
  return {
    async insertRequest(trx: Knex, row: { organisation_id: number; kind: string; requested_by: number; payload: Record<string, string> }) {
      const [r] = await trx('access_requests')
        .insert({ ...row, payload: JSON.stringify(row.payload) })
        .returning<{ id: number }[]>('id');
      if (!r) throw new Error('insert returned no row');
      return r.id;
    },
    lockPendingRequest(trx: Knex, id: number): Promise<AccessRequestRow | undefined> {
      return trx<AccessRequestRow>('access_requests').where({ id, status: 'pending' }).forUpdate().first();
    },
    async decideRequest(trx: Knex, id: number, patch: Record<string, unknown>) {
      await trx('access_requests').where({ id }).update(patch);
    },
    requests(filter: { status?: string; organisationId?: number }, limit = 100): Promise<AccessRequestRow[]> {
      return db('access_requests as r')
        .join('organisations as o', 'o.id', 'r.organisation_id')
        .join('users as u', 'u.id', 'r.requested_by')
        .modify((q) => {
          if (filter.status) q.where('r.status', filter.status);
          if (filter.organisationId !== undefined) q.where('r.organisation_id', filter.organisationId);
        })
        .orderBy('r.created_at', 'desc')
        .limit(limit)
        .select('r.*', 'o.name as organisation_name', 'u.display_name as requested_by_name');
    },
  };
}

export function createAccessRepository(db: Knex) {
  return { ...registrationQueries(db), ...organisationQueries(db), ...grantQueries(db), ...requestQueries(db) };
}

export type AccessRepository = ReturnType<typeof createAccessRepository>;
