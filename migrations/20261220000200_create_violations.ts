import type { Knex } from 'knex';

/**
 * Violations of the regulation: what happened, against an organisation or one user, the evidence (text and
 * an optional file kept under the documents storage rules), and the history of actions taken (warning, suspension
 * until a date, revocation, early lift of a suspension). The action's effect lives on organisations / users.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('violations', (t) => {
    t.increments('id').primary();
    t.text('target_type').notNullable();
    t.integer('organisation_id').references('id').inTable('organisations');
    t.integer('user_id').references('id').inTable('users');
    t.text('description').notNullable();
    t.date('occurred_on').notNullable();
    t.text('evidence').notNullable().defaultTo('');
    t.text('evidence_storage_name');
    t.text('evidence_original_name');
    t.text('evidence_mime_type');
    t.bigInteger('evidence_size_bytes');
    t.text('evidence_sha256');
    t.text('reporter').notNullable().defaultTo('');
    t.text('last_action');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('created_by').references('id').inTable('users');
    t.index(['organisation_id']);
    t.index(['user_id']);
    t.index(['created_at']);
  });
  await knex.raw("ALTER TABLE violations ADD CONSTRAINT violations_target_known CHECK (target_type IN ('organisation', 'user'))");
  await knex.raw(
    "ALTER TABLE violations ADD CONSTRAINT violations_target_set CHECK ((target_type = 'organisation' AND organisation_id IS NOT NULL AND user_id IS NULL) OR (target_type = 'user' AND user_id IS NOT NULL))",
  );

  await knex.schema.createTable('violation_actions', (t) => {
    t.increments('id').primary();
    t.integer('violation_id').notNullable().references('id').inTable('violations').onDelete('CASCADE');
    t.text('action').notNullable();
    t.date('until_date');
    t.timestamp('effective_until', { useTz: true });
    t.text('note').notNullable().defaultTo('');
    t.timestamp('decided_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('decided_by').references('id').inTable('users');
    t.index(['violation_id', 'decided_at']);
  });
  await knex.raw(
    "ALTER TABLE violation_actions ADD CONSTRAINT violation_actions_known CHECK (action IN ('warning', 'suspension', 'revocation', 'lift'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('violation_actions');
  await knex.schema.dropTable('violations');
}
