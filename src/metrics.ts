/**
 * Prometheus metrics: request durations by route, database pool usage (R-9.1); the jobs' last success and failures
 * and the backup's age (issue 19 item 4, alert rules in docs/alerts.md), read at scrape time from `job_runs` and
 * `backup_runs` (src/jobs/health.ts, cached a few seconds).
 */
import type { RequestHandler } from 'express';
import type { Knex } from 'knex';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { ReplicaState } from './db/read-router.js';

interface JobsSource {
  jobs(): Promise<{ jobs: readonly { job: string; lastSuccess: Date | null; failures: number }[] }>;
  backup(): Promise<{ ageDays: number | null }>;
}

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
  // Issue 19 item 4: read from the database at scrape time, so every instance reports the same values.
  // A failed read leaves the series out of this scrape (`absent()` alerts, docs/alerts.md), never fails the others.
  let jobsSource: JobsSource | null = null;
  const jobsView = () => jobsSource?.jobs().catch(() => null) ?? Promise.resolve(null);
  new Gauge({
    name: 'csdl_hoi_job_last_success_timestamp',
    help: 'End of the latest successful run of each job (Unix seconds; absent while a job never succeeded), from job_runs',
    labelNames: ['job'] as const,
    registers: [registry],
    async collect() {
      const view = await jobsView();
      if (!view) return;
      this.reset();
      for (const j of view.jobs) {
        if (j.lastSuccess) this.set({ job: j.job }, Math.floor(j.lastSuccess.getTime() / 1000));
      }
    },
  });
  new Counter({
    name: 'csdl_hoi_job_failures_total',
    help: 'Failed runs of each job: the count of failed rows in job_runs (never pruned), so it never goes down across restarts',
    labelNames: ['job'] as const,
    registers: [registry],
    async collect() {
      const view = await jobsView();
      if (!view) return;
      this.reset();
      for (const j of view.jobs) this.inc({ job: j.job }, j.failures);
    },
  });
  new Gauge({
    name: 'csdl_hoi_backup_age_seconds',
    help: 'Age of the last successful backup in seconds (+Inf while there is none), from backup_runs',
    registers: [registry],
    async collect() {
      const b = await jobsSource?.backup().catch(() => null);
      if (!b) return;
      this.set(b.ageDays === null ? Number.POSITIVE_INFINITY : Math.round(b.ageDays * 86_400));
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
    trackJobs(source: JobsSource) {
      jobsSource = source;
    },
    /** Issue 19 item 2: the read replica's series, only when there is one. */
    trackReplica(source: () => ReplicaState) {
      replicaMetrics(registry, source);
    },
  };
}

/** The read replica, from the read router's last probe (src/db/read-router.ts), read at scrape time. */
function replicaMetrics(registry: Registry, source: () => ReplicaState): void {
  const gauge = (name: string, help: string, value: (s: ReplicaState) => number) =>
    new Gauge({
      name,
      help,
      registers: [registry],
      collect() {
        this.set(value(source()));
      },
    });
  gauge(
    'csdl_hoi_replica_in_use',
    'Whether the read replica answers the public pages, open data and reports (1) or the primary does (0)',
    (s) => (s.inUse ? 1 : 0),
  );
  gauge(
    'csdl_hoi_replica_lag_seconds',
    'Upper bound of the read replica lag at the last probe (+Inf when unknown: unreachable, or nothing replayed yet)',
    (s) => s.lagSeconds ?? Number.POSITIVE_INFINITY,
  );
  gauge(
    'csdl_hoi_replica_lag_bytes',
    'WAL bytes the read replica had not replayed at the last probe (NaN when unknown)',
    (s) => s.lagBytes ?? Number.NaN,
  );
  new Counter({
    name: 'csdl_hoi_replica_reads_total',
    help: "Statements started through the read router, by where they went (replica or primary) and for what: a request's own reads or the shared caches' and search index's",
    labelNames: ['target', 'via'] as const,
    registers: [registry],
    collect() {
      const { statements, sharedStatements } = source();
      this.reset();
      for (const target of ['replica', 'primary'] as const) {
        this.inc({ target, via: 'request' }, statements[target]);
        this.inc({ target, via: 'shared' }, sharedStatements[target]);
      }
    },
  });
}
