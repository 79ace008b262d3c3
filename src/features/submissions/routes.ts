/**
 * Biểu mẫu 1 online: the association officer under /hoi-cua-toi/ (every query scoped to the
 * officer's own association), the NGO Department's review queue under /quan-tri/bieu-mau. Officers never reach
 * the review routes (role guard). Multipart uploads carry the CSRF token in the action's query string.
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import { REVIEW_ROLES } from './submissions.context.js';
import type { SubmissionsController } from './submissions.controller.js';

export function submissionsRoutes(c: SubmissionsController): Router {
  const r = Router();
  const officer = requireRole('association');
  const review = requireRole(...REVIEW_ROLES);
  r.get('/hoi-cua-toi/', officer, c.home);
  r.post('/hoi-cua-toi/bieu-mau', officer, c.start);
  // The ministry's Excel template of Biểu mẫu 1 (pre-filled) and a filled one uploaded as the draft.
  r.get('/hoi-cua-toi/bieu-mau/mau.xlsx', officer, c.template);
  r.post('/hoi-cua-toi/bieu-mau/tai-len', officer, c.uploadWorkbook);
  r.get('/hoi-cua-toi/bieu-mau/:id', officer, c.show);
  r.post('/hoi-cua-toi/bieu-mau/:id', officer, c.save);
  r.post('/hoi-cua-toi/bieu-mau/:id/tai-lieu', officer, c.attach);
  // A draft as a task list (issue 18 item 2): one page per section, then the check-and-send step.
  r.get('/hoi-cua-toi/bieu-mau/:id/muc/:section', officer, c.sectionShow);
  r.post('/hoi-cua-toi/bieu-mau/:id/muc/:section', officer, c.sectionSave);
  r.get('/hoi-cua-toi/bieu-mau/:id/kiem-tra', officer, c.check);
  // A term congress's outcome as one package (congress, new leadership, minutes, amended charter).
  r.post('/hoi-cua-toi/dai-hoi', officer, c.packageStart);
  r.get('/hoi-cua-toi/dai-hoi/:id', officer, c.packageShow);
  r.post('/hoi-cua-toi/dai-hoi/:id', officer, c.packageSave);
  r.post('/hoi-cua-toi/dai-hoi/:id/tai-lieu', officer, c.packageAttach);
  r.post('/hoi-cua-toi/dai-hoi/:id/go-tai-lieu', officer, c.packageDetach);
  r.get('/quan-tri/bieu-mau', review, c.queue);
  r.get('/quan-tri/bieu-mau/:id', review, c.review);
  r.post('/quan-tri/bieu-mau/:id', review, c.decide);
  return r;
}
