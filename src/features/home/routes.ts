/**
 * Role homes that later features fill (staff, association officer, exploiting organisation). The public home
 * is in features/public.
 */
import { Router } from 'express';
import { hasAnyRole } from '../../lib/roles.js';
import { requireRole } from '../../middleware/auth.js';
import { TERM_COMPLIANCE } from '../associations/congress-term.js';
import type { JobsService } from '../jobs/jobs.service.js';
import { REPORT_ROLES } from '../reports/categories.js';
import type { ReportsService } from '../reports/reports.service.js';

/** The staff and leaders' home shows the headline figures of the reports (R-17.1) with links into them. */
export function homeRoutes(deps: { reports: Pick<ReportsService, 'dashboard'>; jobs: Pick<JobsService, 'termOf'> }): Router {
  const r = Router();
  r.get('/quan-tri/', requireRole('ngo_staff', 'ngo_lead', 'it_admin', 'leader'), async (req, res) => {
    const roles = req.user?.roles ?? [];
    const figures = hasAnyRole(roles, REPORT_ROLES) ? await deps.reports.dashboard() : null;
    res.render('home/staff', { title: 'Trang quản trị', figures, isLeader: hasAnyRole(roles, ['leader']) });
  });
  r.get('/hoi-cua-toi/', requireRole('association'), async (req, res) => {
    // The officer's own association only (scope from the session, never from the request): e badge.
    const associationId = req.user?.associationId ?? null;
    const term = associationId ? await deps.jobs.termOf(associationId) : null;
    res.render('home/association', { title: 'Hội của tôi', term, termCompliance: TERM_COMPLIANCE });
  });
  r.get('/khai-thac/', requireRole('org_manager', 'exploiter'), (_req, res) => {
    res.render('home/exploiter', { title: 'Khai thác dữ liệu' });
  });
  return r;
}
