/**
 * The organisation manager's API keys page (issue 17 item 3) under /khai-thac/khoa-api: the list (prefix, label,
 * created, last used, expiry, status), the form for a new key (the whole key is shown once, on the answer to the
 * POST, never stored in the session or shown again) and the revocation, confirmed on its own page.
 * Only the organisation's manager (org_manager) manages keys: its officers (exploiters) read the data on the pages.
 */
import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { submitForm } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { CATEGORIES } from '../reports/categories.js';
import type { ApiKeyRow } from './api-keys.repository.js';
import { apiKeyForm, KEYS_PAGE, LABEL_MAX } from './api-keys.schemas.js';
import { type ApiKeysService, keyStatus } from './api-keys.service.js';

function ownOrganisation(req: Request): number {
  const id = req.user?.organisationId;
  if (!id) throw new ForbiddenError('Tài khoản của bạn chưa gắn với tổ chức khai thác nào.');
  return id;
}

function manager(req: Request) {
  const user = req.user;
  if (!user) throw new ForbiddenError();
  return { ...actorFromRequest(req), userId: user.id };
}

function pageParam(req: Request): number {
  const raw = typeof req.query.trang === 'string' ? req.query.trang : '1';
  return /^\d{1,6}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : 1;
}

export function createApiKeysController(deps: { keys: ApiKeysService; clock: Clock }) {
  const { keys, clock } = deps;

  async function page(
    req: Request,
    res: Response,
    extra: {
      status?: number;
      values?: Record<string, string>;
      errors?: Record<string, string>;
      created?: { key: ApiKeyRow; token: string };
    } = {},
  ) {
    const organisationId = ownOrganisation(req);
    const current = pageParam(req);
    const [list, access] = await Promise.all([keys.list(organisationId, current), keys.organisationAccess(organisationId)]);
    const now = clock.now();
    res.status(extra.status ?? 200).render('api-keys/index', {
      // Status and block words: locales/<lang>/api-keys.json (status.*, blocks.*).
      keys: list.rows.map((k) => ({ ...k, status: keyStatus(k, now) })),
      total: list.total,
      page: current,
      pages: Math.max(1, Math.ceil(list.total / KEYS_PAGE)),
      access,
      blocked: access.blocked ?? null,
      categories: CATEGORIES.filter((c) => access.categories.includes(c.key)),
      labelMax: LABEL_MAX,
      created: extra.created ?? null,
      values: extra.values ?? {},
      errors: extra.errors ?? {},
    });
  }

  return {
    async index(req: Request, res: Response) {
      await page(req, res);
    },

    async create(req: Request, res: Response) {
      const organisationId = ownOrganisation(req);
      const done = await submitForm(req.body, apiKeyForm, {
        save: (data) => keys.create(manager(req), organisationId, data),
        refused: (form) => page(req, res, { status: 400, ...form }),
      });
      if (!done) return;
      // The one time the whole key is shown: on this answer only (never in the session, never again).
      await page(req, res, { status: 201, created: done.saved });
    },

    async confirmRevoke(req: Request, res: Response) {
      const organisationId = ownOrganisation(req);
      const id = idParam(req, 'Không tìm thấy khóa API này.');
      const key = await keys.find(organisationId, id);
      if (!key) throw new NotFoundError('Không tìm thấy khóa API này.');
      res.render('api-keys/revoke', { key, status: keyStatus(key, clock.now()) });
    },

    async revoke(req: Request, res: Response) {
      const organisationId = ownOrganisation(req);
      const key = await keys.revoke(manager(req), organisationId, idParam(req, 'Không tìm thấy khóa API này.'));
      flash(req, 'success', translatorOf(req).t('api-keys:revoke.done', { label: key.label, prefix: key.prefix }));
      res.redirect(303, paths.access.apiKeys());
    },
  };
}
