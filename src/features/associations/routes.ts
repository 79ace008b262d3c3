/** Staff pages of the register under /quan-tri/hoi. */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import { type createAssociationsController, EDIT_ROLES, READ_ROLES } from './associations.controller.js';
import type { createViewAsController } from './view-as.controller.js';

export function associationsRoutes(c: ReturnType<typeof createAssociationsController>): Router {
  const r = Router();
  const read = requireRole(...READ_ROLES);
  const edit = requireRole(...EDIT_ROLES);
  r.get('/quan-tri/hoi', read, c.list);
  // The list's exports (before /:code, which they are not).
  r.get('/quan-tri/hoi/danh-sach.csv', read, c.exportCsv);
  r.get('/quan-tri/hoi/danh-sach.xlsx', read, c.exportXlsx);
  r.get('/quan-tri/hoi/moi', edit, c.newForm);
  r.post('/quan-tri/hoi/moi', edit, c.create);
  r.get('/quan-tri/hoi/:code', read, c.show);
  r.get('/quan-tri/hoi/:code/sua', edit, c.editForm);
  r.get('/quan-tri/hoi/:code/sua/:section', edit, c.editSection);
  r.post('/quan-tri/hoi/:code/sua/:section', edit, c.updateSection);
  r.post('/quan-tri/hoi/:code/cong-khai', edit, c.publish);
  r.post('/quan-tri/hoi/:code/doi-chieu-giay', edit, c.paperCheck);
  r.post('/quan-tri/hoi/:code/khong-cong-khai', edit, c.withhold);
  r.get('/quan-tri/hoi/:code/lich-su', read, c.history);
  return r;
}

/** "Xem như" (issue 16): a record previewed as the public, an exploiter or the association's officer, by staff. */
export function viewAsRoutes(c: ReturnType<typeof createViewAsController>): Router {
  const r = Router();
  r.get('/quan-tri/hoi/:code/xem-nhu', requireRole(...READ_ROLES), c.show);
  return r;
}
