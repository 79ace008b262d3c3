/**
 * Charter files become charter versions (issue 16 item 5): each attachment of document type DIEU_LE that is not a
 * version yet is numbered after the association's last version, with the text of its DOCX, or no text for a PDF or
 * a scan (someone types it in later). Done when the versions are next listed, so files uploaded by staff on the
 * documents page and files an association sent with Biểu mẫu 1 are both picked up without touching those features.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Clock } from '../../lib/clock.js';
import type { DocumentStorage } from '../documents/documents.storage.js';
import { extractCharterText, sourceOfMime } from './charter-extract.js';
import type { AssociationRef, ChartersRepository, NewCharterText, PendingCharterFile } from './charters.repository.js';

export interface CharterFileSyncDeps {
  db: Knex;
  repo: ChartersRepository;
  storage: Pick<DocumentStorage, 'open'>;
  clock: Clock;
  logger?: Logger;
}

export function createCharterFileSync({ db, repo, storage, clock, logger }: CharterFileSyncDeps) {
  async function readStored(storageName: string): Promise<Buffer> {
    const handle = await storage.open(storageName);
    try {
      return await handle.readFile();
    } finally {
      await handle.close();
    }
  }

  /** The new version row of a charter file: its text when one can be extracted (outside any transaction). */
  async function versionOfFile(association: AssociationRef, file: PendingCharterFile): Promise<NewCharterText> {
    let text: string | null = null;
    try {
      text = await extractCharterText(file.mime_type, () => readStored(file.storage_name));
    } catch (err) {
      // An unreadable or missing file: the version is listed without text, for someone to type it in.
      logger?.warn({ err, attachmentId: file.id }, 'charter text could not be extracted');
    }
    const at = clock.now();
    return {
      association_id: association.id,
      attachment_id: file.id,
      title: file.title,
      source: sourceOfMime(file.mime_type),
      provenance: file.source,
      body_text: text,
      text_origin: text === null ? null : 'extracted',
      extracted_at: text === null ? null : at,
      text_by: null,
      created_by: file.uploaded_by,
      created_at: at,
    };
  }

  /** Register the association's charter files that are not versions yet (in upload order). */
  return async function syncFiles(association: AssociationRef): Promise<void> {
    const pending = await repo.pendingFiles(association.id);
    if (pending.length === 0) return;
    // One file at a time: each is read whole into memory (at most the upload limit).
    const rows: NewCharterText[] = [];
    for (const file of pending) rows.push(await versionOfFile(association, file));
    await db.transaction((trx) => repo.insertNumbered(trx, association.id, rows));
  };
}
