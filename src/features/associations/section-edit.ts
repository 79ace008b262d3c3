/**
 * The staff edit of one section of Biểu mẫu 1 (issue 18 item 2): the section's post laid over the record as stored,
 * parsed by the register's one schema. Only the section's errors stop the save — a record imported with a gap in
 * another section can still have this one corrected — and what is written is the whole record with only this section
 * changed, as one new version (associations.service update: one transaction, history, diff, audit).
 */
import type { SectionDef } from '../register-form/definition.js';
import { toFlatBody } from '../register-form/flat-body.js';
import { type CatalogueCodes, type ParseResult, parseAssociationForm, valuesFromRecord } from '../register-form/schema.js';
import { sectionErrors, withSection } from '../register-form/sections.js';

type StoredRecord = {
  record: Record<string, unknown> & { other_field_codes?: string[] };
  lists: Record<string, Array<Record<string, unknown>>>;
};

/** The record's form body with the posted section laid over it, parsed; `errors` are the section's own. */
export function parseSectionEdit(
  full: StoredRecord,
  posted: Record<string, unknown>,
  section: SectionDef,
  codes: CatalogueCodes,
): ParseResult {
  const stored = toFlatBody(valuesFromRecord(full.record, full.lists));
  const parsed = parseAssociationForm(withSection(stored, posted, section), codes);
  const errors = sectionErrors(parsed.errors, section);
  return { ...parsed, ok: Object.keys(errors).length === 0, errors };
}
