/**
 * Query and form schemas of the reports (zod, Vietnamese messages). Every value a filter can take is checked here
 * or against a catalogue in the service; a bad value is a 400, never a 500 (RELIABILITY checks 16, 18).
 */
import { z } from 'zod';
import { TRACKED_TERM_STATE_LABELS, type TrackedTermState } from '../associations/congress-term.js';
import type { CatalogueTable } from '../catalogues/catalogue-kinds.js';
import type { CatalogueOption } from '../catalogues/catalogues.service.js';
import { SCOPES } from '../register-form/definition.js';

const blankToUndefined = (v: unknown) => (v === '' ? undefined : v);
const code = z.preprocess(
  blankToUndefined,
  z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, 'Mã danh mục không hợp lệ.')
    .optional(),
);
const flag = z.preprocess(blankToUndefined, z.enum(['co', 'khong']).optional());

/** How statistics group provinces: the 34 in force from 01/07/2025 (the default) or the 63 before (issue 16 item 7). */
export const PROVINCE_MAPS = ['hien-nay', 'truoc-sap-nhap'] as const;
export type ProvinceMap = (typeof PROVINCE_MAPS)[number];
export const PROVINCE_MAP_LABELS: Record<ProvinceMap, string> = {
  'hien-nay': '34 tỉnh, thành phố hiện nay',
  'truoc-sap-nhap': '63 tỉnh, thành phố trước 01/07/2025',
};

export const LIST_SORTS = ['ten-hoi', 'ma-hoi', 'ho-ten'] as const;
export type ListSort = (typeof LIST_SORTS)[number];

export const reportQuery = z.object({
  ma: z.preprocess(
    (v) => (typeof v === 'string' ? v.trim().toUpperCase() || undefined : v),
    z
      .string()
      .regex(/^H\d{6}$/, 'Mã hội có dạng H000123.')
      .optional(),
  ),
  'linh-vuc': code,
  'bo-nganh': code,
  'pham-vi': z.preprocess(blankToUndefined, z.enum(SCOPES.map(([c]) => c) as [string, ...string[]]).optional()),
  tinh: code,
  'dia-gioi': z.preprocess(blankToUndefined, z.enum(PROVINCE_MAPS).optional()),
  'tinh-chat': code,
  'trang-thai': code,
  nam: z.preprocess(blankToUndefined, z.coerce.number().int().min(1945).max(2100).optional()),
  'giao-nhiem-vu': flag,
  'chuc-vu': code,
  'tinh-trang': z.preprocess(
    blankToUndefined,
    z.enum(Object.keys(TRACKED_TERM_STATE_LABELS) as [TrackedTermState, ...TrackedTermState[]]).optional(),
  ),
  'qua-han': z.preprocess(blankToUndefined, z.enum(['1']).optional()),
  'trong-n-thang': z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(120).optional()),
  loai: code,
  'sap-xep': z.preprocess(blankToUndefined, z.enum(LIST_SORTS).optional()),
  trang: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(100_000).optional()),
  format: z.preprocess(blankToUndefined, z.enum(['csv', 'xlsx']).optional()),
  print: z.preprocess(blankToUndefined, z.enum(['1']).optional()),
  /** A print longer than PRINT_WARN_PAGES pages, confirmed (print-layout.ts). */
  'in-tiep': z.preprocess(blankToUndefined, z.enum(['1']).optional()),
  mau: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).optional()),
});
export type ReportQuery = z.infer<typeof reportQuery>;

/** Report filters in domain terms (the query's Vietnamese names mapped once, here). */
export interface ReportFilters {
  code?: string;
  field?: string;
  ministry?: string;
  scope?: string;
  province?: string;
  /** Group provinces by the 63 before 01/07/2025 (unset: the 34 in force). */
  provinceMap?: 'truoc-sap-nhap';
  nature?: string;
  status?: string;
  year?: number;
  tasked?: boolean;
  position?: string;
  termState?: TrackedTermState;
  overdue?: boolean;
  withinMonths?: number;
  docType?: string;
  sort?: ListSort;
}

export function filtersFromQuery(q: ReportQuery): ReportFilters {
  const f: ReportFilters = {};
  if (q.ma) f.code = q.ma;
  if (q['linh-vuc']) f.field = q['linh-vuc'];
  if (q['bo-nganh']) f.ministry = q['bo-nganh'];
  if (q['pham-vi']) f.scope = q['pham-vi'];
  if (q.tinh) f.province = q.tinh;
  if (q['dia-gioi'] === 'truoc-sap-nhap') f.provinceMap = 'truoc-sap-nhap';
  if (q['tinh-chat']) f.nature = q['tinh-chat'];
  if (q['trang-thai']) f.status = q['trang-thai'];
  if (q.nam) f.year = q.nam;
  if (q['giao-nhiem-vu']) f.tasked = q['giao-nhiem-vu'] === 'co';
  if (q['chuc-vu']) f.position = q['chuc-vu'];
  if (q['tinh-trang']) f.termState = q['tinh-trang'];
  if (q['qua-han']) f.overdue = true;
  if (q['trong-n-thang']) f.withinMonths = q['trong-n-thang'];
  if (q.loai) f.docType = q.loai;
  if (q['sap-xep']) f.sort = q['sap-xep'];
  return f;
}

/** The query string back from filters (links, exports, saved custom lists). */
export function queryFromFilters(f: ReportFilters): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.code) q.ma = f.code;
  if (f.field) q['linh-vuc'] = f.field;
  if (f.ministry) q['bo-nganh'] = f.ministry;
  if (f.scope) q['pham-vi'] = f.scope;
  if (f.province) q.tinh = f.province;
  if (f.provinceMap) q['dia-gioi'] = f.provinceMap;
  if (f.nature) q['tinh-chat'] = f.nature;
  if (f.status) q['trang-thai'] = f.status;
  if (f.year) q.nam = String(f.year);
  if (f.tasked !== undefined) q['giao-nhiem-vu'] = f.tasked ? 'co' : 'khong';
  if (f.position) q['chuc-vu'] = f.position;
  if (f.termState) q['tinh-trang'] = f.termState;
  if (f.overdue) q['qua-han'] = '1';
  if (f.withinMonths) q['trong-n-thang'] = String(f.withinMonths);
  if (f.docType) q.loai = f.docType;
  if (f.sort) q['sap-xep'] = f.sort;
  return q;
}

/** Custom list (n): the chosen columns arrive as `cot.<field>=1` (flat names: no duplicated keys, check 16). */
export function columnsFromQuery(query: Record<string, unknown>, allowed: readonly string[]): string[] | null {
  const chosen: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    if (!key.startsWith('cot.')) continue;
    const name = key.slice(4);
    if (!allowed.includes(name) || (value !== '1' && value !== 'on')) return null;
    chosen.push(name);
  }
  // Catalogue order, whatever the order of the query.
  return allowed.filter((c) => chosen.includes(c));
}

export const savedReportForm = z.object({
  name: z.string().trim().min(1, 'Hãy đặt tên cho mẫu danh sách.').max(120, 'Tên mẫu tối đa 120 ký tự.'),
});

/** How each report filter reads on screens (the exploitation log): its Vietnamese name and, for codes, its catalogue. */
const FILTER_NAMES: Record<string, { label: string; catalogue?: CatalogueTable; values?: Record<string, string> }> = {
  ma: { label: 'Mã hội' },
  'linh-vuc': { label: 'Lĩnh vực', catalogue: 'fields' },
  'bo-nganh': { label: 'Bộ, ngành quản lý', catalogue: 'ministries' },
  'pham-vi': { label: 'Phạm vi hoạt động', values: Object.fromEntries(SCOPES) },
  tinh: { label: 'Tỉnh, thành phố', catalogue: 'provinces' },
  'dia-gioi': { label: 'Thống kê theo', values: PROVINCE_MAP_LABELS },
  'tinh-chat': { label: 'Tính chất', catalogue: 'natures' },
  'trang-thai': { label: 'Trạng thái', catalogue: 'statuses' },
  nam: { label: 'Năm' },
  'giao-nhiem-vu': { label: 'Được Đảng, Nhà nước giao nhiệm vụ', values: { co: 'Có', khong: 'Không' } },
  'chuc-vu': { label: 'Chức vụ', catalogue: 'leader_positions' },
  'tinh-trang': { label: 'Tình trạng nhiệm kỳ', values: TRACKED_TERM_STATE_LABELS },
  'qua-han': { label: 'Chỉ hội quá hạn', values: { '1': 'Có' } },
  'trong-n-thang': { label: 'Trong số tháng tới' },
  loai: { label: 'Loại văn bản', catalogue: 'document_types' },
  'sap-xep': { label: 'Sắp xếp theo', values: { 'ten-hoi': 'Tên hội', 'ma-hoi': 'Mã hội', 'ho-ten': 'Họ và tên' } },
};

/**
 * A report's filters as a reader says them ("Lĩnh vực: Xã hội - nhân đạo; Năm: 2026"), in the filter form's order,
 * codes named from the catalogues; an unknown key or code is shown as it was stored.
 */
export function describeReportFilters(
  stored: Record<string, string> | string,
  catalogues: Partial<Record<CatalogueTable, readonly CatalogueOption[]>>,
): string {
  const query: Record<string, string> = typeof stored === 'string' ? JSON.parse(stored) : stored;
  const order = Object.keys(FILTER_NAMES);
  const rank = (key: string) => (order.includes(key) ? order.indexOf(key) : order.length);
  return Object.entries(query)
    .sort(([a], [b]) => rank(a) - rank(b))
    .map(([key, value]) => {
      const known = FILTER_NAMES[key];
      if (!known) return `${key}: ${value}`;
      const name =
        known.values?.[value] ?? (known.catalogue ? catalogues[known.catalogue]?.find((o) => o.code === value)?.name : undefined);
      return `${known.label}: ${name ?? value}`;
    })
    .join('; ');
}
