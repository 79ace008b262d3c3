import type { Knex } from 'knex';

/**
 * English names of catalogue entries (issue 17 item 2: "catalogue names with English labels where the catalogue has
 * them"). Every catalogue gets an optional `name_en`, edited by staff beside the Vietnamese name; the English
 * interface shows it where there is one and the Vietnamese name otherwise. The reference seed fills it for the
 * entries a foreign reader meets on public pages (provinces, fields, natures, kinds, statuses, leaders' positions),
 * only in rows no one has edited (seeds/reference/catalogues.ts).
 *
 * The public pages' data version (migration 20261230000100_search_full_text) already moves on writes to fields,
 * provinces and statuses; the record page also names natures, kinds and leaders' positions, so their writes move it
 * too from now on (a renamed entry is not served from a cached page).
 * Self-contained on purpose (migrations are immutable): the table lists are spelled out here.
 */
const TABLES = [
  'provinces',
  'ministries',
  'fields',
  'natures',
  'association_kinds',
  'leader_positions',
  'hq_origins',
  'document_types',
  'statuses',
] as const;

const NEWLY_WATCHED = ['natures', 'association_kinds', 'leader_positions'] as const;

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    await knex.raw(`ALTER TABLE ${table} ADD COLUMN name_en text`);
    await knex.raw(
      `ALTER TABLE ${table} ADD CONSTRAINT ${table}_name_en_length CHECK (name_en IS NULL OR length(name_en) BETWEEN 1 AND 300)`,
    );
  }
  for (const table of NEWLY_WATCHED) {
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
  for (const table of NEWLY_WATCHED) {
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_public_data_version_commit ON ${table}`);
    await knex.raw(`DROP TRIGGER IF EXISTS ${table}_public_data_version ON ${table}`);
  }
  for (const table of TABLES) await knex.raw(`ALTER TABLE ${table} DROP COLUMN IF EXISTS name_en`);
}
