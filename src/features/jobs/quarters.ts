/** Quarters of the update cycle, in Viet Nam time: keys like `2026-Q4`. */
import { formatQuarter, vietnamToday } from '../../lib/format.js';

/** How long after a quarter's last day its cycle may still be opened (the app was down on that day). */
export const CATCH_UP_DAYS = 31;
const QUARTER_RE = /^(\d{4})-Q([1-4])$/;

export function isQuarterKey(value: unknown): value is string {
  return typeof value === 'string' && QUARTER_RE.test(value);
}

function parse(q: string): { year: number; n: number } {
  const m = QUARTER_RE.exec(q);
  if (!m) throw new Error(`Not a quarter key: ${q}`);
  return { year: Number(m[1]), n: Number(m[2]) };
}

export function quarterOf(isoDay: string): string {
  const [y, m] = isoDay.split('-').map(Number) as [number, number];
  return `${y}-Q${Math.floor((m - 1) / 3) + 1}`;
}

/** First and last calendar day ('YYYY-MM-DD'), and the instants bounding the quarter [from, to) in Viet Nam time. */
export function quarterRange(q: string): { start: string; end: string; from: Date; to: Date } {
  const { year, n } = parse(q);
  const startMonth = (n - 1) * 3 + 1;
  const start = `${year}-${String(startMonth).padStart(2, '0')}-01`;
  const lastDay = new Date(Date.UTC(year, startMonth + 2, 0)).getUTCDate();
  const end = `${year}-${String(startMonth + 2).padStart(2, '0')}-${String(lastDay).padStart(2, '0')}`;
  const next = n === 4 ? `${year + 1}-01-01` : `${year}-${String(startMonth + 3).padStart(2, '0')}-01`;
  return { start, end, from: new Date(`${start}T00:00:00+07:00`), to: new Date(`${next}T00:00:00+07:00`) };
}

export function previousQuarter(q: string): string {
  const { year, n } = parse(q);
  return n === 1 ? `${year - 1}-Q4` : `${year}-Q${n - 1}`;
}

/** 'Quý IV/2026' — written so in mid-sentence too, never lower-cased (see formatQuarter). */
export function quarterLabel(q: string): string {
  parse(q);
  return formatQuarter(q);
}

function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * The quarter whose cycle is due at `now`: the current one on its last day (31/3, 30/6, 30/9, 31/12), the previous
 * one during the CATCH_UP_DAYS after its last day (missed while the app was down), otherwise none.
 */
export function dueQuarter(now: Date): string | null {
  const today = vietnamToday(now);
  const current = quarterOf(today);
  if (quarterRange(current).end === today) return current;
  const prev = previousQuarter(current);
  return daysBetween(quarterRange(prev).end, today) <= CATCH_UP_DAYS ? prev : null;
}
