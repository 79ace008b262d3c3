import type { Request, Response } from 'express';
import { type AuthUser, actorFromRequest } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import { fieldErrors } from '../../lib/forms.js';
import { DEFAULT_LANG, type Lang, type Translate, translator, translatorOf } from '../../lib/i18n.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { associationCodesOf, type ExploitationLogService } from '../access/exploitation-log.service.js';
import { canReadCategory, canSeePersonal, REPORT_ROLES } from '../access/report-access.js';
import { TRACKED_TERM_STATE_LABELS } from '../associations/congress-term.js';
import { LEGAL_DOC_TYPES } from '../legal-documents/legal-documents.schemas.js';
import { SCOPES } from '../register-form/definition.js';
import { CATEGORIES, type CategoryDef, categoryByKey } from './categories.js';
import { estimatePrintPages, PRINT_WARN_PAGES, printOrientation } from './print-layout.js';
import { PAGE_SIZE } from './report-builder.js';
import type { Report } from './report-model.js';
import { contentDisposition, writeCsv, writeXlsx } from './reports.export.js';
import { columnsFromQuery, filtersFromQuery, queryFromFilters, type ReportQuery, reportQuery, savedReportForm } from './reports.schemas.js';
import type { ReportsService } from './reports.service.js';

const REFUSED_CATEGORY = 'Bạn chưa được cấp quyền khai thác loại thông tin này.';

function categoryOf(req: Request, key: string = String(req.params.category ?? '')): CategoryDef {
  const category = categoryByKey(key);
  if (!category) throw new NotFoundError('Không có loại báo cáo này.');
  // The one place a per-category grant is checked (exploiters' scopes, R-14).
  if (!canReadCategory(req.user, category.key)) throw new ForbiddenError(REFUSED_CATEGORY);
  return category;
}

function parseQuery(query: unknown): ReportQuery {
  const parsed = reportQuery.safeParse(query);
  if (!parsed.success) throw new ValidationError(fieldErrors(parsed.error), 'Điều kiện lọc của báo cáo không hợp lệ.');
  return parsed.data;
}

/** 12/05/2026 → "ngày 12 tháng 05 năm 2026" (Decree 30/2020 place-and-date line). */
function vietnameseDateLine(iso: string): string {
  return `ngày ${iso.slice(8, 10)} tháng ${iso.slice(5, 7)} năm ${iso.slice(0, 4)}`;
}

/**
 * A category as the screen shows it: its title and description in the reader's language (locales/<lang>/reports.json,
 * `categories.<key>`). Exports and the printed document keep the Vietnamese of categories.ts, the language of record.
 */
function shownCategory(category: CategoryDef, t: Translate): CategoryDef {
  return {
    ...category,
    title: t(`reports:categories.${category.key}.title`),
    description: t(`reports:categories.${category.key}.description`),
  };
}

/** The rows a print carries: a list printed page by page (report a) prints the page's rows, what the audit and a fee count. */
function printedRows(category: CategoryDef, report: Report): number {
  return category.printsPage ? report.tables.reduce((n, t) => n + t.rows.length, 0) : report.rowCount;
}

/**
 * The print link's query: a list printed page by page prints the page shown — for report a, whose screen shows fewer
 * rows a page (`screenRows`) than a printed page (PAGE_SIZE), the printed page that holds the rows shown.
 */
function printQuery(category: CategoryDef, page: number | undefined): Record<string, number> {
  if (!category.printsPage || !page || page <= 1) return { print: 1 };
  const printPage = category.screenRows ? Math.floor(((page - 1) * category.screenRows) / PAGE_SIZE) + 1 : page;
  return printPage > 1 ? { trang: printPage, print: 1 } : { print: 1 };
}

/** The report page's locals for a reader (the page itself, and a staff preview of it as an exploiter would see it). */
async function pageLocals(
  reports: ReportsService,
  user: AuthUser | undefined,
  category: CategoryDef,
  p: {
    report: Report;
    options: unknown;
    query: Record<string, string>;
    q: ReportQuery;
    columns: string[] | undefined;
    template: { id: number; name: string } | null;
    extra: { errors?: Record<string, string>; saveName?: string };
    t: Translate;
  },
): Promise<Record<string, unknown>> {
  const { report, options, query, q, columns, template, extra, t } = p;
  const qs = new URLSearchParams(query).toString();
  const shown = shownCategory(category, t);
  return {
    title: t('reports:report.pageTitle', { letter: category.letter, title: shown.title }),
    category: shown,
    report: report as Report,
    options,
    query,
    qs,
    printQuery: printQuery(category, q.trang),
    scopes: SCOPES,
    termStates: Object.entries(TRACKED_TERM_STATE_LABELS),
    docTypes: LEGAL_DOC_TYPES,
    customColumns: reports.customColumns,
    chosenColumns: columns ?? [],
    savedReports: category.key === 'n' && user ? await reports.savedReports(user.id) : [],
    template,
    saveName: extra.saveName ?? template?.name ?? '',
    errors: extra.errors ?? {},
    // The link of an association's code in a table: its record for the ministry, report (a) for an exploiter.
    associationHref: hasAnyRole(user?.roles ?? [], REPORT_ROLES)
      ? paths.register.record
      : canReadCategory(user, 'a')
        ? (code: string) => paths.reports.category('a', { ma: code })
        : null,
    canEditDocuments: !!user && user.roles.some((r) => r === 'ngo_staff' || r === 'ngo_lead'),
  };
}

/**
 * Report (a)'s one-association page (`?ma=`) as a given reader sees it, for a staff preview ("xem như", issue 16):
 * the same category check, report build and page locals as a real request, but nothing is logged or charged
 * (no exploitation-log row, no personal-data audit: the reader is not real). A reader without (a) gets the refusal.
 */
async function associationPreview(
  reports: ReportsService,
  viewer: AuthUser,
  code: string,
  lang: Lang = DEFAULT_LANG,
): Promise<{ view: string; locals: Record<string, unknown> } | { refused: string }> {
  const category = categoryByKey('a');
  if (!category || !canReadCategory(viewer, category.key)) return { refused: REFUSED_CATEGORY };
  const q = parseQuery({ ma: code });
  const filters = filtersFromQuery(q);
  const { report, options } = await reports.build(category, filters, { page: 1 }, { personal: canSeePersonal(viewer), ownerId: viewer.id });
  const query = queryFromFilters(filters);
  const locals = await pageLocals(reports, viewer, category, {
    report,
    options,
    query,
    q,
    columns: undefined,
    template: null,
    extra: {},
    t: translator(lang).t,
  });
  return { view: 'reports/report', locals };
}

/** The custom list (n): a saved template's filters and columns, or the columns chosen on the page. */
async function customList(
  reports: ReportsService,
  req: Request,
  q: ReportQuery,
): Promise<{ filters: ReturnType<typeof filtersFromQuery>; columns: string[]; template: { id: number; name: string } | null }> {
  const user = req.user;
  if (q.mau && user) {
    const saved = await reports.savedReport(user.id, q.mau);
    return { filters: filtersFromQuery(parseQuery(saved.query)), columns: saved.columns, template: { id: saved.id, name: saved.name } };
  }
  const chosen = columnsFromQuery(
    req.method === 'POST' ? (req.body as Record<string, unknown>) : (req.query as Record<string, unknown>),
    reports.customNames,
  );
  if (chosen === null) throw new ValidationError({ cot: 'Cột được chọn không hợp lệ.' }, 'Cột được chọn không hợp lệ.');
  return { filters: filtersFromQuery(q), columns: chosen, template: null };
}

export function createReportsController(deps: { reports: ReportsService; exploitationLog: ExploitationLogService; clock: Clock }) {
  const { reports, exploitationLog, clock } = deps;

  async function render(
    req: Request,
    res: Response,
    category: CategoryDef,
    q: ReportQuery,
    extra: { status?: number; errors?: Record<string, string>; saveName?: string } = {},
  ) {
    const user = req.user;
    const { filters, columns, template } =
      category.key === 'n' ? await customList(reports, req, q) : { filters: filtersFromQuery(q), columns: undefined, template: null };
    const personal = canSeePersonal(user);
    const withhold = !hasAnyRole(user?.roles ?? [], REPORT_ROLES); // issue 16 item 1: withheld fields stay out
    const context = { personal, withhold, ownerId: user?.id ?? null, ...(columns ? { columns } : {}) };
    const query = { ...queryFromFilters(filters), ...Object.fromEntries((columns ?? []).map((c) => [`cot.${c}`, '1'])) };
    // A print of more than PRINT_WARN_PAGES pages asks first (its first page is built to count the rows) and offers
    // the Excel file instead (issue 18 item 3); the print itself is built, audited and logged once confirmed.
    if (q.print && !category.printsPage && !q['in-tiep']) {
      const probe = (await reports.build(category, filters, { page: 1 }, context)).report;
      const pages = estimatePrintPages(probe);
      if (pages > PRINT_WARN_PAGES) {
        const shown = shownCategory(category, translatorOf(req).t);
        res.render('reports/print-confirm', { title: shown.title, category: shown, query, pages, rows: probe.rowCount });
        return;
      }
    }
    // Files carry every row; a print view too, but for a list too long to print whole (report a), the page shown.
    const exporting = q.format !== undefined || (q.print !== undefined && !category.printsPage);
    // On screen, report a shows `screenRows` a page; its print, PAGE_SIZE.
    const size = !exporting && !q.print && category.screenRows ? { size: category.screenRows } : {};
    const { report, options } = await reports.build(category, filters, { page: exporting ? null : (q.trang ?? 1), ...size }, context);
    const actor = actorFromRequest(req);
    const today = vietnamToday(clock.now());
    // server-text: the export's file name (an export is in Vietnamese whatever the reader's language)
    const fileBase = `Báo cáo ${category.letter} - ${category.title} - ${today}`;
    // every read and export by an exploiter or organisation manager goes through this one entry point.
    const logUse = (format: 'html' | 'csv' | 'xlsx' | 'print', rows = report.rowCount) =>
      exploitationLog.record({
        user,
        category: category.key,
        filters: query,
        rows,
        format,
        associationCodes: associationCodesOf(report, query),
      });

    if (q.format === 'csv') {
      await reports.recordExport(actor, category.key, query, report.rowCount, 'csv');
      await logUse('csv');
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', contentDisposition(`${fileBase}.csv`));
      await writeCsv(report.tables, res);
      res.end();
      return;
    }
    if (q.format === 'xlsx') {
      await reports.recordExport(actor, category.key, query, report.rowCount, 'xlsx');
      await logUse('xlsx');
      res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
      res.setHeader('Content-Disposition', contentDisposition(`${fileBase}.xlsx`));
      await writeXlsx(report.tables, res, { title: category.title, creator: 'CSDL hội — Bộ Nội vụ' });
      res.end();
      return;
    }
    if (category.personal && personal && report.rowCount > 0)
      await reports.recordPersonalDataView(actor, category.key, query, report.rowCount);
    if (q.print) {
      const printed = printedRows(category, report);
      await reports.recordExport(actor, category.key, query, printed, 'print');
      await logUse('print', printed);
      res.render('reports/print', {
        title: category.title,
        category,
        report,
        query,
        dateLine: vietnameseDateLine(today),
        // The document itself is in Vietnamese whatever the reader's language; the screen controls follow `t`.
        doc: translator('vi'),
        orientation: printOrientation(report),
      });
      return;
    }
    if ((extra.status ?? 200) === 200) await logUse('html');
    res
      .status(extra.status ?? 200)
      .render(
        'reports/report',
        await pageLocals(reports, user, category, { report, options, query, q, columns, template, extra, t: translatorOf(req).t }),
      );
  }

  return {
    associationPreview: (viewer: AuthUser, code: string, lang?: Lang) => associationPreview(reports, viewer, code, lang),

    index(req: Request, res: Response) {
      const categories = CATEGORIES.filter((c) => canReadCategory(req.user, c.key));
      // An exploiter whose grant expired, was revoked or suspended reads nothing: 403, not an empty page.
      if (categories.length === 0)
        throw new ForbiddenError('Bạn chưa được cấp quyền khai thác loại thông tin nào, hoặc quyền đã hết hiệu lực.');
      const { t } = translatorOf(req);
      res.render('reports/index', { title: t('reports:index.title'), categories: categories.map((c) => shownCategory(c, t)) });
    },

    async show(req: Request, res: Response) {
      const category = categoryOf(req);
      await render(req, res, category, parseQuery(req.query));
    },

    /** POST /bao-cao/n/mau: save the custom list's columns and filters under a name (owner only). */
    async saveCustom(req: Request, res: Response) {
      const category = categoryOf(req, 'n');
      const body = req.body as Record<string, unknown>;
      const q = parseQuery({ ...body, format: undefined, print: undefined, mau: undefined, trang: undefined });
      const columns = columnsFromQuery(body, reports.customNames);
      if (columns === null) throw new ValidationError({ cot: 'Cột được chọn không hợp lệ.' });
      const name = savedReportForm.safeParse(body);
      const errors: Record<string, string> = {};
      if (!name.success) Object.assign(errors, fieldErrors(name.error));
      if (columns.length === 0) errors.cot = 'Chọn ít nhất một cột trước khi lưu mẫu.';
      if (Object.keys(errors).length || !name.success) {
        return render(req, res, category, q, { status: 400, errors, saveName: typeof body.name === 'string' ? body.name : '' });
      }
      const user = req.user;
      if (!user) throw new ForbiddenError();
      const id = await reports.saveReport(
        { ...actorFromRequest(req), userId: user.id },
        name.data.name,
        columns,
        queryFromFilters(filtersFromQuery(q)),
      );
      res.redirect(303, paths.reports.category('n', { mau: id }));
    },
  };
}
