import type { Knex } from 'knex';

/**
 * Statistics by former province (issue 16 item 7): every record mapped to one of the 63 provinces before the
 * 01/07/2025 reorganisation, kept by the database so the reports and the public statistics group and filter by it
 * with plain indexed SQL (100,000 associations; no per-row lookups in the application).
 *
 * - province_current: each province code and the code in force it leads to (its successor chain followed to the end;
 *   a current code leads to itself). A view over the catalogue's 97 rows.
 * - association_former_province(hq, id): the former province of a record whose headquarters province is `hq`:
 *   1. `hq` itself when it is a former code (it has a successor);
 *   2. else the headquarters province of the record's last version saved before 01/07/2025 (Vietnam time), when that
 *      is a former code that leads to `hq` (a record that moved elsewhere after the merger is not counted in a former
 *      province of another current one: the 63 groups stay a subdivision of the 34);
 *   3. else the one former province whose successor is `hq`, when there is exactly one (Hà Nội, Cao Bằng …);
 *   4. else null: "not determined" (shown per current province), or no headquarters province at all.
 * - associations.former_province_code: that value, set by BEFORE row triggers when a record is inserted or its
 *   headquarters province changes (whoever writes: the form, imports, submissions, the generator), and recomputed
 *   when versions dated before 01/07/2025 are added or removed, or the provinces' successors change. The function
 *   costs about 40 µs a record (one read of the catalogue, one of the versions' index) at 100,000 associations.
 * - report_province_parts: signed parts (as report_association_parts, migration 20261230000200_report_summaries)
 *   per headquarters province, former province, scope and published flag, kept by statement triggers: the
 *   unfiltered reports and the public statistics sum a few hundred rows instead of grouping 100,000.
 */
const CUTOFF = "timestamptz '2025-07-01 00:00:00+07'";

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE VIEW province_current AS
    WITH RECURSIVE chain (code, cur, depth) AS (
      SELECT p.code, p.code, 0 FROM provinces p
      UNION ALL
      SELECT c.code, p.successor_code, c.depth + 1 FROM chain c JOIN provinces p ON p.code = c.cur
       WHERE p.successor_code IS NOT NULL AND p.successor_code <> c.cur AND c.depth < 10
    )
    SELECT DISTINCT ON (code) code, cur AS current_code FROM chain ORDER BY code, depth DESC`);

  // PL/pgSQL with one indexed lookup per step: it runs for every record written (a bulk import, the backfill).
  await knex.raw(`CREATE FUNCTION association_former_province(p_hq text, p_id integer) RETURNS text
    LANGUAGE plpgsql STABLE AS $$
DECLARE
  next_code text;
  hist text;
  cur text;
  only_code text;
  n integer;
BEGIN
  IF p_hq IS NULL THEN
    RETURN NULL;
  END IF;
  -- One read of the catalogue: the province's successor, and its direct predecessors (their number and the first).
  SELECT max(p.successor_code) FILTER (WHERE p.code = p_hq),
         min(p.code) FILTER (WHERE p.successor_code = p_hq AND p.code <> p_hq),
         count(*) FILTER (WHERE p.successor_code = p_hq AND p.code <> p_hq)
    INTO next_code, only_code, n
    FROM provinces p WHERE p.code = p_hq OR p.successor_code = p_hq;
  IF next_code IS NOT NULL THEN
    RETURN p_hq;
  END IF;
  SELECT v.snapshot->>'hq_province_code' INTO hist FROM association_versions v
   WHERE v.association_id = p_id AND v.created_at < ${CUTOFF}
   ORDER BY v.created_at DESC, v.version DESC LIMIT 1;
  IF hist IS NOT NULL AND hist <> p_hq THEN
    -- A former code whose successor chain reaches today's province.
    cur := hist;
    FOR i IN 1..10 LOOP
      SELECT successor_code INTO next_code FROM provinces WHERE code = cur;
      EXIT WHEN next_code IS NULL OR next_code = cur;
      IF next_code = p_hq THEN
        RETURN hist;
      END IF;
      cur := next_code;
    END LOOP;
  END IF;
  RETURN CASE WHEN n = 1 THEN only_code END;
END $$`);

  await knex.raw(`ALTER TABLE associations ADD COLUMN former_province_code text
    REFERENCES provinces (code) ON UPDATE CASCADE`);
  // Backfill before the triggers exist, in one statement touching only the records that get a value (the others
  // stay null; every write is a new row version and fires the other tables' summary triggers: about a minute for
  // 100,000 records on a busy two-core machine when all of them get one).
  await knex.raw(`UPDATE associations a SET former_province_code = x.code
    FROM (SELECT id, association_former_province(hq_province_code, id) AS code FROM associations
           WHERE hq_province_code IS NOT NULL) x
    WHERE x.id = a.id AND x.code IS NOT NULL`);
  await knex.raw('CREATE INDEX associations_former_province_idx ON associations (former_province_code)');

  await knex.raw(`CREATE FUNCTION associations_set_former_province() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.former_province_code := association_former_province(NEW.hq_province_code, NEW.id);
  RETURN NEW;
END $$`);
  // On update, only when the headquarters province changes or the derived value is written (by the recomputations
  // below, or by anyone else: corrected at once); a save that leaves both as they were costs nothing.
  await knex.raw(`CREATE TRIGGER associations_set_former_province
    BEFORE INSERT ON associations FOR EACH ROW EXECUTE FUNCTION associations_set_former_province()`);
  await knex.raw(`CREATE TRIGGER associations_set_former_province_upd
    BEFORE UPDATE OF hq_province_code, former_province_code ON associations FOR EACH ROW
    WHEN (OLD.hq_province_code IS DISTINCT FROM NEW.hq_province_code
          OR OLD.former_province_code IS DISTINCT FROM NEW.former_province_code)
    EXECUTE FUNCTION associations_set_former_province()`);

  // Versions dated before the reorganisation (imports of history, corrections): recompute their records.
  const recompute = (ids: string) => `UPDATE associations a
       SET former_province_code = association_former_province(a.hq_province_code, a.id)
     WHERE a.id IN (${ids})
       AND a.former_province_code IS DISTINCT FROM association_former_province(a.hq_province_code, a.id)`;
  await knex.raw(`CREATE FUNCTION association_versions_former_province() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    ${recompute(`SELECT o.association_id FROM old_rows o WHERE o.created_at < ${CUTOFF}`)};
  ELSIF TG_OP = 'INSERT' THEN
    ${recompute(`SELECT n.association_id FROM new_rows n WHERE n.created_at < ${CUTOFF}`)};
  ELSE
    ${recompute(`SELECT n.association_id FROM new_rows n WHERE n.created_at < ${CUTOFF}
                 UNION SELECT o.association_id FROM old_rows o WHERE o.created_at < ${CUTOFF}`)};
  END IF;
  RETURN NULL;
END $$`);
  await knex.raw(`CREATE TRIGGER association_versions_former_province_ins AFTER INSERT ON association_versions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION association_versions_former_province()`);
  await knex.raw(`CREATE TRIGGER association_versions_former_province_upd AFTER UPDATE ON association_versions
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION association_versions_former_province()`);
  await knex.raw(`CREATE TRIGGER association_versions_former_province_del AFTER DELETE ON association_versions
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION association_versions_former_province()`);

  // A province added with a successor, or a successor changed (rare: catalogue edits; the start-up seed adds none
  // once seeded): every record whose mapping changes is recomputed in one statement.
  await knex.raw(`CREATE FUNCTION provinces_former_province() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- Each branch names only the transition tables its event has.
  IF TG_OP = 'INSERT' THEN
    IF NOT EXISTS (SELECT 1 FROM new_rows WHERE successor_code IS NOT NULL) THEN
      RETURN NULL;
    END IF;
  ELSIF NOT EXISTS (SELECT n.code, n.successor_code FROM new_rows n EXCEPT SELECT o.code, o.successor_code FROM old_rows o) THEN
    RETURN NULL;
  END IF;
  UPDATE associations a SET former_province_code = association_former_province(a.hq_province_code, a.id)
   WHERE a.hq_province_code IS NOT NULL
     AND a.former_province_code IS DISTINCT FROM association_former_province(a.hq_province_code, a.id);
  RETURN NULL;
END $$`);
  await knex.raw(`CREATE TRIGGER provinces_former_province_ins AFTER INSERT ON provinces
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION provinces_former_province()`);
  await knex.raw(`CREATE TRIGGER provinces_former_province_upd AFTER UPDATE ON provinces
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION provinces_former_province()`);

  // The summary parts.
  await knex.raw(`CREATE TABLE report_province_parts (
    hq_province_code text,
    former_province_code text,
    scope text NOT NULL,
    published boolean NOT NULL,
    n bigint NOT NULL
  )`);
  const parts = (signed: string) => `INSERT INTO report_province_parts (hq_province_code, former_province_code, scope, published, n)
    SELECT d.hq_province_code, d.former_province_code, d.scope, d.published, sum(d.sign) FROM (${signed}) d
    GROUP BY d.hq_province_code, d.former_province_code, d.scope, d.published HAVING sum(d.sign) <> 0`;
  const cols = 'hq_province_code, former_province_code, scope, published';
  await knex.raw(`CREATE FUNCTION associations_province_parts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${parts(`SELECT 1 AS sign, ${cols} FROM new_rows`)};
  ELSIF TG_OP = 'DELETE' THEN
    ${parts(`SELECT -1 AS sign, ${cols} FROM old_rows`)};
  ELSE
    ${parts(`SELECT 1 AS sign, ${cols} FROM new_rows UNION ALL SELECT -1 AS sign, ${cols} FROM old_rows`)};
  END IF;
  RETURN NULL;
END $$`);
  for (const [suffix, ref] of [
    ['ins', 'AFTER INSERT ON associations REFERENCING NEW TABLE AS new_rows'],
    ['upd', 'AFTER UPDATE ON associations REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows'],
    ['del', 'AFTER DELETE ON associations REFERENCING OLD TABLE AS old_rows'],
  ] as const)
    await knex.raw(
      `CREATE TRIGGER associations_province_parts_${suffix} ${ref} FOR EACH STATEMENT EXECUTE FUNCTION associations_province_parts()`,
    );
  await knex.raw(`CREATE FUNCTION compact_province_parts() RETURNS void LANGUAGE sql AS $$
    WITH d AS (DELETE FROM report_province_parts RETURNING *)
    INSERT INTO report_province_parts (hq_province_code, former_province_code, scope, published, n)
    SELECT hq_province_code, former_province_code, scope, published, sum(n) FROM d
    GROUP BY hq_province_code, former_province_code, scope, published HAVING sum(n) <> 0;
  $$`);
  await knex.raw(parts(`SELECT 1 AS sign, ${cols} FROM associations`));
  await knex.raw('ANALYZE report_province_parts');
  await knex.raw('ANALYZE associations');
}

export async function down(knex: Knex): Promise<void> {
  for (const suffix of ['ins', 'upd', 'del']) {
    await knex.raw(`DROP TRIGGER IF EXISTS associations_province_parts_${suffix} ON associations`);
    await knex.raw(`DROP TRIGGER IF EXISTS association_versions_former_province_${suffix} ON association_versions`);
  }
  await knex.raw('DROP TRIGGER IF EXISTS provinces_former_province_ins ON provinces');
  await knex.raw('DROP TRIGGER IF EXISTS provinces_former_province_upd ON provinces');
  await knex.raw('DROP TRIGGER IF EXISTS associations_set_former_province ON associations');
  await knex.raw('DROP TRIGGER IF EXISTS associations_set_former_province_upd ON associations');
  await knex.raw('DROP FUNCTION IF EXISTS compact_province_parts()');
  await knex.raw('DROP FUNCTION IF EXISTS associations_province_parts()');
  await knex.raw('DROP FUNCTION IF EXISTS provinces_former_province()');
  await knex.raw('DROP FUNCTION IF EXISTS association_versions_former_province()');
  await knex.raw('DROP FUNCTION IF EXISTS associations_set_former_province()');
  await knex.raw('DROP TABLE IF EXISTS report_province_parts');
  await knex.raw('ALTER TABLE associations DROP COLUMN IF EXISTS former_province_code');
  await knex.raw('DROP FUNCTION IF EXISTS association_former_province(text, integer)');
  await knex.raw('DROP VIEW IF EXISTS province_current');
}
