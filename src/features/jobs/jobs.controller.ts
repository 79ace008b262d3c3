import type { Request, Response } from 'express';
import { jobTitle } from '../../jobs/job.js';
import { actorFromRequest } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { describeCron } from '../../lib/cron.js';
import { NotFoundError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import { type Translator, translator, translatorOf } from '../../lib/i18n.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import type { CataloguesService } from '../catalogues/catalogues.service.js';
import { DATA_LEVELS, SCOPES } from '../register-form/definition.js';
import type { SnapshotDimension } from './cycles.repository.js';
import {
  compareQuery,
  countsText,
  DAYS_LABELS,
  DIMENSION_LABELS,
  pageQuery,
  periodLabel,
  runsQuery,
  STATUS_LABELS,
  TRIGGER_LABELS,
} from './jobs.schemas.js';
import type { JobsService } from './jobs.service.js';
import { quarterLabel } from './quarters.js';

const CYCLE_PAGE = 50;
const RUNS_PAGE = 30;
const FIRST_YEAR = 2013;

/**
 * A quarter as the reader's language writes it: 'Quý IV/2026' (never lower-cased, see formatQuarter) or 'Q4 2026';
 * `inText` is how a sentence's middle carries it (the Vietnamese pages have always lower-cased it there).
 */
function quarterWords(tr: Translator) {
  const label = (q: string): string => {
    const vi = quarterLabel(q);
    return tr.lang === 'vi' ? vi : tr.t('jobs:quarter', { n: Number(q.slice(-1)), year: q.slice(0, 4) });
  };
  return { quarterLabel: label, quarterInText: (q: string) => (tr.lang === 'vi' ? label(q).toLowerCase() : label(q)) };
}

const CATALOGUE_OF: Partial<Record<SnapshotDimension, string>> = {
  status: 'statuses',
  field: 'fields',
  province: 'provinces',
  kind: 'association_kinds',
  nature: 'natures',
};

export function createJobsController(deps: { jobs: JobsService; catalogues: CataloguesService; clock: Clock }) {
  const { jobs, catalogues, clock } = deps;
  const currentYear = () => Number(vietnamToday(clock.now()).slice(0, 4));

  /** Labels of a dimension's values: the code's own (scope, data level) in the reader's language; catalogue names. */
  async function labelsFor(dim: SnapshotDimension, say: (text: string) => string = (text) => text): Promise<Record<string, string>> {
    if (dim === 'scope') return Object.fromEntries(SCOPES.map(([code, label]) => [code, say(label)]));
    if (dim === 'data_level') return Object.fromEntries(DATA_LEVELS.map(([code, label]) => [code, say(label)]));
    const table = CATALOGUE_OF[dim];
    const all = (await catalogues.loadAll()) as Record<string, Array<{ code: string; name: string }>>;
    return Object.fromEntries((table ? (all[table] ?? []) : []).map((o) => [o.code, o.name]));
  }

  function yearParam(req: Request): number {
    const raw = String(req.params.year ?? '');
    if (!/^\d{4}$/.test(raw)) throw new NotFoundError('Không có báo cáo năm này.');
    const year = Number(raw);
    if (year < FIRST_YEAR || year > currentYear()) throw new NotFoundError('Không có báo cáo năm này.');
    return year;
  }

  return {
    async cycles(req: Request, res: Response) {
      const current = jobs.currentQuarter();
      const tr = translatorOf(req);
      res.render('jobs/cycles', {
        title: tr.t('jobs:cycles.title'),
        cycles: await jobs.listCycles(),
        current,
        ...quarterWords(tr),
      });
    },

    async cycle(req: Request, res: Response) {
      const quarter = String(req.params.quarter ?? '');
      const q = pageQuery.safeParse(req.query);
      const page = q.success ? (q.data.trang ?? 1) : 1;
      const data = await jobs.notUpdated(quarter, page, CYCLE_PAGE);
      const statuses = await labelsFor('status');
      const tr = translatorOf(req);
      const words = quarterWords(tr);
      res.render('jobs/cycle', {
        title: tr.t('jobs:titles.cycle', { quarter: words.quarterLabel(quarter) }),
        quarter,
        ...words,
        statuses,
        ...data,
        page,
        pages: Math.max(1, Math.ceil(data.total / CYCLE_PAGE)),
      });
    },

    async compare(req: Request, res: Response) {
      const q = compareQuery.safeParse(req.query);
      const dimension: SnapshotDimension = q.success ? (q.data.theo ?? 'status') : 'status';
      const tr = translatorOf(req);
      res.render('jobs/compare', {
        title: tr.t('jobs:cycles.compare'),
        dimension,
        dimensions: DIMENSION_LABELS,
        labels: await labelsFor(dimension, tr.tx),
        data: await jobs.compare(dimension),
        ...quarterWords(tr),
      });
    },

    annualCurrent(_req: Request, res: Response) {
      res.redirect(303, paths.jobs.annualReport(currentYear()));
    },

    async annual(req: Request, res: Response) {
      const year = yearParam(req);
      const sections = await jobs.annualReport(year);
      const years = Array.from({ length: currentYear() - FIRST_YEAR + 1 }, (_, i) => currentYear() - i);
      if (req.query.print === '1') {
        await jobs.recordAnnualPrint(actorFromRequest(req), year);
        const today = vietnamToday(clock.now()).split('-');
        return res.render('jobs/annual-print', {
          // The document is in Vietnamese, the language of record; the screen controls follow the reader's language.
          title: translator('vi').t('jobs:titles.annualPrint', { year }),
          doc: translator('vi'),
          year,
          sections,
          dateLine: `ngày ${today[2]} tháng ${today[1]} năm ${today[0]}`,
        });
      }
      res.render('jobs/annual', { title: translatorOf(req).t('jobs:titles.annual', { year }), year, years, sections });
    },

    async runs(req: Request, res: Response) {
      const q = runsQuery.safeParse(req.query);
      const f = q.success ? q.data : {};
      const page = f.trang ?? 1;
      const days = f['so-ngay'];
      const filters = {
        ...(f['tac-vu'] ? { job: f['tac-vu'] } : {}),
        ...(f['trang-thai'] ? { status: f['trang-thai'] } : {}),
        ...(days ? { since: new Date(clock.now().getTime() - Number(days) * 86_400_000) } : {}),
      };
      const [{ rows, total }, latest] = await Promise.all([jobs.listRuns(filters, page, RUNS_PAGE), jobs.latestByJob()]);
      const tr = translatorOf(req);
      const words = quarterWords(tr);
      res.render('jobs/runs', {
        title: tr.t('jobs:runs.title'),
        jobList: jobs.runner.jobs.map((j) => {
          const expression = jobs.runner.scheduleOf(j);
          return {
            name: j.name,
            title: jobTitle(j),
            description: j.description,
            schedule: expression ? describeCron(expression, tr.tx) : null,
            latest: latest.get(j.name) ?? null,
          };
        }),
        rows,
        total,
        page,
        pages: Math.max(1, Math.ceil(total / RUNS_PAGE)),
        query: { 'tac-vu': filters.job ?? '', 'trang-thai': filters.status ?? '', 'so-ngay': days ?? '' },
        statusLabels: STATUS_LABELS,
        daysLabels: DAYS_LABELS,
        triggerLabels: TRIGGER_LABELS,
        jobTitles: Object.fromEntries(jobs.runner.jobs.map((j) => [j.name, jobTitle(j)])),
        // A quarter in the reader's language; the other periods are dates or Vietnamese texts the view translates.
        periodLabel: (key: string) => periodLabel(key, words.quarterLabel),
        countsText,
      });
    },

    async runNow(req: Request, res: Response) {
      const name = String(req.params.job ?? '');
      if (!/^[a-z0-9-]{1,60}$/.test(name)) throw new NotFoundError('Không có tác vụ này.');
      await jobs.runNow(actorFromRequest(req), name);
      const job = jobs.runner.jobs.find((j) => j.name === name);
      const tr = translatorOf(req);
      flash(req, 'success', tr.t('jobs:flash.runRequested', { title: job ? tr.tx(jobTitle(job)) : name }));
      res.redirect(303, paths.jobs.runs());
    },
  };
}
