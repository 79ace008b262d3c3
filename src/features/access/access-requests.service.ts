import type { Actor } from '../../lib/auth-context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { paths } from '../../lib/urls.js';
import type { OfficerForm } from './access.schemas.js';
import { endOfVietnamDay } from './access-dates.js';
import type { AccessServiceDeps } from './access-deps.js';
import { createHandoverAccount, type Handover, ONE_TIME_PASSWORD_HOURS } from './access-handover.js';

/** The organisation's page and its manager's actions. */
export function createOrganisationActions(deps: AccessServiceDeps) {
  const { db, repo, users, audit, notifications, clock } = deps;
  return {
    /** The organisation's page: organisation, latest grant, members with their use, requests. */
    async organisationOverview(organisationId: number) {
      const organisation = await repo.findOrganisation(organisationId);
      if (!organisation) throw new NotFoundError('Không tìm thấy tổ chức khai thác.');
      const [grant, members, requests] = await Promise.all([
        repo.latestGrant(organisationId),
        repo.members(organisationId),
        repo.requests({ organisationId }, 20),
      ]);
      return { organisation, grant: grant ?? null, members, requests };
    },

    /** The manager asks for one more officer; ngo_lead approves (account + hand-over) or refuses. */
    async requestOfficer(actor: Actor & { userId: number }, organisationId: number, officer: OfficerForm): Promise<number> {
      return db.transaction(async (trx) => {
        const id = await repo.insertRequest(trx, {
          organisation_id: organisationId,
          kind: 'add_officer',
          requested_by: actor.userId,
          payload: { full_name: officer.full_name, position: officer.position, email: officer.email, phone: officer.phone ?? '' },
        });
        await audit.record(
          actor,
          { action: 'access_request.add_officer', targetType: 'access_request', targetId: id, details: { organisationId } },
          trx,
        );
        await notifications.notifyRoles(trx, ['ngo_lead'], {
          kind: 'access_request.submitted',
          title: 'Đề nghị bổ sung cán bộ khai thác',
          body: `${officer.full_name} (${officer.position})`,
          link: paths.access.registrations(),
          dedupeKey: `access_request:${id}`,
        });
        return id;
      });
    },

    /** The officer the manager is about to remove (the confirmation page), with the same scope as the removal. */
    async officerToRemove(actor: { userId: number }, organisationId: number, userId: number) {
      const target = await users.findById(userId);
      if (!target || target.organisation_id !== organisationId || !target.roles.includes('exploiter') || target.id === actor.userId)
        throw new NotFoundError('Không tìm thấy cán bộ này trong tổ chức của bạn.');
      if (target.disabled_at) throw new ConflictError('Tài khoản của cán bộ này đã bị khóa trước đó.');
      return { id: target.id, username: target.username, displayName: target.display_name, email: target.email };
    },

    /** The manager removes an officer of their own organisation: the account is disabled at once (sessions end). */
    async removeOfficer(actor: Actor & { userId: number }, organisationId: number, userId: number): Promise<void> {
      await db.transaction(async (trx) => {
        const target = await users.findById(userId, trx);
        // Scope: only an officer (exploiter) of the manager's own organisation; anything else is not found.
        if (!target || target.organisation_id !== organisationId || !target.roles.includes('exploiter') || target.id === actor.userId)
          throw new NotFoundError('Không tìm thấy cán bộ này trong tổ chức của bạn.');
        if (target.disabled_at) throw new ConflictError('Tài khoản của cán bộ này đã bị khóa trước đó.');
        await users.setDisabled(target.id, clock.now(), trx);
        await audit.record(
          actor,
          {
            action: 'access.officer_remove',
            targetType: 'user',
            targetId: target.id,
            details: { organisationId, username: target.username },
          },
          trx,
        );
      });
    },

    async requestRenewal(
      actor: Actor & { userId: number },
      organisationId: number,
      input: { expiresOn: string; reason: string },
    ): Promise<number> {
      const grant = await repo.latestGrant(organisationId);
      if (!grant || grant.revoked_at)
        throw new ConflictError('Tổ chức không có quyền khai thác để gia hạn (chưa được cấp hoặc đã bị thu hồi).');
      if (endOfVietnamDay(input.expiresOn) <= new Date(grant.expires_at))
        throw new ValidationError({ expires_on: 'Ngày hết hạn đề nghị phải sau ngày hết hạn hiện tại.' });
      return db.transaction(async (trx) => {
        const id = await repo.insertRequest(trx, {
          organisation_id: organisationId,
          kind: 'renewal',
          requested_by: actor.userId,
          payload: { expires_on: input.expiresOn, reason: input.reason, grant_id: String(grant.id) },
        });
        await audit.record(
          actor,
          { action: 'access_request.renewal', targetType: 'access_request', targetId: id, details: { organisationId, ...input } },
          trx,
        );
        await notifications.notifyRoles(trx, ['ngo_lead'], {
          kind: 'access_request.submitted',
          title: 'Đề nghị gia hạn quyền khai thác',
          body: input.reason,
          link: paths.access.registrations(),
          dedupeKey: `access_request:${id}`,
        });
        return id;
      });
    },
  };
}

/** The lead's decisions on the organisations' requests. */
export function createRequestDecisions(deps: AccessServiceDeps) {
  const { db, repo, users, audit, notifications, clock } = deps;
  return {
    pendingRequests: () => repo.requests({ status: 'pending' }),

    /**
     * ngo_lead approves a request: an added officer gets an account with a one-time password (returned for the
     * hand-over note); a renewal moves the grant's expiry (to `expiresOn` when given, else the date asked).
     */
    async approveRequest(actor: Actor, id: number, input: { expiresOn?: string | undefined }): Promise<Handover | null> {
      const now = clock.now();
      return db.transaction(async (trx) => {
        const req = await repo.lockPendingRequest(trx, id);
        if (!req) throw new ConflictError('Đề nghị này không còn chờ quyết định.');
        const payload = (typeof req.payload === 'string' ? JSON.parse(req.payload) : req.payload) as Record<string, string>;
        const organisation = await repo.findOrganisation(req.organisation_id, trx);
        if (!organisation) throw new NotFoundError();
        let handover: Handover | null = null;
        let createdUserId: number | null = null;
        if (req.kind === 'add_officer') {
          const account = await createHandoverAccount(
            { repo, users },
            trx,
            { displayName: payload.full_name ?? 'Cán bộ khai thác', email: payload.email ?? '' },
            'exploiter',
            req.organisation_id,
            now,
          );
          createdUserId = account.userId;
          handover = {
            organisation: { id: organisation.id, name: organisation.name },
            grant: null,
            accounts: [account],
            passwordsExpireAt: new Date(now.getTime() + ONE_TIME_PASSWORD_HOURS * 3_600_000),
          };
        } else {
          const grant = await repo.findGrant(Number(payload.grant_id), trx);
          if (!grant || grant.revoked_at) throw new ConflictError('Quyền khai thác cần gia hạn đã bị thu hồi.');
          const iso = input.expiresOn ?? payload.expires_on ?? '';
          const expiresAt = endOfVietnamDay(iso);
          if (!(expiresAt > now && expiresAt > new Date(grant.expires_at)))
            throw new ValidationError({ expires_on: 'Ngày hết hạn mới phải sau ngày hết hạn hiện tại.' });
          await repo.setGrantExpiry(trx, grant.id, expiresAt);
          payload.granted_expires_on = iso;
        }
        await repo.decideRequest(trx, id, {
          status: 'approved',
          decided_by: actor.userId,
          decided_at: now,
          created_user_id: createdUserId,
          payload: JSON.stringify(payload),
        });
        await audit.record(
          actor,
          {
            action: `access_request.approve`,
            targetType: 'access_request',
            targetId: id,
            details: { kind: req.kind, organisationId: req.organisation_id, createdUserId },
          },
          trx,
        );
        await notifications.notifyUsers(trx, [req.requested_by], {
          kind: 'access_request.approved',
          title:
            req.kind === 'add_officer' ? 'Đề nghị bổ sung cán bộ khai thác đã được duyệt' : 'Đề nghị gia hạn quyền khai thác đã được duyệt',
          link: paths.access.exploiterHome(),
          dedupeKey: `access_request.decided:${id}`,
        });
        return handover;
      });
    },

    async refuseRequest(actor: Actor, id: number, reason: string): Promise<void> {
      await db.transaction(async (trx) => {
        const req = await repo.lockPendingRequest(trx, id);
        if (!req) throw new ConflictError('Đề nghị này không còn chờ quyết định.');
        await repo.decideRequest(trx, id, {
          status: 'refused',
          decided_by: actor.userId,
          decided_at: clock.now(),
          decision_reason: reason,
        });
        await audit.record(
          actor,
          { action: 'access_request.refuse', targetType: 'access_request', targetId: id, details: { reason } },
          trx,
        );
        await notifications.notifyUsers(trx, [req.requested_by], {
          kind: 'access_request.refused',
          title: 'Đề nghị của tổ chức không được chấp thuận',
          body: reason,
          link: paths.access.exploiterHome(),
          dedupeKey: `access_request.decided:${id}`,
        });
      });
    },
  };
}
