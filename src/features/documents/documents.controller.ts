import { pipeline } from 'node:stream/promises';
import type { Request, Response } from 'express';
import type { Config } from '../../config.js';
import { actorFromRequest } from '../../lib/auth-context.js';
import { ValidationError } from '../../lib/errors.js';
import { keptValues } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { ACCEPT_ATTRIBUTE, attachmentDisposition, extensionForMime } from './documents.files.js';
import { DamagedFileError } from './documents.integrity.js';
import type { AssociationRef } from './documents.repository.js';
import { CLASSIFICATIONS, declaresClassified } from './documents.schemas.js';
import type { DocumentsService } from './documents.service.js';
import { createUploadReceiver, type DocumentStorage, type ReceivedFile } from './documents.storage.js';
import { checkUpload } from './upload-check.js';

export const UPLOAD_ROLES = ['ngo_staff', 'ngo_lead'] as const;
export const READ_ROLES = ['ngo_staff', 'ngo_lead', 'leader'] as const;

export function createDocumentsController(deps: {
  documents: DocumentsService;
  storage: DocumentStorage;
  config: Pick<Config, 'uploads'>;
}) {
  const { documents, storage, config } = deps;
  const receive = createUploadReceiver(storage, {
    field: 'file',
    maxBytes: config.uploads.maxBytes,
    maxMb: config.uploads.maxMb,
    maxFields: 6,
    // The form puts the declaration first: a classified one means not one byte of the file is written.
    acceptFile: (fields) => !declaresClassified(fields),
  });

  async function renderPage(
    req: Request,
    res: Response,
    association: AssociationRef,
    status: number,
    form: { values?: Record<string, string>; errors?: Record<string, string> } = {},
  ) {
    const [list, documentTypes] = await Promise.all([documents.listForAssociation(association.id), documents.documentTypes()]);
    res.status(status).render('documents/index', {
      title: translatorOf(req).t('documents:index.title', { name: association.name }),
      association,
      documents: list,
      documentTypes,
      classifications: CLASSIFICATIONS,
      canUpload: hasAnyRole(req.user?.roles ?? [], [...UPLOAD_ROLES]),
      values: form.values ?? {},
      errors: form.errors ?? {},
      maxMb: config.uploads.maxMb,
      accept: ACCEPT_ATTRIBUTE,
    });
  }

  return {
    async show(req: Request<{ code: string }>, res: Response) {
      const association = await documents.findAssociation(req.params.code);
      await renderPage(req, res, association, 200);
    },

    async upload(req: Request<{ code: string }>, res: Response) {
      // Unknown association: 404 before a byte of the body is read.
      const association = await documents.findAssociation(req.params.code);
      await receive(req, res);
      const file = req.file as ReceivedFile | undefined;
      try {
        const body = (req.body ?? {}) as Record<string, unknown>;
        const checked = await checkUpload(documents, actorFromRequest(req), association, body, file);
        if (!checked.ok) {
          // The temp file goes before the answer does: once the user sees the refusal, nothing of the file is left.
          await storage.discardTemp(file?.path);
          return await renderPage(req, res, association, 400, { values: checked.values, errors: checked.errors });
        }
        const { data } = checked;
        try {
          await documents.upload(
            actorFromRequest(req),
            association,
            { documentTypeCode: data.document_type_code, title: data.title, supersedesId: data.supersedes_id },
            checked.upload,
          );
        } catch (err) {
          if (err instanceof ValidationError) {
            await storage.discardTemp(file?.path);
            return await renderPage(req, res, association, 400, { values: keptValues(body), errors: err.fieldErrors });
          }
          throw err;
        }
        flash(req, 'success', translatorOf(req).t('documents:flash.saved', { title: data.title }));
        res.redirect(303, paths.register.documents(association.code));
      } finally {
        // Whatever happened, no temp file outlives the request.
        await storage.discardTemp(file?.path);
      }
    },

    async download(req: Request<{ code: string; id: string }>, res: Response) {
      let opened: Awaited<ReturnType<DocumentsService['openForDownload']>>;
      try {
        opened = await documents.openForDownload(actorFromRequest(req), req.params.code, req.params.id);
      } catch (err) {
        // A damaged or missing stored file is refused with its own page, before any byte is sent.
        if (!(err instanceof DamagedFileError)) throw err;
        res.setHeader('Cache-Control', 'no-store');
        return res.status(500).render('documents/damaged', {
          title: translatorOf(req).t('documents:damaged.title'),
          document: err.document,
          missing: err.damage === 'missing',
          message: err.publicMessage,
          requestId: String(req.id ?? ''),
        });
      }
      const { row, handle } = opened;
      // From the first byte: the integrity check read the file with positional reads.
      const stream = handle.createReadStream({ start: 0 });
      res.status(200);
      res.setHeader('Content-Type', row.mime_type);
      res.setHeader('Content-Length', String(row.size_bytes));
      res.setHeader('Content-Disposition', attachmentDisposition(row.original_name, extensionForMime(row.mime_type)));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', 'sandbox');
      res.setHeader('Cache-Control', 'no-store');
      try {
        await pipeline(stream, res);
      } catch (err) {
        // Most often the browser went away mid-download; the headers are gone, nothing else to answer.
        req.log?.warn({ err, attachmentId: row.id }, 'download interrupted');
      }
    },
  };
}

export type DocumentsController = ReturnType<typeof createDocumentsController>;
