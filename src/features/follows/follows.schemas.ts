/**
 * What the follow buttons post, checked with zod (Vietnamese messages). A saved search takes the public list's own
 * parameters (`q`, `linh-vuc`, `pham-vi`, `tinh`) under the list's rules (public.controller.ts): words trimmed,
 * blanks collapsed, control characters dropped, at most 200 characters; catalogue codes by shape (their existence is
 * checked by the service); the scope from Biểu mẫu 1's list. Sort and page are not part of a search.
 */
import { z } from 'zod';
import { searchWords } from '../public/search-query.js';
import { SCOPES } from '../register-form/definition.js';
import type { SavedQuery } from './follows.repository.js';

const catalogueCode = (message: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,40}$/, { error: message })
    .optional();

/** An empty value (the list's "Tất cả") is no filter. */
const emptyToUndefined = (v: unknown) => (v === '' ? undefined : v);

export const savedSearchForm = z.object({
  q: z.preprocess(emptyToUndefined, searchWords),
  'linh-vuc': z.preprocess(emptyToUndefined, catalogueCode('Lĩnh vực không hợp lệ.')),
  'pham-vi': z.preprocess(
    emptyToUndefined,
    z.enum(SCOPES.map(([c]) => c) as [string, ...string[]], { error: 'Phạm vi hoạt động không hợp lệ.' }).optional(),
  ),
  tinh: z.preprocess(emptyToUndefined, catalogueCode('Tỉnh, thành phố không hợp lệ.')),
});

/** The normalised query: only the parameters given, in a fixed order. */
export function savedQueryOf(data: z.output<typeof savedSearchForm>): SavedQuery {
  return {
    ...(data.q ? { q: data.q } : {}),
    ...(data['linh-vuc'] ? { 'linh-vuc': data['linh-vuc'] } : {}),
    ...(data['pham-vi'] ? { 'pham-vi': data['pham-vi'] } : {}),
    ...(data.tinh ? { tinh: data.tinh } : {}),
  };
}

/**
 * The canonical text of a query (one save per search and user): the words in lower case (the search ignores case),
 * Unicode NFC; the codes as given.
 */
export function queryKey(q: SavedQuery): string {
  return JSON.stringify([q.q?.normalize('NFC').toLowerCase() ?? null, q['linh-vuc'] ?? null, q['pham-vi'] ?? null, q.tinh ?? null]);
}
