/**
 * Personal-data requests (issue 17 item 1): the kinds, the states and their transitions, and the forms (zod, messages
 * in Vietnamese keyed by the posted field name). Pure data and functions.
 */

import { z } from 'zod';
import { lowerFirst, upperFirst } from '../../lib/format.js';
import { parseVietnameseDate } from '../catalogues/catalogues.schemas.js';

export const REQUEST_TYPES = ['access', 'correction', 'deletion', 'objection'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const TYPE_LABELS: Record<RequestType, string> = {
  access: 'Xem, nhận bản sao dữ liệu cá nhân',
  correction: 'Chỉnh sửa dữ liệu cá nhân',
  deletion: 'Xóa dữ liệu cá nhân (khi luật cho phép)',
  objection: 'Phản đối, hạn chế xử lý dữ liệu cá nhân',
};

/** Short names for the register's narrow column. */
export const TYPE_SHORT: Record<RequestType, string> = {
  access: 'Xem, nhận bản sao',
  correction: 'Chỉnh sửa',
  deletion: 'Xóa',
  objection: 'Phản đối xử lý',
};

export const STATES = ['received', 'verifying', 'in_progress', 'answered', 'refused'] as const;
export type RequestState = (typeof STATES)[number];
export const OPEN_STATES: readonly RequestState[] = ['received', 'verifying', 'in_progress'];

export const STATE_LABELS: Record<RequestState, string> = {
  received: 'Đã tiếp nhận',
  verifying: 'Đang xác minh danh tính',
  in_progress: 'Đang giải quyết',
  answered: 'Đã trả lời',
  refused: 'Từ chối (có lý do)',
};

export const CHANNEL_LABELS: Record<'web' | 'paper', string> = { web: 'Trực tuyến', paper: 'Văn bản giấy' };

/** The transitions staff may make: answered and refused are final. */
export const TRANSITIONS: Record<RequestState, readonly RequestState[]> = {
  received: ['verifying', 'in_progress', 'refused'],
  verifying: ['in_progress', 'refused'],
  in_progress: ['answered', 'refused'],
  answered: [],
  refused: [],
};

export function canMove(from: RequestState, to: RequestState): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The receipt number shown to the requester and printed on the letter: `DLCN-2026-000042`. */
export function receiptNumber(id: number, receivedAt: Date): string {
  const year = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Ho_Chi_Minh', year: 'numeric' }).format(receivedAt);
  return `DLCN-${year}-${String(id).padStart(6, '0')}`;
}

/** The due moment: `days` whole days after receipt (72 hours = 3 days). */
export function dueAt(receivedAt: Date, days: number): Date {
  return new Date(receivedAt.getTime() + days * 86_400_000);
}

/** Labels are written capitalised, as the English catalogue holds them (locales/texts/en/personal-data.json). */

const text = (label: string, max: number) =>
  z
    .string({ error: `Hãy nhập ${lowerFirst(label)}.` })
    .trim()
    .min(1, `Hãy nhập ${lowerFirst(label)}.`)
    .max(max, `${upperFirst(label)} tối đa ${max} ký tự.`);

const optional = (label: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, `${label} tối đa ${max} ký tự.`)
    .optional()
    .transform((v) => (v ? v : null));

/** The request form: the public one and staff's paper one (which adds the day it was received). */
export const requestForm = z
  .object({
    request_type: z.enum(REQUEST_TYPES, { error: 'Hãy chọn loại yêu cầu.' }),
    requester_name: text('Họ và tên', 200),
    birth_year: z
      .string()
      .trim()
      .optional()
      .transform((v, ctx) => {
        if (!v) return null;
        const n = Number(v);
        if (!/^\d{4}$/.test(v) || n < 1900 || n > 2030) {
          ctx.addIssue({ code: 'custom', message: 'Năm sinh gồm 4 chữ số, ví dụ 1965.' });
          return z.NEVER;
        }
        return n;
      }),
    email: z
      .string()
      .trim()
      .max(200, 'Thư điện tử tối đa 200 ký tự.')
      .regex(/^([^\s@]+@[^\s@]+\.[^\s@]+)?$/, 'Thư điện tử không đúng dạng, ví dụ ten@example.vn.')
      .optional()
      .transform((v) => (v ? v.toLowerCase() : null)),
    phone: z
      .string()
      .trim()
      .regex(/^([0-9+().\s-]{8,20})?$/, 'Số điện thoại chỉ gồm chữ số (8–20 ký tự), ví dụ 0912 345 678.')
      .optional()
      .transform((v) => (v ? v : null)),
    address: optional('Địa chỉ nhận văn bản', 300),
    associations: text('Tên hoặc mã hội liên quan', 2000),
    relation: text('Quan hệ của ông/bà với hội', 200),
    data_concerned: text('Dữ liệu cá nhân được yêu cầu', 2000),
    details: text('Nội dung yêu cầu', 5000),
    // A field hidden from people (CSS and aria-hidden): a robot that fills it is refused.
    website: z.string().optional(),
  })
  .superRefine((v, ctx) => {
    if (!v.email && !v.phone)
      ctx.addIssue({ code: 'custom', path: ['email'], message: 'Hãy nhập thư điện tử hoặc số điện thoại để Vụ liên hệ và trả lời.' });
  });
export type RequestInput = z.output<typeof requestForm>;

/** The names or codes typed, one per line or separated by semicolons; at most 5. */
export function associationTerms(raw: string): string[] {
  return [
    ...new Set(
      raw
        .split(/[\n;]/)
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  ];
}

export const paperExtra = z.object({
  received_on: z
    .string({ error: 'Hãy nhập ngày nhận văn bản.' })
    .trim()
    .min(1, 'Hãy nhập ngày nhận văn bản.')
    .transform((v, ctx) => {
      const iso = parseVietnameseDate(v);
      if (!iso) {
        ctx.addIssue({ code: 'custom', message: 'Ngày nhận phải là một ngày có thật, viết theo dạng ngày/tháng/năm, ví dụ 05/01/2026.' });
        return z.NEVER;
      }
      return iso;
    }),
});

export const verifyForm = z.object({
  verification_method: text('Cách xác minh danh tính', 500),
});

export const transitionForm = z
  .object({
    to: z.enum(STATES, { error: 'Hãy chọn trạng thái mới.' }),
    answer_text: optional('Nội dung trả lời', 10000),
    refusal_reason: optional('Lý do từ chối', 3000),
    letter_number: optional('Số, ký hiệu văn bản', 50),
    note: optional('Ghi chú', 2000),
  })
  .superRefine((v, ctx) => {
    if (v.to === 'refused' && !v.refusal_reason)
      ctx.addIssue({ code: 'custom', path: ['refusal_reason'], message: 'Hãy nêu lý do từ chối (ghi trong văn bản trả lời).' });
    if (v.to === 'answered' && !v.answer_text)
      ctx.addIssue({ code: 'custom', path: ['answer_text'], message: 'Hãy nhập nội dung trả lời.' });
  });
export type TransitionInput = z.output<typeof transitionForm>;

const days = z
  .string({ error: 'Hãy nhập số ngày.' })
  .trim()
  .regex(/^\d{1,2}$/, 'Số ngày là số nguyên từ 1 đến 90.')
  .transform(Number)
  .refine((n) => n >= 1 && n <= 90, 'Số ngày là số nguyên từ 1 đến 90.');

export const deadlineForm = z.object({ days_access: days, days_correction: days, days_deletion: days, days_objection: days });

/** The register's filters (all optional; a bad one is ignored as the other lists do). */
export const listQuery = z.object({
  'trang-thai': z.enum(STATES).or(z.literal('')).catch(''),
  loai: z.enum(REQUEST_TYPES).or(z.literal('')).catch(''),
  'qua-han': z.enum(['1', '']).catch(''),
  tu: z.string().catch(''),
  den: z.string().catch(''),
  trang: z.coerce.number().int().min(1).max(100000).catch(1),
});

export interface ListFilters {
  state: RequestState | '';
  type: RequestType | '';
  overdue: boolean;
  from: string | null;
  to: string | null;
  associationId?: number;
}

export function filtersFrom(q: unknown): { filters: ListFilters; page: number; values: Record<string, string> } {
  const p = listQuery.parse(q ?? {});
  const from = parseVietnameseDate(p.tu) ?? null;
  const to = parseVietnameseDate(p.den) ?? null;
  return {
    filters: { state: p['trang-thai'], type: p.loai, overdue: p['qua-han'] === '1', from, to },
    page: p.trang,
    values: { 'trang-thai': p['trang-thai'], loai: p.loai, 'qua-han': p['qua-han'], tu: from ? p.tu : '', den: to ? p.den : '' },
  };
}
