import type { Knex } from 'knex';

/**
 * The counts of the public home and of /linh-vuc (SPEC §5, §7; issue 13), kept by triggers instead of recounted
 * over every published association on each uncached request.
 *
 * public_summary_parts holds signed deltas ("parts"), as report_association_parts does (migration
 * 20261230000200_report_summaries, which counts ALL associations and only their main field): per dimension
 * - 'scope': published associations per scope (their sum is the number of published associations);
 * - 'field': published associations per field, main OR other, each association once per field: its main field,
 *   plus each of its other fields that is not its main field (association_other_fields).
 * Statement-level triggers with transition tables append, in the writer's own transaction, one row per group a
 * statement changed; the home sums the parts. In any snapshot that sum equals the direct count of the base tables.
 *
 * The field counts join two tables, so each side's trigger reads the other side's current rows:
 * - associations (insert, update, delete): the main field and scope of the rows before (−1) and after (+1), and on
 *   update their other fields (a new association has none yet: association_other_fields refers to it);
 * - association_other_fields (insert, update, delete): each row counts when its association is published and the
 *   field is not the association's main field. It locks those associations FOR SHARE first, so a concurrent change of
 *   their published flag or main field (which takes a conflicting row lock) is ordered before or after it, never
 *   unseen by both triggers;
 * - a deleted association's other fields are removed by the foreign key's cascade, whose trigger no longer finds
 *   the association, before the deleting statement's own trigger runs: a BEFORE DELETE row trigger takes them off
 *   first (deletions are rare: the register keeps its records; inserts and updates, e.g. bulk imports, stay
 *   statement-level);
 * - a field's code renamed cascades to both tables at once: fields_public_summary_rename corrects for it.
 *
 * `compact_public_summary()` folds the parts into one row per group (the home calls it when they have piled up);
 * like compact_report_summaries it deletes only the parts its snapshot sees and re-inserts their sum, so concurrent
 * writers and compactions stay exact. A restore loads this table like any other, triggers off.
 */
/**
 * The parts of the signed association rows `signed` (sign, id, published, scope, main_field_code): scope and main
 * field, and with `withOther` their other fields as association_other_fields holds them now.
 */
const associationParts = (signed: string, withOther: boolean) => `WITH d AS (${signed})
    INSERT INTO public_summary_parts (dimension, key, n)
    SELECT g.dimension, g.key, sum(g.sign) FROM (
      SELECT 'scope' AS dimension, d.scope AS key, d.sign FROM d WHERE d.published
      UNION ALL
      SELECT 'field', d.main_field_code, d.sign FROM d WHERE d.published AND d.main_field_code IS NOT NULL${
        withOther
          ? `
      UNION ALL
      SELECT 'field', o.field_code, d.sign FROM d JOIN association_other_fields o ON o.association_id = d.id
       WHERE d.published AND o.field_code IS DISTINCT FROM d.main_field_code`
          : ''
      }
    ) g GROUP BY g.dimension, g.key HAVING sum(g.sign) <> 0`;

const ACOLS = 'id, published, scope, main_field_code';

/** The statement triggers (insert, update, delete, with their transition tables) calling `<table>_public_summary()`. */
async function statementTriggers(knex: Knex, table: string): Promise<void> {
  const fn = `${table}_public_summary()`;
  await knex.raw(`CREATE TRIGGER ${table}_public_summary_ins AFTER INSERT ON ${table}
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}`);
  await knex.raw(`CREATE TRIGGER ${table}_public_summary_upd AFTER UPDATE ON ${table}
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}`);
  await knex.raw(`CREATE TRIGGER ${table}_public_summary_del AFTER DELETE ON ${table}
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${fn}`);
}

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE public_summary_parts (
    dimension text NOT NULL CHECK (dimension IN ('scope', 'field')),
    key text,
    n bigint NOT NULL
  )`);

  // A new association has no other field yet (they refer to it); a deleted one's were taken off before the cascade
  // removed them (associations_public_summary_before_delete).
  await knex.raw(`CREATE FUNCTION associations_public_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${associationParts(`SELECT 1 AS sign, ${ACOLS} FROM new_rows`, false)};
  ELSIF TG_OP = 'DELETE' THEN
    ${associationParts(`SELECT -1 AS sign, ${ACOLS} FROM old_rows`, false)};
  ELSE
    ${associationParts(`SELECT 1 AS sign, ${ACOLS} FROM new_rows UNION ALL SELECT -1 AS sign, ${ACOLS} FROM old_rows`, true)};
  END IF;
  RETURN NULL;
END $$`);
  await statementTriggers(knex, 'associations');

  await knex.raw(`CREATE FUNCTION associations_public_summary_before_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF OLD.published THEN
    INSERT INTO public_summary_parts (dimension, key, n)
    SELECT 'field', o.field_code, -1 FROM association_other_fields o
     WHERE o.association_id = OLD.id AND o.field_code IS DISTINCT FROM OLD.main_field_code;
  END IF;
  RETURN OLD;
END $$`);
  await knex.raw(`CREATE TRIGGER associations_public_summary_before_del BEFORE DELETE ON associations
    FOR EACH ROW EXECUTE FUNCTION associations_public_summary_before_delete()`);

  const otherParts = (signed: string) => `WITH d AS (${signed}),
    a AS (SELECT a.id, a.published, a.main_field_code FROM associations a
           WHERE a.id IN (SELECT d.association_id FROM d) FOR SHARE)
    INSERT INTO public_summary_parts (dimension, key, n)
    SELECT 'field', d.field_code, sum(d.sign) FROM d JOIN a ON a.id = d.association_id
     WHERE a.published AND d.field_code IS DISTINCT FROM a.main_field_code
     GROUP BY d.field_code HAVING sum(d.sign) <> 0`;
  const ocols = 'association_id, field_code';
  await knex.raw(`CREATE FUNCTION association_other_fields_public_summary() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    ${otherParts(`SELECT 1 AS sign, ${ocols} FROM new_rows`)};
  ELSIF TG_OP = 'DELETE' THEN
    ${otherParts(`SELECT -1 AS sign, ${ocols} FROM old_rows`)};
  ELSE
    ${otherParts(`SELECT 1 AS sign, ${ocols} FROM new_rows UNION ALL SELECT -1 AS sign, ${ocols} FROM old_rows`)};
  END IF;
  RETURN NULL;
END $$`);
  await statementTriggers(knex, 'association_other_fields');

  // A field's code renamed: the foreign keys cascade to both tables, and both cascaded updates run before either's
  // statement trigger (a foreign key's actions queue their triggers until all of them have run). Each trigger then
  // sees the other table already renamed: for a published record whose main field is also among its other fields,
  // the two together take one too many off the old code and off the new one. This puts them back first.
  await knex.raw(`CREATE FUNCTION fields_public_summary_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO public_summary_parts (dimension, key, n)
  SELECT 'field', c.code, count(*) FROM associations a
    JOIN association_other_fields o ON o.association_id = a.id AND o.field_code = OLD.code
    CROSS JOIN (VALUES (OLD.code), (NEW.code)) c(code)
   WHERE a.published AND a.main_field_code = OLD.code
   GROUP BY c.code;
  RETURN NEW;
END $$`);
  await knex.raw(`CREATE TRIGGER fields_public_summary_rename BEFORE UPDATE OF code ON fields
    FOR EACH ROW WHEN (OLD.code IS DISTINCT FROM NEW.code) EXECUTE FUNCTION fields_public_summary_rename()`);

  await knex.raw(`CREATE FUNCTION compact_public_summary() RETURNS void LANGUAGE sql AS $$
    WITH d AS (DELETE FROM public_summary_parts RETURNING *)
    INSERT INTO public_summary_parts (dimension, key, n)
    SELECT dimension, key, sum(n) FROM d GROUP BY dimension, key HAVING sum(n) <> 0;
  $$`);

  // Backfill: the published associations as they are, counted as the public pages counted them directly.
  await knex.raw(`INSERT INTO public_summary_parts (dimension, key, n)
    SELECT 'scope', scope, count(*) FROM associations WHERE published GROUP BY scope
    UNION ALL
    SELECT 'field', x.field_code, count(*) FROM (
      SELECT a.id, a.main_field_code AS field_code FROM associations a WHERE a.published AND a.main_field_code IS NOT NULL
      UNION
      SELECT o.association_id, o.field_code FROM association_other_fields o JOIN associations a ON a.id = o.association_id
       WHERE a.published
    ) x GROUP BY x.field_code`);
  await knex.raw('ANALYZE public_summary_parts');
}

export async function down(knex: Knex): Promise<void> {
  for (const suffix of ['ins', 'upd', 'del']) {
    await knex.raw(`DROP TRIGGER IF EXISTS association_other_fields_public_summary_${suffix} ON association_other_fields`);
    await knex.raw(`DROP TRIGGER IF EXISTS associations_public_summary_${suffix} ON associations`);
  }
  await knex.raw('DROP TRIGGER IF EXISTS associations_public_summary_before_del ON associations');
  await knex.raw('DROP TRIGGER IF EXISTS fields_public_summary_rename ON fields');
  await knex.raw('DROP FUNCTION IF EXISTS fields_public_summary_rename()');
  await knex.raw('DROP FUNCTION IF EXISTS association_other_fields_public_summary()');
  await knex.raw('DROP FUNCTION IF EXISTS associations_public_summary_before_delete()');
  await knex.raw('DROP FUNCTION IF EXISTS associations_public_summary()');
  await knex.raw('DROP FUNCTION IF EXISTS compact_public_summary()');
  await knex.raw('DROP TABLE IF EXISTS public_summary_parts');
}
