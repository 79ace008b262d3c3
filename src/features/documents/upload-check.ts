/**
 * The check of an uploaded document against the register's upload rules (R-4 declaration, a title, a document type, a
 * file of an allowed type by its content), for staff uploads on the record's documents page and for the files an
 * association's officer attaches to a submission (Biểu mẫu 1's documents, a congress package's minutes and charter).
 * A classified declaration or a spoofed type leaves an audit trace (RELIABILITY 25).
 */
import type { Actor } from '../../lib/auth-context.js';
import { fieldErrors, keptValues } from '../../lib/forms.js';
import { checkUploadedFile, WRONG_FILE_TYPE } from '../../lib/uploads.js';
import { detectAllowedType, sanitizeOriginalName } from './documents.files.js';
import type { AssociationRef } from './documents.repository.js';
import { CLASSIFIED_REFUSAL, type UploadFields, uploadSchema } from './documents.schemas.js';
import type { DocumentsService, ReceivedUpload } from './documents.service.js';
import type { ReceivedFile } from './documents.storage.js';

export type UploadCheck =
  | { ok: true; data: UploadFields; upload: ReceivedUpload }
  | { ok: false; values: Record<string, string>; errors: Record<string, string> };

/**
 * `fixed`: fields the page decides instead of the form — a submission's attachment supersedes nothing
 * (`supersedes_id: ''`), a package's minutes have their document type.
 */
export async function checkUpload(
  documents: Pick<DocumentsService, 'recordRefusal'>,
  actor: Actor,
  ref: AssociationRef,
  body: Record<string, unknown>,
  file: ReceivedFile | undefined,
  fixed: Record<string, string> = {},
): Promise<UploadCheck> {
  const values = keptValues(body);
  const parsed = uploadSchema.safeParse({ ...body, ...fixed });
  const errors = parsed.success ? {} : fieldErrors(parsed.error);
  const classified = errors.classification === CLASSIFIED_REFUSAL;
  const check = await checkUploadedFile(file, detectAllowedType, {
    missing: classified ? null : 'Chọn tệp tài liệu cần tải lên.',
    empty: 'Tệp rỗng. Chọn lại tệp tài liệu.',
  });
  if (!check.ok && check.error) errors.file = check.error;
  if (!parsed.success || !file || !check.ok || Object.keys(errors).length > 0) {
    if (classified) await documents.recordRefusal(actor, ref, 'classified');
    else if (errors.file === WRONG_FILE_TYPE) await documents.recordRefusal(actor, ref, 'file_type');
    return { ok: false, values, errors };
  }
  return {
    ok: true,
    data: parsed.data,
    upload: {
      tempPath: file.path,
      size: file.size,
      sha256: file.sha256,
      originalName: sanitizeOriginalName(file.originalname),
      type: check.type,
    },
  };
}
