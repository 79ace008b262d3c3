/**
 * What the pages of the jobs feature need: the quarterly cycles and snapshots, the annual report,
 * the job runs and the "Chạy ngay" button (it_admin, audited), an association's term-congress badge.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import type { TermInfo } from '../associations/congress-term.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import { buildAnnualReport } from './annual-report.js';
import { termInfos } from './congress-alerts.job.js';
import { createCyclesRepository, SNAPSHOT_DIMENSIONS, type SnapshotDimension } from './cycles.repository.js';
import type { JobRunner } from './job-runner.js';
import type { JobRunFilters } from './job-runs.repository.js';
import { isQuarterKey, quarterOf, quarterRange } from './quarters.js';

export function createJobsService(deps: { db: Knex; runner: JobRunner; audit: AuditService; clock: Clock }) {
  const { db, runner, audit, clock } = deps;
  const cycles = createCyclesRepository(db);
  return {
    runner,

    currentQuarter: () => quarterOf(vietnamToday(clock.now())),

    listCycles: () => cycles.listCycles(),

    /** Records not updated in a quarter (any quarter up to the current one, with or without an opened cycle). */
    async notUpdated(quarter: string, page: number, pageSize: number) {
      if (!isQuarterKey(quarter) || quarter > quarterOf(vietnamToday(clock.now()))) throw new NotFoundError('Không có quý này.');
      const range = quarterRange(quarter);
      const [cycle, list, live] = await Promise.all([
        cycles.findCycle(quarter),
        cycles.notUpdated(range.from, range.to, page, pageSize),
        cycles.countLive(),
      ]);
      return { cycle: cycle ?? null, range, live, ...list };
    },

    async compare(dimension: SnapshotDimension) {
      const snaps = await cycles.snapshots(8);
      const key = SNAPSHOT_DIMENSIONS[dimension];
      const keys = [...new Set(snaps.flatMap((s) => Object.keys(s.data[key] ?? {})))].sort();
      return {
        quarters: snaps.map((s) => ({ quarter: s.quarter, taken_at: s.taken_at })),
        totals: snaps.map((s) => ({
          total: s.data.total,
          live: s.data.live,
          published: s.data.published,
          updated: s.data.updated_in_quarter,
          notUpdated: s.data.not_updated_in_quarter,
        })),
        rows: keys.map((k) => ({ key: k, values: snaps.map((s) => s.data[key]?.[k] ?? 0) })),
      };
    },

    annualReport: (year: number) => buildAnnualReport(db, year),

    recordAnnualPrint(actor: Actor, year: number) {
      return audit.record(actor, { action: 'annual_report.print', targetType: 'annual_report', targetId: String(year) });
    },

    listRuns: (f: JobRunFilters, page: number, pageSize: number) => runner.repo.list(f, page, pageSize),
    latestByJob: () => runner.repo.latestByJob(),

    /**
     * "Chạy ngay": audited, then run in the background (a backup may take a minute); the page lists the result.
     * Returns the promise of the run for callers that want to wait (tests).
     */
    async runNow(actor: Actor, name: string): Promise<{ done: Promise<unknown> }> {
      if (!runner.jobs.some((j) => j.name === name)) throw new NotFoundError('Không có tác vụ này.');
      await audit.record(actor, { action: 'job.run_manual', targetType: 'job', targetId: name });
      const done = runner.run(name, { trigger: 'manual', requestedBy: actor.userId }).catch(() => undefined);
      return { done };
    },

    /** The term-congress state of one association (the officer's home and the register record). */
    async termOf(associationId: number): Promise<{ code: string; name: string; info: TermInfo | null } | null> {
      const a = await db('associations').where({ id: associationId }).first('id', 'code', 'name');
      if (!a) return null;
      const [t] = await termInfos(db, vietnamToday(clock.now()), associationId);
      return { code: a.code, name: a.name, info: t?.info ?? null };
    },
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
