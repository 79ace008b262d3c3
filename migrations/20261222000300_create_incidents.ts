import type { Knex } from 'knex';

/**
 * Incidents and software change requests: recorded by NGO Department staff or the IT Centre, resolved by
 * the operator or routed to the IT Centre. Every status change and comment is a row of incident_events.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('incidents', (t) => {
    t.increments('id').primary();
    t.text('kind').notNullable();
    t.text('title').notNullable();
    t.text('description').notNullable();
    t.text('severity').notNullable();
    t.text('status').notNullable().defaultTo('moi');
    t.integer('reporter_user_id').references('id').inTable('users');
    t.text('reporter_name').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('routed_at', { useTz: true });
    t.timestamp('resolved_at', { useTz: true });
    t.timestamp('closed_at', { useTz: true });
    t.index(['status', 'created_at']);
    t.index(['kind', 'created_at']);
    t.index(['severity', 'created_at']);
    t.index(['created_at']);
  });
  await knex.raw(`ALTER TABLE incidents ADD CONSTRAINT incidents_kind_known CHECK (kind IN ('su_co', 'yeu_cau_thay_doi'))`);
  await knex.raw(
    `ALTER TABLE incidents ADD CONSTRAINT incidents_severity_known CHECK (severity IN ('thap', 'trung_binh', 'cao', 'nghiem_trong'))`,
  );
  await knex.raw(
    `ALTER TABLE incidents ADD CONSTRAINT incidents_status_known CHECK (status IN ('moi', 'dang_xu_ly', 'da_chuyen_tttt', 'da_giai_quyet', 'dong'))`,
  );
  await knex.schema.createTable('incident_events', (t) => {
    t.bigIncrements('id').primary();
    t.integer('incident_id').notNullable().references('id').inTable('incidents').onDelete('CASCADE');
    t.timestamp('occurred_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('actor_user_id').references('id').inTable('users');
    t.text('actor_name').notNullable();
    t.text('action').notNullable();
    t.text('from_status');
    t.text('to_status');
    t.text('comment');
    t.index(['incident_id', 'occurred_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('incident_events');
  await knex.schema.dropTable('incidents');
}
