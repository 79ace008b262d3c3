import type { Knex } from 'knex';

/**
 * Scheduled jobs (RELIABILITY rule 6): one row per run with its period, status, counts and error. A partial unique
 * index makes a job succeed at most once per period, whatever the number of app instances or re-runs.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('job_runs', (t) => {
    t.bigIncrements('id').primary();
    t.text('job').notNullable();
    t.text('period_key').notNullable();
    t.text('trigger').notNullable();
    t.text('status').notNullable();
    t.timestamp('started_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('finished_at', { useTz: true });
    t.jsonb('counts');
    t.text('error');
    t.text('host');
    t.integer('pid');
    t.integer('requested_by').references('id').inTable('users');
    t.index(['job', 'started_at']);
    t.index(['status', 'started_at']);
    t.index(['started_at']);
  });
  await knex.raw(`ALTER TABLE job_runs ADD CONSTRAINT job_runs_status_known
    CHECK (status IN ('running', 'succeeded', 'failed', 'skipped'))`);
  await knex.raw(`ALTER TABLE job_runs ADD CONSTRAINT job_runs_trigger_known
    CHECK (trigger IN ('schedule', 'startup', 'manual'))`);
  await knex.raw(`CREATE UNIQUE INDEX job_runs_succeeded_once ON job_runs (job, period_key) WHERE status = 'succeeded'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('job_runs');
}
