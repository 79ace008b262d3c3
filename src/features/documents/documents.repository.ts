/** Attachments of association records (table `attachments`): Knex only. */
import type { Knex } from 'knex';

export interface AssociationRef {
  id: number;
  code: string;
  name: string;
}

export interface AttachmentRow {
  id: number;
  association_id: number;
  document_type_code: string;
  title: string;
  original_name: string;
  storage_name: string;
  mime_type: string;
  size_bytes: number;
  sha256: string;
  supersedes_id: number | null;
  superseded_at: Date | null;
  source: string;
  uploaded_by: number | null;
  uploaded_at: Date;
}

export interface AttachmentListRow extends AttachmentRow {
  document_type_name: string;
  uploaded_by_name: string | null;
}

export interface DocumentTypeOption {
  code: string;
  name: string;
}

export type NewAttachment = Omit<AttachmentRow, 'id' | 'superseded_at'>;

export function createDocumentsRepository(db: Knex) {
  return {
    async findAssociationByCode(code: string): Promise<AssociationRef | undefined> {
      return db<AssociationRef>('associations').select('id', 'code', 'name').where({ code }).first();
    },

    /** Document types in force (catalogue entries without an end date, or ending today or later). */
    async documentTypes(): Promise<DocumentTypeOption[]> {
      return db('document_types')
        .select('code', 'name')
        .where((q) => q.whereNull('valid_to').orWhere('valid_to', '>=', db.raw('current_date')))
        .orderBy([{ column: 'sort_order' }, { column: 'name' }]);
    },

    async documentTypeInForce(code: string): Promise<boolean> {
      const row = await db('document_types')
        .select('code')
        .where({ code })
        .andWhere((q) => q.whereNull('valid_to').orWhere('valid_to', '>=', db.raw('current_date')))
        .first();
      return row !== undefined;
    },

    async listForAssociation(associationId: number): Promise<AttachmentListRow[]> {
      return db('attachments as a')
        .join('document_types as t', 't.code', 'a.document_type_code')
        .leftJoin('users as u', 'u.id', 'a.uploaded_by')
        .select('a.*', 't.name as document_type_name', 'u.display_name as uploaded_by_name')
        .where('a.association_id', associationId)
        .orderBy([
          { column: 'a.uploaded_at', order: 'desc' },
          { column: 'a.id', order: 'desc' },
        ]);
    },

    /** An attachment only through the association it belongs to (no IDOR by id alone). */
    async findInAssociation(associationId: number, id: number, trx: Knex = db): Promise<AttachmentRow | undefined> {
      return trx<AttachmentRow>('attachments').where({ id, association_id: associationId }).first();
    },

    async existsByStorageName(storageName: string): Promise<boolean> {
      const row = await db('attachments').select('id').where({ storage_name: storageName }).first();
      return row !== undefined;
    },

    async insert(row: NewAttachment, trx: Knex = db): Promise<AttachmentRow> {
      const [inserted] = await trx<AttachmentRow>('attachments').insert(row).returning('*');
      if (!inserted) throw new Error('attachment insert returned no row');
      return inserted;
    },

    /** Mark a current attachment of the association superseded; 0 when it is not (any longer) current. */
    async markSuperseded(associationId: number, id: number, at: Date, trx: Knex = db): Promise<number> {
      return trx('attachments').where({ id, association_id: associationId }).whereNull('superseded_at').update({ superseded_at: at });
    },
  };
}

export type DocumentsRepository = ReturnType<typeof createDocumentsRepository>;
