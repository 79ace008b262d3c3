/**
 * What the register holds about one person (an access request, issue 17 item 1). The matching rule, stated on the
 * export and in the guide: a leader row matches when its full name equals the requester's ignoring case and
 * diacritics AND at least one identifier the requester gave agrees — year of birth, phone (digits only) or e-mail
 * (case ignored). Versions: the saved versions of the associations concerned (those of the matched rows and those the
 * request names) whose snapshot lists a leader matching the same rule; only those leader entries are exported.
 * Audit rows: events on those associations whose details name the person, and events on this person's requests.
 * Knex only; every statement is bounded by an index (leaders' name trigram index, versions by association).
 */
import type { Knex } from 'knex';
import { likeEscape } from '../../db/filters.js';

export interface Subject {
  requestId: number;
  name: string;
  birthYear: number | null;
  phone: string | null;
  email: string | null;
  associationIds: readonly number[];
}

const digits = (s: string | null) => (s ?? '').replace(/\D/g, '');

/** The identifier condition on a row reached by `col(name)` (a column, or a jsonb field as text). */
function identifiers(s: Subject, col: (name: string) => string): { sql: string; bindings: Array<string | number> } {
  const parts: string[] = [];
  const bindings: Array<string | number> = [];
  if (s.birthYear !== null) {
    parts.push(`${col('birth_year')} = ?`);
    bindings.push(String(s.birthYear));
  }
  if (digits(s.phone).length >= 8) {
    parts.push(`regexp_replace(coalesce(${col('phone')}, ''), '[^0-9]', '', 'g') = ?`);
    bindings.push(digits(s.phone));
  }
  if (s.email) {
    parts.push(`lower(trim(coalesce(${col('email')}, ''))) = ?`);
    bindings.push(s.email.trim().toLowerCase());
  }
  return parts.length === 0 ? { sql: 'false', bindings: [] } : { sql: `(${parts.join(' OR ')})`, bindings };
}

export function createSubjectRepository(db: Knex) {
  return {
    async leaders(s: Subject) {
      const id = identifiers(s, (c) => (c === 'birth_year' ? 'l.birth_year::text' : `l.${c}`));
      return db('leaders as l')
        .join('associations as a', 'a.id', 'l.association_id')
        .leftJoin('leader_positions as p', 'p.code', 'l.position_code')
        .whereRaw('f_unaccent(l.full_name) ILIKE f_unaccent(?)', [likeEscape(s.name.trim())])
        .whereRaw(id.sql, id.bindings)
        .select('l.*', 'a.code as association_code', 'a.name as association_name', 'p.name as position_name')
        .orderBy('l.id');
    },

    async versions(s: Subject, associationIds: readonly number[]) {
      if (associationIds.length === 0) return [];
      const id = identifiers(s, (c) => `(e.value->>'${c}')`);
      return db('association_versions as v')
        .join('associations as a', 'a.id', 'v.association_id')
        .joinRaw(`CROSS JOIN LATERAL jsonb_array_elements(coalesce(v.snapshot->'lists'->'leaders', '[]'::jsonb)) AS e(value)`)
        .whereIn('v.association_id', [...associationIds])
        .whereRaw(`f_unaccent(e.value->>'full_name') ILIKE f_unaccent(?)`, [likeEscape(s.name.trim())])
        .whereRaw(id.sql, id.bindings)
        .select('v.id', 'a.code as association_code', 'v.version', 'v.source', 'v.created_at', db.raw('e.value as leader'))
        .orderBy('v.id');
    },

    async auditRows(s: Subject, associationCodes: readonly string[], requestIds: readonly number[]) {
      const like = `%${likeEscape(s.name.trim())}%`;
      return db('audit_events')
        .where((w) => {
          if (associationCodes.length > 0) {
            w.orWhere((x) =>
              x
                .where('target_type', 'association')
                .whereIn('target_id', [...associationCodes])
                .whereRaw('f_unaccent(details::text) ILIKE f_unaccent(?)', [like]),
            );
          }
          w.orWhere((x) => x.where('target_type', 'personal_data_request').whereIn('target_id', requestIds.map(String)));
        })
        .select('id', 'occurred_at', 'actor_username', 'action', 'outcome', 'target_type', 'target_id', 'details')
        .orderBy('id');
    },

    /** This person's requests: the same name and the same e-mail or phone. */
    async requestIds(s: Subject): Promise<number[]> {
      const id = identifiers({ ...s, birthYear: null }, (c) => `r.${c}`);
      const rows = await db('personal_data_requests as r')
        .whereRaw('f_unaccent(r.requester_name) ILIKE f_unaccent(?)', [likeEscape(s.name.trim())])
        .whereRaw(id.sql, id.bindings)
        .pluck('r.id');
      return [...new Set([s.requestId, ...rows.map(Number)])].sort((a, b) => a - b);
    },

    codesOf(ids: readonly number[]): Promise<Array<{ id: number; code: string }>> {
      if (ids.length === 0) return Promise.resolve([]);
      return db('associations')
        .whereIn('id', [...ids])
        .select('id', 'code')
        .orderBy('id');
    },
  };
}

export type SubjectRepository = ReturnType<typeof createSubjectRepository>;
