/** Reports d and đ: the leaders in office (all key positions, or the presidents), with personal fields for readers entitled to them. */
import {
  CODE_COLUMN,
  formKey,
  limitOf,
  offsetOf,
  optionKeys,
  PAGE_SIZE,
  type Paging,
  paged,
  type ReportBuilder,
} from './report-builder.js';
import type { ReportColumn, ReportTable } from './report-model.js';
import type { ReportsRepository } from './reports.repository.js';
import type { ReportFilters } from './reports.schemas.js';

type Repo = Pick<ReportsRepository, 'countLeaders' | 'leaders'>;

/** Pages of the leaders lists (d, đ) count at most this many rows (more than 10 pages past the one shown). */
export const LEADER_COUNT_CAP = 10_000;

const GENDER_LABEL: Record<string, string> = { nam: 'Nam', nu: 'Nữ', khac: 'Khác' };
const OFFICIAL_LABEL: Record<string, string> = { khong: 'Không', dang_chuc: 'Đương chức', nghi_huu: 'Đã nghỉ hưu' };

function leaderColumns(personal: boolean): ReportColumn[] {
  return [
    { key: 'full_name', label: 'Họ và tên', type: 'text' },
    { key: 'position', label: 'Chức vụ trong hội', type: 'text' },
    CODE_COLUMN,
    { key: 'association', label: 'Tên hội', type: 'text' },
    { key: 'term_number', label: 'Nhiệm kỳ (khóa)', type: 'int' },
    { key: 'elected_on', label: 'Ngày bầu', type: 'date' },
    ...(personal
      ? ([
          { key: 'birth_year', label: 'Năm sinh', type: 'year' },
          { key: 'gender', label: 'Giới tính', type: 'text', valueKeys: optionKeys(formKey('gender', 'leaders'), GENDER_LABEL) },
          { key: 'academic_title', label: 'Học hàm, học vị', type: 'text' },
          { key: 'outside_position', label: 'Chức vụ, đơn vị công tác ngoài hội', type: 'text' },
        ] as const)
      : []),
    {
      key: 'official_status',
      label: 'Cán bộ, công chức, viên chức',
      type: 'text',
      valueKeys: optionKeys(formKey('official_status', 'leaders'), OFFICIAL_LABEL),
    },
    { key: 'full_time', label: 'Chuyên trách', type: 'bool' },
  ];
}

async function leaderTable(
  repo: Repo,
  table: { id: string; title: string },
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
  return paged(
    {
      ...table,
      columns: leaderColumns(personal),
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

/** d: key leaders in office (a position may be chosen). */
export function leadersReport(repo: Repo): ReportBuilder {
  return async (f, _options, paging, ctx) => ({
    tables: [await leaderTable(repo, { id: 'lanh-dao', title: 'Lãnh đạo chủ chốt đương nhiệm' }, f, f.position, paging, ctx.personal)],
    chart: null,
  });
}

/** đ: presidents in office. */
export function presidentsReport(repo: Repo): ReportBuilder {
  return async (f, _options, paging, ctx) => ({
    tables: [await leaderTable(repo, { id: 'chu-tich', title: 'Chủ tịch hội đương nhiệm' }, f, 'CT', paging, ctx.personal)],
    chart: null,
  });
}
