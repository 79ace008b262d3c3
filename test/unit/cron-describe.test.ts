/** Schedules on screens in plain Vietnamese (issue 15 item 16): the cron expression stays in the configuration. */
import { describe, expect, it } from 'vitest';
import { describeCron } from '../../src/lib/cron.js';
import { createTextTranslator, loadTextCatalogue } from '../../src/lib/server-text.js';

describe('describeCron', () => {
  it.each([
    ['0 7 * * *', 'Hằng ngày lúc 07:00'],
    ['0 2 * * 0', 'Chủ nhật hằng tuần lúc 02:00'],
    ['0 8 * 12 *', 'Hằng ngày trong tháng 12 lúc 08:00'],
    ['0 1 1 1,4,7,10 *', 'Ngày 1 các tháng 1, 4, 7 và 10 lúc 01:00'],
    ['0 0 8,20 * * 1-5', 'Thứ Hai, Thứ Ba, Thứ Tư, Thứ Năm và Thứ Sáu hằng tuần lúc 08:00 và 20:00'],
    ['*/15 * * * *', '15 phút một lần'],
    ['0 * * * *', 'Mỗi giờ một lần, đúng đầu giờ'],
    ['*/15 * * * 1', 'Thứ Hai hằng tuần, 15 phút một lần'],
    ['* * * * * *', 'Mỗi giây'],
  ])('%s → %s', (expression, text) => {
    expect(describeCron(expression)).toBe(text);
  });
});

describe('describeCron in English (issue 17 item 2)', () => {
  const tx = createTextTranslator(loadTextCatalogue());
  it.each([
    ['0 7 * * *', 'Every day at 07:00'],
    ['0 2 * * 0', 'Every Sunday at 02:00'],
    ['0 8 * 12 *', 'Every day in month 12 at 08:00'],
    ['0 1 1 1,4,7,10 *', 'On day 1 of months 1, 4, 7 and 10 at 01:00'],
    ['0 0 8,20 * * 1-5', 'Every Monday, Tuesday, Wednesday, Thursday and Friday at 08:00 and 20:00'],
    ['*/15 * * * *', 'Every 15 minutes'],
    ['0 * * * *', 'Once an hour, on the hour'],
    ['*/15 * * * 1', 'Every Monday, every 15 minutes'],
    ['* * * * * *', 'Every second'],
    ['0 30 9 1,15 * *', 'On day 1 and 15 of every month at 09:30'],
  ])('%s → %s', (expression, text) => {
    expect(describeCron(expression, tx)).toBe(text);
  });
});
