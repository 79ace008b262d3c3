/**
 * The officer's pages of a congress package (issue 16 item 6) under /hoi-cua-toi/dai-hoi: start it, fill it, attach
 * the minutes and the amended charter (multipart with the CSRF token in the action's query string, as every upload),
 * take a document off, send it. The staff review is Biểu mẫu 1's review route, which hands a package to
 * congress-package.views.ts.
 */
import type { Request, Response } from 'express';
import type { Config } from '../../config.js';
import { actorFromRequest } from '../../lib/auth-context.js';
import { ValidationError } from '../../lib/errors.js';
import { keptValues } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { ACCEPT_ATTRIBUTE } from '../documents/documents.files.js';
import { CLASSIFICATIONS } from '../documents/documents.schemas.js';
import type { DocumentsService } from '../documents/documents.service.js';
import type { createUploadReceiver, DocumentStorage, ReceivedFile } from '../documents/documents.storage.js';
import { checkUpload } from '../documents/upload-check.js';
import { DOCUMENT_ROLES, type DocumentRole, isDocumentRole, type PackageValues, packageTitle } from './congress-package.js';
import { packageLocals } from './congress-package.views.js';
import { officerSaveInput } from './officer-save.js';
import type { SubmissionsService } from './submissions.service.js';

const NOT_FOUND = 'Không tìm thấy hồ sơ đại hội này.';
const BAD_ROLE = 'Tài liệu không hợp lệ: chọn biên bản đại hội hoặc điều lệ sửa đổi, bổ sung.';

export interface PackageControllerDeps {
  submissions: SubmissionsService;
  documents: DocumentsService;
  storage: DocumentStorage;
  config: Pick<Config, 'uploads'>;
  receive: ReturnType<typeof createUploadReceiver>;
}

interface PackageForm {
  values?: PackageValues;
  errors?: Record<string, string>;
  upload?: { role: DocumentRole; values: Record<string, string>; errors: Record<string, string> };
}

/** The package page: the form while the officer may change it, the package as sent otherwise. */
async function renderPackage(d: PackageControllerDeps, req: Request, res: Response, id: number, status: number, form: PackageForm = {}) {
  const data = await d.submissions.congress.forOfficer(req.user?.associationId ?? null, id);
  const { sub, full } = data;
  const values = form.values ?? data.values;
  res.status(status).render('submissions/package', {
    title: translatorOf(req).t('submissions:packageReview.crumb', { id: sub.id }),
    sub,
    record: full.record,
    pkg: values,
    packageTitle: packageTitle(values),
    editable: sub.status === 'draft' || sub.status === 'returned',
    errors: form.errors ?? {},
    inOffice: data.inOffice,
    docs: data.docs,
    items: data.cmp.items,
    events: data.events,
    upload: form.upload ?? null,
    classifications: CLASSIFICATIONS,
    maxMb: d.config.uploads.maxMb,
    accept: ACCEPT_ATTRIBUTE,
    declared: form.values ? (req.body as Record<string, unknown>)?.declaration === 'on' : false,
    ...packageLocals(data.options),
  });
}

export function packageHandlers(d: PackageControllerDeps) {
  const { submissions, documents, storage, receive } = d;
  return {
    async packageStart(req: Request, res: Response) {
      const sub = await submissions.congress.start(actorFromRequest(req), req.user?.associationId ?? null);
      res.redirect(303, paths.submissions.congressForm(sub.id));
    },

    async packageShow(req: Request, res: Response) {
      await renderPackage(d, req, res, idParam(req, NOT_FOUND), 200);
    },

    async packageSave(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      const input = officerSaveInput(req.body, 'Thiếu phiên bản của hồ sơ. Hãy mở lại hồ sơ đại hội.');
      const { submit } = input;
      const result = await submissions.congress.save(actorFromRequest(req), req.user?.associationId ?? null, id, input);
      if (!result.ok) return renderPackage(d, req, res, id, 400, { values: result.values, errors: result.errors });
      flash(
        req,
        'success',
        submit
          ? 'Đã gửi hồ sơ đại hội đến Vụ Tổ chức phi chính phủ. Hội sẽ nhận thông báo khi có kết quả xét duyệt.'
          : 'Đã lưu bản nháp hồ sơ đại hội. Có thể quay lại hoàn thiện, đính kèm tài liệu và gửi sau.',
      );
      res.redirect(303, submit ? paths.submissions.officerHome() : paths.submissions.congressForm(id));
    },

    /** The minutes or the charter: the register's upload rules, the document type fixed by the role. */
    async packageAttach(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      // Not the officer's package (or no longer open): refused before a byte of the body is read.
      const target = await submissions.congress.attachable(req.user?.associationId ?? null, id);
      await receive(req, res);
      const file = req.file as ReceivedFile | undefined;
      try {
        const body = (req.body ?? {}) as Record<string, unknown>;
        if (!isDocumentRole(body.role)) throw new ValidationError({ role: BAD_ROLE });
        const role = body.role;
        const ref = { id: target.sub.association_id, code: target.code, name: target.name };
        const checked = await checkUpload(documents, actorFromRequest(req), ref, body, file, {
          document_type_code: DOCUMENT_ROLES[role].typeCode,
          supersedes_id: '',
        });
        if (!checked.ok)
          return await renderPackage(d, req, res, id, 400, { upload: { role, values: checked.values, errors: checked.errors } });
        try {
          await submissions.congress.attach(actorFromRequest(req), target, role, checked.data.title, checked.upload);
        } catch (err) {
          if (!(err instanceof ValidationError)) throw err;
          return await renderPackage(d, req, res, id, 400, { upload: { role, values: keptValues(body), errors: err.fieldErrors } });
        }
        flash(req, 'success', `Đã đính kèm «${checked.data.title}» (${DOCUMENT_ROLES[role].label.toLowerCase()}) vào hồ sơ đại hội.`);
        res.redirect(303, `${paths.submissions.congressForm(id)}#tai-lieu`);
      } finally {
        await storage.discardTemp(file?.path);
      }
    },

    /** Take the minutes or the charter off the package (the file stays among the association's documents). */
    async packageDetach(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      const role = (req.body as Record<string, unknown> | undefined)?.role;
      if (!isDocumentRole(role)) throw new ValidationError({ role: BAD_ROLE });
      await submissions.congress.detach(actorFromRequest(req), req.user?.associationId ?? null, id, role);
      flash(
        req,
        'success',
        `Đã gỡ ${DOCUMENT_ROLES[role].label.toLowerCase()} khỏi hồ sơ đại hội. Tệp vẫn được lưu trong tài liệu của hội.`,
      );
      res.redirect(303, `${paths.submissions.congressForm(id)}#tai-lieu`);
    },
  };
}
