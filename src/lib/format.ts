/** Vietnamese formatting: dates dd/mm/yyyy, numbers 1.234.567, money in VND. Time zone Asia/Ho_Chi_Minh. */
export const TIME_ZONE = 'Asia/Ho_Chi_Minh';

const numberFmt = new Intl.NumberFormat('vi-VN');
const dateFmt = new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, day: '2-digit', month: '2-digit', year: 'numeric' });
const timeFmt = new Intl.DateTimeFormat('vi-VN', { timeZone: TIME_ZONE, hour: '2-digit', minute: '2-digit', hour12: false });

function toDate(value: Date | string | number | null | undefined): Date | null {
  if (value === null || value === undefined || value === '') return null;
  const d = value instanceof Date ? value : new Date(value);
  return Number.isNaN(d.getTime()) ? null : d;
}

function parts(d: Date): { day: string; month: string; year: string } {
  const p = Object.fromEntries(dateFmt.formatToParts(d).map((x) => [x.type, x.value]));
  return { day: p.day ?? '', month: p.month ?? '', year: p.year ?? '' };
}

/** 05/02/2013 */
export function formatDate(value: Date | string | number | null | undefined): string {
  const d = toDate(value);
  if (!d) return '';
  const { day, month, year } = parts(d);
  return `${day}/${month}/${year}`;
}

/** 05/02/2013 14:30 */
export function formatDateTime(value: Date | string | number | null | undefined): string {
  const d = toDate(value);
  if (!d) return '';
  return `${formatDate(d)} ${timeFmt.format(d)}`;
}

const secondsFmt = new Intl.DateTimeFormat('en-GB', {
  timeZone: TIME_ZONE,
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** 14:30:05 05/02/2013 — an event to the second, time first (the audit log). */
export function formatTimeToSecond(value: Date | string | number | null | undefined): string {
  const d = toDate(value);
  if (!d) return '';
  return `${secondsFmt.format(d)} ${formatDate(d)}`;
}

/** A year as a year is written: 1900, 2026 — never with a thousands separator (not "1.900"). */
export function formatYear(value: number | string | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const n = Number(value);
  return Number.isInteger(n) ? String(n) : '';
}

const ROMAN_QUARTERS = ['I', 'II', 'III', 'IV'] as const;

/** A quarter as a ministry writes it: 'Quý IV/2026' from the key '2026-Q4' (capital Q, Roman numeral); '' if not a key. */
export function formatQuarter(key: string | null | undefined): string {
  const m = /^(\d{4})-Q([1-4])$/.exec(key ?? '');
  return m ? `Quý ${ROMAN_QUARTERS[Number(m[2]) - 1]}/${m[1]}` : '';
}

/** A number as `fmt` writes it; '' for nothing or not a number. */
function numberWith(fmt: Intl.NumberFormat, value: number | string | bigint | null | undefined): string {
  if (value === null || value === undefined || value === '') return '';
  const n = typeof value === 'string' ? Number(value) : value;
  if (typeof n === 'number' && Number.isNaN(n)) return '';
  return fmt.format(n);
}

/** 1.234.567 */
export function formatNumber(value: number | string | bigint | null | undefined): string {
  return numberWith(numberFmt, value);
}

/** 1.234.567 đ */
export function formatVnd(value: number | string | bigint | null | undefined): string {
  const s = formatNumber(value);
  return s === '' ? '' : `${s} đ`;
}

const isoDay = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });

/** The calendar day in Viet Nam at `now`, as 'YYYY-MM-DD' (validity dates, congress deadlines). */
export function vietnamToday(now: Date): string {
  return isoDay.format(now);
}

const enNumberFmt = new Intl.NumberFormat('en-GB');

/** What views print numbers, dates and money with (`fmt`), in each language of the interface. */
export interface Formatters {
  date: typeof formatDate;
  dateTime: typeof formatDateTime;
  number: typeof formatNumber;
  vnd: typeof formatVnd;
}

const VI_FORMATTERS: Formatters = Object.freeze({ date: formatDate, dateTime: formatDateTime, number: formatNumber, vnd: formatVnd });

/** English: the same dd/mm/yyyy dates (en-GB writes them so too), numbers 1,234,567, money "1,234,567 VND". */
const EN_FORMATTERS: Formatters = Object.freeze({
  date: formatDate,
  dateTime: formatDateTime,
  number: (value: number | string | bigint | null | undefined) => numberWith(enNumberFmt, value),
  vnd: (value: number | string | bigint | null | undefined) => {
    const s = EN_FORMATTERS.number(value);
    return s === '' ? '' : `${s} VND`;
  },
});

export function formattersFor(lang: 'vi' | 'en'): Formatters {
  return lang === 'en' ? EN_FORMATTERS : VI_FORMATTERS;
}

/** A label's first letter in capitals (a heading) … */
export const upperFirst = (s: string): string => (s ? s.charAt(0).toUpperCase() + s.slice(1) : s);
/** … or in lower case (inside a sentence: "Hãy nhập ${lowerFirst(label)}."). */
export const lowerFirst = (s: string): string => (s ? s.charAt(0).toLowerCase() + s.slice(1) : s);
