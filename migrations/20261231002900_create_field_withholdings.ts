import type { Knex } from 'knex';

/**
 * Withholding a public field of one association (issue 16 item 1, as the ACNC withholds on request): staff keep a
 * field (a public field of Biểu mẫu 1, by its form name) off the public pages, the open data and the exploiters'
 * report a, with a reason and an optional last day (`until`, a Vietnamese calendar date; null = until lifted).
 * One row per association and field; the public pages read the rows of a record or a page in one statement
 * (the index on association_id). Writing a row also bumps the association (a new version), so the public data
 * version and `public_changes` move through the associations' own triggers; that version's source is
 * 'withholding' (the history names it), which the source check now allows.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('field_withholdings', (t) => {
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.text('field').notNullable();
    t.text('reason').notNullable();
    t.date('until');
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['association_id', 'field']);
  });
  await knex.raw('ALTER TABLE association_versions DROP CONSTRAINT association_versions_source_format');
  await knex.raw(`ALTER TABLE association_versions ADD CONSTRAINT association_versions_source_format
    CHECK (source ~ '^(edit|create|publish|paper_check|withholding|submission:[0-9]+|import:[0-9]+)$')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE association_versions DROP CONSTRAINT association_versions_source_format');
  await knex.raw(`ALTER TABLE association_versions ADD CONSTRAINT association_versions_source_format
    CHECK (source ~ '^(edit|create|publish|paper_check|submission:[0-9]+|import:[0-9]+)$') NOT VALID`);
  await knex.schema.dropTable('field_withholdings');
}
