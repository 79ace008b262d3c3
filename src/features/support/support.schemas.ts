/** Support questions: zod, Vietnamese messages next to each field. */
import { z } from 'zod';
import { text } from '../fees/fees.schemas.js';

export const questionForm = z.object({
  subject: text('Tiêu đề câu hỏi', 200),
  body: text('Nội dung câu hỏi', 8000),
});
export type QuestionInput = z.infer<typeof questionForm>;

export const replyForm = z.object({ body: text('Nội dung trả lời', 8000) });

export const STATUS_LABELS: Record<string, string> = {
  open: 'Chờ trả lời',
  answered: 'Đã trả lời',
  closed: 'Đã đóng',
};

export const staffListQuery = z.object({
  'trang-thai': z.enum(['open', 'answered', 'closed', 'all']).optional().default('open'),
  trang: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional()
    .transform((v) => Math.max(1, Number(v ?? '1'))),
});

export const pageQuery = z.object({
  trang: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional()
    .transform((v) => Math.max(1, Number(v ?? '1'))),
});
