/** Schedules on screens in plain Vietnamese (issue 15 item 16): the cron expression stays in the configuration. */
import { describe, expect, it } from 'vitest';
import { describeCron } from '../../src/lib/cron.js';

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
