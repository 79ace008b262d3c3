import type { Knex } from 'knex';

/**
 * unaccent and pg_trgm back the Vietnamese search (diacritics and case ignored, small typos tolerated).
 * f_unaccent is an IMMUTABLE wrapper so expression indexes can use it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS unaccent');
  await knex.raw('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await knex.raw(`
    CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT lower(public.unaccent('public.unaccent'::regdictionary, $1)) $$`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP FUNCTION IF EXISTS f_unaccent(text)');
  // The extensions stay: other databases objects may rely on them and dropping needs ownership.
}
