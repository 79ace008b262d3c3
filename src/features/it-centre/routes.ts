/**
 * The IT Centre's pages under /quan-tri/he-thong: only `it_admin`, the audit log (/nhat-ky, SPEC §1) included.
 * Job runs (/tac-vu) belong to the scheduler.
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';
import type { createAuditLogController } from './audit-log.controller.js';
import type { createItCentreController } from './it-centre.controller.js';

const IT_BASE = '/quan-tri/he-thong';

export function itCentreRoutes(c: ReturnType<typeof createItCentreController>, log: ReturnType<typeof createAuditLogController>): Router {
  const r = Router();
  const admin = requireRole('it_admin');
  r.get(IT_BASE, admin, c.index);
  r.get(`${IT_BASE}/sao-luu`, admin, c.backups);
  r.get(`${IT_BASE}/phien`, admin, c.sessions);
  r.post(`${IT_BASE}/phien/thu-hoi`, admin, c.revokeSession);
  r.get(`${IT_BASE}/loi`, admin, c.errors);
  r.get(`${IT_BASE}/khoa-tai-khoan`, admin, c.lockouts);
  r.get(`${IT_BASE}/nguoi-dung`, admin, c.users);
  r.get(`${IT_BASE}/nguoi-dung/:id`, admin, c.user);
  r.post(`${IT_BASE}/nguoi-dung/:id/vo-hieu-hoa`, admin, c.disable);
  r.post(`${IT_BASE}/nguoi-dung/:id/kich-hoat`, admin, c.enable);
  r.post(`${IT_BASE}/nguoi-dung/:id/mo-khoa`, admin, c.unlock);
  r.post(`${IT_BASE}/nguoi-dung/:id/dat-lai-totp`, admin, c.resetTotp);
  r.get(`${IT_BASE}/nhat-ky`, admin, log.page);
  r.get(`${IT_BASE}/nhat-ky.csv`, admin, log.csv);
  return r;
}
