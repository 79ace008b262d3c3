/**
 * The staff home. Other role homes live with their features: /hoi-cua-toi/ in features/submissions, /khai-thac/ in
 * features/access; the public home is in features/public.
 */
import { Router } from 'express';
import { hasAnyRole } from '../../lib/roles.js';
import { requireRole } from '../../middleware/auth.js';
import { REPORT_ROLES } from '../access/report-access.js';
import type { PersonalDataService } from '../personal-data/personal-data.service.js';
import type { ReportsService } from '../reports/reports.service.js';

/** The staff and leaders' home shows the headline figures of the reports (R-17.1) with links into them. */
export function homeRoutes(deps: {
  reports: Pick<ReportsService, 'dashboard'>;
  personalData?: Pick<PersonalDataService, 'overdueCount'>;
}): Router {
  const r = Router();
  r.get('/quan-tri/', requireRole('ngo_staff', 'ngo_lead', 'it_admin', 'leader'), async (req, res) => {
    const roles = req.user?.roles ?? [];
    const figures = hasAnyRole(roles, REPORT_ROLES) ? await deps.reports.dashboard() : null;
    // Personal-data requests past their legal deadline (issue 17 item 1): NGO Department staff handle them.
    const personalDataOverdue =
      deps.personalData && hasAnyRole(roles, ['ngo_staff', 'ngo_lead']) ? await deps.personalData.overdueCount() : null;
    res.render('home/staff', { title: 'Trang quản trị', figures, isLeader: hasAnyRole(roles, ['leader']), personalDataOverdue });
  });
  return r;
}
