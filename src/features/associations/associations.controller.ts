import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorFromRequest } from '../../lib/auth-context.js';
import { ValidationError } from '../../lib/errors.js';
import { translatorOf } from '../../lib/i18n.js';
import { associationCodeParam } from '../../lib/params.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { SCORE_BANDS, scoreBadge } from '../quality/quality-rules.js';
import { DATA_LEVELS, DECISION_EVENTS, FUND_SOURCES, GROUPS, SCOPES, SECTIONS, SUBLISTS } from '../register-form/definition.js';
import type { CatalogueOptions } from '../register-form/display.js';
import { type FormValues, parseAssociationForm } from '../register-form/schema.js';
import { contentDisposition } from '../reports/reports.export.js';
import { isWithholdable, WITHHOLDABLE, withholdableLabel } from '../withholdings/withholdings.js';
import type { ListCursor, ListFilters, SortKey } from './associations.repository.js';
import { COUNT_CAP, decodeCursor, encodeCursor, SORTS } from './associations.repository.js';
import type { AssociationsService } from './associations.service.js';
import { TERM_COMPLIANCE, TERM_STATE_LABELS } from './congress-term.js';
import { editSectionHandlers } from './edit-sections.controller.js';
import { type FundRow, fundsByYear, fundsChart } from './funds-chart.js';
import { QUARTERLY_BADGE, type QuarterlyState, quarterlyInfo } from './quarterly-update.js';
import { type ExportNames, writeListCsv, writeListXlsx } from './register-list.export.js';

/** What the register's pages read of the data-quality scores (issue 16 item 4, features/quality). */
export interface QualityReader {
  scores(ids: readonly number[]): Promise<Map<number, number>>;
  checklist(associationId: number): Promise<unknown>;
}

/** The list's filter on the stored data-quality score (quality-rules.ts SCORE_BANDS): the select's options. */
const QUALITY_BANDS: Readonly<Record<string, { label: string; min: number; max: number }>> = SCORE_BANDS;
const QUALITY_OPTIONS = Object.entries(QUALITY_BANDS).map(([value, b]) => ({ value, text: b.label }));

const isIsoDate = (s: string): boolean =>
  /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);

export const EDIT_ROLES = ['ngo_staff', 'ngo_lead'] as const;
export const READ_ROLES = ['ngo_staff', 'ngo_lead', 'leader'] as const;
const PAGE_SIZE = 25;

/** The list's filter on the quarterly update state: URL value → state, and the select's options. */
const QUARTERLY_PARAM: Record<string, QuarterlyState> = { 'dung-han': 'dung_han', 'qua-han': 'qua_han', 'khong-ap-dung': 'khong_ap_dung' };
const QUARTERLY_OPTIONS = Object.entries(QUARTERLY_PARAM).map(([value, state]) => ({
  value,
  text: state === 'khong_ap_dung' ? 'Không áp dụng (hội không còn hoạt động)' : QUARTERLY_BADGE[state].label,
}));

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));
const listQuery = z.object({
  q: optionalText(200),
  'linh-vuc': optionalText(40),
  'bo-nganh': optionalText(40),
  'pham-vi': z
    .enum(SCOPES.map(([c]) => c) as [string, ...string[]])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  tinh: optionalText(40),
  'tinh-chat': optionalText(40),
  'trang-thai': optionalText(40),
  'muc-du-lieu': z
    .enum(['raw', 'basic', 'advanced'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  'cong-khai': z
    .enum(['co', 'khong'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  'lanh-dao': optionalText(120),
  'sap-xep': z
    .enum(Object.keys(SORTS) as [SortKey, ...SortKey[]])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  trang: z.coerce.number().int().min(1).max(100_000).optional(),
  'cap-nhat-quy': z
    .enum(Object.keys(QUARTERLY_PARAM) as [string, ...string[]])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  diem: z
    .enum(Object.keys(QUALITY_BANDS) as [string, ...string[]])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  // Keyset links of a list past COUNT_CAP matches: the page after / before a row (register-list.repository.ts).
  sau: optionalText(2000),
  truoc: optionalText(2000),
});

const versionSchema = z.object({ version: z.coerce.number().int().min(1) });

function codeParam(req: Request): string {
  return associationCodeParam(req, 'Không tìm thấy hội với mã này.');
}

function reasonOf(body: unknown): string | null {
  const r = (body as Record<string, unknown> | undefined)?.reason;
  return typeof r === 'string' && r.trim() ? r.trim().slice(0, 500) : null;
}

/** Biểu mẫu 1's definition for the form and record views. */
const FORM_VIEW = {
  groups: GROUPS,
  sublists: SUBLISTS,
  sections: SECTIONS,
};

/**
 * The list's query: its filters (the quarterly update state on `today`), its order, and the parameters to carry in
 * links (paging left out). The list page and its exports read it the same way.
 */
function parseListQuery(req: Request, today: string) {
  const parsed = listQuery.safeParse(req.query);
  if (!parsed.success) throw new ValidationError({ q: 'Điều kiện tìm kiếm không hợp lệ.' });
  const q = parsed.data;
  const quarterly = q['cap-nhat-quy'] ? QUARTERLY_PARAM[q['cap-nhat-quy']] : undefined;
  const filters: ListFilters = {
    q: q.q,
    field: q['linh-vuc'],
    ministry: q['bo-nganh'],
    scope: q['pham-vi'],
    province: q.tinh,
    nature: q['tinh-chat'],
    status: q['trang-thai'],
    dataLevel: q['muc-du-lieu'],
    published: q['cong-khai'] === undefined ? undefined : q['cong-khai'] === 'co',
    leader: q['lanh-dao'],
    quarterly: quarterly ? { state: quarterly, today } : undefined,
    quality: q.diem ? { min: QUALITY_BANDS[q.diem]?.min ?? 0, max: QUALITY_BANDS[q.diem]?.max ?? 100 } : undefined,
  };
  const sort: SortKey = q['sap-xep'] ?? (q.q ? 'ten' : 'cap-nhat');
  const query = Object.fromEntries(
    Object.entries(q).filter(([k, v]) => v !== undefined && k !== 'trang' && k !== 'sau' && k !== 'truoc'),
  ) as Record<string, string>;
  return { q, filters, sort, query };
}

/** Catalogue names of the codes a list row carries (from the catalogues loaded for the filter form). */
function listNames(options: CatalogueOptions): ExportNames {
  const nameIn = (table: string) => {
    const names = new Map((options[table] ?? []).map((o) => [o.code, o.name]));
    return (code: string | null) => (code === null ? null : (names.get(code) ?? code));
  };
  const scopeLabel = new Map<string, string>(SCOPES);
  const levelLabel = new Map<string, string>(DATA_LEVELS);
  return {
    status: nameIn('statuses'),
    field: nameIn('fields'),
    ministry: nameIn('ministries'),
    province: nameIn('provinces'),
    scope: (code) => scopeLabel.get(code) ?? code,
    dataLevel: (code) => levelLabel.get(code) ?? code,
  };
}

/** The staff register list: filters, sorts, pages (by keyset past COUNT_CAP matches). */
async function listPage(service: AssociationsService, req: Request, res: Response, quality?: QualityReader) {
  const today = service.today();
  const { q, filters, sort, query } = parseListQuery(req, today);
  const page = q.trang ?? 1;
  const token = q.sau ?? q.truoc;
  const cursor: ListCursor | null =
    token === undefined || (q.sau !== undefined && q.truoc !== undefined)
      ? null
      : decodeCursor(sort, q.sau !== undefined ? 'after' : 'before', token);
  if (token !== undefined && !cursor)
    throw new ValidationError({ q: 'Liên kết phân trang không hợp lệ. Hãy mở lại danh sách từ trang đầu.' });
  const [{ rows, total, more, next, prev }, options] = await Promise.all([
    service.list(filters, sort, page, PAGE_SIZE, cursor),
    service.catalogueOptions(),
  ]);
  // The rows carry catalogue codes; their names come from the catalogues loaded for the filter form.
  const names = listNames(options);
  // Issue 16 item 4: the stored data-quality score of the page's rows (one query by primary key).
  const scores = quality ? await quality.scores(rows.map((r) => Number(r.id))) : new Map<number, number>();
  const named = rows.map((r) => ({
    ...r,
    status_name: names.status(r.status),
    field_name: names.field(r.main_field_code),
    ministry_name: names.ministry(r.managing_ministry_code),
    province_name: names.province(r.hq_province_code),
    // badge from the row's own status and update time (quarterly-update.ts): no query per row.
    quarterly: quarterlyInfo(r.status, r.updated_at, today),
    quality: scores.has(Number(r.id))
      ? { score: scores.get(Number(r.id)) as number, badge: scoreBadge(scores.get(Number(r.id)) as number) }
      : null,
  }));
  // Past COUNT_CAP matches the pages follow by keyset: links to the neighbouring pages carry their cursor.
  const href = (p: number, c: ListCursor | null) => {
    const params = new URLSearchParams(query);
    if (p > 1) params.set('trang', String(p));
    if (c && p > 1) params.set(c.dir === 'after' ? 'sau' : 'truoc', encodeCursor(c));
    return paths.register.list(params.toString());
  };
  res.render('associations/list', {
    title: translatorOf(req).t('associations:register'),
    rows: named,
    total,
    more,
    countCap: COUNT_CAP,
    page,
    pages: more ? page : Math.max(1, Math.ceil(total / PAGE_SIZE)),
    keyset: more
      ? {
          first: page > 1 ? href(1, null) : null,
          prev: prev && page > 1 ? href(page - 1, prev) : null,
          next: next ? href(page + 1, next) : null,
          // A page number past the counted rows (typed or an old link): it says how to get there.
          tooDeep: !cursor && rows.length === 0 && page > 1,
        }
      : null,
    query,
    sort,
    options,
    scopes: SCOPES,
    dataLevels: DATA_LEVELS,
    quarterlyOptions: QUARTERLY_OPTIONS,
    qualityOptions: quality ? QUALITY_OPTIONS : null,
    // The exports carry the list's filters and order (not its page): the whole list as filtered.
    exportHrefs: {
      csv: paths.register.exportCsv(new URLSearchParams(query).toString()),
      xlsx: paths.register.exportXlsx(new URLSearchParams(query).toString()),
    },
    canEdit: hasAnyRole(req.user?.roles ?? [], [...EDIT_ROLES]),
  });
}

/** The whole filtered list as CSV or Excel (issue 16): audited, streamed, formula-looking text neutralised. */
async function listExport(service: AssociationsService, req: Request, res: Response, format: 'csv' | 'xlsx') {
  const { filters, sort, query } = parseListQuery(req, service.today());
  const options = await service.catalogueOptions();
  const result = await service.exportList(actorFromRequest(req), filters, sort, query, format);
  const fileBase = `Sổ đăng ký hội - ${result.today}`; // server-text: the export's file name, in Vietnamese like its contents
  res.setHeader('Cache-Control', 'no-store');
  if (format === 'csv') {
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', contentDisposition(`${fileBase}.csv`));
    await writeListCsv(res, result.chunks(), listNames(options));
  } else {
    res.setHeader('Content-Type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    res.setHeader('Content-Disposition', contentDisposition(`${fileBase}.xlsx`));
    // server-text: properties of the exported workbook, in Vietnamese like its contents
    await writeListXlsx(res, result.chunks(), listNames(options), { title: 'Sổ đăng ký hội', creator: 'CSDL hội — Bộ Nội vụ' });
  }
  res.end();
}

/** Biểu mẫu 1 on the staff form for a new record (the edit is a task list: edit-sections.controller.ts). */
function formHandlers(service: AssociationsService) {
  async function renderForm(
    res: Response,
    status: number,
    locals: {
      mode: 'create' | 'edit';
      values: FormValues;
      errors: Record<string, string>;
      record?: unknown;
      version?: number;
      reason?: string;
      conflict?: unknown;
    },
  ) {
    const options = await service.catalogueOptions();
    res.status(status).render('associations/form', {
      title: translatorOf(res.req).t(locals.mode === 'create' ? 'form:create.heading' : 'form:create.editTitle'),
      ...FORM_VIEW,
      options,
      record: null,
      version: 0,
      reason: '',
      conflict: null,
      ...locals,
    });
  }

  return {
    async newForm(_req: Request, res: Response) {
      await renderForm(res, 200, {
        mode: 'create',
        values: { fields: { scope: 'toan_quoc', status: 'hoat_dong', data_level: 'raw', kind_code: 'hoi' }, lists: {} },
        errors: {},
      });
    },

    async create(req: Request, res: Response) {
      const options = await service.catalogueOptions();
      const parsed = parseAssociationForm(req.body, service.codesOf(options));
      const reason = reasonOf(req.body);
      if (!parsed.ok) return renderForm(res, 400, { mode: 'create', values: parsed.values, errors: parsed.errors, reason: reason ?? '' });
      try {
        const row = await service.create(actorFromRequest(req), parsed.input, reason);
        flash(req, 'success', translatorOf(req).t('form:flash.created', { name: row.name, code: row.code }));
        res.redirect(303, paths.register.record(row.code));
      } catch (err) {
        if (err instanceof ValidationError)
          return renderForm(res, 400, { mode: 'create', values: parsed.values, errors: err.fieldErrors, reason: reason ?? '' });
        throw err;
      }
    },
  };
}

/** The record page and its actions: publish, paper check, withhold a field, history with diffs. */
function recordHandlers(
  service: AssociationsService,
  documents: { listForAssociation(associationId: number): Promise<unknown[]> },
  quality?: QualityReader,
) {
  /** The staff record page; `withholdForm`: the withholding form sent back with its errors (status 400). */
  async function renderShow(
    req: Request,
    res: Response,
    withholdForm: { errors: Record<string, string>; values: Record<string, string> } | null = null,
    status = 200,
  ) {
    const code = codeParam(req);
    const full = await service.get(code);
    const options = await service.catalogueOptions();
    if ((full.lists.leaders ?? []).length > 0) await service.recordPersonalDataView(actorFromRequest(req), code);
    const funds = (full.lists.funds ?? []) as unknown as FundRow[];
    res.status(status).render('associations/show', {
      title: full.record.name,
      full,
      documents: await documents.listForAssociation(full.record.id),
      // Issue 16 item 4: the stored data-quality score and its checklist (the row the lists sort on).
      qualityChecklist: quality ? await quality.checklist(full.record.id) : null,
      options,
      ...FORM_VIEW,
      termLabels: TERM_STATE_LABELS,
      termCompliance: TERM_COMPLIANCE,
      funds: { years: fundsByYear(funds), chart: fundsChart(funds) },
      display: service.display,
      decisionEvents: DECISION_EVENTS,
      fundSources: FUND_SOURCES,
      canEdit: hasAnyRole(req.user?.roles ?? [], [...EDIT_ROLES]),
      withholding: {
        ...(await service.withholdingsOf(full.record.id)),
        fields: WITHHOLDABLE.map((d) => ({ name: d.name, label: withholdableLabel(d.name) })),
        form: withholdForm,
      },
    });
  }

  return {
    show: (req: Request, res: Response) => renderShow(req, res),

    /** Issue 16 item 1: withhold a public field (reason required, optional last day) or lift it (`bo=1`). */
    async withhold(req: Request, res: Response) {
      const code = codeParam(req);
      const body = req.body as Record<string, unknown>;
      const v = versionSchema.safeParse(body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của hồ sơ.' });
      const field = typeof body.field === 'string' ? body.field : '';
      if (!isWithholdable(field)) throw new ValidationError({ field: 'Trường được chọn không thể không công khai.' });
      if (body.bo === '1') {
        await service.setWithholding(actorFromRequest(req), code, v.data.version, field, null);
        flash(req, 'success', translatorOf(req).t('associations:withholding.flashLifted', { field: withholdableLabel(field) }));
        return res.redirect(303, paths.register.record(code));
      }
      const reason = typeof body.reason === 'string' ? body.reason.trim() : '';
      const until = typeof body.until === 'string' ? body.until.trim() : '';
      const errors: Record<string, string> = {};
      if (!reason) errors.withhold_reason = 'Nhập lý do không công khai trường này.';
      else if (reason.length > 1000) errors.withhold_reason = 'Lý do dài quá 1.000 ký tự.';
      const today = service.today();
      if (until && !isIsoDate(until)) errors.withhold_until = 'Ngày kết thúc không hợp lệ.';
      else if (until && until < today) errors.withhold_until = 'Ngày kết thúc không được trước hôm nay.';
      if (Object.keys(errors).length > 0) {
        return renderShow(req, res, { errors, values: { field, reason, until } }, 400);
      }
      await service.setWithholding(actorFromRequest(req), code, v.data.version, field, { reason, until: until || null });
      flash(req, 'success', translatorOf(req).t('associations:withholding.flashWithheld', { field: withholdableLabel(field) }));
      res.redirect(303, paths.register.record(code));
    },

    async publish(req: Request, res: Response) {
      const code = codeParam(req);
      const v = versionSchema.safeParse(req.body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của hồ sơ.' });
      const published = (req.body as Record<string, unknown>).published === '1';
      await service.setPublished(actorFromRequest(req), code, published, v.data.version);
      flash(req, 'success', translatorOf(req).t(published ? 'associations:flash.published' : 'associations:flash.unpublished'));
      res.redirect(303, paths.register.record(code));
    },

    async paperCheck(req: Request, res: Response) {
      const code = codeParam(req);
      const v = versionSchema.safeParse(req.body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của hồ sơ.' });
      const ref = (req.body as Record<string, unknown>).paper_dossier_ref;
      const dossierRef = typeof ref === 'string' && ref.trim() ? ref.trim().slice(0, 200) : null;
      await service.markPaperChecked(actorFromRequest(req), code, v.data.version, dossierRef);
      flash(req, 'success', translatorOf(req).t('associations:flash.paperChecked'));
      res.redirect(303, paths.register.record(code));
    },

    async history(req: Request, res: Response) {
      const code = codeParam(req);
      const { record, versions } = await service.history(code);
      const q = z
        .object({ tu: z.coerce.number().int().min(1).optional(), den: z.coerce.number().int().min(1).optional() })
        .safeParse(req.query);
      let comparison = null;
      if (q.success && q.data.tu && q.data.den) comparison = await service.diff(code, q.data.tu, q.data.den);
      res.render('associations/history', {
        title: translatorOf(req).t('associations:history.title', { name: record.name }),
        record,
        versions,
        comparison,
      });
    },
  };
}

export function createAssociationsController(
  service: AssociationsService,
  documents: { listForAssociation(associationId: number): Promise<unknown[]> },
  quality?: QualityReader,
) {
  return {
    list: (req: Request, res: Response) => listPage(service, req, res, quality),
    exportCsv: (req: Request, res: Response) => listExport(service, req, res, 'csv'),
    exportXlsx: (req: Request, res: Response) => listExport(service, req, res, 'xlsx'),
    ...formHandlers(service),
    ...editSectionHandlers(service),
    ...recordHandlers(service, documents, quality),
  };
}
