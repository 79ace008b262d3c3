/**
 * Bulk import for the NGO Department. The upload is multipart: the CSRF token travels in the action's
 * query string and is checked by the global middleware before any byte is read.
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import { BASE, IMPORT_ROLES, type ImportsController } from './imports.controller.js';

export function importsRoutes(controller: ImportsController): Router {
  const r = Router();
  const guard = requireRole(...IMPORT_ROLES);
  r.get(BASE, guard, controller.index);
  r.post(BASE, guard, controller.upload);
  r.get(`${BASE}/mau.xlsx`, guard, controller.templateXlsx);
  r.get(`${BASE}/mau.csv`, guard, controller.templateCsv);
  r.get(`${BASE}/:id`, guard, controller.show);
  // Applying asks first: GET is the confirmation page, POST without `xac-nhan` goes back to it.
  r.get(`${BASE}/:id/ap-dung`, guard, controller.applyConfirm);
  r.post(`${BASE}/:id/ap-dung`, guard, controller.apply);
  r.post(`${BASE}/:id/chay-lai`, guard, controller.rerun);
  r.get(`${BASE}/:id/tep-goc`, guard, controller.download);
  return r;
}
