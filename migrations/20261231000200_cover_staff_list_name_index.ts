import type { Knex } from 'knex';

/**
 * The staff register list (`/quan-tri/hoi`) searched and sorted by name at 100,000 associations: its pages walk the
 * name order checking the search on each row (register-list.repository.ts). With the search columns in the name
 * index (INCLUDE), that walk is an index-only scan instead of one heap visit per row — a search whose matches sit
 * far down the alphabet ("khuyen hoc" after 55,000 names) no longer reads 55,000 table rows. The new index
 * replaces (name, id) of migration 20261230000300, whose order it keeps.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    'CREATE INDEX associations_name_id_search_idx ON associations (name, id) INCLUDE (name_unaccent, abbreviation_unaccent, code)',
  );
  await knex.raw('DROP INDEX IF EXISTS associations_name_id_idx');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS associations_name_id_idx ON associations (name, id)');
  await knex.raw('DROP INDEX IF EXISTS associations_name_id_search_idx');
}
