/**
 * Violations under /quan-tri/vi-pham. NGO Department staff and lead record and read violations; only the
 * lead (ngo_lead) decides an action or lifts a suspension: cutting an organisation's access is a decision with legal
 * effect (Art. 22), taken by the Department's leadership, and keeping the recorder apart from the decider leaves a
 * second pair of eyes on every sanction.
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import type { ViolationsController } from './violations.controller.js';

export function violationsRoutes(c: ViolationsController): Router {
  const r = Router();
  const staff = requireRole('ngo_staff', 'ngo_lead');
  const lead = requireRole('ngo_lead');
  r.get('/quan-tri/vi-pham', staff, c.list);
  r.get('/quan-tri/vi-pham/moi', staff, c.newForm);
  r.post('/quan-tri/vi-pham/moi', staff, c.create);
  r.get('/quan-tri/vi-pham/:id', staff, c.show);
  r.get('/quan-tri/vi-pham/:id/chung-cu', staff, c.evidence);
  r.post('/quan-tri/vi-pham/:id/xu-ly', lead, c.act);
  r.post('/quan-tri/vi-pham/:id/cham-dut-dinh-chi', lead, c.lift);
  return r;
}
