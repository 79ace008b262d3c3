/**
 * Biểu mẫu 1 submissions: the association's officer fills the form pre-filled from the
 * record, saves drafts, declares accuracy and submits (submissions.officer.ts); NGO Department staff accept or return
 * each change, then approve (the accepted changes become a new version of the record with source `submission:<id>`,
 * in the same transaction), return to the officer, or reject (submissions.review.ts). States: draft → submitted →
 * (returned → resubmitted)* → approved | rejected. One open submission per association. Every write: one transaction
 * with its event, audit row and notices.
 */

import type { Actor } from '../../lib/auth-context.js';
import { packageOfficerMethods } from './congress-package.officer.js';
import { decidePackage } from './congress-package.review.js';
import type { SubmissionsDeps } from './submissions.context.js';
import { officerMethods } from './submissions.officer.js';
import type { SubmissionKind, SubmissionStatus } from './submissions.repository.js';
import { type ReviewInput, reviewMethods } from './submissions.review.js';

export const STATUS_LABELS: Record<SubmissionStatus, string> = {
  draft: 'Bản nháp',
  submitted: 'Đã gửi, chờ xét duyệt',
  returned: 'Bị trả lại để sửa',
  resubmitted: 'Đã gửi lại, chờ xét duyệt',
  approved: 'Đã được duyệt',
  rejected: 'Bị từ chối',
};

export const EVENT_LABELS: Record<string, string> = {
  create: 'Lập biểu mẫu',
  save: 'Lưu bản nháp',
  upload: 'Nạp từ tệp Excel',
  submit: 'Gửi biểu mẫu',
  resubmit: 'Gửi lại biểu mẫu đã sửa',
  return: 'Trả lại để sửa',
  approve: 'Duyệt',
  reject: 'Từ chối',
  attach: 'Đính kèm tài liệu',
  detach: 'Gỡ tài liệu khỏi hồ sơ',
};

/** The events of a congress package, where they read differently from a form's. */
export const PACKAGE_EVENT_LABELS: Record<string, string> = {
  ...EVENT_LABELS,
  create: 'Lập hồ sơ đại hội',
  submit: 'Gửi hồ sơ đại hội',
  resubmit: 'Gửi lại hồ sơ đại hội đã sửa',
};

/** What the officer's and the staff's lists call each kind of submission. */
export const KIND_LABELS: Record<SubmissionKind, string> = {
  form: 'Biểu mẫu 1',
  congress: 'Hồ sơ đại hội',
};

export function createSubmissionsService(deps: SubmissionsDeps) {
  const review = reviewMethods(deps);
  return {
    ...officerMethods(deps),
    ...review,
    /** The decision: a congress package is decided as one unit (congress-package.review.ts), a Biểu mẫu 1 item by item. */
    async decide(actor: Actor, id: number, input: ReviewInput) {
      const sub = await deps.repo.find(id);
      return sub?.kind === 'congress' ? decidePackage(deps, actor, id, input) : review.decide(actor, id, input);
    },
    /** A term congress's outcome filed as one package (congress-package.officer.ts). */
    congress: packageOfficerMethods(deps),
  };
}

export type SubmissionsService = ReturnType<typeof createSubmissionsService>;
