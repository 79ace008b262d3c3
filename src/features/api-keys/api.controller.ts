/**
 * The data API for exploiting organisations (issue 17 item 3): JSON, GET only, `Authorization: Bearer <key>`, no
 * session and no cookie. The key's scope is its organisation's effective access, read by the same policy as the
 * officers' report pages (report-access.ts canReadCategory / canSeePersonal), and the reports are built by the same
 * builders (reports.service.ts `build`, withheld fields left out as for an exploiter). Every answer that carries
 * data is written to the exploitation log through its one entry point, as format 'api' (charged like an export
 * where a fee schedule applies, R-8.7), with the key's id.
 */
// server-text-file: the data API's JSON error messages, read by programs, not HTML pages (the API documents its messages as Vietnamese).
import type { NextFunction, Request, Response } from 'express';
import type { Actor } from '../../lib/auth-context.js';
import { AppError, ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { fieldErrors } from '../../lib/forms.js';
import type { Role } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { type GuardedHandler, mark } from '../../middleware/auth.js';
import { BLOCK_LABELS, type EffectiveAccess } from '../access/effective-access.js';
import { associationCodesOf, type ExploitationLogService } from '../access/exploitation-log.service.js';
import { canReadCategory, canSeePersonal } from '../access/report-access.js';
import { CATEGORIES, type CategoryDef, categoryByKey } from '../reports/categories.js';
import { PAGE_SIZE } from '../reports/report-builder.js';
import type { Report, ReportTable } from '../reports/report-model.js';
import { columnsFromQuery, filtersFromQuery, queryFromFilters, reportQuery } from '../reports/reports.schemas.js';
import type { ReportsService } from '../reports/reports.service.js';
import type { ApiKeyRow } from './api-keys.repository.js';
import { type ApiKeysService, REFUSAL_MESSAGES } from './api-keys.service.js';
import { bearerToken } from './api-token.js';

/** What the guard found: the key and its organisation's access at this call. */
export interface ApiCaller {
  key: ApiKeyRow;
  access: EffectiveAccess;
}

/** Query parameters the web report takes that mean nothing here (files, print, saved lists). */
const WEB_ONLY = ['format', 'print', 'mau'] as const;

function caller(res: Response): ApiCaller {
  const c = res.locals.apiCaller as ApiCaller | undefined;
  if (!c) throw new ForbiddenError();
  return c;
}

/** The per-key rate limit's bucket: the key the guard accepted (the limiter runs after the guard). */
export function rateLimitKeyOf(req: Request): string {
  const c = req.res?.locals.apiCaller as ApiCaller | undefined;
  return c ? `api-key:${c.key.id}` : 'api-key:none';
}

/** The reader the access policy sees: an officer of the key's organisation (the key reads what its officers read). */
function readerOf(c: ApiCaller): { roles: Role[]; access: EffectiveAccess } {
  return { roles: ['exploiter'], access: c.access };
}

/** The guard of every /api/v1 route: a valid key of an organisation whose access is in force. */
export function requireApiKey(keys: Pick<ApiKeysService, 'authenticate'>): GuardedHandler {
  return mark(
    (req, res, next) => {
      keys
        .authenticate(bearerToken(req.headers.authorization))
        .then((auth) => {
          if (!auth.ok) {
            res.setHeader('WWW-Authenticate', `Bearer realm="csdl-hoi", error="invalid_token"`);
            res.status(401).json({ error: 'unauthorized', message: REFUSAL_MESSAGES[auth.refusal], requestId: String(req.id ?? '') });
            return;
          }
          if (auth.access.blocked !== null) {
            res.status(403).json({ error: 'forbidden', message: BLOCK_LABELS[auth.access.blocked], requestId: String(req.id ?? '') });
            return;
          }
          res.locals.apiCaller = { key: auth.key, access: auth.access } satisfies ApiCaller;
          next();
        })
        .catch(next);
    },
    { kind: 'api_key' },
  );
}

/** A table as JSON: its columns (key, label, type), rows keyed by column, totals and paging. */
function tableJson(t: ReportTable) {
  return {
    id: t.id,
    title: t.title,
    columns: t.columns.map((c) => ({ key: c.key, label: c.label, type: c.type })),
    rows: t.rows.map((r) => Object.fromEntries(t.columns.map((c) => [c.key, r[c.key] ?? null]))),
    totals: t.totals ? Object.fromEntries(t.columns.map((c) => [c.key, t.totals?.[c.key] ?? null])) : null,
    count: t.count ?? t.rows.length,
    ...(t.countAtLeast ? { count_at_least: true } : {}),
    page: t.page ?? 1,
    pages: t.pages ?? 1,
    ...(t.note ? { note: t.note } : {}),
  };
}

function rowsCarried(report: Report): number {
  return report.tables.reduce((n, t) => n + t.rows.length, 0);
}

function categoryJson(c: CategoryDef) {
  return {
    key: c.key,
    letter: c.letter,
    title: c.title,
    description: c.description,
    filters: c.filters,
    url: `/api/v1${paths.reports.category(c.key)}`,
  };
}

export function createApiController(deps: { reports: ReportsService; exploitationLog: ExploitationLogService }) {
  const { reports, exploitationLog } = deps;

  /** The same builder as the web report, as an exploiter of the key's organisation would read it, one page at a time. */
  async function buildFor(req: Request, c: ApiCaller, category: CategoryDef, query: Record<string, unknown>) {
    const reader = readerOf(c);
    if (!canReadCategory(reader, category.key)) throw new ForbiddenError('Khóa API không được cấp quyền khai thác loại thông tin này.');
    const clean = Object.fromEntries(Object.entries(query).filter(([k]) => !(WEB_ONLY as readonly string[]).includes(k)));
    const parsed = reportQuery.safeParse(clean);
    if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error), 'Điều kiện lọc của báo cáo không hợp lệ.');
    const columns = category.key === 'n' ? columnsFromQuery(query, reports.customNames) : undefined;
    if (columns === null) throw new ValidationError({ cot: 'Cột được chọn không hợp lệ.' }, 'Cột được chọn không hợp lệ.');
    const filters = filtersFromQuery(parsed.data);
    const personal = canSeePersonal(reader);
    const { report } = await reports.build(
      category,
      filters,
      { page: parsed.data.trang ?? 1 },
      { personal, withhold: true, ownerId: null, ...(columns ? { columns } : {}) },
    );
    const logged = { ...queryFromFilters(filters), ...Object.fromEntries((columns ?? []).map((k) => [`cot.${k}`, '1'])) };
    if (parsed.data.trang) logged.trang = String(parsed.data.trang);
    const rows = rowsCarried(report);
    const actor: Actor = {
      userId: c.key.created_by,
      username: null,
      roles: ['org_manager'],
      ip: req.ip ?? null,
      requestId: String(req.id ?? ''),
    };
    if (category.personal && personal && rows > 0) await reports.recordPersonalDataView(actor, category.key, logged, rows);
    // the one entry point of the exploitation log; the row's user is the key's creator, with the key's id.
    await exploitationLog.record({
      user: { id: c.key.created_by, roles: ['org_manager'], organisationId: c.key.organisation_id },
      category: category.key,
      filters: logged,
      rows,
      format: 'api',
      associationCodes: associationCodesOf(report, logged),
      apiKeyId: c.key.id,
    });
    return { report, filters: logged };
  }

  return {
    /** GET /api/v1/bao-cao: the categories the key may read, and the grant behind them. */
    scope(_req: Request, res: Response) {
      const c = caller(res);
      const reader = readerOf(c);
      res.json({
        organisation_id: c.key.organisation_id,
        key: { prefix: c.key.prefix, label: c.key.label, expires_at: c.key.expires_at },
        grant: { personal: canSeePersonal(reader), expires_at: c.access.expiresAt },
        data: CATEGORIES.filter((cat) => canReadCategory(reader, cat.key)).map(categoryJson),
      });
    },

    /** GET /api/v1/bao-cao/:category: one page (at most PAGE_SIZE rows per list) of a report in scope. */
    async report(req: Request, res: Response) {
      const c = caller(res);
      const category = categoryByKey(String(req.params.category ?? ''));
      if (!category) throw new NotFoundError('Không có loại báo cáo này.');
      const { report, filters } = await buildFor(req, c, category, req.query as Record<string, unknown>);
      res.json({
        category: category.key,
        letter: category.letter,
        title: report.title,
        filters,
        filter_text: report.filterText.map(([label, value]) => ({ label, value })),
        page_size: PAGE_SIZE,
        message: report.message ?? null,
        tables: report.tables.map(tableJson),
      });
    },

    /** GET /api/v1/hoi/:code: one association's record as report (a) shows it, within the grant. */
    async association(req: Request, res: Response) {
      const c = caller(res);
      const code = String(req.params.code ?? '').toUpperCase();
      if (!/^H\d{6}$/.test(code)) throw new NotFoundError('Mã hội có dạng H000123.');
      const category = categoryByKey('a') as CategoryDef;
      const { report } = await buildFor(req, c, category, { ma: code });
      res.json({ code, tables: report.tables.map(tableJson) });
    },

    /** Unknown paths under /api/v1. */
    notFound(_req: Request, res: Response) {
      res.status(404).json({ error: 'not_found', message: 'Không có địa chỉ này trong API.' });
    },

    /** Errors as JSON (never the HTML error page): status and the public message only. */
    errors(err: unknown, req: Request, res: Response, next: NextFunction) {
      if (res.headersSent) return next(err);
      const status = err instanceof AppError ? err.status : 500;
      if (status >= 500) return next(err);
      res.status(status).json({
        error: status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status === 400 ? 'bad_request' : 'error',
        message: err instanceof AppError ? err.publicMessage : null,
        ...(err instanceof ValidationError ? { fields: err.fieldErrors } : {}),
        requestId: String(req.id ?? ''),
      });
    },
  };
}
