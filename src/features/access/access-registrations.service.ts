/**
 * Registrations for access to the data: the public form and its status look-up, the NGO Department lead's
 * list, and the decision. Approval creates the organisation, its grant and the hand-over accounts in ONE
 * transaction with the registration's decision, audit and notices.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Actor } from '../../lib/auth-context.js';
import { ConflictError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import { paths } from '../../lib/urls.js';
import type { CategoryKey } from '../reports/categories.js';
import type { OfficerInput } from './access.repository.js';
import type { RegistrationInput } from './access.schemas.js';
import { endOfVietnamDay } from './access-dates.js';
import type { AccessServiceDeps } from './access-deps.js';
import { createHandoverAccount, type HandedOverAccount, type Handover, ONE_TIME_PASSWORD_HOURS } from './access-handover.js';

function sha256(value: string): string {
  return createHash('sha256').update(value).digest('hex');
}

/** The applicant's side and the lead's reading and refusal of registrations. */
export function createRegistrationsService(deps: Omit<AccessServiceDeps, 'users'>) {
  const { db, repo, audit, notifications, clock } = deps;
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
          link: paths.access.registration(id),
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
  };
}

/** The lead's approval of a registration, with the hand-over of its accounts. */
export function createRegistrationApproval(deps: AccessServiceDeps) {
  const { db, repo, users, audit, notifications, clock } = deps;
  return {
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
          await createHandoverAccount(
            { repo, users },
            trx,
            { displayName: reg.manager_name, email: reg.manager_email },
            'org_manager',
            organisationId,
            now,
          ),
        );
        const officers: OfficerInput[] = typeof reg.officers === 'string' ? JSON.parse(reg.officers) : reg.officers;
        for (const o of officers)
          accounts.push(
            await createHandoverAccount(
              { repo, users },
              trx,
              { displayName: o.full_name, email: o.email },
              'exploiter',
              organisationId,
              now,
            ),
          );
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
            link: paths.access.exploiterHome(),
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
  };
}
