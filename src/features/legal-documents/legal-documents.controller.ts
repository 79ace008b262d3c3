import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import { ValidationError } from '../../lib/errors.js';
import { type RefusedForm, submitForm } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { isoToVietnameseDate } from '../register-form/schema.js';
import type { LegalDocumentRow } from './legal-documents.repository.js';
import { LEGAL_DOC_TYPES, legalDocumentForm, versionField } from './legal-documents.schemas.js';
import type { LegalDocumentsService } from './legal-documents.service.js';

const NOT_FOUND = 'Không tìm thấy văn bản này.';

function valuesOf(row: LegalDocumentRow): Record<string, string> {
  return {
    number: row.number,
    doc_type: row.doc_type,
    issuer: row.issuer,
    issued_on: isoToVietnameseDate(row.issued_on),
    summary: row.summary,
    attachment_ref: row.attachment_ref ?? '',
    version: String(row.version),
  };
}

export function createLegalDocumentsController(service: LegalDocumentsService) {
  const form = (res: Response, status: number, locals: RefusedForm & { mode: 'create' | 'edit'; id?: number }) =>
    res.status(status).render('legal-documents/form', {
      title: translatorOf(res.req).t(locals.mode === 'create' ? 'legal-documents:form.createTitle' : 'legal-documents:form.editTitle'),
      types: LEGAL_DOC_TYPES,
      id: null,
      ...locals,
    });

  return {
    async list(req: Request, res: Response) {
      res.render('legal-documents/list', {
        title: translatorOf(req).t('legal-documents:legalDocuments'),
        rows: await service.list(),
        types: Object.fromEntries(LEGAL_DOC_TYPES),
      });
    },

    newForm(_req: Request, res: Response) {
      form(res, 200, { mode: 'create', values: {}, errors: {} });
    },

    async create(req: Request, res: Response) {
      const done = await submitForm(req.body, legalDocumentForm, {
        save: (data) => service.create(actorFromRequest(req), data),
        refused: (refused) => form(res, 400, { mode: 'create', ...refused }),
      });
      if (!done) return;
      flash(req, 'success', translatorOf(req).t('legal-documents:flash.added', { number: done.saved.number }));
      res.redirect(303, paths.legalDocuments.list());
    },

    async editForm(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      form(res, 200, { mode: 'edit', id, values: valuesOf(await service.get(id)), errors: {} });
    },

    async update(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      await service.get(id);
      const v = versionField.safeParse(req.body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của văn bản. Hãy mở lại trang sửa.' });
      const done = await submitForm(req.body, legalDocumentForm, {
        save: (data) => service.update(actorFromRequest(req), id, v.data.version, data),
        refused: (refused) => form(res, 400, { mode: 'edit', id, ...refused }),
      });
      if (!done) return;
      flash(req, 'success', translatorOf(req).t('legal-documents:flash.saved'));
      res.redirect(303, paths.legalDocuments.list());
    },
  };
}
