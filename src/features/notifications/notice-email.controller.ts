/**
 * Pages of the notice e-mail choice (issue 17 item 4): the signed-in user's settings (`/tai-khoan/nhan-thu`) and the
 * one-click unsubscribe of an e-mail (`/thu-dien-tu/huy-nhan?t=…`, no login): GET shows a confirmation with a
 * button and changes nothing; POST sets "never" — from that button or straight from the mail program
 * (`List-Unsubscribe-Post: List-Unsubscribe=One-Click`, RFC 8058). The signed token is the proof of intent there,
 * so that one POST is exempt from the session's CSRF token (app.ts). A bad or expired token: 400.
 */
import type { Request, Response } from 'express';
import { type AuthUser, actorFromRequest } from '../../lib/auth-context.js';
import { translatorOf } from '../../lib/i18n.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import type { NoticeEmailService } from './notice-email.service.js';
import { NOTICE_EMAIL_CHOICES } from './notice-mail.js';
import { noticeEmailForm } from './notifications.schemas.js';

export function createNoticeEmailController({ noticeEmail }: { noticeEmail: NoticeEmailService }) {
  async function renderSettings(req: Request, res: Response, status: number, value: string, errors: Record<string, string>) {
    const account = await noticeEmail.settings((req.user as AuthUser).id);
    res.status(status).render('notifications/email-settings', {
      // The choices' words and hints are in locales/<lang>/notifications.json (settings.choices, settings.hints).
      choices: NOTICE_EMAIL_CHOICES,
      value,
      email: account?.email ?? null,
      smtpConfigured: noticeEmail.smtpConfigured,
      errors,
    });
  }

  function invalidLink(res: Response) {
    res.status(400).render('notifications/unsubscribe', { state: 'invalid', token: '' });
  }

  return {
    async settings(req: Request, res: Response) {
      const account = await noticeEmail.settings((req.user as AuthUser).id);
      await renderSettings(req, res, 200, account?.notice_email ?? 'immediately', {});
    },

    async saveSettings(req: Request, res: Response) {
      const parsed = noticeEmailForm.safeParse(req.body);
      if (!parsed.success) {
        const raw = (req.body as Record<string, unknown>)?.notice_email;
        await renderSettings(req, res, 400, typeof raw === 'string' ? raw : '', {
          notice_email: parsed.error.issues[0]?.message ?? 'Chọn cách nhận thư thông báo.',
        });
        return;
      }
      const user = req.user as AuthUser;
      await noticeEmail.update({ ...actorFromRequest(req), userId: user.id }, parsed.data.notice_email);
      const { t } = translatorOf(req);
      flash(
        req,
        'success',
        t('notifications:settings.saved', { choice: t(`notifications:settings.choices.${parsed.data.notice_email}`).toLowerCase() }),
      );
      res.redirect(303, paths.notifications.emailSettings());
    },

    /** GET: asks; changes nothing. */
    async unsubscribePage(req: Request, res: Response) {
      const token = req.query.t;
      if (noticeEmail.tokenUser(token) === null) return invalidLink(res);
      res.render('notifications/unsubscribe', { state: 'confirm', token });
    },

    /** POST: from the page's button or the mail program's one-click request. */
    async unsubscribe(req: Request, res: Response) {
      if (!(await noticeEmail.unsubscribe(actorFromRequest(req), req.query.t))) return invalidLink(res);
      res.render('notifications/unsubscribe', { state: 'done', token: '' });
    },
  };
}
