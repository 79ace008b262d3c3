/**
 * Retention: keep the newest backup of each of the last N weeks that have one and of the last M months
 * that have one (a grandfather–father–son rotation), and always the newest backup. Weeks (ISO, Monday first) and
 * months are those of Viet Nam's calendar.
 */
import { vietnamToday } from '../../lib/format.js';

export interface DatedBackup {
  name: string;
  createdAt: Date;
}

/** ISO week key of a 'YYYY-MM-DD' day, e.g. '2026-W48'. */
export function isoWeekKey(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  const dow = date.getUTCDay() || 7;
  date.setUTCDate(date.getUTCDate() + 4 - dow);
  const yearStart = new Date(Date.UTC(date.getUTCFullYear(), 0, 1));
  const week = Math.ceil(((date.getTime() - yearStart.getTime()) / 86_400_000 + 1) / 7);
  return `${date.getUTCFullYear()}-W${String(week).padStart(2, '0')}`;
}

/** Names of the backups to keep. */
export function selectRetained(backups: readonly DatedBackup[], keepWeekly: number, keepMonthly: number): Set<string> {
  const sorted = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const keep = new Set<string>();
  if (sorted[0]) keep.add(sorted[0].name);
  const weeks = new Set<string>();
  const months = new Set<string>();
  for (const b of sorted) {
    const day = vietnamToday(b.createdAt);
    const week = isoWeekKey(day);
    const month = day.slice(0, 7);
    if (!weeks.has(week) && weeks.size < keepWeekly) {
      weeks.add(week);
      keep.add(b.name);
    }
    if (!months.has(month) && months.size < keepMonthly) {
      months.add(month);
      keep.add(b.name);
    }
  }
  return keep;
}
