/**
 * Access registration, approval and hand-over, grants, the organisation's requests.
 * Every multi-table change runs in one transaction with its audit row and notices. One-time passwords are
 * returned to the caller once (for the hand-over note) and stored only as argon2id hashes.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import type { Role } from '../../lib/roles.js';
import type { AuditService } from '../audit/audit.service.js';
import { hashPassword } from '../auth/password.js';
import type { UsersRepository } from '../auth/users.repository.js';
import type { NotificationsService } from '../notifications/notifications.service.js';
import { CATEGORY_KEYS, type CategoryKey } from '../reports/categories.js';
import type { AccessRepository, OfficerInput } from './access.repository.js';
import type { OfficerForm, RegistrationInput } from './access.schemas.js';
import type { EffectiveAccess } from './effective-access.js';

/** One-time passwords of the hand-over expire unused after this long (RELIABILITY check 8). */
export const ONE_TIME_PASSWORD_HOURS = 72;
/** Grants expiring within this many days are flagged (R-16.1; the jobs issue adds reminders). */
export const NEAR_EXPIRY_DAYS = 30;

export interface HandedOverAccount {
  userId: number;
  username: string;
  displayName: string;
  email: string;
  role: Role;
  /** Shown once on the hand-over note; never stored in clear. */
  password: string;
}

export interface Handover {
  organisation: { id: number; name: string };
  grant: { categories: CategoryKey[]; personal: boolean; expiresAt: Date } | null;
  accounts: HandedOverAccount[];
  passwordsExpireAt: Date;
}

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** "Hoàng Thị Mai" → "hoang.thi.mai" (ASCII, for a username). */
export function usernameBase(name: string): string {
  const folded = name
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[đĐ]/g, 'd')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '.')
    .replace(/^\.+|\.+$/g, '');
  return (folded || 'can.bo').slice(0, 40);
}

/** End of a Vietnamese calendar day (the grant runs to the end of its last day). */
export function endOfVietnamDay(iso: string): Date {
  return new Date(new Date(`${iso}T00:00:00+07:00`).getTime() + 86_400_000 - 1000);
}

export function nearExpiry(expiresAt: Date | string, now: Date): boolean {
  const t = new Date(expiresAt).getTime();
  return t > now.getTime() && t - now.getTime() <= NEAR_EXPIRY_DAYS * 86_400_000;
}

export function createAccessService(deps: {
  db: Knex;
  repo: AccessRepository;
  users: UsersRepository;
  audit: AuditService;
  notifications: NotificationsService;
  clock: Clock;
}) {
  const { db, repo, users, audit, notifications, clock } = deps;

  /** Creates a hand-over account: a unique username, a random one-time password hashed with argon2id. */
  async function createAccount(
    trx: Knex,
    person: { displayName: string; email: string },
    role: Role,
    organisationId: number,
    now: Date,
  ): Promise<HandedOverAccount> {
    const base = usernameBase(person.displayName);
    let username = base;
    for (let i = 2; await repo.usernameTaken(username, trx); i++) username = `${base}.${i}`;
    const password = randomBytes(12).toString('base64url');
    const user = await users.insert(
      {
        username,
        displayName: person.displayName,
        email: person.email,
        passwordHash: await hashPassword(password),
        roles: [role],
        organisationId,
        mustChangePassword: true,
        passwordExpiresAt: new Date(now.getTime() + ONE_TIME_PASSWORD_HOURS * 3_600_000),
      },
      trx,
    );
    return { userId: user.id, username, displayName: person.displayName, email: person.email, role, password };
  }

  return {
    /** Public registration: returns the reference and the secret status token (shown once). */
    async submitRegistration(actor: Actor, input: RegistrationInput): Promise<{ id: number; reference: string; token: string }> {
      const token = randomBytes(18).toString('base64url');
      const now = clock.now();
      return db.transaction(async (trx) => {
        const { id, reference } = await repo.insertRegistration(
          trx,
          {
            token_hash: sha256(token),
            kind: input.kind,
            name: input.name,
            identifier: input.identifier,
            address: input.address,
            email: input.email,
            phone: input.phone,
            manager_name: input.manager_name,
            manager_position: input.manager_position,
            manager_email: input.manager_email,
            manager_phone: input.manager_phone,
            purpose: input.purpose,
            legal_basis: input.legal_basis,
            categories: input.categories,
            personal: input.personal === '1',
            period_from: input.period_from,
            period_to: input.period_to,
            officers: input.officers.map((o) => ({ full_name: o.full_name, position: o.position, email: o.email, phone: o.phone ?? '' })),
          },
          Number(vietnamToday(now).slice(0, 4)),
        );
        await audit.record(
          actor,
          {
            action: 'access_registration.submit',
            targetType: 'access_registration',
            targetId: id,
            details: { reference, categories: input.categories },
          },
          trx,
        );
        await notifications.notifyRoles(trx, ['ngo_lead'], {
          kind: 'access_registration.submitted',
          title: `Phiếu đăng ký khai thác mới ${reference}`,
          body: `${input.name} đăng ký khai thác ${input.categories.length} nhóm thông tin.`,
          link: `/quan-tri/dang-ky-khai-thac/${id}`,
          dedupeKey: `access_registration:${id}`,
        });
        return { id, reference, token };
      });
    },

    /** The applicant's status: the reference AND the token must match (a guessed reference shows nothing). */
    async registrationStatus(reference: string, token: string) {
      const row = /^DK-\d{4}-\d{6,}$/.test(reference) ? await repo.findRegistrationByReference(reference) : undefined;
      const expected = Buffer.from(row?.token_hash ?? sha256('no-such-registration'), 'hex');
      const given = Buffer.from(sha256(token), 'hex');
      const ok = timingSafeEqual(expected, given);
      return row && ok ? row : null;
    },

    listRegistrations: (status: string | null, page: number) => repo.listRegistrations(status, page),

    async registration(id: number) {
      const row = await repo.findRegistration(id);
      if (!row) throw new NotFoundError('Không tìm thấy phiếu đăng ký này.');
      return row;
    },

    currentGrants: (organisationId?: number) => repo.currentGrants(clock.now(), organisationId),

    /**
     * Approval (R-8.6, R-14) in ONE transaction: organisation, grant, the manager's and officers' accounts with
     * one-time passwords, the registration's decision, audit and notices. A second decision on the same
     * registration gets 409.
     */
    async approve(
      actor: Actor,
      id: number,
      decision: { categories: CategoryKey[]; personal: boolean; expiresOn: string },
    ): Promise<Handover> {
      const now = clock.now();
      const expiresAt = endOfVietnamDay(decision.expiresOn);
      if (expiresAt <= now) throw new ValidationError({ expires_on: 'Ngày hết hạn phải sau ngày hôm nay.' });
      if (decision.categories.length === 0) throw new ValidationError({ categories: 'Hãy chọn ít nhất một nhóm thông tin được cấp.' });
      return db.transaction(async (trx) => {
        const reg = await repo.lockPendingRegistration(trx, id);
        if (!reg) {
          if (!(await repo.findRegistration(id, trx))) throw new NotFoundError('Không tìm thấy phiếu đăng ký này.');
          throw new ConflictError('Phiếu đăng ký này đã được quyết định.');
        }
        const asked = new Set(reg.categories);
        const categories = decision.categories.filter((c) => asked.has(c));
        if (categories.length !== decision.categories.length)
          throw new ValidationError({ categories: 'Chỉ được cấp các nhóm thông tin mà phiếu đã đăng ký.' });
        const personal = decision.personal && reg.personal;
        const organisationId = await repo.insertOrganisation(trx, {
          kind: reg.kind,
          name: reg.name,
          identifier: reg.identifier,
          address: reg.address,
          email: reg.email,
          phone: reg.phone,
        });
        const periodStart = new Date(`${reg.period_from}T00:00:00+07:00`);
        const validFrom = periodStart > now ? periodStart : now;
        const grantId = await repo.insertGrant(trx, {
          organisation_id: organisationId,
          registration_id: reg.id,
          categories,
          personal,
          valid_from: validFrom,
          expires_at: expiresAt > validFrom ? expiresAt : new Date(validFrom.getTime() + 86_400_000),
          created_by: actor.userId,
        });
        const accounts: HandedOverAccount[] = [];
        accounts.push(
          await createAccount(trx, { displayName: reg.manager_name, email: reg.manager_email }, 'org_manager', organisationId, now),
        );
        const officers: OfficerInput[] = typeof reg.officers === 'string' ? JSON.parse(reg.officers) : reg.officers;
        for (const o of officers)
          accounts.push(await createAccount(trx, { displayName: o.full_name, email: o.email }, 'exploiter', organisationId, now));
        await repo.decideRegistration(trx, reg.id, {
          status: 'approved',
          decided_by: actor.userId,
          decided_at: now,
          organisation_id: organisationId,
          decision_reason: null,
        });
        await audit.record(
          actor,
          {
            action: 'access_registration.approve',
            targetType: 'access_registration',
            targetId: reg.id,
            details: {
              reference: reg.reference,
              organisationId,
              grantId,
              categories,
              personal,
              expiresAt: expiresAt.toISOString(),
              accounts: accounts.map((a) => ({ userId: a.userId, username: a.username, role: a.role })),
            },
          },
          trx,
        );
        await notifications.notifyUsers(
          trx,
          accounts.map((a) => a.userId),
          {
            kind: 'access_grant.created',
            title: 'Tổ chức của bạn đã được cấp quyền khai thác dữ liệu',
            body: `Phạm vi: ${categories.length} nhóm thông tin, đến hết ngày ${decision.expiresOn.split('-').reverse().join('/')}.`,
            link: '/khai-thac/',
            dedupeKey: `access_grant:${grantId}`,
          },
        );
        return {
          organisation: { id: organisationId, name: reg.name },
          grant: { categories, personal, expiresAt },
          accounts,
          passwordsExpireAt: new Date(now.getTime() + ONE_TIME_PASSWORD_HOURS * 3_600_000),
        };
      });
    },

    async refuse(actor: Actor, id: number, reason: string): Promise<void> {
      await db.transaction(async (trx) => {
        const reg = await repo.lockPendingRegistration(trx, id);
        if (!reg) {
          if (!(await repo.findRegistration(id, trx))) throw new NotFoundError('Không tìm thấy phiếu đăng ký này.');
          throw new ConflictError('Phiếu đăng ký này đã được quyết định.');
        }
        await repo.decideRegistration(trx, id, {
          status: 'refused',
          decided_by: actor.userId,
          decided_at: clock.now(),
          decision_reason: reason,
        });
        await audit.record(
          actor,
          {
            action: 'access_registration.refuse',
            targetType: 'access_registration',
            targetId: id,
            details: { reference: reg.reference, reason },
          },
          trx,
        );
      });
    },

    async revokeGrant(actor: Actor, grantId: number, reason: string): Promise<void> {
      await db.transaction(async (trx) => {
        const grant = await repo.findGrant(grantId, trx);
        if (!grant) throw new NotFoundError('Không tìm thấy quyền khai thác này.');
        if (!(await repo.revokeGrant(trx, grantId, clock.now(), actor.userId, reason)))
          throw new ConflictError('Quyền khai thác này đã bị thu hồi trước đó.');
        await audit.record(
          actor,
          {
            action: 'access_grant.revoke',
            targetType: 'access_grant',
            targetId: grantId,
            details: { organisationId: grant.organisation_id, reason },
          },
          trx,
        );
        const members = (await repo.members(grant.organisation_id, trx)).filter((m) => !m.disabled_at).map((m) => m.id);
        await notifications.notifyUsers(trx, members, {
          kind: 'access_grant.revoked',
          title: 'Quyền khai thác dữ liệu của tổ chức đã bị thu hồi',
          body: reason,
          link: '/khai-thac/',
          dedupeKey: `access_grant.revoked:${grantId}`,
        });
      });
    },

    /** The effective access of a user, read per request: suspensions, revocation, current grants. */
    async effectiveAccess(userId: number): Promise<EffectiveAccess> {
      const now = clock.now();
      const state = await repo.accessState(userId, now);
      const none = (blocked: EffectiveAccess['blocked'], organisationId: number | null = null): EffectiveAccess => ({
        organisationId,
        categories: [],
        personal: false,
        expiresAt: null,
        blocked,
      });
      if (!state || state.organisation_id === null) return none('no_organisation');
      const org = state.organisation_id;
      if (state.user_suspended_until && new Date(state.user_suspended_until) > now) return none('user_suspended', org);
      if (state.org_access_revoked_at && new Date(state.org_access_revoked_at) <= now) return none('org_revoked', org);
      if (state.org_suspended_until && new Date(state.org_suspended_until) > now) return none('org_suspended', org);
      if (state.grants.length === 0) return none('no_grant', org);
      const categories = new Set<string>();
      for (const g of state.grants) for (const c of g.categories) categories.add(c);
      return {
        organisationId: org,
        categories: CATEGORY_KEYS.filter((k) => categories.has(k)),
        personal: state.grants.some((g) => g.personal),
        expiresAt: new Date(state.grants[0]?.expires_at ?? now),
        blocked: null,
      };
    },

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
          link: '/quan-tri/dang-ky-khai-thac',
          dedupeKey: `access_request:${id}`,
        });
        return id;
      });
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
          link: '/quan-tri/dang-ky-khai-thac',
          dedupeKey: `access_request:${id}`,
        });
        return id;
      });
    },

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
          const account = await createAccount(
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
          link: '/khai-thac/',
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
          link: '/khai-thac/',
          dedupeKey: `access_request.decided:${id}`,
        });
      });
    },
  };
}

export type AccessService = ReturnType<typeof createAccessService>;
