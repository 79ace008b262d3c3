/**
 * Violations of the regulation and the action taken (R-8.10, Art. 22). Staff of the NGO Department record a
 * violation; the Department's lead decides the action. An action takes effect at once, in the same transaction:
 *  - suspension: `suspended_until` on the organisation or the user (the end of the chosen day, Viet Nam time);
 *  - revocation: `organisations.access_revoked_at`, or `users.disabled_at` for one user;
 *  - both end the sessions of the users concerned (session_generation + 1), so their next request signs them out;
 *    the per-request access check (issue 6 §3) refuses them while suspended or revoked.
 * The organisation's manager(s) are notified of every action.
 */
import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import type { AuditService } from '../audit/audit.service.js';
import type { ReceivedUpload } from '../documents/documents.service.js';
import type { DocumentStorage } from '../documents/documents.storage.js';
import { addDays, vietnamDayStart } from '../fees/fees.service.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import type { ViolationRow, ViolationsRepository } from './violations.repository.js';
import type { ActionInput, ViolationInput } from './violations.schemas.js';

const NOT_FOUND = 'Không tìm thấy vi phạm này.';

/** The title of the notice of an action taken (ACTION_LABELS' words): one template each, to translate as one text. */
function actionTitle(action: ActionInput['action'], until: string | null, targetName: string): string {
  if (action === 'suspension') return `Tạm đình chỉ đến hết ngày ${(until as string).split('-').reverse().join('/')}: ${targetName}`;
  if (action === 'revocation') return `Thu hồi quyền truy cập: ${targetName}`;
  return `Cảnh cáo: ${targetName}`;
}
/** Accounts a violation may name: those who exploit or supply data, never the ministry's own staff. */
const TARGET_ROLES = ['exploiter', 'org_manager', 'association'] as const;
export interface ViolationsServiceDeps {
  db: Knex;
  repo: ViolationsRepository;
  audit: AuditService;
  clock: Clock;
  notifications: NotificationsService;
  storage: DocumentStorage;
  logger?: Logger;
}

/** Staff record violations (with an evidence file) and read them. */
function violationRecords({ db, repo, audit, clock, notifications, storage, logger }: ViolationsServiceDeps) {
  async function get(id: number) {
    const row = await repo.find(id);
    if (!row) throw new NotFoundError(NOT_FOUND);
    return row;
  }

  async function undoPlacement(storageName: string): Promise<void> {
    try {
      if (await repo.existsByStorageName(storageName)) {
        logger?.error({ storageName }, 'violation transaction reported failure but the row exists; file kept');
        return;
      }
      await storage.removeUncommitted(storageName);
    } catch (err) {
      logger?.error({ err, storageName }, 'could not remove the evidence file of a failed violation');
    }
  }

  return {
    get,
    list: (f: { q: string; targetType: string; page: number }) => repo.list({ ...f, perPage: 30 }),
    actions: (id: number) => repo.actions(id),
    related: (v: ViolationRow) => repo.related(v),
    listOrganisations: () => repo.listOrganisations(),

    /** Records a violation (no action yet); the file, if any, is placed as the last step of the transaction. */
    async record(actor: Actor, input: ViolationInput, file: ReceivedUpload | null): Promise<ViolationRow> {
      const today = vietnamToday(clock.now());
      if (input.occurred_on > today) throw new ValidationError({ occurred_on: 'Ngày xảy ra vi phạm không được sau ngày hôm nay.' });
      let organisationId: number | null = null;
      let userId: number | null = null;
      if (input.target_type === 'organisation') {
        const org = await repo.findOrganisation(Number(input.organisation_id));
        if (!org) throw new ValidationError({ organisation_id: 'Hãy chọn tổ chức vi phạm.' });
        organisationId = org.id;
      } else {
        const user = await repo.findUserByUsername(input.username);
        if (!user) throw new ValidationError({ username: 'Không có tài khoản nào với tên đăng nhập này.' });
        if (!hasAnyRole(user.roles, [...TARGET_ROLES])) {
          throw new ValidationError({ username: 'Chỉ ghi vi phạm đối với tài khoản khai thác dữ liệu hoặc cán bộ đầu mối của hội.' });
        }
        userId = user.id;
      }
      const storageName = file ? storage.newStorageName(file.type.ext) : null;
      let placed = false;
      try {
        return await db.transaction(async (trx) => {
          const row = await repo.insert(trx, {
            target_type: input.target_type,
            organisation_id: organisationId,
            user_id: userId,
            description: input.description,
            occurred_on: input.occurred_on,
            evidence: input.evidence,
            evidence_storage_name: storageName,
            evidence_original_name: file?.originalName ?? null,
            evidence_mime_type: file?.type.mime ?? null,
            evidence_size_bytes: file?.size ?? null,
            evidence_sha256: file?.sha256 ?? null,
            reporter: input.reporter,
            created_at: clock.now(),
            created_by: actor.userId,
          });
          await audit.record(
            actor,
            {
              action: 'violation.record',
              targetType: 'violation',
              targetId: row.id,
              details: { targetType: row.target_type, organisationId, userId, evidenceSha256: file?.sha256 ?? null },
            },
            trx,
          );
          await notifications.notifyRoles(trx, ['ngo_lead'], {
            kind: 'violation.recorded',
            title: 'Có vi phạm mới chờ quyết định xử lý',
            body: input.description.slice(0, 300),
            link: paths.violations.show(row.id),
            dedupeKey: `violation:${row.id}:recorded`,
          });
          if (file && storageName) {
            await storage.place(file.tempPath, storageName);
            placed = true;
          }
          return row;
        });
      } catch (err) {
        if (placed && storageName) await undoPlacement(storageName);
        throw err;
      }
    },

    /** The evidence file for download (staff only); each download is audited. */
    async openEvidence(actor: Actor, id: number) {
      const v = await get(id);
      if (!v.evidence_storage_name) throw new NotFoundError('Vi phạm này không có tệp chứng cứ.');
      const handle = await storage.open(v.evidence_storage_name);
      try {
        await audit.record(actor, { action: 'violation.evidence.download', targetType: 'violation', targetId: v.id });
      } catch (err) {
        await handle.close();
        throw err;
      }
      return { row: v, handle };
    },
  };
}

/** The lead's decisions: an action that takes effect at once, or the early end of a suspension. */
function violationDecisions({ db, repo, audit, clock, notifications }: Omit<ViolationsServiceDeps, 'storage' | 'logger'>) {
  /** Manager(s) of the organisation concerned, and the user named by the violation. */
  async function recipients(trx: Knex, v: ViolationRow): Promise<number[]> {
    let orgId = v.organisation_id;
    const ids: number[] = [];
    if (v.target_type === 'user' && v.user_id !== null) {
      ids.push(v.user_id);
      orgId = (await repo.findUser(v.user_id, trx))?.organisation_id ?? null;
    }
    if (orgId !== null) ids.push(...(await repo.managersOf(trx, orgId)));
    return ids;
  }

  return {
    /** The lead's decision: warning, suspension until a day (inclusive), or revocation. Takes effect at once. */
    act(actor: Actor, id: number, input: ActionInput) {
      return db.transaction(async (trx) => {
        const v = await repo.lock(trx, id);
        if (!v) throw new NotFoundError(NOT_FOUND);
        const now = clock.now();
        const today = vietnamToday(now);
        let effectiveUntil: Date | null = null;
        if (input.action === 'suspension') {
          const until = input.until as string;
          if (until < today) throw new ValidationError({ until: 'Ngày hết tạm đình chỉ phải từ hôm nay trở đi.' });
          // Suspended to the end of the chosen day: access returns at 00:00 of the next day, Viet Nam time.
          effectiveUntil = vietnamDayStart(addDays(until, 1));
        }
        let targetName: string;
        if (v.target_type === 'organisation') {
          const org = await repo.findOrganisation(v.organisation_id as number, trx);
          if (!org) throw new NotFoundError(NOT_FOUND);
          targetName = org.name;
          if (org.access_revoked_at && input.action !== 'warning') throw new ConflictError('Quyền truy cập của tổ chức này đã bị thu hồi.');
          if (input.action === 'suspension') await repo.setOrganisationSuspension(trx, org.id, effectiveUntil);
          if (input.action === 'revocation') await repo.revokeOrganisation(trx, org.id, now);
          if (input.action !== 'warning') await repo.endSessions(trx, { organisationId: org.id });
        } else {
          const user = await repo.findUser(v.user_id as number, trx);
          if (!user) throw new NotFoundError(NOT_FOUND);
          targetName = `${user.display_name} (${user.username})`;
          if (user.disabled_at && input.action !== 'warning') throw new ConflictError('Tài khoản này đã bị thu hồi quyền truy cập.');
          if (input.action === 'suspension') await repo.setUserSuspension(trx, user.id, effectiveUntil);
          if (input.action === 'revocation') await repo.disableUser(trx, user.id, now);
          if (input.action !== 'warning') await repo.endSessions(trx, { userId: user.id });
        }
        const action = await repo.insertAction(trx, {
          violation_id: v.id,
          action: input.action,
          until_date: input.action === 'suspension' ? input.until : null,
          effective_until: effectiveUntil,
          note: input.note,
          decided_at: now,
          decided_by: actor.userId,
        });
        await audit.record(
          actor,
          {
            action: `violation.${input.action}`,
            targetType: v.target_type,
            targetId: v.target_type === 'organisation' ? v.organisation_id : v.user_id,
            details: { violationId: v.id, actionId: action.id, until: action.until_date },
          },
          trx,
        );
        await notifications.notifyUsers(trx, await recipients(trx, v), {
          kind: `violation.${input.action}`,
          title: actionTitle(input.action, input.until, targetName),
          body: input.note,
          link: null,
          dedupeKey: `violation-action:${action.id}`,
        });
        return action;
      });
    },

    /** Ends a suspension before its date (the lead's decision): access returns at the next request. */
    lift(actor: Actor, id: number, note: string) {
      return db.transaction(async (trx) => {
        const v = await repo.lock(trx, id);
        if (!v) throw new NotFoundError(NOT_FOUND);
        const now = clock.now();
        let targetName: string;
        if (v.target_type === 'organisation') {
          const org = await repo.findOrganisation(v.organisation_id as number, trx);
          if (!org) throw new NotFoundError(NOT_FOUND);
          if (!org.suspended_until || org.suspended_until <= now) throw new ConflictError('Tổ chức này hiện không bị tạm đình chỉ.');
          targetName = org.name;
          await repo.setOrganisationSuspension(trx, org.id, null);
        } else {
          const user = await repo.findUser(v.user_id as number, trx);
          if (!user) throw new NotFoundError(NOT_FOUND);
          if (!user.suspended_until || user.suspended_until <= now) throw new ConflictError('Tài khoản này hiện không bị tạm đình chỉ.');
          targetName = `${user.display_name} (${user.username})`;
          await repo.setUserSuspension(trx, user.id, null);
        }
        const action = await repo.insertAction(trx, {
          violation_id: v.id,
          action: 'lift',
          until_date: null,
          effective_until: null,
          note,
          decided_at: now,
          decided_by: actor.userId,
        });
        await audit.record(
          actor,
          {
            action: 'violation.lift',
            targetType: v.target_type,
            targetId: v.target_type === 'organisation' ? v.organisation_id : v.user_id,
            details: { violationId: v.id, actionId: action.id },
          },
          trx,
        );
        await notifications.notifyUsers(trx, await recipients(trx, v), {
          kind: 'violation.lift',
          title: `Chấm dứt tạm đình chỉ trước hạn: ${targetName}`,
          body: note,
          link: null,
          dedupeKey: `violation-action:${action.id}`,
        });
        return action;
      });
    },
  };
}

export function createViolationsService(deps: ViolationsServiceDeps) {
  return { ...violationRecords(deps), ...violationDecisions(deps) };
}

export type ViolationsService = ReturnType<typeof createViolationsService>;
