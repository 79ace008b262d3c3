import type { Knex } from 'knex';

/**
 * API keys of exploiting organisations (issue 17 item 3): an organisation's manager creates and revokes keys; a
 * key reads the JSON API (/api/v1) within the organisation's grant in force. The secret is a high-entropy random
 * token, so only its SHA-256 hash is kept (unique: the look-up of a presented key is one index probe); `prefix` is
 * the short public part shown in lists. `expires_at` is optional (the grant's own expiry always applies).
 *
 * The exploitation log gains `api_key_id` (which key made the read; the row's user is the key's creator) and the
 * format 'api' (a read through the JSON API).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('api_keys', (t) => {
    t.increments('id').primary();
    t.integer('organisation_id').notNullable().references('id').inTable('organisations');
    t.text('label').notNullable();
    t.text('prefix').notNullable().unique();
    t.text('secret_hash').notNullable().unique();
    t.integer('created_by').notNullable().references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('revoked_at', { useTz: true });
    t.integer('revoked_by').references('id').inTable('users');
    t.timestamp('last_used_at', { useTz: true });
    t.index(['organisation_id', 'created_at']);
  });
  await knex.raw('ALTER TABLE api_keys ADD CONSTRAINT api_keys_label_length CHECK (char_length(label) BETWEEN 1 AND 100)');
  await knex.schema.alterTable('exploitation_log', (t) => {
    t.integer('api_key_id').references('id').inTable('api_keys');
  });
  await knex.raw('ALTER TABLE exploitation_log DROP CONSTRAINT exploitation_log_format_known');
  await knex.raw(
    "ALTER TABLE exploitation_log ADD CONSTRAINT exploitation_log_format_known CHECK (format IN ('html', 'csv', 'xlsx', 'print', 'api'))",
  );
}

export async function down(knex: Knex): Promise<void> {
  // Reads through the API cannot be expressed in the older format list: they go with the keys.
  await knex('exploitation_log').where({ format: 'api' }).delete();
  await knex.raw('ALTER TABLE exploitation_log DROP CONSTRAINT exploitation_log_format_known');
  await knex.raw(
    "ALTER TABLE exploitation_log ADD CONSTRAINT exploitation_log_format_known CHECK (format IN ('html', 'csv', 'xlsx', 'print'))",
  );
  await knex.schema.alterTable('exploitation_log', (t) => {
    t.dropColumn('api_key_id');
  });
  await knex.schema.dropTable('api_keys');
}
