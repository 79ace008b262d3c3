import type { Knex } from 'knex';

/**
 * Biểu mẫu 1 as a task list (issue 18 item 2): the sections of a submission the officer has saved, so the task list
 * tells "not started" (a section pre-filled from the record but not yet looked at) from "in progress" and "done".
 * A JSON array of section keys ('A', 'F' …); empty for every submission filed before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('submissions', (t) => {
    t.jsonb('sections_saved').notNullable().defaultTo('[]');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('submissions', (t) => {
    t.dropColumn('sections_saved');
  });
}
