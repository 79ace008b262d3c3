/**
 * Retention: keep the newest backup of each of the last N weeks that have one and of the last M months
 * that have one (a grandfather–father–son rotation), and always the newest backup. Weeks (ISO, Monday first) and
 * months are those of Viet Nam's calendar. Whatever the rule says, the last verified backup is never pruned, however
 * old (R-20.2: it may hold the only intact copy of a raw file damaged since) — see `lastVerified`.
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

export interface BackupOutcome {
  /** Its backup run succeeded: the database was dumped and every recorded raw file matched its SHA-256. */
  succeeded: boolean;
  /** Its latest restore drill, if any. */
  drill: 'succeeded' | 'failed' | null;
}

/**
 * The backups retention must keep even outside the rule: the newest one a restore drill has passed, and the newest
 * one whose run succeeded and whose drill has not failed (a backup pruned right after a newer one is written would
 * otherwise be lost before the newer one's drill shows whether it is any good).
 */
export function lastVerified(backups: readonly DatedBackup[], outcomes: ReadonlyMap<string, BackupOutcome>): Set<string> {
  const sorted = [...backups].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
  const good = sorted.filter((b) => outcomes.get(b.name)?.succeeded && outcomes.get(b.name)?.drill !== 'failed');
  const drilled = good.find((b) => outcomes.get(b.name)?.drill === 'succeeded');
  return new Set([drilled?.name, good[0]?.name].filter((n): n is string => n !== undefined));
}
