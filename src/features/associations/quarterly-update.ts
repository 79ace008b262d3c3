/**
 * The one definition of the quarterly update state (R-13.2, issue 16): "Cập nhật hằng quý: Đúng hạn / Quá hạn".
 *
 * R-13.2: on the last day of March, June, September and December the NGO Department updates each record's changes
 * and additions; the quarterly cycle (src/features/jobs/quarterly-cycle.job.ts) lists the live records with no saved
 * version in the quarter. A record is "updated" in a quarter when a version of it was saved then (any source: staff
 * edit, approved submission, import, publication, check against paper). `associations.updated_at` is the time of its
 * latest saved version — every write that saves a version sets it in the same statement, to the same instant
 * (associations.repository.ts: insert, insertMany, updateIfVersion) — so the state needs no join per row and the
 * index (updated_at DESC, id) serves a filter on it.
 *
 * A quarter's update is due by its last day, so the state on a day of quarter Q is:
 * - `dung_han` (on time): saved since the first day of the previous quarter Q-1 — Q-1's update was made (or made up
 *   for during Q), and Q's own is not due before Q's last day;
 * - `qua_han` (overdue): last saved before Q-1 began — the update of Q-1 was missed and not made up since;
 * - `khong_ap_dung` (not applicable): the association no longer operates (statuses.ts: dissolved, merged, split,
 *   annulled). Only live associations are asked to update their record each quarter (the cycle notifies and lists
 *   live ones only), so an ended one is neither on time nor overdue: lists show no badge, the record page says so.
 *
 * The SQL form of the same rule is quarterly-update-sql.ts (staff list filter, export);
 * test/integration/register-badges-export.test.ts checks that both agree.
 */
import { formatDate, formatQuarter, vietnamToday } from '../../lib/format.js';
import { previousQuarter, quarterOf, quarterRange } from '../jobs/quarters.js';
import { isLiveStatus } from './statuses.js';

export type QuarterlyState = 'dung_han' | 'qua_han' | 'khong_ap_dung';
export const QUARTERLY_STATES: readonly QuarterlyState[] = ['dung_han', 'qua_han', 'khong_ap_dung'];

/** Labels and Bootstrap badge classes (the term-congress badge's colours: green on time, red overdue). */
export const QUARTERLY_BADGE: Record<QuarterlyState, { label: string; badge: string }> = {
  dung_han: { label: 'Đúng hạn', badge: 'text-bg-success' },
  qua_han: { label: 'Quá hạn', badge: 'text-bg-danger' },
  khong_ap_dung: { label: 'Không áp dụng', badge: 'text-bg-secondary' },
};

/** The badge's own words: "Cập nhật hằng quý: Đúng hạn". */
export const QUARTERLY_PREFIX = 'Cập nhật hằng quý';

/** The first instant of the quarter before the one holding `today` (Viet Nam time): saved since then = on time. */
export function quarterlyDueSince(today: string): Date {
  return quarterRange(previousQuarter(quarterOf(today))).from;
}

export function quarterlyState(status: string | null | undefined, updatedAt: Date, today: string): QuarterlyState {
  if (!isLiveStatus(status)) return 'khong_ap_dung';
  return updatedAt.getTime() >= quarterlyDueSince(today).getTime() ? 'dung_han' : 'qua_han';
}

function nextQuarter(q: string): string {
  const [y, n] = q.split('-Q').map(Number) as [number, number];
  return n === 4 ? `${y + 1}-Q1` : `${y}-Q${n + 1}`;
}

export interface QuarterlyInfo {
  state: QuarterlyState;
  /** "Đúng hạn" … */
  label: string;
  /** "Cập nhật hằng quý: Đúng hạn" */
  text: string;
  badge: string;
  /** One sentence for the badge's title and the record page: the last update and the deadline. */
  detail: string;
}

/**
 * The state with its words. The next update is due by the last day of the quarter after the one of the last update
 * (updated in Q-1: by the end of Q; updated in Q: by the end of Q+1); an overdue record missed that day.
 */
export function quarterlyInfo(status: string | null | undefined, updatedAt: Date, today: string): QuarterlyInfo {
  const state = quarterlyState(status, updatedAt, today);
  const { label, badge } = QUARTERLY_BADGE[state];
  const lastQuarter = quarterOf(vietnamToday(updatedAt));
  const due = nextQuarter(lastQuarter);
  const lastDay = formatDate(updatedAt);
  const dueDay = formatDate(`${quarterRange(due).end}T12:00:00+07:00`);
  const detail =
    state === 'khong_ap_dung'
      ? 'Hội không còn hoạt động: không thuộc kỳ cập nhật hằng quý.'
      : state === 'dung_han'
        ? `Cập nhật lần cuối ngày ${lastDay}; hạn cập nhật tiếp theo: ngày ${dueDay} (${formatQuarter(due)}).`
        : `Cập nhật lần cuối ngày ${lastDay}; chưa cập nhật cho ${formatQuarter(due)} (hạn ngày ${dueDay}).`;
  return { state, label, text: `${QUARTERLY_PREFIX}: ${label}`, badge, detail };
}
