/** Query parameters of the jobs pages (zod; a bad value falls back to the default, never a 500). */
import { z } from 'zod';
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
});

export const compareQuery = z.object({
  theo: z
    .enum(Object.keys(SNAPSHOT_DIMENSIONS) as [keyof typeof SNAPSHOT_DIMENSIONS, ...Array<keyof typeof SNAPSHOT_DIMENSIONS>])
    .optional(),
});

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
