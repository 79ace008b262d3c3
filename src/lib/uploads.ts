/**
 * The check of an uploaded file shared by every form that takes one (a document of the register, a submission's
 * attachment, a violation's evidence): present, not empty, of an allowed type by its content.
 */

/** The refusal of a file whose content is not an allowed type (FORM-1.md J). */
export const WRONG_FILE_TYPE =
  'Tệp không thuộc định dạng được phép (PDF, JPEG, PNG, TIFF, DOCX, XLSX). Định dạng được xác định theo nội dung tệp, không theo tên tệp. Tệp chưa được lưu.';

export type UploadCheck<T> =
  | { ok: true; type: T }
  /** `error` is null when no file came and none was required (`missing` null). */
  | { ok: false; error: string | null; wrongType: boolean };

/**
 * Checks a received file: `missing` when there is none (null: no file is no error, as for an optional file or a
 * refusal already given), `empty` for a file of zero bytes, WRONG_FILE_TYPE when `detect` (the allowlist by content,
 * `detectAllowedType` of src/features/documents/documents.files.ts) finds no allowed type.
 */
export async function checkUploadedFile<T>(
  file: { path: string; size: number } | undefined,
  detect: (path: string) => Promise<T | null>,
  messages: { missing: string | null; empty: string },
): Promise<UploadCheck<T>> {
  if (!file) return { ok: false, error: messages.missing, wrongType: false };
  if (file.size === 0) return { ok: false, error: messages.empty, wrongType: false };
  const type = await detect(file.path);
  return type ? { ok: true, type } : { ok: false, error: WRONG_FILE_TYPE, wrongType: true };
}
