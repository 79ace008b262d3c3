import type { Knex } from 'knex';

/**
 * The quarterly update cycle: one cycle per quarter, a statistics snapshot frozen when it opens, and the
 * index that finds the records not updated within a quarter (no saved version in it).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('update_cycles', (t) => {
    t.increments('id').primary();
    // '2026-Q4'
    t.text('quarter').notNullable().unique();
    t.date('period_start').notNullable();
    t.date('period_end').notNullable();
    t.timestamp('opened_at', { useTz: true }).notNullable();
    t.bigInteger('job_run_id').references('id').inTable('job_runs');
  });
  await knex.raw(`ALTER TABLE update_cycles ADD CONSTRAINT update_cycles_quarter_format CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$')`);

  await knex.schema.createTable('quarter_snapshots', (t) => {
    t.text('quarter').primary();
    t.timestamp('taken_at', { useTz: true }).notNullable();
    t.jsonb('data').notNullable();
  });
  await knex.raw(`ALTER TABLE quarter_snapshots ADD CONSTRAINT quarter_snapshots_quarter_format CHECK (quarter ~ '^[0-9]{4}-Q[1-4]$')`);

  await knex.raw('CREATE INDEX association_versions_assoc_created_idx ON association_versions (association_id, created_at)');
  await knex.raw('CREATE INDEX association_versions_created_idx ON association_versions (created_at)');

  // Term-congress alerts (R-17.1 e): one row per association, deadline and threshold, so each is sent once.
  await knex.schema.createTable('congress_alerts', (t) => {
    t.bigIncrements('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations');
    t.date('deadline').notNullable();
    t.text('threshold').notNullable();
    t.timestamp('alerted_at', { useTz: true }).notNullable();
    t.unique(['association_id', 'deadline', 'threshold']);
  });
  await knex.raw(
    `ALTER TABLE congress_alerts ADD CONSTRAINT congress_alerts_threshold_known CHECK (threshold IN ('6m', '3m', '1m', 'overdue'))`,
  );
  await knex.raw('CREATE INDEX notifications_kind_created_idx ON notifications (kind, created_at)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS notifications_kind_created_idx');
  await knex.schema.dropTable('congress_alerts');
  await knex.raw('DROP INDEX IF EXISTS association_versions_created_idx');
  await knex.raw('DROP INDEX IF EXISTS association_versions_assoc_created_idx');
  await knex.schema.dropTable('quarter_snapshots');
  await knex.schema.dropTable('update_cycles');
}
