/**
 * Biểu mẫu 1 submissions: the association's officer fills the form pre-filled from the
 * record, saves drafts, declares accuracy and submits (submissions.officer.ts); NGO Department staff accept or return
 * each change, then approve (the accepted changes become a new version of the record with source `submission:<id>`,
 * in the same transaction), return to the officer, or reject (submissions.review.ts). States: draft → submitted →
 * (returned → resubmitted)* → approved | rejected. One open submission per association. Every write: one transaction
 * with its event, audit row and notices.
 */
import type { SubmissionsDeps } from './submissions.context.js';
import { officerMethods } from './submissions.officer.js';
import type { SubmissionStatus } from './submissions.repository.js';
import { reviewMethods } from './submissions.review.js';

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
};

export function createSubmissionsService(deps: SubmissionsDeps) {
  return { ...officerMethods(deps), ...reviewMethods(deps) };
}

export type SubmissionsService = ReturnType<typeof createSubmissionsService>;
