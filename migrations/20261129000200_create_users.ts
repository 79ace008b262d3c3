import type { Knex } from 'knex';

export const ROLES = ['ngo_staff', 'ngo_lead', 'it_admin', 'leader', 'association', 'org_manager', 'exploiter'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id').primary();
    t.text('username').notNullable();
    t.text('display_name').notNullable();
    t.text('email');
    t.text('password_hash').notNullable();
    t.specificType('roles', 'text[]').notNullable().defaultTo('{}');
    // Links filled by later features (the association an officer answers for; the exploiting organisation).
    t.integer('association_id');
    t.integer('organisation_id');
    t.boolean('must_change_password').notNullable().defaultTo(false);
    // One-time passwords handed over at account creation expire unused (RELIABILITY check 8).
    t.timestamp('password_expires_at', { useTz: true });
    t.timestamp('password_changed_at', { useTz: true });
    // RELIABILITY rule 1: bumped on logout-everywhere, password change and disable; sessions carry it.
    t.integer('session_generation').notNullable().defaultTo(0);
    t.integer('failed_login_count').notNullable().defaultTo(0);
    t.timestamp('locked_until', { useTz: true });
    t.timestamp('last_login_at', { useTz: true });
    t.timestamp('disabled_at', { useTz: true });
    t.text('totp_secret');
    t.timestamp('totp_enabled_at', { useTz: true });
    t.bigInteger('totp_last_step');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE UNIQUE INDEX users_username_lower_unique ON users (lower(username))');
  await knex.raw(
    `ALTER TABLE users ADD CONSTRAINT users_roles_known CHECK (roles <@ ARRAY[${ROLES.map((r) => `'${r}'`).join(',')}]::text[])`,
  );

  await knex.schema.createTable('user_recovery_codes', (t) => {
    t.increments('id').primary();
    t.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    t.text('code_hash').notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('user_recovery_codes');
  await knex.schema.dropTable('users');
}
