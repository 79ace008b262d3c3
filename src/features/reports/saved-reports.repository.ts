/** SQL of the saved custom lists (report n; Knex only): each owner's named definitions. */
import type { Knex } from 'knex';

export function createSavedReportsRepository(db: Knex) {
  return {
    savedReports(ownerId: number): Promise<Array<{ id: number; name: string; definition: unknown; updated_at: Date }>> {
      return db('saved_reports').where({ owner_user_id: ownerId }).orderBy('name').select('id', 'name', 'definition', 'updated_at');
    },

    savedReport(ownerId: number, id: number): Promise<{ id: number; name: string; definition: unknown } | undefined> {
      return db('saved_reports').where({ owner_user_id: ownerId, id }).first('id', 'name', 'definition');
    },

    /** Insert or replace the owner's definition of that name; returns its id. */
    async saveReport(trx: Knex, ownerId: number, name: string, definition: unknown, at: Date): Promise<number> {
      const [row] = await trx('saved_reports')
        .insert({ owner_user_id: ownerId, name, definition: JSON.stringify(definition), created_at: at, updated_at: at })
        .onConflict(['owner_user_id', 'name'])
        .merge({ definition: JSON.stringify(definition), updated_at: at })
        .returning('id');
      return Number((row as { id: number }).id);
    },
  };
}

export type SavedReportsRepository = ReturnType<typeof createSavedReportsRepository>;
