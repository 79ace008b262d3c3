import type { Knex } from 'knex';

/**
 * Personal-data requests (issue 17 item 1; Law 91/2025/QH15 on personal data protection, in force 01/01/2026, and
 * its implementing decree): a leader or member whose data the register holds asks to see, correct or delete it, or
 * objects to its processing.
 *  - personal_data_deadlines: the legal time limit of each kind of request, in days, editable by NGO staff (the
 *    defaults below are the department's reading of the law; the catalogue page says so and the change is audited).
 *  - personal_data_requests: one request; `due_at` is fixed at receipt from the catalogue (a later edit of the
 *    catalogue does not move a request already received). States: received → verifying → in_progress → answered,
 *    or refused (with a reason) from any open state.
 *  - personal_data_request_associations: the associations a request names (the officer of each sees it).
 *  - personal_data_request_events: the request's timeline.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('personal_data_deadlines', (t) => {
    t.text('request_type').primary();
    t.integer('days').notNullable();
    t.text('legal_basis').notNullable().defaultTo('');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('updated_by').references('id').inTable('users').onDelete('SET NULL');
  });
  await knex.raw(`ALTER TABLE personal_data_deadlines ADD CONSTRAINT personal_data_deadlines_type_known
    CHECK (request_type IN ('access','correction','deletion','objection'))`);
  await knex.raw('ALTER TABLE personal_data_deadlines ADD CONSTRAINT personal_data_deadlines_days_range CHECK (days BETWEEN 1 AND 90)');
  await knex('personal_data_deadlines').insert([
    {
      request_type: 'access',
      days: 3,
      legal_basis:
        'Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15: cung cấp dữ liệu cá nhân trong 72 giờ (giá trị mặc định, cần đối chiếu nghị định hướng dẫn).',
    },
    {
      request_type: 'correction',
      days: 3,
      legal_basis: 'Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15: chỉnh sửa dữ liệu cá nhân trong 72 giờ (giá trị mặc định).',
    },
    {
      request_type: 'deletion',
      days: 3,
      legal_basis: 'Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15: xóa dữ liệu cá nhân trong 72 giờ khi luật cho phép (giá trị mặc định).',
    },
    {
      request_type: 'objection',
      days: 3,
      legal_basis: 'Luật Bảo vệ dữ liệu cá nhân số 91/2025/QH15: phản đối, hạn chế xử lý trong 72 giờ (giá trị mặc định).',
    },
  ]);

  await knex.schema.createTable('personal_data_requests', (t) => {
    t.increments('id').primary();
    t.text('request_type').notNullable().references('request_type').inTable('personal_data_deadlines');
    t.text('channel').notNullable();
    t.text('state').notNullable().defaultTo('received');
    t.text('requester_name').notNullable();
    t.integer('birth_year');
    t.text('email');
    t.text('phone');
    t.text('address');
    t.text('relation').notNullable();
    t.text('data_concerned').notNullable();
    t.text('details').notNullable();
    t.timestamp('received_at', { useTz: true }).notNullable();
    t.timestamp('due_at', { useTz: true }).notNullable();
    t.integer('deadline_days').notNullable();
    t.timestamp('verified_at', { useTz: true });
    t.integer('verified_by').references('id').inTable('users').onDelete('SET NULL');
    t.text('verification_method');
    t.text('answer_text');
    t.text('refusal_reason');
    t.timestamp('answered_at', { useTz: true });
    t.text('letter_number');
    t.integer('created_by').references('id').inTable('users').onDelete('SET NULL');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['received_at']);
  });
  await knex.raw(
    `ALTER TABLE personal_data_requests ADD CONSTRAINT personal_data_requests_channel_known CHECK (channel IN ('web','paper'))`,
  );
  await knex.raw(`ALTER TABLE personal_data_requests ADD CONSTRAINT personal_data_requests_state_known
    CHECK (state IN ('received','verifying','in_progress','answered','refused'))`);
  await knex.raw(`ALTER TABLE personal_data_requests ADD CONSTRAINT personal_data_requests_refusal_reason
    CHECK (state <> 'refused' OR coalesce(refusal_reason, '') <> '')`);
  await knex.raw(`ALTER TABLE personal_data_requests ADD CONSTRAINT personal_data_requests_contact
    CHECK (coalesce(email, '') <> '' OR coalesce(phone, '') <> '' OR coalesce(address, '') <> '')`);
  // The open requests by deadline (the overdue count of the staff home, the reminders job, the "quá hạn" filter).
  await knex.raw(`CREATE INDEX personal_data_requests_open_due ON personal_data_requests (due_at)
    WHERE state IN ('received','verifying','in_progress')`);
  await knex.raw('CREATE INDEX personal_data_requests_state ON personal_data_requests (state, received_at)');

  await knex.schema.createTable('personal_data_request_associations', (t) => {
    t.integer('request_id').notNullable().references('id').inTable('personal_data_requests').onDelete('CASCADE');
    t.integer('association_id').notNullable().references('id').inTable('associations').onDelete('CASCADE');
    t.primary(['request_id', 'association_id']);
    t.index(['association_id', 'request_id']);
  });

  await knex.schema.createTable('personal_data_request_events', (t) => {
    t.bigIncrements('id').primary();
    t.integer('request_id').notNullable().references('id').inTable('personal_data_requests').onDelete('CASCADE');
    t.timestamp('at', { useTz: true }).notNullable();
    t.integer('actor_user_id').references('id').inTable('users').onDelete('SET NULL');
    t.text('kind').notNullable();
    t.text('from_state');
    t.text('to_state');
    t.text('note');
    t.index(['request_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('personal_data_request_events');
  await knex.schema.dropTable('personal_data_request_associations');
  await knex.schema.dropTable('personal_data_requests');
  await knex.schema.dropTable('personal_data_deadlines');
}
