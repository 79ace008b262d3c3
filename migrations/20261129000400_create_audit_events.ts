import type { Knex } from 'knex';

/**
 * Append-only audit trail (RELIABILITY check 30): logins, failures, 403s, personal-data views, writes, exports.
 * A trigger refuses UPDATE, DELETE and TRUNCATE so the application cannot rewrite history.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('audit_events', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('actor_user_id');
    t.text('actor_username');
    t.text('action').notNullable();
    t.text('outcome').notNullable().defaultTo('success');
    t.text('target_type');
    t.text('target_id');
    t.text('ip');
    t.text('request_id');
    t.jsonb('details');
    t.index(['occurred_at']);
    t.index(['actor_user_id', 'occurred_at']);
    t.index(['action', 'occurred_at']);
    t.index(['target_type', 'target_id']);
  });
  await knex.raw(`ALTER TABLE audit_events ADD CONSTRAINT audit_events_outcome_known
    CHECK (outcome IN ('success', 'failure', 'denied'))`);
  await knex.raw(`
    CREATE OR REPLACE FUNCTION audit_events_append_only() RETURNS trigger
    LANGUAGE plpgsql AS $$
    BEGIN
      RAISE EXCEPTION 'audit_events is append-only' USING ERRCODE = 'insufficient_privilege';
    END $$`);
  await knex.raw(`CREATE TRIGGER audit_events_no_update BEFORE UPDATE OR DELETE ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_append_only()`);
  await knex.raw(`CREATE TRIGGER audit_events_no_truncate BEFORE TRUNCATE ON audit_events
    FOR EACH STATEMENT EXECUTE FUNCTION audit_events_append_only()`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('audit_events');
  await knex.raw('DROP FUNCTION IF EXISTS audit_events_append_only()');
}
