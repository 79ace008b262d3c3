import type { Request, Response } from 'express';
import { type Actor, actorFromRequest } from '../../lib/auth-context.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { fieldErrors, keptValues } from '../../lib/forms.js';
import { flash } from '../../middleware/locals.js';
import type { ThreadStatus } from './support.repository.js';
import { pageQuery, questionForm, replyForm, STATUS_LABELS, staffListQuery } from './support.schemas.js';
import type { SupportService } from './support.service.js';

const OWN = '/hoi-dap';
const STAFF = '/quan-tri/hoi-dap';

function idParam(req: Request): number {
  const raw = String(req.params.id ?? '');
  if (!/^\d{1,9}$/.test(raw)) throw new NotFoundError('Không tìm thấy câu hỏi này.');
  return Number(raw);
}

/** Routes here are guarded by requireRole: a user is always present. */
function signedIn(req: Request): Actor & { userId: number } {
  const actor = actorFromRequest(req);
  if (actor.userId === null) throw new NotFoundError();
  return { ...actor, userId: actor.userId };
}

export function createSupportController(deps: { support: SupportService }) {
  const { support } = deps;

  async function threadPage(
    req: Request,
    res: Response,
    id: number,
    mode: 'own' | 'staff',
    status = 200,
    form: { values?: Record<string, string>; errors?: Record<string, string> } = {},
  ) {
    const { thread, messages } = await support.thread(id, mode === 'own' ? signedIn(req).userId : null);
    res.status(status).render('support/thread', {
      title: thread.subject,
      thread,
      messages,
      mode,
      basePath: mode === 'own' ? OWN : STAFF,
      statusLabels: STATUS_LABELS,
      values: form.values ?? {},
      errors: form.errors ?? {},
    });
  }

  const newPage = (res: Response, status: number, values: Record<string, string>, errors: Record<string, string>) =>
    res.status(status).render('support/new', { title: 'Đặt câu hỏi', basePath: OWN, values, errors });

  return {
    async ownList(req: Request, res: Response) {
      const q = pageQuery.safeParse(req.query);
      const page = q.success ? q.data.trang : 1;
      const { rows, total } = await support.listOwn(signedIn(req).userId, page);
      res.render('support/own-list', {
        title: 'Hỏi đáp, hướng dẫn',
        basePath: OWN,
        rows,
        page,
        pages: Math.max(1, Math.ceil(total / support.perPage)),
        statusLabels: STATUS_LABELS,
      });
    },

    newForm(_req: Request, res: Response) {
      newPage(res, 200, {}, {});
    },

    async ask(req: Request, res: Response) {
      const parsed = questionForm.safeParse(req.body);
      if (!parsed.success) return newPage(res, 400, keptValues(req.body), fieldErrors(parsed.error));
      const t = await support.ask(signedIn(req), parsed.data);
      flash(req, 'success', 'Đã gửi câu hỏi. Vụ Tổ chức phi chính phủ sẽ trả lời tại đây; bạn nhận được thông báo khi có trả lời.');
      res.redirect(303, `${OWN}/${t.id}`);
    },

    async ownThread(req: Request, res: Response) {
      await threadPage(req, res, idParam(req), 'own');
    },

    async ownReply(req: Request, res: Response) {
      const id = idParam(req);
      // Scope first: another user's thread is a 404 whatever the body holds.
      await support.thread(id, signedIn(req).userId);
      const parsed = replyForm.safeParse(req.body);
      if (!parsed.success) return threadPage(req, res, id, 'own', 400, { values: keptValues(req.body), errors: fieldErrors(parsed.error) });
      try {
        await support.replyAsAsker(signedIn(req), id, parsed.data.body);
      } catch (err) {
        if (err instanceof ConflictError)
          return threadPage(req, res, id, 'own', 409, { values: keptValues(req.body), errors: { body: err.publicMessage } });
        throw err;
      }
      flash(req, 'success', 'Đã gửi trả lời.');
      res.redirect(303, `${OWN}/${id}`);
    },

    async staffList(req: Request, res: Response) {
      const parsed = staffListQuery.safeParse(req.query);
      const f = parsed.success ? parsed.data : { 'trang-thai': 'open' as const, trang: 1 };
      const { rows, total } = await support.listForStaff(f['trang-thai'] as ThreadStatus | 'all', f.trang);
      res.render('support/staff-list', {
        title: 'Hỏi đáp của người dùng',
        basePath: STAFF,
        rows,
        status: f['trang-thai'],
        page: f.trang,
        pages: Math.max(1, Math.ceil(total / support.perPage)),
        total,
        statusLabels: STATUS_LABELS,
      });
    },

    async staffThread(req: Request, res: Response) {
      await threadPage(req, res, idParam(req), 'staff');
    },

    async staffAnswer(req: Request, res: Response) {
      const id = idParam(req);
      await support.thread(id, null);
      const parsed = replyForm.safeParse(req.body);
      if (!parsed.success)
        return threadPage(req, res, id, 'staff', 400, { values: keptValues(req.body), errors: fieldErrors(parsed.error) });
      try {
        await support.answer(signedIn(req), id, parsed.data.body);
      } catch (err) {
        if (err instanceof ConflictError)
          return threadPage(req, res, id, 'staff', 409, { values: keptValues(req.body), errors: { body: err.publicMessage } });
        throw err;
      }
      flash(req, 'success', 'Đã gửi trả lời. Người hỏi nhận được thông báo.');
      res.redirect(303, `${STAFF}/${id}`);
    },

    async staffClose(req: Request, res: Response) {
      const id = idParam(req);
      await support.close(signedIn(req), id);
      flash(req, 'success', 'Đã đóng câu hỏi.');
      res.redirect(303, `${STAFF}/${id}`);
    },
  };
}

export type SupportController = ReturnType<typeof createSupportController>;
