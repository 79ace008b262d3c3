/**
 * Fees for the use of value-added data. The schedule is data: no row in force for a category means no fee.
 * `chargeExport` is called inside the transaction that records an export (the exploitation log, R-16) and writes a
 * ledger row only when the amount is above zero. A contract fee is recorded by hand by the NGO Department's lead.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, StaleVersionError, ValidationError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import type { AuditService } from '../audit/audit.service.js';
import type { FeeLedgerRow, FeesRepository } from './fees.repository.js';
import type { ContractInput, FeeUnit, ScheduleInput } from './fees.schemas.js';

export interface ChargeExportInput {
  organisationId: number;
  userId: number | null;
  /** key (a, b, … dd …). */
  category: string;
  rows: number;
  /** csv, xlsx, pdf … */
  format: string;
  at: Date;
}

/**
 * The amount of one export under a schedule: a flat price per export, or the price per started block of 1.000 rows
 * (1 to 1.000 rows → one block; 1.001 → two; 0 rows → nothing).
 */
export function feeAmount(unit: FeeUnit, unitPrice: number, rows: number): number {
  if (unit === 'rows_1000') return Math.ceil(Math.max(0, rows) / 1000) * unitPrice;
  return unitPrice;
}

/** The start of a Viet Nam calendar day (YYYY-MM-DD) as an instant. */
export function vietnamDayStart(iso: string): Date {
  return new Date(`${iso}T00:00:00+07:00`);
}

export function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export function createFeesService(deps: { db: Knex; repo: FeesRepository; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;

  async function organisation(id: number) {
    const org = await repo.findOrganisation(id);
    if (!org) throw new NotFoundError('Không tìm thấy tổ chức này.');
    return org;
  }

  return {
    listSchedules: () => repo.listSchedules(),
    listOrganisations: () => repo.listOrganisations(),
    ledgerPage: (page: number, perPage = 50) => repo.ledgerPage(page, perPage),
    organisation,

    async getSchedule(id: number) {
      const row = await repo.findSchedule(id);
      if (!row) throw new NotFoundError('Không tìm thấy biểu phí này.');
      return row;
    },

    createSchedule(actor: Actor, input: ScheduleInput) {
      return db.transaction(async (trx) => {
        const row = await repo.insertSchedule(trx, input, actor.userId, clock.now());
        await audit.record(
          actor,
          {
            action: 'fee_schedule.create',
            targetType: 'fee_schedule',
            targetId: row.id,
            details: { unit: row.unit, unitPriceVnd: row.unit_price_vnd, categories: row.categories, validFrom: row.valid_from },
          },
          trx,
        );
        return row;
      });
    },

    updateSchedule(actor: Actor, id: number, version: number, input: ScheduleInput) {
      return db.transaction(async (trx) => {
        const before = await repo.findSchedule(id, trx);
        if (!before) throw new NotFoundError('Không tìm thấy biểu phí này.');
        const row = await repo.updateScheduleIfVersion(trx, id, version, input, actor.userId, clock.now());
        if (!row) throw new StaleVersionError();
        await audit.record(
          actor,
          {
            action: 'fee_schedule.update',
            targetType: 'fee_schedule',
            targetId: id,
            details: {
              before: { unit: before.unit, unitPriceVnd: before.unit_price_vnd, validFrom: before.valid_from, validTo: before.valid_to },
              after: { unit: row.unit, unitPriceVnd: row.unit_price_vnd, validFrom: row.valid_from, validTo: row.valid_to },
            },
          },
          trx,
        );
        return row;
      });
    },

    /** One export's fee under the schedule in force at `at`; a ledger row when above zero, else null. */
    async chargeExport(trx: Knex, input: ChargeExportInput): Promise<FeeLedgerRow | null> {
      const schedule = await repo.findExportSchedule(trx, input.category, vietnamToday(input.at));
      if (!schedule) return null;
      const amount = feeAmount(schedule.unit, Number(schedule.unit_price_vnd), input.rows);
      if (amount <= 0) return null;
      return repo.insertLedger(trx, {
        organisation_id: input.organisationId,
        user_id: input.userId,
        kind: 'export',
        category: input.category,
        rows: input.rows,
        format: input.format,
        description: '',
        amount_vnd: amount,
        schedule_id: schedule.id,
        legal_basis: schedule.legal_basis,
        created_at: input.at,
        created_by: input.userId,
      });
    },

    /** A contract fee recorded by hand: the schedule (if any) gives the legal basis snapshot. */
    recordContract(actor: Actor, input: ContractInput) {
      return db.transaction(async (trx) => {
        const org = await repo.findOrganisation(input.organisation_id, trx);
        if (!org) throw new ValidationError({ organisation_id: 'Hãy chọn tổ chức khai thác.' });
        let legalBasis = input.legal_basis;
        if (input.schedule_id !== null) {
          const schedule = await repo.findSchedule(input.schedule_id, trx);
          if (schedule?.unit !== 'contract') throw new ValidationError({ schedule_id: 'Hãy chọn một biểu phí tính theo hợp đồng.' });
          legalBasis ||= schedule.legal_basis;
        }
        if (!legalBasis) throw new ValidationError({ legal_basis: 'Hãy nhập căn cứ pháp lý hoặc chọn biểu phí.' });
        const now = clock.now();
        const row = await repo.insertLedger(trx, {
          organisation_id: org.id,
          user_id: null,
          kind: 'contract',
          category: null,
          rows: null,
          format: null,
          description: input.description,
          amount_vnd: input.amount_vnd,
          schedule_id: input.schedule_id,
          legal_basis: legalBasis,
          created_at: now,
          created_by: actor.userId,
        });
        await audit.record(
          actor,
          {
            action: 'fee.contract',
            targetType: 'organisation',
            targetId: org.id,
            details: { ledgerId: row.id, amountVnd: row.amount_vnd },
          },
          trx,
        );
        return { row, org };
      });
    },

    /** The statement of one organisation for a period of Viet Nam calendar days, inclusive. Audited as a read. */
    async statement(actor: Actor, organisationId: number, period: { from: string; to: string }) {
      const org = await organisation(organisationId);
      const rows = await repo.statement(org.id, vietnamDayStart(period.from), vietnamDayStart(addDays(period.to, 1)));
      const total = rows.reduce((s, r) => s + Number(r.amount_vnd), 0);
      await audit.record(actor, {
        action: 'fee.statement.view',
        targetType: 'organisation',
        targetId: org.id,
        details: { from: period.from, to: period.to, rows: rows.length },
      });
      return { org, rows, total };
    },

    defaultPeriod(): { from: string; to: string } {
      const today = vietnamToday(clock.now());
      return { from: `${today.slice(0, 8)}01`, to: today };
    },
  };
}

export type FeesService = ReturnType<typeof createFeesService>;
