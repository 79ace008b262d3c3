/** Dates of access grants: a grant runs to the end of its last Vietnamese day; near expiry is flagged. */

/** Grants expiring within this many days are flagged (R-16.1; the jobs issue adds reminders). */
export const NEAR_EXPIRY_DAYS = 30;

/** End of a Vietnamese calendar day (the grant runs to the end of its last day). */
export function endOfVietnamDay(iso: string): Date {
  return new Date(new Date(`${iso}T00:00:00+07:00`).getTime() + 86_400_000 - 1000);
}

export function nearExpiry(expiresAt: Date | string, now: Date): boolean {
  const t = new Date(expiresAt).getTime();
  return t > now.getTime() && t - now.getTime() <= NEAR_EXPIRY_DAYS * 86_400_000;
}
