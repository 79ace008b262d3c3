/**
 * Pages of the scheduled work (issue 7): the quarterly update cycles and the annual report for the
 * NGO Department and leaders; the job runs and "Chạy ngay" for the IT Centre.
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import type { createJobsController } from './jobs.controller.js';

export function jobsRoutes(c: ReturnType<typeof createJobsController>): Router {
  const r = Router();
  const read = requireRole('ngo_staff', 'ngo_lead', 'leader');
  r.get('/quan-tri/chu-ky-cap-nhat', read, c.cycles);
  r.get('/quan-tri/chu-ky-cap-nhat/so-sanh', read, c.compare);
  r.get('/quan-tri/chu-ky-cap-nhat/:quarter', read, c.cycle);
  r.get('/quan-tri/bao-cao-nam', read, c.annualCurrent);
  r.get('/quan-tri/bao-cao-nam/:year', read, c.annual);
  const it = requireRole('it_admin');
  r.get('/quan-tri/he-thong/tac-vu', it, c.runs);
  r.post('/quan-tri/he-thong/tac-vu/:job/chay', it, c.runNow);
  return r;
}
