/** SQL of the fee schedule and the fee ledger. Knex only; every value bound. */
import type { Knex } from 'knex';
import type { FeeUnit, ScheduleInput } from './fees.schemas.js';

export interface FeeScheduleRow {
  id: number;
  legal_basis: string;
  valid_from: string;
  valid_to: string | null;
  unit: FeeUnit;
  unit_price_vnd: number;
  categories: string[];
  note: string;
  version: number;
  created_at: Date;
  updated_at: Date;
}

export interface FeeLedgerRow {
  id: number;
  organisation_id: number;
  user_id: number | null;
  kind: 'export' | 'contract';
  category: string | null;
  rows: number | null;
  format: string | null;
  description: string;
  amount_vnd: number;
  schedule_id: number | null;
  legal_basis: string;
  created_at: Date;
  created_by: number | null;
}

export interface FeeLedgerListRow extends FeeLedgerRow {
  organisation_name: string;
  username: string | null;
}

export interface OrganisationRef {
  id: number;
  name: string;
  kind: string;
  identifier: string | null;
  address: string | null;
}

export type NewLedgerRow = Omit<FeeLedgerRow, 'id'>;

export function createFeesRepository(db: Knex) {
  return {
    listSchedules(): Promise<FeeScheduleRow[]> {
      return db<FeeScheduleRow>('fee_schedules').select('*').orderBy('valid_from', 'desc').orderBy('id', 'desc');
    },

    findSchedule(id: number, trx: Knex = db): Promise<FeeScheduleRow | undefined> {
      return trx<FeeScheduleRow>('fee_schedules').where({ id }).first();
    },

    /**
     * The schedule in force on `day` (YYYY-MM-DD, Viet Nam calendar) for an export of `category`: the one that
     * started last when several overlap (a newer decision replaces an older one).
     */
    findExportSchedule(trx: Knex, category: string, day: string): Promise<FeeScheduleRow | undefined> {
      return trx<FeeScheduleRow>('fee_schedules')
        .whereIn('unit', ['export', 'rows_1000'])
        .whereRaw('? = ANY(categories)', [category])
        .where('valid_from', '<=', day)
        .where((q) => q.whereNull('valid_to').orWhere('valid_to', '>=', day))
        .orderBy('valid_from', 'desc')
        .orderBy('id', 'desc')
        .first();
    },

    async insertSchedule(trx: Knex, input: ScheduleInput, actorId: number | null, at: Date): Promise<FeeScheduleRow> {
      const [row] = await trx<FeeScheduleRow>('fee_schedules')
        .insert({ ...input, created_by: actorId, updated_by: actorId, created_at: at, updated_at: at } as never)
        .returning('*');
      if (!row) throw new Error('insert returned no row');
      return row;
    },

    async updateScheduleIfVersion(trx: Knex, id: number, version: number, input: ScheduleInput, actorId: number | null, at: Date) {
      const [row] = await trx<FeeScheduleRow>('fee_schedules')
        .where({ id, version })
        .update({ ...input, version: version + 1, updated_by: actorId, updated_at: at } as never)
        .returning('*');
      return (row as FeeScheduleRow | undefined) ?? null;
    },

    async insertLedger(trx: Knex, row: NewLedgerRow): Promise<FeeLedgerRow> {
      const [inserted] = await trx<FeeLedgerRow>('fee_ledger').insert(row).returning('*');
      if (!inserted) throw new Error('insert returned no row');
      return inserted as FeeLedgerRow;
    },

    /** Ledger rows of one organisation in [from, to) (instants), oldest first. */
    statement(organisationId: number, from: Date, to: Date): Promise<FeeLedgerListRow[]> {
      return db('fee_ledger as l')
        .join('organisations as o', 'o.id', 'l.organisation_id')
        .leftJoin('users as u', 'u.id', 'l.user_id')
        .where('l.organisation_id', organisationId)
        .where('l.created_at', '>=', from)
        .where('l.created_at', '<', to)
        .select('l.*', 'o.name as organisation_name', 'u.username')
        .orderBy('l.created_at', 'asc')
        .orderBy('l.id', 'asc');
    },

    async ledgerPage(page: number, perPage: number): Promise<{ rows: FeeLedgerListRow[]; total: number }> {
      const [count] = await db('fee_ledger').count<{ n: number | string }[]>({ n: '*' });
      const rows = await db('fee_ledger as l')
        .join('organisations as o', 'o.id', 'l.organisation_id')
        .leftJoin('users as u', 'u.id', 'l.user_id')
        .select('l.*', 'o.name as organisation_name', 'u.username')
        .orderBy('l.created_at', 'desc')
        .orderBy('l.id', 'desc')
        .limit(perPage)
        .offset((page - 1) * perPage);
      return { rows, total: Number(count?.n ?? 0) };
    },

    findOrganisation(id: number, trx: Knex = db): Promise<OrganisationRef | undefined> {
      return trx<OrganisationRef>('organisations').where({ id }).select('id', 'name', 'kind', 'identifier', 'address').first();
    },

    listOrganisations(): Promise<OrganisationRef[]> {
      return db<OrganisationRef>('organisations')
        .select('id', 'name', 'kind', 'identifier', 'address')
        .orderByRaw('lower(name)')
        .limit(2000);
    },
  };
}

export type FeesRepository = ReturnType<typeof createFeesRepository>;
