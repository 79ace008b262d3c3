/**
 * Reports R-17.1 (a–n) under /bao-cao. The guard admits NGO Department staff and the ministry's leaders; the
 * controller then asks the access policy's canReadCategory for the category itself (where exploiters' grants will hook in).
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import { READER_ROLES } from '../access/report-access.js';
import type { createReportsController } from './reports.controller.js';

export function reportsRoutes(c: ReturnType<typeof createReportsController>): Router {
  const r = Router();
  // Exploiters pass the guard (organisation managers do not, SPEC §1); canReadCategory then limits them to their grant.
  const read = requireRole(...READER_ROLES);
  r.get('/bao-cao', read, c.index);
  r.post('/bao-cao/n/mau', read, c.saveCustom);
  r.get('/bao-cao/:category', read, c.show);
  return r;
}
