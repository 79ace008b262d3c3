/**
 * Term-congress state (FORM-1.md G, R-17.1 e): the term ends at the last term congress's end date plus the
 * term length; an extension moves the deadline. States:
 *   chua_den_han (> 6 months left), sap_den_han (≤ 6 months), qua_han (ended, no congress, no extension),
 *   dang_gia_han (extension running), qua_han_gia_han (extension lapsed: a dissolution ground).
 */
export type TermState = 'chua_den_han' | 'sap_den_han' | 'qua_han' | 'dang_gia_han' | 'qua_han_gia_han';

export const TERM_STATE_LABELS: Record<TermState, string> = {
  chua_den_han: 'Chưa đến hạn',
  sap_den_han: 'Sắp đến hạn (≤ 6 tháng)',
  qua_han: 'Quá hạn đại hội',
  dang_gia_han: 'Đang được gia hạn',
  qua_han_gia_han: 'Quá hạn gia hạn',
};

/**
 * The one definition of "quá hạn đại hội" (R-17.1 e): a live association (statuses.ts) whose term is in one of
 * these states. Report e's filter, the staff home's figure, the congress-alerts job and the record's badge use it;
 * a dissolved or otherwise ended association owes no congress and is never overdue.
 */
export const OVERDUE_STATES: readonly TermState[] = ['qua_han', 'qua_han_gia_han'];

export function isOverdueState(state: string): boolean {
  return (OVERDUE_STATES as readonly string[]).includes(state);
}

/**
 * Report e's state of a live association: its term's, or "chưa có đại hội" when it has no founding or term congress
 * yet (it is in report e's population all the same).
 */
export type TrackedTermState = TermState | 'chua_co_dai_hoi';

export const TRACKED_TERM_STATE_LABELS: Record<TrackedTermState, string> = {
  ...TERM_STATE_LABELS,
  chua_co_dai_hoi: 'Chưa có đại hội',
};

/**
 * The three-level badge of the register record and the officer's home (R-17.1 e): "Đúng hạn / Sắp đến hạn / Quá hạn
 * đại hội". A running extension counts as "Sắp đến hạn" (the extended deadline approaches).
 */
export const TERM_COMPLIANCE: Record<TermState, { label: string; badge: string }> = {
  chua_den_han: { label: 'Đúng hạn', badge: 'text-bg-success' },
  sap_den_han: { label: 'Sắp đến hạn', badge: 'text-bg-warning' },
  dang_gia_han: { label: 'Sắp đến hạn', badge: 'text-bg-warning' },
  qua_han: { label: 'Quá hạn đại hội', badge: 'text-bg-danger' },
  qua_han_gia_han: { label: 'Quá hạn đại hội', badge: 'text-bg-danger' },
};

export interface CongressLike {
  held_on: string;
  term_years: number;
  congress_type: string;
}

export interface ExtensionLike {
  decided_on: string;
  new_deadline: string;
}

export interface TermInfo {
  state: TermState;
  /** 'YYYY-MM-DD' the current term ends (before any extension). */
  termEnd: string;
  /** The deadline in force: the extension's when one applies. */
  deadline: string;
  lastCongress: string;
}

function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y + years, m - 1, d));
  // 29/02 + n years → 28/02 when the target year is not a leap year.
  if (date.getUTCDate() !== d) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

function addMonths(iso: string, months: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y, m - 1 + months, d));
  if (date.getUTCDate() !== d) date.setUTCDate(0);
  return date.toISOString().slice(0, 10);
}

export { vietnamToday } from '../../lib/format.js';

/** null when the record has no founding or term congress yet. */
export function termInfo(congresses: readonly CongressLike[], extensions: readonly ExtensionLike[], today: string): TermInfo | null {
  const terms = congresses.filter((c) => c.congress_type !== 'bat_thuong' && c.held_on).sort((a, b) => a.held_on.localeCompare(b.held_on));
  const last = terms.at(-1);
  if (!last) return null;
  const termEnd = addYears(last.held_on, last.term_years);
  const extension = extensions
    .filter((e) => e.decided_on >= last.held_on)
    .sort((a, b) => a.new_deadline.localeCompare(b.new_deadline))
    .at(-1);
  if (today <= termEnd) {
    return {
      state: today > addMonths(termEnd, -6) ? 'sap_den_han' : 'chua_den_han',
      termEnd,
      deadline: termEnd,
      lastCongress: last.held_on,
    };
  }
  if (extension && extension.new_deadline > termEnd) {
    return {
      state: today <= extension.new_deadline ? 'dang_gia_han' : 'qua_han_gia_han',
      termEnd,
      deadline: extension.new_deadline,
      lastCongress: last.held_on,
    };
  }
  return { state: 'qua_han', termEnd, deadline: termEnd, lastCongress: last.held_on };
}
