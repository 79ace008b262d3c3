/**
 * Charter versions of an association and their comparison (issue 16 item 5). Every method takes the association
 * already resolved in the caller's scope (a staff member's record, or the officer's own association), and every
 * query is limited to it. Charter files uploaded to the record (document type DIEU_LE) become versions the first
 * time the versions are listed: their text is extracted then (DOCX) or left for someone to type in (PDF, scans).
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { DocumentStorage } from '../documents/documents.storage.js';
import { type CharterDiff, diffSplitCharters } from './charter-diff.js';
import { splitCharter } from './charter-text.js';
import { createCharterFileSync } from './charters.files.js';
import type { AssociationRef, CharterListRow, ChartersRepository } from './charters.repository.js';

export interface CharterVersion {
  id: number;
  number: number;
  title: string;
  source: CharterListRow['source'];
  /** Who supplied the text: 'edit' staff, 'officer' the association's officer, 'submission:<id>'. */
  provenance: string;
  /** When the version came in: the file's upload, or the text's entry. */
  date: Date;
  originalName: string | null;
  attachmentId: number | null;
  hasText: boolean;
  textOrigin: CharterListRow['text_origin'];
  textByName: string | null;
  articleCount: number;
}

export interface CharterComparison {
  from: CharterVersion;
  to: CharterVersion;
  diff: CharterDiff;
}

export interface ChartersServiceDeps {
  db: Knex;
  repo: ChartersRepository;
  storage: Pick<DocumentStorage, 'open'>;
  audit: AuditService;
  clock: Clock;
  logger?: Logger;
}

const ASSOCIATION_CODE = /^[A-Za-z0-9_-]{1,32}$/;
export const NOT_FOUND_VERSION = 'Không tìm thấy phiên bản điều lệ này của hội.';

function toVersion(r: CharterListRow): CharterVersion {
  return {
    id: r.id,
    number: r.version_no,
    title: r.title,
    source: r.source,
    provenance: r.provenance,
    date: r.uploaded_at ?? r.created_at,
    originalName: r.original_name,
    attachmentId: r.attachment_id,
    hasText: r.body_text !== null,
    textOrigin: r.text_origin,
    textByName: r.text_by_name,
    articleCount: r.body_text === null ? 0 : splitCharter(r.body_text).articles.length,
  };
}

export function createChartersService(deps: ChartersServiceDeps) {
  const { db, repo, audit, clock } = deps;
  const syncFiles = createCharterFileSync(deps);

  async function version(association: AssociationRef, id: number): Promise<{ row: CharterListRow; version: CharterVersion }> {
    const row = await repo.findInAssociation(association.id, id);
    if (!row) throw new NotFoundError(NOT_FOUND_VERSION);
    return { row, version: toVersion(row) };
  }

  return {
    syncFiles,

    /** A staff member's association, by its register code; 404 for an unknown code. */
    async associationByCode(code: string): Promise<AssociationRef> {
      const row = ASSOCIATION_CODE.test(code) ? await repo.associationByCode(code) : undefined;
      if (!row) throw new NotFoundError('Không tìm thấy hội có mã này.');
      return row;
    },

    /** The officer's own association; an account not linked to one finds nothing. */
    async associationOfOfficer(associationId: number | null): Promise<AssociationRef> {
      const row = associationId === null ? undefined : await repo.associationById(associationId);
      if (!row) throw new NotFoundError('Tài khoản chưa được gắn với hội nào. Liên hệ Vụ Tổ chức phi chính phủ.');
      return row;
    },

    /** Every version of the association's charter, oldest first (new charter files registered first). */
    async versions(association: AssociationRef): Promise<CharterVersion[]> {
      await syncFiles(association);
      return (await repo.list(association.id)).map(toVersion);
    },

    async version(association: AssociationRef, id: number): Promise<CharterVersion> {
      return (await version(association, id)).version;
    },

    /**
     * Compare two versions of the association's charter. Either id outside the association is not found (404);
     * a version without text is a field error on its select (`tu` or `den`).
     */
    async compare(association: AssociationRef, fromId: number, toId: number): Promise<CharterComparison> {
      const [from, to] = [await version(association, fromId), await version(association, toId)];
      const errors: Record<string, string> = {};
      if (from.row.body_text === null) errors.tu = `Bản ${from.version.number} chưa có văn bản để so sánh.`;
      if (to.row.body_text === null) errors.den = `Bản ${to.version.number} chưa có văn bản để so sánh.`;
      if (Object.keys(errors).length > 0) throw new ValidationError(errors);
      const diff = diffSplitCharters(splitCharter(from.row.body_text ?? ''), splitCharter(to.row.body_text ?? ''));
      return { from: from.version, to: to.version, diff };
    },

    /** A new version from a typed or pasted text. */
    async createText(actor: Actor, association: AssociationRef, input: { title: string; text: string }, provenance: string) {
      await syncFiles(association);
      const at = clock.now();
      return db.transaction(async (trx) => {
        const [row] = await repo.insertNumbered(trx, association.id, [
          {
            association_id: association.id,
            attachment_id: null,
            title: input.title,
            source: 'entered',
            provenance,
            body_text: input.text,
            text_origin: 'entered',
            extracted_at: at,
            text_by: actor.userId,
            created_by: actor.userId,
            created_at: at,
          },
        ]);
        if (!row) throw new Error('charter text insert returned no row');
        await audit.record(
          actor,
          {
            action: 'charter.text_create',
            targetType: 'charter_text',
            targetId: row.id,
            details: { association: association.code, version: row.version_no, chars: input.text.length, provenance },
          },
          trx,
        );
        return row;
      });
    },

    /** The text of a version that has none (a PDF, a scan, a DOCX without readable text). Once only. */
    async enterText(actor: Actor, association: AssociationRef, id: number, text: string, provenance: string) {
      const { row } = await version(association, id);
      if (row.body_text !== null) throw new ConflictError('Phiên bản này đã có văn bản. Muốn sửa, hãy nhập một phiên bản mới.');
      await db.transaction(async (trx) => {
        const n = await repo.setText(trx, association.id, id, {
          body_text: text,
          provenance,
          text_by: actor.userId,
          extracted_at: clock.now(),
        });
        if (n !== 1) throw new ConflictError('Phiên bản này vừa được người khác nhập văn bản. Hãy mở lại trang.');
        await audit.record(
          actor,
          {
            action: 'charter.text_enter',
            targetType: 'charter_text',
            targetId: id,
            details: { association: association.code, version: row.version_no, chars: text.length, provenance },
          },
          trx,
        );
      });
      return row.version_no;
    },
  };
}

export type ChartersService = ReturnType<typeof createChartersService>;
