import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { isConfirmed } from '../../lib/confirm.js';
import { ForbiddenError, ValidationError } from '../../lib/errors.js';
import { formatDate, formatDateTime, formatNumber, vietnamToday } from '../../lib/format.js';
import { fieldErrors, keptValues, submitForm } from '../../lib/forms.js';
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
      title: 'Phiếu đăng ký khai thác dữ liệu',
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
      res.status(201).render('access/registered', { title: 'Đã nhận phiếu đăng ký khai thác', reference, token });
    },

    statusForm(req: Request, res: Response) {
      const ref = String(req.params.ref ?? '').slice(0, 40);
      res.render('access/status', {
        title: `Tình trạng phiếu đăng ký ${ref}`,
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
          title: `Tình trạng phiếu đăng ký ${ref}`,
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
  res.status(status).render('partials/confirm', {
    title: 'Thu hồi quyền khai thác dữ liệu?',
    details: [
      ['Tổ chức, cá nhân', organisationName],
      ['Nhóm thông tin', categoryLetters(grant.categories)],
      ['Thông tin cá nhân lãnh đạo', grant.personal ? 'Có' : 'Không'],
      ['Hết hạn', formatDate(grant.expires_at)],
    ],
    consequences: [
      `Quyền khai thác chấm dứt ngay: ${formatNumber(activeMembers)} tài khoản đang hoạt động của tổ chức mất quyền xem, tìm kiếm và tải dữ liệu theo quyền này từ yêu cầu tiếp theo; khóa API của tổ chức cũng không còn đọc được dữ liệu theo quyền này.`,
      'Các thành viên của tổ chức nhận thông báo kèm lý do thu hồi.',
      'Không thể hoàn tác: muốn khai thác lại, tổ chức phải đăng ký và được Lãnh đạo Vụ duyệt lại.',
    ],
    action: paths.access.revokeGrant(id),
    hidden: {},
    field: { name: 'reason', label: 'Lý do thu hồi', hint: 'Lý do được ghi vào nhật ký và gửi cho tổ chức.', value: reason },
    confirmLabel: 'Xác nhận thu hồi quyền khai thác',
    cancelHref: paths.access.registrations(),
    errors,
  });
}

function leadPages({ access, clock }: Pick<AccessPagesDeps, 'access' | 'clock'>) {
  function handoverPage(res: Response, handover: Handover) {
    res.render('access/handover', {
      title: 'Biên bản bàn giao tài khoản khai thác',
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
      title: `Phiếu đăng ký khai thác ${registration.reference}`,
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
        title: 'Đăng ký khai thác dữ liệu',
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
      flash(req, 'success', 'Đã ghi quyết định không chấp thuận phiếu đăng ký.');
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
      flash(req, 'success', 'Đã thu hồi quyền khai thác. Tài khoản của tổ chức mất quyền ngay từ yêu cầu tiếp theo.');
      res.redirect(303, paths.access.registrations());
    },

    async approveRequest(req: Request, res: Response) {
      const id = idParam(req);
      const parsed = renewalDecisionForm.safeParse({ expires_on: (req.body as Record<string, unknown>).expires_on || undefined });
      if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error), 'Ngày hết hạn mới không hợp lệ.');
      const handover = await access.approveRequest(actorFromRequest(req), id, { expiresOn: parsed.data.expires_on });
      if (handover) return handoverPage(res, handover);
      flash(req, 'success', 'Đã duyệt đề nghị gia hạn quyền khai thác.');
      res.redirect(303, paths.access.registrations());
    },

    async refuseRequest(req: Request, res: Response) {
      const id = idParam(req);
      const parsed = reasonForm.safeParse(req.body);
      if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error), 'Hãy nhập lý do không chấp thuận.');
      await access.refuseRequest(actorFromRequest(req), id, parsed.data.reason);
      flash(req, 'success', 'Đã ghi quyết định không chấp thuận đề nghị.');
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
      title: 'Khai thác dữ liệu',
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
      flash(req, 'success', 'Đã gửi đề nghị bổ sung cán bộ khai thác. Vụ Tổ chức phi chính phủ sẽ xét duyệt và bàn giao tài khoản.');
      res.redirect(303, paths.access.exploiterHome());
    },

    /** The removal's confirmation page (issue 18 item 7): who, and what happens to the account. */
    async removeOfficerConfirm(req: Request, res: Response) {
      const organisationId = ownOrganisation(req);
      const user = req.user;
      if (!user) throw new ForbiddenError();
      const officer = await access.officerToRemove({ userId: user.id }, organisationId, idParam(req));
      res.render('partials/confirm', {
        title: 'Thôi sử dụng tài khoản của cán bộ khai thác?',
        details: [
          ['Cán bộ', officer.displayName],
          ['Tên đăng nhập', officer.username],
          ['Thư điện tử', officer.email ?? ''],
        ],
        consequences: [
          'Tài khoản bị khóa ngay; các phiên đăng nhập đang mở của cán bộ kết thúc ở yêu cầu tiếp theo.',
          'Cán bộ không còn xem, tìm kiếm hay tải dữ liệu của cơ sở dữ liệu hội.',
          'Nhật ký khai thác của cán bộ vẫn được giữ. Muốn có lại tài khoản, tổ chức phải đề nghị bổ sung cán bộ và chờ Vụ duyệt.',
        ],
        action: paths.access.removeOfficer(officer.id),
        hidden: {},
        confirmLabel: 'Xác nhận thôi sử dụng tài khoản',
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
      flash(req, 'success', 'Đã khóa tài khoản của cán bộ. Cán bộ không còn truy cập được dữ liệu.');
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
      flash(req, 'success', 'Đã gửi đề nghị gia hạn quyền khai thác.');
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
        title: 'Nhật ký khai thác dữ liệu',
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
        title: 'Tổ chức đã khai thác dữ liệu của hội',
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
