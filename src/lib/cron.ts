/**
 * Cron expressions of the scheduler (node-cron 4, time zone Asia/Ho_Chi_Minh).
 *
 * node-cron 4 joins day-of-month and day-of-week with AND (classic cron uses OR): `0 8 31 12 1` fires only on a
 * 31 December that is a Monday. An expression restricting both is refused at start with a clear message; a job
 * that must run on "the last day of a quarter" runs daily and decides in code (RELIABILITY rule 6).
 */
import cron from 'node-cron';

export const JOB_TIME_ZONE = 'Asia/Ho_Chi_Minh';
/** Viet Nam has had no daylight saving time since 1975: local time is always UTC+7. */
const OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;
/** How far back a period missed while the app was down is looked for. */
const LOOKBACK_DAYS = 400;

function fields(expression: string): string[] {
  return expression.trim().split(/\s+/);
}

/** null when the expression is usable; otherwise a Vietnamese explanation (for config errors). */
export function cronProblem(expression: string): string | null {
  const parts = fields(expression);
  // server-text: a configuration error, shown to operators at start-up
  if (parts.length !== 5 && parts.length !== 6) return 'phải có 5 trường (phút giờ ngày tháng thứ) hoặc 6 trường (thêm giây ở đầu)';
  // server-text: a configuration error, shown to operators at start-up
  if (!cron.validate(expression)) return 'không phải biểu thức cron hợp lệ';
  const [dom, , dow] = parts.slice(-3);
  const restricted = (v: string | undefined) => v !== undefined && v !== '*' && v !== '?';
  if (restricted(dom) && restricted(dow)) {
    // server-text: a configuration error, shown to operators at start-up
    return 'không được giới hạn đồng thời ngày trong tháng và thứ trong tuần: node-cron 4 ghép hai điều kiện bằng AND (chỉ chạy khi cả hai cùng đúng)';
  }
  // server-text: a configuration error, shown to operators at start-up
  if (previousFire(expression, new Date(Date.UTC(2031, 0, 1)), 4 * 366) === null) return 'không bao giờ đến lượt chạy';
  return null;
}

/** Viet Nam local calendar parts of an instant. */
function localParts(ms: number) {
  const d = new Date(ms + OFFSET_MS);
  return { y: d.getUTCFullYear(), m: d.getUTCMonth() + 1, d: d.getUTCDate() };
}

function instant(y: number, m: number, d: number, h: number, mi: number, s: number): number {
  return Date.UTC(y, m - 1, d, h, mi, s) - OFFSET_MS;
}

/**
 * The latest instant ≤ now at which the expression fires (Viet Nam time), or null if none within the look-back.
 * Used for catching up on a run missed while the app was down and as the default period of a scheduled job.
 */
export function previousFire(expression: string, now: Date, lookbackDays = LOOKBACK_DAYS): Date | null {
  const parsed = cron.parse(expression);
  const seconds = [...parsed.second].sort((a, b) => b - a);
  const minutes = [...parsed.minute].sort((a, b) => b - a);
  const hours = [...parsed.hour].sort((a, b) => b - a);
  const task = cron.createTask(expression, () => undefined, { timezone: JOB_TIME_ZONE });
  try {
    const nowMs = now.getTime();
    const today = localParts(nowMs);
    const startOfToday = instant(today.y, today.m, today.d, 0, 0, 0);
    for (let i = 0; i <= lookbackDays; i++) {
      const { y, m, d } = localParts(startOfToday - i * DAY_MS + OFFSET_MS / 2);
      // Day fields and time fields are independent: the day matches iff its first valid time matches.
      const probe = instant(y, m, d, hours.at(-1) ?? 0, minutes.at(-1) ?? 0, seconds.at(-1) ?? 0);
      if (!task.match(new Date(probe))) continue;
      for (const h of hours) {
        if (i === 0 && instant(y, m, d, h, 0, 0) > nowMs) continue;
        for (const mi of minutes) {
          for (const s of seconds) {
            const t = instant(y, m, d, h, mi, s);
            if (t <= nowMs) return new Date(t);
          }
        }
      }
    }
    return null;
  } finally {
    void task.destroy();
  }
}

/** 'YYYY-MM-DDTHH:mm:ss' in Viet Nam time: the default period key of a scheduled job. */
export function localStamp(date: Date): string {
  return new Date(date.getTime() + OFFSET_MS).toISOString().slice(0, 19);
}

const WEEKDAYS = ['Chủ nhật', 'Thứ Hai', 'Thứ Ba', 'Thứ Tư', 'Thứ Năm', 'Thứ Sáu', 'Thứ Bảy'];
const two = (n: number) => String(n).padStart(2, '0');

/** A text as the page's language prints it (`tx` of a view); the identity keeps the Vietnamese. */
type Say = (text: string) => string;
const asWritten: Say = (text) => text;

/** "1, 2 và 3" */
function listVi(items: readonly (string | number)[], say: Say = asWritten): string {
  const all = items.map(String);
  return all.length <= 1 ? (all[0] ?? '') : `${all.slice(0, -1).join(', ')} ${say('và')} ${all.at(-1)}`;
}

/**
 * A schedule in plain Vietnamese for screens ("Hằng ngày lúc 07:00", "Chủ nhật hằng tuần lúc 02:00",
 * "Hằng ngày trong tháng 12 lúc 08:00"): the cron expression itself stays in the configuration. `say` translates
 * each piece as it is made (a view's `tx`: the pieces are locales/texts/en keys), so that the English reads whole.
 */
export function describeCron(expression: string, say: Say = asWritten): string {
  const p = cron.parse(expression);
  const sorted = (s: Iterable<number | string>) => [...s].map(Number).sort((a, b) => a - b);
  const [seconds, minutes, hours, doms, months, dows] = [p.second, p.minute, p.hour, p.dayOfMonth, p.month, p.dayOfWeek].map(sorted) as [
    number[],
    number[],
    number[],
    number[],
    number[],
    number[],
  ];
  const list = (items: readonly (string | number)[]) => listVi(items, say);
  const weekdays = [...new Set(dows.map((d) => d % 7))].sort((a, b) => a - b);
  let time: string;
  /** Whether the time is a clock time ("lúc 07:00"), joined to the days by a space rather than a comma. */
  let atClock = false;
  if (seconds.length === 60) time = say('mỗi giây');
  else if (minutes.length === 60 && hours.length === 24)
    time = seconds.length === 1 ? say('mỗi phút') : say(`giây thứ ${list(seconds)} của mỗi phút`);
  else if (hours.length === 24) {
    const step = minutes.length > 1 ? (minutes[1] as number) - (minutes[0] as number) : 60;
    const even = minutes[0] === 0 && 60 % step === 0 && minutes.every((m, i) => m === i * step);
    time = even
      ? step === 60
        ? say('mỗi giờ một lần, đúng đầu giờ')
        : say(`${step} phút một lần`)
      : say(`phút thứ ${list(minutes)} của mỗi giờ`);
  } else {
    const stamps = hours.flatMap((h) => minutes.map((m) => `${two(h)}:${two(m)}`));
    atClock = stamps.length <= 6;
    time = atClock ? say(`lúc ${list(stamps)}`) : say(`mỗi phút ${list(minutes)} trong các giờ ${list(hours)}`);
  }
  const parts: string[] = [];
  const everyDay = weekdays.length === 7 && doms.length === 31 && months.length === 12;
  if (weekdays.length < 7) parts.push(say(`${list(weekdays.map((d) => say(WEEKDAYS[d] as string)))} hằng tuần`));
  else if (doms.length < 31) parts.push(months.length < 12 ? say(`ngày ${list(doms)}`) : say(`ngày ${list(doms)} hằng tháng`));
  else parts.push(say('hằng ngày'));
  if (months.length < 12)
    parts.push(doms.length < 31 && weekdays.length === 7 ? say(`các tháng ${list(months)}`) : say(`trong tháng ${list(months)}`));
  // Every day, several times an hour: the period alone says it ("15 phút một lần").
  const when = everyDay && hours.length === 24 ? '' : `${parts.join(' ')}${atClock ? ' ' : ', '}`;
  const text = `${when}${time}`;
  return `${text.charAt(0).toUpperCase()}${text.slice(1)}`;
}
