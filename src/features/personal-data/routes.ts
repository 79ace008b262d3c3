/**
 * Personal-data requests (issue 17 item 1): the public form (no login, CSRF, per-IP limit, honeypot), staff's
 * register and handling under /quan-tri/du-lieu-ca-nhan (ngo_staff, ngo_lead), and the association's officer's
 * identity check under /hoi-cua-toi/du-lieu-ca-nhan (only requests naming their association; the service checks).
 */
import { type RequestHandler, Router } from 'express';
import { publicAccess, requireRole } from '../../middleware/auth.js';
import type { PersonalDataController } from './personal-data.controller.js';

export function personalDataRoutes(c: PersonalDataController, limiter: RequestHandler): Router {
  const r = Router();
  r.get('/du-lieu-ca-nhan/yeu-cau', publicAccess, c.publicForm);
  r.post('/du-lieu-ca-nhan/yeu-cau', publicAccess, limiter, c.publicSubmit);

  const staff = requireRole('ngo_staff', 'ngo_lead');
  r.get('/quan-tri/du-lieu-ca-nhan', staff, c.list);
  r.get('/quan-tri/du-lieu-ca-nhan.csv', staff, c.csv);
  r.get('/quan-tri/du-lieu-ca-nhan/moi', staff, c.paperForm);
  r.post('/quan-tri/du-lieu-ca-nhan/moi', staff, c.paperCreate);
  r.get('/quan-tri/du-lieu-ca-nhan/thoi-han', staff, c.deadlines);
  r.post('/quan-tri/du-lieu-ca-nhan/thoi-han', staff, c.saveDeadlines);
  r.get('/quan-tri/du-lieu-ca-nhan/:id', staff, c.show);
  r.post('/quan-tri/du-lieu-ca-nhan/:id/xac-minh', staff, c.verify);
  r.post('/quan-tri/du-lieu-ca-nhan/:id/trang-thai', staff, c.transition);
  r.get('/quan-tri/du-lieu-ca-nhan/:id/van-ban', staff, c.letter);
  r.get('/quan-tri/du-lieu-ca-nhan/:id/du-lieu.json', staff, c.subjectExport);

  const officer = requireRole('association');
  r.get('/hoi-cua-toi/du-lieu-ca-nhan', officer, c.officerList);
  r.get('/hoi-cua-toi/du-lieu-ca-nhan/:id', officer, c.officerShow);
  r.post('/hoi-cua-toi/du-lieu-ca-nhan/:id/xac-minh', officer, c.officerVerify);
  return r;
}
