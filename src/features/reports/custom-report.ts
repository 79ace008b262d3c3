/**
 * Report n: a list of the filtered associations with the columns the reader chooses among the record's scalar fields
 * of Biểu mẫu 1 (labels and types from the form definition), and the lists saved under a name by their owner.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError } from '../../lib/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import { ALL_FIELDS, type FieldDef } from '../register-form/definition.js';
import { type Withheld, withheldReader } from './general-report.js';
import { CODE_FIELD, fieldColumn, fieldValue, limitOf, offsetOf, paged, type ReportBuilder } from './report-builder.js';
import type { ReportsRepository } from './reports.repository.js';

/** Scalar fields of the record a custom list (n) may show: the field catalogue minus the multi-valued one. */
export const CUSTOM_COLUMNS: readonly FieldDef[] = [
  CODE_FIELD,
  ...ALL_FIELDS.filter((f) => f.type !== 'multiselect' && f.type !== 'textarea'),
];
export const CUSTOM_NAMES: readonly string[] = CUSTOM_COLUMNS.map((f) => f.name);

export function customReport(repo: Pick<ReportsRepository, 'countTotal' | 'custom'>, w?: Withheld): ReportBuilder {
  return async (f, options, paging, ctx) => {
    const columns = ctx.columns ?? [];
    if (columns.length === 0) return { tables: [], chart: null, message: 'Chọn ít nhất một cột để lập danh sách.' };
    const defs = columns.map((c) => CUSTOM_COLUMNS.find((d) => d.name === c) as FieldDef);
    const [count, rows] = await Promise.all([repo.countTotal(f), repo.custom(columns, f, limitOf(paging), offsetOf(paging))]);
    // Fields withheld from the public stay out for readers outside the ministry (issue 16 item 1).
    const withheld = await withheldReader(w, ctx)(rows.map((r) => Number(r.id)));
    const shown = (r: Record<string, unknown>, d: FieldDef) =>
      withheld.get(Number(r.id))?.has(d.name) ? null : fieldValue(d, r[d.name], options);
    const table = {
      id: 'danh-sach',
      title: 'Danh sách tùy chọn',
      columns: defs.map((d) => ({ ...fieldColumn(d), ...(d.name === 'code' ? { link: 'association' as const } : {}) })),
      // Every row carries its association code even when `code` is not a chosen column: the exploitation log
      // records which associations a list touched. Renderers and exports print only `columns`.
      rows: rows.map((r) => ({
        code: r.code,
        ...Object.fromEntries(defs.map((d) => [d.name, d.name === 'code' ? r.code : shown(r, d)])),
      })),
      totals: null,
    };
    return { tables: [paged(table, count, paging)], chart: null };
  };
}

/** The custom lists saved by their owner (columns and filters under a name), each save audited. */
export function createSavedReports(deps: {
  db: Knex;
  repo: Pick<ReportsRepository, 'savedReports' | 'savedReport' | 'saveReport'>;
  audit: AuditService;
  clock: Clock;
}) {
  const { db, repo, audit, clock } = deps;
  return {
    savedReports: (ownerId: number) => repo.savedReports(ownerId),

    async savedReport(ownerId: number, id: number) {
      const row = await repo.savedReport(ownerId, id);
      if (!row) throw new NotFoundError('Không tìm thấy mẫu danh sách này.');
      const def = (typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition) as {
        columns?: unknown;
        query?: unknown;
      };
      return {
        id: row.id,
        name: row.name,
        columns: Array.isArray(def.columns)
          ? def.columns.filter((c): c is string => typeof c === 'string' && CUSTOM_NAMES.includes(c))
          : [],
        query: (def.query && typeof def.query === 'object' ? def.query : {}) as Record<string, string>,
      };
    },

    async saveReport(actor: Actor & { userId: number }, name: string, columns: string[], query: Record<string, string>): Promise<number> {
      return db.transaction(async (trx) => {
        const id = await repo.saveReport(trx, actor.userId, name, { columns, query }, clock.now());
        await audit.record(
          actor,
          { action: 'saved_report.save', targetType: 'saved_report', targetId: id, details: { name, columns, query } },
          trx,
        );
        return id;
      });
    },
  };
}
