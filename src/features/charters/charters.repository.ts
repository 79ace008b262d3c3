/** Charter versions (table `charter_texts`) and the charter files among an association's attachments: Knex only. */
import type { Knex } from 'knex';
import type { CharterSource } from './charter-extract.js';

/** The document type of a charter in the document-type catalogue (seeds/reference/catalogues.ts). */
export const CHARTER_DOCUMENT_TYPE = 'DIEU_LE';

export interface AssociationRef {
  id: number;
  code: string;
  name: string;
}

export interface CharterTextRow {
  id: number;
  association_id: number;
  version_no: number;
  attachment_id: number | null;
  title: string;
  source: CharterSource;
  provenance: string;
  body_text: string | null;
  text_origin: 'extracted' | 'entered' | null;
  extracted_at: Date | null;
  text_by: number | null;
  created_by: number | null;
  created_at: Date;
}

export interface CharterListRow extends CharterTextRow {
  original_name: string | null;
  uploaded_at: Date | null;
  text_by_name: string | null;
}

/** A charter file not yet registered as a version. */
export interface PendingCharterFile {
  id: number;
  title: string;
  mime_type: string;
  storage_name: string;
  source: string;
  uploaded_by: number | null;
  uploaded_at: Date;
}

export type NewCharterText = Omit<CharterTextRow, 'id' | 'version_no'>;

export function createChartersRepository(db: Knex) {
  return {
    async associationByCode(code: string): Promise<AssociationRef | undefined> {
      return db<AssociationRef>('associations').select('id', 'code', 'name').where({ code }).first();
    },

    async associationById(id: number): Promise<AssociationRef | undefined> {
      return db<AssociationRef>('associations').select('id', 'code', 'name').where({ id }).first();
    },

    /** Charter files of the association without a version yet, in the order they were uploaded. */
    async pendingFiles(associationId: number): Promise<PendingCharterFile[]> {
      return db('attachments as a')
        .select('a.id', 'a.title', 'a.mime_type', 'a.storage_name', 'a.source', 'a.uploaded_by', 'a.uploaded_at')
        .where({ 'a.association_id': associationId, 'a.document_type_code': CHARTER_DOCUMENT_TYPE })
        .whereNotExists(db('charter_texts as c').select(db.raw('1')).whereRaw('c.attachment_id = a.id'))
        .orderBy([{ column: 'a.uploaded_at' }, { column: 'a.id' }]);
    },

    /**
     * Insert versions numbered after the association's last one. The association's row is locked first, so two
     * requests numbering at once take turns; a file another request registered meanwhile is skipped.
     */
    async insertNumbered(trx: Knex.Transaction, associationId: number, rows: NewCharterText[]): Promise<CharterTextRow[]> {
      await trx('associations').select('id').where({ id: associationId }).forUpdate();
      const last = await trx('charter_texts').where({ association_id: associationId }).max<{ n: number | null }>('version_no as n').first();
      let next = Number(last?.n ?? 0) + 1;
      const out: CharterTextRow[] = [];
      for (const row of rows) {
        const [inserted] = await trx<CharterTextRow>('charter_texts')
          .insert({ ...row, version_no: next })
          .onConflict('attachment_id')
          .ignore()
          .returning('*');
        if (inserted) {
          out.push(inserted);
          next += 1;
        }
      }
      return out;
    },

    /** Every version of the association, oldest first, with the file's name and upload time. */
    async list(associationId: number): Promise<CharterListRow[]> {
      return db('charter_texts as c')
        .leftJoin('attachments as a', 'a.id', 'c.attachment_id')
        .leftJoin('users as u', 'u.id', 'c.text_by')
        .select('c.*', 'a.original_name', 'a.uploaded_at', 'u.display_name as text_by_name')
        .where('c.association_id', associationId)
        .orderBy('c.version_no');
    },

    /** One version, only through the association it belongs to (no IDOR by id alone). */
    async findInAssociation(associationId: number, id: number): Promise<CharterListRow | undefined> {
      return db('charter_texts as c')
        .leftJoin('attachments as a', 'a.id', 'c.attachment_id')
        .leftJoin('users as u', 'u.id', 'c.text_by')
        .select('c.*', 'a.original_name', 'a.uploaded_at', 'u.display_name as text_by_name')
        .where({ 'c.association_id': associationId, 'c.id': id })
        .first();
    },

    /** Give a version without text its text; 0 when it has one already (or is not the association's). */
    async setText(
      trx: Knex.Transaction,
      associationId: number,
      id: number,
      patch: { body_text: string; provenance: string; text_by: number | null; extracted_at: Date },
    ): Promise<number> {
      return trx('charter_texts')
        .where({ id, association_id: associationId })
        .whereNull('body_text')
        .update({ ...patch, text_origin: 'entered' });
    },
  };
}

export type ChartersRepository = ReturnType<typeof createChartersRepository>;
