import type { Request, Response } from 'express';
import { z } from 'zod';
import { type AuthUser, actorFromRequest } from '../../lib/auth-context.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { safeReturnTo } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { ROLE_LABELS, ROLES } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import type { ItCentreService } from './it-centre.service.js';

const PAGE_SIZE = 25;

const pageQuery = z.object({ trang: z.coerce.number().int().min(1).max(100_000).optional() });
const userQuery = z.object({
  q: z.string().trim().max(100).optional(),
  'vai-tro': z.enum(ROLES).optional().catch(undefined),
  'trang-thai': z.enum(['hoat-dong', 'vo-hieu', 'bi-khoa']).optional().catch(undefined),
  trang: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
});
/** The backups page's filters: result and period (the IT Centre's work list links failures of the last 7 days). */
const backupQuery = z.object({
  trang: z.coerce.number().int().min(1).max(100_000).optional().catch(undefined),
  'ket-qua': z.enum(['succeeded', 'failed']).optional().catch(undefined),
  'so-ngay': z.enum(['7', '30']).optional().catch(undefined),
});
const BACKUP_REFRESH_SECONDS = 10;
const STATE_FILTER = { 'hoat-dong': 'active', 'vo-hieu': 'disabled', 'bi-khoa': 'locked' } as const;

function pageOf(req: Request): number {
  const q = pageQuery.safeParse(req.query);
  return q.success ? (q.data.trang ?? 1) : 1;
}

const USER_NOT_FOUND = 'Không tìm thấy tài khoản này.';

/** After an action: back to the IT Centre page the form came from (only pages of the IT Centre). */
function backTo(req: Request, fallback: string): string {
  const body = req.body as Record<string, unknown> | undefined;
  const to = safeReturnTo(body?.tiep, fallback);
  return to.startsWith(`${paths.itCentre.home()}/`) ? to : fallback;
}

export function createItCentreController(service: ItCentreService) {
  const pages = (total: number) => Math.max(1, Math.ceil(total / PAGE_SIZE));

  /** `done`: the message key (locales/<lang>/it-centre.json) of the success notice. */
  async function userAction(req: Request, res: Response, run: (id: number) => Promise<void>, done: string) {
    const id = idParam(req, USER_NOT_FOUND);
    const fallback = paths.itCentre.user(id);
    try {
      await run(id);
      flash(req, 'success', translatorOf(req).t(done));
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
      flash(req, 'error', err.publicMessage);
    }
    res.redirect(303, backTo(req, fallback));
  }

  return {
    async index(req: Request, res: Response) {
      res.render('it-centre/index', { title: translatorOf(req).t('it-centre:titles.home'), ...(await service.overview()) });
    },

    async backups(req: Request, res: Response) {
      const q = backupQuery.safeParse(req.query);
      const f = q.success ? q.data : {};
      const page = f.trang ?? 1;
      const days = f['so-ngay'];
      const filters = {
        ...(f['ket-qua'] ? { status: f['ket-qua'] } : {}),
        ...(days ? { since: new Date(service.now().getTime() - Number(days) * 86_400_000) } : {}),
      };
      const [{ rows, total }, status, running] = await Promise.all([
        service.backupRuns(page, PAGE_SIZE, filters),
        service.backupStatus(),
        service.backupRunning(),
      ]);
      const query = { ...(f['ket-qua'] ? { 'ket-qua': f['ket-qua'] } : {}), ...(days ? { 'so-ngay': days } : {}) };
      res.render('it-centre/backups', {
        title: translatorOf(req).t('it-centre:backups.title'),
        rows,
        total,
        page,
        pages: pages(total),
        status,
        running,
        // While a backup or drill runs, the page reloads itself (meta refresh, no JS) until the run ends.
        refreshSeconds: running ? BACKUP_REFRESH_SECONDS : 0,
        query,
        filtered: Object.keys(query).length > 0,
      });
    },

    async sessions(req: Request, res: Response) {
      const page = pageOf(req);
      const { rows, total } = await service.activeSessions(page, PAGE_SIZE);
      res.render('it-centre/sessions', {
        title: translatorOf(req).t('it-centre:sessions.title'),
        rows,
        total,
        page,
        pages: pages(total),
        query: {},
      });
    },

    async revokeSession(req: Request, res: Response) {
      const ref = String((req.body as Record<string, unknown>)?.ref ?? '');
      if (!/^[0-9a-f]{64}$/.test(ref)) throw new NotFoundError('Không tìm thấy phiên này (có thể đã kết thúc).');
      await service.revokeSession(actorFromRequest(req), ref);
      flash(req, 'success', translatorOf(req).t('it-centre:flash.revoked'));
      res.redirect(303, paths.itCentre.sessions());
    },

    async errors(req: Request, res: Response) {
      const page = pageOf(req);
      const { rows, total } = await service.errors(page, PAGE_SIZE);
      res.render('it-centre/errors', {
        title: translatorOf(req).t('it-centre:errors.title'),
        rows,
        total,
        page,
        pages: pages(total),
        query: {},
      });
    },

    async lockouts(req: Request, res: Response) {
      res.render('it-centre/lockouts', {
        title: translatorOf(req).t('it-centre:lockouts.title'),
        rows: await service.lockouts(),
        now: service.now(),
      });
    },

    async users(req: Request, res: Response) {
      const parsed = userQuery.safeParse(req.query);
      const f = parsed.success ? parsed.data : {};
      const page = f.trang ?? 1;
      const { rows, total } = await service.users(
        { q: f.q || undefined, role: f['vai-tro'], state: f['trang-thai'] ? STATE_FILTER[f['trang-thai']] : undefined },
        page,
        PAGE_SIZE,
      );
      res.render('it-centre/users', {
        title: translatorOf(req).t('it-centre:users.title'),
        rows,
        total,
        page,
        pages: pages(total),
        filters: { q: f.q ?? '', 'vai-tro': f['vai-tro'] ?? '', 'trang-thai': f['trang-thai'] ?? '' },
        roleOptions: ROLES.map((r) => ({ value: r, text: ROLE_LABELS[r] })),
        now: service.now(),
      });
    },

    async user(req: Request, res: Response) {
      const { user, sessions } = await service.user(actorFromRequest(req), idParam(req, USER_NOT_FOUND));
      res.render('it-centre/user', {
        title: translatorOf(req).t('it-centre:user.title', { username: user.username }),
        account: user,
        sessions,
        isSelf: user.id === (req.user as AuthUser).id,
        now: service.now(),
      });
    },

    disable: (req: Request, res: Response) =>
      userAction(req, res, (id) => service.setDisabled(actorFromRequest(req), id, true), 'it-centre:flash.disabled'),
    enable: (req: Request, res: Response) =>
      userAction(req, res, (id) => service.setDisabled(actorFromRequest(req), id, false), 'it-centre:flash.enabled'),
    unlock: (req: Request, res: Response) =>
      userAction(req, res, (id) => service.unlock(actorFromRequest(req), id), 'it-centre:flash.unlocked'),
    resetTotp: (req: Request, res: Response) =>
      userAction(req, res, (id) => service.resetTotp(actorFromRequest(req), id), 'it-centre:flash.totpReset'),
  };
}
