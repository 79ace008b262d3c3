/**
 * The NGO Department's decision on a congress package (issue 16 item 6; ): the package is one unit —
 * approve applies every item, return sends it back with comments, reject closes it with a reason; no item is
 * approved on its own. Approval is one transaction: the record's new version (source `submission:<id>`, its note
 * «Hồ sơ đại hội nhiệm kỳ khóa … ngày dd/mm/yyyy»), the congress's minutes and the current charter linked before the
 * version's snapshot, the submission's status, its event, the audit row and the notices.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import { ConflictError, NotFoundError, StaleVersionError, ValidationError } from '../../lib/errors.js';
import { paths } from '../../lib/urls.js';
import { applyAccepted } from '../register-form/change-set.js';
import { congressKey, type PackageValues, packageFromBody, packageTitle } from './congress-package.js';
import { createCongressPackageRepository } from './congress-package.repository.js';
import { comparison, recordOf, type SubmissionsDeps } from './submissions.context.js';
import { type SubmissionRow, type SubmissionStatus, WAITING_STATUSES } from './submissions.repository.js';
import type { ReviewAction, ReviewInput } from './submissions.review.js';

const TAKEN = 'Hồ sơ này vừa được người khác xử lý. Tải lại trang để xem kết quả.';

/** The comment each decision needs: a return says what to correct, a rejection why. */
function checkComment(action: ReviewAction, raw: string): string {
  const comment = raw.trim().slice(0, 4000);
  if (action === 'return' && !comment)
    throw new ValidationError({ review_comment: 'Ghi ý kiến để hội biết cần sửa, bổ sung gì trong hồ sơ.' });
  if (action === 'reject' && !comment) throw new ValidationError({ review_comment: 'Ghi lý do từ chối hồ sơ.' });
  return comment;
}

/**
 * The approval's links, made inside the record's versioned write (before its snapshot): the minutes to the congress
 * row just written, and an amended charter as the association's current charter (the previous one superseded).
 */
function linkDocuments(sub: SubmissionRow, pkg: PackageValues, at: Date) {
  const packages = createCongressPackageRepository();
  return async (trx: Knex): Promise<void> => {
    const key = congressKey(pkg);
    if (!key || !sub.minutes_attachment_id) throw new Error(`congress package ${sub.id}: no congress or minutes to link`);
    if (!(await packages.linkMinutes(trx, sub.association_id, key, sub.minutes_attachment_id)))
      throw new Error(`congress package ${sub.id}: the congress row written by the approval was not found`);
    if (sub.charter_attachment_id) {
      const previous = await packages.previousCharter(trx, sub.association_id, sub.charter_attachment_id);
      await packages.makeCurrentCharter(trx, sub.association_id, sub.charter_attachment_id, previous, at);
    }
  };
}

export async function decidePackage(deps: SubmissionsDeps, actor: Actor, id: number, input: ReviewInput): Promise<SubmissionRow> {
  const { db, repo, associations, notifications, audit, clock } = deps;
  const sub = await repo.find(id);
  if (!sub || sub.status === 'draft' || sub.kind !== 'congress') throw new NotFoundError('Không tìm thấy hồ sơ đại hội này.');
  if (!WAITING_STATUSES.includes(sub.status) || sub.version !== input.version) throw new ConflictError(TAKEN);
  const full = await recordOf(deps, sub.association_id);
  if (full.record.version !== input.recordVersion)
    throw new StaleVersionError(null, 'Hồ sơ hội đã được lưu sau khi bạn mở trang xét duyệt. Tải lại trang để xem thay đổi mới nhất.');
  const comment = checkComment(input.action, input.comment);
  const { cmp } = await comparison(deps, full, sub);
  if (input.action === 'approve' && !sub.minutes_attachment_id)
    throw new ValidationError({ review_comment: 'Hồ sơ chưa có biên bản đại hội: không duyệt được, hãy trả lại cho hội để bổ sung.' });
  if (input.action === 'approve' && Object.keys(cmp.errors).length)
    throw new ValidationError({
      review_comment: 'Hồ sơ có mục không còn hợp lệ theo danh mục hiện hành (xem cảnh báo ở đầu trang): trả lại cho hội để sửa.',
    });
  const pkg = packageFromBody(sub.body);
  const title = packageTitle(pkg);
  const at = clock.now();
  const code = full.record.code;
  const status: SubmissionStatus = input.action === 'approve' ? 'approved' : input.action === 'return' ? 'returned' : 'rejected';
  return db.transaction(async (trx) => {
    const locked = await repo.findForUpdate(trx, id);
    if (!locked || !WAITING_STATUSES.includes(locked.status) || locked.version !== input.version) throw new ConflictError(TAKEN);
    let appliedVersion: number | null = null;
    if (input.action === 'approve') {
      // All or nothing: every item of the package is applied.
      const record = applyAccepted(cmp, new Set(cmp.items.map((i) => i.key)));
      record.record.data_level = full.record.data_level === 'advanced' ? 'advanced' : 'basic';
      const reason = (comment ? `${title} (hồ sơ số ${id}): ${comment}` : `${title} (hồ sơ số ${id})`).slice(0, 500);
      const row = await associations.update(
        actor,
        code,
        record,
        input.recordVersion,
        reason,
        `submission:${id}`,
        trx,
        linkDocuments(locked, pkg, at),
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
        decisions: {},
        reviewed_at: at,
        reviewed_by: actor.userId,
        review_comment: comment || null,
        applied_version: appliedVersion,
      },
      at,
    );
    if (!row) throw new ConflictError(TAKEN);
    await repo.addEvent(trx, { submissionId: id, action: input.action, comment: comment || null, actorId: actor.userId, at });
    await audit.record(
      actor,
      {
        action: `submission.${input.action}`,
        targetType: 'submission',
        targetId: id,
        details: { association: code, kind: 'congress', items: cmp.items.length, appliedVersion },
      },
      trx,
    );
    const titles: Record<ReviewAction, string> = {
      approve: 'Hồ sơ đại hội của hội đã được duyệt',
      return: 'Hồ sơ đại hội của hội bị trả lại để sửa',
      reject: 'Hồ sơ đại hội của hội bị từ chối',
    };
    const bodies: Record<ReviewAction, string> = {
      approve: `Vụ Tổ chức phi chính phủ đã duyệt ${title.toLowerCase()} (hồ sơ số ${id}); hồ sơ của hội đã được cập nhật.`,
      return: `Hồ sơ đại hội số ${id} cần sửa, bổ sung: ${comment}`,
      reject: `Hồ sơ đại hội số ${id} bị từ chối: ${comment}`,
    };
    await notifications.notifyAssociation(trx, sub.association_id, {
      kind: `submission.${status}`,
      title: titles[input.action],
      body: bodies[input.action],
      link: paths.submissions.congressForm(id),
      dedupeKey: `submission:${id}:${status}:${row.round}`,
    });
    return row;
  });
}
