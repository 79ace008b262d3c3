import type { Knex } from 'knex';

/**
 * Public search at 100,000 associations, second pass (SPEC §7, BENCHMARKS.md "Search after full-text").
 *
 * 1. `name_tsv`: the association's name, folded for search (f_unaccent: diacritics and case ignored, đ = d), as a
 *    tsvector of the 'simple' configuration (no stemming, no stop words: every word kept as written), stored and
 *    served by a GIN index. "Every word of the query begins a word of the name" is then a prefix tsquery
 *    (`khuyen:* & hoc:*`) answered exactly by the index, instead of `%word%` trigram scans that rechecked thousands
 *    of rows for short words. (A generated column may not read another generated column, hence f_unaccent(name)
 *    again rather than name_unaccent.)
 * 2. `name_trigrams`: the number of distinct trigrams of the folded name. When a name holds every trigram of the
 *    query (the usual case for a match by words), its trigram similarity to the query is |query trigrams| /
 *    name_trigrams: the ranking uses it to choose, without computing any similarity, the 200 candidates whose
 *    similarities it then computes (public.repository.ts).
 * 3. `public_data_version`: a sequence bumped by statement-level triggers whenever a table the public pages read is
 *    written (associations, their other fields, and the catalogues whose names the list shows), whoever writes
 *    (the record form, imports, submissions, jobs, the data generator, a restore into this database, psql). The
 *    public search cache (public.service.ts) keys its entries by this number. A sequence, not a counter row: writers
 *    never wait for each other on it. Each write bumps it twice: at the statement (so a TRUNCATE counts too) and,
 *    through a deferred constraint trigger, when the transaction commits: a reader who read the version during a
 *    long transaction (an import) and cached what it saw then cannot keep that entry past the commit.
 */
const WATCHED = ['associations', 'association_other_fields', 'fields', 'provinces', 'statuses'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    "ALTER TABLE associations ADD COLUMN name_tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, f_unaccent(name))) STORED",
  );
  await knex.raw('CREATE INDEX associations_name_tsv ON associations USING gin (name_tsv)');
  await knex.raw(
    'ALTER TABLE associations ADD COLUMN name_trigrams integer GENERATED ALWAYS AS (cardinality(show_trgm(f_unaccent(name)))) STORED',
  );

  await knex.raw('CREATE SEQUENCE public_data_version');
  await knex.raw(`CREATE FUNCTION bump_public_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM nextval('public_data_version');
  RETURN NULL;
END $$`);
  for (const table of WATCHED) {
    await knex.raw(
      `CREATE TRIGGER ${table}_public_data_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table}
         FOR EACH STATEMENT EXECUTE FUNCTION bump_public_data_version()`,
    );
    await knex.raw(
      `CREATE CONSTRAINT TRIGGER ${table}_public_data_version_commit AFTER INSERT OR UPDATE OR DELETE ON ${table}
         DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_public_data_version()`,
    );
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of WATCHED) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_public_data_version_commit ON ${table}`);
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_public_data_version ON ${table}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS bump_public_data_version()');
  await knex.raw('DROP SEQUENCE IF EXISTS public_data_version');
  await knex.raw('DROP INDEX IF EXISTS associations_name_tsv');
  await knex.raw('ALTER TABLE associations DROP COLUMN IF EXISTS name_trigrams');
  await knex.raw('ALTER TABLE associations DROP COLUMN IF EXISTS name_tsv');
}
