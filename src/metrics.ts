/** Prometheus metrics: request durations by route, database pool usage. */
import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export function createMetrics(db: Knex) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'csdl_hoi_' });
  const duration = new Histogram({
    name: 'csdl_hoi_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1, 2, 5],
    registers: [registry],
  });
  const pool = (db.client as { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } }).pool;
  new Gauge({
    name: 'csdl_hoi_db_pool_connections',
    help: 'Database pool connections by state',
    labelNames: ['state'] as const,
    registers: [registry],
    collect() {
      const p = (db.client as { pool?: typeof pool }).pool;
      if (!p) return;
      this.set({ state: 'used' }, p.numUsed());
      this.set({ state: 'free' }, p.numFree());
      this.set({ state: 'pending' }, p.numPendingAcquires());
    },
  });
  // Load shedding (RELIABILITY check 41, src/middleware/overload.ts).
  const shed = new Counter({
    name: 'csdl_hoi_http_requests_shed_total',
    help: 'Requests refused with 503 because too many were in flight (MAX_IN_FLIGHT)',
    registers: [registry],
  });
  let inFlightSource: (() => number) | null = null;
  new Gauge({
    name: 'csdl_hoi_http_requests_in_flight',
    help: 'Requests admitted by the in-flight limiter and not yet finished',
    registers: [registry],
    collect() {
      if (inFlightSource) this.set(inFlightSource());
    },
  });
  const middleware: RequestHandler = (req, res, next) => {
    const end = duration.startTimer();
    res.on('finish', () => {
      const route = req.route?.path ? String(req.route.path) : res.statusCode === 404 ? 'not_found' : 'other';
      end({ method: req.method, route, status: String(res.statusCode) });
    });
    next();
  };
  return {
    registry,
    middleware,
    shed,
    trackInFlight(source: () => number) {
      inFlightSource = source;
    },
  };
}
