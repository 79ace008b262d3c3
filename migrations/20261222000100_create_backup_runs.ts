import type { Knex } from 'knex';

/**
 * Backups and restore drills (R-20.1, RELIABILITY rule 5, checks 38–39): one row per run. A drill points at the
 * backup it restored and records how long the restore took.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('backup_runs', (t) => {
    t.bigIncrements('id').primary();
    t.text('kind').notNullable();
    t.text('status').notNullable().defaultTo('running');
    t.text('backend');
    t.timestamp('started_at', { useTz: true }).notNullable();
    t.timestamp('finished_at', { useTz: true });
    t.bigInteger('size_bytes');
    t.text('path');
    t.text('manifest_hash');
    t.text('error');
    t.double('restore_seconds');
    t.bigInteger('backup_run_id').references('id').inTable('backup_runs').onDelete('SET NULL');
    t.jsonb('details');
    t.timestamp('pruned_at', { useTz: true });
    t.index(['kind', 'status', 'finished_at']);
    t.index(['started_at']);
  });
  await knex.raw(`ALTER TABLE backup_runs ADD CONSTRAINT backup_runs_kind_known CHECK (kind IN ('backup', 'drill'))`);
  await knex.raw(`ALTER TABLE backup_runs ADD CONSTRAINT backup_runs_status_known CHECK (status IN ('running', 'succeeded', 'failed'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('backup_runs');
}
