/** Withheld public fields (issue 16 item 1): the rows of `field_withholdings` (migration 20261231002900). */
import type { Knex } from 'knex';

export interface WithholdingRow {
  association_id: number;
  field: string;
  reason: string;
  /** Last day (yyyy-mm-dd, Vietnamese calendar) it is in force; null = until lifted. */
  until: string | null;
  created_by_name: string | null;
  created_at: Date;
}

/** The fields a search matches or filters on (public list): withheld, they stop matching. */
export type SearchedField = 'abbreviation' | 'main_field_code' | 'other_field_codes' | 'hq_province_code';

/**
 * SQL true when `field` of the association `a` is withheld on a day given as the one binding (yyyy-mm-dd): for the
 * public search, so a withheld abbreviation, field or province neither finds nor filters the record (issue 16 item 1).
 * The primary key (association_id, field) answers it.
 */
export function withheldSql(field: SearchedField): string {
  return `EXISTS (SELECT 1 FROM field_withholdings w WHERE w.association_id = a.id AND w.field = '${field}' AND (w.until IS NULL OR w.until >= ?::date))`;
}

export function createWithholdingsRepository(db: Knex) {
  return {
    /** The fields withheld on `today` from these associations, in one statement: association id → field names. */
    async inForce(ids: readonly number[], today: string): Promise<Map<number, Set<string>>> {
      const out = new Map<number, Set<string>>();
      if (ids.length === 0) return out;
      const rows: Array<{ association_id: number; field: string }> = await db('field_withholdings')
        .whereIn('association_id', [...ids])
        .andWhere((q) => q.whereNull('until').orWhere('until', '>=', today))
        .select('association_id', 'field');
      for (const r of rows) {
        const id = Number(r.association_id);
        out.set(id, (out.get(id) ?? new Set()).add(r.field));
      }
      return out;
    },

    /** Every withholding of one association (in force or ended), with who set it: the staff record page. */
    async forAssociation(id: number): Promise<WithholdingRow[]> {
      const rows: WithholdingRow[] = await db('field_withholdings as w')
        .leftJoin('users as u', 'u.id', 'w.created_by')
        .where('w.association_id', id)
        .orderBy('w.field')
        .select(
          'w.association_id',
          'w.field',
          'w.reason',
          db.raw('w.until::text AS until'),
          'u.display_name as created_by_name',
          'w.created_at',
        );
      return rows;
    },

    /** Sets (or replaces) the withholding of one field. */
    async upsert(
      trx: Knex,
      row: { associationId: number; field: string; reason: string; until: string | null; userId: number | null; at: Date },
    ): Promise<void> {
      await trx('field_withholdings')
        .insert({
          association_id: row.associationId,
          field: row.field,
          reason: row.reason,
          until: row.until,
          created_by: row.userId,
          created_at: row.at,
        })
        .onConflict(['association_id', 'field'])
        .merge();
    },

    /** Lifts the withholding of one field; false when there was none. */
    async remove(trx: Knex, associationId: number, field: string): Promise<boolean> {
      return (await trx('field_withholdings').where({ association_id: associationId, field }).delete()) > 0;
    },
  };
}

export type WithholdingsRepository = ReturnType<typeof createWithholdingsRepository>;
