/**
 * Access to the data: the public registration form and its status page, the NGO
 * Department lead's decisions and hand-over, the organisation's page at /khai-thac/, the exploitation log for
 * staff and each association's "who read our data" page.
 */
import { type RequestHandler, Router } from 'express';
import { publicAccess, requireRole } from '../../middleware/auth.js';
import type { createAccessController } from './access.controller.js';

export function accessRoutes(c: ReturnType<typeof createAccessController>, registrationLimiter: RequestHandler): Router {
  const r = Router();
  // Public: no account exists until approval; submissions and status look-ups are rate limited per IP.
  r.get('/dang-ky-khai-thac', publicAccess, c.registerForm);
  r.post('/dang-ky-khai-thac', publicAccess, registrationLimiter, c.register);
  r.get('/dang-ky-khai-thac/:ref', publicAccess, c.statusForm);
  r.post('/dang-ky-khai-thac/:ref', publicAccess, registrationLimiter, c.status);

  // The NGO Department's lead decides and hands over.
  const lead = requireRole('ngo_lead');
  r.get('/quan-tri/dang-ky-khai-thac', lead, c.adminList);
  r.get('/quan-tri/dang-ky-khai-thac/:id', lead, c.adminShow);
  r.post('/quan-tri/dang-ky-khai-thac/:id/duyet', lead, c.approve);
  r.post('/quan-tri/dang-ky-khai-thac/:id/tu-choi', lead, c.refuse);
  // Revoking a grant and removing an officer ask first (GET: confirmation page; POST without `xac-nhan`: back to it).
  r.get('/quan-tri/quyen-khai-thac/:id/thu-hoi', lead, c.revokeGrantConfirm);
  r.post('/quan-tri/quyen-khai-thac/:id/thu-hoi', lead, c.revokeGrant);
  r.post('/quan-tri/yeu-cau-khai-thac/:id/duyet', lead, c.approveRequest);
  r.post('/quan-tri/yeu-cau-khai-thac/:id/tu-choi', lead, c.refuseRequest);

  // The exploitation log: NGO Department staff search it.
  r.get('/quan-tri/nhat-ky-khai-thac', requireRole('ngo_staff', 'ngo_lead'), c.logSearch);
  // Each association sees which organisations read its rows.
  r.get('/hoi-cua-toi/khai-thac', requireRole('association'), c.associationReaders);

  // The exploiting organisation.
  r.get('/khai-thac/', requireRole('org_manager', 'exploiter'), c.dashboard);
  const manager = requireRole('org_manager');
  r.post('/khai-thac/can-bo', manager, c.requestOfficer);
  r.get('/khai-thac/can-bo/:id/khoa', manager, c.removeOfficerConfirm);
  r.post('/khai-thac/can-bo/:id/khoa', manager, c.removeOfficer);
  r.post('/khai-thac/gia-han', manager, c.requestRenewal);
  return r;
}
