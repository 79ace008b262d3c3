/**
 * Incidents and software change requests: recorded by staff or the IT Centre; the operator takes them up
 * and resolves them, or routes them to the IT Centre (every it_admin is notified in the same transaction). Every
 * status change and comment is a history row; every write an audit row.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { paths } from '../../lib/urls.js';
import type { AuditService } from '../audit/audit.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { IncidentFilters, IncidentsRepository } from './incidents.repository.js';
import { allowedActions, type IncidentAction, type IncidentInput, type IncidentStatus, TRANSITIONS } from './incidents.schemas.js';

export function createIncidentsService(deps: {
  db: Knex;
  repo: IncidentsRepository;
  audit: AuditService;
  notifications: NotificationsService;
  clock: Clock;
}) {
  const { db, repo, audit, notifications, clock } = deps;

  async function get(id: number) {
    const row = await repo.find(id);
    if (!row) throw new NotFoundError('Không tìm thấy sự cố hoặc yêu cầu này.');
    return row;
  }

  return {
    list: (f: IncidentFilters, page: number, pageSize: number) => repo.list(f, page, pageSize),
    get,
    async detail(id: number) {
      const incident = await get(id);
      return { incident, events: await repo.events(id) };
    },

    async create(actor: Actor & { displayName: string }, input: IncidentInput) {
      const now = clock.now();
      return db.transaction(async (trx) => {
        const row = await repo.insert({ ...input, reporter_user_id: actor.userId, reporter_name: actor.displayName, created_at: now }, trx);
        await repo.addEvent(
          {
            incident_id: row.id,
            occurred_at: now,
            actor_user_id: actor.userId,
            actor_name: actor.displayName,
            action: 'tao',
            from_status: null,
            to_status: 'moi',
            comment: null,
          },
          trx,
        );
        await audit.record(
          actor,
          { action: 'incident.create', targetType: 'incident', targetId: row.id, details: { kind: input.kind, severity: input.severity } },
          trx,
        );
        if (input.severity === 'nghiem_trong') {
          await notifications.notifyRoles(trx, ['it_admin'], {
            kind: 'incident.critical',
            title: `Sự cố nghiêm trọng #${row.id}: ${input.title}`,
            link: paths.incidents.show(row.id),
            dedupeKey: `incident.critical:${row.id}`,
          });
        }
        return row;
      });
    },

    /** One action on an incident seen in status `seen`; refused (409) if someone changed it meanwhile. */
    async act(actor: Actor & { displayName: string }, id: number, action: IncidentAction, seen: IncidentStatus, comment: string) {
      const now = clock.now();
      await db.transaction(async (trx) => {
        const row = await repo.find(id, trx);
        if (!row) throw new NotFoundError('Không tìm thấy sự cố hoặc yêu cầu này.');
        if (row.status !== seen) throw new ConflictError('Sự cố đã được người khác cập nhật sau khi bạn mở trang. Hãy xem lại và thử lại.');
        if (!allowedActions(row.status, actor.roles).includes(action)) {
          throw new ForbiddenError('Bạn không thể thực hiện thao tác này với sự cố ở trạng thái hiện tại.');
        }
        let to: IncidentStatus | null = null;
        if (action !== 'binh_luan') {
          to = TRANSITIONS[action].to;
          if (!(await repo.transition(id, row.status, to, now, trx))) throw new ConflictError();
        } else {
          await repo.touch(id, now, trx);
        }
        await repo.addEvent(
          {
            incident_id: id,
            occurred_at: now,
            actor_user_id: actor.userId,
            actor_name: actor.displayName,
            action,
            from_status: to ? row.status : null,
            to_status: to,
            comment: comment || null,
          },
          trx,
        );
        await audit.record(
          actor,
          { action: `incident.${action}`, targetType: 'incident', targetId: id, details: { from: row.status, to } },
          trx,
        );
        const link = paths.incidents.show(id);
        if (action === 'chuyen_tttt') {
          // "Chuyển Trung tâm Thông tin": every IT administrator is told, once per routing.
          await notifications.notifyRoles(trx, ['it_admin'], {
            kind: 'incident.routed',
            title: `Sự cố #${id} được chuyển Trung tâm Thông tin: ${row.title}`,
            body: comment,
            link,
            dedupeKey: `incident.routed:${id}:${now.getTime()}`,
          });
        }
        if (action === 'giai_quyet' && row.reporter_user_id && row.reporter_user_id !== actor.userId) {
          await notifications.notifyUsers(trx, [row.reporter_user_id], {
            kind: 'incident.resolved',
            title: `Sự cố #${id} đã được giải quyết: ${row.title}`,
            body: comment,
            link,
            dedupeKey: `incident.resolved:${id}:${now.getTime()}`,
          });
        }
      });
    },
  };
}

export type IncidentsService = ReturnType<typeof createIncidentsService>;
