/**
 * The public search's words as a query or a saved search carries them (zod): control characters (NUL included) become
 * spaces — PostgreSQL refuses NUL in text — blanks collapse, at most 200 characters; empty is no search.
 */
import { z } from 'zod';

export const searchWords = z
  .string()
  .max(200, { error: 'Từ khóa tìm kiếm quá dài (tối đa 200 ký tự).' })
  .transform(
    (v) =>
      v
        .replace(/\p{Cc}/gu, ' ')
        .replace(/\s+/g, ' ')
        .trim() || undefined,
  )
  .optional();
