/** Roles of SPEC §1. A user holds one or more. */
export const ROLES = ['ngo_staff', 'ngo_lead', 'it_admin', 'leader', 'association', 'org_manager', 'exploiter'] as const;
export type Role = (typeof ROLES)[number];

/** Staff roles must pass TOTP as a second factor (RELIABILITY rule 4). */
export const STAFF_ROLES: readonly Role[] = ['ngo_staff', 'ngo_lead', 'it_admin', 'leader'];

export const ROLE_LABELS: Record<Role, string> = {
  ngo_staff: 'Chuyên viên Vụ Tổ chức phi chính phủ',
  ngo_lead: 'Lãnh đạo Vụ Tổ chức phi chính phủ',
  it_admin: 'Quản trị hệ thống (Trung tâm Thông tin)',
  leader: 'Lãnh đạo Bộ',
  association: 'Cán bộ đầu mối của hội',
  org_manager: 'Người quản lý tổ chức khai thác',
  exploiter: 'Cán bộ khai thác dữ liệu',
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

export function needsMfa(roles: readonly string[]): boolean {
  return roles.some((r) => (STAFF_ROLES as readonly string[]).includes(r));
}

export function hasAnyRole(roles: readonly string[], wanted: readonly Role[]): boolean {
  return roles.some((r) => (wanted as readonly string[]).includes(r));
}
