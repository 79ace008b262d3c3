/** SQL of the legal documents catalogue (Knex only; every value bound). */
import type { Knex } from 'knex';
import type { LegalDocumentInput } from './legal-documents.schemas.js';

export interface LegalDocumentRow {
  id: number;
  number: string;
  doc_type: string;
  issuer: string;
  issued_on: string;
  summary: string;
  attachment_ref: string | null;
  version: number;
  created_at?: Date;
  created_by?: number | null;
  updated_at: Date;
  updated_by?: number | null;
}

export interface LegalDocumentFilters {
  docType?: string;
  year?: number;
}

export function createLegalDocumentsRepository(db: Knex) {
  return {
    list(f: LegalDocumentFilters = {}): Promise<LegalDocumentRow[]> {
      const q = db<LegalDocumentRow>('legal_documents').select('*');
      if (f.docType) q.where('doc_type', f.docType);
      if (f.year) q.whereRaw('extract(year from issued_on) = ?', [f.year]);
      return q.orderBy('issued_on', 'desc').orderBy('id', 'desc');
    },

    find(id: number, trx: Knex = db): Promise<LegalDocumentRow | undefined> {
      return trx<LegalDocumentRow>('legal_documents').where({ id }).first();
    },

    async insert(trx: Knex, input: LegalDocumentInput, actorId: number | null, at: Date): Promise<LegalDocumentRow> {
      const [row] = await trx<LegalDocumentRow>('legal_documents')
        .insert({ ...input, created_by: actorId, updated_by: actorId, created_at: at, updated_at: at })
        .returning('*');
      if (!row) throw new Error('insert returned no row');
      return row;
    },

    async updateIfVersion(trx: Knex, id: number, version: number, input: LegalDocumentInput, actorId: number | null, at: Date) {
      const [row] = await trx<LegalDocumentRow>('legal_documents')
        .where({ id, version })
        .update({ ...input, version: version + 1, updated_by: actorId, updated_at: at })
        .returning('*');
      return row ?? null;
    },
  };
}

export type LegalDocumentsRepository = ReturnType<typeof createLegalDocumentsRepository>;
