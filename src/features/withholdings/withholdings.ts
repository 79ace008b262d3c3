/**
 * Withholding a public field of one association (issue 16 item 1, as the ACNC withholds on request): which fields
 * may be withheld (the record's public fields of Biểu mẫu 1 but its name, scope and status), and how a withheld field is left out of a
 * public record (under its public key) or a report row (under its form name). Pure functions.
 */
import { type PublicFieldDef, type PublicRecord, publicKey, RECORD_PUBLIC_FIELDS } from '../public/public-fields.js';

/**
 * The fields staff may withhold: every public field of the record itself except its name (the record's title), its
 * scope and its status (the public list is filtered and badged by them).
 */
const NOT_WITHHOLDABLE = new Set(['name', 'scope', 'status']);
export const WITHHOLDABLE: readonly PublicFieldDef[] = RECORD_PUBLIC_FIELDS.filter((d) => !NOT_WITHHOLDABLE.has(d.name));

const LABELS = new Map(WITHHOLDABLE.map((d) => [d.name, d.public.label ?? d.label]));

export function withholdableLabel(field: string): string {
  return LABELS.get(field) ?? field;
}

export function isWithholdable(field: string): boolean {
  return LABELS.has(field);
}

const PUBLIC_KEY = new Map(WITHHOLDABLE.map((d) => [d.name, publicKey(d)]));

/** The public record without the withheld fields' values (the key stays, empty: CSV and JSON keep their shape). */
export function withholdPublic(record: PublicRecord, withheld: ReadonlySet<string> | undefined): PublicRecord {
  if (!withheld || withheld.size === 0) return record;
  const out: Record<string, unknown> = { ...record };
  for (const field of withheld) {
    const key = PUBLIC_KEY.get(field);
    if (key && key in out) out[key] = Array.isArray(out[key]) ? [] : null;
  }
  return out as PublicRecord;
}

/** The history's reason for a withholding change (the version it makes). */
export function withholdingReason(field: string, withhold: { reason: string; until: string | null } | null): string {
  const label = withholdableLabel(field);
  if (!withhold) return `Công khai lại trường "${label}"`;
  if (!withhold.until) return `Không công khai trường "${label}": ${withhold.reason}`;
  const until = withhold.until.split('-').reverse().join('/');
  return `Không công khai trường "${label}" đến hết ngày ${until}: ${withhold.reason}`;
}
