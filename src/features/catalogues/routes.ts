/** Catalogue editing: NGO Department staff and leads only, on every page and every form post. */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import { CATALOGUES_PATH, type CataloguesController } from './catalogues.controller.js';

export function catalogueRoutes(controller: CataloguesController): Router {
  const r = Router();
  const guard = requireRole('ngo_staff', 'ngo_lead');
  r.get(CATALOGUES_PATH, guard, controller.index);
  r.get(`${CATALOGUES_PATH}/:kind`, guard, controller.entries);
  r.get(`${CATALOGUES_PATH}/:kind/moi`, guard, controller.showCreate);
  r.post(`${CATALOGUES_PATH}/:kind/moi`, guard, controller.create);
  r.get(`${CATALOGUES_PATH}/:kind/:code/sua`, guard, controller.showEdit);
  r.post(`${CATALOGUES_PATH}/:kind/:code/sua`, guard, controller.update);
  return r;
}
