import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { fieldErrors, keptValues, type RefusedForm, submitForm } from '../../lib/forms.js';
import { translator, translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { isoToVietnamese } from '../catalogues/catalogues.schemas.js';
import { CATEGORIES } from '../reports/categories.js';
import type { FeeScheduleRow } from './fees.repository.js';
import { contractForm, FEE_UNIT_LABELS, FEE_UNITS, pageQuery, periodQuery, scheduleForm, versionField } from './fees.schemas.js';
import type { FeesService } from './fees.service.js';

const CATEGORY_LABELS: Record<string, string> = Object.fromEntries(CATEGORIES.map((c) => [c.key, `(${c.letter}) ${c.title}`]));
const CATEGORY_LETTERS: Record<string, string> = Object.fromEntries(CATEGORIES.map((c) => [c.key, c.letter]));

const SCHEDULE_NOT_FOUND = 'Không tìm thấy biểu phí này.';

function valuesOf(row: FeeScheduleRow): Record<string, string | string[]> {
  return {
    legal_basis: row.legal_basis,
    valid_from: isoToVietnamese(row.valid_from),
    valid_to: isoToVietnamese(row.valid_to),
    unit: row.unit,
    unit_price_vnd: String(row.unit_price_vnd),
    categories: row.categories,
    note: row.note,
    version: String(row.version),
  };
}

/** keptValues plus the multi-valued categories field. */
function formValues(body: unknown): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = keptValues(body);
  const cats = (body as Record<string, unknown> | undefined)?.categories;
  if (Array.isArray(cats)) out.categories = cats.filter((c): c is string => typeof c === 'string');
  return out;
}

export function createFeesController(deps: { fees: FeesService }) {
  const { fees } = deps;

  const scheduleFormPage = (
    res: Response,
    status: number,
    locals: { mode: 'create' | 'edit'; id?: number; values: Record<string, string | string[]>; errors: Record<string, string> },
  ) =>
    res.status(status).render('fees/schedule-form', {
      title: translatorOf(res.req).t(locals.mode === 'create' ? 'fees:titles.addSchedule' : 'fees:titles.editSchedule'),
      units: FEE_UNITS,
      categories: CATEGORIES,
      id: null,
      ...locals,
    });

  const contractPage = async (res: Response, status: number, { values, errors }: RefusedForm) => {
    const [organisations, schedules] = await Promise.all([fees.listOrganisations(), fees.listSchedules()]);
    res.status(status).render('fees/contract-form', {
      title: translatorOf(res.req).t('fees:contract.title'),
      organisations,
      schedules: schedules.filter((s) => s.unit === 'contract'),
      values,
      errors,
    });
  };

  /** Renders a statement page (staff: any organisation; org_manager: their own, fixed by the session). */
  async function renderStatement(req: Request, res: Response, organisationId: number, view: 'staff' | 'organisation') {
    const parsed = periodQuery.safeParse(req.query);
    const errors = parsed.success ? {} : fieldErrors(parsed.error);
    const defaults = fees.defaultPeriod();
    const period = parsed.success ? { from: parsed.data.tu ?? defaults.from, to: parsed.data.den ?? defaults.to } : defaults;
    if (!parsed.success) {
      // The organisation is still checked first: someone else's id is a 404, not a form error.
      const org = await fees.organisation(organisationId);
      return res.status(400).render('fees/statement', {
        title: translatorOf(req).t('fees:titles.statement', { name: org.name }),
        doc: translator('vi'),
        org,
        rows: [],
        total: 0,
        period,
        values: keptValues(req.query),
        errors,
        view,
        unitLabels: FEE_UNIT_LABELS,
        categoryLetters: CATEGORY_LETTERS,
      });
    }
    const { org, rows, total } = await fees.statement(actorFromRequest(req), organisationId, period);
    res.render('fees/statement', {
      title: translatorOf(req).t('fees:titles.statement', { name: org.name }),
      doc: translator('vi'),
      org,
      rows,
      total,
      period,
      values: { tu: isoToVietnamese(period.from), den: isoToVietnamese(period.to) },
      errors: {},
      view,
      unitLabels: FEE_UNIT_LABELS,
      categoryLetters: CATEGORY_LETTERS,
    });
  }

  return {
    async index(req: Request, res: Response) {
      const q = pageQuery.safeParse(req.query);
      const page = q.success ? q.data.trang : 1;
      const [schedules, ledger, organisations] = await Promise.all([fees.listSchedules(), fees.ledgerPage(page), fees.listOrganisations()]);
      res.render('fees/index', {
        title: translatorOf(req).t('fees:index.title'),
        schedules,
        ledger: ledger.rows,
        page,
        pages: Math.max(1, Math.ceil(ledger.total / 50)),
        organisations,
        unitLabels: FEE_UNIT_LABELS,
        categoryLabels: CATEGORY_LABELS,
        categoryLetters: CATEGORY_LETTERS,
        canEdit: hasAnyRole(req.user?.roles ?? [], ['ngo_lead']),
      });
    },

    newSchedule(_req: Request, res: Response) {
      scheduleFormPage(res, 200, { mode: 'create', values: { unit: 'export' }, errors: {} });
    },

    async createSchedule(req: Request, res: Response) {
      const done = await submitForm(req.body, scheduleForm, {
        save: (data) => fees.createSchedule(actorFromRequest(req), data),
        refused: (form) => scheduleFormPage(res, 400, { mode: 'create', ...form }),
        values: formValues,
      });
      if (!done) return;
      flash(req, 'success', translatorOf(req).t('fees:flash.added'));
      res.redirect(303, paths.fees.index());
    },

    async editSchedule(req: Request, res: Response) {
      const id = idParam(req, SCHEDULE_NOT_FOUND);
      scheduleFormPage(res, 200, { mode: 'edit', id, values: valuesOf(await fees.getSchedule(id)), errors: {} });
    },

    async updateSchedule(req: Request, res: Response) {
      const id = idParam(req, SCHEDULE_NOT_FOUND);
      await fees.getSchedule(id);
      const v = versionField.safeParse(req.body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của biểu phí. Hãy mở lại trang sửa.' });
      const done = await submitForm(req.body, scheduleForm, {
        save: (data) => fees.updateSchedule(actorFromRequest(req), id, v.data.version, data),
        refused: (form) => scheduleFormPage(res, 400, { mode: 'edit', id, ...form }),
        values: formValues,
      });
      if (!done) return;
      flash(req, 'success', translatorOf(req).t('fees:flash.saved'));
      res.redirect(303, paths.fees.index());
    },

    async newContract(_req: Request, res: Response) {
      await contractPage(res, 200, { values: {}, errors: {} });
    },

    async createContract(req: Request, res: Response) {
      const done = await submitForm(req.body, contractForm, {
        save: (data) => fees.recordContract(actorFromRequest(req), data),
        refused: (form) => contractPage(res, 400, form),
      });
      if (!done) return;
      const { org } = done.saved;
      flash(req, 'success', translatorOf(req).t('fees:flash.contract', { name: org.name }));
      res.redirect(303, paths.fees.statement(org.id));
    },

    async staffStatement(req: Request, res: Response) {
      await renderStatement(req, res, idParam(req, 'Không tìm thấy tổ chức này.'), 'staff');
    },

    /** /khai-thac/phi: the organisation comes from the session, never from the request. */
    async ownStatement(req: Request, res: Response) {
      const organisationId = req.user?.organisationId;
      if (!organisationId) throw new NotFoundError('Tài khoản của bạn chưa gắn với tổ chức khai thác nào.');
      await renderStatement(req, res, organisationId, 'organisation');
    },
  };
}

export type FeesController = ReturnType<typeof createFeesController>;
