/**
 * The reports: each category's builder (one module per family: general-report, count-reports,
 * leader-reports, congress-report, support-reports, documents-report, custom-report) composed here with the filters
 * checked against the catalogues, the audit of exports and of personal-data views, the saved custom lists and the
 * staff home's figures.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import type { AuditService } from '../audit/audit.service.js';
import type { LegalDocumentsRepository } from '../legal-documents/legal-documents.repository.js';
import { createWithholdingsRepository } from '../withholdings/withholdings.repository.js';
import type { CategoryDef, CategoryKey } from './categories.js';
import { congressReport } from './congress-report.js';
import { fieldReport, headquartersReport, ministryReport, natureReport } from './count-reports.js';
import { CUSTOM_COLUMNS, CUSTOM_NAMES, createSavedReports, customReport } from './custom-report.js';
import { createDashboard } from './dashboard.js';
import { documentsReport } from './documents-report.js';
import { generalReport } from './general-report.js';
import { leadersReport, presidentsReport } from './leader-reports.js';
import type { BuildContext, Options, Paging, ReportBuilder } from './report-builder.js';
import { checkFilters, filterText } from './report-filters.js';
import type { Report } from './report-model.js';
import type { ReportsRepository } from './reports.repository.js';
import type { ReportFilters } from './reports.schemas.js';
import { fundsReport, staffQuotaReport } from './support-reports.js';

export function createReportsService(deps: {
  db: Knex;
  /** Where the reports read the withholdings (the read router's `reads`, issue 19 item 2); `db` by default. */
  readDb?: Knex;
  repo: ReportsRepository;
  legalDocuments: LegalDocumentsRepository;
  audit: AuditService;
  clock: Clock;
  catalogues: { loadAll(): Promise<Options> };
}) {
  const { db, repo, legalDocuments, audit, clock, catalogues } = deps;

  const withheld = { withholdings: createWithholdingsRepository(deps.readDb ?? db), clock };
  const builders: Record<CategoryKey, ReportBuilder> = {
    a: generalReport(repo, withheld),
    b: fieldReport(repo, withheld),
    c: ministryReport(repo, withheld),
    d: leadersReport(repo),
    dd: presidentsReport(repo),
    e: congressReport(repo, clock),
    h: staffQuotaReport(repo),
    i: fundsReport(repo),
    k: headquartersReport(repo),
    l: natureReport(repo, withheld),
    m: documentsReport(legalDocuments),
    n: customReport(repo, withheld),
  };

  return {
    customColumns: CUSTOM_COLUMNS,
    customNames: CUSTOM_NAMES,

    async build(category: CategoryDef, f: ReportFilters, paging: Paging, ctx: BuildContext): Promise<{ report: Report; options: Options }> {
      const options = await catalogues.loadAll();
      checkFilters(f, options);
      const built = await builders[category.key](f, options, paging, ctx);
      const rowCount = built.tables.reduce((s, t) => s + (t.count ?? t.rows.length), 0);
      return {
        report: { category: category.key, title: category.title, filterText: filterText(f, options), rowCount, ...built },
        options,
      };
    },

    recordExport(actor: Actor, category: CategoryKey, filters: Record<string, string>, rows: number, format: 'csv' | 'xlsx' | 'print') {
      return audit.record(actor, {
        action: 'report.export',
        targetType: 'report',
        targetId: category,
        details: { category, filters, rows, format },
      });
    },

    recordPersonalDataView(actor: Actor, category: CategoryKey, filters: Record<string, string>, rows: number) {
      return audit.record(actor, {
        action: 'personal_data.view',
        targetType: 'report',
        targetId: category,
        details: { data: 'leaders', filters, rows },
      });
    },

    ...createSavedReports({ db, repo, audit, clock }),

    /** Headline figures of the staff and leaders' home (equal to the reports they link to). */
    dashboard: createDashboard({ repo, clock, catalogues }),
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
