/**
 * The staff home. Other role homes live with their features: /hoi-cua-toi/ in features/submissions, /khai-thac/ in
 * features/access; the public home is in features/public.
 */
import { Router } from 'express';
import { hasAnyRole } from '../../lib/roles.js';
import { requireRole } from '../../middleware/auth.js';
import { REPORT_ROLES } from '../access/report-access.js';
import type { ReportsService } from '../reports/reports.service.js';
import { FAILURE_DAYS, WORKLIST_CAP, type Worklist } from './worklist.js';

/**
 * The staff and leaders' home: first the work list "Việc cần làm" of the user's roles (issue 18 item 4), then the
 * headline figures of the reports (R-17.1) with links into them.
 */
export function homeRoutes(deps: { reports: Pick<ReportsService, 'dashboard'>; worklist: Pick<Worklist, 'forRoles'> }): Router {
  const r = Router();
  r.get('/quan-tri/', requireRole('ngo_staff', 'ngo_lead', 'it_admin', 'leader'), async (req, res) => {
    const roles = req.user?.roles ?? [];
    const [figures, work] = await Promise.all([
      hasAnyRole(roles, REPORT_ROLES) ? deps.reports.dashboard() : null,
      deps.worklist.forRoles(roles),
    ]);
    res.render('home/staff', {
      figures,
      isLeader: hasAnyRole(roles, ['leader']),
      work,
      workCap: WORKLIST_CAP,
      failureDays: FAILURE_DAYS,
    });
  });
  return r;
}
