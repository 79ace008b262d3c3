import type { Knex } from 'knex';

/** R-17.1 (n): a custom list's definition (columns and filters) saved by its owner under a name. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('saved_reports', (t) => {
    t.increments('id').primary();
    t.integer('owner_user_id').notNullable().references('id').inTable('users');
    t.text('name').notNullable();
    t.jsonb('definition').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['owner_user_id', 'name']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('saved_reports');
}
