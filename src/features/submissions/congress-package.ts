/**
 * A term congress's outcome as one package (issue 16 item 6; FORM-1.md F and G, R-17.1 e): the congress (a row of
 * Biểu mẫu 1's congress sub-list), the new leadership, the minutes (required) and the amended charter (optional).
 * The package is stored as a submission of kind 'congress' whose body is the record's flat body (flat-body.ts) with
 * the congress row added, the leaders in office ended on the congress day (former leaders stay with their dates)
 * and the new leadership added for the new term: the register's comparison (change-set.ts) shows every change, and
 * approval applies them all as one version. Pure functions: no SQL, no HTTP.
 */
import type { DocumentListItem } from '../documents/documents.service.js';
import { bodyFromRecord, officerBody } from '../register-form/change-set.js';
import { type FieldDef, fixedOptionLabel, SUBLISTS, type SubListDef } from '../register-form/definition.js';
import type { RecordSnapshot } from '../register-form/diff.js';
import { type FlatBody, fromFlatBody } from '../register-form/flat-body.js';
import { type CatalogueCodes, convertField, isoToVietnameseDate, parseVietnameseDate, shownValue } from '../register-form/schema.js';

const CONGRESSES = SUBLISTS.find((l) => l.name === 'congresses') as SubListDef;
const LEADERS = SUBLISTS.find((l) => l.name === 'leaders') as SubListDef;

/** Congress types a package is for: those that elect a leadership (a founding congress is entered by staff). */
export const PACKAGE_CONGRESS_TYPES: readonly string[] = ['nhiem_ky', 'bat_thuong'];
/** The position the new leadership must include (leader_positions catalogue). */
export const PRESIDENT_POSITION = 'CT';

const TYPE_DEF = CONGRESSES.fields.find((f) => f.name === 'congress_type') as FieldDef;

/** The congress's fields on the package form: Biểu mẫu 1's congress row, its types limited to those above. */
export const CONGRESS_FIELDS: readonly FieldDef[] = CONGRESSES.fields.map((f) =>
  f === TYPE_DEF && f.options && 'values' in f.options
    ? { ...f, options: { values: f.options.values.filter(([code]) => PACKAGE_CONGRESS_TYPES.includes(code)) } }
    : f,
);

/** Leader fields the package sets from the congress (the term, the day elected, the day the former ones left). */
const DERIVED_LEADER_FIELDS: ReadonlySet<string> = new Set(['term_number', 'elected_on', 'left_on', 'left_reason']);

/** The new leadership as a sub-list of the package form: the leader fields a person is entered with. */
export const NEW_LEADERS: SubListDef = {
  ...LEADERS,
  title: 'Ban lãnh đạo mới',
  itemLabel: 'người được bầu',
  blankRows: 2,
  fields: LEADERS.fields.filter((f) => !DERIVED_LEADER_FIELDS.has(f.name)),
};

/** The package's documents: where each is kept on the submission, its document type, whether it is required. */
export const DOCUMENT_ROLES = {
  'bien-ban': {
    column: 'minutes_attachment_id',
    typeCode: 'BB_DH',
    label: 'Biên bản đại hội',
    defaultTitle: 'Biên bản đại hội',
    required: true,
    hint: 'Bắt buộc: biên bản đại hội có chữ ký, bản chụp hoặc bản điện tử.',
  },
  'dieu-le': {
    column: 'charter_attachment_id',
    typeCode: 'DIEU_LE',
    label: 'Điều lệ sửa đổi, bổ sung',
    defaultTitle: 'Điều lệ (sửa đổi, bổ sung)',
    required: false,
    hint: 'Chỉ đính kèm khi đại hội đã thông qua điều lệ sửa đổi, bổ sung.',
  },
} as const;
export type DocumentRole = keyof typeof DOCUMENT_ROLES;
export type DocumentColumn = (typeof DOCUMENT_ROLES)[DocumentRole]['column'];

export function isDocumentRole(v: unknown): v is DocumentRole {
  return typeof v === 'string' && Object.hasOwn(DOCUMENT_ROLES, v);
}

/** What the package form shows and posts: the congress's fields and the new leadership's rows, as typed. */
export interface PackageValues {
  congress: Record<string, string>;
  leaders: Array<Record<string, string>>;
}

/** The latest congress on the record (to check the package's is a new one). */
export interface LastCongress {
  heldOn: string;
  termNumber: number;
}

export function lastCongress(full: RecordSnapshot): LastCongress | null {
  const rows = (full.lists.congresses ?? []) as Array<{ held_on?: unknown; term_number?: unknown }>;
  if (rows.length === 0) return null;
  const day = (v: unknown) => (v instanceof Date ? v.toISOString().slice(0, 10) : String(v ?? '').slice(0, 10));
  return {
    heldOn:
      rows
        .map((r) => day(r.held_on))
        .sort()
        .at(-1) ?? '',
    termNumber: Math.max(...rows.map((r) => Number(r.term_number) || 0)),
  };
}

function leaderRow(raw: Record<string, unknown>): Record<string, string> {
  const row: Record<string, string> = {};
  for (const f of NEW_LEADERS.fields) row[f.name] = shownValue(f, raw[f.name]) as string;
  return row;
}

const isBlank = (row: Record<string, string>) => Object.values(row).every((v) => v === '');

/** The posted package form: blank rows and rows marked «bỏ» dropped, the rest renumbered from 0. */
export function packageFromPost(body: Record<string, unknown>): PackageValues {
  const congress: Record<string, string> = {};
  for (const f of CONGRESS_FIELDS) congress[f.name] = shownValue(f, body[`congress.${f.name}`]) as string;
  const rows = new Map<number, Record<string, unknown>>();
  for (const [key, value] of Object.entries(body)) {
    const m = /^leaders\.(\d{1,3})\.([a-z_]+)$/.exec(key);
    if (!m) continue;
    const row = rows.get(Number(m[1])) ?? Object.create(null);
    row[m[2] as string] = value;
    rows.set(Number(m[1]), row);
  }
  const leaders = [...rows.entries()]
    .sort(([a], [b]) => a - b)
    .filter(([, raw]) => !raw._delete)
    .map(([, raw]) => leaderRow(raw))
    .filter((row) => !isBlank(row));
  return { congress, leaders };
}

/** The package a stored body holds: its congress row and new leaders are the rows without a record id. */
export function packageFromBody(body: FlatBody): PackageValues {
  const values = fromFlatBody(body);
  const row = (values.lists.congresses ?? []).find((r) => !r.id) ?? {};
  const congress: Record<string, string> = {};
  for (const f of CONGRESS_FIELDS) congress[f.name] = row[f.name] ?? '';
  const leaders = (values.lists.leaders ?? []).filter((r) => !r.id).map((r) => leaderRow(r));
  return { congress, leaders };
}

/** A new package: the new leadership starts as a copy of the one in office (most are re-elected), to be edited. */
export function newPackage(full: RecordSnapshot): PackageValues {
  const current = (fromFlatBody(bodyFromRecord(full)).lists.leaders ?? []).filter((r) => !r.left_on);
  return { congress: Object.fromEntries(CONGRESS_FIELDS.map((f) => [f.name, ''])), leaders: current.map((r) => leaderRow(r)) };
}

/** The congress's type as a phrase: «đại hội nhiệm kỳ», «đại hội bất thường». */
function typePhrase(code: string | undefined): string {
  return (fixedOptionLabel(TYPE_DEF.options, code) ?? 'đại hội').toLowerCase();
}

/**
 * The record's flat body with the package applied: the leaders in office end on the congress day, the new
 * leadership starts on it for the congress's term, the congress row is added. A draft may hold an unreadable date:
 * then nobody is ended yet.
 */
export function packageBody(full: RecordSnapshot, pkg: PackageValues): FlatBody {
  const values = fromFlatBody(bodyFromRecord(full));
  const heldIso = parseVietnameseDate(pkg.congress.held_on ?? '');
  const held = heldIso ? isoToVietnameseDate(heldIso) : '';
  const term = (pkg.congress.term_number ?? '').trim();
  const leaders = values.lists.leaders ?? [];
  if (held) {
    for (const r of leaders) {
      if (r.left_on) continue;
      r.left_on = held;
      // server-text: stored in the record as the leader's reason for leaving (data, in Vietnamese)
      r.left_reason ||= `Hết nhiệm kỳ, ${typePhrase(pkg.congress.congress_type)} ngày ${held} bầu ban lãnh đạo mới`;
    }
  }
  for (const l of pkg.leaders) leaders.push({ ...l, term_number: term, elected_on: held });
  values.lists.leaders = leaders;
  values.lists.congresses = [...(values.lists.congresses ?? []), { ...pkg.congress }];
  return officerBody(values);
}

/** «Hồ sơ đại hội nhiệm kỳ khóa 5 ngày 20/05/2026»: the history's note and the notices' title. */
export function packageTitle(pkg: PackageValues): string {
  const iso = parseVietnameseDate(pkg.congress.held_on ?? '');
  const term = (pkg.congress.term_number ?? '').trim();
  const congress = typePhrase(pkg.congress.congress_type);
  const day = iso ? isoToVietnameseDate(iso) : '';
  if (term && day) return `Hồ sơ ${congress} khóa ${term} ngày ${day}`;
  if (term) return `Hồ sơ ${congress} khóa ${term}`;
  if (day) return `Hồ sơ ${congress} ngày ${day}`;
  return `Hồ sơ ${congress}`;
}

export interface PackageContext {
  codes: CatalogueCodes;
  /** 'YYYY-MM-DD' in Viet Nam. */
  today: string;
  last: LastCongress | null;
}

function congressErrors(pkg: PackageValues, ctx: PackageContext): Record<string, string> {
  const errors: Record<string, string> = {};
  const parsed: Record<string, unknown> = {};
  for (const f of CONGRESSES.fields) {
    const [value, error] = convertField(f, pkg.congress[f.name], ctx.codes);
    if (error) errors[`congress.${f.name}`] = error;
    parsed[f.name] = value;
  }
  const type = pkg.congress.congress_type ?? '';
  if (type && !PACKAGE_CONGRESS_TYPES.includes(type))
    errors['congress.congress_type'] = 'Chọn đại hội nhiệm kỳ hoặc đại hội bất thường: hồ sơ này dành cho đại hội bầu ban lãnh đạo mới.';
  const held = typeof parsed.held_on === 'string' ? parsed.held_on : null;
  if (held && !errors['congress.held_on']) {
    if (held > ctx.today)
      errors['congress.held_on'] = `Ngày kết thúc đại hội không được sau ngày hôm nay (${isoToVietnameseDate(ctx.today)}).`;
    else if (ctx.last && held <= ctx.last.heldOn)
      errors['congress.held_on'] =
        `Ngày kết thúc đại hội phải sau đại hội gần nhất đã có trong hồ sơ (${isoToVietnameseDate(ctx.last.heldOn)}).`;
  }
  const term = typeof parsed.term_number === 'number' ? parsed.term_number : null;
  if (term !== null && ctx.last && !errors['congress.term_number']) {
    if (type === 'nhiem_ky' && term <= ctx.last.termNumber)
      errors['congress.term_number'] =
        `Đại hội nhiệm kỳ mở khóa mới: nhiệm kỳ (khóa) phải lớn hơn khóa gần nhất trong hồ sơ (khóa ${ctx.last.termNumber}).`;
    else if (type === 'bat_thuong' && term < ctx.last.termNumber)
      errors['congress.term_number'] = `Nhiệm kỳ (khóa) không được nhỏ hơn khóa gần nhất trong hồ sơ (khóa ${ctx.last.termNumber}).`;
  }
  return errors;
}

/**
 * The package's own rules, checked when it is sent: a valid congress of an electing type, held by today and after
 * the latest one on record; a new leadership of valid rows that includes a chair. Keys are the form's field names.
 */
export function validatePackage(pkg: PackageValues, ctx: PackageContext): Record<string, string> {
  const errors = congressErrors(pkg, ctx);
  pkg.leaders.forEach((row, i) => {
    for (const f of NEW_LEADERS.fields) {
      const [, error] = convertField(f, row[f.name], ctx.codes);
      if (error) errors[`leaders.${i}.${f.name}`] = `Người thứ ${i + 1}: ${error}`;
    }
  });
  if (!pkg.leaders.some((r) => r.position_code === PRESIDENT_POSITION))
    errors.leaders = 'Ban lãnh đạo mới phải có Chủ tịch hội: nhập người được bầu làm Chủ tịch với chức vụ «Chủ tịch».';
  return errors;
}

/** The congress's held-on day and term as stored (to find the row the approval wrote). */
export function congressKey(pkg: PackageValues): { heldOn: string; termNumber: number } | null {
  const heldOn = parseVietnameseDate(pkg.congress.held_on ?? '');
  const termNumber = Number((pkg.congress.term_number ?? '').replace(/[\s.]/g, ''));
  return heldOn && Number.isInteger(termNumber) && termNumber > 0 ? { heldOn, termNumber } : null;
}

/** The package's documents by role, among the association's attachments (null: not attached). */
export function packageDocuments(
  sub: { minutes_attachment_id: number | null; charter_attachment_id: number | null },
  attached: readonly DocumentListItem[],
): Record<DocumentRole, DocumentListItem | null> {
  return {
    'bien-ban': attached.find((d) => d.id === sub.minutes_attachment_id) ?? null,
    'dieu-le': attached.find((d) => d.id === sub.charter_attachment_id) ?? null,
  };
}
