import type { Knex } from 'knex';

/**
 * A term congress's outcome filed as one package (issue 16 item 6; e):
 * - `submissions.kind`: 'form' (Biểu mẫu 1, as before) or 'congress' (the package). Both kinds share the one-open
 *   submission per association index (submissions_one_open).
 * - `submissions.minutes_attachment_id` / `charter_attachment_id`: the package's minutes (required to submit) and
 *   amended charter (optional), attachments of the association with provenance `submission:<id>`.
 * - `congresses.minutes_attachment_id`: the congress's minutes, linked when the package is approved.
 * - `associations.charter_attachment_id`: the association's current charter, set when an approved package carries
 *   an amended one (the previous charter is then marked superseded; files are kept forever, R-20.2).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('submissions', (t) => {
    t.text('kind').notNullable().defaultTo('form');
    t.integer('minutes_attachment_id').references('id').inTable('attachments');
    t.integer('charter_attachment_id').references('id').inTable('attachments');
  });
  await knex.raw("ALTER TABLE submissions ADD CONSTRAINT submissions_kind_known CHECK (kind IN ('form', 'congress'))");
  await knex.schema.alterTable('congresses', (t) => {
    t.integer('minutes_attachment_id').references('id').inTable('attachments');
  });
  await knex.schema.alterTable('associations', (t) => {
    t.integer('charter_attachment_id').references('id').inTable('attachments');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('associations', (t) => {
    t.dropColumn('charter_attachment_id');
  });
  await knex.schema.alterTable('congresses', (t) => {
    t.dropColumn('minutes_attachment_id');
  });
  await knex.raw('ALTER TABLE submissions DROP CONSTRAINT submissions_kind_known');
  await knex.schema.alterTable('submissions', (t) => {
    t.dropColumns('kind', 'minutes_attachment_id', 'charter_attachment_id');
  });
}
