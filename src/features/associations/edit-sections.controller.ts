/**
 * The staff edit of a record as Biểu mẫu 1's task list (issue 18 item 2, GOV.UK "task list"): the list of sections
 * with their state, and each section on its own page, saved on its own. A staff save goes straight to the register
 * (there is no staff draft): each section saved is one new version of the record with only that section changed,
 * written in one transaction by the register's update (history, diff, audit, public caches as for any edit).
 */
import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorFromRequest } from '../../lib/auth-context.js';
import { NotFoundError, StaleVersionError, ValidationError } from '../../lib/errors.js';
import { type Translate, translatorOf } from '../../lib/i18n.js';
import { associationCodeParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { SECTIONS, type SectionDef } from '../register-form/definition.js';
import { toFlatBody } from '../register-form/flat-body.js';
import { type FormValues, parseAssociationForm, valuesFromRecord } from '../register-form/schema.js';
import {
  applyRowAction,
  nextSection,
  postedSectionValues,
  rowAction,
  sectionBySlug,
  sectionErrors,
  sectionLists,
  sectionState,
  sectionTitle,
  stateTag,
} from '../register-form/sections.js';
import type { AssociationsService } from './associations.service.js';
import { parseSectionEdit } from './section-edit.js';

const versionSchema = z.object({ version: z.coerce.number().int().min(1) });
const fieldId = (key: string) => key.replace(/[^A-Za-z0-9_-]/g, '-');

function codeParam(req: Request): string {
  return associationCodeParam(req, 'Không tìm thấy hội với mã này.');
}

function sectionParam(req: Request): SectionDef {
  const section = sectionBySlug(SECTIONS, String(req.params.section ?? ''));
  if (!section) throw new NotFoundError('Không có mục này trong Biểu mẫu 1.');
  return section;
}

function reasonOf(body: unknown): string | null {
  const r = (body as Record<string, unknown> | undefined)?.reason;
  return typeof r === 'string' && r.trim() ? r.trim().slice(0, 500) : null;
}

/** The task list's lines for a record: each section's state and, when it has errors, links to the fields. */
export function staffTasks(code: string, values: FormValues, errors: Record<string, string>, t: Translate) {
  return SECTIONS.map((section) => {
    const state = sectionState(section, values, errors);
    const href = paths.register.editSection(code, section.slug);
    const own = state === 'errors' ? Object.entries(sectionErrors(errors, section)) : [];
    return {
      id: `muc-${section.slug}`,
      title: sectionTitle(section, t),
      href,
      state: stateTag(state, t),
      errors: own.map(([k, message]) => ({ message, href: `${href}#${fieldId(k)}` })),
    };
  });
}

interface SectionPage {
  values: FormValues;
  errors: Record<string, string>;
  version: number;
  reason?: string;
  conflict?: unknown;
}

export function editSectionHandlers(service: AssociationsService) {
  async function renderSection(req: Request, res: Response, status: number, section: SectionDef, page: SectionPage) {
    const code = codeParam(req);
    const full = await service.get(code);
    const { t } = translatorOf(req);
    res.status(status).render('associations/edit-section', {
      title: t('form:editSection.title', { section: sectionTitle(section, t) }),
      record: full.record,
      section,
      lists: sectionLists(section),
      position: SECTIONS.indexOf(section) + 1,
      total: SECTIONS.length,
      next: nextSection(SECTIONS, section) !== null,
      options: await service.catalogueOptions(),
      reason: '',
      conflict: null,
      ...page,
    });
  }

  return {
    /** GET …/sua: the task list of the record's sections. */
    async editForm(req: Request, res: Response) {
      const code = codeParam(req);
      const full = await service.get(code);
      const options = await service.catalogueOptions();
      const parsed = parseAssociationForm(toFlatBody(valuesFromRecord(full.record, full.lists)), service.codesOf(options));
      const { t } = translatorOf(req);
      res.render('associations/edit-tasks', {
        title: t('form:editTasks.title', { name: full.record.name }),
        record: full.record,
        tasks: staffTasks(code, parsed.values, parsed.errors, t),
      });
    },

    /** GET …/sua/:section: one section's page with the stored values. */
    async editSection(req: Request, res: Response) {
      const section = sectionParam(req);
      const full = await service.get(codeParam(req));
      await renderSection(req, res, 200, section, {
        values: valuesFromRecord(full.record, full.lists),
        errors: {},
        version: full.record.version,
      });
    },

    /** POST …/sua/:section: a row button (the page again, nothing saved) or the section saved as a new version. */
    async updateSection(req: Request, res: Response) {
      const code = codeParam(req);
      const section = sectionParam(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const v = versionSchema.safeParse(body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của hồ sơ. Hãy mở lại trang sửa.' });
      const reason = reasonOf(body) ?? '';
      const row = rowAction(section, body.action);
      if (row) {
        const values = applyRowAction(postedSectionValues(section, body), row);
        return renderSection(req, res, 200, section, { values, errors: {}, version: v.data.version, reason });
      }
      const full = await service.get(code);
      const options = await service.catalogueOptions();
      const parsed = parseSectionEdit(full, body, section, service.codesOf(options));
      const again = (status: number, errors: Record<string, string>, extra: Partial<SectionPage> = {}) =>
        renderSection(req, res, status, section, { values: parsed.values, errors, version: v.data.version, reason, ...extra });
      if (!parsed.ok) return again(400, parsed.errors);
      try {
        const saved = await service.update(actorFromRequest(req), code, parsed.input, v.data.version, reasonOf(body));
        const { t } = translatorOf(req);
        flash(req, 'success', t('form:flash.sectionSaved', { section: sectionTitle(section, t), version: saved.version }));
        const next = body.action === 'tiep' ? nextSection(SECTIONS, section) : null;
        res.redirect(303, next ? paths.register.editSection(code, next.slug) : paths.register.edit(code));
      } catch (err) {
        if (err instanceof ValidationError) return again(400, err.fieldErrors);
        if (!(err instanceof StaleVersionError)) throw err;
        // No lost update: keep what the user typed and show what the other person changed meanwhile.
        const latest = await service.get(code);
        const conflict = await service.diff(code, v.data.version, latest.record.version).catch(() => null);
        return again(
          409,
          {
            _form: translatorOf(req).t('form:conflict.message'),
          },
          {
            version: latest.record.version,
            conflict: conflict ? { ...conflict, by: latest.updatedBy, at: latest.record.updated_at } : null,
          },
        );
      }
    },
  };
}
