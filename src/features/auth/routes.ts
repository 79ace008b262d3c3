import { type RequestHandler, Router } from 'express';
import { publicAccess, requireLogin } from '../../middleware/auth.js';
import type { createAuthController } from './auth.controller.js';

export function authRoutes(controller: ReturnType<typeof createAuthController>, loginLimiter: RequestHandler): Router {
  const r = Router();
  r.get('/dang-nhap', publicAccess, controller.showLogin);
  r.post('/dang-nhap', publicAccess, loginLimiter, controller.login);
  r.get('/dang-nhap/ma-xac-thuc', publicAccess, controller.showCode);
  r.post('/dang-nhap/ma-xac-thuc', publicAccess, loginLimiter, controller.verifyCode);
  r.get('/dang-nhap/dang-ky-xac-thuc', publicAccess, controller.showEnrol);
  r.post('/dang-nhap/dang-ky-xac-thuc', publicAccess, loginLimiter, controller.enrol);
  r.post('/dang-xuat', requireLogin, controller.logout);
  r.get('/tai-khoan/doi-mat-khau', requireLogin, controller.showChangePassword);
  r.post('/tai-khoan/doi-mat-khau', requireLogin, controller.changePassword);
  return r;
}
