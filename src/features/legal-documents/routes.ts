/** The catalogue of legal documents on associations (R-17.1 m), kept by the NGO Department under /quan-tri/van-ban. */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import type { createLegalDocumentsController } from './legal-documents.controller.js';

export function legalDocumentsRoutes(c: ReturnType<typeof createLegalDocumentsController>): Router {
  const r = Router();
  const edit = requireRole('ngo_staff', 'ngo_lead');
  r.get('/quan-tri/van-ban', edit, c.list);
  r.get('/quan-tri/van-ban/moi', edit, c.newForm);
  r.post('/quan-tri/van-ban/moi', edit, c.create);
  r.get('/quan-tri/van-ban/:id/sua', edit, c.editForm);
  r.post('/quan-tri/van-ban/:id/sua', edit, c.update);
  return r;
}
