/**
 * Role homes that later features fill (staff, association officer, exploiting organisation). The public home
 * is in features/public.
 */
import { Router } from 'express';
import { requireRole } from '../../middleware/auth.js';

export function homeRoutes(): Router {
  const r = Router();
  r.get('/quan-tri/', requireRole('ngo_staff', 'ngo_lead', 'it_admin', 'leader'), (_req, res) => {
    res.render('home/staff', { title: 'Trang quản trị' });
  });
  r.get('/hoi-cua-toi/', requireRole('association'), (_req, res) => {
    res.render('home/association', { title: 'Hội của tôi' });
  });
  r.get('/khai-thac/', requireRole('org_manager', 'exploiter'), (_req, res) => {
    res.render('home/exploiter', { title: 'Khai thác dữ liệu' });
  });
  return r;
}
