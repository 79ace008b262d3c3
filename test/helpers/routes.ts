/**
 * Walks an Express 5 app's router stack (mounted routers included) and lists every route with its method, full
 * path and whether one of its handlers is a declared guard (isGuard from src/middleware/auth.ts).
 */
import { type Express, Router } from 'express';
import { type GuardSpec, isGuard, publicAccess } from '../../src/middleware/auth.js';

export interface RouteInfo {
  /** `GET /quan-tri/` */
  key: string;
  method: string;
  path: string;
  guards: GuardSpec[];
}

interface LayerLike {
  route?: { path: unknown; methods: Record<string, boolean>; stack: Array<{ handle: unknown }> };
  handle?: { stack?: LayerLike[] };
  rawPath?: unknown;
  slash?: boolean;
}

function join(prefix: string, path: string): string {
  const joined = `${prefix}${path.startsWith('/') ? '' : '/'}${path}`.replace(/\/{2,}/g, '/');
  return joined === '' ? '/' : joined;
}

function walk(stack: LayerLike[], prefix: string, out: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const paths = Array.isArray(layer.route.path) ? layer.route.path : [layer.route.path];
      const guards = layer.route.stack
        .map((s) => s.handle)
        .filter(isGuard)
        .map((g) => g.guard);
      for (const p of paths) {
        for (const m of Object.keys(layer.route.methods).filter((k) => layer.route?.methods[k])) {
          const method = m === '_all' ? 'ALL' : m.toUpperCase();
          const path = join(prefix, String(p));
          out.push({ key: `${method} ${path}`, method, path, guards });
        }
      }
    } else if (Array.isArray(layer.handle?.stack)) {
      // A mounted router: its mount path, unless mounted at the root.
      const mount = layer.slash || typeof layer.rawPath !== 'string' ? '' : layer.rawPath.replace(/\/$/, '');
      walk(layer.handle.stack, join(prefix, mount).replace(/\/$/, ''), out);
    }
  }
}

export function listRoutes(app: Express): RouteInfo[] {
  const out: RouteInfo[] = [];
  walk((app as unknown as { router: { stack: LayerLike[] } }).router.stack, '', out);
  return out;
}

/** Routes whose handlers include no guard: each one is a route anybody can reach by accident. */
export function unguardedRoutes(app: Express): string[] {
  return listRoutes(app)
    .filter((r) => r.guards.length === 0)
    .map((r) => r.key);
}

/** The message of the errors thrown by `failingRoutes`: it must never reach a page. */
export const FAILURE_DETAIL = 'kaboom: secret detail at /srv/csdl-hoi/src/features/x.ts:12';

/** Routes that fail on purpose (mounted through buildTestApp's extraRoutes): a sync throw and a rejected promise. */
export function failingRoutes(): Router {
  const r = Router();
  r.get('/__test/throw', publicAccess, () => {
    throw new Error(FAILURE_DETAIL);
  });
  r.get('/__test/reject', publicAccess, async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    throw new TypeError(FAILURE_DETAIL);
  });
  return r;
}
