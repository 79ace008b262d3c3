/** HOUSE-STYLE: every route declares its guard; a route without one fails this test (RELIABILITY check 11). */
import express, { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publicAccess, requireLogin, requireRole } from '../../src/middleware/auth.js';
import { buildTestApp, type TestContext } from '../helpers/app.js';
import { listRoutes, unguardedRoutes } from '../helpers/routes.js';

let t: TestContext;

beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(() => t.db.destroy());

describe('route guards (check 11)', () => {
  it('every route of the real app declares a guard', () => {
    const routes = listRoutes(t.app);
    // The walker sees the routers the app mounts (a walker that sees nothing would pass vacuously).
    expect(routes.map((r) => r.key)).toEqual(
      expect.arrayContaining(['GET /dang-nhap', 'POST /dang-xuat', 'GET /quan-tri/', 'GET /metrics']),
    );
    expect(unguardedRoutes(t.app)).toEqual([]);
  });

  it('every route declares exactly one guard, so the allowed audience is unambiguous', () => {
    const ambiguous = listRoutes(t.app).filter((r) => r.guards.length !== 1);
    expect(ambiguous.map((r) => `${r.key} (${r.guards.length} guards)`)).toEqual([]);
  });

  it('the walker reports an unguarded route, including one in a mounted router', () => {
    const app = express();
    app.get('/open', publicAccess, (_req, res) => {
      res.send('ok');
    });
    app.get('/forgotten', (_req, res) => {
      res.send('anybody can read this');
    });
    const admin = Router();
    admin.get('/', requireRole('it_admin'), (_req, res) => {
      res.send('admin');
    });
    admin.post('/xoa', (_req, res) => {
      res.send('deleted');
    });
    admin.get('/ho-so', requireLogin, (_req, res) => {
      res.send('profile');
    });
    app.use('/quan-ly', admin);
    expect(unguardedRoutes(app)).toEqual(['GET /forgotten', 'POST /quan-ly/xoa']);
    expect(listRoutes(app).map((r) => r.key)).toEqual([
      'GET /open',
      'GET /forgotten',
      'GET /quan-ly/',
      'POST /quan-ly/xoa',
      'GET /quan-ly/ho-so',
    ]);
  });
});
