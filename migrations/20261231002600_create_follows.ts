import type { Knex } from 'knex';

/**
 * Following a record and saving a public search (issue 16 item 2), as Companies House's "follow":
 * - `follows`: a user follows an association record; `seen_version` is the record's version the user was last told
 *   about (set to the current version when they follow), so a change is announced once, whatever runs the job.
 * - `saved_searches`: a user's public search (`/hoi`: the words and the field, scope and province filters), stored
 *   normalised (`query` as the list reads it, `query_key` its canonical text: one save per search and user).
 * - `saved_search_hits`: each association announced to a saved search, once (the job inserts, the notice follows
 *   only for rows it inserted, in the same transaction: a re-run announces nothing twice).
 * - `association_changes`: which associations got a new version, written by a statement-level trigger on
 *   `association_versions` (whoever writes: forms, submissions, imports, the generator) with the writing
 *   transaction's id. The job reads the rows with `xid >=` the xmin of its previous look (as the public search index
 *   reads `public_changes`): a change committed late (a long import) is never missed, and its cost follows the number
 *   of changes, never the size of the register. `first_version` is the lowest version a statement wrote.
 * - `follow_watch_state`: the job's cursor (that xmin).
 * - `notifications.follow_association_id` / `saved_search_id`: what a follow notice is about, for its
 *   "Bỏ theo dõi" button; the partial index serves the daily digest (unread follow notices not yet e-mailed).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('follows', (t) => {
    t.bigIncrements('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.integer('seen_version').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'association_id']);
    t.index(['association_id']);
  });

  await knex.schema.createTable('saved_searches', (t) => {
    t.bigIncrements('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.jsonb('query').notNullable();
    t.text('query_key').notNullable();
    t.text('label').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('last_checked_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['user_id', 'query_key']);
  });

  await knex.schema.createTable('saved_search_hits', (t) => {
    t.bigInteger('saved_search_id').notNullable().references('id').inTable('saved_searches').onDelete('CASCADE');
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.timestamp('found_at', { useTz: true }).notNullable();
    t.primary(['saved_search_id', 'association_id']);
  });

  await knex.raw(`CREATE TABLE association_changes (
    association_id integer NOT NULL,
    first_version integer NOT NULL,
    xid xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at timestamptz NOT NULL DEFAULT now()
  )`);
  await knex.raw('CREATE INDEX association_changes_xid_idx ON association_changes (xid)');
  await knex.raw('CREATE INDEX association_changes_at_idx ON association_changes (at)');
  await knex.raw(`CREATE FUNCTION association_versions_changes() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO association_changes (association_id, first_version)
    SELECT association_id, min(version) FROM new_rows GROUP BY association_id;
  RETURN NULL;
END $$`);
  await knex.raw(`CREATE TRIGGER association_versions_changes_ins AFTER INSERT ON association_versions
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION association_versions_changes()`);

  await knex.raw(`CREATE TABLE follow_watch_state (
    name text PRIMARY KEY,
    cursor xid8 NOT NULL,
    updated_at timestamptz NOT NULL
  )`);

  await knex.schema.alterTable('notifications', (t) => {
    t.integer('follow_association_id').references('id').inTable('associations').onDelete('SET NULL');
    t.bigInteger('saved_search_id').references('id').inTable('saved_searches').onDelete('SET NULL');
  });
  await knex.raw(`CREATE INDEX notifications_follow_digest_idx ON notifications (user_id, id)
    WHERE emailed_at IS NULL AND read_at IS NULL AND kind IN ('follow.record', 'follow.search')`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP INDEX IF EXISTS notifications_follow_digest_idx');
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('saved_search_id');
    t.dropColumn('follow_association_id');
  });
  await knex.raw('DROP TABLE IF EXISTS follow_watch_state');
  await knex.raw('DROP TRIGGER IF EXISTS association_versions_changes_ins ON association_versions');
  await knex.raw('DROP FUNCTION IF EXISTS association_versions_changes()');
  await knex.raw('DROP TABLE IF EXISTS association_changes');
  await knex.schema.dropTable('saved_search_hits');
  await knex.schema.dropTable('saved_searches');
  await knex.schema.dropTable('follows');
}
