/**
 * A stored raw file checked before it is served (R-20.2: raw data is preserved, so a damaged copy must never pass
 * for the original). Before a download starts, the stored bytes are hashed and compared with the size and SHA-256
 * recorded at upload; the file is read in full first, so a damaged file is refused with a page rather than cut off
 * half-way. A missing or damaged file: the attempt leaves an audit row (outcome `failure`) and every `it_admin` gets
 * an in-app notice, one per file and damage (a hundred refused clicks make one notice, not a hundred).
 */
import { createHash } from 'node:crypto';
import type fsp from 'node:fs/promises';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Actor } from '../../lib/auth-context.js';
import { AppError } from '../../lib/errors.js';
import { paths } from '../../lib/urls.js';
import type { AuditService } from '../audit/audit.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { AssociationRef, AttachmentRow } from './documents.repository.js';
import { type DocumentStorage, storedRelativePath } from './documents.storage.js';

/** What is wrong with a stored file: gone from the store, or bytes that are not the ones recorded. */
export type Damage = 'missing' | 'changed';

export type FileCheck = { ok: true; handle: fsp.FileHandle } | { ok: false; damage: Damage; sha256: string | null; bytes: number | null };

const CHUNK = 256 * 1024;

/** SHA-256 and size of everything behind an open handle (positional reads: the handle's position is untouched). */
export async function hashHandle(handle: fsp.FileHandle): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash('sha256');
  const buf = Buffer.allocUnsafe(CHUNK);
  let position = 0;
  for (;;) {
    const { bytesRead } = await handle.read(buf, 0, CHUNK, position);
    if (bytesRead === 0) break;
    hash.update(buf.subarray(0, bytesRead));
    position += bytesRead;
  }
  return { sha256: hash.digest('hex'), bytes: position };
}

/** Compares a stored file (null: not in the store) with what was recorded when it was uploaded. */
export async function checkStoredFile(handle: fsp.FileHandle | null, recorded: { sha256: string; bytes: number }): Promise<FileCheck> {
  if (!handle) return { ok: false, damage: 'missing', sha256: null, bytes: null };
  const got = await hashHandle(handle);
  if (got.bytes === recorded.bytes && got.sha256 === recorded.sha256) return { ok: true, handle };
  return { ok: false, damage: 'changed', ...got };
}

export const DAMAGED_FILE_MESSAGE =
  'Hệ thống không gửi tệp cho bạn, để bạn không nhận một bản khác với bản gốc đã lưu. Trung tâm Thông tin đã được thông báo để khôi phục tệp từ bản sao lưu.';

/** A download refused because the stored file is missing or no longer matches its recorded SHA-256. */
export class DamagedFileError extends AppError {
  constructor(
    readonly damage: Damage,
    readonly document: { id: number; title: string; associationCode: string; associationName: string },
  ) {
    super(500, DAMAGED_FILE_MESSAGE);
  }
}

export interface DamagedFileReport {
  attachmentId: number;
  associationCode: string;
  storageName: string;
  recorded: { sha256: string; bytes: number };
  check: Extract<FileCheck, { ok: false }>;
}

export interface IntegrityDeps {
  db: Knex;
  audit: AuditService;
  notifications: Pick<NotificationsService, 'notifyRoles'>;
  logger?: Logger | undefined;
}

function noticeBody(r: DamagedFileReport): string {
  const file = storedRelativePath(r.storageName);
  const id = r.attachmentId;
  const code = r.associationCode;
  const sha = r.recorded.sha256;
  // One template per case, so that the whole notice is one text to translate (src/lib/server-text.ts).
  return r.check.damage === 'missing'
    ? `Tệp gốc ${file} của tài liệu #${id} (hội ${code}) không còn trong kho tệp. Lượt tải tài liệu này đã bị từ chối. Hãy chép lại tệp từ thư mục files/ của bản sao lưu thành công gần nhất (bản này được giữ lại, không bị xóa theo quy tắc lưu giữ), rồi kiểm tra tệp có SHA-256 ${sha}.`
    : `Tệp gốc ${file} của tài liệu #${id} (hội ${code}) không còn khớp mã kiểm tra SHA-256 ghi khi tải lên: tệp đã bị hỏng hoặc bị thay đổi. Lượt tải tài liệu này đã bị từ chối. Hãy chép lại tệp từ thư mục files/ của bản sao lưu thành công gần nhất (bản này được giữ lại, không bị xóa theo quy tắc lưu giữ), rồi kiểm tra tệp có SHA-256 ${sha}.`;
}

/** The audit row of the refused download and the IT Centre's notice, in one transaction. */
export async function reportDamagedFile(deps: IntegrityDeps, actor: Actor, r: DamagedFileReport): Promise<void> {
  await deps.db.transaction(async (trx) => {
    await deps.audit.record(
      actor,
      {
        action: 'document.download',
        outcome: 'failure',
        targetType: 'attachment',
        targetId: r.attachmentId,
        details: {
          association: r.associationCode,
          reason: 'damaged_file',
          damage: r.check.damage,
          file: storedRelativePath(r.storageName),
          recordedSha256: r.recorded.sha256,
          recordedBytes: r.recorded.bytes,
          actualSha256: r.check.sha256,
          actualBytes: r.check.bytes,
        },
      },
      trx,
    );
    await deps.notifications.notifyRoles(trx, ['it_admin'], {
      kind: 'file.damaged',
      title: `Tệp tài liệu #${r.attachmentId} bị hỏng, đã từ chối tải về`,
      body: noticeBody(r),
      link: paths.itCentre.backups(),
      // Same file, same damage: one notice per administrator however many times it is clicked.
      dedupeKey: `file.damaged:attachment:${r.attachmentId}:${r.check.sha256 ?? 'missing'}`,
    });
  });
  deps.logger?.error(
    { attachmentId: r.attachmentId, storageName: r.storageName, damage: r.check.damage, actualSha256: r.check.sha256 },
    'stored file damaged: download refused',
  );
}

/**
 * Opens a stored attachment only if its bytes are still the ones recorded at upload. Otherwise the refusal is
 * audited, the IT Centre told, and a DamagedFileError thrown for the controller to answer with its page.
 */
export async function openVerified(
  deps: IntegrityDeps & { storage: Pick<DocumentStorage, 'open'> },
  actor: Actor,
  association: AssociationRef,
  row: AttachmentRow,
): Promise<fsp.FileHandle> {
  const handle = await deps.storage.open(row.storage_name).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw err;
  });
  const recorded = { sha256: row.sha256, bytes: Number(row.size_bytes) };
  let check: FileCheck;
  try {
    check = await checkStoredFile(handle, recorded);
  } catch (err) {
    await handle?.close();
    throw err;
  }
  if (check.ok) return check.handle;
  await handle?.close();
  await reportDamagedFile(deps, actor, {
    attachmentId: row.id,
    associationCode: association.code,
    storageName: row.storage_name,
    recorded,
    check,
  });
  throw new DamagedFileError(check.damage, {
    id: row.id,
    title: row.title,
    associationCode: association.code,
    associationName: association.name,
  });
}
