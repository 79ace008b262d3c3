/**
 * Support questions: an exploiter, an organisation manager or an association officer asks; NGO Department
 * staff answer; the asker may reply; staff close. An asker reaches only their own threads (scope in the query).
 * Staff are notified of a new question or a reply, the asker of an answer.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { paths } from '../../lib/urls.js';
import type { AuditService } from '../audit/audit.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { SupportRepository, ThreadStatus } from './support.repository.js';
import type { QuestionInput } from './support.schemas.js';

const NOT_FOUND = 'Không tìm thấy câu hỏi này.';
const PER_PAGE = 30;
const STAFF = ['ngo_staff', 'ngo_lead'] as const;

export function createSupportService(deps: {
  db: Knex;
  repo: SupportRepository;
  audit: AuditService;
  clock: Clock;
  notifications: NotificationsService;
}) {
  const { db, repo, audit, clock, notifications } = deps;

  /** `askerId` null: staff view (any thread). */
  async function thread(id: number, askerId: number | null) {
    const t = await repo.find(id, askerId);
    if (!t) throw new NotFoundError(NOT_FOUND);
    return { thread: t, messages: await repo.messages(t.id) };
  }

  return {
    perPage: PER_PAGE,
    listOwn: (userId: number, page: number) => repo.listForAsker(userId, page, PER_PAGE),
    listForStaff: (status: ThreadStatus | 'all', page: number) => repo.listForStaff(status, page, PER_PAGE),
    thread,

    ask(actor: Actor & { userId: number }, input: QuestionInput) {
      return db.transaction(async (trx) => {
        const now = clock.now();
        const t = await repo.insertThread(trx, actor.userId, input.subject, now);
        await repo.insertMessage(trx, {
          thread_id: t.id,
          author_user_id: actor.userId,
          from_staff: false,
          body: input.body,
          created_at: now,
        });
        await audit.record(actor, { action: 'support.ask', targetType: 'support_thread', targetId: t.id }, trx);
        await notifications.notifyRoles(trx, [...STAFF], {
          kind: 'support.question',
          title: `Câu hỏi mới: ${input.subject}`,
          body: input.body.slice(0, 300),
          link: paths.support.staffThread(t.id),
          dedupeKey: `support:${t.id}:asked`,
        });
        return t;
      });
    },

    /** The asker's follow-up in their own thread; reopens it for staff. A closed thread takes no reply. */
    replyAsAsker(actor: Actor & { userId: number }, id: number, body: string) {
      return db.transaction(async (trx) => {
        const t = await repo.lock(trx, id, actor.userId);
        if (!t) throw new NotFoundError(NOT_FOUND);
        if (t.status === 'closed') throw new ConflictError('Câu hỏi này đã đóng. Hãy gửi một câu hỏi mới.');
        const now = clock.now();
        const m = await repo.insertMessage(trx, {
          thread_id: t.id,
          author_user_id: actor.userId,
          from_staff: false,
          body,
          created_at: now,
        });
        await repo.setStatus(trx, t.id, 'open', now);
        await audit.record(actor, { action: 'support.reply', targetType: 'support_thread', targetId: t.id }, trx);
        const staff = await repo.staffAuthors(trx, t.id);
        const notice = {
          kind: 'support.reply',
          title: `Người hỏi đã trả lời: ${t.subject}`,
          body: body.slice(0, 300),
          link: paths.support.staffThread(t.id),
          dedupeKey: `support-message:${m.id}`,
        };
        if (staff.length > 0) await notifications.notifyUsers(trx, staff, notice);
        else await notifications.notifyRoles(trx, [...STAFF], notice);
      });
    },

    answer(actor: Actor & { userId: number }, id: number, body: string) {
      return db.transaction(async (trx) => {
        const t = await repo.lock(trx, id, null);
        if (!t) throw new NotFoundError(NOT_FOUND);
        if (t.status === 'closed') throw new ConflictError('Câu hỏi này đã đóng.');
        const now = clock.now();
        const m = await repo.insertMessage(trx, { thread_id: t.id, author_user_id: actor.userId, from_staff: true, body, created_at: now });
        await repo.setStatus(trx, t.id, 'answered', now);
        await audit.record(actor, { action: 'support.answer', targetType: 'support_thread', targetId: t.id }, trx);
        await notifications.notifyUsers(trx, [t.asker_user_id], {
          kind: 'support.answer',
          title: `Câu hỏi của bạn đã được trả lời: ${t.subject}`,
          body: body.slice(0, 300),
          link: paths.support.ownThread(t.id),
          dedupeKey: `support-message:${m.id}`,
        });
      });
    },

    close(actor: Actor & { userId: number }, id: number) {
      return db.transaction(async (trx) => {
        const t = await repo.lock(trx, id, null);
        if (!t) throw new NotFoundError(NOT_FOUND);
        if (t.status === 'closed') return;
        await repo.setStatus(trx, t.id, 'closed', clock.now(), actor.userId);
        await audit.record(actor, { action: 'support.close', targetType: 'support_thread', targetId: t.id }, trx);
      });
    },
  };
}

export type SupportService = ReturnType<typeof createSupportService>;
