import type { Request, Response } from 'express';
import type { AuthUser } from '../../lib/auth-context.js';
import { actorFromRequest } from '../../lib/auth-context.js';
import { NotFoundError } from '../../lib/errors.js';
import { fieldErrors, keptValues } from '../../lib/forms.js';
import { flash } from '../../middleware/locals.js';
import { ACTIONS, actionForm, allowedActions, incidentForm, KINDS, listQuery, SEVERITIES, STATUSES } from './incidents.schemas.js';
import type { IncidentsService } from './incidents.service.js';

export const INCIDENTS_BASE = '/quan-tri/su-co';
const PAGE_SIZE = 20;
const LABELS = {
  kinds: Object.fromEntries(KINDS) as Record<string, string>,
  severities: Object.fromEntries(SEVERITIES) as Record<string, string>,
  statuses: Object.fromEntries(STATUSES) as Record<string, string>,
  actions: { ...Object.fromEntries(ACTIONS), tao: 'Ghi nhận' } as Record<string, string>,
};

function idParam(req: Request): number {
  const raw = String(req.params.id ?? '');
  if (!/^\d{1,9}$/.test(raw)) throw new NotFoundError('Không tìm thấy sự cố hoặc yêu cầu này.');
  return Number(raw);
}

function actor(req: Request) {
  return { ...actorFromRequest(req), displayName: (req.user as AuthUser).displayName };
}

export function createIncidentsController(service: IncidentsService) {
  const form = (res: Response, status: number, values: Record<string, string>, errors: Record<string, string>) =>
    res.status(status).render('incidents/form', {
      title: 'Ghi nhận sự cố hoặc yêu cầu thay đổi',
      base: INCIDENTS_BASE,
      kinds: KINDS,
      severities: SEVERITIES,
      values,
      errors,
    });

  async function show(req: Request, res: Response, status = 200, values: Record<string, string> = {}, errors: Record<string, string> = {}) {
    const id = idParam(req);
    const { incident, events } = await service.detail(id);
    res.status(status).render('incidents/show', {
      title: `Sự cố #${incident.id}: ${incident.title}`,
      base: INCIDENTS_BASE,
      incident,
      events,
      labels: LABELS,
      actions: allowedActions(incident.status, (req.user as AuthUser).roles).map((a) => ({ value: a, text: LABELS.actions[a] ?? a })),
      values,
      errors,
    });
  }

  return {
    async list(req: Request, res: Response) {
      const parsed = listQuery.safeParse(req.query);
      const f = parsed.success ? parsed.data : {};
      const page = f.trang ?? 1;
      const { rows, total } = await service.list(
        { q: f.q || undefined, status: f['trang-thai'], kind: f.loai, severity: f['muc-do'] },
        page,
        PAGE_SIZE,
      );
      const query = { q: f.q ?? '', 'trang-thai': f['trang-thai'] ?? '', loai: f.loai ?? '', 'muc-do': f['muc-do'] ?? '' };
      res.render('incidents/list', {
        title: 'Sự cố và yêu cầu thay đổi phần mềm',
        base: INCIDENTS_BASE,
        rows,
        total,
        page,
        pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
        query,
        labels: LABELS,
        kinds: KINDS,
        severities: SEVERITIES,
        statuses: STATUSES,
      });
    },

    newForm(_req: Request, res: Response) {
      form(res, 200, { severity: 'trung_binh' }, {});
    },

    async create(req: Request, res: Response) {
      const parsed = incidentForm.safeParse(req.body);
      if (!parsed.success) return form(res, 400, keptValues(req.body), fieldErrors(parsed.error));
      const row = await service.create(actor(req), parsed.data);
      flash(req, 'success', `Đã ghi nhận ${parsed.data.kind === 'su_co' ? 'sự cố' : 'yêu cầu'} #${row.id}.`);
      res.redirect(303, `${INCIDENTS_BASE}/${row.id}`);
    },

    show: (req: Request, res: Response) => show(req, res),

    async act(req: Request, res: Response) {
      const id = idParam(req);
      const parsed = actionForm.safeParse(req.body);
      if (!parsed.success) {
        await service.get(id);
        return show(req, res, 400, keptValues(req.body), fieldErrors(parsed.error));
      }
      await service.act(actor(req), id, parsed.data.action, parsed.data.status, parsed.data.comment);
      flash(
        req,
        'success',
        parsed.data.action === 'chuyen_tttt' ? 'Đã chuyển Trung tâm Thông tin và thông báo cho cán bộ quản trị hệ thống.' : 'Đã cập nhật.',
      );
      res.redirect(303, `${INCIDENTS_BASE}/${id}`);
    },
  };
}
