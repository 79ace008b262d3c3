import type { Knex } from 'knex';

/**
 * R-17.1 (m): the catalogue of important Party and State documents on associations, kept by NGO Department staff.
 * The attachment is a reference (a file name, a storage key or a paper archive location), not the file itself.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('legal_documents', (t) => {
    t.increments('id').primary();
    t.text('number').notNullable();
    t.text('doc_type').notNullable();
    t.text('issuer').notNullable();
    t.date('issued_on').notNullable();
    t.text('summary').notNullable();
    t.text('attachment_ref');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('created_by').references('id').inTable('users');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('updated_by').references('id').inTable('users');
    t.index(['issued_on']);
    t.index(['doc_type']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('legal_documents');
}
