/** Liveness, readiness and Prometheus metrics. */
// server-text-file: /readyz answers JSON to monitoring and operators (docs/alerts.md), never a page
import { timingSafeEqual } from 'node:crypto';
import { type Request, Router } from 'express';
import type { Knex } from 'knex';
import type { Registry } from 'prom-client';
import { pendingMigrations } from '../../db/migrations.js';
import type { ReplicaState } from '../../db/read-router.js';
import { mark, publicAccess, requireRole } from '../../middleware/auth.js';

function bearerMatches(req: Request, token: string | null): boolean {
  if (!token) return false;
  const header = req.headers.authorization ?? '';
  const given = Buffer.from(header.replace(/^Bearer\s+/i, ''));
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

/**
 * /healthz and /readyz: mounted before the session middleware, they never touch sessions.
 *
 * /readyz answers 503 (`not_ready`) only when this instance cannot serve: database unreachable or migrations
 * pending — what a load balancer should act on. A stale backup, a job whose latest run failed or a scheduled job two
 * periods without a success (issue 19 item 4) leave it able to serve: taking it out of rotation would not help and,
 * with every instance sharing the database, would take them all out. So those answer 200 with `status: "degraded"`
 * and the Vietnamese `reasons`, for monitoring to alert on (docs/alerts.md).
 */
export function healthRoutes(deps: {
  db: Knex;
  /** The last good backup (check 39). */
  backupStatus?: () => Promise<{ stale: boolean; ageDays: number | null; maxAgeDays: number }>;
  /** The jobs' latest runs (src/jobs/health.ts). */
  jobsHealth?: () => Promise<{ reasons: string[] }>;
  /** The read replica's state (src/db/read-router.ts), from its last probe: never a query here. */
  replica?: () => ReplicaState;
}): Router {
  const r = Router();
  r.get('/healthz', publicAccess, (_req, res) => {
    res.json({ status: 'ok', uptimeSeconds: Math.round(process.uptime()) });
  });
  r.get('/readyz', publicAccess, async (_req, res) => {
    const checks: Record<string, { ok: boolean; detail?: string | string[] }> = {};
    try {
      await deps.db.raw('select 1');
      checks.database = { ok: true };
      const pending = await pendingMigrations(deps.db);
      checks.migrations = pending.length === 0 ? { ok: true } : { ok: false, detail: pending };
    } catch {
      checks.database = { ok: false, detail: 'không kết nối được cơ sở dữ liệu' };
    }
    const ready = Object.values(checks).every((c) => c.ok);
    // Degraded, not unready (see above): warnings keyed by what they are about, and all of them as `reasons`.
    const warnings: Record<string, string> = {};
    if (deps.backupStatus && checks.database?.ok) {
      try {
        const b = await deps.backupStatus();
        if (b.stale) {
          warnings.backup =
            b.ageDays === null
              ? 'chưa có bản sao lưu thành công nào'
              : `bản sao lưu thành công gần nhất đã ${Math.floor(b.ageDays)} ngày (quá ${b.maxAgeDays} ngày)`;
        }
        checks.backup = { ok: true, ...(b.stale ? { detail: warnings.backup as string } : {}) };
      } catch {
        warnings.backup = 'không đọc được trạng thái sao lưu';
      }
    }
    if (deps.jobsHealth && checks.database?.ok) {
      try {
        const j = await deps.jobsHealth();
        if (j.reasons.length > 0) warnings.jobs = j.reasons.join('; ');
        checks.jobs = { ok: true, ...(j.reasons.length > 0 ? { detail: j.reasons } : {}) };
      } catch {
        warnings.jobs = 'không đọc được trạng thái các tác vụ định kỳ';
      }
    }
    const replica = deps.replica?.();
    if (replica?.configured) {
      // Degraded, not unready: the primary answers the replica's reads meanwhile.
      if (replica.reason) warnings.replica = `${replica.reason}; các trang công khai, dữ liệu mở và báo cáo đọc từ máy chủ chính`;
      checks.replica = { ok: true, detail: replicaDetail(replica) };
    }
    const reasons = Object.values(warnings);
    const status = !ready ? 'not_ready' : reasons.length > 0 ? 'degraded' : 'ready';
    res.status(ready ? 200 : 503).json({
      status,
      checks,
      ...(reasons.length > 0 ? { warnings, reasons } : {}),
      ...(replica?.configured ? { replica: replicaJson(replica) } : {}),
    });
  });
  return r;
}

/** The replica in a line of Vietnamese: in use or not, and its lag. */
function replicaDetail(r: ReplicaState): string {
  const lag = r.lagSeconds === null ? 'chưa đo được độ trễ' : `trễ ${r.lagSeconds.toFixed(3).replace('.', ',')} giây`;
  return `${r.inUse ? 'đang dùng cho các lượt đọc' : 'không dùng'}, ${lag} (tối đa ${r.maxLagSeconds} giây)`;
}

/** The replica's figures for machines (the lag bound in seconds and bytes, where its reads went). */
function replicaJson(r: ReplicaState) {
  return {
    inUse: r.inUse,
    reachable: r.reachable,
    lagSeconds: r.lagSeconds,
    lagBytes: r.lagBytes,
    maxLagSeconds: r.maxLagSeconds,
    checkedAt: r.checkedAt?.toISOString() ?? null,
    statements: r.statements,
    sharedStatements: r.sharedStatements,
  };
}

/** Not public: a scraper presents METRICS_TOKEN; a signed-in IT administrator may look too. */
export function metricsRoutes(deps: { registry: Registry; metricsToken: string | null }): Router {
  const r = Router();
  r.get('/metrics', metricsGuard(deps.metricsToken), async (_req, res) => {
    res.setHeader('Content-Type', deps.registry.contentType);
    res.send(await deps.registry.metrics());
  });
  return r;

  function metricsGuard(token: string | null) {
    const asAdmin = requireRole('it_admin');
    return mark(
      (req, res, next) => {
        if (bearerMatches(req, token)) return next();
        asAdmin(req, res, next);
      },
      { kind: 'roles', roles: ['it_admin'] },
    );
  }
}
