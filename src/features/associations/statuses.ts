/**
 * The one definition of an association that still operates (its status is "live"): đang thành lập, đang hoạt
 * động, đình chỉ có thời hạn, chờ giải thể. Only live associations are asked to update their record each quarter
 * keep their name to themselves and owe a term congress (R-17.1 e: report e, the staff home, the
 * congress-alerts job and the record's badge). A dissolved, merged, split or annulled association is none of these.
 * The database mirrors this list in association_status_live() (migration 20261231001500_congress_terms_live);
 * test/integration/congress-overdue.test.ts checks both agree on every status of the catalogue.
 */
export const LIVE_STATUSES: readonly string[] = ['dang_thanh_lap', 'hoat_dong', 'dinh_chi_co_thoi_han', 'cho_giai_the'];

const LIVE = new Set(LIVE_STATUSES);

export function isLiveStatus(status: string | null | undefined): boolean {
  return status !== null && status !== undefined && LIVE.has(status);
}
