/** What the notice pages post, checked with zod (Vietnamese messages). */
import { z } from 'zod';
import { NOTICE_EMAIL_CHOICES } from './notice-mail.js';

export const noticeEmailForm = z.object({
  notice_email: z.enum(NOTICE_EMAIL_CHOICES, { error: 'Chọn một trong ba cách nhận thư thông báo.' }),
});
