import type { Actor } from '../../lib/auth-context.js';
import { ConflictError, NotFoundError } from '../../lib/errors.js';
import { paths } from '../../lib/urls.js';
import { CATEGORY_KEYS } from '../reports/categories.js';
import type { AccessStateRow } from './access.repository.js';
import type { AccessServiceDeps } from './access-deps.js';
import type { EffectiveAccess } from './effective-access.js';

export function createGrantsService(deps: Omit<AccessServiceDeps, 'users'>) {
  const { db, repo, audit, notifications, clock } = deps;
  return {
    currentGrants: (organisationId?: number) => repo.currentGrants(clock.now(), organisationId),

    /** A grant still in force with its organisation's name and active members, for the revocation's confirmation page. */
    async grantToRevoke(grantId: number) {
      const grant = await repo.findGrant(grantId);
      if (!grant) throw new NotFoundError('Không tìm thấy quyền khai thác này.');
      if (grant.revoked_at) throw new ConflictError('Quyền khai thác này đã bị thu hồi trước đó.');
      const [organisation, members] = await Promise.all([
        repo.findOrganisation(grant.organisation_id),
        repo.members(grant.organisation_id),
      ]);
      return { grant, organisationName: organisation?.name ?? '', activeMembers: members.filter((m) => !m.disabled_at).length };
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
          link: paths.access.exploiterHome(),
          dedupeKey: `access_grant.revoked:${grantId}`,
        });
      });
    },

    /** The effective access of a user, read per request: suspensions, revocation, current grants. */
    async effectiveAccess(userId: number): Promise<EffectiveAccess> {
      const now = clock.now();
      return effectiveFromState(await repo.accessState(userId, now), now);
    },

    /**
     * The effective access of an organisation as a whole (its API keys, issue 17 item 3): the same rules without a
     * user's own suspension, from the same grants.
     */
    async organisationAccess(organisationId: number): Promise<EffectiveAccess> {
      const now = clock.now();
      return effectiveFromState(await repo.organisationAccessState(organisationId, now), now);
    },
  };
}

/** The effective access a state row gives at `now`: the one place a grant, a suspension or a revocation is read. */
export function effectiveFromState(state: AccessStateRow | undefined, now: Date): EffectiveAccess {
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
}
