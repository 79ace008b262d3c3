/** RELIABILITY rule 6: the scheduler's cron expressions, node-cron 4's AND of day-of-month and day-of-week. */
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { cronProblem, localStamp, previousFire } from '../../src/lib/cron.js';

const at = (iso: string) => new Date(iso);

describe('cron expressions', () => {
  it('accepts the default schedules and 6-field (seconds) expressions', () => {
    for (const e of ['0 7 * * *', '30 7 * * *', '0 8 * 12 *', '0 2 * * 0', '*/5 * * * * *', '0 7 L 3,6,9,12 *']) {
      expect(cronProblem(e), e).toBeNull();
    }
  });

  it('refuses malformed expressions, both day fields restricted (AND semantics) and never-firing ones', () => {
    expect(cronProblem('x')).toMatch(/5 trường/);
    expect(cronProblem('61 * * * *')).toMatch(/không phải/);
    expect(cronProblem('0 8 31 12 1')).toMatch(/AND/);
    expect(cronProblem('0 8 28-31 3,6,9,12 1-5')).toMatch(/AND/);
    expect(cronProblem('0 0 30 2 *')).not.toBeNull();
  });

  it('finds the latest firing at or before now, in Viet Nam time', () => {
    // 08:40 UTC = 15:40 in Ha Noi.
    const now = at('2026-11-29T08:40:00Z');
    expect(localStamp(previousFire('0 7 * * *', now) as Date)).toBe('2026-11-29T07:00:00');
    expect(localStamp(previousFire('0 16 * * *', now) as Date)).toBe('2026-11-28T16:00:00');
    // Sundays at 02:00: 29/11/2026 is a Sunday.
    expect(localStamp(previousFire('0 2 * * 0', now) as Date)).toBe('2026-11-29T02:00:00');
    expect(localStamp(previousFire('0 2 * * 1', now) as Date)).toBe('2026-11-23T02:00:00');
    expect(localStamp(previousFire('0 8 * 12 *', now) as Date)).toBe('2025-12-31T08:00:00');
    expect(localStamp(previousFire('0 7 L 3,6,9,12 *', now) as Date)).toBe('2026-09-30T07:00:00');
    expect(localStamp(previousFire('*/5 * * * * *', at('2026-11-29T08:40:07.500Z')) as Date)).toBe('2026-11-29T15:40:05');
    // Exactly at the firing instant counts.
    expect(localStamp(previousFire('0 7 * * *', at('2026-11-29T00:00:00Z')) as Date)).toBe('2026-11-29T07:00:00');
  });

  it('leaves no node-cron task behind', async () => {
    const cron = (await import('node-cron')).default;
    const before = cron.getTasks().size;
    for (let i = 0; i < 5; i++) previousFire('0 2 * * 0', at('2026-11-29T08:40:00Z'));
    expect(cron.getTasks().size).toBe(before);
  });

  it('the AND semantics the validator guards against are real in node-cron 4', async () => {
    const cron = (await import('node-cron')).default;
    const task = cron.createTask('0 8 31 12 1', () => undefined, { timezone: 'Asia/Ho_Chi_Minh' });
    // 31/12/2026 is a Thursday: classic cron (OR) would fire, node-cron 4 (AND) does not.
    expect(task.match(at('2026-12-31T01:00:00Z'))).toBe(false);
    await task.destroy();
  });

  it('config lists every bad schedule with its variable', () => {
    expect(() => loadConfig({ SCHEDULE_QUARTERLY_CYCLE: '0 8 31 3,6,9,12 1', SCHEDULE_CONGRESS_ALERTS: 'nope' })).toThrow(
      /SCHEDULE_QUARTERLY_CYCLE[^\n]*AND[\s\S]*SCHEDULE_CONGRESS_ALERTS/,
    );
    const c = loadConfig({});
    expect(c.jobs.schedules['quarterly-cycle']).toBe('0 7 * * *');
    expect(c.jobs.scheduler).toBe(true);
    expect(loadConfig({ NODE_ENV: 'test' }).jobs.scheduler).toBe(false);
    expect(loadConfig({ SCHEDULER: 'off' }).jobs.scheduler).toBe(false);
    expect(() => loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' })).toThrow(/MAIL_FROM/);
    expect(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525', MAIL_FROM: 'CSDL hội <no-reply@bnv.gov.vn>' }).mail.smtpUrl).toBe(
      'smtp://127.0.0.1:2525',
    );
  });
});
