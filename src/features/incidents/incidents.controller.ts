import type { Request, Response } from 'express';
import { type AuthUser, actorFromRequest } from '../../lib/auth-context.js';
import { type RefusedForm, submitForm } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { ACTIONS, actionForm, allowedActions, incidentForm, KINDS, listQuery, SEVERITIES, STATUSES } from './incidents.schemas.js';
import type { IncidentsService } from './incidents.service.js';

const PAGE_SIZE = 20;
const LABELS = {
  kinds: Object.fromEntries(KINDS) as Record<string, string>,
  severities: Object.fromEntries(SEVERITIES) as Record<string, string>,
  statuses: Object.fromEntries(STATUSES) as Record<string, string>,
  actions: { ...Object.fromEntries(ACTIONS), tao: 'Ghi nhận' } as Record<string, string>,
};

const NOT_FOUND = 'Không tìm thấy sự cố hoặc yêu cầu này.';

function actor(req: Request) {
  return { ...actorFromRequest(req), displayName: (req.user as AuthUser).displayName };
}

export function createIncidentsController(service: IncidentsService) {
  const form = (res: Response, status: number, { values, errors }: RefusedForm) =>
    res.status(status).render('incidents/form', {
      title: translatorOf(res.req).t('incidents:form.title'),
      kinds: KINDS,
      severities: SEVERITIES,
      values,
      errors,
    });

  async function show(req: Request, res: Response, status = 200, { values, errors }: RefusedForm = { values: {}, errors: {} }) {
    const id = idParam(req, NOT_FOUND);
    const { incident, events } = await service.detail(id);
    res.status(status).render('incidents/show', {
      title: translatorOf(req).t('incidents:show.title', { id: incident.id, title: incident.title }),
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
        title: translatorOf(req).t('incidents:list.title'),
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
      form(res, 200, { values: { severity: 'trung_binh' }, errors: {} });
    },

    async create(req: Request, res: Response) {
      const done = await submitForm(req.body, incidentForm, {
        save: async (data) => ({ row: await service.create(actor(req), data), kind: data.kind }),
        refused: (refused) => form(res, 400, refused),
      });
      if (!done) return;
      const { row, kind } = done.saved;
      flash(
        req,
        'success',
        translatorOf(req).t(kind === 'su_co' ? 'incidents:flash.createdIncident' : 'incidents:flash.createdRequest', { id: row.id }),
      );
      res.redirect(303, paths.incidents.show(row.id));
    },

    show: (req: Request, res: Response) => show(req, res),

    async act(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      const done = await submitForm(req.body, actionForm, {
        save: async (data) => {
          await service.act(actor(req), id, data.action, data.status, data.comment);
          return data.action;
        },
        refused: async (refused) => {
          await service.get(id);
          await show(req, res, 400, refused);
        },
      });
      if (!done) return;
      flash(req, 'success', translatorOf(req).t(done.saved === 'chuyen_tttt' ? 'incidents:flash.routed' : 'incidents:flash.updated'));
      res.redirect(303, paths.incidents.show(id));
    },
  };
}
