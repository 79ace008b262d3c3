/** Forms and queries of the data-quality pages (zod, Vietnamese messages). */
import { z } from 'zod';
import { SCORE_BANDS, type ScoreBand } from './quality-rules.js';

const wholeNumber = (label: string, min: number, max: number) =>
  z
    .string({ error: `Nhập ${label.toLowerCase()}.` })
    .trim()
    .min(1, { error: `Nhập ${label.toLowerCase()}.` })
    .regex(/^\d+$/, { error: `${label} phải là số nguyên không âm.` })
    .transform(Number)
    .refine((n) => n >= min && n <= max, { error: `${label} phải từ ${min} đến ${max}.` });

/** The rule form: weight, on/off, the parameter when the rule has one (bounds from the rule's row). */
export function ruleFormSchema(param: { label: string; min: number; max: number } | null) {
  return z.object({
    weight: wholeNumber('Trọng số', 0, 100),
    enabled: z.enum(['co', 'khong'], { error: 'Chọn có áp dụng quy tắc hay không.' }).transform((v) => v === 'co'),
    param: param
      ? wholeNumber(param.label, param.min, param.max)
      : z
          .unknown()
          .optional()
          .transform(() => null),
  });
}

export type RuleForm = { weight: number; enabled: boolean; param: number | null };

const optionalCode = z
  .string()
  .trim()
  .max(40)
  .regex(/^[A-Za-z0-9_.-]*$/)
  .optional()
  .transform((v) => (v ? v : undefined));

/** The report's query: field, province, score band, grouping of the summary, page. */
export const reportQuery = z.object({
  'linh-vuc': optionalCode,
  tinh: optionalCode,
  diem: z
    .enum(Object.keys(SCORE_BANDS) as [ScoreBand, ...ScoreBand[]])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  theo: z
    .enum(['tinh', 'linh-vuc'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  trang: z.coerce.number().int().min(1).max(10_000).optional(),
});
