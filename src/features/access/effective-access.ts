/**
 * The effective access of a user of an exploiting organisation: computed from the database on every
 * request (middleware), attached to req.user.access, read by the report access policy (report-access.ts). Never
 * stored in the session, so a revoked or expired grant, a suspension or a revocation stops access at the
 * next request.
 */
import type { CategoryKey } from '../reports/categories.js';

export type AccessBlock = 'no_organisation' | 'user_suspended' | 'org_suspended' | 'org_revoked' | 'no_grant';

export interface EffectiveAccess {
  organisationId: number | null;
  /** Categories of the organisation's current grants (empty when blocked). */
  categories: CategoryKey[];
  /** Leaders' personal fields beyond name and position granted. */
  personal: boolean;
  /** Earliest expiry among current grants. */
  expiresAt: Date | null;
  blocked: AccessBlock | null;
}

export const BLOCK_LABELS: Record<AccessBlock, string> = {
  no_organisation: 'Tài khoản chưa gắn với tổ chức khai thác nào.',
  user_suspended: 'Tài khoản của bạn đang bị tạm đình chỉ quyền khai thác.',
  org_suspended: 'Tổ chức của bạn đang bị tạm đình chỉ quyền khai thác.',
  org_revoked: 'Quyền khai thác của tổ chức đã bị thu hồi.',
  no_grant: 'Tổ chức chưa có quyền khai thác còn hiệu lực (đã hết hạn, bị thu hồi hoặc chưa bắt đầu).',
};

declare module '../../lib/auth-context.js' {
  interface AuthUser {
    /** org_manager / exploiter: the grant in force, loaded from the database on every request (never from the session). */
    access?: EffectiveAccess | null;
  }
}
