/**
 * Actions hard to undo (removing an officer, applying an import, revoking a grant: issue 18 item 7) are reached
 * through a GET confirmation page (views/partials/confirm.ejs) whose form adds `xac-nhan=1`. A POST without it
 * (an old form, a replayed request) performs nothing: the handler redirects (303) to the confirmation page.
 */
import type { Request } from 'express';

export const CONFIRM_FIELD = 'xac-nhan';

/** True when the POST came from the confirmation page. */
export function isConfirmed(req: Request): boolean {
  const body = (req.body ?? {}) as Record<string, unknown>;
  return body[CONFIRM_FIELD] === '1';
}
