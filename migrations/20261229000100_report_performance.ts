import type { Knex } from 'knex';

/**
 * reports at 100,000 associations (SPEC §7, issue 8).
 *
 * 1. `association_terms`: per association, its last term congress (founding or term, never an extraordinary one),
 *    the term end (held_on + term_years; 29/02 + n years → 28/02), the extension in force (the latest new deadline
 *    of an extension decided on or after that congress, when later than the term end). It holds only what does not depend on
 *    today: the deadline in force (the term end until it passes, then the extension's) and the state (chưa đến
 *    hạn / sắp đến hạn / quá hạn …) are derived from it at read time (src/features/associations/congress-term-sql.ts), with the same rules as
 *    termInfo() (congress-term.ts). Statement-level triggers on congresses and congress_extensions refresh the
 *    rows of the associations a statement touched, in the same transaction as the edit, whoever writes
 *    (the record form, imports, submissions, the data generator, tests). The migration backfills every row.
 * 2. Indexes that let the leaders lists (d, đ) walk associations in report order and take their leaders in office
 *    by index, instead of sorting 940,000 leaders for each page.
 * 3. Covering indexes for the funds and staff-quota aggregates (h, i).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE association_terms (
    association_id integer PRIMARY KEY REFERENCES associations(id) ON DELETE CASCADE,
    code text NOT NULL,
    last_congress date NOT NULL,
    term_number integer NOT NULL,
    term_years integer NOT NULL,
    term_end date NOT NULL,
    extension_deadline date,
    extension_number text
  )`);

  await knex.raw(`CREATE FUNCTION refresh_association_terms(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM association_terms WHERE association_id = ANY(ids);
  INSERT INTO association_terms
    (association_id, code, last_congress, term_number, term_years, term_end, extension_deadline, extension_number)
  SELECT t.association_id, a.code, t.held_on, t.term_number, t.term_years, t.term_end, x.new_deadline, xn.decision_number
  FROM (
    SELECT l.association_id, l.held_on, l.term_number, l.term_years,
           (l.held_on + make_interval(years => l.term_years))::date AS term_end
    FROM (
      SELECT DISTINCT ON (c.association_id) c.association_id, c.held_on, c.term_number, c.term_years
      FROM congresses c
      WHERE c.association_id = ANY(ids) AND c.congress_type <> 'bat_thuong'
      ORDER BY c.association_id, c.held_on DESC, c.id DESC
    ) l
  ) t
  JOIN associations a ON a.id = t.association_id
  LEFT JOIN LATERAL (
    SELECT max(e.new_deadline) AS new_deadline FROM congress_extensions e
    WHERE e.association_id = t.association_id AND e.decided_on >= t.held_on
    HAVING max(e.new_deadline) > t.term_end
  ) x ON true
  LEFT JOIN LATERAL (
    SELECT e.decision_number FROM congress_extensions e
    WHERE e.association_id = t.association_id AND e.new_deadline = x.new_deadline
    ORDER BY e.id DESC LIMIT 1
  ) xn ON true;
END $$`);

  for (const table of ['congresses', 'congress_extensions']) {
    await knex.raw(`CREATE FUNCTION ${table}_refresh_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    PERFORM refresh_association_terms(ARRAY(SELECT DISTINCT association_id FROM new_rows));
  ELSIF TG_OP = 'DELETE' THEN
    PERFORM refresh_association_terms(ARRAY(SELECT DISTINCT association_id FROM old_rows));
  ELSE
    PERFORM refresh_association_terms(ARRAY(
      SELECT association_id FROM old_rows UNION SELECT association_id FROM new_rows));
  END IF;
  RETURN NULL;
END $$`);
    await knex.raw(`CREATE TRIGGER ${table}_terms_ins AFTER INSERT ON ${table}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_refresh_terms()`);
    await knex.raw(`CREATE TRIGGER ${table}_terms_upd AFTER UPDATE ON ${table}
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_refresh_terms()`);
    await knex.raw(`CREATE TRIGGER ${table}_terms_del AFTER DELETE ON ${table}
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_refresh_terms()`);
  }
  // The association's code is copied so that report e's unfiltered list sorts (deadline, code) in this table alone.
  await knex.raw(`CREATE FUNCTION associations_code_to_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE association_terms SET code = NEW.code WHERE association_id = NEW.id;
  RETURN NULL;
END $$`);
  await knex.raw(`CREATE TRIGGER associations_code_terms AFTER UPDATE OF code ON associations
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION associations_code_to_terms()`);
  await knex.raw('SELECT refresh_association_terms(ARRAY(SELECT DISTINCT association_id FROM congresses))');
  await knex.raw('ANALYZE association_terms');

  // d, đ: associations in report order; leaders in office of one association by index.
  await knex.raw('CREATE INDEX associations_name_code_idx ON associations (name, code)');
  await knex.raw('CREATE INDEX leaders_in_office_idx ON leaders (association_id, position_code, id) WHERE left_on IS NULL');
  await knex.raw('CREATE INDEX leaders_in_office_name_idx ON leaders (full_name) WHERE left_on IS NULL');
  // h, i: the aggregates read only these columns.
  await knex.raw('CREATE INDEX funds_year_source_cover_idx ON funds (year, source, association_id, amount_vnd)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS funds_year_source_cover_idx');
  await knex.raw('DROP INDEX IF EXISTS leaders_in_office_name_idx');
  await knex.raw('DROP INDEX IF EXISTS leaders_in_office_idx');
  await knex.raw('DROP INDEX IF EXISTS associations_name_code_idx');
  await knex.raw('DROP TRIGGER IF EXISTS associations_code_terms ON associations');
  await knex.raw('DROP FUNCTION IF EXISTS associations_code_to_terms()');
  for (const table of ['congresses', 'congress_extensions']) {
    for (const suffix of ['ins', 'upd', 'del']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_terms_${suffix} ON ${table}`);
    await knex.raw(`DROP FUNCTION IF EXISTS ${table}_refresh_terms()`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS refresh_association_terms(integer[])');
  await knex.raw('DROP TABLE IF EXISTS association_terms');
}
