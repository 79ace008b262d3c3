import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Config } from '../../config.js';
import { actorFromRequest } from '../../lib/auth-context.js';
import { ConflictError, ValidationError } from '../../lib/errors.js';
import { fieldErrors, keptValues, type RefusedForm, submitForm } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { hasAnyRole } from '../../lib/roles.js';
import { checkUploadedFile } from '../../lib/uploads.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import {
  ACCEPT_ATTRIBUTE,
  attachmentDisposition,
  detectAllowedType,
  extensionForMime,
  sanitizeOriginalName,
} from '../documents/documents.files.js';
import { CLASSIFICATIONS, declaresClassified } from '../documents/documents.schemas.js';
import { createUploadReceiver, type DocumentStorage, type ReceivedFile } from '../documents/documents.storage.js';
import { ACTION_LABELS, ACTIONS, actionForm, liftForm, listQuery, TARGET_TYPES, violationForm } from './violations.schemas.js';
import type { ViolationsService } from './violations.service.js';

const NOT_FOUND = 'Không tìm thấy vi phạm này.';

interface ViolationPagesDeps {
  violations: ViolationsService;
  storage: DocumentStorage;
  config: Pick<Config, 'uploads'>;
}

/** Staff: the list, the new-violation form with its evidence upload, and the evidence download. */
function recordPages({ violations, storage, config }: ViolationPagesDeps) {
  const receive = createUploadReceiver(storage, {
    field: 'evidence_file',
    maxBytes: config.uploads.maxBytes,
    maxMb: config.uploads.maxMb,
    maxFields: 10,
    acceptFile: (fields) => !declaresClassified(fields),
  });

  const formPage = async (res: Response, status: number, values: Record<string, string>, errors: Record<string, string>) =>
    res.status(status).render('violations/form', {
      title: translatorOf(res.req).t('violations:form.title'),
      organisations: await violations.listOrganisations(),
      targetTypes: TARGET_TYPES,
      classifications: CLASSIFICATIONS,
      accept: ACCEPT_ATTRIBUTE,
      maxMb: config.uploads.maxMb,
      values,
      errors,
    });

  return {
    async list(req: Request, res: Response) {
      const parsed = listQuery.safeParse(req.query);
      const f = parsed.success ? parsed.data : { q: '', 'doi-tuong': '' as const, trang: 1 };
      const { rows, total } = await violations.list({ q: f.q.trim(), targetType: f['doi-tuong'], page: f.trang });
      res.render('violations/list', {
        title: translatorOf(req).t('violations:list.title'),
        rows,
        query: { q: f.q, 'doi-tuong': f['doi-tuong'] },
        page: f.trang,
        pages: Math.max(1, Math.ceil(total / 30)),
        total,
        actionLabels: ACTION_LABELS,
      });
    },

    async newForm(req: Request, res: Response) {
      await formPage(res, 200, { target_type: 'organisation', reporter: req.user?.displayName ?? '', classification: 'khong_mat' }, {});
    },

    async create(req: Request, res: Response) {
      await receive(req, res);
      const file = req.file as ReceivedFile | undefined;
      try {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const values = keptValues(body);
        const parsed = violationForm.safeParse(body);
        const errors = parsed.success ? {} : fieldErrors(parsed.error);
        // The evidence file is optional; one that came must be non-empty, of an allowed type and not classified.
        const check = await checkUploadedFile(file, detectAllowedType, { missing: null, empty: 'Tệp rỗng. Chọn lại tệp chứng cứ.' });
        if (!check.ok && check.error) errors.evidence_file = check.error;
        if (file && body.classification !== 'khong_mat' && !errors.classification)
          errors.classification = 'Hãy chọn độ mật của tệp chứng cứ.';
        const type = check.ok ? check.type : null;
        if (!parsed.success || Object.keys(errors).length > 0) {
          await storage.discardTemp(file?.path);
          return await formPage(res, 400, values, errors);
        }
        try {
          const row = await violations.record(
            actorFromRequest(req),
            parsed.data,
            file && type
              ? { tempPath: file.path, size: file.size, sha256: file.sha256, originalName: sanitizeOriginalName(file.originalname), type }
              : null,
          );
          flash(req, 'success', translatorOf(req).t('violations:flash.recorded', { id: row.id }));
          res.redirect(303, paths.violations.show(row.id));
        } catch (err) {
          if (err instanceof ValidationError) {
            await storage.discardTemp(file?.path);
            return await formPage(res, 400, values, err.fieldErrors);
          }
          throw err;
        }
      } finally {
        await storage.discardTemp(file?.path);
      }
    },

    async evidence(req: Request, res: Response) {
      const { row, handle } = await violations.openEvidence(actorFromRequest(req), idParam(req, NOT_FOUND));
      const mime = row.evidence_mime_type ?? 'application/octet-stream';
      res.status(200);
      res.setHeader('Content-Type', mime);
      if (row.evidence_size_bytes !== null) res.setHeader('Content-Length', String(row.evidence_size_bytes));
      res.setHeader('Content-Disposition', attachmentDisposition(row.evidence_original_name ?? 'chung-cu', extensionForMime(mime)));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', 'sandbox');
      res.setHeader('Cache-Control', 'no-store');
      try {
        await pipeline(handle.createReadStream(), res);
      } catch (err) {
        req.log?.warn({ err, violationId: row.id }, 'download interrupted');
      }
    },
  };
}

/** One violation's page and the lead's decisions on it. */
function decisionPages({ violations }: Pick<ViolationPagesDeps, 'violations'>) {
  async function showPage(
    req: Request,
    res: Response,
    id: number,
    status = 200,
    form: { values?: Record<string, string>; errors?: Record<string, string>; liftErrors?: Record<string, string> } = {},
  ) {
    const v = await violations.get(id);
    const [actions, related] = await Promise.all([violations.actions(v.id), violations.related(v)]);
    res.status(status).render('violations/show', {
      title: translatorOf(req).t('violations:numbered', { id: v.id }),
      v,
      actions,
      related,
      actionOptions: ACTIONS,
      actionLabels: ACTION_LABELS,
      canDecide: hasAnyRole(req.user?.roles ?? [], ['ngo_lead']),
      values: form.values ?? {},
      // One error summary for the page; the lift form's field is `lift_note`.
      errors: { ...(form.errors ?? {}), ...(form.liftErrors ?? {}) },
    });
  }

  return {
    async show(req: Request, res: Response) {
      await showPage(req, res, idParam(req, NOT_FOUND));
    },

    async act(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      await violations.get(id);
      const done = await submitForm(req.body, actionForm, {
        save: async (data) => {
          await violations.act(actorFromRequest(req), id, data);
          return data.action;
        },
        refused: (form: RefusedForm) => showPage(req, res, id, 400, form),
      });
      if (!done) return;
      flash(
        req,
        'success',
        translatorOf(req).t('violations:flash.decided', { action: translatorOf(req).t(`violations:action.${done.saved}`) }),
      );
      res.redirect(303, paths.violations.show(id));
    },

    async lift(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      await violations.get(id);
      const parsed = liftForm.safeParse(req.body);
      if (!parsed.success) {
        const e = fieldErrors(parsed.error);
        return showPage(req, res, id, 400, { liftErrors: { lift_note: e.note ?? 'Dữ liệu chưa hợp lệ.' } });
      }
      try {
        await violations.lift(actorFromRequest(req), id, parsed.data.note);
      } catch (err) {
        if (err instanceof ConflictError) return showPage(req, res, id, 409, { liftErrors: { lift_note: err.publicMessage } });
        throw err;
      }
      flash(req, 'success', translatorOf(req).t('violations:flash.lifted'));
      res.redirect(303, paths.violations.show(id));
    },
  };
}

export function createViolationsController(deps: ViolationPagesDeps) {
  return { ...recordPages(deps), ...decisionPages(deps) };
}

export type ViolationsController = ReturnType<typeof createViolationsController>;
