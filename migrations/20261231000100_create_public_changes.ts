import type { Knex } from 'knex';

/**
 * Which associations changed, for the in-process public search index (src/features/public/search/): each process
 * keeps the published associations in memory and, when the public data version moves, reloads only the associations
 * named here since its last look.
 *
 * `public_changes` gets one row per association an INSERT, UPDATE or DELETE of `associations` or
 * `association_other_fields` touched (statement-level triggers with transition tables: one extra INSERT per
 * statement, whoever writes), with the writing transaction's id. A reader asks for the rows with
 * `xid >= the xmin of its previous snapshot`: a transaction still running at that snapshot has an id at least that
 * xmin, so a change that commits late (a long import) is never missed; rows seen twice are reloaded twice, which is
 * harmless. Rows older than a few minutes are pruned by the readers (an index on `at`); a reader that fell further
 * behind reloads everything.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`CREATE TABLE public_changes (
    association_id bigint NOT NULL,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX public_changes_xid_idx ON public_changes (xid)');
  await knex.raw('CREATE INDEX public_changes_at_idx ON public_changes (at)');
  for (const [table, column] of [
    ['associations', 'id'],
    ['association_other_fields', 'association_id'],
  ] as const) {
    await knex.raw(`CREATE FUNCTION ${table}_public_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO public_changes (association_id) SELECT DISTINCT ${column} FROM new_rows;
  ELSIF TG_OP = 'DELETE' THEN
    INSERT INTO public_changes (association_id) SELECT DISTINCT ${column} FROM old_rows;
  ELSE
    INSERT INTO public_changes (association_id) SELECT ${column} FROM new_rows UNION SELECT ${column} FROM old_rows;
  END IF;
  RETURN NULL;
END $$`);
    await knex.raw(`CREATE TRIGGER ${table}_public_changes_ins AFTER INSERT ON ${table}
      REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_public_changes()`);
    await knex.raw(`CREATE TRIGGER ${table}_public_changes_upd AFTER UPDATE ON ${table}
      REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_public_changes()`);
    await knex.raw(`CREATE TRIGGER ${table}_public_changes_del AFTER DELETE ON ${table}
      REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION ${table}_public_changes()`);
  }
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['associations', 'association_other_fields']) {
    for (const suffix of ['ins', 'upd', 'del']) await knex.raw(`DROP TRIGGER IF EXISTS ${table}_public_changes_${suffix} ON ${table}`);
    await knex.raw(`DROP FUNCTION IF EXISTS ${table}_public_changes()`);
  }
  await knex.raw('DROP TABLE IF EXISTS public_changes');
}
