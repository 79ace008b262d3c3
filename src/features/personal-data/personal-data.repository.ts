/** SQL of personal-data requests (issue 17 item 1): the deadline catalogue, the requests, their timeline. Knex only. */
import type { Knex } from 'knex';
import { likeEscape } from '../../db/filters.js';
import type { ListFilters, RequestState, RequestType } from './personal-data.schemas.js';

export interface DeadlineRow {
  request_type: RequestType;
  days: number;
  legal_basis: string;
  updated_at: Date;
  updated_by: number | null;
}

export interface RequestRow {
  id: number;
  request_type: RequestType;
  channel: 'web' | 'paper';
  state: RequestState;
  requester_name: string;
  birth_year: number | null;
  email: string | null;
  phone: string | null;
  address: string | null;
  relation: string;
  data_concerned: string;
  details: string;
  received_at: Date;
  due_at: Date;
  deadline_days: number;
  verified_at: Date | null;
  verified_by: number | null;
  verification_method: string | null;
  answer_text: string | null;
  refusal_reason: string | null;
  answered_at: Date | null;
  letter_number: string | null;
  created_by: number | null;
  updated_at: Date;
}

export interface RequestListRow extends RequestRow {
  association_names: string | null;
}

export interface EventRow {
  id: number;
  at: Date;
  kind: string;
  from_state: string | null;
  to_state: string | null;
  note: string | null;
  actor_name: string | null;
}

export interface LinkedAssociation {
  id: number;
  code: string;
  name: string;
}

const OPEN = ['received', 'verifying', 'in_progress'];

/** The register: filtered pages, the CSV's batches, the overdue count and the reminders' selection. */
function registerQueries(db: Knex) {
  function applyFilters(q: Knex.QueryBuilder, f: ListFilters, now: Date): Knex.QueryBuilder {
    if (f.state) q.where('r.state', f.state);
    if (f.type) q.where('r.request_type', f.type);
    if (f.overdue) q.whereIn('r.state', OPEN).where('r.due_at', '<', now);
    // Dates are Viet Nam calendar days of receipt.
    if (f.from) q.where('r.received_at', '>=', db.raw(`(?::date)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'`, [f.from]));
    if (f.to) q.where('r.received_at', '<', db.raw(`((?::date) + 1)::timestamp AT TIME ZONE 'Asia/Ho_Chi_Minh'`, [f.to]));
    if (f.associationId !== undefined) {
      q.whereExists(
        db('personal_data_request_associations as ra').whereRaw('ra.request_id = r.id').where('ra.association_id', f.associationId),
      );
    }
    return q;
  }

  const withNames = (q: Knex.QueryBuilder) =>
    q.select(
      'r.*',
      db
        .raw(
          `(SELECT string_agg(a.name || ' (' || a.code || ')', '; ' ORDER BY a.name) FROM personal_data_request_associations ra
            JOIN associations a ON a.id = ra.association_id WHERE ra.request_id = r.id)`,
        )
        .wrap('(', ') as association_names'),
    );

  return {
    async list(f: ListFilters, now: Date, page: number, perPage: number): Promise<{ rows: RequestListRow[]; total: number }> {
      const [count] = await applyFilters(db('personal_data_requests as r'), f, now).count<{ n: string | number }[]>({ n: '*' });
      const rows = await withNames(applyFilters(db('personal_data_requests as r'), f, now))
        .orderBy('r.received_at', 'desc')
        .orderBy('r.id', 'desc')
        .limit(perPage)
        .offset((page - 1) * perPage);
      return { rows, total: Number(count?.n ?? 0) };
    },

    /** Every filtered row, oldest first, in batches by id (the streamed CSV). */
    async *batches(f: ListFilters, now: Date, size = 500): AsyncGenerator<RequestListRow[]> {
      let after = 0;
      for (;;) {
        const rows: RequestListRow[] = await withNames(applyFilters(db('personal_data_requests as r'), f, now).where('r.id', '>', after))
          .orderBy('r.id', 'asc')
          .limit(size);
        if (rows.length === 0) return;
        yield rows;
        after = (rows.at(-1) as RequestListRow).id;
        if (rows.length < size) return;
      }
    },

    async overdueCount(now: Date): Promise<number> {
      const [row] = await db('personal_data_requests')
        .whereIn('state', OPEN)
        .where('due_at', '<', now)
        .count<{ n: string | number }[]>({ n: '*' });
      return Number(row?.n ?? 0);
    },

    /** Open requests due before `until` (overdue ones included), at most `limit`, earliest first. */
    dueBefore(until: Date, limit: number): Promise<RequestRow[]> {
      return db<RequestRow>('personal_data_requests').whereIn('state', OPEN).where('due_at', '<', until).orderBy('due_at').limit(limit);
    },
  };
}

export function createPersonalDataRepository(db: Knex) {
  return {
    deadlines(trx: Knex = db): Promise<DeadlineRow[]> {
      return trx<DeadlineRow>('personal_data_deadlines')
        .select('*')
        .orderByRaw(`array_position(ARRAY['access','correction','deletion','objection'], request_type)`);
    },

    deadline(trx: Knex, type: RequestType): Promise<DeadlineRow | undefined> {
      return trx<DeadlineRow>('personal_data_deadlines').where({ request_type: type }).first();
    },

    async setDeadline(trx: Knex, type: RequestType, days: number, by: number | null, at: Date): Promise<void> {
      await trx('personal_data_deadlines').where({ request_type: type }).update({ days, updated_by: by, updated_at: at });
    },

    /** Associations a typed term names: its code (H000042), or its name ignoring case and diacritics (at most 2). */
    async associationsFor(term: string): Promise<LinkedAssociation[]> {
      const byCode = await db('associations').whereRaw('upper(code) = ?', [term.toUpperCase()]).select('id', 'code', 'name').limit(2);
      if (byCode.length > 0) return byCode;
      return db('associations')
        .whereRaw(`f_unaccent(name) ILIKE f_unaccent(?)`, [likeEscape(term)])
        .select('id', 'code', 'name')
        .orderBy('id')
        .limit(2);
    },

    async insert(
      trx: Knex,
      row: Omit<
        RequestRow,
        | 'id'
        | 'updated_at'
        | 'state'
        | 'verified_at'
        | 'verified_by'
        | 'verification_method'
        | 'answer_text'
        | 'refusal_reason'
        | 'answered_at'
        | 'letter_number'
      >,
    ): Promise<RequestRow> {
      const [inserted] = await trx('personal_data_requests')
        .insert({ ...row, state: 'received', updated_at: row.received_at })
        .returning('*');
      return inserted as RequestRow;
    },

    async link(trx: Knex, requestId: number, associationIds: readonly number[]): Promise<void> {
      if (associationIds.length === 0) return;
      await trx('personal_data_request_associations').insert(
        associationIds.map((association_id) => ({ request_id: requestId, association_id })),
      );
    },

    async event(
      trx: Knex,
      e: {
        request_id: number;
        at: Date;
        actor_user_id: number | null;
        kind: string;
        from_state?: string | null;
        to_state?: string | null;
        note?: string | null;
      },
    ): Promise<void> {
      await trx('personal_data_request_events').insert({ from_state: null, to_state: null, note: null, ...e });
    },

    find(id: number, trx: Knex = db): Promise<RequestRow | undefined> {
      return trx<RequestRow>('personal_data_requests').where({ id }).first();
    },

    lock(trx: Knex, id: number): Promise<RequestRow | undefined> {
      return trx<RequestRow>('personal_data_requests').where({ id }).forUpdate().first();
    },

    async update(trx: Knex, id: number, patch: Partial<RequestRow>): Promise<void> {
      await trx('personal_data_requests').where({ id }).update(patch);
    },

    associationsOf(requestId: number, trx: Knex = db): Promise<LinkedAssociation[]> {
      return trx('personal_data_request_associations as ra')
        .join('associations as a', 'a.id', 'ra.association_id')
        .where('ra.request_id', requestId)
        .select('a.id', 'a.code', 'a.name')
        .orderBy('a.name');
    },

    /** Whether the request names this association (the officer's scope). */
    async names(requestId: number, associationId: number): Promise<boolean> {
      const row = await db('personal_data_request_associations').where({ request_id: requestId, association_id: associationId }).first();
      return row !== undefined;
    },

    events(requestId: number): Promise<EventRow[]> {
      return db('personal_data_request_events as e')
        .leftJoin('users as u', 'u.id', 'e.actor_user_id')
        .where('e.request_id', requestId)
        .select('e.id', 'e.at', 'e.kind', 'e.from_state', 'e.to_state', 'e.note', 'u.display_name as actor_name')
        .orderBy('e.at', 'asc')
        .orderBy('e.id', 'asc');
    },

    ...registerQueries(db),
  };
}

export type PersonalDataRepository = ReturnType<typeof createPersonalDataRepository>;
