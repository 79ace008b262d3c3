/**
 * The generated data set for `npm run bench` (SPEC §7, issue 8): N associations across the natures, fields,
 * ministries, scopes, statuses and the 34 provinces of the catalogues, each with 5–40 leaders, 1–6 congresses,
 * five years of funds (and staff quota where the State assigns one) and the decisions of its legal life.
 *
 * Fast: rows are built in memory one batch at a time and written with one `INSERT … SELECT FROM
 * jsonb_to_recordset($1)` per table and batch (a single parameter, so no 65,535-parameter limit and no
 * per-row round trip), one transaction per batch. Runs on PostgreSQL and PGlite alike.
 *
 * Deterministic: the same `seed`, `size` and `today` give the same rows (mulberry32). Register codes are
 * H500001 upwards (the demo data and the app's sequence start at H000001), so generated rows never take a code
 * the app would hand out and are easy to find (`code >= 'H500000'`). Generated records have no version rows
 * (association_versions): they stand for data imported before the register existed.
 */
import type { Knex } from 'knex';
import { FIELDS, FORMER_PROVINCES, PROVINCES } from '../reference/catalogues.js';
import { Rng } from './rng.js';
import {
  COMMUNES,
  FAMILY,
  GIVEN_FEMALE,
  GIVEN_MALE,
  KIND_WORD,
  MIDDLE_FEMALE,
  MIDDLE_MALE,
  OUTSIDE_POSITIONS,
  PEOPLE,
  QUALIFICATIONS,
  REGIONS,
  STREETS,
  SUBJECTS,
  type Subject,
} from './words.js';

export const GENERATED_CODE_START = 500_001;
export const GENERATED_CODE_MIN = `H${GENERATED_CODE_START - 1}`;
const LIVE = new Set(['dang_thanh_lap', 'hoat_dong', 'dinh_chi_co_thoi_han', 'cho_giai_the']);

export interface GenerateOptions {
  size: number;
  seed?: number;
  /** Associations per transaction (default 1,000). */
  batchSize?: number;
  /** The day the data set is "as of", 'YYYY-MM-DD' (default 2026-11-01: fixed, so runs are reproducible). */
  today?: string;
  /** Delete previously generated rows (codes ≥ H500000) first. */
  replace?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface GenerateResult {
  associations: number;
  leaders: number;
  congresses: number;
  decisions: number;
  funds: number;
  staffQuotas: number;
  otherFields: number;
  ms: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Dates

function addDays(iso: string, days: number): string {
  const d = new Date(`${iso}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
function addYears(iso: string, years: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  const date = new Date(Date.UTC(y + years, m - 1, Math.min(d, 28)));
  return date.toISOString().slice(0, 10);
}
function workday(iso: string): string {
  const day = new Date(`${iso}T00:00:00Z`).getUTCDay();
  return day === 0 ? addDays(iso, -2) : day === 6 ? addDays(iso, -1) : iso;
}
const yearOf = (iso: string) => Number(iso.slice(0, 4));

// ---------------------------------------------------------------------------------------------------------------
// Places

interface Place {
  code: string;
  /** "tỉnh Nghệ An", "thành phố Hà Nội". */
  inName: string;
}
const lowerUnit = (name: string) =>
  name
    .replace(/^Tỉnh /, 'tỉnh ')
    .replace(/^Thành phố /, 'thành phố ')
    .replace(/ \(trước 01\/07\/2025\)$/, '');
const CURRENT: Place[] = PROVINCES.map((p) => ({ code: p.code, inName: lowerUnit(p.name) }));
// A few records are still filed under a former province (the successor logic of filters and reports must find them).
const FORMER: Place[] = FORMER_PROVINCES.filter((p) => p.successor_code !== p.code.slice(3)).map((p) => ({
  code: p.code,
  inName: lowerUnit(p.name),
}));
const DEFAULT_MINISTRY = new Map(FIELDS.map((f) => [f.code, f.default_ministry_code ?? null]));
const FIELD_CODES = FIELDS.map((f) => f.code);

// ---------------------------------------------------------------------------------------------------------------
// Row shapes (column → jsonb_to_recordset type)

type Row = Record<string, string | number | boolean | null>;

const ASSOCIATION_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['code', 'text'],
  ['name', 'text'],
  ['abbreviation', 'text'],
  ['kind_code', 'text'],
  ['hq_address', 'text'],
  ['hq_ward', 'text'],
  ['hq_province_code', 'text'],
  ['phone', 'text'],
  ['email', 'text'],
  ['website', 'text'],
  ['tax_code', 'text'],
  ['purpose', 'text'],
  ['scope', 'text'],
  ['main_field_code', 'text'],
  ['managing_ministry_code', 'text'],
  ['nature_code', 'text'],
  ['party_state_tasked', 'boolean'],
  ['tasked_legal_basis', 'text'],
  ['tasked_from', 'date'],
  ['exec_committee_count', 'integer'],
  ['standing_committee_count', 'integer'],
  ['inspection_committee_count', 'integer'],
  ['member_associations_count', 'integer'],
  ['branches_count', 'integer'],
  ['members_total', 'integer'],
  ['members_official', 'integer'],
  ['members_associate', 'integer'],
  ['members_honorary', 'integer'],
  ['members_organisations', 'integer'],
  ['members_individuals', 'integer'],
  ['hq_area_m2', 'numeric'],
  ['hq_origin_code', 'text'],
  ['status', 'text'],
  ['data_level', 'text'],
  ['published', 'boolean'],
  ['created_at', 'timestamptz'],
  ['updated_at', 'timestamptz'],
];

const LEADER_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['association_id', 'integer'],
  ['full_name', 'text'],
  ['birth_year', 'integer'],
  ['gender', 'text'],
  ['qualification', 'text'],
  ['academic_title', 'text'],
  ['outside_position', 'text'],
  ['official_status', 'text'],
  ['position_code', 'text'],
  ['full_time', 'boolean'],
  ['term_number', 'integer'],
  ['elected_on', 'date'],
  ['left_on', 'date'],
  ['left_reason', 'text'],
];

const CONGRESS_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['association_id', 'integer'],
  ['term_number', 'integer'],
  ['congress_type', 'text'],
  ['held_on', 'date'],
  ['term_years', 'integer'],
  ['assembly_form', 'text'],
  ['meeting_mode', 'text'],
  ['delegates', 'integer'],
  ['pre_report_filed_on', 'date'],
  ['authority_opinion_number', 'text'],
  ['authority_opinion_date', 'date'],
  ['post_report_filed_on', 'date'],
];

const DECISION_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['association_id', 'integer'],
  ['event_type', 'text'],
  ['number', 'text'],
  ['signed_on', 'date'],
  ['issuer', 'text'],
  ['summary', 'text'],
  ['old_name', 'text'],
  ['new_name', 'text'],
];

const FUND_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['association_id', 'integer'],
  ['year', 'integer'],
  ['source', 'text'],
  ['amount_vnd', 'bigint'],
];

const QUOTA_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['association_id', 'integer'],
  ['year', 'integer'],
  ['quota', 'integer'],
  ['deciding_document', 'text'],
  ['in_use', 'integer'],
  ['on_quota', 'integer'],
  ['on_contract', 'integer'],
  ['elected_retirees', 'integer'],
];

const OTHER_FIELD_COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['association_id', 'integer'],
  ['field_code', 'text'],
];

async function insertRows(
  trx: Knex,
  table: string,
  columns: ReadonlyArray<readonly [string, string]>,
  rows: Row[],
  returning = false,
): Promise<Array<{ id: number; code: string }>> {
  if (rows.length === 0) return [];
  const names = columns.map(([c]) => c).join(', ');
  const types = columns.map(([c, t]) => `${c} ${t}`).join(', ');
  const sql = `INSERT INTO ${table} (${names}) SELECT ${names} FROM jsonb_to_recordset(?::jsonb) AS x(${types})${returning ? ' RETURNING id, code' : ''}`;
  const res = await trx.raw<{ rows: Array<{ id: number; code: string }> }>(sql, [JSON.stringify(rows)]);
  return res.rows;
}

// ---------------------------------------------------------------------------------------------------------------
// One association and its sub-lists

interface Children {
  leaders: Row[];
  congresses: Row[];
  decisions: Row[];
  funds: Row[];
  quotas: Row[];
  otherFields: Row[];
}

function personName(rng: Rng, gender: 'nam' | 'nu'): string {
  const family = rng.weighted(FAMILY);
  if (gender === 'nu') return `${family} ${rng.pick(MIDDLE_FEMALE)} ${rng.pick(GIVEN_FEMALE)}`;
  return `${family} ${rng.pick(MIDDLE_MALE)} ${rng.pick(GIVEN_MALE)}`;
}

type Scope = 'toan_quoc' | 'lien_tinh' | 'tinh' | 'xa' | 'huyen';

interface Plan {
  subject: Subject;
  scope: Scope;
  place: Place;
  name: string;
}

/** Pick subject, scope and place until the name is new (names are unique among live associations). */
function planName(rng: Rng, taken: Set<string>): Plan {
  for (let attempt = 0; ; attempt++) {
    const scope = rng.weighted<Scope>([
      ['toan_quoc', attempt < 3 ? 1.5 : 0],
      ['lien_tinh', attempt < 3 ? 1 : 0],
      ['tinh', attempt < 6 ? 22 : 5],
      ['xa', 74],
      ['huyen', 1.5],
    ]);
    const pool = scope === 'xa' || scope === 'huyen' ? GRASSROOTS : SUBJECTS;
    const subject = rng.pick(pool);
    const place = rng.chance(0.03) ? rng.pick(FORMER) : rng.pick(CURRENT);
    const kind = KIND_WORD[subject.kind];
    let name: string;
    if (scope === 'toan_quoc') {
      name = subject.s.includes('Việt Nam') ? `${kind} ${subject.s}` : `${kind} ${subject.s} Việt Nam`;
    } else if (scope === 'lien_tinh') {
      name = `${kind} ${subject.s} ${rng.pick(REGIONS)}`;
    } else if (scope === 'tinh') {
      name = `${kind} ${subject.s} ${place.inName}`;
    } else {
      const unit = scope === 'huyen' ? 'huyện' : rng.chance(0.7) ? 'xã' : 'phường';
      const people = WITH_PEOPLE.has(subject.s) && rng.chance(0.5) ? ` ${rng.pick(PEOPLE)}` : '';
      name = `${kind} ${subject.s}${people} ${unit} ${rng.pick(COMMUNES)}, ${place.inName}`;
    }
    if (attempt > 40) name = `${name} (${attempt})`;
    const key = name.toLowerCase();
    if (!taken.has(key)) {
      taken.add(key);
      return { subject, scope, place, name };
    }
  }
}

const GRASSROOTS = SUBJECTS.filter((s) => s.grassroots);
/** Clubs that are "of" a group of people: "Câu lạc bộ Dưỡng sinh Người cao tuổi xã …". */
const WITH_PEOPLE = new Set(['Dưỡng sinh', 'Thơ', 'Khiêu vũ thể thao', 'Thơ Đường luật', 'Thể dục dưỡng sinh', 'Hiến máu tình nguyện']);

function abbreviationOf(name: string): string {
  return name
    .split(/[\s,-]+/)
    .filter((w) => w.length > 0 && w[0] === w[0]?.toUpperCase() && /\p{L}/u.test(w[0] ?? ''))
    .map((w) =>
      (w[0] ?? '')
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .replace('Đ', 'D'),
    )
    .join('')
    .slice(0, 10);
}

function decisionNumber(rng: Rng, year: number, issuerShort: string): string {
  // Both styles are in use: "123/QĐ-BNV" and "123/2019/QĐ-UBND".
  return rng.chance(0.5) ? `${rng.int(1, 3999)}/QĐ-${issuerShort}` : `${rng.int(1, 3999)}/${year}/QĐ-${issuerShort}`;
}

function buildAssociation(rng: Rng, plan: Plan, codeNumber: number, today: string): { row: Row; children: Omit<Children, never> } {
  const { subject, scope, place, name } = plan;
  const national = scope === 'toan_quoc' || scope === 'lien_tinh';
  const tasked = subject.tasked && scope !== 'xa' && rng.chance(0.9);
  const status = rng.weighted<string>([
    ['hoat_dong', 84],
    ['dang_thanh_lap', 2],
    ['dinh_chi_co_thoi_han', 1],
    ['cho_giai_the', 1.5],
    ['giai_the', 8],
    ['cham_dut_do_sap_nhap', 1.5],
    ['cham_dut_do_hop_nhat', 0.5],
    ['cham_dut_do_chia', 0.3],
    ['het_hieu_luc_qd_thanh_lap', 1.2],
  ]);
  const dataLevel = rng.weighted<string>([
    ['raw', 25],
    ['basic', 50],
    ['advanced', 25],
  ]);
  const published = status !== 'dang_thanh_lap' && rng.chance(dataLevel === 'raw' ? 0.4 : 0.85);

  // Congresses: 1–6 terms of 5 years; the last held 0–6 years ago (some overdue).
  const terms =
    status === 'dang_thanh_lap'
      ? 0
      : rng.weighted<number>([
          [1, 18],
          [2, 22],
          [3, 22],
          [4, 18],
          [5, 12],
          [6, 8],
        ]);
  const termYears = national ? 5 : rng.chance(0.85) ? 5 : rng.int(3, 4);
  const lastHeld = workday(addDays(today, -rng.int(30, status === 'hoat_dong' ? 6 * 365 : 9 * 365)));
  const congressDates: string[] = [];
  for (let t = terms; t >= 1; t--) congressDates.unshift(workday(addDays(addYears(lastHeld, -(terms - t) * termYears), -rng.int(0, 60))));
  const founded = congressDates[0] ?? workday(addDays(today, -rng.int(20, 300)));
  const foundingDecision = workday(addDays(founded, -rng.int(30, 200)));
  const issuerShort = national ? 'BNV' : 'UBND';
  const issuer = national ? 'Bộ Nội vụ' : `Ủy ban nhân dân ${place.inName}`;

  const id = 0; // filled after insert
  const children: Children = { leaders: [], congresses: [], decisions: [], funds: [], quotas: [], otherFields: [] };

  congressDates.forEach((held, i) => {
    const term = i + 1;
    const type = term === 1 ? 'thanh_lap' : rng.chance(0.04) ? 'bat_thuong' : 'nhiem_ky';
    const opinion = workday(addDays(held, -rng.int(10, 40)));
    children.congresses.push({
      association_id: id,
      term_number: term,
      congress_type: type,
      held_on: held,
      term_years: termYears,
      assembly_form: rng.chance(0.7) ? 'toan_the' : 'dai_bieu',
      meeting_mode: rng.chance(0.85) ? 'truc_tiep' : 'truc_tuyen',
      delegates: rng.int(30, national ? 600 : 200),
      pre_report_filed_on: type === 'thanh_lap' ? null : addDays(opinion, -rng.int(20, 60)),
      authority_opinion_number: type === 'thanh_lap' ? null : `${rng.int(1, 9999)}/${issuerShort === 'BNV' ? 'BNV-TCPCP' : 'SNV-TCBC'}`,
      authority_opinion_date: type === 'thanh_lap' ? null : opinion,
      post_report_filed_on: type === 'thanh_lap' || rng.chance(0.15) ? null : addDays(held, rng.int(5, 40)),
    });
  });

  // Decisions of its legal life.
  const decision = (event: string, on: string, summary: string, extra: Row = {}) =>
    children.decisions.push({
      association_id: id,
      event_type: event,
      number: decisionNumber(rng, yearOf(on), issuerShort),
      signed_on: on,
      issuer,
      summary,
      old_name: null,
      new_name: null,
      ...extra,
    });
  if (status === 'dang_thanh_lap') {
    decision('cong_nhan_ban_van_dong', foundingDecision, 'Công nhận ban vận động thành lập hội');
  } else {
    decision('cho_phep_thanh_lap', foundingDecision, 'Cho phép thành lập hội');
    decision('phe_duyet_dieu_le', workday(addDays(founded, rng.int(20, 90))), 'Phê duyệt điều lệ hội');
    for (const held of congressDates.slice(1)) {
      if (rng.chance(0.5)) decision('sua_doi_dieu_le', workday(addDays(held, rng.int(20, 120))), 'Phê duyệt điều lệ (sửa đổi, bổ sung)');
    }
    if (rng.chance(0.05) && congressDates.length > 1) {
      const on = workday(addDays(congressDates[1] ?? founded, rng.int(20, 120)));
      decision('doi_ten', on, 'Đổi tên hội', { old_name: name.replace(/^(\S+) /, '$1 Những người '), new_name: name });
    }
  }
  const ended = !LIVE.has(status);
  const endedOn = workday(addDays(today, -rng.int(30, 900)));
  if (status === 'giai_the') decision('giai_the', endedOn, 'Giải thể hội');
  if (status === 'dinh_chi_co_thoi_han')
    decision('dinh_chi', workday(addDays(today, -rng.int(10, 200))), 'Đình chỉ có thời hạn hoạt động của hội');
  if (status === 'cham_dut_do_sap_nhap') decision('sap_nhap', endedOn, 'Sáp nhập vào hội khác');
  if (status === 'cham_dut_do_hop_nhat') decision('hop_nhat', endedOn, 'Hợp nhất với hội khác');
  if (status === 'cham_dut_do_chia') decision('chia', endedOn, 'Chia hội');

  // Leaders of the current term, and a few former ones (left_on set).
  const currentTerm = congressDates.length;
  const electedOn = congressDates.at(-1) ?? null;
  const size = scope === 'xa' || scope === 'huyen' ? rng.int(5, 11) : scope === 'tinh' ? rng.int(9, 25) : rng.int(15, 38);
  const positions: string[] = ['CT'];
  const pct = Math.max(1, Math.min(4, Math.round(size / 8)));
  for (let i = 0; i < pct; i++) positions.push('PCT');
  if (scope !== 'xa' && scope !== 'huyen') positions.push(rng.chance(0.7) ? 'TTK' : 'CVP');
  if (size >= 15 && rng.chance(0.6)) positions.push('PTTK');
  positions.push('TBKT');
  const inspection = size >= 9 ? 2 : 1;
  for (let i = 0; i < inspection; i++) positions.push('UVBKT');
  const standingExtra = Math.max(0, Math.round(size / 4) - pct);
  for (let i = 0; i < standingExtra && positions.length < size; i++) positions.push('UVBTV');
  while (positions.length < size) positions.push('UVBCH');
  const formerCount = currentTerm > 1 && rng.chance(0.3) ? rng.int(1, 3) : 0;
  const leaderRow = (position: string, former: boolean): Row => {
    const gender = rng.chance(0.34) ? 'nu' : 'nam';
    const birth = rng.int(1945, 1992);
    const age = yearOf(today) - birth;
    const leftOn = former && electedOn ? addDays(electedOn, -rng.int(0, 10)) : null;
    return {
      association_id: id,
      full_name: personName(rng, gender),
      birth_year: rng.chance(0.95) ? birth : null,
      gender: rng.chance(0.97) ? gender : null,
      qualification: rng.weighted(QUALIFICATIONS),
      academic_title: rng.chance(0.03) ? (rng.chance(0.3) ? 'Giáo sư' : 'Phó Giáo sư') : null,
      outside_position: rng.chance(0.3) ? rng.pick(OUTSIDE_POSITIONS) : null,
      official_status: age >= 62 ? (rng.chance(0.7) ? 'nghi_huu' : 'khong') : rng.chance(0.15) ? 'dang_chuc' : 'khong',
      position_code: position,
      full_time: position === 'CT' || position === 'TTK' || position === 'CVP' ? rng.chance(0.5) : rng.chance(0.05),
      term_number: former ? Math.max(1, currentTerm - 1) : currentTerm || null,
      elected_on: former ? (congressDates.at(-2) ?? null) : electedOn,
      left_on: leftOn,
      left_reason: leftOn ? rng.pick(['Hết nhiệm kỳ', 'Nghỉ theo nguyện vọng', 'Chuyển công tác']) : null,
    };
  };
  for (const position of positions) children.leaders.push(leaderRow(position, false));
  for (let i = 0; i < formerCount; i++) children.leaders.push(leaderRow(rng.pick(['CT', 'PCT', 'UVBCH']), true));

  // Staff quota (tasked associations) and funds: the five years before `today`, from the founding year on.
  const lastYear = yearOf(today) - 1;
  const quota = tasked ? (national ? rng.int(10, 60) : rng.int(2, 12)) : 0;
  const quotaRows = tasked || (scope !== 'xa' && rng.chance(0.1));
  for (let year = lastYear - 4; year <= lastYear; year++) {
    if (status === 'dang_thanh_lap' || year < yearOf(founded)) continue;
    if (ended && year > yearOf(endedOn)) continue;
    if (quotaRows) {
      const inUse = quota > 0 ? rng.int(Math.floor(quota / 2), quota) : rng.int(0, 3);
      const onQuota = Math.min(inUse, quota);
      children.quotas.push({
        association_id: id,
        year,
        quota,
        deciding_document: quota > 0 ? `${rng.int(1, 999)}/QĐ-${issuerShort}` : null,
        in_use: inUse + rng.int(0, 4),
        on_quota: onQuota,
        on_contract: rng.int(0, 4),
        elected_retirees: rng.int(0, 3),
      });
    }
    const scale = national ? 10 : scope === 'tinh' ? 3 : 0.3;
    const fund = (source: string, min: number, max: number) =>
      children.funds.push({ association_id: id, year, source, amount_vnd: rng.money(min * scale, max * scale, 100_000) });
    fund('hoi_phi', 5_000_000, 200_000_000);
    if (rng.chance(0.4)) fund('dich_vu', 10_000_000, 500_000_000);
    if (rng.chance(0.5)) fund('tai_tro_trong_nuoc', 5_000_000, 300_000_000);
    if (rng.chance(0.05)) fund('tai_tro_nuoc_ngoai', 50_000_000, 2_000_000_000);
    if (tasked && rng.chance(0.8)) fund('nsnn_nhiem_vu', 50_000_000, 1_500_000_000);
    if (quota > 0) fund('nsnn_bien_che', 100_000_000 * Math.min(quota, 10), 200_000_000 * Math.min(quota, 10));
  }

  if (rng.chance(0.15)) {
    const other = rng.pick(FIELD_CODES);
    if (other !== subject.field) children.otherFields.push({ association_id: id, field_code: other });
  }

  const members =
    subject.members === 'org' ? rng.int(10, national ? 800 : 150) : rng.int(scope === 'xa' ? 15 : 50, national ? 50_000 : 3_000);
  const official = Math.round(members * (0.7 + rng.float() * 0.3));
  const hqProvince =
    scope === 'toan_quoc'
      ? rng.weighted<string>([
          ['01', 80],
          ['79', 15],
          ['48', 5],
        ])
      : place.code;
  const createdAt = `${addDays(today, -rng.int(0, 400))}T0${rng.int(1, 9)}:${String(rng.int(10, 59))}:00Z`;
  const row: Row = {
    code: `H${String(codeNumber).padStart(6, '0')}`,
    name,
    abbreviation: national && rng.chance(0.6) ? abbreviationOf(name) : null,
    kind_code: subject.kind,
    hq_address: `Số ${rng.int(1, 299)} ${rng.pick(STREETS)}`,
    hq_ward: scope === 'xa' ? null : `Phường ${rng.pick(COMMUNES)}`,
    hq_province_code: hqProvince,
    phone: rng.chance(0.8) ? `02${rng.int(0, 9)}${rng.int(1_000_000, 9_999_999)}` : null,
    email: rng.chance(0.6) ? `lienhe.h${codeNumber}@hoi.example.vn` : null,
    website: national && rng.chance(0.5) ? `https://h${codeNumber}.hoi.example.vn` : null,
    tax_code: rng.chance(0.6) ? String(rng.int(1_000_000_000, 9_999_999_999)) : null,
    purpose: `Tập hợp, đoàn kết hội viên hoạt động trong lĩnh vực ${subject.s.toLowerCase()}, bảo vệ quyền, lợi ích hợp pháp của hội viên, góp phần phát triển kinh tế - xã hội.`,
    scope,
    main_field_code: subject.field,
    managing_ministry_code: national ? (DEFAULT_MINISTRY.get(subject.field) ?? null) : null,
    nature_code: subject.nature,
    party_state_tasked: tasked,
    tasked_legal_basis: tasked ? 'Quyết định số 68/2010/QĐ-TTg ngày 01/11/2010 của Thủ tướng Chính phủ' : null,
    tasked_from: tasked ? '2010-11-01' : null,
    exec_committee_count: status === 'dang_thanh_lap' ? null : positions.length - inspection - 1,
    standing_committee_count:
      status === 'dang_thanh_lap' ? null : positions.filter((p) => ['CT', 'PCT', 'TTK', 'PTTK', 'UVBTV'].includes(p)).length,
    inspection_committee_count: status === 'dang_thanh_lap' ? null : inspection + 1,
    member_associations_count: subject.kind === 'lien_hiep_hoi' ? rng.int(10, 80) : null,
    branches_count: national ? rng.int(0, 30) : rng.chance(0.3) ? rng.int(0, 5) : null,
    members_total: members,
    members_official: official,
    members_associate: members - official,
    members_honorary: rng.chance(0.3) ? rng.int(1, 20) : null,
    members_organisations: subject.members === 'org' ? members : rng.chance(0.2) ? rng.int(0, 20) : null,
    members_individuals: subject.members === 'person' ? members : null,
    hq_area_m2: rng.chance(0.5) ? rng.int(15, 800) : null,
    hq_origin_code: rng.weighted<string | null>([
      ['NN_GIAO', 15],
      ['THUE_NN', 5],
      ['THUE_NGOAI', 20],
      ['MUON', 25],
      ['CHUNG_CQNN', 20],
      ['SO_HUU', 3],
      ['CHUA_ON_DINH', 7],
      [null, 5],
    ]),
    status,
    data_level: dataLevel,
    published,
    created_at: createdAt,
    updated_at: createdAt,
  };
  // Organisations and individuals are parts of the total (Biểu mẫu 1 §E; the form checks it). No draw of the generator
  // here, so a seed gives the same data set otherwise.
  if (subject.members === 'person' && typeof row.members_organisations === 'number') {
    row.members_organisations = Math.min(row.members_organisations, members);
    row.members_individuals = members - row.members_organisations;
  }
  return { row, children };
}

// ---------------------------------------------------------------------------------------------------------------

/** Generate `size` associations into the database (see the file comment). */
export async function generateAssociations(knex: Knex, options: GenerateOptions): Promise<GenerateResult> {
  const started = performance.now();
  const size = options.size;
  const batchSize = options.batchSize ?? 1000;
  const today = options.today ?? '2026-11-01';
  const rng = new Rng(options.seed ?? 20261129);
  if (size < 1 || GENERATED_CODE_START + size > 1_000_000) throw new Error(`size must be 1–${1_000_000 - GENERATED_CODE_START}`);

  const existing = await knex('associations').where('code', '>=', GENERATED_CODE_MIN).count<{ n: number }[]>('* as n').first();
  if (Number(existing?.n ?? 0) > 0) {
    if (!options.replace)
      throw new Error(`${existing?.n} generated associations exist already (codes ≥ ${GENERATED_CODE_MIN}); use --replace`);
    await deleteGenerated(knex);
  }
  // Names already taken (demo data) stay taken.
  const taken = new Set<string>((await knex('associations').select('name')).map((r: { name: string }) => r.name.toLowerCase()));

  const totals: GenerateResult = {
    associations: 0,
    leaders: 0,
    congresses: 0,
    decisions: 0,
    funds: 0,
    staffQuotas: 0,
    otherFields: 0,
    ms: 0,
  };
  for (let start = 0; start < size; start += batchSize) {
    const count = Math.min(batchSize, size - start);
    const built = Array.from({ length: count }, (_, i) =>
      buildAssociation(rng, planName(rng, taken), GENERATED_CODE_START + start + i, today),
    );
    await knex.transaction(async (trx) => {
      const inserted = await insertRows(
        trx,
        'associations',
        ASSOCIATION_COLUMNS,
        built.map((b) => b.row),
        true,
      );
      const ids = new Map(inserted.map((r) => [r.code, r.id]));
      const all: Children = { leaders: [], congresses: [], decisions: [], funds: [], quotas: [], otherFields: [] };
      for (const b of built) {
        const id = ids.get(String(b.row.code));
        if (id === undefined) throw new Error(`no id for ${b.row.code}`);
        for (const key of Object.keys(all) as Array<keyof Children>) {
          for (const r of b.children[key]) {
            r.association_id = id;
            all[key].push(r);
          }
        }
      }
      await insertRows(trx, 'leaders', LEADER_COLUMNS, all.leaders);
      await insertRows(trx, 'congresses', CONGRESS_COLUMNS, all.congresses);
      await insertRows(trx, 'decisions', DECISION_COLUMNS, all.decisions);
      await insertRows(trx, 'funds', FUND_COLUMNS, all.funds);
      await insertRows(trx, 'staff_quotas', QUOTA_COLUMNS, all.quotas);
      await insertRows(trx, 'association_other_fields', OTHER_FIELD_COLUMNS, all.otherFields);
      totals.associations += inserted.length;
      totals.leaders += all.leaders.length;
      totals.congresses += all.congresses.length;
      totals.decisions += all.decisions.length;
      totals.funds += all.funds.length;
      totals.staffQuotas += all.quotas.length;
      totals.otherFields += all.otherFields.length;
    });
    options.onProgress?.(start + count, size);
  }
  // Fresh statistics so the planner sees the new sizes at once (autovacuum would get there later).
  await knex.raw('ANALYZE');
  totals.ms = Math.round(performance.now() - started);
  return totals;
}

/** Remove every generated association (codes ≥ H500000) and its sub-lists (ON DELETE CASCADE). */
export async function deleteGenerated(knex: Knex): Promise<number> {
  return knex.transaction(async (trx) => {
    const ids = trx('associations').where('code', '>=', GENERATED_CODE_MIN).select('id');
    await trx('decisions').whereIn('related_association_id', ids).update({ related_association_id: null });
    return Number(await trx('associations').where('code', '>=', GENERATED_CODE_MIN).delete());
  });
}
