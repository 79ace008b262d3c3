/**
 * The officer's side of a congress package (issue 16 item 6; ): start one (it shares the one-open rule
 * with Biểu mẫu 1), fill the congress and the new leadership, attach the minutes (required) and an amended charter
 * (optional), declare accuracy and send it. The stored body is rebuilt from the current record at every save
 * (congress-package.ts), so the review compares the package with the record as it is.
 */
import type { Actor } from '../../lib/auth-context.js';
import { ConflictError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import type { FullRecord } from '../associations/associations.repository.js';
import type { ReceivedUpload } from '../documents/documents.service.js';
import { parseSubmission } from '../register-form/change-set.js';
import {
  DOCUMENT_ROLES,
  type DocumentRole,
  lastCongress,
  newPackage,
  type PackageValues,
  packageBody,
  packageDocuments,
  packageFromBody,
  packageFromPost,
  packageTitle,
  validatePackage,
} from './congress-package.js';
import { createCongressPackageRepository } from './congress-package.repository.js';
import { comparison, own, recordOf, requireAssociation, type SubmissionsDeps, writeOfficerSave } from './submissions.context.js';
import { isUniqueViolation, type OfficerSave } from './submissions.officer.js';
import type { SubmissionRow } from './submissions.repository.js';

const EDITABLE = ['draft', 'returned'] as const;

function formOpen(id: number): string {
  return `Hội đang có Biểu mẫu 1 số ${id} chưa xử lý xong. Mỗi lần hội chỉ có một hồ sơ đang mở: hoàn tất biểu mẫu đó (hoặc chờ Vụ xét duyệt xong) rồi mới nộp hồ sơ đại hội.`;
}

/** Start a package (or open the one already open); a Biểu mẫu 1 still open is a conflict (one open submission). */
async function startPackage(deps: SubmissionsDeps, actor: Actor, associationId: number | null): Promise<SubmissionRow> {
  const { db, repo, audit, clock } = deps;
  const assoc = await requireAssociation(associationId);
  const open = await repo.openFor(assoc);
  if (open) {
    if (open.kind === 'congress') return open;
    throw new ConflictError(formOpen(open.id));
  }
  const full = await recordOf(deps, assoc);
  const at = clock.now();
  try {
    return await db.transaction(async (trx) => {
      const row = await repo.insert(trx, {
        association_id: assoc,
        kind: 'congress',
        status: 'draft',
        origin: 'web',
        body: packageBody(full, newPackage(full)),
        base_version: full.record.version,
        created_by: actor.userId,
        created_at: at,
        updated_at: at,
      });
      await repo.addEvent(trx, { submissionId: row.id, action: 'create', comment: null, actorId: actor.userId, at });
      await audit.record(
        actor,
        {
          action: 'submission.create',
          targetType: 'submission',
          targetId: row.id,
          details: { association: full.record.code, kind: 'congress' },
        },
        trx,
      );
      return row;
    });
  } catch (err) {
    // Two tabs starting at once: the partial unique index keeps one open submission.
    if (isUniqueViolation(err)) {
      const again = await repo.openFor(assoc);
      if (again?.kind === 'congress') return again;
      if (again) throw new ConflictError(formOpen(again.id));
    }
    throw err;
  }
}

/** Every reason the package cannot be sent yet, keyed by the form's field names (empty: it can). */
async function sendErrors(
  deps: SubmissionsDeps,
  sub: SubmissionRow,
  full: FullRecord,
  pkg: PackageValues,
  body: Record<string, string | string[]>,
  declared: boolean,
): Promise<Record<string, string>> {
  const codes = deps.associations.codesOf(await deps.associations.catalogueOptions());
  const errors = validatePackage(pkg, { codes, today: vietnamToday(deps.clock.now()), last: lastCongress(full) });
  if (!sub.minutes_attachment_id) errors.minutes = 'Đính kèm biên bản đại hội (bắt buộc) trước khi gửi hồ sơ.';
  if (!declared) errors.declaration = 'Đánh dấu ô cam đoan thông tin khai là chính xác trước khi gửi.';
  if (Object.keys(errors).length === 0) {
    // The rest of the record as the package leaves it must still pass Biểu mẫu 1's rules (e.g. a leader elected
    // after the congress day could not have left on it).
    const whole = parseSubmission(body, full.record, codes);
    const messages = Object.values(whole.errors);
    if (messages.length)
      errors._form = `Hồ sơ của hội sau khi áp dụng hồ sơ đại hội còn mục không hợp lệ: ${messages.slice(0, 3).join(' ')} Liên hệ Vụ Tổ chức phi chính phủ nếu mục đó không thuộc hồ sơ đại hội.`;
  }
  return errors;
}

/**
 * Save the package (a draft keeps whatever was typed) or, with `submit`, send it: the package's rules, the minutes
 * and the declaration first; errors come back with the values typed instead of a save.
 */
async function savePackage(
  deps: SubmissionsDeps,
  actor: Actor,
  associationId: number | null,
  id: number,
  input: OfficerSave,
): Promise<{ ok: true; sub: SubmissionRow } | { ok: false; errors: Record<string, string>; values: PackageValues }> {
  const { db, repo } = deps;
  const sub = await own(deps, associationId, id, 'congress');
  if (!(EDITABLE as readonly string[]).includes(sub.status))
    throw new ConflictError('Hồ sơ đại hội này đã được gửi hoặc đã được xử lý: không sửa được nữa.');
  const full = await recordOf(deps, sub.association_id);
  const pkg = packageFromPost(input.body);
  const body = packageBody(full, pkg);
  if (input.submit) {
    const errors = await sendErrors(deps, sub, full, pkg, body, input.declared);
    if (Object.keys(errors).length) return { ok: false, errors, values: pkg };
  }
  const updated = await db.transaction(async (trx) => {
    // Locked: the minutes checked above cannot be taken off the package while it is being sent.
    const locked = await repo.findForUpdate(trx, sub.id);
    if (input.submit && !locked?.minutes_attachment_id)
      throw new ConflictError('Biên bản đại hội vừa được gỡ khỏi hồ sơ. Mở lại hồ sơ và đính kèm biên bản.');
    return writeOfficerSave(deps, trx, actor, sub, {
      version: input.version,
      submit: input.submit,
      patch: { body, base_version: full.record.version },
      stale: 'Hồ sơ đại hội đã được lưu ở nơi khác sau khi bạn mở trang. Hãy mở lại hồ sơ.',
      details: { association: full.record.code, kind: 'congress' },
      notice: (resubmit) => ({
        title: resubmit
          ? `Hồ sơ đại hội gửi lại chờ xét duyệt: ${full.record.name}`
          : `Hồ sơ đại hội mới chờ xét duyệt: ${full.record.name}`,
        body: resubmit
          ? `Hội ${full.record.name} (mã ${full.record.code}) đã sửa và gửi lại ${packageTitle(pkg).toLowerCase()} (hồ sơ số ${sub.id}).`
          : `Hội ${full.record.name} (mã ${full.record.code}) đã gửi ${packageTitle(pkg).toLowerCase()} (hồ sơ số ${sub.id}).`,
      }),
    });
  });
  return { ok: true, sub: updated };
}

/**
 * Store a received file as the package's minutes or charter: one transaction with the attachment row (a previous
 * one of the same role is superseded by it) and the package naming it.
 */
async function attachDocument(
  deps: SubmissionsDeps,
  actor: Actor,
  target: { sub: SubmissionRow; code: string; name: string },
  role: DocumentRole,
  title: string,
  file: ReceivedUpload,
) {
  const { sub } = target;
  const spec = DOCUMENT_ROLES[role];
  const packages = createCongressPackageRepository();
  const ref = { submissionId: sub.id, associationId: sub.association_id };
  return deps.documents.upload(
    actor,
    { id: sub.association_id, code: target.code, name: target.name },
    {
      documentTypeCode: spec.typeCode,
      title,
      supersedesId: sub[spec.column],
      source: `submission:${sub.id}`,
      link: async (trx, row) => {
        if (!(await packages.setDocument(trx, ref, spec.column, row.id)))
          throw new ConflictError('Hồ sơ đại hội này đã được gửi: không đính kèm thêm tài liệu được.');
        await deps.repo.addEvent(trx, {
          submissionId: sub.id,
          action: 'attach',
          comment: title,
          actorId: actor.userId,
          at: deps.clock.now(),
        });
      },
    },
    file,
  );
}

/** Take the minutes or the charter off the package (the file stays on the association's record: ). */
async function detachDocument(deps: SubmissionsDeps, actor: Actor, associationId: number | null, id: number, role: DocumentRole) {
  const { db, repo, audit, clock } = deps;
  const sub = await own(deps, associationId, id, 'congress');
  const spec = DOCUMENT_ROLES[role];
  const attachmentId = sub[spec.column];
  if (!attachmentId) return;
  const packages = createCongressPackageRepository();
  const at = clock.now();
  await db.transaction(async (trx) => {
    if (!(await packages.setDocument(trx, { submissionId: sub.id, associationId: sub.association_id }, spec.column, null)))
      throw new ConflictError('Hồ sơ đại hội này đã được gửi: không gỡ tài liệu được.');
    await repo.addEvent(trx, { submissionId: sub.id, action: 'detach', comment: spec.label, actorId: actor.userId, at });
    await audit.record(
      actor,
      { action: 'submission.detach', targetType: 'submission', targetId: sub.id, details: { attachment: attachmentId, role } },
      trx,
    );
  });
}

export function packageOfficerMethods(deps: SubmissionsDeps) {
  const { repo, documents } = deps;
  return {
    start: (actor: Actor, associationId: number | null) => startPackage(deps, actor, associationId),

    /** The package with what its page needs: the values, the changes to the record, its documents and events. */
    async forOfficer(associationId: number | null, id: number) {
      const sub = await own(deps, associationId, id, 'congress');
      const full = await recordOf(deps, sub.association_id);
      const { cmp, options } = await comparison(deps, full, sub);
      const attached = await documents.listForAssociation(sub.association_id);
      const docs = packageDocuments(sub, attached);
      const inOffice = (full.lists.leaders ?? []).filter((l) => !l.left_on);
      return { sub, full, values: packageFromBody(sub.body), cmp, options, docs, inOffice, events: await repo.events(sub.id) };
    },

    save: (actor: Actor, associationId: number | null, id: number, input: OfficerSave) =>
      savePackage(deps, actor, associationId, id, input),

    /** The package a document may be attached to (the officer's, still open to changes); 404 / 409 otherwise. */
    async attachable(associationId: number | null, id: number): Promise<{ sub: SubmissionRow; code: string; name: string }> {
      const sub = await own(deps, associationId, id, 'congress');
      if (!(EDITABLE as readonly string[]).includes(sub.status))
        throw new ConflictError('Hồ sơ đại hội này đã được gửi: không đính kèm thêm tài liệu được.');
      const full = await recordOf(deps, sub.association_id);
      return { sub, code: full.record.code, name: full.record.name };
    },

    attach: (
      actor: Actor,
      target: { sub: SubmissionRow; code: string; name: string },
      role: DocumentRole,
      title: string,
      file: ReceivedUpload,
    ) => attachDocument(deps, actor, target, role, title, file),
    detach: (actor: Actor, associationId: number | null, id: number, role: DocumentRole) =>
      detachDocument(deps, actor, associationId, id, role),
  };
}
