/** A report's filters checked against the catalogues (a bad code is a 400), and printed as the reader reads them. */
import { ValidationError } from '../../lib/errors.js';
import { TRACKED_TERM_STATE_LABELS } from '../associations/congress-term.js';
import { LEGAL_DOC_TYPE_CODES, LEGAL_DOC_TYPES } from '../legal-documents/legal-documents.schemas.js';
import { SCOPES } from '../register-form/definition.js';
import { nameOf, type Options } from './report-builder.js';
import { PROVINCE_MAP_LABELS, type ReportFilters } from './reports.schemas.js';

const SCOPE_LABEL: Record<string, string> = Object.fromEntries(SCOPES);
const DOC_TYPE_LABEL: Record<string, string> = Object.fromEntries(LEGAL_DOC_TYPES);

/** Codes in a filter must exist in their catalogue: anything else is a 400 with a Vietnamese message. */
export function checkFilters(f: ReportFilters, options: Options): void {
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

/** The filters applied, as label and value ("Lĩnh vực: Y tế …"). */
export function filterText(f: ReportFilters, options: Options): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (f.code) out.push(['Mã hội', f.code]);
  if (f.field) out.push(['Lĩnh vực', nameOf(options, 'fields', f.field)]);
  if (f.ministry) out.push(['Bộ, ngành quản lý', nameOf(options, 'ministries', f.ministry)]);
  if (f.scope) out.push(['Phạm vi', SCOPE_LABEL[f.scope] ?? f.scope]);
  if (f.province) out.push(['Tỉnh, thành phố', nameOf(options, 'provinces', f.province)]);
  if (f.provinceMap) out.push(['Thống kê theo', PROVINCE_MAP_LABELS[f.provinceMap]]);
  if (f.nature) out.push(['Tính chất', nameOf(options, 'natures', f.nature)]);
  if (f.status) out.push(['Trạng thái', nameOf(options, 'statuses', f.status)]);
  if (f.tasked !== undefined) out.push(['Được Đảng, Nhà nước giao nhiệm vụ', f.tasked ? 'Có' : 'Không']);
  if (f.year) out.push(['Năm', String(f.year)]);
  if (f.position) out.push(['Chức vụ', nameOf(options, 'leader_positions', f.position)]);
  if (f.termState) out.push(['Tình trạng đại hội', TRACKED_TERM_STATE_LABELS[f.termState]]);
  if (f.overdue) out.push(['Chỉ hội', 'quá hạn đại hội']);
  if (f.withinMonths) out.push(['Đến hạn trong', `${f.withinMonths} tháng tới`]);
  if (f.docType) out.push(['Loại văn bản', DOC_TYPE_LABEL[f.docType] ?? f.docType]);
  return out;
}
