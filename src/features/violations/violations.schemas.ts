/** Forms of a violation and of the action taken on it: zod, Vietnamese messages next to each field. */
import { z } from 'zod';
import { CLASSIFICATIONS, CLASSIFIED_REFUSAL } from '../documents/documents.schemas.js';
import { dateField, text } from '../fees/fees.schemas.js';

const str = z.string({ error: 'Giá trị không hợp lệ.' });

export const TARGET_TYPES = [
  ['organisation', 'Tổ chức khai thác dữ liệu'],
  ['user', 'Một tài khoản người dùng'],
] as const;

export const ACTIONS = [
  ['warning', 'Cảnh cáo'],
  ['suspension', 'Tạm đình chỉ quyền khai thác đến hết một ngày'],
  ['revocation', 'Thu hồi quyền truy cập'],
] as const;
export type ViolationAction = (typeof ACTIONS)[number][0] | 'lift';
export const ACTION_LABELS: Record<ViolationAction, string> = {
  warning: 'Cảnh cáo',
  suspension: 'Tạm đình chỉ',
  revocation: 'Thu hồi quyền truy cập',
  lift: 'Chấm dứt tạm đình chỉ trước hạn',
};

export const violationForm = z
  .object({
    target_type: z.enum(['organisation', 'user'], { error: 'Hãy chọn đối tượng vi phạm.' }),
    organisation_id: str.trim().optional().default(''),
    username: str.trim().max(100, 'Tên đăng nhập tối đa 100 ký tự.').optional().default(''),
    description: text('Nội dung vi phạm', 4000),
    occurred_on: dateField('Ngày xảy ra vi phạm', true),
    evidence: str.trim().max(8000, 'Mô tả chứng cứ tối đa 8000 ký tự.').optional().default(''),
    reporter: text('Người, cơ quan phát hiện hoặc báo cáo', 300),
    classification: str.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.target_type === 'organisation' && !/^\d{1,9}$/.test(v.organisation_id)) {
      ctx.addIssue({ code: 'custom', path: ['organisation_id'], message: 'Hãy chọn tổ chức vi phạm.' });
    }
    if (v.target_type === 'user' && v.username === '') {
      ctx.addIssue({ code: 'custom', path: ['username'], message: 'Hãy nhập tên đăng nhập của người vi phạm.' });
    }
    if (v.classification !== undefined && v.classification !== '' && v.classification !== 'khong_mat') {
      const known = CLASSIFICATIONS.some((c) => c.value === v.classification);
      ctx.addIssue({ code: 'custom', path: ['classification'], message: known ? CLASSIFIED_REFUSAL : 'Độ mật không hợp lệ.' });
    }
  });
export type ViolationInput = z.infer<typeof violationForm>;

export const actionForm = z
  .object({
    action: z.enum(['warning', 'suspension', 'revocation'], { error: 'Hãy chọn hình thức xử lý.' }),
    until: dateField('Ngày hết tạm đình chỉ', false),
    note: text('Số quyết định hoặc lý do xử lý', 2000),
  })
  .superRefine((v, ctx) => {
    if (v.action === 'suspension' && !v.until) {
      ctx.addIssue({ code: 'custom', path: ['until'], message: 'Hãy nhập ngày hết tạm đình chỉ.' });
    }
  });
export type ActionInput = z.infer<typeof actionForm>;

export const liftForm = z.object({ note: text('Lý do chấm dứt tạm đình chỉ', 2000) });

export const listQuery = z.object({
  q: z.string().max(200).optional().default(''),
  'doi-tuong': z.enum(['', 'organisation', 'user']).optional().default(''),
  trang: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional()
    .transform((v) => Math.max(1, Number(v ?? '1'))),
});
