/**
 * The audit log's filters (GET /quan-tri/he-thong/nhat-ky and its .csv): zod over the query string, a Vietnamese
 * message per field (RELIABILITY check 19). Dates are days in Viet Nam (dd/mm/yyyy, or yyyy-mm-dd from a date
 * input); an address is IPv4 or IPv6; the action and the kind of record come from the lists the page offers.
 */
import { isIP } from 'node:net';
import { z } from 'zod';
import { ACTION_LABELS, TARGET_TYPES } from '../audit/audit-labels.js';
import { parseVietnameseDate } from '../register-form/schema.js';

const str = z.string({ error: 'Giá trị không hợp lệ.' });

/** An optional text field: blank is absent. */
const optional = (max: number, message: string) =>
  str
    .trim()
    .max(max, message)
    .optional()
    .transform((v) => (v ? v : undefined));

const day = (label: string) =>
  optional(20, `${label} phải là một ngày có thật, dạng ngày/tháng/năm.`).transform((v, ctx) => {
    if (v === undefined) return undefined;
    const iso = parseVietnameseDate(v);
    if (iso) return iso;
    ctx.addIssue({ code: 'custom', message: `${label} phải là một ngày có thật, dạng ngày/tháng/năm (ví dụ 05/02/2026).` });
    return z.NEVER;
  });

/** An IPv4-mapped IPv6 address (`::ffff:10.0.0.1`) is its IPv4 address, as the page shows and the index reads it. */
export function normaliseIp(ip: string): string {
  const lower = ip.toLowerCase();
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/.exec(lower);
  return mapped?.[1] ?? lower;
}

const cursorId = str
  .regex(/^\d{1,15}$/, 'Liên kết trang không hợp lệ. Hãy mở lại trang nhật ký.')
  .optional()
  .transform((v) => (v === undefined ? undefined : Number(v)));

export const auditLogQuery = z
  .object({
    'nguoi-dung': optional(100, 'Tên đăng nhập tối đa 100 ký tự.'),
    'thao-tac': optional(100, 'Hãy chọn một thao tác trong danh sách.').refine((v) => v === undefined || Object.hasOwn(ACTION_LABELS, v), {
      message: 'Hãy chọn một thao tác trong danh sách.',
    }),
    'tu-ngay': day('Từ ngày'),
    'den-ngay': day('Đến ngày'),
    'doi-tuong': optional(100, 'Hãy chọn loại đối tượng trong danh sách.').refine(
      (v) => v === undefined || TARGET_TYPES.some((t) => t.type === v),
      { message: 'Hãy chọn loại đối tượng trong danh sách.' },
    ),
    'ma-doi-tuong': optional(100, 'Mã hoặc số của đối tượng tối đa 100 ký tự.'),
    ip: optional(64, 'Địa chỉ IP không hợp lệ, ví dụ 10.0.0.1 hoặc 2001:db8::1.')
      .refine((v) => v === undefined || isIP(v) !== 0, { message: 'Địa chỉ IP không hợp lệ, ví dụ 10.0.0.1 hoặc 2001:db8::1.' })
      .transform((v) => (v === undefined ? undefined : normaliseIp(v))),
    sau: cursorId,
    truoc: cursorId,
  })
  .superRefine((q, ctx) => {
    if (q['tu-ngay'] && q['den-ngay'] && q['den-ngay'] < q['tu-ngay'])
      ctx.addIssue({ code: 'custom', path: ['den-ngay'], message: 'Đến ngày phải bằng hoặc sau Từ ngày.' });
    const type = TARGET_TYPES.find((t) => t.type === q['doi-tuong']);
    const id = q['ma-doi-tuong'];
    if (id !== undefined && q['doi-tuong'] === undefined)
      ctx.addIssue({ code: 'custom', path: ['doi-tuong'], message: 'Hãy chọn loại đối tượng của mã hoặc số đã nhập.' });
    if (type && id === undefined)
      ctx.addIssue({ code: 'custom', path: ['ma-doi-tuong'], message: `Hãy nhập mã hoặc số của ${type.label.toLowerCase()}.` });
    if (type?.id === 'number' && id !== undefined && !/^\d{1,15}$/.test(id))
      ctx.addIssue({
        code: 'custom',
        path: ['ma-doi-tuong'],
        message: `Số của ${type.label.toLowerCase()} là một số nguyên dương, ví dụ 12.`,
      });
    if (q.sau !== undefined && q.truoc !== undefined)
      ctx.addIssue({ code: 'custom', path: ['_form'], message: 'Liên kết trang không hợp lệ. Hãy mở lại trang nhật ký.' });
  });

export type AuditLogQuery = z.output<typeof auditLogQuery>;

/** The query parameters a filter form and the pager links carry (not the page cursor). */
export const FILTER_FIELDS = ['nguoi-dung', 'thao-tac', 'tu-ngay', 'den-ngay', 'doi-tuong', 'ma-doi-tuong', 'ip'] as const;
