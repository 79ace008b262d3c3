/**
 * The NGO Department's side of Biểu mẫu 1 (R-7.4, R-12): the queue, each change beside the current value with the
 * previous round's decisions, and the decision — approve (the accepted changes become a new version of the record
 * with source `submission:<id>`, in the same transaction), return to the officer, or reject.
 */

import type { Actor } from '../../lib/auth-context.js';
import { ConflictError, NotFoundError, StaleVersionError, ValidationError } from '../../lib/errors.js';
import { paths } from '../../lib/urls.js';
import { applyAccepted, type ChangeItem, type Comparison } from '../register-form/change-set.js';
import { comparison, recordOf, type SubmissionsDeps } from './submissions.context.js';
import {
  type Decisions,
  type SubmissionKind,
  type SubmissionRow,
  type SubmissionStatus,
  WAITING_STATUSES,
} from './submissions.repository.js';

export type ReviewAction = 'approve' | 'return' | 'reject';

export interface ReviewInput {
  version: number;
  recordVersion: number;
  action: ReviewAction;
  decisions: Record<string, { decision: string; comment: string }>;
  comment: string;
}

/** An item on the review page with what was decided before (an acceptance stands while the item is unchanged). */
export interface ReviewItem extends ChangeItem {
  previous: { decision: 'accepted' | 'returned'; comment: string; still: boolean } | null;
}

/** The reviewer's decision on each item, checked: every item decided (unless rejecting), every return explained. */
function collectDecisions(cmp: Comparison, input: ReviewInput): { decisions: Decisions; comment: string; returned: number } {
  const errors: Record<string, string> = {};
  const decisions: Decisions = {};
  for (const item of cmp.items) {
    const d = input.decisions[item.key];
    const decision = d?.decision;
    const comment = (d?.comment ?? '').trim().slice(0, 2000);
    if (decision !== 'accepted' && decision !== 'returned') {
      if (input.action !== 'reject') errors[`decision.${item.key}`] = `${item.title}: chọn chấp nhận hoặc trả lại.`;
      continue;
    }
    if (decision === 'returned' && !comment) errors[`comment.${item.key}`] = `${item.title}: ghi lý do trả lại để hội sửa.`;
    decisions[item.key] = { decision, comment, fingerprint: item.fingerprint };
  }
  const comment = input.comment.trim().slice(0, 4000);
  const returned = Object.values(decisions).filter((d) => d.decision === 'returned').length;
  if (input.action === 'return' && returned === 0 && !comment)
    errors.review_comment = 'Trả lại cho hội: đánh dấu ít nhất một mục "Trả lại" hoặc ghi ý kiến chung.';
  if (input.action === 'reject' && !comment) errors.review_comment = 'Ghi lý do từ chối.';
  if (Object.keys(errors).length) throw new ValidationError(errors);

  return { decisions, comment, returned };
}

/**
 * The reviewer's decision. approve: the accepted changes applied to the record at `recordVersion` in this
 * transaction (a new version, source `submission:<id>`, data level at least `basic`); return: to the officer
 * with the comments; reject: with a reason. The submission row is locked and its version checked, so of two
 * reviewers deciding at once one succeeds and the other gets 409.
 */
export async function decide(deps: SubmissionsDeps, actor: Actor, id: number, input: ReviewInput): Promise<SubmissionRow> {
  const { db, repo, associations, notifications, audit, clock } = deps;
  const sub = await repo.find(id);
  if (!sub || sub.status === 'draft') throw new NotFoundError('Không tìm thấy biểu mẫu này.');
  if (!WAITING_STATUSES.includes(sub.status) || sub.version !== input.version)
    throw new ConflictError('Biểu mẫu này vừa được người khác xử lý. Tải lại trang để xem kết quả.');
  const full = await recordOf(deps, sub.association_id);
  if (full.record.version !== input.recordVersion)
    throw new StaleVersionError(null, 'Hồ sơ hội đã được lưu sau khi bạn mở trang xét duyệt. Tải lại trang để xem thay đổi mới nhất.');
  const { cmp } = await comparison(deps, full, sub);

  const { decisions, comment, returned } = collectDecisions(cmp, input);
  const at = clock.now();
  const code = full.record.code;
  const status: SubmissionStatus = input.action === 'approve' ? 'approved' : input.action === 'return' ? 'returned' : 'rejected';
  return db.transaction(async (trx) => {
    const locked = await repo.findForUpdate(trx, id);
    if (!locked || !WAITING_STATUSES.includes(locked.status) || locked.version !== input.version)
      throw new ConflictError('Biểu mẫu này vừa được người khác xử lý. Tải lại trang để xem kết quả.');
    let appliedVersion: number | null = null;
    if (input.action === 'approve') {
      const accepted = new Set(
        Object.entries(decisions)
          .filter(([, d]) => d.decision === 'accepted')
          .map(([k]) => k),
      );
      const record = applyAccepted(cmp, accepted);
      // R-2: data supplied on Biểu mẫu 1 and checked by the Department is at least "basic".
      record.record.data_level = full.record.data_level === 'advanced' ? 'advanced' : 'basic';
      const row = await associations.update(
        actor,
        code,
        record,
        input.recordVersion,
        (comment ? `Duyệt Biểu mẫu 1 số ${id} của hội: ${comment}` : `Duyệt Biểu mẫu 1 số ${id} của hội`).slice(0, 500),
        `submission:${id}`,
        trx,
      );
      appliedVersion = row.version;
    }
    const row = await repo.updateIfVersion(
      trx,
      id,
      input.version,
      WAITING_STATUSES,
      {
        status,
        // The decisions on this round's items replace the earlier ones (an item the association took back has
        // none any more); a rejection keeps the history as it was.
        decisions: input.action === 'reject' ? { ...locked.decisions, ...decisions } : decisions,
        reviewed_at: at,
        reviewed_by: actor.userId,
        review_comment: comment || null,
        applied_version: appliedVersion,
      },
      at,
    );
    if (!row) throw new ConflictError('Biểu mẫu này vừa được người khác xử lý. Tải lại trang để xem kết quả.');
    const itemComments = cmp.items
      .filter((i) => decisions[i.key]?.decision === 'returned')
      .map((i) => `${i.title}${i.row ? ` (${i.row})` : ''}: ${decisions[i.key]?.comment}`);
    await repo.addEvent(trx, {
      submissionId: id,
      action: input.action,
      comment: [comment, ...itemComments].filter(Boolean).join('\n') || null,
      actorId: actor.userId,
      at,
    });
    await audit.record(
      actor,
      {
        action: `submission.${input.action}`,
        targetType: 'submission',
        targetId: id,
        details: {
          association: code,
          accepted: Object.values(decisions).filter((d) => d.decision === 'accepted').length,
          returned,
          appliedVersion,
        },
      },
      trx,
    );
    const titles: Record<ReviewAction, string> = {
      approve: 'Biểu mẫu 1 của hội đã được duyệt',
      return: 'Biểu mẫu 1 của hội bị trả lại để sửa',
      reject: 'Biểu mẫu 1 của hội bị từ chối',
    };
    await notifications.notifyAssociation(trx, sub.association_id, {
      kind: `submission.${status}`,
      title: titles[input.action],
      body:
        input.action === 'approve'
          ? `Vụ Tổ chức phi chính phủ đã duyệt Biểu mẫu 1 số ${id}; hồ sơ của hội đã được cập nhật.`
          : input.action === 'return'
            ? `Biểu mẫu 1 số ${id} cần sửa ${returned} mục. Xem ý kiến của Vụ và gửi lại.`
            : `Biểu mẫu 1 số ${id} bị từ chối: ${comment}`,
      link: paths.submissions.form(id),
      dedupeKey: `submission:${id}:${status}:${row.round}`,
    });
    return row;
  });
}

export function reviewMethods(deps: SubmissionsDeps) {
  const { repo, audit } = deps;
  return {
    queue(all: boolean, page: number, pageSize: number, kind: SubmissionKind | null = null) {
      return repo.queue(all, page, pageSize, kind);
    },

    /** The review page: every change beside the current value, with the previous round's decisions. */
    async forReview(id: number) {
      const sub = await repo.find(id);
      if (!sub || sub.status === 'draft') throw new NotFoundError('Không tìm thấy biểu mẫu này.');
      const full = await recordOf(deps, sub.association_id);
      const { cmp, options } = await comparison(deps, full, sub);
      const items: ReviewItem[] = cmp.items.map((item) => {
        const d = sub.decisions[item.key];
        return {
          ...item,
          previous: d ? { decision: d.decision, comment: d.comment, still: d.fingerprint === item.fingerprint } : null,
        };
      });
      const events = await repo.events(sub.id);
      const attachmentIds = new Set(await repo.attachmentIds(sub.association_id, sub.id));
      return { sub, full, items, errors: cmp.errors, options, events, attachmentIds };
    },

    recordPersonalDataView(actor: Actor, id: number, code: string): Promise<void> {
      return audit.record(actor, {
        action: 'personal_data.view',
        targetType: 'submission',
        targetId: id,
        details: { association: code, data: 'leaders' },
      });
    },

    decide: (actor: Actor, id: number, input: ReviewInput) => decide(deps, actor, id, input),
  };
}
