/**
 * Biểu mẫu 1 submissions (R-7.3, R-7.4, R-12, R-19): the association's officer fills the form pre-filled from the
 * record, saves drafts, declares accuracy and submits; NGO Department staff accept or return each change, then
 * approve (the accepted changes become a new version of the record with source `submission:<id>`, in the same
 * transaction), return to the officer, or reject. States: draft → submitted → (returned → resubmitted)* →
 * approved | rejected. One open submission per association. Every write: one transaction with its event, audit
 * row and notices.
 */
import type { Knex } from 'knex';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, NotFoundError, StaleVersionError, ValidationError } from '../../lib/errors.js';
import type { FullRecord } from '../associations/associations.repository.js';
import type { AssociationsService } from '../associations/associations.service.js';
import type { Actor, AuditService } from '../audit/audit.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import {
  applyAccepted,
  bodyFromRecord,
  type ChangeItem,
  type Comparison,
  compare,
  mergeReturned,
  officerBody,
  parseSubmission,
} from '../register-form/change-set.js';
import type { CatalogueOptions } from '../register-form/display.js';
import type { FlatBody } from '../register-form/flat-body.js';
import { parseAssociationForm } from '../register-form/schema.js';
import {
  type Decisions,
  type SubmissionRow,
  type SubmissionStatus,
  type SubmissionsRepository,
  WAITING_STATUSES,
} from './submissions.repository.js';

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

export const REVIEW_ROLES = ['ngo_staff', 'ngo_lead'] as const;

export type ReviewAction = 'approve' | 'return' | 'reject';

export interface OfficerSave {
  version: number;
  body: Record<string, unknown>;
  submit: boolean;
  declared: boolean;
}

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

export function createSubmissionsService(deps: {
  db: Knex;
  repo: SubmissionsRepository;
  associations: AssociationsService;
  notifications: NotificationsService;
  audit: AuditService;
  clock: Clock;
}) {
  const { db, repo, associations, notifications, audit, clock } = deps;

  async function recordOf(associationId: number) {
    const code = await repo.associationCode(associationId);
    if (!code) throw new NotFoundError('Tài khoản chưa được gắn với hội nào. Liên hệ Vụ Tổ chức phi chính phủ.');
    return associations.get(code);
  }

  /** The submission against the current record, limited to what the association changed from its base version. */
  async function comparison(full: FullRecord, sub: SubmissionRow): Promise<{ cmp: Comparison; options: CatalogueOptions }> {
    const options = await associations.catalogueOptions();
    const base = sub.base_version === full.record.version ? null : await repo.recordAtVersion(sub.association_id, sub.base_version);
    const cmp = compare(full, sub.body, options, base);
    return { cmp, options };
  }

  /** The officer's own submission: another association's id is simply not found (scope in the query). */
  async function own(associationId: number | null, id: number): Promise<SubmissionRow> {
    const row = associationId === null ? undefined : await repo.findForAssociation(associationId, id);
    if (!row) throw new NotFoundError('Không tìm thấy biểu mẫu này của hội.');
    return row;
  }

  function returnedKeys(sub: SubmissionRow): Set<string> {
    return new Set(
      Object.entries(sub.decisions)
        .filter(([, d]) => d.decision === 'returned')
        .map(([k]) => k),
    );
  }

  async function requireAssociation(associationId: number | null): Promise<number> {
    if (associationId === null) throw new NotFoundError('Tài khoản chưa được gắn với hội nào. Liên hệ Vụ Tổ chức phi chính phủ.');
    return associationId;
  }

  function isUniqueViolation(err: unknown): boolean {
    const e = err as { code?: string; message?: string };
    return e.code === '23505' || /submissions_one_open/.test(e.message ?? '');
  }

  /** Create a draft pre-filled with `body` (or the record), or return the open submission (one at a time). */
  async function createDraft(actor: Actor, associationId: number, body: FlatBody | null, origin: 'web' | 'excel'): Promise<SubmissionRow> {
    const full = await recordOf(associationId);
    const at = clock.now();
    try {
      return await db.transaction(async (trx) => {
        const row = await repo.insert(trx, {
          association_id: associationId,
          status: 'draft',
          origin,
          body: body ?? bodyFromRecord(full),
          base_version: full.record.version,
          created_by: actor.userId,
          created_at: at,
          updated_at: at,
        });
        await repo.addEvent(trx, {
          submissionId: row.id,
          action: origin === 'excel' ? 'upload' : 'create',
          comment: null,
          actorId: actor.userId,
          at,
        });
        await audit.record(
          actor,
          { action: 'submission.create', targetType: 'submission', targetId: row.id, details: { association: full.record.code, origin } },
          trx,
        );
        return row;
      });
    } catch (err) {
      // Two tabs starting at once: the partial unique index keeps one open submission; use it.
      if (isUniqueViolation(err)) {
        const open = await repo.openFor(associationId);
        if (open) return open;
      }
      throw err;
    }
  }

  return {
    /** The officer's home: the record, the submissions with their status and comments, the open one. */
    async home(associationId: number | null) {
      if (associationId === null) return null;
      const full = await recordOf(associationId);
      const submissions = await repo.listForAssociation(associationId);
      const options = await associations.catalogueOptions();
      const open = submissions.find((s) => ['draft', 'submitted', 'returned', 'resubmitted'].includes(s.status)) ?? null;
      const comments = open ? (await repo.events(open.id)).filter((e) => e.comment) : [];
      return { full, submissions, open, comments, options };
    },

    /** Start the form (or continue the open one). */
    async start(actor: Actor, associationId: number | null): Promise<SubmissionRow> {
      const id = await requireAssociation(associationId);
      return (await repo.openFor(id)) ?? createDraft(actor, id, null, 'web');
    },

    /** One submission of the officer's association with what the form needs. */
    async forOfficer(associationId: number | null, id: number) {
      const sub = await own(associationId, id);
      const full = await recordOf(sub.association_id);
      const { cmp, options } = await comparison(full, sub);
      const events = await repo.events(sub.id);
      return { sub, full, cmp, options, events, returned: returnedKeys(sub) };
    },

    /**
     * Save the officer's form: a draft keeps any partial data; a returned submission changes only its returned
     * items. With `submit`, the whole form must pass the register's validation and the accuracy declaration.
     * Returns the field errors (and the body to show again) instead of saving when the submission is not valid.
     */
    async saveByOfficer(
      actor: Actor,
      associationId: number | null,
      id: number,
      input: OfficerSave,
    ): Promise<{ ok: true; sub: SubmissionRow } | { ok: false; errors: Record<string, string>; body: FlatBody }> {
      const sub = await own(associationId, id);
      if (sub.status !== 'draft' && sub.status !== 'returned')
        throw new ConflictError('Biểu mẫu này đã được gửi hoặc đã được xử lý: không sửa được nữa.');
      const full = await recordOf(sub.association_id);
      const options = await associations.catalogueOptions();
      // A draft keeps the posted form; a returned one takes only its returned items from it. Parsed once: the body
      // stored is what the form shows back, the errors are what stop it being submitted.
      const posted = sub.status === 'draft' ? input.body : mergeReturned(sub.body, input.body, returnedKeys(sub), full);
      const parsed = parseSubmission(posted, full.record, associations.codesOf(options));
      const body = officerBody(parsed.values);
      if (input.submit) {
        const errors = { ...parsed.errors };
        if (!input.declared) errors.declaration = 'Đánh dấu ô cam đoan thông tin khai là chính xác trước khi gửi.';
        if (Object.keys(errors).length) return { ok: false, errors, body };
      }
      const at = clock.now();
      const resubmit = sub.status === 'returned';
      const action = input.submit ? (resubmit ? 'resubmit' : 'submit') : 'save';
      const updated = await db.transaction(async (trx) => {
        const patch: Partial<SubmissionRow> = { body };
        if (input.submit) {
          Object.assign(patch, {
            status: resubmit ? 'resubmitted' : 'submitted',
            submitted_at: at,
            submitted_by: actor.userId,
            declared_at: at,
            round: sub.round + 1,
          });
        }
        const row = await repo.updateIfVersion(trx, sub.id, input.version, [sub.status], patch, at);
        if (!row) throw new StaleVersionError(null, 'Biểu mẫu đã được lưu ở nơi khác sau khi bạn mở trang. Hãy mở lại biểu mẫu.');
        await repo.addEvent(trx, { submissionId: sub.id, action, comment: null, actorId: actor.userId, at });
        await audit.record(
          actor,
          {
            action: `submission.${action}`,
            targetType: 'submission',
            targetId: sub.id,
            details: { association: full.record.code, round: row.round },
          },
          trx,
        );
        if (input.submit) {
          await notifications.notifyRoles(trx, [...REVIEW_ROLES], {
            kind: 'submission.received',
            title: `${resubmit ? 'Biểu mẫu 1 gửi lại' : 'Biểu mẫu 1 mới'} chờ xét duyệt: ${full.record.name}`,
            body: `Hội ${full.record.name} (mã ${full.record.code}) đã ${resubmit ? 'sửa và gửi lại' : 'gửi'} Biểu mẫu 1 số ${sub.id}.`,
            link: `/quan-tri/bieu-mau/${sub.id}`,
            dedupeKey: `submission:${sub.id}:received:${row.round}`,
          });
        }
        return row;
      });
      return { ok: true, sub: updated };
    },

    catalogueOptions: () => associations.catalogueOptions(),

    /** What the Excel template is pre-filled with: the open draft, else the current record. */
    async templateValues(associationId: number | null, exportedBy?: Actor) {
      const assoc = await requireAssociation(associationId);
      const full = await recordOf(assoc);
      // The template carries the leaders' personal data: an export, audited (RELIABILITY check 30).
      if (exportedBy)
        await audit.record(exportedBy, {
          action: 'submission.template_export',
          targetType: 'association',
          targetId: full.record.code,
          details: { format: 'xlsx' },
        });
      const open = await repo.openFor(assoc);
      const options = await associations.catalogueOptions();
      const body = open?.status === 'draft' ? open.body : bodyFromRecord(full);
      return { code: full.record.code, workbook: { name: full.record.name, options, body } };
    },

    /** Create or refresh the draft from a filled Excel workbook (the officer then reviews and submits as usual). */
    async draftFromWorkbook(actor: Actor, associationId: number | null, posted: Record<string, unknown>): Promise<SubmissionRow> {
      const assoc = await requireAssociation(associationId);
      const options = await associations.catalogueOptions();
      const body = officerBody(parseAssociationForm(posted, associations.codesOf(options)).values);
      const open = await repo.openFor(assoc);
      if (!open) return createDraft(actor, assoc, body, 'excel');
      if (open.status !== 'draft')
        throw new ConflictError(
          open.status === 'returned'
            ? 'Biểu mẫu đang bị trả lại: chỉ sửa các mục bị trả lại trên biểu mẫu trực tuyến.'
            : 'Hội đang có biểu mẫu chờ xét duyệt: chưa nạp được biểu mẫu mới.',
        );
      const at = clock.now();
      return db.transaction(async (trx) => {
        const row = await repo.updateIfVersion(trx, open.id, open.version, ['draft'], { body, origin: 'excel' }, at);
        if (!row) throw new StaleVersionError(null, 'Biểu mẫu vừa được lưu ở nơi khác. Hãy thử lại.');
        await repo.addEvent(trx, { submissionId: open.id, action: 'upload', comment: null, actorId: actor.userId, at });
        await audit.record(
          actor,
          { action: 'submission.upload', targetType: 'submission', targetId: open.id, details: { origin: 'excel' } },
          trx,
        );
        return row;
      });
    },

    /** The draft (or returned) submission a document may be attached to; 404 / 409 otherwise. */
    async attachable(associationId: number | null, id: number): Promise<{ sub: SubmissionRow; code: string; name: string }> {
      const sub = await own(associationId, id);
      if (sub.status !== 'draft' && sub.status !== 'returned')
        throw new ConflictError('Biểu mẫu này đã được gửi: không đính kèm thêm tài liệu được.');
      const full = await recordOf(sub.association_id);
      return { sub, code: full.record.code, name: full.record.name };
    },

    queue(all: boolean, page: number, pageSize: number) {
      return repo.queue(all, page, pageSize);
    },

    /** The review page: every change beside the current value, with the previous round's decisions. */
    async forReview(id: number) {
      const sub = await repo.find(id);
      if (!sub || sub.status === 'draft') throw new NotFoundError('Không tìm thấy biểu mẫu này.');
      const full = await recordOf(sub.association_id);
      const { cmp, options } = await comparison(full, sub);
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

    /**
     * The reviewer's decision. approve: the accepted changes applied to the record at `recordVersion` in this
     * transaction (a new version, source `submission:<id>`, data level at least `basic`); return: to the officer
     * with the comments; reject: with a reason. The submission row is locked and its version checked, so of two
     * reviewers deciding at once one succeeds and the other gets 409.
     */
    async decide(actor: Actor, id: number, input: ReviewInput): Promise<SubmissionRow> {
      const sub = await repo.find(id);
      if (!sub || sub.status === 'draft') throw new NotFoundError('Không tìm thấy biểu mẫu này.');
      if (!WAITING_STATUSES.includes(sub.status) || sub.version !== input.version)
        throw new ConflictError('Biểu mẫu này vừa được người khác xử lý. Tải lại trang để xem kết quả.');
      const full = await recordOf(sub.association_id);
      if (full.record.version !== input.recordVersion)
        throw new StaleVersionError(null, 'Hồ sơ hội đã được lưu sau khi bạn mở trang xét duyệt. Tải lại trang để xem thay đổi mới nhất.');
      const { cmp } = await comparison(full, sub);

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
            `Duyệt Biểu mẫu 1 số ${id} của hội${comment ? `: ${comment}` : ''}`.slice(0, 500),
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
          link: `/hoi-cua-toi/bieu-mau/${id}`,
          dedupeKey: `submission:${id}:${status}:${row.round}`,
        });
        return row;
      });
    },
  };
}

export type SubmissionsService = ReturnType<typeof createSubmissionsService>;
