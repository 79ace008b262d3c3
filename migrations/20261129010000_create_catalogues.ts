import type { Knex } from 'knex';

/**
 * Catalogues of FORM-1.md: stable code, Vietnamese name, order, validity dates, optional successor.
 * Self-contained on purpose (migrations are immutable): the table list is spelled out here.
 */
const TABLES = [
  'provinces',
  'ministries',
  'fields',
  'natures',
  'association_kinds',
  'leader_positions',
  'hq_origins',
  'document_types',
  'statuses',
];

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.schema.createTable(table, (t) => {
      t.text('code').primary();
      t.text('name').notNullable();
      t.integer('sort_order').notNullable().defaultTo(0);
      t.date('valid_from');
      t.date('valid_to');
      t.text('successor_code').references('code').inTable(table).onUpdate('CASCADE');
      t.text('note');
      if (table === 'fields') t.text('default_ministry_code').references('code').inTable('ministries').onUpdate('CASCADE');
      t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
      t.integer('updated_by').references('id').inTable('users');
    });
    await knex.raw(
      `ALTER TABLE ${table} ADD CONSTRAINT ${table}_validity CHECK (valid_to IS NULL OR valid_from IS NULL OR valid_to >= valid_from)`,
    );
    await knex.raw(`ALTER TABLE ${table} ADD CONSTRAINT ${table}_code_format CHECK (code ~ '^[A-Za-z0-9_.-]{1,40}$')`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of [...TABLES].reverse()) await knex.schema.dropTable(table);
}
