import type { Knex } from 'knex';

/**
 * Support questions: a thread per question, asked by an exploiter, an organisation manager or an
 * association officer; staff answer; the asker may reply; staff close. `status`: open (waiting for staff),
 * answered (staff spoke last), closed.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('support_threads', (t) => {
    t.increments('id').primary();
    t.integer('asker_user_id').notNullable().references('id').inTable('users');
    t.text('subject').notNullable();
    t.text('status').notNullable().defaultTo('open');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_message_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('closed_at', { useTz: true });
    t.integer('closed_by').references('id').inTable('users');
    t.index(['asker_user_id', 'last_message_at']);
    t.index(['status', 'last_message_at']);
  });
  await knex.raw(
    "ALTER TABLE support_threads ADD CONSTRAINT support_threads_status_known CHECK (status IN ('open', 'answered', 'closed'))",
  );

  await knex.schema.createTable('support_messages', (t) => {
    t.increments('id').primary();
    t.integer('thread_id').notNullable().references('id').inTable('support_threads').onDelete('CASCADE');
    t.integer('author_user_id').notNullable().references('id').inTable('users');
    t.boolean('from_staff').notNullable().defaultTo(false);
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['thread_id', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('support_messages');
  await knex.schema.dropTable('support_threads');
}
