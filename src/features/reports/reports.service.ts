/**
 * The reports: each category's tables, totals and chart from the repository's figures, the filters checked
 * against the catalogues, the audit of exports and of personal-data views, the custom lists (n) and the dashboard.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import { TERM_STATE_LABELS, type TermState } from '../associations/congress-term.js';
import type { AuditService } from '../audit/audit.service.js';
import type { CatalogueOption } from '../catalogues/catalogues.service.js';
import type { LegalDocumentsRepository } from '../legal-documents/legal-documents.repository.js';
import { LEGAL_DOC_TYPE_CODES, LEGAL_DOC_TYPES } from '../legal-documents/legal-documents.schemas.js';
import { ALL_FIELDS, DECISION_EVENTS, type FieldDef, FUND_SOURCES, fixedOptionLabel, GROUPS, SCOPES } from '../register-form/definition.js';
import type { CategoryDef, CategoryKey } from './categories.js';
import type { ChartSpec, ColumnType, Report, ReportColumn, ReportRow, ReportTable } from './report-model.js';
import type { GroupKey, ReportsRepository, TermFilters } from './reports.repository.js';
import type { ReportFilters } from './reports.schemas.js';

type Options = Record<string, CatalogueOption[]>;

export const PAGE_SIZE = 100;
/** Pages of the leaders lists (d, đ) count at most this many rows (more than 10 pages past the one shown). */
export const LEADER_COUNT_CAP = 10_000;
/** Detail lists under a summary (b, c, h, i, l) show at most this many rows on the page; exports carry them all. */
const SCOPE_LABEL: Record<string, string> = Object.fromEntries(SCOPES);
const SCOPE_SHORT: Record<string, string> = { toan_quoc: 'Toàn quốc', lien_tinh: 'Liên tỉnh', tinh: 'Tỉnh', xa: 'Xã', huyen: 'Huyện' };
const FUND_LABEL: Record<string, string> = Object.fromEntries(FUND_SOURCES);
const GENDER_LABEL: Record<string, string> = { nam: 'Nam', nu: 'Nữ', khac: 'Khác' };
const OFFICIAL_LABEL: Record<string, string> = { khong: 'Không', dang_chuc: 'Đương chức', nghi_huu: 'Đã nghỉ hưu' };
const NONE = 'Chưa xác định';

/** Scalar fields of the record a custom list (n) may show: the field catalogue minus the multi-valued one. */
export const CUSTOM_COLUMNS: readonly FieldDef[] = [
  { name: 'code', label: 'Mã hội', type: 'text' },
  ...ALL_FIELDS.filter((f) => f.type !== 'multiselect' && f.type !== 'textarea'),
];
const CUSTOM_NAMES = CUSTOM_COLUMNS.map((f) => f.name);

export interface Paging {
  /** null: every row (exports). */
  page: number | null;
}

function columnType(def: FieldDef): ColumnType {
  switch (def.type) {
    case 'int':
      return 'int';
    case 'year':
      return 'year';
    case 'decimal':
      return 'decimal';
    case 'money':
      return 'money';
    case 'date':
      return 'date';
    case 'bool':
      return 'bool';
    default:
      return 'text';
  }
}

function sum(rows: ReportRow[], key: string): number {
  return rows.reduce((s, r) => s + Number(r[key] ?? 0), 0);
}

function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1 + months, d));
  if (date.getUTCDate() !== d) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

/** The first day of the quarter that contains `iso` (R-13.2 quarterly cycle), midnight in Viet Nam. */
export function quarterStart(iso: string): Date {
  const [y, m] = iso.split('-').map(Number) as [number, number];
  const month = Math.floor((m - 1) / 3) * 3 + 1;
  return new Date(`${y}-${String(month).padStart(2, '0')}-01T00:00:00+07:00`);
}

export function createReportsService(deps: {
  db: Knex;
  repo: ReportsRepository;
  legalDocuments: LegalDocumentsRepository;
  audit: AuditService;
  clock: Clock;
  catalogues: { loadAll(): Promise<Options> };
}) {
  const { db, repo, legalDocuments, audit, clock, catalogues } = deps;

  const nameOf = (options: Options, table: string, code: string | null | undefined): string =>
    code ? (options[table]?.find((o) => o.code === code)?.name ?? code) : NONE;

  /** Codes in a filter must exist in their catalogue: anything else is a 400 with a Vietnamese message. */
  function checkFilters(f: ReportFilters, options: Options): void {
    const errors: Record<string, string> = {};
    const check = (value: string | undefined, table: string, key: string, label: string) => {
      if (value !== undefined && !options[table]?.some((o) => o.code === value)) errors[key] = `${label} không có trong danh mục.`;
    };
    check(f.field, 'fields', 'linh-vuc', 'Lĩnh vực');
    check(f.ministry, 'ministries', 'bo-nganh', 'Bộ, ngành');
    check(f.province, 'provinces', 'tinh', 'Tỉnh, thành phố');
    check(f.nature, 'natures', 'tinh-chat', 'Tính chất');
    check(f.status, 'statuses', 'trang-thai', 'Trạng thái');
    check(f.position, 'leader_positions', 'chuc-vu', 'Chức vụ');
    if (f.docType !== undefined && !LEGAL_DOC_TYPE_CODES.includes(f.docType)) errors.loai = 'Loại văn bản không có trong danh mục.';
    if (Object.keys(errors).length) throw new ValidationError(errors, 'Điều kiện lọc của báo cáo không hợp lệ.');
  }

  function filterText(f: ReportFilters, options: Options): Array<[string, string]> {
    const out: Array<[string, string]> = [];
    if (f.code) out.push(['Mã hội', f.code]);
    if (f.field) out.push(['Lĩnh vực', nameOf(options, 'fields', f.field)]);
    if (f.ministry) out.push(['Bộ, ngành quản lý', nameOf(options, 'ministries', f.ministry)]);
    if (f.scope) out.push(['Phạm vi', SCOPE_LABEL[f.scope] ?? f.scope]);
    if (f.province) out.push(['Tỉnh, thành phố', nameOf(options, 'provinces', f.province)]);
    if (f.nature) out.push(['Tính chất', nameOf(options, 'natures', f.nature)]);
    if (f.status) out.push(['Trạng thái', nameOf(options, 'statuses', f.status)]);
    if (f.tasked !== undefined) out.push(['Được Đảng, Nhà nước giao nhiệm vụ', f.tasked ? 'Có' : 'Không']);
    if (f.year) out.push(['Năm', String(f.year)]);
    if (f.position) out.push(['Chức vụ', nameOf(options, 'leader_positions', f.position)]);
    if (f.termState) out.push(['Tình trạng đại hội', TERM_STATE_LABELS[f.termState]]);
    if (f.overdue) out.push(['Chỉ hội', 'quá hạn đại hội']);
    if (f.withinMonths) out.push(['Đến hạn trong', `${f.withinMonths} tháng tới`]);
    if (f.docType) out.push(['Loại văn bản', Object.fromEntries(LEGAL_DOC_TYPES)[f.docType] ?? f.docType]);
    return out;
  }

  /** `atLeast`: more than `count` rows exist (a capped count); the page after the count's last one is offered. */
  function paged(table: ReportTable, count: number, paging: Paging, atLeast = false): ReportTable {
    if (paging.page === null) return { ...table, count };
    if (atLeast) return { ...table, count, countAtLeast: true, page: paging.page, pages: Math.ceil(count / PAGE_SIZE) + 1 };
    return { ...table, count, page: paging.page, pages: Math.max(1, Math.ceil(count / PAGE_SIZE)) };
  }

  const limitOf = (paging: Paging) => (paging.page === null ? null : PAGE_SIZE);
  const offsetOf = (paging: Paging) => (paging.page === null ? 0 : (paging.page - 1) * PAGE_SIZE);

  const ASSOCIATION_LIST_COLUMNS: ReportColumn[] = [
    { key: 'code', label: 'Mã hội', type: 'text', link: 'association' },
    { key: 'name', label: 'Tên hội', type: 'text' },
    { key: 'scope', label: 'Phạm vi', type: 'text' },
    { key: 'province', label: 'Trụ sở (tỉnh, thành phố)', type: 'text' },
    { key: 'field', label: 'Lĩnh vực chính', type: 'text' },
    { key: 'ministry', label: 'Bộ, ngành quản lý', type: 'text' },
    { key: 'nature', label: 'Tính chất', type: 'text' },
    { key: 'status', label: 'Trạng thái', type: 'text' },
  ];

  async function associationList(title: string, f: ReportFilters, paging: Paging): Promise<ReportTable> {
    const [count, rows] = await Promise.all([repo.countTotal(f), repo.listAssociations(f, limitOf(paging), offsetOf(paging))]);
    return paged(
      {
        id: 'danh-sach',
        title,
        columns: ASSOCIATION_LIST_COLUMNS,
        rows: rows.map((r) => ({ ...r, scope: SCOPE_SHORT[String(r.scope)] ?? r.scope })),
        totals: null,
      },
      count,
      paging,
    );
  }

  /** b, c: associations per group value, one column per scope, with totals and a bar chart. */
  async function countReport(group: GroupKey, table: string, label: string, f: ReportFilters, options: Options) {
    const counts = await repo.countBy(group, f);
    const byKey = new Map<string | null, ReportRow>();
    for (const c of counts) {
      const row = byKey.get(c.key) ?? { key: c.key, name: nameOf(options, table, c.key), total: 0 };
      row[c.scope] = Number(row[c.scope] ?? 0) + c.n;
      row.total = Number(row.total) + c.n;
      byKey.set(c.key, row);
    }
    const scopes = SCOPES.map(([s]) => s).filter((s) => s !== 'huyen' || counts.some((c) => c.scope === 'huyen'));
    const rows = [...byKey.values()].sort(
      (a, b) => Number(b.total) - Number(a.total) || String(a.name).localeCompare(String(b.name), 'vi'),
    );
    for (const r of rows) for (const s of scopes) r[s] ??= 0;
    const totals: ReportRow = { name: 'Tổng cộng', total: sum(rows, 'total') };
    for (const s of scopes) totals[s] = sum(rows, s);
    const summary: ReportTable = {
      id: 'tong-hop',
      title: `Số hội theo ${label}`,
      columns: [
        { key: 'name', label: label[0]?.toUpperCase() + label.slice(1), type: 'text' },
        ...scopes.map((s) => ({ key: s, label: SCOPE_SHORT[s] ?? s, type: 'int' as const })),
        { key: 'total', label: 'Tổng số hội', type: 'int' },
      ],
      rows,
      totals,
    };
    const chart: ChartSpec = {
      type: 'bar',
      horizontal: true,
      stacked: true,
      labels: rows.map((r) => String(r.name)),
      datasets: scopes.map((s) => ({ label: SCOPE_SHORT[s] ?? s, data: rows.map((r) => Number(r[s] ?? 0)) })),
      description: `Biểu đồ cột: số hội theo ${label}, chia theo phạm vi hoạt động. Số liệu ở bảng bên dưới.`,
    };
    return { summary, chart };
  }

  function fieldValue(def: FieldDef, value: unknown, options: Options): unknown {
    if (value === null || value === undefined || value === '') return null;
    if (def.options && 'catalogue' in def.options) return nameOf(options, def.options.catalogue, String(value));
    if (def.options && 'values' in def.options) return fixedOptionLabel(def.options, String(value));
    return value;
  }

  const builders: Record<
    CategoryKey,
    (
      f: ReportFilters,
      options: Options,
      paging: Paging,
      ctx: { personal: boolean; ownerId: number | null; columns?: string[] },
    ) => Promise<Omit<Report, 'category' | 'title' | 'filterText' | 'rowCount'>>
  > = {
    async a(f, options) {
      if (!f.code) return { tables: [], chart: null, message: 'Nhập mã hội (ví dụ H000001) để xem thông tin chung của hội.' };
      const found = await repo.general(f.code);
      if (!found) throw new NotFoundError(`Không có hội mang mã ${f.code}.`);
      const rows: ReportRow[] = [{ group: 'Mã hội', label: 'Mã hội', value: found.record.code }];
      for (const g of GROUPS) {
        for (const def of g.fields.filter((x) => x.reports?.includes('a'))) {
          const v = fieldValue(def, found.record[def.name], options);
          rows.push({
            group: g.title,
            label: def.label,
            value:
              def.type === 'bool' ? (v ? 'Có' : 'Không') : v === null ? '' : typeof v === 'number' ? v.toLocaleString('vi-VN') : String(v),
          });
        }
      }
      const eventLabel = Object.fromEntries(DECISION_EVENTS);
      const decisions: ReportTable = {
        id: 'quyet-dinh',
        title: 'Quyết định và sự kiện pháp lý',
        columns: [
          { key: 'event', label: 'Sự kiện', type: 'text' },
          { key: 'number', label: 'Số quyết định', type: 'text' },
          { key: 'signed_on', label: 'Ngày ký', type: 'date' },
          { key: 'issuer', label: 'Cơ quan ban hành', type: 'text' },
        ],
        rows: found.decisions.map((d) => ({ ...d, event: eventLabel[String(d.event_type)] ?? d.event_type })),
        totals: null,
      };
      const general: ReportTable = {
        id: 'thong-tin-chung',
        title: `Thông tin chung: ${String(found.record.name)}`,
        columns: [
          { key: 'group', label: 'Nhóm thông tin', type: 'text' },
          { key: 'label', label: 'Thông tin', type: 'text' },
          { key: 'value', label: 'Nội dung', type: 'text' },
        ],
        rows,
        totals: null,
      };
      return { tables: [general, decisions], chart: null };
    },

    async b(f, options, paging) {
      const { summary, chart } = await countReport('field', 'fields', 'lĩnh vực', f, options);
      const tables = [summary];
      if (f.field) tables.push(await associationList(`Danh sách hội thuộc lĩnh vực ${nameOf(options, 'fields', f.field)}`, f, paging));
      return { tables, chart };
    },

    async c(f, options, paging) {
      const { summary, chart } = await countReport('ministry', 'ministries', 'bộ, ngành quản lý', f, options);
      const tables = [summary];
      if (f.ministry)
        tables.push(await associationList(`Danh sách hội do ${nameOf(options, 'ministries', f.ministry)} quản lý`, f, paging));
      return { tables, chart };
    },

    async d(f, _options, paging, ctx) {
      return { tables: [await leaderTable('lanh-dao', 'Lãnh đạo chủ chốt đương nhiệm', f, f.position, paging, ctx.personal)], chart: null };
    },

    async dd(f, _options, paging, ctx) {
      return { tables: [await leaderTable('chu-tich', 'Chủ tịch hội đương nhiệm', f, 'CT', paging, ctx.personal)], chart: null };
    },

    async e(f, _options, paging) {
      const { rows, count, summary } = await congressTracking(f, paging);
      const chart: ChartSpec = {
        type: 'bar',
        labels: summary.rows.map((r) => String(r.state)),
        datasets: [{ label: 'Số hội', data: summary.rows.map((r) => Number(r.n)) }],
        description: 'Biểu đồ cột: số hội theo tình trạng đại hội nhiệm kỳ. Số liệu ở bảng bên dưới.',
      };
      const list = paged(
        {
          id: 'theo-doi',
          title: 'Theo dõi hạn đại hội của từng hội',
          columns: [
            { key: 'code', label: 'Mã hội', type: 'text', link: 'association' },
            { key: 'name', label: 'Tên hội', type: 'text' },
            { key: 'term_number', label: 'Nhiệm kỳ (khóa)', type: 'int' },
            { key: 'last_congress', label: 'Đại hội gần nhất', type: 'date' },
            { key: 'term_years', label: 'Thời hạn nhiệm kỳ (năm)', type: 'int' },
            { key: 'term_end', label: 'Hết nhiệm kỳ', type: 'date' },
            { key: 'extension', label: 'Văn bản gia hạn', type: 'text' },
            { key: 'deadline', label: 'Hạn tổ chức đại hội', type: 'date' },
            { key: 'state', label: 'Tình trạng', type: 'text' },
          ],
          rows,
          totals: null,
        },
        count,
        paging,
      );
      return { tables: [summary, list], chart };
    },

    async h(f) {
      const rows: ReportRow[] = await repo.quotaByYear(f);
      const keys = ['associations', 'quota', 'in_use', 'on_quota', 'on_contract', 'elected_retirees'];
      const totals: ReportRow = { year: 'Tổng cộng' };
      for (const k of keys.slice(1)) totals[k] = sum(rows, k);
      const summary: ReportTable = {
        id: 'theo-nam',
        title: 'Biên chế được giao theo năm',
        columns: [
          { key: 'year', label: 'Năm', type: 'text' },
          { key: 'associations', label: 'Số hội được giao', type: 'int' },
          { key: 'quota', label: 'Biên chế được giao', type: 'int' },
          { key: 'in_use', label: 'Biên chế đang sử dụng', type: 'int' },
          { key: 'on_quota', label: 'Người làm việc trong biên chế', type: 'int' },
          { key: 'on_contract', label: 'Người làm việc theo hợp đồng', type: 'int' },
          { key: 'elected_retirees', label: 'Người nghỉ hưu được bầu', type: 'int' },
        ],
        rows: rows.map((r) => ({ ...r, year: String(r.year) })),
        totals: rows.length > 1 ? totals : null,
      };
      const tables = [summary];
      if (f.year) {
        const detail = await repo.quotaDetail(f, f.year);
        tables.push({
          id: 'chi-tiet',
          title: `Biên chế được giao năm ${f.year} theo hội`,
          columns: [
            { key: 'code', label: 'Mã hội', type: 'text', link: 'association' },
            { key: 'name', label: 'Tên hội', type: 'text' },
            { key: 'quota', label: 'Biên chế được giao', type: 'int' },
            { key: 'deciding_document', label: 'Văn bản giao biên chế', type: 'text' },
            { key: 'in_use', label: 'Đang sử dụng', type: 'int' },
            { key: 'on_quota', label: 'Trong biên chế', type: 'int' },
            { key: 'on_contract', label: 'Hợp đồng', type: 'int' },
            { key: 'elected_retirees', label: 'Nghỉ hưu được bầu', type: 'int' },
          ],
          rows: detail,
          totals: {
            code: 'Tổng cộng',
            quota: sum(detail, 'quota'),
            in_use: sum(detail, 'in_use'),
            on_quota: sum(detail, 'on_quota'),
            on_contract: sum(detail, 'on_contract'),
            elected_retirees: sum(detail, 'elected_retirees'),
          },
        });
      }
      const chart: ChartSpec = {
        type: 'bar',
        labels: rows.map((r) => String(r.year)),
        datasets: [
          { label: 'Biên chế được giao', data: rows.map((r) => Number(r.quota)) },
          { label: 'Biên chế đang sử dụng', data: rows.map((r) => Number(r.in_use)) },
        ],
        description: 'Biểu đồ cột: biên chế được giao và đang sử dụng theo năm. Số liệu ở bảng bên dưới.',
      };
      return { tables, chart };
    },

    async i(f, _options, paging) {
      const data = await repo.fundsByYearSource(f);
      const sources = FUND_SOURCES.map(([s]) => s);
      const byYear = new Map<number, ReportRow>();
      for (const d of data) {
        const row = byYear.get(d.year) ?? { year: String(d.year), total: 0 };
        row[d.source] = d.amount;
        row.total = Number(row.total) + d.amount;
        byYear.set(d.year, row);
      }
      const rows = [...byYear.values()];
      for (const r of rows) for (const s of sources) r[s] ??= 0;
      const totals: ReportRow = { year: 'Tổng cộng', total: sum(rows, 'total') };
      for (const s of sources) totals[s] = sum(rows, s);
      const moneyCols = sources.map((s) => ({ key: s, label: FUND_LABEL[s] ?? s, type: 'money' as const }));
      const summary: ReportTable = {
        id: 'theo-nam',
        title: 'Kinh phí hoạt động theo năm và nguồn (đồng)',
        columns: [{ key: 'year', label: 'Năm', type: 'text' }, ...moneyCols, { key: 'total', label: 'Tổng cộng', type: 'money' }],
        rows,
        totals: rows.length > 1 ? totals : null,
      };
      const tables = [summary];
      if (f.year && paging.page !== null) {
        // The page shows one page of associations (93,000 of them in a year at 100,000 associations), summed by
        // source in the database; the totals are the year's row of the summary (the same filters). Exports below.
        const yearRow = rows.find((r) => r.year === String(f.year));
        const dtotals: ReportRow = { code: 'Tổng cộng', total: Number(yearRow?.total ?? 0) };
        for (const s of sources) dtotals[s] = Number(yearRow?.[s] ?? 0);
        const { count, rows: drows } = await repo.fundsDetailPage(f, f.year, sources, PAGE_SIZE, offsetOf(paging));
        tables.push(
          paged(
            {
              id: 'chi-tiet',
              title: `Kinh phí hoạt động năm ${f.year} theo hội (đồng)`,
              columns: [
                { key: 'code', label: 'Mã hội', type: 'text', link: 'association' },
                { key: 'name', label: 'Tên hội', type: 'text' },
                ...moneyCols,
                { key: 'total', label: 'Tổng cộng', type: 'money' },
              ],
              rows: drows,
              totals: dtotals,
            },
            count,
            paging,
          ),
        );
      } else if (f.year) {
        const detail = await repo.fundsDetail(f, f.year);
        const byAssoc = new Map<string, ReportRow>();
        for (const d of detail) {
          const row = byAssoc.get(d.code) ?? { code: d.code, name: d.name, total: 0 };
          row[d.source] = d.amount;
          row.total = Number(row.total) + d.amount;
          byAssoc.set(d.code, row);
        }
        const drows = [...byAssoc.values()];
        for (const r of drows) for (const s of sources) r[s] ??= 0;
        const dtotals: ReportRow = { code: 'Tổng cộng', total: sum(drows, 'total') };
        for (const s of sources) dtotals[s] = sum(drows, s);
        tables.push({
          id: 'chi-tiet',
          title: `Kinh phí hoạt động năm ${f.year} theo hội (đồng)`,
          columns: [
            { key: 'code', label: 'Mã hội', type: 'text', link: 'association' },
            { key: 'name', label: 'Tên hội', type: 'text' },
            ...moneyCols,
            { key: 'total', label: 'Tổng cộng', type: 'money' },
          ],
          rows: drows,
          totals: dtotals,
        });
      }
      const chart: ChartSpec = {
        type: 'bar',
        stacked: true,
        labels: rows.map((r) => String(r.year)),
        datasets: sources.map((s) => ({ label: FUND_LABEL[s] ?? s, data: rows.map((r) => Number(r[s] ?? 0)) })),
        description: 'Biểu đồ cột chồng: kinh phí hoạt động theo năm, chia theo nguồn (đồng). Số liệu ở bảng bên dưới.',
      };
      return { tables, chart };
    },

    async k(f, options) {
      const data = await repo.hqByOrigin(f);
      const rows: ReportRow[] = data
        .map((d) => ({
          name: nameOf(options, 'hq_origins', d.key),
          n: d.n,
          with_area: d.with_area,
          area: d.area,
          average: d.with_area ? Math.round((d.area / d.with_area) * 100) / 100 : null,
        }))
        .sort((a, b) => b.n - a.n);
      const withArea = sum(rows, 'with_area');
      const area = sum(rows, 'area');
      const summary: ReportTable = {
        id: 'nguon-goc',
        title: 'Trụ sở theo nguồn gốc',
        columns: [
          { key: 'name', label: 'Nguồn gốc trụ sở', type: 'text' },
          { key: 'n', label: 'Số hội', type: 'int' },
          { key: 'with_area', label: 'Số hội có số liệu diện tích', type: 'int' },
          { key: 'area', label: 'Tổng diện tích (m²)', type: 'decimal' },
          { key: 'average', label: 'Diện tích bình quân (m²)', type: 'decimal' },
        ],
        rows,
        totals: {
          name: 'Tổng cộng',
          n: sum(rows, 'n'),
          with_area: withArea,
          area,
          average: withArea ? Math.round((area / withArea) * 100) / 100 : null,
        },
      };
      const chart: ChartSpec = {
        type: 'bar',
        labels: rows.map((r) => String(r.name)),
        datasets: [{ label: 'Số hội', data: rows.map((r) => Number(r.n)) }],
        description: 'Biểu đồ cột: số hội theo nguồn gốc trụ sở. Số liệu ở bảng bên dưới.',
      };
      return { tables: [summary], chart };
    },

    async l(f, options, paging) {
      const data = await repo.byNature(f);
      const rows: ReportRow[] = data
        .map((d) => ({ name: nameOf(options, 'natures', d.key), n: d.n, tasked: d.tasked, other: d.n - d.tasked }))
        .sort((a, b) => b.n - a.n);
      const summary: ReportTable = {
        id: 'tinh-chat',
        title: 'Số hội theo tính chất',
        columns: [
          { key: 'name', label: 'Tính chất', type: 'text' },
          { key: 'n', label: 'Tổng số hội', type: 'int' },
          { key: 'tasked', label: 'Trong đó: được Đảng, Nhà nước giao nhiệm vụ', type: 'int' },
          { key: 'other', label: 'Hội khác', type: 'int' },
        ],
        rows,
        totals: { name: 'Tổng cộng', n: sum(rows, 'n'), tasked: sum(rows, 'tasked'), other: sum(rows, 'other') },
      };
      const chart: ChartSpec = {
        type: 'bar',
        horizontal: true,
        stacked: true,
        labels: rows.map((r) => String(r.name)),
        datasets: [
          { label: 'Được Đảng, Nhà nước giao nhiệm vụ', data: rows.map((r) => Number(r.tasked)) },
          { label: 'Hội khác', data: rows.map((r) => Number(r.other)) },
        ],
        description: 'Biểu đồ cột: số hội theo tính chất, trong đó hội được Đảng, Nhà nước giao nhiệm vụ. Số liệu ở bảng bên dưới.',
      };
      const tables = [summary];
      if (f.nature) tables.push(await associationList(`Danh sách hội có tính chất ${nameOf(options, 'natures', f.nature)}`, f, paging));
      return { tables, chart };
    },

    async m(f) {
      const types = Object.fromEntries(LEGAL_DOC_TYPES);
      const docs = await legalDocuments.list({ ...(f.docType ? { docType: f.docType } : {}), ...(f.year ? { year: f.year } : {}) });
      return {
        tables: [
          {
            id: 'van-ban',
            title: 'Danh mục văn bản về hội',
            columns: [
              { key: 'number', label: 'Số, ký hiệu', type: 'text' },
              { key: 'type', label: 'Loại văn bản', type: 'text' },
              { key: 'issuer', label: 'Cơ quan ban hành', type: 'text' },
              { key: 'issued_on', label: 'Ngày ban hành', type: 'date' },
              { key: 'summary', label: 'Trích yếu', type: 'text' },
              { key: 'attachment_ref', label: 'Tệp đính kèm', type: 'text' },
            ],
            rows: docs.map((d) => ({ ...d, type: types[d.doc_type] ?? d.doc_type })),
            totals: null,
          },
        ],
        chart: null,
      };
    },

    async n(f, options, paging, ctx) {
      const columns = ctx.columns ?? [];
      if (columns.length === 0) return { tables: [], chart: null, message: 'Chọn ít nhất một cột để lập danh sách.' };
      const defs = columns.map((c) => CUSTOM_COLUMNS.find((d) => d.name === c) as FieldDef);
      const [count, rows] = await Promise.all([repo.countTotal(f), repo.custom(columns, f, limitOf(paging), offsetOf(paging))]);
      return {
        tables: [
          paged(
            {
              id: 'danh-sach',
              title: 'Danh sách tùy chọn',
              columns: defs.map((d) => ({
                key: d.name,
                label: d.label,
                type: d.options ? 'text' : columnType(d),
                ...(d.name === 'code' ? { link: 'association' as const } : {}),
              })),
              // Every row carries its association code even when `code` is not a chosen column: the exploitation log
              // records which associations a list touched. Renderers and exports print only `columns`.
              rows: rows.map((r) => ({
                code: r.code,
                ...Object.fromEntries(defs.map((d) => [d.name, d.name === 'code' ? r.code : fieldValue(d, r[d.name], options)])),
              })),
              totals: null,
            },
            count,
            paging,
          ),
        ],
        chart: null,
      };
    },
  };

  async function leaderTable(
    id: string,
    title: string,
    f: ReportFilters,
    position: string | undefined,
    paging: Paging,
    personal: boolean,
  ): Promise<ReportTable> {
    // Without an association filter the count is exact from a summary table. Filtered, a page counts the leaders
    // only up to a cap (an exact count of up to 940,000 leaders costs more than the page); beyond it the page says
    // "hơn N" and offers the next pages. Exports count them all.
    const cap = paging.page === null ? undefined : Math.max(LEADER_COUNT_CAP, offsetOf(paging) + 10 * PAGE_SIZE);
    const [counted, rows] = await Promise.all([
      repo.countLeaders(f, position, cap),
      repo.leaders(f, position, limitOf(paging), offsetOf(paging), personal),
    ]);
    const atLeast = !counted.exact;
    const count = atLeast ? (cap as number) : counted.n;
    const columns: ReportColumn[] = [
      { key: 'full_name', label: 'Họ và tên', type: 'text' },
      { key: 'position', label: 'Chức vụ trong hội', type: 'text' },
      { key: 'code', label: 'Mã hội', type: 'text', link: 'association' },
      { key: 'association', label: 'Tên hội', type: 'text' },
      { key: 'term_number', label: 'Nhiệm kỳ (khóa)', type: 'int' },
      { key: 'elected_on', label: 'Ngày bầu', type: 'date' },
    ];
    if (personal)
      columns.push(
        { key: 'birth_year', label: 'Năm sinh', type: 'year' },
        { key: 'gender', label: 'Giới tính', type: 'text' },
        { key: 'academic_title', label: 'Học hàm, học vị', type: 'text' },
        { key: 'outside_position', label: 'Chức vụ, đơn vị công tác ngoài hội', type: 'text' },
      );
    columns.push(
      { key: 'official_status', label: 'Cán bộ, công chức, viên chức', type: 'text' },
      { key: 'full_time', label: 'Chuyên trách', type: 'bool' },
    );
    return paged(
      {
        id,
        title,
        columns,
        rows: rows.map((r) => ({
          ...r,
          gender: r.gender ? (GENDER_LABEL[String(r.gender)] ?? r.gender) : null,
          official_status: OFFICIAL_LABEL[String(r.official_status)] ?? r.official_status,
        })),
        totals: null,
      },
      count,
      paging,
      atLeast,
    );
  }

  /**
   * e: the filtered associations' term states (counted in the database from association_terms), then the
   * state filters and one page of rows by deadline, code. `paging` undefined: the summary only.
   */
  async function congressTracking(
    f: ReportFilters,
    paging?: Paging,
  ): Promise<{ rows: ReportRow[]; count: number; summary: ReportTable; states: Map<TermState, number> }> {
    const today = vietnamToday(clock.now());
    const counts = await repo.termStateCounts(f, today);
    const states = new Map<TermState, number>(counts.map((c) => [c.state, c.n]));
    const tf: TermFilters = {};
    let stateList: TermState[] | null = null;
    if (f.termState) stateList = [f.termState];
    if (f.overdue) stateList = (stateList ?? ['qua_han', 'qua_han_gia_han']).filter((s) => s === 'qua_han' || s === 'qua_han_gia_han');
    if (stateList) tf.states = stateList;
    if (f.withinMonths) {
      tf.deadlineFrom = today;
      tf.deadlineTo = addMonths(today, f.withinMonths);
    }
    // Without a deadline range the count is the sum of the state counts already read.
    const count =
      tf.deadlineFrom !== undefined
        ? await repo.countTermRows(f, today, tf)
        : stateList
          ? stateList.reduce((n, s) => n + (states.get(s) ?? 0), 0)
          : counts.reduce((n, c) => n + c.n, 0);
    const data = paging === undefined || count === 0 ? [] : await repo.termRows(f, today, tf, limitOf(paging), offsetOf(paging));
    const rows: ReportRow[] = data.map((r) => ({
      code: r.code,
      name: r.name,
      term_number: r.term_number,
      last_congress: r.last_congress,
      term_years: r.term_years,
      term_end: r.term_end,
      // The extension's number only while its deadline is the one in force (as termInfo's deadline).
      extension: r.deadline !== r.term_end ? r.extension_number : null,
      deadline: r.deadline,
      state: TERM_STATE_LABELS[r.state],
      stateKey: r.state,
    }));
    const order: TermState[] = ['qua_han_gia_han', 'qua_han', 'dang_gia_han', 'sap_den_han', 'chua_den_han'];
    const summaryRows = order.map((s) => ({ state: TERM_STATE_LABELS[s], n: states.get(s) ?? 0 }));
    const summary: ReportTable = {
      id: 'tinh-trang',
      title: 'Số hội theo tình trạng đại hội nhiệm kỳ',
      columns: [
        { key: 'state', label: 'Tình trạng', type: 'text' },
        { key: 'n', label: 'Số hội', type: 'int' },
      ],
      rows: summaryRows,
      totals: { state: 'Tổng cộng', n: sum(summaryRows, 'n') },
    };
    return { rows, count, summary, states };
  }

  return {
    customColumns: CUSTOM_COLUMNS,
    customNames: CUSTOM_NAMES,
    catalogueOptions: () => catalogues.loadAll(),

    async build(
      category: CategoryDef,
      f: ReportFilters,
      paging: Paging,
      ctx: { personal: boolean; ownerId: number | null; columns?: string[] },
    ): Promise<{ report: Report; options: Options }> {
      const options = await catalogues.loadAll();
      checkFilters(f, options);
      const built = await builders[category.key](f, options, paging, ctx);
      const rowCount = built.tables.reduce((s, t) => s + (t.count ?? t.rows.length), 0);
      return {
        report: { category: category.key, title: category.title, filterText: filterText(f, options), rowCount, ...built },
        options,
      };
    },

    recordExport(actor: Actor, category: CategoryKey, filters: Record<string, string>, rows: number, format: 'csv' | 'xlsx' | 'print') {
      return audit.record(actor, {
        action: 'report.export',
        targetType: 'report',
        targetId: category,
        details: { category, filters, rows, format },
      });
    },

    recordPersonalDataView(actor: Actor, category: CategoryKey, filters: Record<string, string>, rows: number) {
      return audit.record(actor, {
        action: 'personal_data.view',
        targetType: 'report',
        targetId: category,
        details: { data: 'leaders', filters, rows },
      });
    },

    savedReports: (ownerId: number) => repo.savedReports(ownerId),

    async savedReport(ownerId: number, id: number) {
      const row = await repo.savedReport(ownerId, id);
      if (!row) throw new NotFoundError('Không tìm thấy mẫu danh sách này.');
      const def = (typeof row.definition === 'string' ? JSON.parse(row.definition) : row.definition) as {
        columns?: unknown;
        query?: unknown;
      };
      return {
        id: row.id,
        name: row.name,
        columns: Array.isArray(def.columns)
          ? def.columns.filter((c): c is string => typeof c === 'string' && CUSTOM_NAMES.includes(c))
          : [],
        query: (def.query && typeof def.query === 'object' ? def.query : {}) as Record<string, string>,
      };
    },

    async saveReport(actor: Actor & { userId: number }, name: string, columns: string[], query: Record<string, string>): Promise<number> {
      return db.transaction(async (trx) => {
        const id = await repo.saveReport(trx, actor.userId, name, { columns, query }, clock.now());
        await audit.record(
          actor,
          { action: 'saved_report.save', targetType: 'saved_report', targetId: id, details: { name, columns, query } },
          trx,
        );
        return id;
      });
    },

    /** Headline figures of the staff and leaders' home (equal to the reports they link to). */
    async dashboard() {
      const options = await catalogues.loadAll();
      const today = vietnamToday(clock.now());
      const [byStatus, byScope, byField, tracking, notUpdated, total] = await Promise.all([
        repo.countBy('status', {}),
        repo.countBy('scope', {}),
        repo.countBy('field', {}),
        congressTracking({}),
        repo.countNotUpdatedSince(quarterStart(today)),
        repo.countTotal({}),
      ]);
      const fold = (rows: Array<{ key: string | null; n: number }>) => {
        const m = new Map<string | null, number>();
        for (const r of rows) m.set(r.key, (m.get(r.key) ?? 0) + r.n);
        return [...m.entries()].sort((a, b) => b[1] - a[1]);
      };
      const dueSoon = await repo.countTermRows({}, today, { deadlineFrom: today, deadlineTo: addMonths(today, 6) });
      return {
        total,
        byStatus: fold(byStatus).map(([code, n]) => ({ code, name: nameOf(options, 'statuses', code), n })),
        byScope: fold(byScope).map(([code, n]) => ({ code, name: SCOPE_SHORT[String(code)] ?? String(code), n })),
        topFields: fold(byField)
          .slice(0, 5)
          .map(([code, n]) => ({ code, name: nameOf(options, 'fields', code), n })),
        overdue: (tracking.states.get('qua_han') ?? 0) + (tracking.states.get('qua_han_gia_han') ?? 0),
        dueSoon,
        notUpdated,
        quarterStart: quarterStart(today),
      };
    },
  };
}

export type ReportsService = ReturnType<typeof createReportsService>;
