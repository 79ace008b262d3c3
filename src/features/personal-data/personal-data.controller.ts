/**
 * Pages of personal-data requests (issue 17 item 1): the public form and its receipt, staff's register (filters,
 * pages, CSV), paper requests, the deadline catalogue, one request (identity check, states), the answer letter and
 * the data-subject export; the association's officer sees the requests naming their association and checks identity.
 */
import { once } from 'node:events';
import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import { ConflictError, ValidationError } from '../../lib/errors.js';
import { formatDate, vietnamToday } from '../../lib/format.js';
import { fieldErrors, keptValues } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { BOM, csvLine } from '../public/open-data.js';
import { contentDisposition } from '../reports/reports.export.js';
import type { RequestListRow } from './personal-data.repository.js';
import {
  CHANNEL_LABELS,
  deadlineForm,
  filtersFrom,
  paperExtra,
  REQUEST_TYPES,
  type RequestType,
  receiptNumber,
  requestForm,
  STATE_LABELS,
  STATES,
  TRANSITIONS,
  TYPE_LABELS,
  TYPE_SHORT,
  transitionForm,
  verifyForm,
} from './personal-data.schemas.js';
import { isOverdue, PER_PAGE, type PersonalDataService, type Viewer } from './personal-data.service.js';

const NOT_FOUND = 'Không tìm thấy yêu cầu này.';
const LABELS = {
  typeShort: TYPE_SHORT,
  typeLabels: TYPE_LABELS,
  stateLabels: STATE_LABELS,
  channelLabels: CHANNEL_LABELS,
  types: REQUEST_TYPES,
  states: STATES,
};

const viewer = (req: Request): Viewer => ({ actor: actorFromRequest(req), associationId: req.user?.associationId ?? null });

async function write(res: Response, text: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

/** The register's CSV export: a document in Vietnamese whatever the reader's language. */
// server-text-start: the CSV's header row
const CSV_HEADER = [
  'Số tiếp nhận',
  'Loại yêu cầu',
  'Kênh',
  'Trạng thái',
  'Người yêu cầu',
  'Hội liên quan',
  'Ngày tiếp nhận',
  'Hạn trả lời',
  'Quá hạn',
  'Đã xác minh',
  'Ngày trả lời',
  'Số văn bản',
];
// server-text-end

function csvCells(r: RequestListRow, now: Date): string[] {
  return [
    receiptNumber(r.id, r.received_at),
    TYPE_LABELS[r.request_type],
    CHANNEL_LABELS[r.channel],
    STATE_LABELS[r.state],
    r.requester_name,
    r.association_names ?? '',
    formatDate(r.received_at),
    formatDate(r.due_at),
    isOverdue(r, now) ? 'Có' : '',
    r.verified_at ? formatDate(r.verified_at) : '',
    r.answered_at ? formatDate(r.answered_at) : '',
    r.letter_number ?? '',
  ];
}

/** The public form and the paper form share the fields; the paper one adds the day received. */
function intakePages(service: PersonalDataService) {
  const formPage = (res: Response, status: number, mode: 'web' | 'paper', values: Record<string, string>, errors: Record<string, string>) =>
    res.status(status).render('personal-data/request', {
      mode,
      values,
      errors,
      ...LABELS,
    });

  return {
    async publicForm(_req: Request, res: Response) {
      formPage(res, 200, 'web', {}, {});
    },

    async publicSubmit(req: Request, res: Response) {
      const values = keptValues(req.body, ['website']);
      const parsed = requestForm.safeParse(req.body);
      if (!parsed.success) return formPage(res, 400, 'web', values, fieldErrors(parsed.error));
      try {
        // The visitor has no account; the audit row keeps their address and request id.
        const { row, receipt } = await service.submit(actorFromRequest(req), parsed.data, 'web');
        res.status(200).render('personal-data/received', { receipt, row, ...LABELS });
      } catch (err) {
        if (err instanceof ValidationError) return formPage(res, 400, 'web', values, err.fieldErrors);
        throw err;
      }
    },

    async paperForm(req: Request, res: Response) {
      formPage(res, 200, 'paper', { received_on: vietnamToday(service.now()).split('-').reverse().join('/') }, {});
      void req;
    },

    async paperCreate(req: Request, res: Response) {
      const values = keptValues(req.body, ['website']);
      const parsed = requestForm.safeParse(req.body);
      const extra = paperExtra.safeParse(req.body);
      if (!parsed.success || !extra.success) {
        return formPage(res, 400, 'paper', values, {
          ...(extra.success ? {} : fieldErrors(extra.error)),
          ...(parsed.success ? {} : fieldErrors(parsed.error)),
        });
      }
      try {
        const { row, receipt } = await service.submit(actorFromRequest(req), parsed.data, 'paper', extra.data.received_on);
        flash(req, 'success', translatorOf(req).t('personal-data:request.paperDone', { receipt, due: formatDate(row.due_at) }));
        res.redirect(303, paths.personalData.show(row.id));
      } catch (err) {
        if (err instanceof ValidationError) return formPage(res, 400, 'paper', values, err.fieldErrors);
        throw err;
      }
    },
  };
}

function registerPages(service: PersonalDataService) {
  return {
    async list(req: Request, res: Response) {
      const { filters, page, values } = filtersFrom(req.query);
      const { rows, total } = await service.list(filters, page);
      const query = Object.fromEntries(Object.entries(values).filter(([, v]) => v !== ''));
      res.render('personal-data/list', {
        rows,
        total,
        page,
        pages: Math.max(1, Math.ceil(total / PER_PAGE)),
        values,
        query,
        now: service.now(),
        isOverdue,
        receiptNumber,
        officer: false,
        ...LABELS,
      });
    },

    async csv(req: Request, res: Response) {
      const { filters } = filtersFrom(req.query);
      const batches = await service.export(actorFromRequest(req), filters);
      const now = service.now();
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      // server-text: the CSV file's name (the export is a document in Vietnamese)
      res.setHeader('Content-Disposition', contentDisposition(`Sổ yêu cầu dữ liệu cá nhân - ${vietnamToday(now)}.csv`));
      if (!(await write(res, BOM + csvLine(CSV_HEADER)))) return;
      for await (const rows of batches) {
        if (!(await write(res, rows.map((r) => csvLine(csvCells(r, now))).join('')))) return;
      }
      res.end();
    },

    async officerList(req: Request, res: Response) {
      const associationId = req.user?.associationId ?? null;
      const { filters, page, values } = filtersFrom(req.query);
      // An officer without an association sees none (the id -1 never exists).
      const { rows, total } = await service.list({ ...filters, associationId: associationId ?? -1 }, page);
      res.render('personal-data/list', {
        rows,
        total,
        page,
        pages: Math.max(1, Math.ceil(total / PER_PAGE)),
        values,
        query: Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '')),
        now: service.now(),
        isOverdue,
        receiptNumber,
        officer: true,
        ...LABELS,
      });
    },

    async deadlines(_req: Request, res: Response) {
      const rows = await service.deadlines();
      res.render('personal-data/deadlines', {
        rows,
        values: {},
        errors: {},
        ...LABELS,
      });
    },

    async saveDeadlines(req: Request, res: Response) {
      const parsed = deadlineForm.safeParse(req.body);
      if (!parsed.success) {
        const rows = await service.deadlines();
        return res.status(400).render('personal-data/deadlines', {
          rows,
          values: keptValues(req.body),
          errors: fieldErrors(parsed.error),
          ...LABELS,
        });
      }
      const days = Object.fromEntries(REQUEST_TYPES.map((t) => [t, parsed.data[`days_${t}`]])) as Record<RequestType, number>;
      const changed = await service.updateDeadlines(actorFromRequest(req), days);
      flash(
        req,
        'success',
        translatorOf(req).t(changed > 0 ? 'personal-data:deadlines.saved' : 'personal-data:deadlines.unchanged', { count: changed }),
      );
      res.redirect(303, paths.personalData.deadlines());
    },
  };
}

function requestPages(service: PersonalDataService) {
  async function showPage(
    req: Request,
    res: Response,
    id: number,
    officer: boolean,
    status = 200,
    errors: Record<string, string> = {},
    values: Record<string, string> = {},
  ) {
    const data = await service.show(viewer(req), id);
    res.status(status).render('personal-data/show', {
      ...data,
      officer,
      next: TRANSITIONS[data.row.state],
      errors,
      values,
      ...LABELS,
    });
  }

  async function verify(req: Request, res: Response, officer: boolean) {
    const id = idParam(req, NOT_FOUND);
    const parsed = verifyForm.safeParse(req.body);
    if (!parsed.success) {
      await service.visible(viewer(req), id);
      return showPage(req, res, id, officer, 400, fieldErrors(parsed.error), keptValues(req.body));
    }
    try {
      await service.verify(viewer(req), id, parsed.data.verification_method);
    } catch (err) {
      if (err instanceof ConflictError)
        return showPage(req, res, id, officer, 409, { verification_method: err.publicMessage }, keptValues(req.body));
      throw err;
    }
    flash(req, 'success', translatorOf(req).t('personal-data:show.verifiedFlash'));
    res.redirect(303, officer ? paths.personalData.officerShow(id) : paths.personalData.show(id));
  }

  return {
    show: (req: Request, res: Response) => showPage(req, res, idParam(req, NOT_FOUND), false),
    officerShow: (req: Request, res: Response) => showPage(req, res, idParam(req, NOT_FOUND), true),
    verify: (req: Request, res: Response) => verify(req, res, false),
    officerVerify: (req: Request, res: Response) => verify(req, res, true),

    async transition(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      const parsed = transitionForm.safeParse(req.body);
      if (!parsed.success) {
        await service.visible(viewer(req), id);
        return showPage(req, res, id, false, 400, fieldErrors(parsed.error), keptValues(req.body));
      }
      try {
        await service.transition(actorFromRequest(req), id, parsed.data);
      } catch (err) {
        if (err instanceof ConflictError) return showPage(req, res, id, false, 409, { to: err.publicMessage }, keptValues(req.body));
        if (err instanceof ValidationError) return showPage(req, res, id, false, 400, err.fieldErrors, keptValues(req.body));
        throw err;
      }
      const { t } = translatorOf(req);
      flash(req, 'success', t('personal-data:show.movedFlash', { state: t(`personal-data:states.${parsed.data.to}`) }));
      res.redirect(303, paths.personalData.show(id));
    },

    async letter(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      const data = await service.letter(actorFromRequest(req), id);
      const at = vietnamToday(data.row.answered_at ?? service.now()).split('-');
      // The answer letter (Decree 30 layout) is a document of record in Vietnamese whatever the reader's language.
      res.render('personal-data/letter', {
        title: `Văn bản trả lời yêu cầu ${data.receipt}`, // server-text: the Decree 30 letter's title, a document of record
        ...data,
        dateLine: `ngày ${at[2]} tháng ${at[1]} năm ${at[0]}`, // server-text: the Decree 30 letter's date line
        ...LABELS,
      });
    },

    async subjectExport(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      const data = await service.subjectData(actorFromRequest(req), id);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      res.setHeader('Content-Disposition', contentDisposition(`Du lieu ca nhan - ${data.request}.json`));
      res.setHeader('Cache-Control', 'no-store');
      res.send(JSON.stringify(data, null, 2));
    },
  };
}

export function createPersonalDataController(service: PersonalDataService) {
  return { ...intakePages(service), ...registerPages(service), ...requestPages(service) };
}

export type PersonalDataController = ReturnType<typeof createPersonalDataController>;
