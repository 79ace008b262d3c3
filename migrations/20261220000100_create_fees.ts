import type { Knex } from 'knex';

/**
 * Fees for the use of value-added data: the fee schedule as data (legal basis, validity, unit, unit price
 * category) and the ledger of every fee-bearing export or contract. No schedule row means no fee.
 * Amounts are whole VND (bigint). The ledger keeps a snapshot of the legal basis: a later edit of the schedule does
 * not change what was charged.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('fee_schedules', (t) => {
    t.increments('id').primary();
    t.text('legal_basis').notNullable();
    t.date('valid_from').notNullable();
    t.date('valid_to');
    t.text('unit').notNullable();
    t.bigInteger('unit_price_vnd').notNullable();
    t.specificType('categories', 'text[]').notNullable();
    t.text('note').notNullable().defaultTo('');
    t.integer('version').notNullable().defaultTo(1);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('created_by').references('id').inTable('users');
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('updated_by').references('id').inTable('users');
    t.index(['valid_from']);
  });
  await knex.raw("ALTER TABLE fee_schedules ADD CONSTRAINT fee_schedules_unit_known CHECK (unit IN ('export', 'rows_1000', 'contract'))");
  await knex.raw('ALTER TABLE fee_schedules ADD CONSTRAINT fee_schedules_price_not_negative CHECK (unit_price_vnd >= 0)');
  await knex.raw('ALTER TABLE fee_schedules ADD CONSTRAINT fee_schedules_period CHECK (valid_to IS NULL OR valid_to >= valid_from)');

  await knex.schema.createTable('fee_ledger', (t) => {
    t.bigIncrements('id').primary();
    t.integer('organisation_id').notNullable().references('id').inTable('organisations');
    t.integer('user_id').references('id').inTable('users');
    t.text('kind').notNullable();
    t.text('category');
    t.integer('rows');
    t.text('format');
    t.text('description').notNullable().defaultTo('');
    t.bigInteger('amount_vnd').notNullable();
    t.integer('schedule_id').references('id').inTable('fee_schedules');
    t.text('legal_basis').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.integer('created_by').references('id').inTable('users');
    t.index(['organisation_id', 'created_at']);
    t.index(['created_at']);
  });
  await knex.raw("ALTER TABLE fee_ledger ADD CONSTRAINT fee_ledger_kind_known CHECK (kind IN ('export', 'contract'))");
  await knex.raw('ALTER TABLE fee_ledger ADD CONSTRAINT fee_ledger_amount_positive CHECK (amount_vnd > 0)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('fee_ledger');
  await knex.schema.dropTable('fee_schedules');
}
