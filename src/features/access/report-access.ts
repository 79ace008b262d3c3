/**
 * The report access policy (R-8.5, R-14, SPEC §1): who may read which R-17.1 category and who sees leaders'
 * personal fields. `canReadCategory` is the single place a per-category grant (exploiters) is checked. An
 * organisation's manager (org_manager) manages its officers and sees its account, but reads no report (SPEC §1).
 */
import type { AuthUser } from '../../lib/auth-context.js';
import { hasAnyRole, type Role } from '../../lib/roles.js';
import type { CategoryKey } from '../reports/categories.js';
import type { EffectiveAccess } from './effective-access.js';

/** Roles that read every category today (SPEC §1). */
export const REPORT_ROLES: readonly Role[] = ['ngo_staff', 'ngo_lead', 'leader'];
/** Roles that see leaders' personal fields (birth year, gender, qualifications …) in reports d and đ. */
export const PERSONAL_ROLES: readonly Role[] = ['ngo_staff', 'ngo_lead', 'leader'];

/** Users of an exploiting organisation: their organisation's grant in force is loaded on every request. */
export const GRANT_ROLES: readonly Role[] = ['org_manager', 'exploiter'];
/** Roles that read reports, only within their organisation's grant (SPEC §1: "scopes granted"). */
export const GRANT_READER_ROLES: readonly Role[] = ['exploiter'];
/** Everyone the /bao-cao guard admits; the category check below then decides per category. */
export const READER_ROLES: readonly Role[] = [...REPORT_ROLES, ...GRANT_READER_ROLES];

type Reader = (Pick<AuthUser, 'roles'> & { access?: EffectiveAccess | null | undefined }) | null | undefined;

function usableGrant(user: Reader): EffectiveAccess | null {
  if (!user || !hasAnyRole(user.roles, GRANT_READER_ROLES)) return null;
  const access = user.access;
  return access && access.blocked === null ? access : null;
}

/**
 * Whether a user may read a category. Staff and leaders read every category; an exploiter reads a category only
 * when a current grant of their organisation includes it and neither the organisation nor the user is suspended
 * or revoked; an org_manager reads none. `user.access` is loaded from the database on every request (access middleware).
 */
export function canReadCategory(user: Reader, category: CategoryKey): boolean {
  if (!user) return false;
  if (hasAnyRole(user.roles, REPORT_ROLES)) return true;
  return usableGrant(user)?.categories.includes(category) ?? false;
}

/** Leaders' personal fields (birth year, gender, qualifications …): staff roles, or a grant that includes them. */
export function canSeePersonal(user: Reader): boolean {
  if (!user) return false;
  if (hasAnyRole(user.roles, PERSONAL_ROLES)) return true;
  return usableGrant(user)?.personal ?? false;
}
