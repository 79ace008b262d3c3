import type { Knex } from 'knex';

/**
 * Biểu mẫu 1 group I, activity and supervision (FORM-1.md §I): the latest annual activity report (its year and the
 * date it was filed; the file itself is an attachment), inspections with the violations found and the actions
 * taken, and awards. Nullable: records filed before this group existed keep their other values.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('associations', (t) => {
    t.integer('annual_report_year');
    t.date('annual_report_filed_on');
    t.text('inspections');
    t.text('violations_actions');
    t.text('awards');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('associations', (t) => {
    t.dropColumns('annual_report_year', 'annual_report_filed_on', 'inspections', 'violations_actions', 'awards');
  });
}
