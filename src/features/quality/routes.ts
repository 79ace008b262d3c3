/**
 * Data-quality scores (issue 16 item 4): the rules catalogue under /quan-tri/chat-luong-du-lieu (NGO staff and leads
 * edit; leaders read) and the report under /bao-cao/chat-luong-du-lieu (staff and leaders). Mounted before the
 * reports router, whose /bao-cao/:category would otherwise take the report's address.
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import { EDIT_ROLES, type QualityController, READ_ROLES } from './quality.controller.js';

export function qualityRoutes(c: QualityController): Router {
  const r = Router();
  const read = requireRole(...READ_ROLES);
  const edit = requireRole(...EDIT_ROLES);
  r.get('/quan-tri/chat-luong-du-lieu', read, c.rules);
  r.get('/quan-tri/chat-luong-du-lieu/:code/sua', edit, c.editRule);
  r.post('/quan-tri/chat-luong-du-lieu/:code/sua', edit, c.updateRule);
  r.get('/bao-cao/chat-luong-du-lieu', read, c.report);
  r.get('/bao-cao/chat-luong-du-lieu.csv', read, c.reportCsv);
  return r;
}
