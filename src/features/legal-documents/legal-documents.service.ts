/** The legal documents catalogue (R-17.1 m): staff add and edit entries; every write leaves an audit row. */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, StaleVersionError } from '../../lib/errors.js';
import type { AuditService } from '../audit/audit.service.js';
import type { LegalDocumentFilters, LegalDocumentsRepository } from './legal-documents.repository.js';
import type { LegalDocumentInput } from './legal-documents.schemas.js';

export function createLegalDocumentsService(deps: { db: Knex; repo: LegalDocumentsRepository; audit: AuditService; clock: Clock }) {
  const { db, repo, audit, clock } = deps;
  return {
    list: (f: LegalDocumentFilters = {}) => repo.list(f),

    async get(id: number) {
      const row = await repo.find(id);
      if (!row) throw new NotFoundError('Không tìm thấy văn bản này.');
      return row;
    },

    create(actor: Actor, input: LegalDocumentInput) {
      return db.transaction(async (trx) => {
        const row = await repo.insert(trx, input, actor.userId, clock.now());
        await audit.record(
          actor,
          { action: 'legal_document.create', targetType: 'legal_document', targetId: row.id, details: { number: row.number } },
          trx,
        );
        return row;
      });
    },

    update(actor: Actor, id: number, version: number, input: LegalDocumentInput) {
      return db.transaction(async (trx) => {
        const row = await repo.updateIfVersion(trx, id, version, input, actor.userId, clock.now());
        if (!row) {
          if (!(await repo.find(id, trx))) throw new NotFoundError('Không tìm thấy văn bản này.');
          throw new StaleVersionError();
        }
        await audit.record(
          actor,
          { action: 'legal_document.update', targetType: 'legal_document', targetId: id, details: { number: row.number } },
          trx,
        );
        return row;
      });
    },
  };
}

export type LegalDocumentsService = ReturnType<typeof createLegalDocumentsService>;
