/**
 * What the pages of the jobs feature need: the quarterly cycles and snapshots, the annual report,
 * the job runs and the "Chạy ngay" button (it_admin, audited), an association's term-congress badge.
 */

import { jobTitle } from '../../jobs/job.js';
import type { JobRunFilters } from '../../jobs/job-runs.repository.js';
import type { JobRunner } from '../../jobs/runner.js';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import type { TermInfo } from '../associations/congress-term.js';
import type { AuditService } from '../audit/audit.service.js';
import { buildAnnualReport, SECTIONS } from './annual-report.js';
import type { AnnualReportRepository } from './annual-report.repository.js';
import type { CongressAlertsRepository } from './congress-alerts.repository.js';
import { type CyclesRepository, SNAPSHOT_DIMENSIONS, type SnapshotDimension } from './cycles.repository.js';
import { isQuarterKey, quarterOf, quarterRange } from './quarters.js';

export interface JobsServiceDeps {
  runner: JobRunner;
  cycles: CyclesRepository;
  alerts: CongressAlertsRepository;
  annual: AnnualReportRepository;
  audit: AuditService;
  clock: Clock;
}

export function createJobsService(deps: JobsServiceDeps) {
  const { runner, cycles, alerts, annual, audit, clock } = deps;
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

    annualReport: (year: number) =>
      buildAnnualReport(annual, year, SECTIONS, { jobTitles: Object.fromEntries(runner.jobs.map((j) => [j.name, jobTitle(j)])) }),

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
      const a = await alerts.findAssociation(associationId);
      if (!a) return null;
      const [t] = await alerts.termInfos(vietnamToday(clock.now()), associationId);
      return { code: a.code, name: a.name, info: t?.info ?? null };
    },
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
