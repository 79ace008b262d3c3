import { z } from 'zod';

/** The declaration every upload carries. Only "Không mật" may be stored. */
export const CLASSIFICATIONS = [
  { value: 'khong_mat', text: 'Không mật' },
  { value: 'mat', text: 'Mật' },
  { value: 'toi_mat', text: 'Tối mật' },
  { value: 'tuyet_mat', text: 'Tuyệt mật' },
] as const;

export const CLASSIFIED_REFUSAL =
  'Không được lưu tài liệu có độ mật «Mật», «Tối mật» hoặc «Tuyệt mật» vào Cơ sở dữ liệu hội: theo Điều 4 Quy chế ban hành kèm Quyết định 113/QĐ-BNV, thông tin thuộc danh mục bí mật nhà nước không được lưu trữ tại đây. Tài liệu chưa được lưu; hãy quản lý tài liệu này theo chế độ bảo vệ bí mật nhà nước.';

const classification = z
  .string({ error: 'Chọn độ mật của tài liệu.' })
  .min(1, { error: 'Chọn độ mật của tài liệu.' })
  .superRefine((value, ctx) => {
    if (value === 'khong_mat') return;
    const known = CLASSIFICATIONS.some((c) => c.value === value);
    ctx.addIssue({ code: 'custom', message: known ? CLASSIFIED_REFUSAL : 'Độ mật không hợp lệ.' });
  });

export const uploadSchema = z.object({
  classification,
  document_type_code: z
    .string({ error: 'Chọn loại tài liệu.' })
    .trim()
    .min(1, { error: 'Chọn loại tài liệu.' })
    .max(50, { error: 'Loại tài liệu không hợp lệ.' }),
  title: z
    .string({ error: 'Nhập tiêu đề tài liệu.' })
    .trim()
    .min(1, { error: 'Nhập tiêu đề tài liệu.' })
    .max(500, { error: 'Tiêu đề không được dài quá 500 ký tự.' }),
  supersedes_id: z
    .string({ error: 'Tài liệu được thay thế không hợp lệ.' })
    .trim()
    .regex(/^\d{0,9}$/, { error: 'Tài liệu được thay thế không hợp lệ.' })
    .optional()
    .transform((v) => (v ? Number(v) : null)),
});

export type UploadFields = z.output<typeof uploadSchema>;

/** True when the declaration received so far refuses the file (so not one byte of it is written). */
export function declaresClassified(fields: Record<string, unknown>): boolean {
  const v = fields.classification;
  return v !== undefined && v !== 'khong_mat';
}
