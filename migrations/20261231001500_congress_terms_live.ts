import type { Knex } from 'knex';

/**
 * One definition of "quá hạn đại hội" (R-17.1 e, issue 15): only a live association owes a term congress.
 *
 * 1. `association_status_live(status)`: the database's copy of LIVE_STATUSES (src/features/associations/statuses.ts;
 *    test/integration/congress-overdue.test.ts checks both agree on every status of the catalogue).
 * 2. `association_terms.live`: whether the association is live, set by refresh_association_terms() and kept by a
 *    statement-level trigger on associations (a status change), so report e's unfiltered reads need no join.
 * 3. report_term_parts counts live terms only (its trigger skips the others): the staff home and report e's state
 *    counts leave dissolved and ended associations out. The backfill is the update of `live` itself: the new
 *    trigger subtracts each ended association's term from the parts it was counted in.
 * 4. The partial index of report e's unfiltered page (deadline order) covers live terms only.
 */
const LIVE = ['dang_thanh_lap', 'hoat_dong', 'dinh_chi_co_thoi_han', 'cho_giai_the'];

const termParts = (live: boolean) => {
  const where = live ? 'WHERE live' : '';
  const parts = (signed: string) => `INSERT INTO report_term_parts (term_end, extension_deadline, n)
    SELECT d.term_end, d.extension_deadline, sum(d.sign) FROM (${signed}) d
    GROUP BY d.term_end, d.extension_deadline HAVING sum(d.sign) <> 0`;
  const rows = (sign: number, table: string) => `SELECT ${sign} AS sign, term_end, extension_deadline FROM ${table} ${where}`;
  return `CREATE OR REPLACE FUNCTION association_terms_report_parts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${parts(rows(1, 'new_rows'))};
  ELSIF TG_OP = 'DELETE' THEN
    ${parts(rows(-1, 'old_rows'))};
  ELSE
    ${parts(`${rows(1, 'new_rows')} UNION ALL ${rows(-1, 'old_rows')}`)};
  END IF;
  RETURN NULL;
END $$`;
};

/** refresh_association_terms() of migration 20261229000100, with `live` when `live` is true. */
const refresh = (live: boolean) => `CREATE OR REPLACE FUNCTION refresh_association_terms(ids integer[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM association_terms WHERE association_id = ANY(ids);
  INSERT INTO association_terms
    (association_id, code, last_congress, term_number, term_years, term_end, extension_deadline, extension_number${live ? ', live' : ''})
  SELECT t.association_id, a.code, t.held_on, t.term_number, t.term_years, t.term_end, x.new_deadline, xn.decision_number${
    live ? ', association_status_live(a.status)' : ''
  }
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
END $$`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(
    `CREATE FUNCTION association_status_live(status text) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
      SELECT coalesce(status IN (${LIVE.map((s) => `'${s}'`).join(', ')}), false) $$`,
  );
  await knex.raw('ALTER TABLE association_terms ADD COLUMN live boolean NOT NULL DEFAULT true');
  await knex.raw(termParts(true));
  await knex.raw(`UPDATE association_terms t SET live = false FROM associations a
    WHERE a.id = t.association_id AND NOT association_status_live(a.status)`);
  await knex.raw(refresh(true));
  // Statement level (a bulk status change is one statement); a record save touches its own term row by key.
  await knex.raw(`CREATE FUNCTION associations_live_to_terms() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE association_terms t SET live = association_status_live(n.status)
  FROM new_rows n WHERE t.association_id = n.id AND t.live IS DISTINCT FROM association_status_live(n.status);
  RETURN NULL;
END $$`);
  await knex.raw(`CREATE TRIGGER associations_live_terms AFTER UPDATE ON associations
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION associations_live_to_terms()`);
  await knex.raw(
    'CREATE INDEX association_terms_live_deadline_idx ON association_terms (term_end, code) WHERE extension_deadline IS NULL AND live',
  );
  await knex.raw('DROP INDEX IF EXISTS association_terms_deadline_idx');
  await knex.raw('ANALYZE association_terms');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(
    'CREATE INDEX IF NOT EXISTS association_terms_deadline_idx ON association_terms (term_end, code) WHERE extension_deadline IS NULL',
  );
  await knex.raw('DROP INDEX IF EXISTS association_terms_live_deadline_idx');
  await knex.raw('DROP TRIGGER IF EXISTS associations_live_terms ON associations');
  await knex.raw('DROP FUNCTION IF EXISTS associations_live_to_terms()');
  await knex.raw(refresh(false));
  // Every term counted again, as migration 20261230000200 counted them.
  await knex.raw(termParts(false));
  await knex.raw(`INSERT INTO report_term_parts (term_end, extension_deadline, n)
    SELECT term_end, extension_deadline, count(*) FROM association_terms WHERE NOT live GROUP BY 1, 2`);
  await knex.raw('ALTER TABLE association_terms DROP COLUMN live');
  await knex.raw('DROP FUNCTION IF EXISTS association_status_live(text)');
}
