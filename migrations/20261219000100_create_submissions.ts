import type { Knex } from 'knex';

/**
 * Biểu mẫu 1 filed online by an association's officer and reviewed by the NGO Department (R-7.3, R-12, R-19).
 * `body` is the flat form body exactly as the web form posts it (`name`, `leaders.0.full_name` …): a draft may be
 * partial. `decisions` holds the reviewer's accept/return per changed item (`name`, `leaders.12`, `leaders.new0`).
 * `version` is the submission's own optimistic lock (two reviewers approving at once: one wins, the other 409).
 * One open submission (draft, submitted, returned, resubmitted) per association at a time.
 */
const STATUSES = ['draft', 'submitted', 'returned', 'resubmitted', 'approved', 'rejected'];
const OPEN = ['draft', 'submitted', 'returned', 'resubmitted'];

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('submissions', (t) => {
    t.increments('id').primary();
    t.integer('association_id').notNullable().references('id').inTable('associations');
    t.text('status').notNullable().defaultTo('draft');
    t.text('origin').notNullable().defaultTo('web');
    t.jsonb('body').notNullable().defaultTo('{}');
    // The record's version the form was pre-filled from (shown to the reviewer when the record moved since).
    t.integer('base_version').notNullable();
    t.jsonb('decisions').notNullable().defaultTo('{}');
    t.integer('round').notNullable().defaultTo(0);
    t.timestamp('declared_at', { useTz: true });
    t.timestamp('submitted_at', { useTz: true });
    t.integer('submitted_by').references('id').inTable('users');
    t.timestamp('reviewed_at', { useTz: true });
    t.integer('reviewed_by').references('id').inTable('users');
    t.text('review_comment');
    t.integer('applied_version');
    t.integer('version').notNullable().defaultTo(1);
    t.integer('created_by').references('id').inTable('users');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['association_id', 'created_at']);
  });
  await knex.raw(
    `ALTER TABLE submissions ADD CONSTRAINT submissions_status_known CHECK (status IN (${STATUSES.map((s) => `'${s}'`).join(',')}))`,
  );
  await knex.raw("ALTER TABLE submissions ADD CONSTRAINT submissions_origin_known CHECK (origin IN ('web', 'excel'))");
  await knex.raw(
    `CREATE UNIQUE INDEX submissions_one_open ON submissions (association_id) WHERE status IN (${OPEN.map((s) => `'${s}'`).join(',')})`,
  );
  // The review queue: waiting submissions, oldest first.
  await knex.raw("CREATE INDEX submissions_waiting ON submissions (submitted_at) WHERE status IN ('submitted', 'resubmitted')");

  // What happened to a submission, with the comments the officer reads (R-12).
  await knex.schema.createTable('submission_events', (t) => {
    t.increments('id').primary();
    t.integer('submission_id').notNullable().references('id').inTable('submissions').onDelete('CASCADE');
    t.text('action').notNullable();
    t.text('comment');
    t.integer('actor_id').references('id').inTable('users');
    t.timestamp('at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['submission_id', 'at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('submission_events');
  await knex.schema.dropTable('submissions');
}
