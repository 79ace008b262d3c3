/**
 * Forms of the access feature: the public registration (phiếu đăng ký khai thác), the decision on
 * it, the manager's requests. Sub-lists use dotted names (`officers.0.full_name`, `cat.a`); zod messages in
 * Vietnamese, keyed by the posted field name.
 */

import { z } from 'zod';
import { lowerFirst, upperFirst } from '../../lib/format.js';
import { parseVietnameseDate } from '../catalogues/catalogues.schemas.js';
import { CATEGORY_KEYS, type CategoryKey } from '../reports/categories.js';

export const MAX_OFFICERS = 10;
export const BLANK_OFFICER_ROWS = 3;

/**
 * A field's label as written at the start of a message and inside one ("Địa chỉ tối đa…", "Hãy nhập địa chỉ."): the
 * labels below are written capitalised, as the English catalogue holds them (locales/texts/en/access.json).
 */

const text = (label: string, max: number) =>
  z
    .string({ error: `Hãy nhập ${lowerFirst(label)}.` })
    .trim()
    .min(1, `Hãy nhập ${lowerFirst(label)}.`)
    .max(max, `${upperFirst(label)} tối đa ${max} ký tự.`);

const optionalText = (label: string, max: number) =>
  z
    .string({ error: `${label} không hợp lệ.` })
    .trim()
    .max(max, `${label} tối đa ${max} ký tự.`)
    .optional()
    .transform((v) => (v ? v : null));

const email = (label: string) =>
  z
    .string({ error: `Hãy nhập ${lowerFirst(label)}.` })
    .trim()
    .min(1, `Hãy nhập ${lowerFirst(label)}.`)
    .max(200, `${lowerFirst(label)} tối đa 200 ký tự.`)
    .regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, `${upperFirst(label)} không đúng dạng, ví dụ ten@coquan.gov.vn.`);

const phone = (label: string) =>
  z
    .string({ error: `Hãy nhập ${lowerFirst(label)}.` })
    .trim()
    .min(1, `Hãy nhập ${lowerFirst(label)}.`)
    .regex(/^[0-9+().\s-]{8,20}$/, `${upperFirst(label)} chỉ gồm chữ số (8–20 ký tự), ví dụ 024 3824 0000.`);

const optionalPhone = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^([0-9+().\s-]{8,20})?$/, `${label} chỉ gồm chữ số (8–20 ký tự).`)
    .optional()
    .transform((v) => (v ? v : null));

export const vnDate = (label: string) =>
  z
    .string({ error: `Hãy nhập ${lowerFirst(label)}.` })
    .trim()
    .min(1, `Hãy nhập ${lowerFirst(label)}.`)
    .transform((v, ctx) => {
      const iso = parseVietnameseDate(v);
      if (!iso) {
        ctx.addIssue({
          code: 'custom',
          message: `${upperFirst(label)} phải là một ngày có thật, dạng ngày/tháng/năm (ví dụ 31/12/2027).`,
        });
        return z.NEVER;
      }
      return iso;
    });

const registrationBase = z.object({
  kind: z.enum(['organisation', 'person'], { error: 'Hãy chọn người đăng ký là tổ chức hay cá nhân.' }),
  name: text('Tên tổ chức hoặc họ và tên cá nhân', 300),
  identifier: text('Mã số thuế, số quyết định thành lập hoặc số định danh cá nhân', 60),
  address: text('Địa chỉ', 500),
  email: email('Thư điện tử liên hệ'),
  phone: phone('Số điện thoại liên hệ'),
  manager_name: text('Họ và tên người quản lý tài khoản', 200),
  manager_position: optionalText('Chức vụ người quản lý', 200),
  manager_email: email('Thư điện tử của người quản lý'),
  manager_phone: optionalPhone('Số điện thoại người quản lý'),
  purpose: text('Mục đích khai thác', 4000),
  legal_basis: text('Căn cứ pháp lý hoặc văn bản đề nghị', 2000),
  personal: z.literal('1', { error: 'Giá trị không hợp lệ.' }).optional(),
  period_from: vnDate('Ngày bắt đầu khai thác'),
  period_to: vnDate('Ngày kết thúc khai thác'),
});

const officerSchema = z.object({
  full_name: text('Họ và tên cán bộ', 200),
  position: text('Chức vụ của cán bộ', 200),
  email: email('Thư điện tử của cán bộ'),
  phone: optionalPhone('Số điện thoại của cán bộ'),
});
export type OfficerForm = z.infer<typeof officerSchema>;

/** `cat.a=1 …` → the chosen categories, in catalogue order; null when a key or value is not one we render. */
export function chosenCategories(body: Record<string, unknown>, prefix = 'cat.'): CategoryKey[] | null {
  const out: CategoryKey[] = [];
  for (const [k, v] of Object.entries(body)) {
    if (!k.startsWith(prefix)) continue;
    const key = k.slice(prefix.length);
    if (!(CATEGORY_KEYS as readonly string[]).includes(key) || v !== '1') return null;
    out.push(key as CategoryKey);
  }
  return CATEGORY_KEYS.filter((k) => out.includes(k));
}

/** Officer rows posted as `officers.N.field`; rows left entirely blank are ignored. */
export function officerRows(body: Record<string, unknown>): Array<{ index: number; values: Record<string, unknown> }> {
  const rows = new Map<number, Record<string, unknown>>();
  for (const [k, v] of Object.entries(body)) {
    const m = /^officers\.(\d{1,2})\.(full_name|position|email|phone)$/.exec(k);
    if (!m) continue;
    const i = Number(m[1]);
    rows.set(i, { ...(rows.get(i) ?? {}), [m[2] as string]: v });
  }
  return [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, r]) => Object.values(r).some((v) => typeof v !== 'string' || v.trim() !== ''))
    .map(([index, values]) => ({ index, values }));
}

export interface RegistrationInput extends z.infer<typeof registrationBase> {
  categories: CategoryKey[];
  officers: OfficerForm[];
}

export function parseRegistration(body: unknown, today: string): { data: RegistrationInput } | { errors: Record<string, string> } {
  const b = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors: Record<string, string> = {};
  const base = registrationBase.safeParse(b);
  if (!base.success) {
    for (const issue of base.error.issues) {
      const key = issue.path.map(String).join('.') || '_form';
      errors[key] ??= issue.message;
    }
  }
  const categories = chosenCategories(b);
  if (categories === null) errors.categories = 'Nhóm thông tin được chọn không hợp lệ.';
  else if (categories.length === 0) errors.categories = 'Hãy chọn ít nhất một nhóm thông tin cần khai thác.';
  const rows = officerRows(b);
  if (rows.length > MAX_OFFICERS) errors.officers = `Tối đa ${MAX_OFFICERS} cán bộ khai thác trong một phiếu.`;
  const officers: OfficerForm[] = [];
  for (const { index, values } of rows) {
    const parsed = officerSchema.safeParse(values);
    if (parsed.success) officers.push(parsed.data);
    else for (const issue of parsed.error.issues) errors[`officers.${index}.${issue.path.map(String).join('.')}`] ??= issue.message;
  }
  if (base.success) {
    if (base.data.period_from < today) errors.period_from ??= 'Ngày bắt đầu khai thác không được trước ngày hôm nay.';
    if (base.data.period_to <= base.data.period_from) errors.period_to ??= 'Ngày kết thúc phải sau ngày bắt đầu khai thác.';
  }
  if (Object.keys(errors).length > 0 || !base.success || categories === null) return { errors };
  return { data: { ...base.data, categories, officers } };
}

export const statusLookupForm = z.object({
  token: z.string({ error: 'Hãy nhập mã tra cứu.' }).trim().min(1, 'Hãy nhập mã tra cứu.').max(100, 'Mã tra cứu không đúng.'),
});

export const approvalForm = z.object({
  expires_on: vnDate('Ngày hết hạn quyền khai thác'),
  personal: z.literal('1', { error: 'Giá trị không hợp lệ.' }).optional(),
});

export const reasonForm = z.object({
  reason: text('Lý do', 2000),
});

export const renewalForm = z.object({
  expires_on: vnDate('Ngày hết hạn đề nghị'),
  reason: text('Lý do gia hạn', 2000),
});

export const renewalDecisionForm = z.object({
  expires_on: vnDate('Ngày hết hạn mới').optional(),
});

export const officerForm = officerSchema;

export const logSearchQuery = z.object({
  to_chuc: z
    .string()
    .regex(/^\d{1,9}$/, 'Tổ chức không hợp lệ.')
    .optional()
    .transform((v) => (v ? Number(v) : undefined))
    .or(z.literal('').transform(() => undefined)),
  nguoi_dung: z.string().trim().max(60, 'Tên đăng nhập tối đa 60 ký tự.').optional(),
  loai: z
    .enum(CATEGORY_KEYS as unknown as [string, ...string[]], { error: 'Loại báo cáo không hợp lệ.' })
    .optional()
    .or(z.literal('').transform(() => undefined)),
  tu_ngay: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const iso = parseVietnameseDate(v);
      if (!iso) {
        ctx.addIssue({ code: 'custom', message: 'Từ ngày phải có dạng ngày/tháng/năm.' });
        return z.NEVER;
      }
      return iso;
    }),
  den_ngay: z
    .string()
    .trim()
    .optional()
    .transform((v, ctx) => {
      if (!v) return undefined;
      const iso = parseVietnameseDate(v);
      if (!iso) {
        ctx.addIssue({ code: 'custom', message: 'Đến ngày phải có dạng ngày/tháng/năm.' });
        return z.NEVER;
      }
      return iso;
    }),
  trang: z.coerce.number().int().min(1).max(100_000).optional(),
  format: z.literal('csv').optional(),
});
export type LogSearch = z.infer<typeof logSearchQuery>;
