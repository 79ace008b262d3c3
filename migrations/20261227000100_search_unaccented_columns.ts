import type { Knex } from 'knex';

/**
 * Public search at 100,000 associations (SPEC §7, measured by `npm run bench`): the name and abbreviation folded
 * for search (f_unaccent) are stored once per row instead of being recomputed for every candidate row of every
 * search (index recheck, filter and ranking each called f_unaccent several times per row: most of a search's
 * time). Trigram indexes on the stored columns serve the search; the expression indexes stay for the staff list.
 * The public list without a search is ordered by name: an index on (name, id) of published rows serves its pages.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE associations ADD COLUMN name_unaccent text GENERATED ALWAYS AS (f_unaccent(name)) STORED');
  await knex.raw(
    "ALTER TABLE associations ADD COLUMN abbreviation_unaccent text GENERATED ALWAYS AS (f_unaccent(coalesce(abbreviation, ''))) STORED",
  );
  await knex.raw('CREATE INDEX associations_name_unaccent_trgm ON associations USING gin (name_unaccent gin_trgm_ops)');
  await knex.raw('CREATE INDEX associations_abbreviation_unaccent_trgm ON associations USING gin (abbreviation_unaccent gin_trgm_ops)');
  await knex.raw('CREATE INDEX associations_published_name_idx ON associations (name, id) WHERE published');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS associations_published_name_idx');
  await knex.raw('DROP INDEX IF EXISTS associations_abbreviation_unaccent_trgm');
  await knex.raw('DROP INDEX IF EXISTS associations_name_unaccent_trgm');
  await knex.raw('ALTER TABLE associations DROP COLUMN IF EXISTS abbreviation_unaccent');
  await knex.raw('ALTER TABLE associations DROP COLUMN IF EXISTS name_unaccent');
}
