/**
 * "So sánh điều lệ" (issue 16 item 5): NGO staff and leaders read a record's charter versions and compare them; NGO
 * staff add a version's text (SPEC §1: read with the register, edit by the NGO Department). The association's officer
 * does the same for their own association only (/hoi-cua-toi/, the association taken from the account, never from
 * the URL). The text forms are multipart: their CSRF token travels in the action's query string.
 */
import { type Request, Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import { CHARTER_EDIT_ROLES, CHARTER_READ_ROLES, createChartersController, officerArea, staffArea } from './charters.controller.js';
import type { ChartersService } from './charters.service.js';

export function chartersRoutes(service: ChartersService): Router {
  const c = createChartersController(service, {
    staff: async (req: Request) => staffArea(await service.associationByCode(String(req.params.code)), req.user?.roles ?? []),
    officer: async (req: Request) => officerArea(await service.associationOfOfficer(req.user?.associationId ?? null)),
  });
  const r = Router();
  const read = requireRole(...CHARTER_READ_ROLES);
  const edit = requireRole(...CHARTER_EDIT_ROLES);
  const officer = requireRole('association');
  r.get('/quan-tri/hoi/:code/dieu-le', read, c.staff.show);
  r.get('/quan-tri/hoi/:code/dieu-le/moi', edit, c.staff.newForm);
  r.post('/quan-tri/hoi/:code/dieu-le/moi', edit, c.staff.create);
  r.get('/quan-tri/hoi/:code/dieu-le/:id/van-ban', edit, c.staff.textForm);
  r.post('/quan-tri/hoi/:code/dieu-le/:id/van-ban', edit, c.staff.saveText);
  r.get('/hoi-cua-toi/dieu-le', officer, c.officer.show);
  r.get('/hoi-cua-toi/dieu-le/moi', officer, c.officer.newForm);
  r.post('/hoi-cua-toi/dieu-le/moi', officer, c.officer.create);
  r.get('/hoi-cua-toi/dieu-le/:id/van-ban', officer, c.officer.textForm);
  r.post('/hoi-cua-toi/dieu-le/:id/van-ban', officer, c.officer.saveText);
  return r;
}
