import type { Knex } from 'knex';

/**
 * The IT Centre's audit log page (/quan-tri/he-thong/nhat-ky, SPEC §1, issue 15): pages newest first in the order
 * (occurred_at, id), by keyset, each filter answered by an index in that order so a page reads about one page of
 * index entries however many rows match. The four indexes of 20261129000400 gain `id` (and `occurred_at` for the
 * record's) at their end and replace them; the address filter gets one on the address with an IPv4-mapped IPv6
 * address (`::ffff:10.0.0.1`, what a dual-stack socket reports) read as its IPv4 form — the repository
 * (src/features/audit/audit-log.repository.ts, IP_KEY) filters on the same expression.
 */
const IP_KEY = "(CASE WHEN ip LIKE '::ffff:%' THEN substr(ip, 8) ELSE ip END)";

export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX audit_events_occurred_at_id_idx ON audit_events (occurred_at, id)');
  await knex.raw('CREATE INDEX audit_events_actor_occurred_at_id_idx ON audit_events (actor_user_id, occurred_at, id)');
  await knex.raw('CREATE INDEX audit_events_action_occurred_at_id_idx ON audit_events (action, occurred_at, id)');
  await knex.raw('CREATE INDEX audit_events_target_occurred_at_id_idx ON audit_events (target_type, target_id, occurred_at, id)');
  await knex.raw(`CREATE INDEX audit_events_ip_occurred_at_id_idx ON audit_events (${IP_KEY}, occurred_at, id)`);
  await knex.raw('DROP INDEX IF EXISTS audit_events_occurred_at_index');
  await knex.raw('DROP INDEX IF EXISTS audit_events_actor_user_id_occurred_at_index');
  await knex.raw('DROP INDEX IF EXISTS audit_events_action_occurred_at_index');
  await knex.raw('DROP INDEX IF EXISTS audit_events_target_type_target_id_index');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS audit_events_occurred_at_index ON audit_events (occurred_at)');
  await knex.raw('CREATE INDEX IF NOT EXISTS audit_events_actor_user_id_occurred_at_index ON audit_events (actor_user_id, occurred_at)');
  await knex.raw('CREATE INDEX IF NOT EXISTS audit_events_action_occurred_at_index ON audit_events (action, occurred_at)');
  await knex.raw('CREATE INDEX IF NOT EXISTS audit_events_target_type_target_id_index ON audit_events (target_type, target_id)');
  for (const name of ['occurred_at_id', 'actor_occurred_at_id', 'action_occurred_at_id', 'target_occurred_at_id', 'ip_occurred_at_id']) {
    await knex.raw(`DROP INDEX IF EXISTS audit_events_${name}_idx`);
  }
}
