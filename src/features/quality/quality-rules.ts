/**
 * The data-quality checks of a record (issue 16 item 4), one definition each, in SQL: a check is an expression over
 * the association row `a` (and its term row `t`, association_terms) that is 1 (passed), 0 (failed) or NULL (not
 * applicable to this record). The stored scores of every list (quality.repository.ts: recompute) and the record
 * page's checklist come from these expressions only, so a list and a page never disagree. Weights, on/off and the
 * parameter live in the `quality_rules` catalogue (migration 20261231003000) that NGO staff edit; its codes are the
 * keys of RULE_SQL.
 *
 * Reused definitions: the quarterly update state (quarterly-update-sql.ts) and the term-congress state
 * (congress-term-sql.ts), the live statuses (association_status_live()), the charter document type (charters).
 */
import type { Knex } from 'knex';
import { termStateSql } from '../associations/congress-term-sql.js';
import { quarterlyStateSql } from '../associations/quarterly-update-sql.js';
import { CHARTER_DOCUMENT_TYPE } from '../charters/charters.repository.js';
import { ALL_FIELDS, SUBLISTS } from '../register-form/definition.js';

/** A rule of the catalogue as the checks read it. */
export interface QualityRule {
  code: string;
  label: string;
  description: string;
  hint: string;
  weight: number;
  enabled: boolean;
  param: number | null;
  param_label: string | null;
  param_min: number | null;
  param_max: number | null;
  sort_order: number;
  updated_at: Date;
}

/**
 * "Required groups" of Biểu mẫu 1: the fields (by name, from definition.ts) and sub-lists (at least one row) that make
 * the record usable. Checked against the definition when this module loads.
 */
export const REQUIRED_FIELDS = ['hq_address', 'hq_province_code', 'purpose', 'members_total'] as const;
export const REQUIRED_LISTS = ['decisions', 'leaders'] as const;

const requiredFieldDefs = REQUIRED_FIELDS.map((name) => {
  const def = ALL_FIELDS.find((f) => f.name === name && !f.table);
  // server-text: a programming error at start-up (operators' log)
  if (!def) throw new Error(`quality rule: field ${name} is not a column of Biểu mẫu 1`);
  return def;
});
const requiredListDefs = REQUIRED_LISTS.map((name) => {
  const def = SUBLISTS.find((l) => l.name === name);
  // server-text: a programming error at start-up (operators' log)
  if (!def) throw new Error(`quality rule: sub-list ${name} is not in Biểu mẫu 1`);
  return def;
});

/** Labels of what the "required groups" check asks for (the record page's hint). */
export const REQUIRED_LABELS: readonly string[] = [...requiredFieldDefs.map((f) => f.label), ...requiredListDefs.map((l) => l.title)];

/** Whether the association row `a` is live (the database's copy of LIVE_STATUSES). */
const LIVE = 'association_status_live(a.status)';

/** The first instant (Viet Nam time) of the day `years` years before `today` (29 February → 1 March). */
export function yearsBefore(today: string, years: number): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const day = new Date(Date.UTC(y - years, m - 1, d));
  return `${day.toISOString().slice(0, 10)}T00:00:00+07:00`;
}

type RuleSql = (db: Knex, today: string, param: number | null) => Knex.Raw;

const filled = (name: string, type: string) =>
  type === 'text' || type === 'textarea' ? `nullif(btrim(a.${name}), '') IS NOT NULL` : `a.${name} IS NOT NULL`;

/** Each check's SQL: 1 passed, 0 failed, NULL not applicable. */
export const RULE_SQL: Readonly<Record<string, RuleSql>> = {
  nhom_bat_buoc: (db) =>
    db.raw(
      `(CASE WHEN ${[
        ...requiredFieldDefs.map((f) => filled(f.name, f.type)),
        ...requiredListDefs.map((l) => `EXISTS (SELECT 1 FROM ${l.table} x WHERE x.association_id = a.id)`),
      ].join(' AND ')} THEN 1 ELSE 0 END)`,
    ),
  nhiem_ky_con_han: (db, today) =>
    db.raw(
      `(CASE WHEN NOT ${LIVE} THEN NULL WHEN t.association_id IS NULL THEN 0
         WHEN ? IN ('qua_han', 'qua_han_gia_han') THEN 0 ELSE 1 END)`,
      [termStateSql(db, today, 't')],
    ),
  cap_nhat_quy: (db, today) =>
    db.raw(`(CASE ? WHEN 'khong_ap_dung' THEN NULL WHEN 'dung_han' THEN 1 ELSE 0 END)`, [quarterlyStateSql(db, today, 'a')]),
  lien_he_lanh_dao: (db, today) =>
    db.raw(
      // One correlated aggregate over the record's own leaders (index on leaders.association_id): a NOT EXISTS here
      // is planned as a hashed scan of every leader of the register.
      `(CASE WHEN NOT ${LIVE} THEN NULL ELSE (
         SELECT CASE WHEN count(*) > 0
                 AND bool_and(nullif(btrim(l.phone), '') IS NOT NULL OR nullif(btrim(l.email), '') IS NOT NULL) THEN 1 ELSE 0 END
           FROM leaders l WHERE l.association_id = a.id AND (l.left_on IS NULL OR l.left_on > ?::date)) END)`,
      [today],
    ),
  co_dieu_le: (db) =>
    db.raw(
      `(CASE WHEN EXISTS (SELECT 1 FROM attachments d WHERE d.association_id = a.id AND d.document_type_code = ?
          AND d.superseded_at IS NULL) THEN 1 ELSE 0 END)`,
      [CHARTER_DOCUMENT_TYPE],
    ),
  khong_qua_cu: (db, today, param) =>
    db.raw('(CASE WHEN a.updated_at >= ?::timestamptz THEN 1 ELSE 0 END)', [yearsBefore(today, param ?? 3)]),
};

/** The rules the score reads: enabled, with a weight, and a check this code knows. */
export function activeRules<R extends Pick<QualityRule, 'code' | 'enabled' | 'weight'>>(rules: readonly R[]): R[] {
  return rules.filter((r) => r.enabled && r.weight > 0 && r.code in RULE_SQL);
}

/**
 * The score of one record from its checks' outcomes: the weights of the passed applicable rules over the weights
 * of the applicable ones, × 100, rounded half up; 100 when no rule applies. (The SQL of recompute does the same sum;
 * test/unit/quality-score.test.ts checks the arithmetic, the integration test that both agree.)
 */
export function scoreOf(outcomes: ReadonlyArray<{ weight: number; result: 0 | 1 | null }>): number {
  let total = 0;
  let passed = 0;
  for (const o of outcomes) {
    if (o.result === null) continue;
    total += o.weight;
    if (o.result === 1) passed += o.weight;
  }
  return total === 0 ? 100 : Math.floor((100 * passed) / total + 0.5);
}

/** Score bands of the list filter and the report: URL value, label, bounds (inclusive). */
export const SCORE_BANDS = {
  'duoi-50': { label: 'Dưới 50 điểm', min: 0, max: 49 },
  '50-79': { label: 'Từ 50 đến 79 điểm', min: 50, max: 79 },
  'tu-80': { label: 'Từ 80 điểm trở lên', min: 80, max: 100 },
} as const;
export type ScoreBand = keyof typeof SCORE_BANDS;

/** Bootstrap badge class of a score. */
export function scoreBadge(score: number): string {
  if (score >= 80) return 'text-bg-success';
  if (score >= 50) return 'text-bg-warning';
  return 'text-bg-danger';
}
