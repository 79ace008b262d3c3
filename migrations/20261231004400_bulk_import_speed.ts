import type { Knex } from 'knex';

/**
 * Bulk import at national scale (BENCHMARKS.md "After the regressions fix (07/12/2026)"):
 *
 * - `associations_lower_name_idx`: the import matches each row's name against the register (`lower(name) IN (…)`,
 *   2,000 names a statement, at validation and again when applying). The only index on lower(name) is the partial
 *   unique one of live records, which a match over every status cannot use: each statement read all 100,000 records
 *   (0.5–0.9 s under load, 20 statements for a 10,000-row file); with this index, 2,000 index probes. It also gives
 *   the planner statistics on lower(name).
 * - `associations_set_former_province` (migration 20261231003100_former_province_statistics): a record being
 *   inserted has no saved versions yet (they reference it), so its former province follows from the provinces
 *   catalogue alone; the insert no longer runs the versions' lookup for each row. Updates keep the full rule, and a
 *   version dated before 01/07/2025 added later still recomputes the record (that migration's version triggers).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE INDEX associations_lower_name_idx ON associations (lower(name))');
  await knex.raw(`CREATE OR REPLACE FUNCTION associations_set_former_province() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  next_code text;
  only_code text;
  n integer;
BEGIN
  IF TG_OP <> 'INSERT' THEN
    NEW.former_province_code := association_former_province(NEW.hq_province_code, NEW.id);
    RETURN NEW;
  END IF;
  IF NEW.hq_province_code IS NULL THEN
    NEW.former_province_code := NULL;
    RETURN NEW;
  END IF;
  -- association_former_province's rules 1, 3 and 4 (rule 2 reads versions, which a new record has none of).
  SELECT max(p.successor_code) FILTER (WHERE p.code = NEW.hq_province_code),
         min(p.code) FILTER (WHERE p.successor_code = NEW.hq_province_code AND p.code <> NEW.hq_province_code),
         count(*) FILTER (WHERE p.successor_code = NEW.hq_province_code AND p.code <> NEW.hq_province_code)
    INTO next_code, only_code, n
    FROM provinces p WHERE p.code = NEW.hq_province_code OR p.successor_code = NEW.hq_province_code;
  NEW.former_province_code := CASE WHEN next_code IS NOT NULL THEN NEW.hq_province_code WHEN n = 1 THEN only_code END;
  RETURN NEW;
END $$`);
  await knex.raw('ANALYZE associations');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`CREATE OR REPLACE FUNCTION associations_set_former_province() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.former_province_code := association_former_province(NEW.hq_province_code, NEW.id);
  RETURN NEW;
END $$`);
  await knex.raw('DROP INDEX IF EXISTS associations_lower_name_idx');
}
