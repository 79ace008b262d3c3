/**
 * Attachments of an association record. Uploads are multipart: the CSRF token travels in the
 * action's query string and is checked by the global middleware before any byte is read (RELIABILITY rule 2).
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import { type DocumentsController, READ_ROLES, UPLOAD_ROLES } from './documents.controller.js';

export function documentsRoutes(controller: DocumentsController): Router {
  const r = Router();
  r.get('/quan-tri/hoi/:code/tai-lieu', requireRole(...READ_ROLES), controller.show);
  r.post('/quan-tri/hoi/:code/tai-lieu', requireRole(...UPLOAD_ROLES), controller.upload);
  r.get('/quan-tri/hoi/:code/tai-lieu/:id', requireRole(...READ_ROLES), controller.download);
  return r;
}
