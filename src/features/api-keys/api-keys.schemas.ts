/** The manager's form for a new API key (issue 17 item 3): a label and an optional last day. Vietnamese messages. */
import { z } from 'zod';
import { parseVietnameseDate } from '../catalogues/catalogues.schemas.js';

export const LABEL_MAX = 100;
export const KEYS_PAGE = 20;

export const apiKeyForm = z.object({
  label: z
    .string({ error: 'Hãy nhập tên gợi nhớ của khóa.' })
    .trim()
    .min(1, 'Hãy nhập tên gợi nhớ của khóa (ví dụ: Hệ thống báo cáo của Viện).')
    .max(LABEL_MAX, `Tên gợi nhớ tối đa ${LABEL_MAX} ký tự.`),
  expires_on: z
    .string({ error: 'Ngày hết hạn không hợp lệ.' })
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return null;
      const iso = parseVietnameseDate(v);
      if (!iso) {
        ctx.addIssue({ code: 'custom', message: 'Ngày hết hạn phải là một ngày có thật, dạng ngày/tháng/năm (ví dụ 31/12/2027).' });
        return z.NEVER;
      }
      return iso;
    }),
});

export type ApiKeyInput = z.output<typeof apiKeyForm>;
