/**
 * Catalogue entry forms (zod, Vietnamese messages). Field names are the ones the form posts; dates are typed
 * dd/mm/yyyy and come out as 'YYYY-MM-DD'. Which fields a form has depends on the catalogue kind.
 */
import { z } from 'zod';
import type { CatalogueKind } from './catalogue-kinds.js';

export const CODE_PATTERN = /^[A-Za-z0-9_.-]{1,40}$/;
export const NAME_MAX = 300;
export const NOTE_MAX = 2000;
export const SORT_MAX = 100_000;

/** '05/02/2013' → '2013-02-05'; null when empty; undefined when not a real date. */
export function parseVietnameseDate(input: string): string | null | undefined {
  const s = input.trim();
  if (s === '') return null;
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(s);
  if (!m) return undefined;
  const [day, month, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (year < 1900 || year > 2200 || month < 1 || month > 12 || day < 1) return undefined;
  const d = new Date(Date.UTC(year, month - 1, day));
  if (d.getUTCMonth() !== month - 1 || d.getUTCDate() !== day) return undefined;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** '2013-02-05' → '05/02/2013' (what the form shows for a stored date). */
export function isoToVietnamese(iso: string | null | undefined): string {
  if (!iso) return '';
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  return m ? `${m[3]}/${m[2]}/${m[1]}` : '';
}

const str = z.string({ error: 'Giá trị không hợp lệ.' });
const optionalText = (label: string, max: number) =>
  str
    .trim()
    .max(max, { error: `${label} không được dài quá ${max} ký tự.` })
    .transform((v) => (v === '' ? null : v))
    .optional()
    .transform((v) => v ?? null);

const date = (label: string) =>
  str.optional().transform((v, ctx) => {
    const parsed = parseVietnameseDate(v ?? '');
    if (parsed === undefined) {
      ctx.addIssue({ code: 'custom', message: `${label} phải là một ngày có thật, viết theo dạng ngày/tháng/năm, ví dụ 01/07/2025.` });
      return z.NEVER;
    }
    return parsed;
  });

const optionalCode = str
  .trim()
  .max(40, { error: 'Lựa chọn không hợp lệ.' })
  .optional()
  .transform((v) => (v ? v : null));

export const codeField = str
  .trim()
  .min(1, { error: 'Nhập mã của mục.' })
  .max(40, { error: 'Mã không được dài quá 40 ký tự.' })
  .regex(CODE_PATTERN, {
    error: 'Mã chỉ gồm chữ cái không dấu, chữ số và các ký tự gạch dưới (_), dấu chấm (.), gạch ngang (-), không có dấu cách.',
  });

const nameField = str
  .trim()
  .min(1, { error: 'Nhập tên gọi.' })
  .max(NAME_MAX, { error: `Tên gọi không được dài quá ${NAME_MAX} ký tự.` });

/** The English name (issue 17 item 2): optional; the English interface shows it where there is one. */
const nameEnField = optionalText('Tên tiếng Anh', NAME_MAX);

const sortField = str
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return null;
    if (!/^\d{1,6}$/.test(v) || Number(v) > SORT_MAX) {
      ctx.addIssue({ code: 'custom', message: `Thứ tự hiển thị phải là số nguyên từ 0 đến ${SORT_MAX}.` });
      return z.NEVER;
    }
    return Number(v);
  });

/** What a submitted form gives the service. Fields a kind does not edit are absent. */
export interface EntryInput {
  code?: string;
  name: string;
  /** The English name; null clears it; absent (a caller other than the form) leaves it as it is. */
  nameEn?: string | null;
  note: string | null;
  sortOrder?: number | null;
  validFrom?: string | null;
  validTo?: string | null;
  successorCode?: string | null;
  defaultMinistryCode?: string | null;
  /** The version the form was opened on (edit only). */
  version?: string;
}

/** The schema for one kind's create or edit form. */
export function entrySchema(kind: CatalogueKind, mode: 'create' | 'edit'): z.ZodType<EntryInput> {
  const version = mode === 'edit' ? { version: str.max(40).optional() } : {};
  if (kind.fixedCodes) {
    // Codes the application relies on: only the name and the note are editable.
    return z.object({
      name: nameField,
      nameEn: nameEnField,
      note: optionalText('Ghi chú', NOTE_MAX),
      ...version,
    }) as unknown as z.ZodType<EntryInput>;
  }
  const shape = {
    ...(mode === 'create' ? { code: codeField } : {}),
    name: nameField,
    nameEn: nameEnField,
    sortOrder: sortField,
    validFrom: date('Ngày bắt đầu hiệu lực'),
    validTo: date('Ngày hết hiệu lực'),
    note: optionalText('Ghi chú', NOTE_MAX),
    ...(kind.successor ? { successorCode: optionalCode } : {}),
    ...(kind.defaultMinistry ? { defaultMinistryCode: optionalCode } : {}),
    ...version,
  };
  // The shape varies by kind; its output is an EntryInput with the kind's fields.
  return (z.object(shape) as unknown as z.ZodType<EntryInput>).superRefine((v, ctx) => {
    if (v.validFrom && v.validTo && v.validTo < v.validFrom) {
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'Ngày hết hiệu lực phải bằng hoặc sau ngày bắt đầu hiệu lực.' });
    }
  });
}

/** The "only entries in force" filter of the entries page. */
export const listQuerySchema = z.object({ 'hieu-luc': z.literal('1').optional() });
