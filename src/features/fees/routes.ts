/**
 * Fees: the schedule and the ledger under /quan-tri/phi (the NGO Department's lead edits, staff read), the
 * printable statement per organisation, and the organisation manager's own statement at /khai-thac/phi.
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import type { FeesController } from './fees.controller.js';

export function feesRoutes(c: FeesController): Router {
  const r = Router();
  const read = requireRole('ngo_staff', 'ngo_lead');
  const lead = requireRole('ngo_lead');
  r.get('/quan-tri/phi', read, c.index);
  r.get('/quan-tri/phi/moi', lead, c.newSchedule);
  r.post('/quan-tri/phi/moi', lead, c.createSchedule);
  r.get('/quan-tri/phi/hop-dong/moi', lead, c.newContract);
  r.post('/quan-tri/phi/hop-dong/moi', lead, c.createContract);
  r.get('/quan-tri/phi/to-chuc/:id', read, c.staffStatement);
  r.get('/quan-tri/phi/:id/sua', lead, c.editSchedule);
  r.post('/quan-tri/phi/:id/sua', lead, c.updateSchedule);
  r.get('/khai-thac/phi', requireRole('org_manager'), c.ownStatement);
  return r;
}
