/**
 * Attachments of association records (R-20.2 raw files kept forever, R-4 no classified material):
 * store a file and its row together or not at all, supersede instead of delete, authorise and audit every download,
 * and serve a file only while its bytes still match the SHA-256 recorded at upload.
 */
import type fsp from 'node:fs/promises';
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { recomputeQuality } from '../quality/quality.repository.js';
import type { AllowedType } from './documents.files.js';
import { openVerified } from './documents.integrity.js';
import type { AssociationRef, AttachmentListRow, AttachmentRow, DocumentsRepository } from './documents.repository.js';
import type { DocumentStorage } from './documents.storage.js';

export interface DocumentListItem {
  id: number;
  documentTypeCode: string;
  documentTypeName: string;
  title: string;
  originalName: string;
  mimeType: string;
  sizeBytes: number;
  sha256: string;
  source: string;
  uploadedAt: Date;
  uploadedByName: string | null;
  supersedesId: number | null;
  supersededAt: Date | null;
}

export interface UploadInput {
  documentTypeCode: string;
  title: string;
  supersedesId: number | null;
  /** Provenance of the file: 'edit' (staff upload, the default) or 'submission:<id>'. */
  source?: string;
  /** The caller's own write naming the new attachment (e.g. a congress package's minutes), in the same transaction. */
  link?: (trx: Knex, row: AttachmentRow) => Promise<void>;
}

/** A file received into the temp folder and checked by content. */
export interface ReceivedUpload {
  tempPath: string;
  size: number;
  sha256: string;
  originalName: string;
  type: AllowedType;
}

export interface DocumentsServiceDeps {
  db: Knex;
  repo: DocumentsRepository;
  storage: DocumentStorage;
  audit: AuditService;
  /** Tells the IT Centre about a stored file found damaged at download. */
  notifications: Pick<NotificationsService, 'notifyRoles'>;
  clock: Clock;
  logger?: Logger;
}

const ASSOCIATION_CODE = /^[A-Za-z0-9_-]{1,32}$/;
const NOT_FOUND_ASSOCIATION = 'Không tìm thấy hội có mã này.';
const NOT_FOUND_DOCUMENT = 'Không tìm thấy tài liệu này trong hồ sơ của hội.';

function toListItem(r: AttachmentListRow): DocumentListItem {
  return {
    id: r.id,
    documentTypeCode: r.document_type_code,
    documentTypeName: r.document_type_name,
    title: r.title,
    originalName: r.original_name,
    mimeType: r.mime_type,
    sizeBytes: Number(r.size_bytes),
    sha256: r.sha256,
    source: r.source,
    uploadedAt: r.uploaded_at,
    uploadedByName: r.uploaded_by_name,
    supersedesId: r.supersedes_id,
    supersededAt: r.superseded_at,
  };
}

export function createDocumentsService({ db, repo, storage, audit, notifications, clock, logger }: DocumentsServiceDeps) {
  async function findAssociation(code: string): Promise<AssociationRef> {
    const row = ASSOCIATION_CODE.test(code) ? await repo.findAssociationByCode(code) : undefined;
    if (!row) throw new NotFoundError(NOT_FOUND_ASSOCIATION);
    return row;
  }

  /** After a failed transaction whose file was already moved into place: remove it unless the row did commit. */
  async function undoPlacement(storageName: string): Promise<void> {
    try {
      // A COMMIT that failed on the wire may still have committed; a row without its file would lose data.
      if (await repo.existsByStorageName(storageName)) {
        logger?.error({ storageName }, 'attachment transaction reported failure but the row exists; file kept');
        return;
      }
      await storage.removeUncommitted(storageName);
    } catch (err) {
      // Database unreachable: keep the file (an orphan is recoverable, a lost document is not).
      logger?.error({ err, storageName }, 'could not settle an uncommitted attachment; file kept for review');
    }
  }

  return {
    findAssociation,

    documentTypes: () => repo.documentTypes(),

    /** Every attachment of an association, newest first, superseded ones included (for the record page). */
    async listForAssociation(associationId: number): Promise<DocumentListItem[]> {
      return (await repo.listForAssociation(associationId)).map(toListItem);
    },

    /**
     * Store a received file as an attachment of the association. One transaction: supersede the previous version
     * (if any), insert the row, write the audit entry, then move the file into place as the last step. If anything
     * fails, the transaction rolls back and the moved file is removed; the caller removes the temp file.
     */
    async upload(actor: Actor, association: AssociationRef, input: UploadInput, file: ReceivedUpload): Promise<AttachmentRow> {
      const errors: Record<string, string> = {};
      if (!(await repo.documentTypeInForce(input.documentTypeCode))) {
        errors.document_type_code = 'Loại tài liệu không có trong danh mục đang áp dụng.';
      }
      if (input.supersedesId !== null) {
        const previous = await repo.findInAssociation(association.id, input.supersedesId);
        if (!previous) errors.supersedes_id = 'Tài liệu được thay thế không thuộc hồ sơ của hội này.';
        else if (previous.superseded_at) errors.supersedes_id = 'Tài liệu này đã được thay thế bởi một bản khác.';
      }
      if (Object.keys(errors).length > 0) throw new ValidationError(errors);

      const storageName = storage.newStorageName(file.type.ext);
      const now = clock.now();
      let placed = false;
      try {
        return await db.transaction(async (trx) => {
          if (input.supersedesId !== null) {
            const n = await repo.markSuperseded(association.id, input.supersedesId, now, trx);
            if (n !== 1) throw new ValidationError({ supersedes_id: 'Tài liệu này vừa được thay thế bởi một bản khác.' });
          }
          const row = await repo.insert(
            {
              association_id: association.id,
              document_type_code: input.documentTypeCode,
              title: input.title,
              original_name: file.originalName,
              storage_name: storageName,
              mime_type: file.type.mime,
              size_bytes: file.size,
              sha256: file.sha256,
              supersedes_id: input.supersedesId,
              source: input.source ?? 'edit',
              uploaded_by: actor.userId,
              uploaded_at: now,
            },
            trx,
          );
          await audit.record(
            actor,
            {
              action: 'document.upload',
              targetType: 'attachment',
              targetId: row.id,
              details: {
                association: association.code,
                documentType: input.documentTypeCode,
                mime: file.type.mime,
                size: file.size,
                sha256: file.sha256,
                supersedes: input.supersedesId,
                source: input.source ?? 'edit',
              },
            },
            trx,
          );
          if (input.link) await input.link(trx, row);
          // Issue 16 item 4: an attached (or replaced) charter changes the record's data-quality score.
          await recomputeQuality(trx, [association.id], now);
          await storage.place(file.tempPath, storageName);
          placed = true;
          return row;
        });
      } catch (err) {
        if (placed) await undoPlacement(storageName);
        throw err;
      }
    },

    /** A refused upload attempt is worth a trace (classified declaration, spoofed type): nothing was stored. */
    async recordRefusal(actor: Actor, association: AssociationRef, reason: 'classified' | 'file_type'): Promise<void> {
      await audit.record(actor, {
        action: 'document.upload',
        outcome: 'failure',
        targetType: 'association',
        targetId: association.code,
        details: { association: association.code, reason },
      });
    },

    /**
     * Authorise and open one attachment for download: it must belong to the association named in the URL.
     * Each download leaves an audit row.
     */
    async openForDownload(actor: Actor, code: string, idParam: string): Promise<{ row: AttachmentRow; handle: fsp.FileHandle }> {
      const association = await findAssociation(code);
      const id = /^[1-9]\d{0,8}$/.test(idParam) ? Number(idParam) : null;
      const row = id === null ? undefined : await repo.findInAssociation(association.id, id);
      if (!row) throw new NotFoundError(NOT_FOUND_DOCUMENT);
      const handle = await openVerified({ db, storage, audit, notifications, logger }, actor, association, row);
      try {
        await audit.record(actor, {
          action: 'document.download',
          targetType: 'attachment',
          targetId: row.id,
          details: { association: association.code },
        });
      } catch (err) {
        await handle.close();
        throw err;
      }
      return { row, handle };
    },
  };
}

export type DocumentsService = ReturnType<typeof createDocumentsService>;
