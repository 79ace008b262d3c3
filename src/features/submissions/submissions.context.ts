/**
 * What the officer's and the reviewer's sides of a submission share: dependencies, the association's record, the
 * submission against it (change-set.ts) and the officer's own submission.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError } from '../../lib/errors.js';
import type { FullRecord } from '../associations/associations.repository.js';
import type { AssociationsService } from '../associations/associations.service.js';
import type { AuditService } from '../audit/audit.service.js';
import type { DocumentsService } from '../documents/documents.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { type Comparison, compare } from '../register-form/change-set.js';
import type { CatalogueOptions } from '../register-form/display.js';
import type { SubmissionKind, SubmissionRow, SubmissionsRepository } from './submissions.repository.js';

/** The roles that review submissions (and are notified of new ones). */
export const REVIEW_ROLES = ['ngo_staff', 'ngo_lead'] as const;

export interface SubmissionsDeps {
  db: Knex;
  repo: SubmissionsRepository;
  associations: AssociationsService;
  notifications: NotificationsService;
  audit: AuditService;
  clock: Clock;
  /** Attachments (a congress package's minutes and charter are stored through it). */
  documents: DocumentsService;
}

export async function recordOf({ repo, associations }: SubmissionsDeps, associationId: number) {
  const code = await repo.associationCode(associationId);
  if (!code) throw new NotFoundError('Tài khoản chưa được gắn với hội nào. Liên hệ Vụ Tổ chức phi chính phủ.');
  return associations.get(code);
}

/** The submission against the current record, limited to what the association changed from its base version. */
export async function comparison(
  { repo, associations }: SubmissionsDeps,
  full: FullRecord,
  sub: SubmissionRow,
): Promise<{ cmp: Comparison; options: CatalogueOptions }> {
  const options = await associations.catalogueOptions();
  const base = sub.base_version === full.record.version ? null : await repo.recordAtVersion(sub.association_id, sub.base_version);
  const cmp = compare(full, sub.body, options, base);
  return { cmp, options };
}

/**
 * The officer's own submission: another association's id is simply not found (scope in the query); with `kind`,
 * so is a submission of the other kind (a congress package is never saved through Biểu mẫu 1's routes).
 */
export async function own(
  { repo }: SubmissionsDeps,
  associationId: number | null,
  id: number,
  kind?: SubmissionKind,
): Promise<SubmissionRow> {
  const row = associationId === null ? undefined : await repo.findForAssociation(associationId, id);
  if (!row || (kind && row.kind !== kind))
    throw new NotFoundError(kind === 'congress' ? 'Không tìm thấy hồ sơ đại hội này của hội.' : 'Không tìm thấy biểu mẫu này của hội.');
  return row;
}

export function returnedKeys(sub: SubmissionRow): Set<string> {
  return new Set(
    Object.entries(sub.decisions)
      .filter(([, d]) => d.decision === 'returned')
      .map(([k]) => k),
  );
}

export async function requireAssociation(associationId: number | null): Promise<number> {
  if (associationId === null) throw new NotFoundError('Tài khoản chưa được gắn với hội nào. Liên hệ Vụ Tổ chức phi chính phủ.');
  return associationId;
}
