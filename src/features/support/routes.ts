/**
 * Support questions: askers (exploiter, org_manager, association) at /hoi-dap see their own threads only;
 * NGO Department staff answer and close at /quan-tri/hoi-dap.
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import type { SupportController } from './support.controller.js';

export function supportRoutes(c: SupportController): Router {
  const r = Router();
  const asker = requireRole('exploiter', 'org_manager', 'association');
  const staff = requireRole('ngo_staff', 'ngo_lead');
  r.get('/hoi-dap', asker, c.ownList);
  r.get('/hoi-dap/moi', asker, c.newForm);
  r.post('/hoi-dap/moi', asker, c.ask);
  r.get('/hoi-dap/:id', asker, c.ownThread);
  r.post('/hoi-dap/:id/tra-loi', asker, c.ownReply);
  r.get('/quan-tri/hoi-dap', staff, c.staffList);
  r.get('/quan-tri/hoi-dap/:id', staff, c.staffThread);
  r.post('/quan-tri/hoi-dap/:id/tra-loi', staff, c.staffAnswer);
  r.post('/quan-tri/hoi-dap/:id/dong', staff, c.staffClose);
  return r;
}
