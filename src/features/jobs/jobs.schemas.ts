/** Query parameters of the jobs pages (zod; a bad value falls back to the default, never a 500). */
import { z } from 'zod';
import { formatDate, formatDateTime, formatQuarter } from '../../lib/format.js';
import { SNAPSHOT_DIMENSIONS } from './cycles.repository.js';

export const pageQuery = z.object({ trang: z.coerce.number().int().min(1).max(100_000).optional() });

export const runsQuery = z.object({
  trang: z.coerce.number().int().min(1).max(100_000).optional(),
  'tac-vu': z
    .string()
    .regex(/^[a-z0-9-]{1,60}$/)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  'trang-thai': z
    .enum(['running', 'succeeded', 'failed', 'skipped'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Runs started in the last N days (the staff work list links failures of the last 7). */
  'so-ngay': z
    .enum(['1', '7', '30'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
});

export const compareQuery = z.object({
  theo: z
    .enum(Object.keys(SNAPSHOT_DIMENSIONS) as [keyof typeof SNAPSHOT_DIMENSIONS, ...Array<keyof typeof SNAPSHOT_DIMENSIONS>])
    .optional(),
});

/** The choices of the runs' period filter. */
export const DAYS_LABELS: Record<string, string> = { '1': '24 giờ qua', '7': '7 ngày qua', '30': '30 ngày qua' };

export const STATUS_LABELS: Record<string, string> = {
  running: 'Đang chạy',
  succeeded: 'Thành công',
  failed: 'Thất bại',
  skipped: 'Bỏ qua',
};

export const TRIGGER_LABELS: Record<string, string> = {
  schedule: 'Theo lịch',
  startup: 'Chạy bù khi khởi động',
  manual: 'Chạy tay',
};

export const DIMENSION_LABELS: Record<keyof typeof SNAPSHOT_DIMENSIONS, string> = {
  status: 'Tình trạng hoạt động',
  scope: 'Phạm vi hoạt động',
  field: 'Lĩnh vực hoạt động chính',
  province: 'Tỉnh, thành phố (trụ sở)',
  data_level: 'Mức độ dữ liệu',
  kind: 'Loại hình',
  nature: 'Tính chất',
};

/**
 * What each count a job records means (job_runs.counts, shown on the job runs page): the keys stay in the code, the
 * page says them in Vietnamese. The scheduled backup records its drill's counts with a `drill_` prefix.
 */
export const COUNT_LABELS: Record<string, string> = {
  // quarterly-cycle
  associations: 'hội đang hoạt động',
  officer_notices: 'thông báo gửi cán bộ đầu mối',
  staff_notices: 'thông báo gửi cán bộ Vụ',
  emails_sent: 'thư điện tử đã gửi',
  emails_without_address: 'người nhận chưa có địa chỉ thư điện tử',
  snapshot_total: 'tổng số hồ sơ khi chốt số liệu',
  // congress-alerts
  checked: 'hội được xét',
  due: 'hội đến mốc cảnh báo',
  new_alerts: 'cảnh báo mới',
  // annual-report-reminder
  notices: 'thông báo đã gửi',
  // backup
  backupRunId: 'số hiệu lần sao lưu',
  tables: 'bảng dữ liệu',
  rows: 'dòng dữ liệu',
  files: 'tệp gốc',
  bytes: 'dung lượng (byte)',
  pruned: 'bản sao lưu cũ đã xóa',
  // backup-drill, alone or after the scheduled backup
  drillRunId: 'số hiệu lần diễn tập',
  filesChecked: 'tệp đã kiểm tra',
  restoreMs: 'thời gian khôi phục (ms)',
  drill_drillRunId: 'số hiệu lần diễn tập',
  drill_tables: 'bảng dữ liệu đã đối chiếu khi diễn tập',
  drill_filesChecked: 'tệp đã kiểm tra khi diễn tập',
  drill_restoreMs: 'thời gian khôi phục khi diễn tập (ms)',
  // follow-changes
  changed: 'thay đổi hồ sơ đã xét',
  record_notices: 'thông báo thay đổi hồ sơ đã gửi',
  record_changes_not_shown: 'thay đổi không báo (ngoài phần người theo dõi được xem)',
  own_changes: 'thay đổi do chính người theo dõi thực hiện',
  fresh_published: 'hồ sơ mới công khai hoặc đổi tên, lĩnh vực, địa bàn',
  searches_checked: 'lượt xét tìm kiếm đã lưu',
  search_notices: 'thông báo kết quả tìm kiếm mới',
  changes_pruned: 'dòng nhật ký thay đổi cũ đã xóa',
  // quality-scores
  quality_scored: 'hồ sơ đã tính lại điểm chất lượng',
  quality_batches: 'lượt tính theo lô',
  // personal-data-alerts
  personal_data_due_soon: 'yêu cầu về dữ liệu cá nhân sắp đến hạn',
  personal_data_overdue: 'yêu cầu về dữ liệu cá nhân quá hạn',
  personal_data_notices: 'thông báo nhắc hạn đã gửi',
  // notice-mail and notice-digest (e-mail of notices)
  recipients: 'người nhận thư tổng hợp',
  notices_sent: 'thông báo gửi trong thư',
  smtp_configured: 'có máy chủ thư (1 = có, 0 = không)',
  notices_for_digest: 'thông báo chờ thư tổng hợp hằng ngày',
  notices_skipped: 'thông báo không gửi thư (không nhận, chưa có địa chỉ, đã đọc, quá cũ)',
};

/**
 * "thư điện tử đã gửi: 4, …" from a run's counts (an object, or JSON text on some drivers); `say` translates each
 * label (a view's `tx`), the identity keeps the Vietnamese.
 */
export function countsText(counts: unknown, number: (n: number) => string, say: (text: string) => string = (text) => text): string {
  if (counts === null || counts === undefined || counts === '') return '';
  const obj = (typeof counts === 'string' ? JSON.parse(counts) : counts) as Record<string, unknown>;
  return Object.entries(obj)
    .map(([k, v]) => `${say(COUNT_LABELS[k] ?? 'số liệu khác')}: ${number(Number(v))}`)
    .join(', ');
}

/**
 * A run's period as people write it (`quarter`: how the page writes a quarter): a quarter 'Quý IV/2026', a day '06/01/2027', a scheduled firing (Viet Nam
 * time) '27/12/2026 02:00', a year 'Năm 2027', a manual run 'Chạy tay lúc 27/12/2026 02:00'.
 */
export function periodLabel(key: string, quarter: (key: string) => string = formatQuarter): string {
  if (key.startsWith('manual:')) return `Chạy tay lúc ${periodLabel(key.slice('manual:'.length), quarter)}`;
  if (/^\d{4}-Q[1-4]$/.test(key)) return quarter(key);
  if (/^\d{4}$/.test(key)) return `Năm ${key}`;
  if (/^\d{4}-\d{2}-\d{2}$/.test(key)) return formatDate(`${key}T00:00:00+07:00`);
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$/.test(key)) return formatDateTime(`${key}+07:00`);
  return formatDateTime(key) || key;
}
