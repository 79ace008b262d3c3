/** The charter forms: a new version from a typed text, the text of a file version, and the comparison's choice. */
import { z } from 'zod';
import { formatNumber } from '../../lib/format.js';
import { MAX_CHARTER_CHARS, normaliseCharterText, splitCharter } from './charter-text.js';

export const NO_ARTICLE =
  'Không tìm thấy điều nào trong văn bản. Mỗi điều cần bắt đầu ở đầu dòng bằng «Điều 1.», «Điều 2.», … (như trong bản điều lệ).';
export const TOO_LONG = `Văn bản điều lệ dài quá ${formatNumber(MAX_CHARTER_CHARS)} ký tự.`;

const charterText = z
  .string({ error: 'Dán hoặc nhập văn bản điều lệ.' })
  .transform((s) => normaliseCharterText(s))
  .pipe(
    z
      .string()
      .min(1, { error: 'Dán hoặc nhập văn bản điều lệ.' })
      .max(MAX_CHARTER_CHARS, { error: TOO_LONG })
      .refine((s) => splitCharter(s).articles.length > 0, { error: NO_ARTICLE }),
  );

export const newCharterTextForm = z.object({
  title: z
    .string({ error: 'Nhập tên phiên bản điều lệ.' })
    .trim()
    .min(1, { error: 'Nhập tên phiên bản điều lệ.' })
    .max(500, { error: 'Tên phiên bản không được dài quá 500 ký tự.' }),
  text: charterText,
});

export const charterTextForm = z.object({ text: charterText });

const versionId = z.string().regex(/^[1-9]\d{0,8}$/);

/**
 * The comparison's query (`tu`, `den`: version ids). Absent both: no comparison yet. A value that is no id is
 * treated as an id that does not exist (404), as a version of another association is.
 */
export const compareQuery = z.object({
  tu: z.union([versionId, z.literal('')]).optional(),
  den: z.union([versionId, z.literal('')]).optional(),
});
