/**
 * The officer's save or send of a submission form, as Biểu mẫu 1 and the congress package post it: the version the
 * form was opened at, whether "Gửi" was pressed, the declaration box. One reading for both forms.
 */
import { z } from 'zod';
import { ValidationError } from '../../lib/errors.js';

const versionSchema = z.object({ version: z.coerce.number().int().min(1).max(1_000_000) });

export interface OfficerSave {
  version: number;
  body: Record<string, unknown>;
  submit: boolean;
  declared: boolean;
}

/** `missingVersion`: the message when the form came without its version (a stale or hand-made post). */
export function officerSaveInput(rawBody: unknown, missingVersion: string): OfficerSave {
  const body = (rawBody ?? {}) as Record<string, unknown>;
  const v = versionSchema.safeParse(body);
  if (!v.success) throw new ValidationError({ version: missingVersion });
  return { version: v.data.version, body, submit: body.action === 'gui', declared: body.declaration === 'on' };
}
