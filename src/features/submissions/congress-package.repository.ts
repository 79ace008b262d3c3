/**
 * SQL of congress packages (Knex only): naming a package's minutes and charter while the officer may still change
 * them, and the approval's links — the congress's minutes, the association's current charter (the previous one
 * superseded). Every query is scoped by the association.
 */
import type { Knex } from 'knex';
import type { DocumentColumn } from './congress-package.js';

const EDITABLE = ['draft', 'returned'];

export function createCongressPackageRepository() {
  return {
    /** Name (or clear) the package's minutes or charter; false when the package is no longer the officer's to change. */
    async setDocument(
      trx: Knex,
      ref: { submissionId: number; associationId: number },
      column: DocumentColumn,
      attachmentId: number | null,
    ): Promise<boolean> {
      const n = await trx('submissions')
        .where({ id: ref.submissionId, association_id: ref.associationId, kind: 'congress' })
        .whereIn('status', EDITABLE)
        .update({ [column]: attachmentId });
      return n === 1;
    },

    /** Link the minutes to the congress row the approval has just written (the newest with that day and term). */
    async linkMinutes(
      trx: Knex,
      associationId: number,
      congress: { heldOn: string; termNumber: number },
      attachmentId: number,
    ): Promise<boolean> {
      const row = await trx('congresses')
        .where({ association_id: associationId, held_on: congress.heldOn, term_number: congress.termNumber })
        .whereNull('minutes_attachment_id')
        .orderBy('id', 'desc')
        .first('id');
      if (!row) return false;
      return (await trx('congresses').where({ id: row.id }).update({ minutes_attachment_id: attachmentId })) === 1;
    },

    /**
     * The charter in force before `newId`: the one the record names, else the newest charter on file that is not
     * superseded and came from the Department or from an approved Biểu mẫu 1.
     */
    async previousCharter(trx: Knex, associationId: number, newId: number): Promise<number | null> {
      const named = await trx('associations').where({ id: associationId }).first('charter_attachment_id');
      if (named?.charter_attachment_id) return named.charter_attachment_id as number;
      const approved = trx('submissions')
        .where({ association_id: associationId, status: 'approved' })
        .select(trx.raw("'submission:' || id"));
      const row = await trx('attachments')
        .where({ association_id: associationId, document_type_code: 'DIEU_LE' })
        .whereNull('superseded_at')
        .whereNot('id', newId)
        .where((q) => q.where('source', 'edit').orWhereIn('source', approved))
        .orderBy([
          { column: 'uploaded_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .first('id');
      return (row?.id as number | undefined) ?? null;
    },

    /** The new charter becomes the association's current one; the previous one (if any) is superseded by it. */
    async makeCurrentCharter(trx: Knex, associationId: number, newId: number, previousId: number | null, at: Date): Promise<void> {
      if (previousId !== null) {
        await trx('attachments')
          .where({ id: previousId, association_id: associationId })
          .whereNull('superseded_at')
          .update({ superseded_at: at });
        await trx('attachments')
          .where({ id: newId, association_id: associationId })
          .whereNull('supersedes_id')
          .update({ supersedes_id: previousId });
      }
      await trx('associations').where({ id: associationId }).update({ charter_attachment_id: newId });
    },
  };
}

export type CongressPackageRepository = ReturnType<typeof createCongressPackageRepository>;
