/**
 * The officer's Biểu mẫu 1 as a task list (issue 18 item 2, GOV.UK "task list"): the draft's sections with their
 * state, each section on its own page saved on its own (the other sections kept as stored), and the check-and-send
 * step where the whole form is validated and any error is listed under its section with a link to it.
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorFromRequest } from '../../lib/auth-context.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { type Translate, translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { STAFF_ONLY_GROUP } from '../register-form/change-set.js';
import { SECTIONS, type SectionDef } from '../register-form/definition.js';
import { type FlatBody, fromFlatBody } from '../register-form/flat-body.js';
import type { FormValues } from '../register-form/schema.js';
import {
  applyRowAction,
  nextSection,
  postedSectionValues,
  rowAction,
  sectionBySlug,
  sectionErrors,
  sectionLists,
  sectionOfKey,
  sectionState,
  sectionTitle,
  stateTag,
} from '../register-form/sections.js';
import { STATUS_LABELS, type SubmissionsService } from './submissions.service.js';

/** The officer's sections: every section of Biểu mẫu 1 except record management (staff only). */
export const OFFICER_SECTIONS: readonly SectionDef[] = SECTIONS.filter((s) => s.key !== STAFF_ONLY_GROUP);

const NOT_FOUND = 'Không tìm thấy biểu mẫu này.';
const versionSchema = z.object({ version: z.coerce.number().int().min(1).max(1_000_000) });
const fieldId = (key: string) => key.replace(/[^A-Za-z0-9_-]/g, '-');

function sectionParam(req: Request): SectionDef {
  const section = sectionBySlug(OFFICER_SECTIONS, String(req.params.section ?? ''));
  if (!section) throw new NotFoundError('Không có mục này trong Biểu mẫu 1.');
  return section;
}

/** Where an error of the whole form is corrected: its field on its section's page. */
export function errorHref(id: number, key: string): string {
  const section = sectionOfKey(key, OFFICER_SECTIONS);
  return section ? `${paths.submissions.section(id, section.slug)}#${fieldId(key)}` : `#${fieldId(key)}`;
}

/**
 * The task list's lines of a draft. `sending`: on the check-and-send step every error counts (a required value left
 * empty too) and is listed under its section.
 */
export function officerTasks(
  id: number,
  body: FlatBody,
  saved: readonly string[],
  errors: Record<string, string>,
  t: Translate,
  sending = false,
) {
  const values = fromFlatBody(body);
  return OFFICER_SECTIONS.map((section) => {
    const own = sectionErrors(errors, section);
    const state = sending && Object.keys(own).length > 0 ? 'errors' : sectionState(section, values, errors, saved.includes(section.key));
    const href = paths.submissions.section(id, section.slug);
    return {
      id: `muc-${section.slug}`,
      title: sectionTitle(section, t),
      href,
      state: stateTag(state, t),
      errors: state === 'errors' ? Object.entries(own).map(([k, message]) => ({ message, href: `${href}#${fieldId(k)}` })) : [],
    };
  });
}

export function formSectionHandlers(submissions: SubmissionsService) {
  async function renderSection(
    req: Request,
    res: Response,
    status: number,
    section: SectionDef,
    page: { values?: FormValues; errors?: Record<string, string>; version?: number } = {},
  ) {
    const id = idParam(req, NOT_FOUND);
    const { sub, full, options } = await submissions.forOfficer(req.user?.associationId ?? null, id);
    if (sub.kind === 'congress') return res.redirect(303, paths.submissions.congressForm(sub.id));
    // Only a draft is filled by section; a returned or sent one has its own page.
    if (sub.status !== 'draft') return res.redirect(303, paths.submissions.form(sub.id));
    const i = OFFICER_SECTIONS.indexOf(section);
    const { t } = translatorOf(req);
    res.status(status).render('submissions/section', {
      title: t('submissions:officerSection.title', { section: sectionTitle(section, t), id: sub.id }),
      sub,
      record: full.record,
      statusLabels: STATUS_LABELS,
      section,
      lists: sectionLists(section),
      position: i + 1,
      total: OFFICER_SECTIONS.length,
      next: nextSection(OFFICER_SECTIONS, section) !== null,
      options,
      values: page.values ?? fromFlatBody(sub.body),
      errors: page.errors ?? {},
      version: page.version ?? sub.version,
    });
  }

  return {
    /** GET /hoi-cua-toi/bieu-mau/:id/muc/:section */
    async sectionShow(req: Request, res: Response) {
      await renderSection(req, res, 200, sectionParam(req));
    },

    /** POST /hoi-cua-toi/bieu-mau/:id/muc/:section: a row button (the page again) or the section saved. */
    async sectionSave(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      const section = sectionParam(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const v = versionSchema.safeParse(body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của biểu mẫu. Hãy mở lại biểu mẫu.' });
      const row = rowAction(section, body.action);
      if (row) {
        const values = applyRowAction(postedSectionValues(section, body), row);
        return renderSection(req, res, 200, section, { values, version: v.data.version });
      }
      const result = await submissions.saveSection(actorFromRequest(req), req.user?.associationId ?? null, id, section, {
        version: v.data.version,
        body,
      });
      if (!result.ok)
        return renderSection(req, res, 400, section, { values: result.values, errors: result.errors, version: v.data.version });
      const { t } = translatorOf(req);
      flash(req, 'success', t('submissions:officerSection.saved', { section: sectionTitle(section, t) }));
      const next = body.action === 'tiep' ? nextSection(OFFICER_SECTIONS, section) : null;
      res.redirect(303, next ? paths.submissions.section(id, next.slug) : paths.submissions.form(id));
    },

    /** GET /hoi-cua-toi/bieu-mau/:id/kiem-tra: the changes, the errors left by section, the declaration, send. */
    async check(req: Request, res: Response) {
      await renderCheck(submissions, req, res, 200);
    },
  };
}

/** The check-and-send step (a draft only): `errors` of a refused send (status 400). */
export async function renderCheck(
  submissions: SubmissionsService,
  req: Request,
  res: Response,
  status: number,
  errors: Record<string, string> = {},
) {
  const id = idParam(req, NOT_FOUND);
  const { sub, full, cmp } = await submissions.forOfficer(req.user?.associationId ?? null, id);
  if (sub.kind === 'congress') return res.redirect(303, paths.submissions.congressForm(sub.id));
  if (sub.status !== 'draft') return res.redirect(303, paths.submissions.form(sub.id));
  const formErrors = status === 400 ? errors : cmp.errors;
  const { declaration, ...fieldErrors } = formErrors;
  const { t } = translatorOf(req);
  res.status(status).render('submissions/check', {
    title: t('submissions:officerCheck.title', { id: sub.id }),
    sub,
    record: full.record,
    statusLabels: STATUS_LABELS,
    items: cmp.items,
    tasks: officerTasks(sub.id, sub.body, sub.sections_saved, fieldErrors, t, true).filter((task) => task.errors.length > 0),
    // The error summary (a refused send only) links each error to its field on its section's page.
    errors: status === 400 ? errors : {},
    errorLinks: Object.fromEntries(Object.keys(formErrors).map((k) => [k, k === 'declaration' ? '#declaration' : errorHref(sub.id, k)])),
    pending: Object.keys(fieldErrors).length,
    // Sections never saved in this filing go as pre-filled from the record: named, so nothing is sent unseen.
    unseen: OFFICER_SECTIONS.filter((s) => !sub.sections_saved.includes(s.key)).map((s) => ({
      title: sectionTitle(s, t),
      href: paths.submissions.section(sub.id, s.slug),
    })),
    declared: status === 400 && Boolean((req.body as Record<string, unknown>)?.declaration),
    declarationError: declaration ?? '',
  });
}
