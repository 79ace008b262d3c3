/**
 * What the officer's and the reviewer's sides of a submission share: dependencies, the association's record, the
 * submission against it (change-set.ts) and the officer's own submission.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, StaleVersionError } from '../../lib/errors.js';
import { paths } from '../../lib/urls.js';
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

/** What the officer's save writes besides the row's own patch: the messages and audit details of its kind. */
export interface OfficerWrite {
  version: number;
  submit: boolean;
  /** The row's new values besides the send fields (status, round, declaration) that `submit` adds. */
  patch: Partial<SubmissionRow>;
  /** The 409 when the row changed since the form was opened. */
  stale: string;
  details: Record<string, unknown>;
  /** The reviewers' notice when sent (`resubmit`: a returned one sent again). */
  notice: (resubmit: boolean) => { title: string; body: string };
}

/**
 * An officer's save or send of a submission (Biểu mẫu 1 or a congress package) in the caller's transaction: the row
 * updated if still at `version`, its event, its audit row and, when sent, the reviewers' notice.
 */
export async function writeOfficerSave(
  { repo, audit, notifications, clock }: SubmissionsDeps,
  trx: Knex.Transaction,
  actor: Actor,
  sub: SubmissionRow,
  w: OfficerWrite,
): Promise<SubmissionRow> {
  const at = clock.now();
  const resubmit = sub.status === 'returned';
  const action = w.submit ? (resubmit ? 'resubmit' : 'submit') : 'save';
  const patch: Partial<SubmissionRow> = { ...w.patch };
  if (w.submit) {
    Object.assign(patch, {
      status: resubmit ? 'resubmitted' : 'submitted',
      submitted_at: at,
      submitted_by: actor.userId,
      declared_at: at,
      round: sub.round + 1,
    });
  }
  const row = await repo.updateIfVersion(trx, sub.id, w.version, [sub.status], patch, at);
  if (!row) throw new StaleVersionError(null, w.stale);
  await repo.addEvent(trx, { submissionId: sub.id, action, comment: null, actorId: actor.userId, at });
  await audit.record(
    actor,
    { action: `submission.${action}`, targetType: 'submission', targetId: sub.id, details: { ...w.details, round: row.round } },
    trx,
  );
  if (w.submit) {
    await notifications.notifyRoles(trx, [...REVIEW_ROLES], {
      kind: 'submission.received',
      ...w.notice(resubmit),
      link: paths.submissions.review(sub.id),
      dedupeKey: `submission:${sub.id}:received:${row.round}`,
    });
  }
  return row;
}
