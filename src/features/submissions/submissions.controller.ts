import { readFile } from 'node:fs/promises';
import type { Request, Response } from 'express';
import { z } from 'zod';
import type { Config } from '../../config.js';
import { actorFromRequest } from '../../lib/auth-context.js';
import { StaleVersionError, ValidationError } from '../../lib/errors.js';
import { keptValues } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { TERM_COMPLIANCE, type TermInfo } from '../associations/congress-term.js';
import { ACCEPT_ATTRIBUTE, attachmentDisposition, detectAllowedType } from '../documents/documents.files.js';
import { CLASSIFICATIONS, declaresClassified } from '../documents/documents.schemas.js';
import type { DocumentsService } from '../documents/documents.service.js';
import { createUploadReceiver, type DocumentStorage, type ReceivedFile } from '../documents/documents.storage.js';
import { checkUpload } from '../documents/upload-check.js';
import { knownIds, rowKeys } from '../register-form/change-set.js';
import { ALL_FIELDS, GROUPS, SUBLISTS } from '../register-form/definition.js';
import { type FlatBody, fromFlatBody } from '../register-form/flat-body.js';
import { CODE_KEY, formTemplateWorkbook, readFormWorkbook } from '../register-form/workbook.js';
import { packageHandlers } from './congress-package.controller.js';
import { renderPackageReview } from './congress-package.views.js';
import { formSectionHandlers, OFFICER_SECTIONS, officerTasks, renderCheck } from './form-sections.controller.js';
import { officerSaveInput } from './officer-save.js';
import type { ReviewAction } from './submissions.review.js';
import { EVENT_LABELS, KIND_LABELS, STATUS_LABELS, type SubmissionsService } from './submissions.service.js';

const PAGE_SIZE = 25;
const DAY_MS = 86_400_000;

const NOT_FOUND = 'Không tìm thấy biểu mẫu này.';

const reviewSchema = z.object({
  version: z.coerce.number().int().min(1),
  record_version: z.coerce.number().int().min(1),
  action: z.enum(['approve', 'return', 'reject']),
  review_comment: z.string().max(4000).optional().default(''),
});
const queueSchema = z.object({
  trang: z.coerce.number().int().min(1).max(100_000).optional(),
  'tat-ca': z.enum(['1']).optional(),
  /** Biểu mẫu 1 only, or congress packages only (the staff work list links each). */
  loai: z.enum(['bieu-mau', 'dai-hoi']).optional().catch(undefined),
});
const KIND_OF_PARAM = { 'bieu-mau': 'form', 'dai-hoi': 'congress' } as const;

const FIELD_BY_NAME = new Map(ALL_FIELDS.map((f) => [f.name, f]));
const LIST_BY_NAME = new Map(SUBLISTS.map((l) => [l.name, l]));

export interface SubmissionsControllerDeps {
  submissions: SubmissionsService;
  documents: DocumentsService;
  storage: DocumentStorage;
  config: Pick<Config, 'uploads'>;
  /** The e term-congress state of the officer's association (the jobs feature computes it). */
  termOf: (associationId: number) => Promise<{ code: string; name: string; info: TermInfo | null } | null>;
}

/** The dependencies and the upload receivers the handlers share. */
interface ControllerContext extends SubmissionsControllerDeps {
  receive: ReturnType<typeof createUploadReceiver>;
  receiveWorkbook: ReturnType<typeof createUploadReceiver>;
}

/** The officer's page for one submission: the full form (draft), the returned items (returned), or read-only. */
async function renderOfficer(
  c: ControllerContext,
  req: Request,
  res: Response,
  id: number,
  status: number,
  form: {
    body?: FlatBody;
    errors?: Record<string, string>;
    upload?: { values: Record<string, string>; errors: Record<string, string> };
  } = {},
) {
  const { submissions, documents, config } = c;
  const data = await submissions.forOfficer(req.user?.associationId ?? null, id);
  const { sub, full, cmp, options, events, returned } = data;
  // A congress package has its own page.
  if (sub.kind === 'congress') return res.redirect(303, paths.submissions.congressForm(sub.id));
  const values = fromFlatBody(form.body ?? sub.body);
  const known = knownIds(full);
  // Returned items as the form edits them: a field, or a sub-list row under its index in the stored body.
  const returnedItems = [...returned].map((key) => {
    const item = cmp.items.find((i) => i.key === key);
    const decision = sub.decisions[key];
    if (FIELD_BY_NAME.has(key)) return { key, kind: 'field' as const, def: FIELD_BY_NAME.get(key), item, comment: decision?.comment ?? '' };
    const listName = key.slice(0, key.indexOf('.'));
    const list = LIST_BY_NAME.get(listName);
    const index = list ? rowKeys(values, listName, known[listName] ?? new Set()).indexOf(key) : -1;
    return {
      key,
      kind: 'row' as const,
      list,
      index,
      row: index >= 0 ? values.lists[listName]?.[index] : undefined,
      item,
      comment: decision?.comment ?? '',
    };
  });
  const accepted = Object.entries(sub.decisions)
    .filter(([, d]) => d.decision === 'accepted')
    .map(([key, d]) => ({ key, comment: d.comment }));
  const attachments = (await documents.listForAssociation(sub.association_id)).filter((d) => d.source === `submission:${sub.id}`);
  const { t } = translatorOf(req);
  res.status(status).render('submissions/form', {
    title: t('submissions:officerForm.title', { id: sub.id }),
    sub,
    record: full.record,
    statusLabels: STATUS_LABELS,
    eventLabels: EVENT_LABELS,
    events,
    items: cmp.items,
    values,
    errors: form.errors ?? {},
    options,
    groups: GROUPS,
    sublists: SUBLISTS,
    sections: OFFICER_SECTIONS,
    tasks: sub.status === 'draft' ? officerTasks(sub.id, sub.body, sub.sections_saved, cmp.errors, t) : [],
    returnedItems,
    accepted,
    attachments,
    documentTypes: await documents.documentTypes(),
    classifications: CLASSIFICATIONS,
    upload: form.upload ?? { values: {}, errors: {} },
    maxMb: config.uploads.maxMb,
    accept: ACCEPT_ATTRIBUTE,
    declared: form.body ? Boolean((req.body as Record<string, unknown>)?.declaration) : false,
  });
}

async function renderReview(
  c: ControllerContext,
  req: Request,
  res: Response,
  id: number,
  status: number,
  form: { errors?: Record<string, string>; body?: Record<string, unknown> } = {},
) {
  const { submissions, documents } = c;
  const data = await submissions.forReview(id);
  const { sub, full, items } = data;
  // A congress package is reviewed as one unit on its own page.
  if (sub.kind === 'congress') return renderPackageReview({ submissions, documents }, req, res, data, status, form);
  if (items.some((i) => i.key.startsWith('leaders.')))
    await submissions.recordPersonalDataView(actorFromRequest(req), sub.id, full.record.code);
  const posted = form.body ?? {};
  const chosen = (key: string) => {
    const v = posted[`decision.${key}`];
    if (typeof v === 'string') return v;
    const prev = items.find((i) => i.key === key)?.previous;
    return prev?.decision === 'accepted' && prev.still ? 'accepted' : '';
  };
  const commentOf = (key: string) => {
    const v = posted[`comment.${key}`];
    return typeof v === 'string' ? v : '';
  };
  const attachments = (await documents.listForAssociation(sub.association_id)).filter((d) => data.attachmentIds.has(d.id));
  res.status(status).render('submissions/review', {
    title: translatorOf(req).t('submissions:review.title', { id: sub.id }),
    sub,
    record: full.record,
    items,
    invalid: data.errors,
    events: data.events,
    statusLabels: STATUS_LABELS,
    eventLabels: EVENT_LABELS,
    waiting: sub.status === 'submitted' || sub.status === 'resubmitted',
    errors: form.errors ?? {},
    chosen,
    commentOf,
    reviewComment: typeof posted.review_comment === 'string' ? posted.review_comment : '',
    attachments,
  });
}

/** The officer's home and form: start, show, save a draft or submit. */
function officerHandlers(c: ControllerContext) {
  const { submissions, termOf } = c;
  /** The officer's home for an association: the page itself, and a staff preview of it ("xem như hội", issue 16). */
  async function homeView(associationId: number | null, greetingName: string): Promise<{ view: string; locals: Record<string, unknown> }> {
    const [data, term] = await Promise.all([submissions.home(associationId), associationId ? termOf(associationId) : null]);
    return {
      view: 'submissions/home',
      locals: {
        title: 'Hội của tôi',
        greetingName,
        data,
        term,
        termCompliance: TERM_COMPLIANCE,
        statusLabels: STATUS_LABELS,
        kindLabels: KIND_LABELS,
        groups: GROUPS,
        sublists: SUBLISTS,
      },
    };
  }
  return {
    homeView,
    /** The officer's home (replaces the placeholder): the record, its submissions and the way into the form. */
    async home(req: Request, res: Response) {
      const page = await homeView(req.user?.associationId ?? null, req.user?.displayName ?? '');
      res.render(page.view, { ...page.locals, title: translatorOf(req).t('submissions:myAssociation') });
    },

    async start(req: Request, res: Response) {
      const sub = await submissions.start(actorFromRequest(req), req.user?.associationId ?? null);
      res.redirect(303, paths.submissions.form(sub.id));
    },

    async show(req: Request, res: Response) {
      await renderOfficer(c, req, res, idParam(req, NOT_FOUND), 200);
    },

    async save(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      const input = officerSaveInput(req.body, 'Thiếu phiên bản của biểu mẫu. Hãy mở lại biểu mẫu.');
      const { submit } = input;
      const result = await submissions.saveByOfficer(actorFromRequest(req), req.user?.associationId ?? null, id, input);
      // A draft is sent from its check step: a refused send is listed there, section by section.
      if (!result.ok && result.draft) return renderCheck(submissions, req, res, 400, result.errors);
      if (!result.ok) return renderOfficer(c, req, res, id, 400, { body: result.body, errors: result.errors });
      if (result.sub.status === 'draft') return res.redirect(303, paths.submissions.form(id));
      flash(
        req,
        'success',
        translatorOf(req).t(submit ? 'submissions:officerForm.flash.sent' : 'submissions:officerForm.flash.draftSaved'),
      );
      res.redirect(303, submit ? paths.submissions.officerHome() : paths.submissions.form(id));
    },
  };
}

/** Documents attached to the officer's submission. */
function attachHandlers(c: ControllerContext) {
  const { submissions, documents, storage, receive } = c;
  return {
    /** A document attached to the submission: the register's upload rules (type by content, size, R-4 declaration). */
    async attach(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      // Not the officer's submission (or no longer open): refused before a byte of the body is read.
      const { sub, code, name } = await submissions.attachable(req.user?.associationId ?? null, id);
      await receive(req, res);
      const file = req.file as ReceivedFile | undefined;
      try {
        const ref = { id: sub.association_id, code, name };
        const checked = await checkUpload(documents, actorFromRequest(req), ref, (req.body ?? {}) as Record<string, unknown>, file, {
          supersedes_id: '',
        });
        if (!checked.ok) {
          await storage.discardTemp(file?.path);
          return await renderOfficer(c, req, res, id, 400, { upload: { values: checked.values, errors: checked.errors } });
        }
        try {
          await documents.upload(
            actorFromRequest(req),
            ref,
            {
              documentTypeCode: checked.data.document_type_code,
              title: checked.data.title,
              supersedesId: null,
              source: `submission:${sub.id}`,
            },
            checked.upload,
          );
        } catch (err) {
          if (err instanceof ValidationError) {
            await storage.discardTemp(file?.path);
            return await renderOfficer(c, req, res, id, 400, { upload: { values: keptValues(req.body), errors: err.fieldErrors } });
          }
          throw err;
        }
        flash(req, 'success', translatorOf(req).t('submissions:officerForm.flash.attached', { title: checked.data.title }));
        res.redirect(303, `${paths.submissions.form(id)}#tai-lieu`);
      } finally {
        await storage.discardTemp(file?.path);
      }
    },
  };
}

/** The Excel template of Biểu mẫu 1: download pre-filled, upload filled. */
function workbookHandlers(c: ControllerContext) {
  const { submissions, storage, receiveWorkbook } = c;
  return {
    /** The ministry's Excel template of Biểu mẫu 1, pre-filled with the open draft or the current record. */
    async template(req: Request, res: Response) {
      const { workbook, code } = await submissions.templateValues(req.user?.associationId ?? null, actorFromRequest(req));
      const buffer = await formTemplateWorkbook(
        { catalogues: workbook.options, title: workbook.name },
        { ...workbook.body, [CODE_KEY]: code },
      );
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', attachmentDisposition(`Bieu-mau-1-${code}.xlsx`, 'xlsx'));
      res.setHeader('Cache-Control', 'no-store');
      res.send(buffer);
    },

    /** A filled template uploaded: read with the same field definitions, it becomes (or refreshes) the draft. */
    async uploadWorkbook(req: Request, res: Response) {
      const associationId = req.user?.associationId ?? null;
      const { code } = await submissions.templateValues(associationId); // 404 before reading the body when not linked
      await receiveWorkbook(req, res);
      const file = req.file as ReceivedFile | undefined;
      try {
        const fail = (errors: string[]) =>
          res.status(400).render('submissions/upload-errors', { title: 'Không nạp được tệp Excel', uploadErrors: errors });
        if (!file || file.size === 0) return fail(['Chọn tệp Excel (.xlsx) Biểu mẫu 1 đã điền.']);
        const type = await detectAllowedType(file.path);
        if (type?.ext !== 'xlsx') return fail(['Tệp không phải là tệp Excel (.xlsx). Hãy dùng mẫu tải về từ hệ thống.']);
        const options = await submissions.catalogueOptions();
        const read = await readFormWorkbook(await readFile(file.path), { catalogues: options });
        if (!read.ok) return fail(read.errors);
        const fileCode = read.values[CODE_KEY];
        if (fileCode && fileCode !== code) return fail([`Tệp là Biểu mẫu 1 của hội mã ${fileCode}, không phải của hội bạn (mã ${code}).`]);
        const { [CODE_KEY]: _code, ...values } = read.values;
        const sub = await submissions.draftFromWorkbook(actorFromRequest(req), associationId, values);
        flash(req, 'success', translatorOf(req).t('submissions:officerForm.flash.workbookLoaded'));
        res.redirect(303, paths.submissions.form(sub.id));
      } finally {
        await storage.discardTemp(file?.path);
      }
    },
  };
}

/** The NGO Department's queue and review. */
function reviewHandlers(c: ControllerContext) {
  const { submissions } = c;
  return {
    async queue(req: Request, res: Response) {
      const q = queueSchema.safeParse(req.query);
      if (!q.success) throw new ValidationError({ trang: 'Trang không hợp lệ.' });
      const all = q.data['tat-ca'] === '1';
      const page = q.data.trang ?? 1;
      const kindParam = q.data.loai ?? null;
      const { rows, total } = await submissions.queue(all, page, PAGE_SIZE, kindParam ? KIND_OF_PARAM[kindParam] : null);
      const now = Date.now();
      res.render('submissions/queue', {
        title: translatorOf(req).t('submissions:queue.titleWaiting'),
        rows: rows.map((r) => ({ ...r, ageDays: Math.max(0, Math.floor((now - new Date(r.submitted_at).getTime()) / DAY_MS)) })),
        total,
        page,
        pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        all,
        kindParam,
        statusLabels: STATUS_LABELS,
        kindLabels: KIND_LABELS,
      });
    },

    async review(req: Request, res: Response) {
      await renderReview(c, req, res, idParam(req, NOT_FOUND), 200);
    },

    async decide(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const parsed = reviewSchema.safeParse(body);
      if (!parsed.success) throw new ValidationError({ action: 'Chọn một quyết định: duyệt, trả lại hoặc từ chối.' });
      const decisions: Record<string, { decision: string; comment: string }> = {};
      for (const [k, v] of Object.entries(body)) {
        if (k.startsWith('decision.') && typeof v === 'string') {
          const key = k.slice('decision.'.length);
          const c = body[`comment.${key}`];
          decisions[key] = { decision: v, comment: typeof c === 'string' ? c : '' };
        } else if (k.startsWith('comment.') && typeof v === 'string') {
          const key = k.slice('comment.'.length);
          decisions[key] ??= { decision: '', comment: v };
        }
      }
      let decided: { kind: string } | undefined;
      try {
        decided = await submissions.decide(actorFromRequest(req), id, {
          version: parsed.data.version,
          recordVersion: parsed.data.record_version,
          action: parsed.data.action as ReviewAction,
          decisions,
          comment: parsed.data.review_comment,
        });
      } catch (err) {
        if (err instanceof ValidationError && !(err instanceof StaleVersionError))
          return renderReview(c, req, res, id, 400, { errors: err.fieldErrors, body });
        throw err;
      }
      const { t } = translatorOf(req);
      const group = decided?.kind === 'congress' ? 'congress' : 'form';
      flash(req, 'success', t([`submissions:flash.${group}.${parsed.data.action}`, 'submissions:flash.saved']));
      res.redirect(303, paths.submissions.queue());
    },
  };
}

export function createSubmissionsController(deps: SubmissionsControllerDeps) {
  const { storage, config } = deps;
  const c: ControllerContext = {
    ...deps,
    receiveWorkbook: createUploadReceiver(storage, {
      field: 'file',
      maxBytes: config.uploads.maxBytes,
      maxMb: config.uploads.maxMb,
      maxFields: 2,
    }),
    receive: createUploadReceiver(storage, {
      field: 'file',
      maxBytes: config.uploads.maxBytes,
      maxMb: config.uploads.maxMb,
      maxFields: 5,
      acceptFile: (fields) => !declaresClassified(fields),
    }),
  };
  return {
    ...officerHandlers(c),
    ...formSectionHandlers(c.submissions),
    ...attachHandlers(c),
    ...workbookHandlers(c),
    ...reviewHandlers(c),
    ...packageHandlers({ submissions: c.submissions, documents: c.documents, storage, config, receive: c.receive }),
  };
}

export type SubmissionsController = ReturnType<typeof createSubmissionsController>;
