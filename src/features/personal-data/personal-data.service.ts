/**
 * Personal-data requests (issue 17 item 1; Law 91/2025/QH15). Anyone files one from the public form; staff record
 * one received on paper. The deadline is fixed at receipt from the catalogue. The identity check is made by the
 * officer of an association the request names, or by NGO staff; only staff move a request on (received → verifying
 * → in_progress → answered, or refused with a reason). Each write is one transaction with its timeline event, its
 * audit row and its notices; reading a request or exporting what is held about its person is audited as a
 * personal-data view.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import type { AuditService } from '../audit/audit.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { LinkedAssociation, PersonalDataRepository, RequestRow } from './personal-data.repository.js';
import {
  associationTerms,
  canMove,
  dueAt,
  type ListFilters,
  OPEN_STATES,
  REQUEST_TYPES,
  type RequestInput,
  type RequestType,
  receiptNumber,
  STATE_LABELS,
  type TransitionInput,
  TYPE_LABELS,
} from './personal-data.schemas.js';
import type { SubjectRepository } from './personal-data.subject.repository.js';

const NOT_FOUND = 'Không tìm thấy yêu cầu này.';
const STAFF = ['ngo_staff', 'ngo_lead'] as const;
export const PER_PAGE = 30;
const MAX_ASSOCIATIONS = 5;

export interface PersonalDataServiceDeps {
  db: Knex;
  repo: PersonalDataRepository;
  subjects: SubjectRepository;
  audit: AuditService;
  notifications: Pick<NotificationsService, 'notifyRoles' | 'notifyAssociation' | 'notifyUsers'>;
  clock: Clock;
}

/** Who is reading: staff see every request; an association's officer only those naming their association. */
export interface Viewer {
  actor: Actor;
  associationId: number | null;
}

const isStaff = (v: Viewer) => hasAnyRole(v.actor.roles, [...STAFF]);

function requestCatalogue({ db, repo, audit, clock }: PersonalDataServiceDeps) {
  return {
    deadlines: () => repo.deadlines(),

    /** Staff change the days of each kind; each change is audited with the old and new values. */
    updateDeadlines(actor: Actor, days: Record<RequestType, number>) {
      return db.transaction(async (trx) => {
        const current = await repo.deadlines(trx);
        let changed = 0;
        for (const row of current) {
          const next = days[row.request_type];
          if (next === row.days) continue;
          await repo.setDeadline(trx, row.request_type, next, actor.userId, clock.now());
          await audit.record(
            actor,
            {
              action: 'personal_data_deadline.update',
              targetType: 'personal_data_deadline',
              targetId: row.request_type,
              details: { from: row.days, to: next },
            },
            trx,
          );
          changed += 1;
        }
        return changed;
      });
    },
  };
}

function requestIntake({ db, repo, audit, notifications, clock }: PersonalDataServiceDeps) {
  /** The associations named by the typed names or codes; an unknown or ambiguous one is a field error. */
  async function resolveAssociations(raw: string): Promise<LinkedAssociation[]> {
    const terms = associationTerms(raw);
    if (terms.length > MAX_ASSOCIATIONS)
      throw new ValidationError({ associations: `Ghi tối đa ${MAX_ASSOCIATIONS} hội, mỗi hội một dòng.` });
    const found = new Map<number, LinkedAssociation>();
    for (const term of terms) {
      const matches = await repo.associationsFor(term);
      if (matches.length === 0) {
        throw new ValidationError({
          associations: `Không tìm thấy hội “${term.slice(0, 100)}”. Ghi đúng tên đầy đủ hoặc mã hội (ví dụ H000042), mỗi hội một dòng.`,
        });
      }
      if (matches.length > 1)
        throw new ValidationError({ associations: `Có nhiều hội trùng tên “${term.slice(0, 100)}”. Hãy ghi mã hội.` });
      const a = matches[0] as LinkedAssociation;
      found.set(a.id, a);
    }
    return [...found.values()];
  }

  return {
    resolveAssociations,

    /** A request from the public form (actor null) or recorded by staff from paper (`receivedOn`, a calendar day). */
    async submit(
      actor: Actor | null,
      input: RequestInput,
      channel: 'web' | 'paper',
      receivedOn?: string,
    ): Promise<{ row: RequestRow; receipt: string }> {
      if (input.website) throw new ValidationError({ _form: 'Không gửi được yêu cầu. Vui lòng thử lại.' });
      const associations = await resolveAssociations(input.associations);
      const now = clock.now();
      // A paper request counts from the day it arrived (noon, Viet Nam time, so the date shown is that day).
      const receivedAt = receivedOn ? new Date(`${receivedOn}T12:00:00+07:00`) : now;
      if (receivedAt.getTime() > now.getTime() + 86_400_000)
        throw new ValidationError({ received_on: 'Ngày nhận không được sau ngày hôm nay.' });
      return db.transaction(async (trx) => {
        const deadline = await repo.deadline(trx, input.request_type);
        if (!deadline) throw new ValidationError({ request_type: 'Hãy chọn loại yêu cầu.' });
        const row = await repo.insert(trx, {
          request_type: input.request_type,
          channel,
          requester_name: input.requester_name,
          birth_year: input.birth_year,
          email: input.email,
          phone: input.phone,
          address: input.address,
          relation: input.relation,
          data_concerned: input.data_concerned,
          details: input.details,
          received_at: receivedAt,
          due_at: dueAt(receivedAt, deadline.days),
          deadline_days: deadline.days,
          created_by: actor?.userId ?? null,
        });
        await repo.link(
          trx,
          row.id,
          associations.map((a) => a.id),
        );
        await repo.event(trx, {
          request_id: row.id,
          at: now,
          actor_user_id: actor?.userId ?? null,
          kind: channel === 'web' ? 'received_web' : 'received_paper',
          to_state: 'received',
        });
        await audit.record(
          actor,
          {
            action: channel === 'web' ? 'personal_data_request.create' : 'personal_data_request.record_paper',
            targetType: 'personal_data_request',
            targetId: row.id,
            details: { type: row.request_type, associations: associations.map((a) => a.code), dueAt: row.due_at.toISOString() },
          },
          trx,
        );
        const receipt = receiptNumber(row.id, row.received_at);
        const names = associations.map((a) => a.name).join('; ');
        const notice = {
          kind: 'personal_data.received',
          title: `Yêu cầu về dữ liệu cá nhân ${receipt}: ${TYPE_LABELS[row.request_type]}`,
          body: `Hạn trả lời: ${row.deadline_days} ngày kể từ khi tiếp nhận. Hội liên quan: ${names}.`,
          dedupeKey: `personal-data:${row.id}:received`,
        };
        await notifications.notifyRoles(trx, [...STAFF], { ...notice, link: paths.personalData.show(row.id) });
        for (const a of associations) {
          // One sentence pattern (not "notice + sentence"), so that the English catalogue can hold it.
          await notifications.notifyAssociation(trx, a.id, {
            ...notice,
            body: `Hạn trả lời: ${row.deadline_days} ngày kể từ khi tiếp nhận. Hội liên quan: ${names}. Đề nghị cán bộ đầu mối xác minh danh tính người yêu cầu.`,
            link: paths.personalData.officerShow(row.id),
          });
        }
        return { row, receipt };
      });
    },
  };
}

function requestHandling({ db, repo, audit, notifications, clock }: PersonalDataServiceDeps) {
  /** The request if the viewer may see it; otherwise not found (an officer never learns other requests exist). */
  async function visible(viewer: Viewer, id: number, trx: Knex = db): Promise<RequestRow> {
    const row = await repo.find(id, trx);
    if (!row) throw new NotFoundError(NOT_FOUND);
    if (isStaff(viewer)) return row;
    if (viewer.associationId !== null && (await repo.names(id, viewer.associationId))) return row;
    throw new NotFoundError(NOT_FOUND);
  }

  return {
    visible,

    /** One request with its associations and timeline; the read is audited (it shows a person's data). */
    async show(viewer: Viewer, id: number) {
      const row = await visible(viewer, id);
      const [associations, events] = await Promise.all([repo.associationsOf(id), repo.events(id)]);
      await audit.record(viewer.actor, { action: 'personal_data_request.view', targetType: 'personal_data_request', targetId: id });
      return { row, associations, events, receipt: receiptNumber(row.id, row.received_at), overdue: isOverdue(row, clock.now()) };
    },

    /** The identity check: by staff, or by the officer of an association the request names. */
    async verify(viewer: Viewer, id: number, method: string) {
      await visible(viewer, id);
      return db.transaction(async (trx) => {
        const row = await repo.lock(trx, id);
        if (!row) throw new NotFoundError(NOT_FOUND);
        if (!OPEN_STATES.includes(row.state)) throw new ConflictError('Yêu cầu đã được giải quyết xong; không xác minh thêm.');
        if (row.verified_at) throw new ConflictError('Danh tính người yêu cầu đã được xác minh.');
        const now = clock.now();
        await repo.update(trx, id, { verified_at: now, verified_by: viewer.actor.userId, verification_method: method, updated_at: now });
        await repo.event(trx, { request_id: id, at: now, actor_user_id: viewer.actor.userId, kind: 'verified', note: method });
        await audit.record(
          viewer.actor,
          {
            action: 'personal_data_request.verify',
            targetType: 'personal_data_request',
            targetId: id,
            details: { byStaff: isStaff(viewer) },
          },
          trx,
        );
        if (!isStaff(viewer)) {
          await notifications.notifyRoles(trx, [...STAFF], {
            kind: 'personal_data.verified',
            title: `Cán bộ đầu mối đã xác minh danh tính: yêu cầu ${receiptNumber(row.id, row.received_at)}`,
            body: method.slice(0, 300),
            link: paths.personalData.show(id),
            dedupeKey: `personal-data:${id}:verified`,
          });
        }
      });
    },

    /** Staff move a request on; answered and refused are final; in progress needs a verified identity. */
    async transition(actor: Actor, id: number, input: TransitionInput) {
      return db.transaction(async (trx) => {
        const row = await repo.lock(trx, id);
        if (!row) throw new NotFoundError(NOT_FOUND);
        if (!canMove(row.state, input.to)) {
          throw new ConflictError(`Không thể chuyển yêu cầu từ “${STATE_LABELS[row.state]}” sang “${STATE_LABELS[input.to]}”.`);
        }
        if ((input.to === 'in_progress' || input.to === 'answered') && !row.verified_at) {
          throw new ValidationError({ to: 'Chưa xác minh danh tính người yêu cầu: hãy ghi kết quả xác minh trước khi giải quyết.' });
        }
        const now = clock.now();
        const patch: Partial<RequestRow> = { state: input.to, updated_at: now };
        if (input.to === 'answered' || input.to === 'refused') {
          patch.answered_at = now;
          patch.letter_number = input.letter_number;
          if (input.to === 'answered') patch.answer_text = input.answer_text;
          else patch.refusal_reason = input.refusal_reason;
        }
        await repo.update(trx, id, patch);
        await repo.event(trx, {
          request_id: id,
          at: now,
          actor_user_id: actor.userId,
          kind: 'state',
          from_state: row.state,
          to_state: input.to,
          note: input.to === 'refused' ? input.refusal_reason : input.note,
        });
        await audit.record(
          actor,
          {
            action: 'personal_data_request.transition',
            targetType: 'personal_data_request',
            targetId: id,
            details: { from: row.state, to: input.to },
          },
          trx,
        );
      });
    },

    /** The answer letter's data (answered or refused requests only). */
    async letter(actor: Actor, id: number) {
      const row = await repo.find(id);
      if (!row) throw new NotFoundError(NOT_FOUND);
      if (row.state !== 'answered' && row.state !== 'refused')
        throw new ConflictError('Chỉ lập văn bản trả lời khi yêu cầu đã được trả lời hoặc từ chối.');
      await audit.record(actor, {
        action: 'personal_data_request.view',
        targetType: 'personal_data_request',
        targetId: id,
        details: { letter: true },
      });
      return { row, associations: await repo.associationsOf(id), receipt: receiptNumber(row.id, row.received_at) };
    },
  };
}

function requestRegister({ repo, audit, clock }: PersonalDataServiceDeps) {
  return {
    list: (filters: ListFilters, page: number) => repo.list(filters, clock.now(), page, PER_PAGE),
    overdueCount: () => repo.overdueCount(clock.now()),
    now: () => clock.now(),

    /** The filtered register for the CSV, in batches; the export is audited before the first row goes out. */
    async export(actor: Actor, filters: ListFilters) {
      await audit.record(actor, {
        action: 'personal_data_request.list_export',
        targetType: 'personal_data_request',
        targetId: null,
        details: { filters },
      });
      return repo.batches(filters, clock.now());
    },
  };
}

/** Access requests: everything held about the person, once their identity is verified. */
function subjectExport({ repo, subjects, audit, clock }: PersonalDataServiceDeps) {
  return {
    async subjectData(actor: Actor, id: number) {
      const row = await repo.find(id);
      if (!row) throw new NotFoundError(NOT_FOUND);
      if (row.request_type !== 'access') throw new ConflictError('Chỉ yêu cầu xem, nhận bản sao dữ liệu mới có bản xuất dữ liệu.');
      if (!row.verified_at) throw new ConflictError('Chưa xác minh danh tính người yêu cầu: chưa được xuất dữ liệu.');
      const named = await repo.associationsOf(id);
      const subject = {
        requestId: row.id,
        name: row.requester_name,
        birthYear: row.birth_year,
        phone: row.phone,
        email: row.email,
        associationIds: named.map((a) => a.id),
      };
      const leaders = await subjects.leaders(subject);
      const associationIds = [...new Set([...named.map((a) => a.id), ...leaders.map((l) => Number(l.association_id))])];
      const codes = await subjects.codesOf(associationIds);
      const requestIds = await subjects.requestIds(subject);
      const [versions, auditRows] = await Promise.all([
        subjects.versions(subject, associationIds),
        subjects.auditRows(
          subject,
          codes.map((c) => c.code),
          requestIds,
        ),
      ]);
      await audit.record(actor, {
        action: 'personal_data_request.subject_export',
        targetType: 'personal_data_request',
        targetId: id,
        details: { leaders: leaders.length, versions: versions.length, auditRows: auditRows.length },
      });
      return {
        request: receiptNumber(row.id, row.received_at),
        generatedAt: clock.now().toISOString(),
        person: { name: row.requester_name, birthYear: row.birth_year, phone: row.phone, email: row.email },
        matchingRule: // server-text: part of the data-subject JSON export, a document of record in Vietnamese (not a page)
          'Họ và tên trùng (không phân biệt hoa thường, dấu) và trùng ít nhất một trong: năm sinh, số điện thoại (chỉ so chữ số), thư điện tử. Phiên bản hồ sơ: các hội liên quan (hội được nêu trong yêu cầu và hội có dòng lãnh đạo trùng) có dòng lãnh đạo trùng theo cùng quy tắc. Nhật ký: thao tác trên hồ sơ các hội đó có nêu họ tên, và thao tác trên các yêu cầu của chính người này.',
        leaders,
        versions,
        auditEvents: auditRows,
      };
    },
  };
}

export function isOverdue(row: Pick<RequestRow, 'state' | 'due_at'>, now: Date): boolean {
  return OPEN_STATES.includes(row.state) && row.due_at.getTime() < now.getTime();
}

export function createPersonalDataService(deps: PersonalDataServiceDeps) {
  return { ...requestCatalogue(deps), ...requestIntake(deps), ...requestHandling(deps), ...requestRegister(deps), ...subjectExport(deps) };
}

export type PersonalDataService = ReturnType<typeof createPersonalDataService>;
export { REQUEST_TYPES };
