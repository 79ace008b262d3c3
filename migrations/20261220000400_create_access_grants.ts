import type { Knex } from 'knex';

/**
 * Access registration and grants (R-14, R-8.5, R-8.6, R-16.1):
 * - access_registrations: the public registration form (phiếu đăng ký khai thác). The applicant's status token
 *   is kept only as a SHA-256 hash; the reference (DK-2026-000123) alone never shows the status.
 * - access_grants: what an organisation may read (R-17.1 categories, whether leaders' personal fields), from when
 *   until when; revoked_at ends it at the next request.
 * - access_requests: the organisation manager's requests (add an officer, renew the grant) decided by ngo_lead.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('access_registrations', (t) => {
    t.increments('id').primary();
    t.text('reference').unique();
    t.text('token_hash').notNullable();
    t.text('kind').notNullable();
    t.text('name').notNullable();
    t.text('identifier').notNullable();
    t.text('address').notNullable();
    t.text('email').notNullable();
    t.text('phone').notNullable();
    t.text('manager_name').notNullable();
    t.text('manager_position');
    t.text('manager_email').notNullable();
    t.text('manager_phone');
    t.text('purpose').notNullable();
    t.text('legal_basis').notNullable();
    t.specificType('categories', 'text[]').notNullable();
    t.boolean('personal').notNullable().defaultTo(false);
    t.date('period_from').notNullable();
    t.date('period_to').notNullable();
    t.jsonb('officers').notNullable().defaultTo('[]');
    t.text('status').notNullable().defaultTo('pending');
    t.integer('decided_by').references('id').inTable('users');
    t.timestamp('decided_at', { useTz: true });
    t.text('decision_reason');
    t.integer('organisation_id').references('id').inTable('organisations');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(
    "ALTER TABLE access_registrations ADD CONSTRAINT access_registrations_status_known CHECK (status IN ('pending', 'approved', 'refused'))",
  );
  await knex.raw(
    "ALTER TABLE access_registrations ADD CONSTRAINT access_registrations_kind_known CHECK (kind IN ('organisation', 'person'))",
  );
  await knex.raw('CREATE INDEX access_registrations_status_idx ON access_registrations (status, created_at)');

  await knex.schema.createTable('access_grants', (t) => {
    t.increments('id').primary();
    t.integer('organisation_id').notNullable().references('id').inTable('organisations');
    t.integer('registration_id').references('id').inTable('access_registrations');
    t.specificType('categories', 'text[]').notNullable();
    t.boolean('personal').notNullable().defaultTo(false);
    t.timestamp('valid_from', { useTz: true }).notNullable();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('revoked_at', { useTz: true });
    t.integer('revoked_by').references('id').inTable('users');
    t.text('revoke_reason');
    t.integer('created_by').references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('CREATE INDEX access_grants_organisation_idx ON access_grants (organisation_id, expires_at)');
  await knex.raw('ALTER TABLE access_grants ADD CONSTRAINT access_grants_period CHECK (expires_at > valid_from)');

  await knex.schema.createTable('access_requests', (t) => {
    t.increments('id').primary();
    t.integer('organisation_id').notNullable().references('id').inTable('organisations');
    t.text('kind').notNullable();
    t.integer('requested_by').notNullable().references('id').inTable('users');
    t.jsonb('payload').notNullable().defaultTo('{}');
    t.text('status').notNullable().defaultTo('pending');
    t.integer('decided_by').references('id').inTable('users');
    t.timestamp('decided_at', { useTz: true });
    t.text('decision_reason');
    t.integer('created_user_id').references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("ALTER TABLE access_requests ADD CONSTRAINT access_requests_kind_known CHECK (kind IN ('add_officer', 'renewal'))");
  await knex.raw(
    "ALTER TABLE access_requests ADD CONSTRAINT access_requests_status_known CHECK (status IN ('pending', 'approved', 'refused'))",
  );
  await knex.raw('CREATE INDEX access_requests_status_idx ON access_requests (status, created_at)');
  await knex.raw('CREATE INDEX access_requests_organisation_idx ON access_requests (organisation_id)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('access_requests');
  await knex.schema.dropTable('access_grants');
  await knex.schema.dropTable('access_registrations');
}
