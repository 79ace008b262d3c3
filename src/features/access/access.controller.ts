import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { isConfirmed } from '../../lib/confirm.js';
import { ForbiddenError, ValidationError } from '../../lib/errors.js';
import { formatDate, formatDateTime, vietnamToday } from '../../lib/format.js';
import { fieldErrors, keptValues, submitForm } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import type { CataloguesService } from '../catalogues/catalogues.service.js';
import { isoToVietnameseDate } from '../register-form/schema.js';
import { CATEGORIES, categoryByKey } from '../reports/categories.js';
import type { ReportTable } from '../reports/report-model.js';
import { contentDisposition, toCsv } from '../reports/reports.export.js';
import { describeReportFilters } from '../reports/reports.schemas.js';
import { PAGE } from './access.repository.js';
import {
  approvalForm,
  BLANK_OFFICER_ROWS,
  chosenCategories,
  logSearchQuery,
  MAX_OFFICERS,
  officerForm,
  parseRegistration,
  reasonForm,
  renewalDecisionForm,
  renewalForm,
  statusLookupForm,
} from './access.schemas.js';
import type { AccessService } from './access.service.js';
import { NEAR_EXPIRY_DAYS, nearExpiry } from './access-dates.js';
import { type Handover, ONE_TIME_PASSWORD_HOURS } from './access-handover.js';
import { BLOCK_LABELS } from './effective-access.js';
import type { ExploitationLogService } from './exploitation-log.service.js';
import { canReadCategory, GRANT_READER_ROLES } from './report-access.js';

export const STATUS_LABELS: Record<string, string> = {
  pending: 'Chờ xét duyệt',
  approved: 'Đã chấp thuận',
  refused: 'Không chấp thuận',
};
export const FORMAT_LABELS: Record<string, string> = {
  html: 'Xem trên trang',
  csv: 'Tải CSV',
  xlsx: 'Tải Excel',
  print: 'Bản in',
  api: 'Qua API',
};
const KIND_LABELS: Record<string, string> = { organisation: 'Tổ chức', person: 'Cá nhân' };
const REQUEST_LABELS: Record<string, string> = { add_officer: 'Bổ sung cán bộ khai thác', renewal: 'Gia hạn quyền khai thác' };

function pageParam(req: Request): number {
  const raw = typeof req.query.trang === 'string' ? req.query.trang : '1';
  return /^\d{1,6}$/.test(raw) && Number(raw) >= 1 ? Number(raw) : 1;
}

function categoryLetters(keys: readonly string[]): string {
  return keys.map((k) => categoryByKey(k)?.letter ?? k).join(', ');
}

/** The signed-in manager's organisation, or 403 (an account without one cannot act for any organisation). */
function ownOrganisation(req: Request): number {
  const id = req.user?.organisationId;
  if (!id) throw new ForbiddenError('Tài khoản của bạn chưa gắn với tổ chức khai thác nào.');
  return id;
}

interface AccessPagesDeps {
  access: AccessService;
  log: ExploitationLogService;
  catalogues: Pick<CataloguesService, 'loadAll'>;
  clock: Clock;
}

/** Public registration: the form and its status look-up. */
function registrationPages({ access, clock }: Pick<AccessPagesDeps, 'access' | 'clock'>) {
  function registrationForm(res: Response, status: number, values: Record<string, string>, errors: Record<string, string>) {
    const indices = Object.keys(values)
      .map((k) => /^officers\.(\d{1,2})\./.exec(k)?.[1])
      .filter((x): x is string => !!x)
      .map(Number);
    const rows = Math.min(MAX_OFFICERS, Math.max(BLANK_OFFICER_ROWS, indices.length ? Math.max(...indices) + 2 : 0));
    res.status(status).render('access/register', {
      title: translatorOf(res.req).t('access:register.title'),
      categories: CATEGORIES,
      values,
      errors,
      officerRows: rows,
    });
  }

  return {
    registerForm(_req: Request, res: Response) {
      registrationForm(res, 200, {}, {});
    },

    async register(req: Request, res: Response) {
      const parsed = parseRegistration(req.body, vietnamToday(clock.now()));
      if ('errors' in parsed) return registrationForm(res, 400, keptValues(req.body), parsed.errors);
      const { reference, token } = await access.submitRegistration(actorFromRequest(req), parsed.data);
      // The token is shown on this response only; the database keeps its hash.
      res.status(201).render('access/registered', { title: translatorOf(req).t('access:registered.title'), reference, token });
    },

    statusForm(req: Request, res: Response) {
      const ref = String(req.params.ref ?? '').slice(0, 40);
      res.render('access/status', {
        title: translatorOf(req).t('access:statusPage.title', { reference: ref }),
        ref,
        registration: null,
        errors: {},
        statusLabels: STATUS_LABELS,
        categoryLetters,
      });
    },

    async status(req: Request, res: Response) {
      const ref = String(req.params.ref ?? '').slice(0, 40);
      const parsed = statusLookupForm.safeParse(req.body);
      const render = (status: number, errors: Record<string, string>, registration: unknown = null) =>
        res.status(status).render('access/status', {
          title: translatorOf(req).t('access:statusPage.title', { reference: ref }),
          ref,
          registration,
          errors,
          statusLabels: STATUS_LABELS,
          categoryLetters,
        });
      if (!parsed.success) return render(400, fieldErrors(parsed.error));
      const registration = await access.registrationStatus(ref, parsed.data.token);
      // Same answer for an unknown reference and a wrong token: a guessed reference tells nothing.
      if (!registration) return render(404, { token: 'Số phiếu hoặc mã tra cứu không đúng.' });
      render(200, {}, registration);
    },
  };
}

/** ngo_lead: registrations, grants, requests. */
/** The revocation's confirmation page (also re-shown, 400, when the reason is missing). */
async function revokeConfirmPage(
  access: AccessService,
  res: Response,
  id: number,
  status: number,
  reason: string,
  errors: Record<string, string>,
) {
  const { grant, organisationName, activeMembers } = await access.grantToRevoke(id);
  const { t, fmt } = translatorOf(res.req);
  res.status(status).render('partials/confirm', {
    title: t('access:revoke.title'),
    details: [
      [t('access:revoke.organisation'), organisationName],
      [t('access:revoke.categories'), categoryLetters(grant.categories)],
      [t('access:revoke.personal'), grant.personal ? t('access:yes') : t('access:no')],
      [t('access:revoke.expires'), formatDate(grant.expires_at)],
    ],
    consequences: [t('access:revoke.c1', { n: fmt.number(activeMembers) }), t('access:revoke.c2'), t('access:revoke.c3')],
    action: paths.access.revokeGrant(id),
    hidden: {},
    field: { name: 'reason', label: t('access:revoke.reason'), hint: t('access:revoke.reasonHint'), value: reason },
    confirmLabel: t('access:revoke.confirm'),
    cancelHref: paths.access.registrations(),
    errors,
  });
}

function leadPages({ access, clock }: Pick<AccessPagesDeps, 'access' | 'clock'>) {
  function handoverPage(res: Response, handover: Handover) {
    res.render('access/handover', {
      title: translatorOf(res.req).t('access:handover.title'),
      handover,
      categoryLetters,
      categories: CATEGORIES,
      hours: ONE_TIME_PASSWORD_HOURS,
    });
  }

  async function showRegistration(
    req: Request,
    res: Response,
    status = 200,
    form: { values?: Record<string, string>; errors?: Record<string, string> } = {},
  ) {
    const registration = await access.registration(idParam(req));
    const grants = registration.organisation_id ? await access.currentGrants(registration.organisation_id) : [];
    const defaults: Record<string, string> = {
      expires_on: isoToVietnameseDate(registration.period_to),
      ...Object.fromEntries(registration.categories.map((c) => [`cat.${c}`, '1'])),
      ...(registration.personal ? { personal: '1' } : {}),
    };
    res.status(status).render('access/admin-show', {
      title: translatorOf(req).t('access:adminShow.title', { reference: registration.reference }),
      registration,
      grants,
      categories: CATEGORIES,
      statusLabels: STATUS_LABELS,
      kindLabels: KIND_LABELS,
      categoryLetters,
      values: form.values ?? defaults,
      errors: form.errors ?? {},
    });
  }

  return {
    async adminList(req: Request, res: Response) {
      const rawStatus = typeof req.query.trang_thai === 'string' ? req.query.trang_thai : '';
      const status = ['pending', 'approved', 'refused'].includes(rawStatus) ? rawStatus : null;
      const page = pageParam(req);
      const now = clock.now();
      const [list, grants, requests] = await Promise.all([
        access.listRegistrations(status, page),
        access.currentGrants(),
        access.pendingRequests(),
      ]);
      res.render('access/admin-list', {
        title: translatorOf(req).t('access:adminList.title'),
        list,
        page,
        pages: Math.max(1, Math.ceil(list.total / PAGE)),
        status: status ?? '',
        grants: grants.map((g) => ({ ...g, near: nearExpiry(g.expires_at, now) })),
        requests,
        statusLabels: STATUS_LABELS,
        kindLabels: KIND_LABELS,
        requestLabels: REQUEST_LABELS,
        categoryLetters,
        nearDays: NEAR_EXPIRY_DAYS,
        errors: {},
      });
    },

    async adminShow(req: Request, res: Response) {
      await showRegistration(req, res);
    },

    async approve(req: Request, res: Response) {
      const id = idParam(req);
      const body = req.body as Record<string, unknown>;
      const parsed = approvalForm.safeParse(body);
      const categories = chosenCategories(body);
      const errors: Record<string, string> = parsed.success ? {} : fieldErrors(parsed.error);
      if (categories === null) errors.categories = 'Nhóm thông tin được chọn không hợp lệ.';
      else if (categories.length === 0) errors.categories = 'Hãy chọn ít nhất một nhóm thông tin được cấp.';
      if (!parsed.success || categories === null || Object.keys(errors).length) {
        return showRegistration(req, res, 400, { values: keptValues(body), errors });
      }
      try {
        const handover = await access.approve(actorFromRequest(req), id, {
          categories,
          personal: parsed.data.personal === '1',
          expiresOn: parsed.data.expires_on,
        });
        handoverPage(res, handover);
      } catch (err) {
        if (err instanceof ValidationError) return showRegistration(req, res, 400, { values: keptValues(body), errors: err.fieldErrors });
        throw err;
      }
    },

    async refuse(req: Request, res: Response) {
      const id = idParam(req);
      const done = await submitForm(req.body, reasonForm, {
        save: (data) => access.refuse(actorFromRequest(req), id, data.reason),
        refused: (form) => showRegistration(req, res, 400, form),
      });
      if (!done) return;
      flash(req, 'success', translatorOf(req).t('access:flash.refused'));
      res.redirect(303, paths.access.registration(id));
    },

    /** The revocation's confirmation page (issue 18 item 7): the organisation, what happens, the reason. */
    async revokeGrantConfirm(req: Request, res: Response) {
      await revokeConfirmPage(access, res, idParam(req), 200, '', {});
    },

    async revokeGrant(req: Request, res: Response) {
      const id = idParam(req);
      if (!isConfirmed(req)) return res.redirect(303, paths.access.revokeGrant(id));
      const parsed = reasonForm.safeParse(req.body);
      if (!parsed.success) {
        const reason =
          typeof (req.body as Record<string, unknown>).reason === 'string' ? String((req.body as Record<string, unknown>).reason) : '';
        return revokeConfirmPage(access, res, id, 400, reason, {
          reason: fieldErrors(parsed.error).reason ?? 'Hãy nhập lý do thu hồi quyền khai thác.',
        });
      }
      await access.revokeGrant(actorFromRequest(req), id, parsed.data.reason);
      flash(req, 'success', translatorOf(req).t('access:flash.revoked'));
      res.redirect(303, paths.access.registrations());
    },

    async approveRequest(req: Request, res: Response) {
      const id = idParam(req);
      const parsed = renewalDecisionForm.safeParse({ expires_on: (req.body as Record<string, unknown>).expires_on || undefined });
      if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error), 'Ngày hết hạn mới không hợp lệ.');
      const handover = await access.approveRequest(actorFromRequest(req), id, { expiresOn: parsed.data.expires_on });
      if (handover) return handoverPage(res, handover);
      flash(req, 'success', translatorOf(req).t('access:flash.renewalApproved'));
      res.redirect(303, paths.access.registrations());
    },

    async refuseRequest(req: Request, res: Response) {
      const id = idParam(req);
      const parsed = reasonForm.safeParse(req.body);
      if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error), 'Hãy nhập lý do không chấp thuận.');
      await access.refuseRequest(actorFromRequest(req), id, parsed.data.reason);
      flash(req, 'success', translatorOf(req).t('access:flash.requestRefused'));
      res.redirect(303, paths.access.registrations());
    },
  };
}

/** The organisation. */
function organisationPages({ access, clock }: Pick<AccessPagesDeps, 'access' | 'clock'>) {
  async function dashboard(
    req: Request,
    res: Response,
    status = 200,
    form: { values?: Record<string, string>; errors?: Record<string, string> } = {},
  ) {
    const user = req.user;
    if (!user) throw new ForbiddenError();
    const now = clock.now();
    const state = user.access ?? null;
    const granted = CATEGORIES.filter((c) => canReadCategory(user, c.key));
    const isManager = user.roles.includes('org_manager');
    // Only an exploiter reads reports (SPEC §1): a manager's page shows the organisation's account, no report link.
    const readsReports = hasAnyRole(user.roles, GRANT_READER_ROLES);
    const overview = user.organisationId && isManager ? await access.organisationOverview(user.organisationId) : null;
    res.status(status).render('access/dashboard', {
      title: translatorOf(req).t('access:dashboard.title'),
      state,
      blockLabel: state?.blocked ? BLOCK_LABELS[state.blocked] : null,
      granted,
      near: state?.expiresAt ? nearExpiry(state.expiresAt, now) : false,
      nearDays: NEAR_EXPIRY_DAYS,
      overview,
      isManager,
      readsReports,
      categoryLetters,
      requestLabels: REQUEST_LABELS,
      statusLabels: STATUS_LABELS,
      values: form.values ?? {},
      errors: form.errors ?? {},
      now,
    });
  }

  return {
    async dashboard(req: Request, res: Response) {
      await dashboard(req, res);
    },

    async requestOfficer(req: Request, res: Response) {
      const organisationId = ownOrganisation(req);
      const user = req.user;
      if (!user) throw new ForbiddenError();
      const done = await submitForm(req.body, officerForm, {
        save: (data) => access.requestOfficer({ ...actorFromRequest(req), userId: user.id }, organisationId, data),
        refused: (form) => dashboard(req, res, 400, form),
      });
      if (!done) return;
      flash(req, 'success', translatorOf(req).t('access:flash.officerRequested'));
      res.redirect(303, paths.access.exploiterHome());
    },

    /** The removal's confirmation page (issue 18 item 7): who, and what happens to the account. */
    async removeOfficerConfirm(req: Request, res: Response) {
      const organisationId = ownOrganisation(req);
      const user = req.user;
      if (!user) throw new ForbiddenError();
      const officer = await access.officerToRemove({ userId: user.id }, organisationId, idParam(req));
      const { t } = translatorOf(req);
      res.render('partials/confirm', {
        title: t('access:removeOfficer.title'),
        details: [
          [t('access:removeOfficer.officer'), officer.displayName],
          [t('access:removeOfficer.username'), officer.username],
          [t('access:removeOfficer.email'), officer.email ?? ''],
        ],
        consequences: [t('access:removeOfficer.c1'), t('access:removeOfficer.c2'), t('access:removeOfficer.c3')],
        action: paths.access.removeOfficer(officer.id),
        hidden: {},
        confirmLabel: t('access:removeOfficer.confirm'),
        cancelHref: paths.access.exploiterHome(),
        errors: {},
      });
    },

    async removeOfficer(req: Request, res: Response) {
      const organisationId = ownOrganisation(req);
      const user = req.user;
      if (!user) throw new ForbiddenError();
      if (!isConfirmed(req)) return res.redirect(303, paths.access.removeOfficer(idParam(req)));
      await access.removeOfficer({ ...actorFromRequest(req), userId: user.id }, organisationId, idParam(req));
      flash(req, 'success', translatorOf(req).t('access:flash.officerRemoved'));
      res.redirect(303, paths.access.exploiterHome());
    },

    async requestRenewal(req: Request, res: Response) {
      const organisationId = ownOrganisation(req);
      const user = req.user;
      if (!user) throw new ForbiddenError();
      const done = await submitForm(req.body, renewalForm, {
        save: (data) =>
          access.requestRenewal({ ...actorFromRequest(req), userId: user.id }, organisationId, {
            expiresOn: data.expires_on,
            reason: data.reason,
          }),
        refused: (form) => dashboard(req, res, 400, form),
      });
      if (!done) return;
      flash(req, 'success', translatorOf(req).t('access:flash.renewalRequested'));
      res.redirect(303, paths.access.exploiterHome());
    },
  };
}

/** The exploitation log. */
function logPages({ log, catalogues, clock }: Pick<AccessPagesDeps, 'log' | 'catalogues' | 'clock'>) {
  return {
    async logSearch(req: Request, res: Response) {
      const parsed = logSearchQuery.safeParse(req.query);
      if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error), 'Điều kiện tìm kiếm không hợp lệ.');
      const q = parsed.data;
      const filter = { organisationId: q.to_chuc, username: q.nguoi_dung || undefined, category: q.loai, from: q.tu_ngay, to: q.den_ngay };
      if (q.format === 'csv') {
        const [rows, names] = await Promise.all([log.exportAll(actorFromRequest(req), filter), catalogues.loadAll()]);
        const table: ReportTable = {
          id: 'nhat-ky',
          title: 'Nhật ký khai thác',
          columns: [
            { key: 'at', label: 'Thời điểm', type: 'text' },
            { key: 'username', label: 'Tên đăng nhập', type: 'text' },
            { key: 'display_name', label: 'Họ và tên', type: 'text' },
            { key: 'organisation_name', label: 'Tổ chức', type: 'text' },
            { key: 'category', label: 'Loại báo cáo', type: 'text' },
            { key: 'filters', label: 'Điều kiện lọc', type: 'text' },
            { key: 'rows', label: 'Số dòng', type: 'int' },
            { key: 'format', label: 'Hình thức', type: 'text' },
          ],
          rows: rows.map((r) => ({
            ...r,
            at: formatDateTime(r.at),
            category: categoryByKey(r.category)?.letter ?? r.category,
            filters: describeReportFilters(r.filters, names),
            format: FORMAT_LABELS[r.format] ?? r.format,
          })),
          totals: null,
        };
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        // server-text: the CSV file's name (the export is a document in Vietnamese)
        res.setHeader('Content-Disposition', contentDisposition(`Nhật ký khai thác - ${vietnamToday(clock.now())}.csv`));
        res.send(toCsv([table]));
        return;
      }
      const page = q.trang ?? 1;
      const [result, organisations, names] = await Promise.all([log.search(filter, page), log.organisations(), catalogues.loadAll()]);
      const query: Record<string, string> = {};
      for (const k of ['to_chuc', 'nguoi_dung', 'loai', 'tu_ngay', 'den_ngay'] as const) {
        const v = req.query[k];
        if (typeof v === 'string' && v) query[k] = v;
      }
      res.render('access/log', {
        title: translatorOf(req).t('access:log.title'),
        result: { ...result, rows: result.rows.map((r) => ({ ...r, filterText: describeReportFilters(r.filters, names) })) },
        page,
        pages: Math.max(1, Math.ceil(result.total / 50)),
        organisations,
        categories: CATEGORIES,
        query,
        csvHref: paths.access.log(new URLSearchParams({ ...query, format: 'csv' }).toString()),
        formatLabels: FORMAT_LABELS,
        categoryLetters,
      });
    },

    /** An association's officer: which organisations read its rows, scoped to req.user.associationId. */
    async associationReaders(req: Request, res: Response) {
      // Scope: only the officer's own association, from the account, never from the request.
      const associationId = req.user?.associationId ?? null;
      const page = pageParam(req);
      const result = associationId ? await log.readersOfAssociation(associationId, page) : { total: 0, rows: [] };
      res.render('access/association-readers', {
        title: translatorOf(req).t('access:readers.title'),
        result,
        page,
        pages: Math.max(1, Math.ceil(result.total / 50)),
        categoryLetters,
      });
    },
  };
}

export function createAccessController(deps: AccessPagesDeps) {
  return { ...registrationPages(deps), ...leadPages(deps), ...organisationPages(deps), ...logPages(deps) };
}
