import type { Knex } from 'knex';

/**
 * Charter versions (issue 16 item 5, "So sánh điều lệ"): the plain text of each version of an association's
 * charter (Điều lệ), so any two versions can be compared article by article.
 *
 * A version is either an attachment of document type DIEU_LE (its text extracted from the DOCX; a PDF or a scan
 * gives no text until someone types it in) or a text entered by NGO staff or the association's officer. Versions
 * are numbered 1, 2, 3 … per association in the order they came in, never renumbered and never deleted;
 * a correction is a new version. `provenance` says who supplied the text: 'edit' (NGO staff),
 * 'officer' (the association's officer typed it) or the attachment's own source ('submission:<id>').
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('charter_texts', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations');
    t.integer('version_no').notNullable();
    t.integer('attachment_id').references('id').inTable('attachments').unique();
    t.text('title').notNullable();
    // What the version came from: the attachment's kind, or 'entered' for a text typed into the form.
    t.text('source').notNullable();
    t.text('provenance').notNullable();
    // Null while no text is known (a PDF or a scan before someone types the text in).
    t.text('body_text');
    t.text('text_origin');
    t.timestamp('extracted_at', { useTz: true });
    t.integer('text_by').references('id').inTable('users');
    t.integer('created_by').references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['association_id', 'version_no']);
  });
  await knex.raw(`ALTER TABLE charter_texts ADD CONSTRAINT charter_texts_source_known
    CHECK (source IN ('docx', 'pdf', 'image', 'other', 'entered'))`);
  await knex.raw(`ALTER TABLE charter_texts ADD CONSTRAINT charter_texts_text_origin_known
    CHECK ((body_text IS NULL AND text_origin IS NULL) OR (body_text IS NOT NULL AND text_origin IN ('extracted', 'entered')))`);
  await knex.raw(`ALTER TABLE charter_texts ADD CONSTRAINT charter_texts_entered_has_text
    CHECK (source <> 'entered' OR (attachment_id IS NULL AND body_text IS NOT NULL))`);
  await knex.raw('ALTER TABLE charter_texts ADD CONSTRAINT charter_texts_version_positive CHECK (version_no > 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('charter_texts');
}
