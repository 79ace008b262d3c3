import type { Knex } from 'knex';

/**
 * The staff register list (`/quan-tri/hoi`) at 100,000 associations (RELIABILITY 40's mix has it twice): its default
 * order is by name, which no index served (every page sorted all records); the most-recently-updated order likewise.
 * Its search now uses the stored folded columns and their trigram indexes (migration 20261227000100), as the public
 * search does, instead of recomputing f_unaccent for every candidate row.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX associations_name_id_idx ON associations (name, id)');
  await knex.raw('CREATE INDEX associations_updated_at_id_idx ON associations (updated_at DESC, id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS associations_updated_at_id_idx');
  await knex.raw('DROP INDEX IF EXISTS associations_name_id_idx');
}
