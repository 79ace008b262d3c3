/**
 * The association officer's side of Biểu mẫu 1: the form pre-filled from the record, drafts with partial
 * data, only the returned items of a returned submission, the accuracy declaration, and the Excel template.
 */

import type { Actor } from '../../lib/auth-context.js';
import { ConflictError, StaleVersionError } from '../../lib/errors.js';
import { bodyFromRecord, mergeReturned, officerBody, parseSubmission } from '../register-form/change-set.js';
import type { SectionDef } from '../register-form/definition.js';
import type { FlatBody } from '../register-form/flat-body.js';
import { type FormValues, parseAssociationForm } from '../register-form/schema.js';
import { invalidErrors, sectionErrors, withSection } from '../register-form/sections.js';
import {
  comparison,
  own,
  recordOf,
  requireAssociation,
  returnedKeys,
  type SubmissionsDeps,
  writeOfficerSave,
} from './submissions.context.js';
import type { SubmissionRow } from './submissions.repository.js';

/** One open submission per association: a congress package waits for its own outcome before a Biểu mẫu 1 starts. */
function packageOpen(id: number): string {
  return `Hội đang có hồ sơ đại hội số ${id} chưa xử lý xong. Mỗi lần hội chỉ có một hồ sơ đang mở: hoàn tất hồ sơ đại hội (hoặc chờ Vụ xét duyệt xong) rồi mới khai Biểu mẫu 1.`;
}

export interface OfficerSave {
  version: number;
  body: Record<string, unknown>;
  submit: boolean;
  declared: boolean;
}

export function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; message?: string };
  return e.code === '23505' || /submissions_one_open/.test(e.message ?? '');
}

/** Create a draft pre-filled with `body` (or the record), or return the open submission (one at a time). */
export async function createDraft(
  deps: SubmissionsDeps,
  actor: Actor,
  associationId: number,
  body: FlatBody | null,
  origin: 'web' | 'excel',
): Promise<SubmissionRow> {
  const { db, repo, audit, clock } = deps;
  const full = await recordOf(deps, associationId);
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

/**
 * Save the officer's form: a draft keeps any partial data; a returned submission changes only its returned
 * items. With `submit`, the whole form must pass the register's validation and the accuracy declaration.
 * Returns the field errors (and the body to show again) instead of saving when the submission is not valid.
 */
export async function saveByOfficer(
  deps: SubmissionsDeps,
  actor: Actor,
  associationId: number | null,
  id: number,
  input: OfficerSave,
): Promise<{ ok: true; sub: SubmissionRow } | { ok: false; errors: Record<string, string>; body: FlatBody; draft: boolean }> {
  const { db, associations } = deps;
  const sub = await own(deps, associationId, id, 'form');
  if (sub.status !== 'draft' && sub.status !== 'returned')
    throw new ConflictError('Biểu mẫu này đã được gửi hoặc đã được xử lý: không sửa được nữa.');
  const full = await recordOf(deps, sub.association_id);
  const options = await associations.catalogueOptions();
  // A draft keeps the posted form; a returned one takes only its returned items from it. Parsed once: the body
  // stored is what the form shows back, the errors are what stop it being submitted.
  // A draft is filled section by section (saveSection); its send takes the stored body, whatever the post carries.
  const posted = sub.status === 'draft' ? sub.body : mergeReturned(sub.body, input.body, returnedKeys(sub), full);
  const parsed = parseSubmission(posted, full.record, associations.codesOf(options));
  const body = officerBody(parsed.values);
  if (sub.status === 'draft' && !input.submit) return { ok: true, sub };
  if (input.submit) {
    const errors = { ...parsed.errors };
    if (!input.declared) errors.declaration = 'Đánh dấu ô cam đoan thông tin khai là chính xác trước khi gửi.';
    if (Object.keys(errors).length) return { ok: false, errors, body, draft: sub.status === 'draft' };
  }
  const updated = await db.transaction((trx) =>
    writeOfficerSave(deps, trx, actor, sub, {
      version: input.version,
      submit: input.submit,
      patch: { body },
      stale: 'Biểu mẫu đã được lưu ở nơi khác sau khi bạn mở trang. Hãy mở lại biểu mẫu.',
      details: { association: full.record.code },
      notice: (resubmit) => ({
        title: resubmit ? `Biểu mẫu 1 gửi lại chờ xét duyệt: ${full.record.name}` : `Biểu mẫu 1 mới chờ xét duyệt: ${full.record.name}`,
        body: resubmit
          ? `Hội ${full.record.name} (mã ${full.record.code}) đã sửa và gửi lại Biểu mẫu 1 số ${sub.id}.`
          : `Hội ${full.record.name} (mã ${full.record.code}) đã gửi Biểu mẫu 1 số ${sub.id}.`,
      }),
    }),
  );
  return { ok: true, sub: updated };
}

/**
 * Save one section of a draft (issue 18 item 2): the section's post laid over the stored body, the other sections
 * kept as stored. Only the section is checked: a wrong value (a bad date, an unknown code) is refused with its
 * message, nothing saved; a required value left empty may wait in a draft (the send checks it). The section is then
 * counted as saved on the task list.
 */
export async function saveSection(
  deps: SubmissionsDeps,
  actor: Actor,
  associationId: number | null,
  id: number,
  section: SectionDef,
  input: { version: number; body: Record<string, unknown> },
): Promise<{ ok: true; sub: SubmissionRow } | { ok: false; errors: Record<string, string>; values: FormValues }> {
  const { db, associations } = deps;
  const sub = await own(deps, associationId, id, 'form');
  if (sub.status !== 'draft') throw new ConflictError('Biểu mẫu này đã được gửi hoặc đã được xử lý: không sửa theo từng mục được nữa.');
  const full = await recordOf(deps, sub.association_id);
  const options = await associations.catalogueOptions();
  const parsed = parseSubmission(withSection(sub.body, input.body, section), full.record, associations.codesOf(options));
  const errors = invalidErrors(parsed.values, sectionErrors(parsed.errors, section));
  if (Object.keys(errors).length) return { ok: false, errors, values: parsed.values };
  const saved = [...new Set([...sub.sections_saved, section.key])];
  const updated = await db.transaction((trx) =>
    writeOfficerSave(deps, trx, actor, sub, {
      version: input.version,
      submit: false,
      patch: { body: officerBody(parsed.values), sections_saved: saved },
      stale: 'Biểu mẫu đã được lưu ở nơi khác sau khi bạn mở trang. Hãy mở lại mục này.',
      details: { association: full.record.code, section: section.key },
      notice: () => ({ title: '', body: '' }),
    }),
  );
  return { ok: true, sub: updated };
}

/** Create or refresh the draft from a filled Excel workbook (the officer then reviews and submits as usual). */
export async function draftFromWorkbook(
  deps: SubmissionsDeps,
  actor: Actor,
  associationId: number | null,
  posted: Record<string, unknown>,
): Promise<SubmissionRow> {
  const { db, repo, associations, audit, clock } = deps;
  const assoc = await requireAssociation(associationId);
  const options = await associations.catalogueOptions();
  const body = officerBody(parseAssociationForm(posted, associations.codesOf(options)).values);
  const open = await repo.openFor(assoc);
  if (!open) return createDraft(deps, actor, assoc, body, 'excel');
  if (open.kind === 'congress') throw new ConflictError(packageOpen(open.id));
  if (open.status !== 'draft')
    throw new ConflictError(
      open.status === 'returned'
        ? 'Biểu mẫu đang bị trả lại: chỉ sửa các mục bị trả lại trên biểu mẫu trực tuyến.'
        : 'Hội đang có biểu mẫu chờ xét duyệt: chưa nạp được biểu mẫu mới.',
    );
  const at = clock.now();
  return db.transaction(async (trx) => {
    const row = await repo.updateIfVersion(trx, open.id, open.version, ['draft'], { body, origin: 'excel', sections_saved: [] }, at);
    if (!row) throw new StaleVersionError(null, 'Biểu mẫu vừa được lưu ở nơi khác. Hãy thử lại.');
    await repo.addEvent(trx, { submissionId: open.id, action: 'upload', comment: null, actorId: actor.userId, at });
    await audit.record(
      actor,
      { action: 'submission.upload', targetType: 'submission', targetId: open.id, details: { origin: 'excel' } },
      trx,
    );
    return row;
  });
}

export function officerMethods(deps: SubmissionsDeps) {
  const { repo, associations, audit } = deps;
  return {
    /** The officer's home: the record, the submissions with their status and comments, the open one. */
    async home(associationId: number | null) {
      if (associationId === null) return null;
      const full = await recordOf(deps, associationId);
      const submissions = await repo.listForAssociation(associationId);
      const options = await associations.catalogueOptions();
      const open = submissions.find((s) => ['draft', 'submitted', 'returned', 'resubmitted'].includes(s.status)) ?? null;
      const comments = open ? (await repo.events(open.id)).filter((e) => e.comment) : [];
      return { full, submissions, open, comments, options };
    },

    /** Start the form (or continue the open one). */
    async start(actor: Actor, associationId: number | null): Promise<SubmissionRow> {
      const id = await requireAssociation(associationId);
      const open = await repo.openFor(id);
      if (open?.kind === 'congress') throw new ConflictError(packageOpen(open.id));
      return open ?? createDraft(deps, actor, id, null, 'web');
    },

    /** One submission of the officer's association with what the form needs. */
    async forOfficer(associationId: number | null, id: number) {
      const sub = await own(deps, associationId, id);
      const full = await recordOf(deps, sub.association_id);
      const { cmp, options } = await comparison(deps, full, sub);
      const events = await repo.events(sub.id);
      return { sub, full, cmp, options, events, returned: returnedKeys(sub) };
    },

    /** What the Excel template is pre-filled with: the open draft, else the current record. */
    async templateValues(associationId: number | null, exportedBy?: Actor) {
      const assoc = await requireAssociation(associationId);
      const full = await recordOf(deps, assoc);
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
      const body = open?.status === 'draft' && open.kind === 'form' ? open.body : bodyFromRecord(full);
      return { code: full.record.code, workbook: { name: full.record.name, options, body } };
    },

    /** The draft (or returned) submission a document may be attached to; 404 / 409 otherwise. */
    async attachable(associationId: number | null, id: number): Promise<{ sub: SubmissionRow; code: string; name: string }> {
      const sub = await own(deps, associationId, id, 'form');
      if (sub.status !== 'draft' && sub.status !== 'returned')
        throw new ConflictError('Biểu mẫu này đã được gửi: không đính kèm thêm tài liệu được.');
      const full = await recordOf(deps, sub.association_id);
      return { sub, code: full.record.code, name: full.record.name };
    },

    saveByOfficer: (actor: Actor, associationId: number | null, id: number, input: OfficerSave) =>
      saveByOfficer(deps, actor, associationId, id, input),
    saveSection: (
      actor: Actor,
      associationId: number | null,
      id: number,
      section: SectionDef,
      input: { version: number; body: Record<string, unknown> },
    ) => saveSection(deps, actor, associationId, id, section, input),
    draftFromWorkbook: (actor: Actor, associationId: number | null, posted: Record<string, unknown>) =>
      draftFromWorkbook(deps, actor, associationId, posted),
    catalogueOptions: () => associations.catalogueOptions(),
  };
}
