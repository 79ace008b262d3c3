/**
 * Home pages: the public home and the role homes that later features fill (staff, association officer,
 * exploiting organisation).
 */
import { Router } from 'express';
import { publicAccess, requireRole } from '../../middleware/auth.js';

export function homeRoutes(): Router {
  const r = Router();
  r.get('/', publicAccess, (_req, res) => {
    res.render('home/public', { title: 'Trang chủ' });
  });
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
