/**
 * The public-field setting (SPEC §6, R-3.2, R-17.2): which fields of a PUBLISHED association anyone may read.
 * One definition used by every public page, the CSV and the JSON, so they can never disagree.
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
export type PublicRegime = '113' | '79-2022';

export type PublicValueKind = 'text' | 'longtext' | 'int' | 'date' | 'list' | 'url' | 'email';

export type PublicGroup = 'identity' | 'activity' | 'contact' | 'founding' | 'leadership';

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

/** (a) general information and (b) the list by field — Quyết định 113/QĐ-BNV. */
const GENERAL: readonly PublicField[] = [
  { key: 'code', label: 'Mã hội', kind: 'text', group: 'identity' },
  { key: 'name', label: 'Tên hội', kind: 'text', group: 'identity' },
  { key: 'abbreviation', label: 'Tên viết tắt', kind: 'text', group: 'identity' },
  { key: 'foreign_name', label: 'Tên tiếng nước ngoài', kind: 'text', group: 'identity' },
  { key: 'foreign_abbreviation', label: 'Tên viết tắt tiếng nước ngoài', kind: 'text', group: 'identity' },
  { key: 'kind', label: 'Loại hình', kind: 'text', group: 'identity' },
  { key: 'status', label: 'Trạng thái', kind: 'text', group: 'identity' },
  { key: 'scope', label: 'Phạm vi hoạt động', kind: 'text', group: 'activity' },
  { key: 'main_field', label: 'Lĩnh vực hoạt động chính', kind: 'text', group: 'activity' },
  { key: 'other_fields', label: 'Lĩnh vực hoạt động khác', kind: 'list', group: 'activity' },
  { key: 'managing_ministry', label: 'Bộ, ngành quản lý nhà nước về lĩnh vực chính', kind: 'text', group: 'activity' },
  { key: 'purpose', label: 'Tôn chỉ, mục đích', kind: 'longtext', group: 'activity' },
  { key: 'hq_address', label: 'Trụ sở chính: số nhà, đường', kind: 'text', group: 'contact' },
  { key: 'hq_ward', label: 'Trụ sở chính: xã, phường, đặc khu', kind: 'text', group: 'contact' },
  { key: 'hq_province', label: 'Trụ sở chính: tỉnh, thành phố', kind: 'text', group: 'contact' },
  { key: 'phone', label: 'Điện thoại của hội', kind: 'text', group: 'contact' },
  { key: 'email', label: 'Thư điện tử của hội', kind: 'email', group: 'contact' },
  { key: 'website', label: 'Trang thông tin điện tử', kind: 'url', group: 'contact' },
  { key: 'founding_decision_number', label: 'Số quyết định cho phép thành lập', kind: 'text', group: 'founding' },
  { key: 'founding_decision_date', label: 'Ngày quyết định cho phép thành lập', kind: 'date', group: 'founding' },
];

/** Basic information added by Quyết định 79/QĐ-BNV (2022). */
const BASIC_79: readonly PublicField[] = [
  { key: 'nature', label: 'Tính chất', kind: 'text', group: 'activity' },
  { key: 'members_total', label: 'Tổng số hội viên', kind: 'int', group: 'activity' },
  { key: 'president_name', label: 'Chủ tịch hội (họ và tên)', kind: 'text', group: 'leadership' },
  { key: 'president_position', label: 'Chức vụ', kind: 'text', group: 'leadership' },
];

export const PUBLIC_REGIMES: Record<PublicRegime, { label: string; description: string; fields: readonly PublicField[] }> = {
  '113': {
    label: 'Quyết định số 113/QĐ-BNV',
    description: 'Chỉ công khai thông tin chung của hội và danh sách hội theo lĩnh vực (Điều 3, Điều 17 Quyết định số 113/QĐ-BNV).',
    fields: GENERAL,
  },
  '79-2022': {
    label: 'Quyết định số 79/QĐ-BNV năm 2022',
    description: 'Công khai thông tin cơ bản của hội: thông tin chung, tính chất, số hội viên và chủ tịch hội (họ tên, chức vụ).',
    fields: [...GENERAL, ...BASIC_79],
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
