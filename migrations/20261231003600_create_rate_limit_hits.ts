import type { Knex } from 'knex';

/**
 * Shared rate-limit counters (issue 19 item 3): one row per (limiter, key) with the hits of the current window and
 * when that window ends, so every instance of the application counts into one budget (login and access registration
 * per IP address, the data API per key). The primary key is the upsert's conflict target; `reset_at` is indexed for
 * the periodic clean-up of ended windows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('rate_limit_hits', (t) => {
    t.text('limiter').notNullable();
    t.text('key').notNullable();
    t.integer('hits').notNullable();
    t.timestamp('reset_at', { useTz: true }).notNullable();
    t.primary(['limiter', 'key']);
    t.index(['reset_at']);
  });
  await knex.raw('ALTER TABLE rate_limit_hits ADD CONSTRAINT rate_limit_hits_hits_non_negative CHECK (hits >= 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('rate_limit_hits');
}
