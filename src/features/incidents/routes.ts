/** Incidents and software change requests at /quan-tri/su-co: NGO Department staff and the IT Centre. */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import type { createIncidentsController } from './incidents.controller.js';
import { INCIDENT_ROLES } from './incidents.schemas.js';

const INCIDENTS_BASE = '/quan-tri/su-co';

export function incidentsRoutes(c: ReturnType<typeof createIncidentsController>): Router {
  const r = Router();
  const staff = requireRole(...INCIDENT_ROLES);
  r.get(INCIDENTS_BASE, staff, c.list);
  r.get(`${INCIDENTS_BASE}/moi`, staff, c.newForm);
  r.post(`${INCIDENTS_BASE}/moi`, staff, c.create);
  r.get(`${INCIDENTS_BASE}/:id`, staff, c.show);
  r.post(`${INCIDENTS_BASE}/:id/cap-nhat`, staff, c.act);
  return r;
}
