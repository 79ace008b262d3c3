import type { Knex } from 'knex';

/**
 * Server errors (5xx) for the IT Centre: request id, method, path (no query string), status and the error's
 * message. No user id, IP address, query string or body: nothing personal.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('error_events', (t) => {
    t.bigIncrements('id').primary();
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.text('request_id');
    t.text('method');
    t.text('path');
    t.integer('status').notNullable();
    t.text('error_name');
    t.text('message');
    t.index(['occurred_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('error_events');
}
