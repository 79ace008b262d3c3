import type { Knex } from 'knex';

/**
 * Bulk imports: one batch per uploaded file — the raw file stays in the document store under
 * `storage_name` with its SHA-256 — and one row per data row of the file with its natural key, outcome and
 * errors (sheet, row, column, reason). `heartbeat_at` lets a page tell a batch whose process died from one that
 * is still running (RELIABILITY check 34).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('import_batches', (t) => {
    t.increments('id').primary();
    t.text('original_name').notNullable();
    t.text('storage_name').notNullable().unique();
    t.text('file_format').notNullable();
    t.text('mime_type').notNullable();
    t.bigInteger('size_bytes').notNullable();
    t.text('sha256').notNullable();
    t.text('status').notNullable().defaultTo('queued');
    t.text('phase').notNullable().defaultTo('validate');
    t.text('apply_mode');
    t.integer('progress_done').notNullable().defaultTo(0);
    t.integer('progress_total').notNullable().defaultTo(0);
    t.integer('rows_total').notNullable().defaultTo(0);
    t.integer('rows_valid').notNullable().defaultTo(0);
    t.integer('rows_invalid').notNullable().defaultTo(0);
    t.integer('rows_created').notNullable().defaultTo(0);
    t.integer('rows_updated').notNullable().defaultTo(0);
    t.integer('rows_unchanged').notNullable().defaultTo(0);
    t.jsonb('file_errors');
    t.text('failure');
    t.integer('created_by').references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('applied_by').references('id').inTable('users');
    t.timestamp('started_at', { useTz: true });
    t.timestamp('heartbeat_at', { useTz: true });
    t.timestamp('finished_at', { useTz: true });
    t.index(['created_at']);
    t.index(['sha256']);
  });
  await knex.raw(`ALTER TABLE import_batches ADD CONSTRAINT import_batches_status_known CHECK (status IN
    ('queued','validating','validated','applying','applied','failed','interrupted'))`);
  await knex.raw("ALTER TABLE import_batches ADD CONSTRAINT import_batches_phase_known CHECK (phase IN ('validate','apply'))");
  await knex.raw(
    "ALTER TABLE import_batches ADD CONSTRAINT import_batches_mode_known CHECK (apply_mode IS NULL OR apply_mode IN ('all','valid_only'))",
  );
  await knex.raw("CREATE INDEX import_batches_running_idx ON import_batches (status) WHERE status IN ('queued','validating','applying')");

  await knex.schema.createTable('import_rows', (t) => {
    t.integer('batch_id').notNullable().references('id').inTable('import_batches').onDelete('CASCADE');
    t.integer('row_number').notNullable();
    t.text('natural_key').notNullable();
    t.text('status').notNullable();
    t.text('association_code');
    t.jsonb('errors');
    t.primary(['batch_id', 'row_number']);
  });
  await knex.raw(`ALTER TABLE import_rows ADD CONSTRAINT import_rows_status_known CHECK (status IN
    ('valid','invalid','created','updated','unchanged'))`);
  await knex.raw("CREATE INDEX import_rows_invalid_idx ON import_rows (batch_id, row_number) WHERE status = 'invalid'");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('import_rows');
  await knex.schema.dropTable('import_batches');
}
