/** The form of a legal document in the catalogue (R-17.1 m): zod, Vietnamese messages next to each field. */
import { z } from 'zod';
import { lowerFirst } from '../../lib/format.js';
import { parseVietnameseDate } from '../catalogues/catalogues.schemas.js';

export const LEGAL_DOC_TYPES = [
  ['hien_phap', 'Hiến pháp'],
  ['luat', 'Luật'],
  ['nghi_quyet', 'Nghị quyết'],
  ['chi_thi', 'Chỉ thị'],
  ['ket_luan', 'Kết luận'],
  ['quy_dinh', 'Quy định'],
  ['nghi_dinh', 'Nghị định'],
  ['quyet_dinh', 'Quyết định'],
  ['thong_tu', 'Thông tư'],
  ['cong_van', 'Công văn'],
  ['khac', 'Văn bản khác'],
] as const;
export const LEGAL_DOC_TYPE_CODES = LEGAL_DOC_TYPES.map(([c]) => c) as [string, ...string[]];

const text = (label: string, max: number) =>
  z
    .string({ error: `Hãy nhập ${lowerFirst(label)}.` })
    .trim()
    .min(1, `Hãy nhập ${lowerFirst(label)}.`)
    .max(max, `${label} tối đa ${max} ký tự.`);

export const legalDocumentForm = z.object({
  number: text('Số, ký hiệu văn bản', 60),
  doc_type: z.enum(LEGAL_DOC_TYPE_CODES, { error: 'Hãy chọn loại văn bản.' }),
  issuer: text('Cơ quan ban hành', 200),
  issued_on: z
    .string({ error: 'Hãy nhập ngày ban hành.' })
    .trim()
    .min(1, 'Hãy nhập ngày ban hành.')
    .transform((v, ctx) => {
      const iso = parseVietnameseDate(v);
      if (!iso) {
        ctx.addIssue({ code: 'custom', message: 'Ngày ban hành phải là một ngày có thật, dạng ngày/tháng/năm (ví dụ 05/02/2013).' });
        return z.NEVER;
      }
      return iso;
    }),
  summary: text('Trích yếu', 2000),
  attachment_ref: z
    .string()
    .trim()
    .max(300, 'Tham chiếu tệp đính kèm tối đa 300 ký tự.')
    .optional()
    .transform((v) => (v ? v : null)),
});
export type LegalDocumentInput = z.infer<typeof legalDocumentForm>;

export const versionField = z.object({ version: z.coerce.number().int().min(1) });
