import type { Request, Response } from 'express';
import { type Actor, actorFromRequest } from '../../lib/auth-context.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { keptValues, type RefusedForm, submitForm } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import type { ThreadStatus } from './support.repository.js';
import { pageQuery, questionForm, replyForm, staffListQuery } from './support.schemas.js';
import type { SupportService } from './support.service.js';

const NOT_FOUND = 'Không tìm thấy câu hỏi này.';

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
    form: RefusedForm = { values: {}, errors: {} },
  ) {
    const { thread, messages } = await support.thread(id, mode === 'own' ? signedIn(req).userId : null);
    res.status(status).render('support/thread', {
      thread,
      messages,
      mode,
      values: form.values,
      errors: form.errors,
    });
  }

  const newPage = (res: Response, status: number, { values, errors }: RefusedForm) =>
    res.status(status).render('support/new', { values, errors });

  /**
   * A reply to a thread (the asker's or the ministry's): refused with the form's errors (400), or with the conflict's
   * message on the same field when the thread closed meanwhile (409). True once sent.
   */
  async function reply(req: Request, res: Response, id: number, mode: 'own' | 'staff', send: (body: string) => Promise<unknown>) {
    try {
      const done = await submitForm(req.body, replyForm, {
        save: (data) => send(data.body),
        refused: (form) => threadPage(req, res, id, mode, 400, form),
      });
      return done !== undefined;
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      await threadPage(req, res, id, mode, 409, { values: keptValues(req.body), errors: { body: err.publicMessage } });
      return false;
    }
  }

  return {
    async ownList(req: Request, res: Response) {
      const q = pageQuery.safeParse(req.query);
      const page = q.success ? q.data.trang : 1;
      const { rows, total } = await support.listOwn(signedIn(req).userId, page);
      res.render('support/own-list', {
        rows,
        page,
        pages: Math.max(1, Math.ceil(total / support.perPage)),
      });
    },

    newForm(_req: Request, res: Response) {
      newPage(res, 200, { values: {}, errors: {} });
    },

    async ask(req: Request, res: Response) {
      const done = await submitForm(req.body, questionForm, {
        save: (data) => support.ask(signedIn(req), data),
        refused: (form) => newPage(res, 400, form),
      });
      if (!done) return;
      flash(req, 'success', translatorOf(req).t('support:flash.asked'));
      res.redirect(303, paths.support.ownThread(done.saved.id));
    },

    async ownThread(req: Request, res: Response) {
      await threadPage(req, res, idParam(req, NOT_FOUND), 'own');
    },

    async ownReply(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      // Scope first: another user's thread is a 404 whatever the body holds.
      await support.thread(id, signedIn(req).userId);
      if (!(await reply(req, res, id, 'own', (body) => support.replyAsAsker(signedIn(req), id, body)))) return;
      flash(req, 'success', translatorOf(req).t('support:flash.replied'));
      res.redirect(303, paths.support.ownThread(id));
    },

    async staffList(req: Request, res: Response) {
      const parsed = staffListQuery.safeParse(req.query);
      const f = parsed.success ? parsed.data : { 'trang-thai': 'open' as const, trang: 1 };
      const { rows, total } = await support.listForStaff(f['trang-thai'] as ThreadStatus | 'all', f.trang);
      res.render('support/staff-list', {
        rows,
        status: f['trang-thai'],
        page: f.trang,
        pages: Math.max(1, Math.ceil(total / support.perPage)),
        total,
      });
    },

    async staffThread(req: Request, res: Response) {
      await threadPage(req, res, idParam(req, NOT_FOUND), 'staff');
    },

    async staffAnswer(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      await support.thread(id, null);
      if (!(await reply(req, res, id, 'staff', (body) => support.answer(signedIn(req), id, body)))) return;
      flash(req, 'success', translatorOf(req).t('support:flash.answered'));
      res.redirect(303, paths.support.staffThread(id));
    },

    async staffClose(req: Request, res: Response) {
      const id = idParam(req, NOT_FOUND);
      await support.close(signedIn(req), id);
      flash(req, 'success', translatorOf(req).t('support:flash.closed'));
      res.redirect(303, paths.support.staffThread(id));
    },
  };
}

export type SupportController = ReturnType<typeof createSupportController>;
