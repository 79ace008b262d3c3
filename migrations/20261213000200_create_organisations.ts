import type { Knex } from 'knex';

/**
 * Exploiting organisations: an organisation or a person registered to exploit the database. Accounts of
 * its manager (`org_manager`) and officers (`exploiter`) point here through users.organisation_id.
 * A violation's action takes effect through `suspended_until` / `access_revoked_at` here or on the user,
 * which the access check reads on every request.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('organisations', (t) => {
    t.increments('id').primary();
    t.text('kind').notNullable().defaultTo('organisation');
    t.text('name').notNullable();
    t.text('identifier');
    t.text('address');
    t.text('email');
    t.text('phone');
    t.timestamp('suspended_until', { useTz: true });
    t.timestamp('access_revoked_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("ALTER TABLE organisations ADD CONSTRAINT organisations_kind_known CHECK (kind IN ('organisation', 'person'))");
  await knex.raw('CREATE INDEX organisations_name_idx ON organisations (lower(name))');
  await knex.schema.alterTable('users', (t) => {
    t.foreign('organisation_id').references('id').inTable('organisations');
    t.index(['organisation_id']);
    t.index(['association_id']);
    // A violation can suspend one user's access until a date.
    t.timestamp('suspended_until', { useTz: true });
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropForeign(['organisation_id']);
    t.dropIndex(['organisation_id']);
    t.dropIndex(['association_id']);
    t.dropColumn('suspended_until');
  });
  await knex.schema.dropTable('organisations');
}
