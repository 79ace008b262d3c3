/**
 * "Xem như" (issue 16): a staff member previews an association's record as the public, an exploiting organisation or
 * the association's own officer sees it. Each page is built by its own feature's page function (injected: public
 * record page, report (a)'s one-association page, the officer's home) for a synthetic viewer — never a login, never
 * a change to the staff session. Read-only: the page renders under a banner, inert (layouts/start.ejs). The
 * synthetic reader's reads are not logged as theirs (no exploitation-log row, no fee); one audit row records the
 * staff member's preview itself.
 */

import type { Request, Response } from 'express';
import { type Actor, type AuthUser, actorFromRequest } from '../../lib/auth-context.js';
import { ValidationError } from '../../lib/errors.js';
import { translatorOf } from '../../lib/i18n.js';
import { associationCodeParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import type { AssociationsService } from './associations.service.js';

interface PageView {
  view: string;
  locals: Record<string, unknown>;
}

/** A grant in force, as the organisation picker lists it. */
interface CurrentGrant {
  organisation_id: number;
  organisation_name: string;
  categories: string[];
  personal: boolean;
}

export interface ViewAsDeps {
  associations: Pick<AssociationsService, 'get'>;
  audit: {
    record(
      actor: Actor | null,
      event: { action: string; targetType?: string; targetId?: number; details?: Record<string, unknown> },
    ): Promise<void>;
  };
  currentGrants(): Promise<CurrentGrant[]>;
  /** The public record page (throws NotFoundError when the record is not published). */
  publicRecord(code: string): Promise<PageView>;
  /** Report (a)'s page for one association as a reader sees it, or the refusal the reader would get. */
  reportPreview(viewer: AuthUser, code: string): Promise<PageView | { refused: string }>;
  /** The association officer's home (/hoi-cua-toi/). */
  officerHome(associationId: number, greetingName: string): Promise<PageView>;
}

const ROLES = { 'cong-chung': 'công chúng', 'khai-thac': 'tổ chức khai thác', hoi: 'cán bộ của hội' } as const;
type ViewRole = keyof typeof ROLES;

/** A synthetic viewer: no id of a real account (0), the role and scope it stands for. */
function viewer(roles: AuthUser['roles'], scope: Partial<AuthUser>): AuthUser {
  return {
    id: 0,
    username: '',
    displayName: 'Xem trước',
    roles,
    associationId: null,
    organisationId: null,
    mustChangePassword: false,
    sessionGeneration: 0,
    ...scope,
  };
}

export function createViewAsController(deps: ViewAsDeps) {
  /** The exploiter stood for: an organisation's current grants, merged as effective-access does. */
  async function exploiterOf(rawOrg: unknown): Promise<{ user: AuthUser; organisation: string }> {
    const id = typeof rawOrg === 'string' && /^\d{1,9}$/.test(rawOrg) ? Number(rawOrg) : null;
    if (id === null)
      throw new ValidationError(
        { 'to-chuc': 'Chọn một tổ chức khai thác có quyền còn hiệu lực.' },
        'Chọn một tổ chức khai thác có quyền còn hiệu lực.',
      );
    const grants = (await deps.currentGrants()).filter((g) => g.organisation_id === id);
    const first = grants[0];
    if (!first)
      throw new ValidationError(
        { 'to-chuc': 'Tổ chức này không có quyền khai thác còn hiệu lực.' },
        'Tổ chức này không có quyền khai thác còn hiệu lực.',
      );
    const categories = [...new Set(grants.flatMap((g) => g.categories))] as NonNullable<AuthUser['access']>['categories'];
    const user = viewer(['exploiter'], {
      organisationId: id,
      access: { organisationId: id, categories, personal: grants.some((g) => g.personal), expiresAt: null, blocked: null },
    });
    return { user, organisation: first.organisation_name };
  }

  return {
    async show(req: Request, res: Response) {
      const code = associationCodeParam(req, 'Không tìm thấy hội với mã này.');
      const { record } = (await deps.associations.get(code)) as { record: { id: number; name: string; published: boolean } };
      const rawRole = req.query['vai-tro'];
      const back = paths.register.record(code);
      if (rawRole === undefined) {
        const organisations = new Map((await deps.currentGrants()).map((g) => [g.organisation_id, g.organisation_name]));
        return res.render('associations/view-as', {
          title: translatorOf(req).t('associations:viewAs.previewTitle', { name: record.name }),
          record,
          back,
          organisations: [...organisations],
        });
      }
      if (typeof rawRole !== 'string' || !(rawRole in ROLES))
        throw new ValidationError(
          { 'vai-tro': 'Chọn xem như công chúng, tổ chức khai thác hoặc cán bộ của hội.' },
          'Vai trò xem trước không hợp lệ.',
        );
      const role = rawRole as ViewRole;
      let page: PageView | null = null;
      let notice: string | null = null;
      let as: string = ROLES[role];
      let organisationId: number | null = null;
      if (role === 'cong-chung') {
        if (record.published) page = await deps.publicRecord(code);
        else notice = translatorOf(req).t('associations:viewAs.notPublishedNotice');
      } else if (role === 'khai-thac') {
        const { user, organisation } = await exploiterOf(req.query['to-chuc']);
        organisationId = user.organisationId;
        as = `tổ chức khai thác “${organisation}”`;
        const result = await deps.reportPreview(user, code);
        if ('refused' in result) notice = translatorOf(req).t('associations:viewAs.refusedNotice', { reason: result.refused });
        else page = result;
      } else {
        page = await deps.officerHome(record.id, translatorOf(req).tx('cán bộ của hội'));
      }
      await deps.audit.record(actorFromRequest(req), {
        action: 'record.view_as',
        targetType: 'association',
        targetId: record.id,
        details: { code, as: role, ...(organisationId !== null ? { organisationId } : {}) },
      });
      const viewAs = { label: translatorOf(req).tx(as), back };
      // The synthetic viewer follows nothing: the staff member's own follow state stays out of the preview.
      if (page) return res.render(page.view, { ...page.locals, viewAs, follow: null });
      res.render('associations/view-as', {
        title: translatorOf(req).t('associations:viewAs.previewTitle', { name: record.name }),
        record,
        back,
        viewAs,
        notice,
        organisations: [],
      });
    },
  };
}
