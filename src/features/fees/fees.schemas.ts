/** Forms of the fee schedule and of a contract fee: zod, Vietnamese messages next to each field. */

import { z } from 'zod';
import { lowerFirst } from '../../lib/format.js';
import { parseVietnameseDate } from '../catalogues/catalogues.schemas.js';
import { CATEGORY_KEYS } from '../reports/categories.js';

export const FEE_UNITS = [
  ['export', 'Mỗi lượt xuất dữ liệu'],
  ['rows_1000', 'Mỗi 1.000 dòng dữ liệu xuất (phần lẻ tính tròn lên 1.000 dòng)'],
  ['contract', 'Mỗi hợp đồng cung cấp dữ liệu'],
] as const;
export type FeeUnit = (typeof FEE_UNITS)[number][0];
export const FEE_UNIT_CODES = FEE_UNITS.map(([c]) => c) as [FeeUnit, ...FeeUnit[]];
export const FEE_UNIT_LABELS: Record<string, string> = Object.fromEntries(FEE_UNITS);

/** The largest amount a form accepts: 100 billion VND (fits a bigint and a JS number exactly). */
export const MAX_VND = 100_000_000_000;

const str = z.string({ error: 'Giá trị không hợp lệ.' });

// Field labels are written capitalised, as a heading, and start lower-case inside a sentence: each message is one
// template with the label as one placeholder (server texts are translated by pattern, src/lib/server-text.ts).

export const text = (label: string, max: number) =>
  str
    .trim()
    .min(1, `Hãy nhập ${lowerFirst(label)}.`)
    .max(max, `${label} tối đa ${max} ký tự.`);

/** A required (or optional) dd/mm/yyyy date → 'YYYY-MM-DD'. */
export function dateField(label: string, required: true): z.ZodType<string, unknown>;
export function dateField(label: string, required: false): z.ZodType<string | null, unknown>;
export function dateField(label: string, required: boolean): z.ZodType<string | null, unknown> {
  return str.optional().transform((v, ctx) => {
    const iso = parseVietnameseDate(v ?? '');
    if (iso === null) {
      if (!required) return null;
      ctx.addIssue({ code: 'custom', message: `Hãy nhập ${lowerFirst(label)}.` });
      return z.NEVER;
    }
    if (iso === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `${label} phải là một ngày có thật, dạng ngày/tháng/năm (ví dụ 05/02/2027).`,
      });
      return z.NEVER;
    }
    return iso;
  });
}

/** Whole VND, written as 1.500.000 or 1500000. */
export const vndField = (label: string, min: number) =>
  str.optional().transform((v, ctx) => {
    const raw = (v ?? '').trim().replace(/[.\s]/g, '').replace(/đ$/i, '');
    if (raw === '') {
      ctx.addIssue({ code: 'custom', message: `Hãy nhập ${lowerFirst(label)}.` });
      return z.NEVER;
    }
    if (!/^\d{1,12}$/.test(raw) || Number(raw) > MAX_VND || Number(raw) < min) {
      ctx.addIssue({
        code: 'custom',
        message: `${label} phải là số nguyên đồng từ ${min} đến 100.000.000.000, ví dụ 1.500.000.`,
      });
      return z.NEVER;
    }
    return Number(raw);
  });

const categoriesField = z
  .union([str, z.array(str)], { error: 'Hãy chọn ít nhất một loại thông tin áp dụng.' })
  .optional()
  .transform((v, ctx) => {
    const list = v === undefined ? [] : Array.isArray(v) ? v : [v];
    if (list.length === 0) {
      ctx.addIssue({ code: 'custom', message: 'Hãy chọn ít nhất một loại thông tin áp dụng.' });
      return z.NEVER;
    }
    if (list.some((c) => !(CATEGORY_KEYS as readonly string[]).includes(c))) {
      ctx.addIssue({ code: 'custom', message: 'Loại thông tin không có trong danh mục khoản 1 Điều 17.' });
      return z.NEVER;
    }
    return [...new Set(list)].sort((a, b) => CATEGORY_KEYS.indexOf(a as never) - CATEGORY_KEYS.indexOf(b as never));
  });

export const scheduleForm = z
  .object({
    legal_basis: text('Căn cứ pháp lý', 2000),
    valid_from: dateField('Ngày bắt đầu áp dụng', true),
    valid_to: dateField('Ngày hết hiệu lực', false),
    unit: z.enum(FEE_UNIT_CODES, { error: 'Hãy chọn đơn vị tính phí.' }),
    unit_price_vnd: vndField('Đơn giá', 0),
    categories: categoriesField,
    note: str.trim().max(2000, 'Ghi chú tối đa 2000 ký tự.').optional().default(''),
  })
  .superRefine((v, ctx) => {
    if (v.valid_to && v.valid_from && v.valid_to < v.valid_from) {
      ctx.addIssue({ code: 'custom', path: ['valid_to'], message: 'Ngày hết hiệu lực phải bằng hoặc sau ngày bắt đầu áp dụng.' });
    }
  });
export type ScheduleInput = z.infer<typeof scheduleForm>;

export const versionField = z.object({ version: z.coerce.number().int().min(1) });

export const contractForm = z.object({
  organisation_id: str.optional().transform((v, ctx) => {
    if (!v || !/^\d{1,9}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'Hãy chọn tổ chức khai thác.' });
      return z.NEVER;
    }
    return Number(v);
  }),
  schedule_id: str.optional().transform((v, ctx) => {
    if (!v) return null;
    if (!/^\d{1,9}$/.test(v)) {
      ctx.addIssue({ code: 'custom', message: 'Biểu phí đã chọn không hợp lệ.' });
      return z.NEVER;
    }
    return Number(v);
  }),
  description: text('Số và nội dung hợp đồng', 1000),
  amount_vnd: vndField('Số tiền', 1),
  legal_basis: str.trim().max(2000, 'Căn cứ pháp lý tối đa 2000 ký tự.').optional().default(''),
});
export type ContractInput = z.infer<typeof contractForm>;

/** The statement's period: ?tu=dd/mm/yyyy&den=dd/mm/yyyy (or YYYY-MM-DD). */
function periodDate(label: string) {
  return str.optional().transform((v, ctx) => {
    const s = (v ?? '').trim();
    if (s === '') return null;
    const iso = /^\d{4}-\d{2}-\d{2}$/.test(s)
      ? parseVietnameseDate(`${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}`)
      : parseVietnameseDate(s);
    if (!iso) {
      ctx.addIssue({ code: 'custom', message: `${label} phải là một ngày có thật, dạng ngày/tháng/năm.` });
      return z.NEVER;
    }
    return iso;
  });
}

export const periodQuery = z.object({ tu: periodDate('Từ ngày'), den: periodDate('Đến ngày') }).superRefine((v, ctx) => {
  if (v.tu && v.den && v.den < v.tu) ctx.addIssue({ code: 'custom', path: ['den'], message: 'Đến ngày phải bằng hoặc sau Từ ngày.' });
});

export const pageQuery = z.object({
  trang: z
    .string()
    .regex(/^\d{1,6}$/)
    .optional()
    .transform((v) => Math.max(1, Number(v ?? '1'))),
});
