import type { Knex } from 'knex';

/**
 * Summary tables of the unfiltered staff reports (R-17.1 b, c, i, k, l and the staff home; SPEC §7, issue 8).
 *
 * Each is a table of signed deltas ("parts"): statement-level triggers on `associations` and `funds` append, in the
 * writer's own transaction, one row per group a statement changed (+ for new rows, − for old ones), whoever
 * writes (the record form, imports, submissions, the data generator, cascades of catalogue-code renames and of
 * deletions, tests). A report sums the parts of its groups: in any snapshot that sum equals the direct aggregate
 * of the base table in the same snapshot, exactly. Appending (never updating a shared counter row) means concurrent
 * writers never wait for, or deadlock on, each other. `compact_report_summaries()` folds the parts into one row per
 * group (the reports call it when the parts have piled up); concurrent compactions and writers stay exact (a
 * compaction deletes only the parts its snapshot sees, and re-inserts their sum).
 *
 * - report_association_parts: per dimension ('field', 'ministry', 'nature', 'origin', 'status'), its code (null: not
 *   set) and the scope: the number of associations, of Party/State-tasked ones, of those with a headquarters area,
 *   and the area summed.
 * - report_fund_parts: per year and source, the number of fund rows and the amount.
 * - report_leader_parts: per position, the number of leaders in office (no leaving date): reports d, đ count exactly.
 * - report_term_parts: per term end and extension deadline, the number of association_terms rows (themselves kept
 *   by triggers on congresses): report e's state counts on any day, from a few thousand rows instead of one per
 *   association.
 *
 * And two partial indexes of association_terms that let report e's unfiltered page take its rows in (deadline, code)
 * order by index (without an extension the deadline is the term end), and an index of associations.updated_at for
 * the staff home's "not updated since the quarter began".
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE report_association_parts (
    dimension text NOT NULL,
    key text,
    scope text NOT NULL,
    n bigint NOT NULL,
    tasked bigint NOT NULL,
    with_area bigint NOT NULL,
    area numeric NOT NULL
  )`);
  await knex.raw('CREATE INDEX report_association_parts_idx ON report_association_parts (dimension, key, scope)');
  await knex.raw(`CREATE TABLE report_fund_parts (
    year integer NOT NULL,
    source text NOT NULL,
    n bigint NOT NULL,
    amount numeric NOT NULL
  )`);
  await knex.raw('CREATE INDEX report_fund_parts_idx ON report_fund_parts (year, source)');
  await knex.raw('CREATE TABLE report_leader_parts (position_code text, n bigint NOT NULL)');
  await knex.raw(`CREATE TABLE report_term_parts (
    term_end date NOT NULL,
    extension_deadline date,
    n bigint NOT NULL
  )`);
  await knex.raw('CREATE INDEX association_terms_deadline_idx ON association_terms (term_end, code) WHERE extension_deadline IS NULL');
  await knex.raw('CREATE INDEX association_terms_extended_idx ON association_terms (association_id) WHERE extension_deadline IS NOT NULL');
  // The staff home's "not updated this quarter": all minus those saved since the quarter began.
  await knex.raw('CREATE INDEX associations_updated_at_idx ON associations (updated_at)');

  // The signed rows of a statement: new_rows count +1, old_rows −1 (the transition tables the trigger passes).
  const associationParts = (signed: string) => `INSERT INTO report_association_parts (dimension, key, scope, n, tasked, with_area, area)
    SELECT g.dimension, g.key, d.scope, sum(d.sign),
           sum(CASE WHEN d.party_state_tasked THEN d.sign ELSE 0 END),
           sum(CASE WHEN d.hq_area_m2 IS NOT NULL THEN d.sign ELSE 0 END),
           coalesce(sum(d.sign * d.hq_area_m2), 0)
    FROM (${signed}) d
    CROSS JOIN LATERAL (VALUES ('field', d.main_field_code), ('ministry', d.managing_ministry_code),
      ('nature', d.nature_code), ('origin', d.hq_origin_code), ('status', d.status)) g(dimension, key)
    GROUP BY g.dimension, g.key, d.scope
    HAVING sum(d.sign) <> 0 OR sum(CASE WHEN d.party_state_tasked THEN d.sign ELSE 0 END) <> 0
        OR sum(CASE WHEN d.hq_area_m2 IS NOT NULL THEN d.sign ELSE 0 END) <> 0
        OR coalesce(sum(d.sign * d.hq_area_m2), 0) <> 0`;
  const cols = 'scope, party_state_tasked, hq_area_m2, main_field_code, managing_ministry_code, nature_code, hq_origin_code, status';
  const fundParts = (signed: string) => `INSERT INTO report_fund_parts (year, source, n, amount)
    SELECT d.year, d.source, sum(d.sign), sum(d.sign * d.amount_vnd) FROM (${signed}) d
    GROUP BY d.year, d.source
    HAVING sum(d.sign) <> 0 OR sum(d.sign * d.amount_vnd) <> 0`;
  const fcols = 'year, source, amount_vnd';
  const leaderParts = (signed: string) => `INSERT INTO report_leader_parts (position_code, n)
    SELECT d.position_code, sum(d.sign) FROM (${signed}) d WHERE d.left_on IS NULL
    GROUP BY d.position_code HAVING sum(d.sign) <> 0`;
  const lcols = 'position_code, left_on';
  const termParts = (signed: string) => `INSERT INTO report_term_parts (term_end, extension_deadline, n)
    SELECT d.term_end, d.extension_deadline, sum(d.sign) FROM (${signed}) d
    GROUP BY d.term_end, d.extension_deadline HAVING sum(d.sign) <> 0`;
  const tcols = 'term_end, extension_deadline';

  for (const [table, parts, c] of [
    ['associations', associationParts, cols],
    ['funds', fundParts, fcols],
    ['leaders', leaderParts, lcols],
    ['association_terms', termParts, tcols],
  ] as const) {
    await knex.raw(`CREATE FUNCTION ${table}_report_parts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${parts(`SELECT 1 AS sign, ${c} FROM new_rows`)};
  ELSIF TG_OP = 'DELETE' THEN
    ${parts(`SELECT -1 AS sign, ${c} FROM old_rows`)};
  ELSE
    ${parts(`SELECT 1 AS sign, ${c} FROM new_rows UNION ALL SELECT -1 AS sign, ${c} FROM old_rows`)};
  END IF;
  RETURN NULL;
END $$`);
    await knex.raw(`CREATE TRIGGER ${table}_report_parts_ins AFTER INSERT ON ${table}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_report_parts()`);
    await knex.raw(`CREATE TRIGGER ${table}_report_parts_upd AFTER UPDATE ON ${table}
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_report_parts()`);
    await knex.raw(`CREATE TRIGGER ${table}_report_parts_del AFTER DELETE ON ${table}
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_report_parts()`);
  }

  await knex.raw(`CREATE FUNCTION compact_report_summaries() RETURNS void LANGUAGE sql AS $$
    WITH d AS (DELETE FROM report_association_parts RETURNING *)
    INSERT INTO report_association_parts (dimension, key, scope, n, tasked, with_area, area)
    SELECT dimension, key, scope, sum(n), sum(tasked), sum(with_area), sum(area) FROM d
    GROUP BY dimension, key, scope
    HAVING sum(n) <> 0 OR sum(tasked) <> 0 OR sum(with_area) <> 0 OR sum(area) <> 0;
    WITH d AS (DELETE FROM report_fund_parts RETURNING *)
    INSERT INTO report_fund_parts (year, source, n, amount)
    SELECT year, source, sum(n), sum(amount) FROM d
    GROUP BY year, source
    HAVING sum(n) <> 0 OR sum(amount) <> 0;
    WITH d AS (DELETE FROM report_leader_parts RETURNING *)
    INSERT INTO report_leader_parts (position_code, n)
    SELECT position_code, sum(n) FROM d GROUP BY position_code HAVING sum(n) <> 0;
    WITH d AS (DELETE FROM report_term_parts RETURNING *)
    INSERT INTO report_term_parts (term_end, extension_deadline, n)
    SELECT term_end, extension_deadline, sum(n) FROM d GROUP BY term_end, extension_deadline HAVING sum(n) <> 0;
  $$`);

  // Backfill: the existing rows, as one insert statement each would have added them.
  await knex.raw(associationParts(`SELECT 1 AS sign, ${cols} FROM associations`));
  await knex.raw(fundParts(`SELECT 1 AS sign, ${fcols} FROM funds`));
  await knex.raw(leaderParts(`SELECT 1 AS sign, ${lcols} FROM leaders`));
  await knex.raw(termParts(`SELECT 1 AS sign, ${tcols} FROM association_terms`));
  for (const table of ['report_association_parts', 'report_fund_parts', 'report_leader_parts', 'report_term_parts', 'association_terms'])
    await knex.raw(`ANALYZE ${table}`);
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['associations', 'funds', 'leaders', 'association_terms']) {
    for (const suffix of ['ins', 'upd', 'del']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_report_parts_${suffix} ON ${table}`);
    await knex.raw(`DROP FUNCTION IF EXISTS ${table}_report_parts()`);
  }
  await knex.raw('DROP FUNCTION IF EXISTS compact_report_summaries()');
  await knex.raw('DROP INDEX IF EXISTS associations_updated_at_idx');
  await knex.raw('DROP INDEX IF EXISTS association_terms_extended_idx');
  await knex.raw('DROP INDEX IF EXISTS association_terms_deadline_idx');
  await knex.raw('DROP TABLE IF EXISTS report_term_parts');
  await knex.raw('DROP TABLE IF EXISTS report_leader_parts');
  await knex.raw('DROP TABLE IF EXISTS report_fund_parts');
  await knex.raw('DROP TABLE IF EXISTS report_association_parts');
}
