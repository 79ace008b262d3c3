import fsp from 'node:fs/promises';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { actorFromRequest } from '../../lib/auth-context.js';
import { isConfirmed } from '../../lib/confirm.js';
import { submitForm } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import type { AssociationsService } from '../associations/associations.service.js';
import { attachmentDisposition, detectAllowedType, sanitizeOriginalName } from '../documents/documents.files.js';
import { createUploadReceiver, type DocumentStorage, type ReceivedFile } from '../documents/documents.storage.js';
import { CATALOGUE_SHEET } from '../register-form/workbook.js';
import { ASSOCIATION_LABEL, bulkTemplateCsv, bulkTemplateWorkbook, type FileFormat, LIST_SHEET } from './bulk-file.js';
import { applySchema, createApplyConfirm, redirectToConfirm } from './imports.confirm.js';
import type { ImportsService } from './imports.service.js';

export const IMPORT_ROLES = ['ngo_staff', 'ngo_lead'] as const;
export const BASE = '/quan-tri/nhap-du-lieu';
const PAGE_SIZE = 20;
const ROWS_PAGE_SIZE = 50;

export const STATUS_LABELS: Record<string, string> = {
  queued: 'Đang chờ xử lý',
  validating: 'Đang kiểm tra',
  validated: 'Đã kiểm tra, chờ áp dụng',
  applying: 'Đang ghi vào cơ sở dữ liệu',
  applied: 'Đã áp dụng',
  failed: 'Lỗi',
  interrupted: 'Bị dừng giữa chừng',
};
const RUNNING = new Set(['queued', 'validating', 'applying']);

const WRONG_TYPE =
  'Tệp phải là bảng tính Excel (.xlsx) hoặc tệp CSV (UTF-8). Định dạng được xác định theo nội dung tệp. Tệp chưa được lưu.';

const pageQuery = z.object({ trang: z.coerce.number().int().min(1).max(100_000).optional() });
/** The list's filter: `trang-thai=validated` shows the batches waiting to be applied (the staff work list links it). */
const indexQuery = pageQuery.extend({
  'trang-thai': z.enum(['validated', 'failed', 'applied']).optional().catch(undefined),
});
const FILTER_STATUSES = ['validated', 'failed', 'applied'];

const NOT_FOUND = 'Không tìm thấy lô dữ liệu nhập.';

/** CSV is text: valid UTF-8, no NUL byte, at least one separator in the first line. */
async function looksLikeCsv(file: string): Promise<boolean> {
  const handle = await fsp.open(file, 'r');
  try {
    const buf = Buffer.alloc(64 * 1024);
    const { bytesRead } = await handle.read(buf, 0, buf.length, 0);
    const head = buf.subarray(0, bytesRead);
    if (head.includes(0)) return false;
    // A cut multi-byte character at the end of the sample is fine; anything else must decode.
    const text = new TextDecoder('utf-8', { fatal: false }).decode(head);
    const body = text.slice(0, Math.max(0, text.length - 2));
    if (body.includes('\uFFFD')) return false;
    const firstLine = text.split(/\r?\n/)[0] ?? '';
    return /[,;]/.test(firstLine);
  } finally {
    await handle.close();
  }
}

export function createImportsController(deps: {
  imports: ImportsService;
  associations: AssociationsService;
  storage: DocumentStorage;
  config: Pick<Config, 'imports'>;
}) {
  const { imports, associations, storage, config } = deps;
  const receive = createUploadReceiver(storage, {
    field: 'file',
    maxBytes: config.imports.maxBytes,
    maxMb: config.imports.maxMb,
    maxFields: 2,
  });

  async function renderIndex(req: Request, res: Response, status: number, errors: Record<string, string> = {}) {
    const q = indexQuery.safeParse(req.query);
    const page = q.success ? (q.data.trang ?? 1) : 1;
    const filterStatus = q.success ? (q.data['trang-thai'] ?? null) : null;
    const { rows, total } = await imports.list(page, PAGE_SIZE, filterStatus);
    res.status(status).render('imports/index', {
      title: translatorOf(req).t('imports:index.title'),
      batches: rows,
      total,
      filterStatus,
      filterOptions: FILTER_STATUSES,
      statusLabels: STATUS_LABELS,
      page,
      pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
      errors,
      maxMb: config.imports.maxMb,
      listSheet: LIST_SHEET,
      catalogueSheet: CATALOGUE_SHEET,
      associationLabel: ASSOCIATION_LABEL,
    });
  }

  async function renderBatch(req: Request<{ id: string }>, res: Response, status: number, errors: Record<string, string> = {}) {
    const id = idParam(req, NOT_FOUND);
    const batch = await imports.get(id);
    const q = pageQuery.safeParse(req.query);
    const page = q.success ? (q.data.trang ?? 1) : 1;
    const bad = await imports.invalidRows(id, page, ROWS_PAGE_SIZE);
    const running = RUNNING.has(batch.status);
    const done = batch.live?.done ?? batch.progress_done;
    const total = batch.live?.total ?? batch.progress_total;
    res.status(status).render('imports/show', {
      title: translatorOf(req).t('imports:show.title', { id }),
      batch,
      statusLabel: STATUS_LABELS[batch.status] ? translatorOf(req).t(`imports:status.${batch.status}`) : batch.status,
      running,
      progress: { done, total, phase: batch.live?.phase ?? batch.phase },
      refreshSeconds: running ? 2 : 0,
      badRows: bad.rows,
      badTotal: bad.total,
      page,
      pages: Math.max(1, Math.ceil(bad.total / ROWS_PAGE_SIZE)),
      errors,
    });
  }

  return {
    async index(req: Request, res: Response) {
      await renderIndex(req, res, 200);
    },

    async templateXlsx(_req: Request, res: Response) {
      const data = await bulkTemplateWorkbook(await associations.catalogueOptions());
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', attachmentDisposition('mau-nhap-du-lieu-hoi.xlsx', 'xlsx'));
      res.setHeader('Cache-Control', 'no-store');
      res.send(data);
    },

    async templateCsv(_req: Request, res: Response) {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="mau-nhap-du-lieu-hoi.csv"');
      res.setHeader('Cache-Control', 'no-store');
      res.send(bulkTemplateCsv());
    },

    async upload(req: Request, res: Response) {
      await receive(req, res);
      const file = req.file as ReceivedFile | undefined;
      try {
        let format: FileFormat | null = null;
        let error = '';
        if (!file) error = 'Chọn tệp dữ liệu cần nhập (.xlsx hoặc .csv).';
        else if (file.size === 0) error = 'Tệp rỗng. Chọn lại tệp.';
        else {
          const type = await detectAllowedType(file.path);
          if (type?.ext === 'xlsx') format = 'xlsx';
          else if (!type && (await looksLikeCsv(file.path))) format = 'csv';
          else error = WRONG_TYPE;
        }
        if (!file || !format) {
          await storage.discardTemp(file?.path);
          return await renderIndex(req, res, 400, { file: error });
        }
        const batch = await imports.upload(actorFromRequest(req), {
          tempPath: file.path,
          size: file.size,
          sha256: file.sha256,
          originalName: sanitizeOriginalName(file.originalname),
          format,
        });
        flash(req, 'info', translatorOf(req).t('imports:flash.received', { name: batch.original_name }));
        res.redirect(303, paths.imports.batch(batch.id));
      } finally {
        await storage.discardTemp(file?.path);
      }
    },

    async show(req: Request<{ id: string }>, res: Response) {
      await renderBatch(req, res, 200);
    },

    /** Applying writes thousands of records: a confirmation page first (issue 18 item 7; imports.confirm.ts). */
    applyConfirm: createApplyConfirm(imports),

    async apply(req: Request<{ id: string }>, res: Response) {
      const id = idParam(req, NOT_FOUND);
      if (!isConfirmed(req)) return redirectToConfirm(req, res, id);
      const done = await submitForm(req.body ?? {}, applySchema, {
        save: (data) => imports.startApply(actorFromRequest(req), id, data.mode),
        refused: (form) => renderBatch(req, res, 400, form.errors),
      });
      if (!done) return;
      flash(req, 'info', translatorOf(req).t('imports:flash.applying'));
      res.redirect(303, paths.imports.batch(id));
    },

    async rerun(req: Request<{ id: string }>, res: Response) {
      const id = idParam(req, NOT_FOUND);
      await imports.rerun(actorFromRequest(req), id);
      flash(req, 'info', translatorOf(req).t('imports:flash.rerun'));
      res.redirect(303, paths.imports.batch(id));
    },

    async download(req: Request<{ id: string }>, res: Response) {
      const { batch, data } = await imports.openRaw(actorFromRequest(req), idParam(req, NOT_FOUND));
      res.setHeader('Content-Type', batch.mime_type);
      res.setHeader('Content-Disposition', attachmentDisposition(batch.original_name, batch.file_format));
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Content-Security-Policy', 'sandbox');
      res.setHeader('Cache-Control', 'no-store');
      res.send(data);
    },
  };
}

export type ImportsController = ReturnType<typeof createImportsController>;
