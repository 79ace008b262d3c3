/**
 * The public-field setting (SPEC §6, R-3.2, R-17.2): which fields of a PUBLISHED association anyone may read.
 * One list used by every public page, the CSV and the JSON, so they can never disagree; it is derived from the
 * `public` attribute of Biểu mẫu 1's fields (register-form/definition.ts), which names the regimes that show each.
 *
 *  - '113' (default): Quyết định 113/QĐ-BNV keeps the database under a confidential regime and makes public only
 *    (a) the general information of an association and (b) the list by field.
 *  - '79-2022': Quyết định 79/QĐ-BNV (2022) makes basic information public by default: adds nature, total
 *    members and the current president (full name and position only).
 *
 * Never public under any regime: leaders' personal data (birth year, gender, contacts, outside post …), records
 * not published, and internal fields (data level, paper dossier, version, audit, provenance …). Values are read
 * only through `toPublic`, which copies the keys listed here and nothing else.
 */
import {
  ALL_FIELDS,
  type FieldDef,
  fixedOptionLabel,
  type PublicAttr,
  type PublicGroup,
  type PublicRegime,
  type PublicValueKind,
  SUBLISTS,
} from '../register-form/definition.js';

export interface PublicField {
  /** Stable English key: JSON property, CSV column id. */
  key: string;
  /** Vietnamese label: CSV header, page label. */
  label: string;
  kind: PublicValueKind;
  group: PublicGroup;
}

export const PUBLIC_GROUP_TITLES: Record<PublicGroup, string> = {
  identity: 'Thông tin chung',
  activity: 'Tôn chỉ, mục đích, phạm vi và lĩnh vực hoạt động',
  contact: 'Trụ sở và liên hệ của hội',
  founding: 'Thành lập',
  leadership: 'Người đứng đầu',
};

/** How a field's type is published. */
function kindOf(def: FieldDef): PublicValueKind {
  switch (def.type) {
    case 'textarea':
      return 'longtext';
    case 'int':
      return 'int';
    case 'date':
      return 'date';
    case 'multiselect':
      return 'list';
    case 'url':
      return 'url';
    case 'email':
      return 'email';
    default:
      return 'text';
  }
}

/** A field of the definition flagged public. */
export type PublicFieldDef = FieldDef & { public: PublicAttr };

export function isPublic(def: FieldDef): def is PublicFieldDef {
  return def.public !== undefined;
}

/**
 * The field's key in the open data: its `public.key`, else its name — a catalogue code being published as the
 * entry's name, under the name without `_code` (`kind_code` → `kind`, `other_field_codes` → `other_fields`).
 */
export function publicKey(def: PublicFieldDef): string {
  if (def.public.key) return def.public.key;
  return def.options && 'catalogue' in def.options ? def.name.replace(/_code$/, '').replace(/_codes$/, 's') : def.name;
}

/** The public fields of the record itself (not of a sub-list), in public order: the columns public.repository.ts reads. */
export const RECORD_PUBLIC_FIELDS: readonly PublicFieldDef[] = ALL_FIELDS.filter(isPublic).sort((a, b) => a.public.order - b.public.order);

/**
 * A select on a fixed list (`{ values }`) is read as its stored code, under this column: its labels live in the
 * definition, not in the database, and `labelFixedOptions` names it under its public key (`scope_code` → `scope`).
 */
export function fixedCodeColumn(def: PublicFieldDef): string {
  return `${publicKey(def)}_code`;
}

const FIXED: readonly PublicFieldDef[] = RECORD_PUBLIC_FIELDS.filter((def) => def.options && 'values' in def.options);

/** The labels of the source row's fixed-list codes, each under its field's public key (the code when unknown). */
export function labelFixedOptions(source: Record<string, unknown>): Record<string, string | null> {
  return Object.fromEntries(
    FIXED.map((def) => [publicKey(def), fixedOptionLabel(def.options, source[fixedCodeColumn(def)] as string | null)]),
  );
}

type Flagged = { field: PublicField; attr: Pick<PublicAttr, 'regimes' | 'order'> };

/** The register code: the record's key, not a field of the form; first under every regime. */
const CODE: Flagged = {
  field: { key: 'code', label: 'Mã hội', kind: 'text', group: 'identity' },
  attr: { regimes: ['113', '79-2022'], order: 0 },
};

const FLAGGED: readonly Flagged[] = [
  CODE,
  ...[...ALL_FIELDS, ...SUBLISTS.flatMap((l) => l.fields)].filter(isPublic).map((def) => ({
    field: { key: publicKey(def), label: def.public.label ?? def.label, kind: kindOf(def), group: def.public.group },
    attr: def.public,
  })),
].sort((a, b) => a.attr.order - b.attr.order);

function fieldsOf(regime: PublicRegime): readonly PublicField[] {
  return FLAGGED.filter((f) => f.attr.regimes.includes(regime)).map((f) => f.field);
}

export const PUBLIC_REGIMES: Record<PublicRegime, { label: string; description: string; fields: readonly PublicField[] }> = {
  '113': {
    label: 'Quyết định số 113/QĐ-BNV',
    description: 'Chỉ công khai thông tin chung của hội và danh sách hội theo lĩnh vực (Điều 3, Điều 17 Quyết định số 113/QĐ-BNV).',
    fields: fieldsOf('113'),
  },
  '79-2022': {
    label: 'Quyết định số 79/QĐ-BNV năm 2022',
    description: 'Công khai thông tin cơ bản của hội: thông tin chung, tính chất, số hội viên và chủ tịch hội (họ tên, chức vụ).',
    fields: fieldsOf('79-2022'),
  },
};

export function publicFields(regime: PublicRegime): readonly PublicField[] {
  return PUBLIC_REGIMES[regime].fields;
}

export function regimeIncludes(regime: PublicRegime, key: string): boolean {
  return publicFields(regime).some((f) => f.key === key);
}

export type PublicValue = string | number | string[] | null;
/** One published association as the public may see it: exactly the regime's keys, in the regime's order. */
export type PublicRecord = Record<string, PublicValue> & { code: string; name: string };

/** Copies only the regime's keys (whatever else `source` holds never leaves this function). */
export function toPublic(source: Record<string, unknown>, regime: PublicRegime): PublicRecord {
  const out: Record<string, PublicValue> = {};
  for (const f of publicFields(regime)) {
    const v = source[f.key];
    if (v === undefined || v === null || v === '') out[f.key] = f.kind === 'list' ? [] : null;
    else if (f.kind === 'list') out[f.key] = Array.isArray(v) ? v.map(String) : [String(v)];
    else if (f.kind === 'int') out[f.key] = Number(v);
    else out[f.key] = String(v);
  }
  return out as PublicRecord;
}
