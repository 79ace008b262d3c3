import type { Knex } from 'knex';

/**
 * One matching rule for the name searches, typos in short words included (issue 15, item 14; src/lib/search-terms.ts).
 *
 * 1. `search_words`: the vocabulary of the names — every distinct folded word (to_tsvector('simple', f_unaccent(…)))
 *    of 3 to 32 letters a–z of every association's name and every leader's full name, present or past (a word is
 *    never removed: one that no name holds any more only adds a term that matches nothing). `keys` holds the word and
 *    the word less any one letter (search_word_keys, which a query word gets too): two words one slip apart (a letter wrong, missing, extra, or two neighbouring letters swapped) share a key, so a GIN index on `keys` finds a typo's candidates by exact keys
 *    whatever the word's length — trigrams cannot (a 3-letter word with two letters swapped shares none), and
 *    fuzzystrmatch's levenshtein counts a swap as two. The app keeps the candidates really one slip away.
 * 2. Triggers keep it complete: after an INSERT (one statement, its new rows at once, words in order) and after a
 *    change of the name, on associations and leaders. Inserting an existing word does nothing and takes no lock.
 * 3. The leaders' folded full name as a tsvector, indexed (GIN on the expression): the staff register's search by
 *    leader name becomes the same words search as the association's name; it replaces the trigram index on the
 *    folded name that served the substring search.
 * 4. The staff register's name index carries the stored tsvector instead of the folded name (its walk in name order
 *    tests the search on the index alone, migration 20261231000200), and the trigram index on the folded name, whose
 *    only user was the public typo search, goes.
 */
const LEADER_TSV = "to_tsvector('simple'::regconfig, f_unaccent(full_name))";
/** Words a typo may stand for, and query words a typo search corrects (src/lib/search-terms.ts). */
const FUZZY = "'^[a-z]{3,32}$'";

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE FUNCTION search_word_keys(word text) RETURNS text[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
    AS $$ SELECT CASE WHEN word ~ ${FUZZY} THEN
      ARRAY(SELECT DISTINCT k FROM (SELECT word AS k
                                    UNION ALL
                                    SELECT overlay(word PLACING '' FROM i FOR 1) FROM generate_series(1, length(word)) AS i) AS s
             ORDER BY k)
    ELSE '{}'::text[] END $$`);
  await knex.raw(`CREATE TABLE search_words (
    word text PRIMARY KEY,
    keys text[] GENERATED ALWAYS AS (search_word_keys(word)) STORED,
    CONSTRAINT search_words_fuzzy CHECK (word ~ ${FUZZY}))`);
  await knex.raw('CREATE INDEX search_words_keys ON search_words USING gin (keys)');

  await knex.raw(`CREATE FUNCTION search_words_add(words text[]) RETURNS void LANGUAGE sql AS $$
    INSERT INTO search_words (word)
    SELECT DISTINCT w FROM unnest(words) AS w WHERE w ~ ${FUZZY} ORDER BY w
    ON CONFLICT (word) DO NOTHING $$`);
  await knex.raw(`CREATE FUNCTION search_words_from_associations() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM search_words_add(ARRAY(SELECT DISTINCT w FROM new_rows n, unnest(tsvector_to_array(n.name_tsv)) AS w));
  ELSE
    PERFORM search_words_add(tsvector_to_array(NEW.name_tsv));
  END IF;
  RETURN NULL;
END $$`);
  await knex.raw(`CREATE FUNCTION search_words_from_leaders() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_LEVEL = 'STATEMENT' THEN
    PERFORM search_words_add(ARRAY(SELECT DISTINCT w FROM new_rows n,
      unnest(tsvector_to_array(to_tsvector('simple'::regconfig, f_unaccent(n.full_name)))) AS w));
  ELSE
    PERFORM search_words_add(tsvector_to_array(to_tsvector('simple'::regconfig, f_unaccent(NEW.full_name))));
  END IF;
  RETURN NULL;
END $$`);
  for (const [table, column] of [
    ['associations', 'name'],
    ['leaders', 'full_name'],
  ] as const) {
    await knex.raw(`CREATE TRIGGER ${table}_search_words_insert AFTER INSERT ON ${table}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION search_words_from_${table}()`);
    await knex.raw(`CREATE TRIGGER ${table}_search_words_rename AFTER UPDATE OF ${column} ON ${table}
      FOR EACH ROW WHEN (OLD.${column} IS DISTINCT FROM NEW.${column}) EXECUTE FUNCTION search_words_from_${table}()`);
  }
  await knex.raw(`SELECT search_words_add(ARRAY(
    SELECT w FROM associations, unnest(tsvector_to_array(name_tsv)) AS w
    UNION
    SELECT w FROM leaders, unnest(tsvector_to_array(${LEADER_TSV})) AS w))`);

  await knex.raw(`CREATE INDEX leaders_name_tsv ON leaders USING gin ((${LEADER_TSV}))`);
  await knex.raw('DROP INDEX IF EXISTS leaders_name_search');
  await knex.raw('CREATE INDEX associations_name_id_words_idx ON associations (name, id) INCLUDE (name_tsv, abbreviation_unaccent, code)');
  await knex.raw('DROP INDEX IF EXISTS associations_name_id_search_idx');
  await knex.raw('DROP INDEX IF EXISTS associations_name_unaccent_trgm');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX IF NOT EXISTS associations_name_unaccent_trgm ON associations USING gin (name_unaccent gin_trgm_ops)');
  await knex.raw(
    'CREATE INDEX IF NOT EXISTS associations_name_id_search_idx ON associations (name, id) INCLUDE (name_unaccent, abbreviation_unaccent, code)',
  );
  await knex.raw('DROP INDEX IF EXISTS associations_name_id_words_idx');
  await knex.raw('CREATE INDEX IF NOT EXISTS leaders_name_search ON leaders USING gin (f_unaccent(full_name) gin_trgm_ops)');
  await knex.raw('DROP INDEX IF EXISTS leaders_name_tsv');
  for (const table of ['associations', 'leaders']) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_search_words_rename ON ${table}`);
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_search_words_insert ON ${table}`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS search_words_from_leaders()');
  await knex.raw('DROP FUNCTION IF EXISTS search_words_from_associations()');
  await knex.raw('DROP FUNCTION IF EXISTS search_words_add(text[])');
  await knex.raw('DROP TABLE IF EXISTS search_words');
  await knex.raw('DROP FUNCTION IF EXISTS search_word_keys(text)');
}
