import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { fieldErrors, keptValues } from '../../lib/forms.js';
import { flash } from '../../middleware/locals.js';
import { isoToVietnameseDate } from '../register-form/schema.js';
import type { LegalDocumentRow } from './legal-documents.repository.js';
import { LEGAL_DOC_TYPES, legalDocumentForm, versionField } from './legal-documents.schemas.js';
import type { LegalDocumentsService } from './legal-documents.service.js';

const BASE = '/quan-tri/van-ban';

function idParam(req: Request): number {
  const raw = String(req.params.id ?? '');
  if (!/^\d{1,9}$/.test(raw)) throw new NotFoundError('Không tìm thấy văn bản này.');
  return Number(raw);
}

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
  const form = (
    res: Response,
    status: number,
    locals: { mode: 'create' | 'edit'; id?: number; values: Record<string, string>; errors: Record<string, string> },
  ) =>
    res.status(status).render('legal-documents/form', {
      title: locals.mode === 'create' ? 'Thêm văn bản về hội' : 'Sửa văn bản về hội',
      basePath: BASE,
      types: LEGAL_DOC_TYPES,
      id: null,
      ...locals,
    });

  return {
    async list(_req: Request, res: Response) {
      res.render('legal-documents/list', {
        title: 'Văn bản về hội',
        rows: await service.list(),
        types: Object.fromEntries(LEGAL_DOC_TYPES),
        basePath: BASE,
      });
    },

    newForm(_req: Request, res: Response) {
      form(res, 200, { mode: 'create', values: {}, errors: {} });
    },

    async create(req: Request, res: Response) {
      const parsed = legalDocumentForm.safeParse(req.body);
      if (!parsed.success) return form(res, 400, { mode: 'create', values: keptValues(req.body), errors: fieldErrors(parsed.error) });
      const row = await service.create(actorFromRequest(req), parsed.data);
      flash(req, 'success', `Đã thêm văn bản ${row.number}.`);
      res.redirect(303, BASE);
    },

    async editForm(req: Request, res: Response) {
      const id = idParam(req);
      form(res, 200, { mode: 'edit', id, values: valuesOf(await service.get(id)), errors: {} });
    },

    async update(req: Request, res: Response) {
      const id = idParam(req);
      await service.get(id);
      const v = versionField.safeParse(req.body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của văn bản. Hãy mở lại trang sửa.' });
      const parsed = legalDocumentForm.safeParse(req.body);
      if (!parsed.success) return form(res, 400, { mode: 'edit', id, values: keptValues(req.body), errors: fieldErrors(parsed.error) });
      await service.update(actorFromRequest(req), id, v.data.version, parsed.data);
      flash(req, 'success', 'Đã lưu văn bản.');
      res.redirect(303, BASE);
    },
  };
}
