/**
 * SQL of the reports (Knex only), one repository per family of queries: the associations themselves (b, c, k, l, n
 * and the staff home), their general information with their sub-lists (a), the leaders in office (d, đ), the
 * congress terms (e), the State support (h, i) and the saved custom lists. Every filter value is bound; sort keys and groupings come from allow-lists; the columns of the
 * custom list (n) come from the field catalogue, never from the request.
 */
import type { Knex } from 'knex';
import { createAssociationReportsRepository } from './association-reports.repository.js';
import { createGeneralReportRepository } from './general-report.repository.js';
import { createLeaderReportsRepository } from './leader-reports.repository.js';
import { createProvinceReportsRepository } from './province-reports.repository.js';
import { createSavedReportsRepository } from './saved-reports.repository.js';
import { createSupportReportsRepository } from './support-reports.repository.js';
import { createTermReportsRepository } from './term-reports.repository.js';

export function createReportsRepository(db: Knex) {
  return {
    ...createAssociationReportsRepository(db),
    ...createGeneralReportRepository(db),
    ...createLeaderReportsRepository(db),
    ...createProvinceReportsRepository(db),
    ...createTermReportsRepository(db),
    ...createSupportReportsRepository(db),
    ...createSavedReportsRepository(db),
  };
}

export type ReportsRepository = ReturnType<typeof createReportsRepository>;
