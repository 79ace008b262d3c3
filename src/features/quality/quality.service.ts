/**
 * Data-quality scores (issue 16 item 4): the rules catalogue NGO staff edit (audited; every stored score recomputed
 * after a change), a record's checklist (its stored outcomes, the same rows the lists sort on), the recompute of
 * every record (rule change, nightly job) and the report of the weakest records.
 */
import type { Knex } from 'knex';
import type { Actor } from '../../lib/auth-context.js';
import type { Clock } from '../../lib/clock.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import type { Translator } from '../../lib/i18n.js';
import type { AuditService } from '../audit/audit.service.js';
import type { QualityRepository } from './quality.repository.js';
import { ruleFormSchema } from './quality.schemas.js';
import type { QualityReportRepository, ReportFilters } from './quality-report.repository.js';
import { activeRules, type QualityRule, REQUIRED_LABELS, RULE_SQL, scoreBadge } from './quality-rules.js';

interface Deps {
  db: Knex;
  repo: QualityRepository;
  report: QualityReportRepository;
  audit: AuditService;
  clock: Clock;
}

export type CheckState = 'dat' | 'chua_dat' | 'khong_ap_dung';

export interface ChecklistItem {
  code: string;
  label: string;
  description: string;
  /** The description without its parameter, the parameter and its label (the words in another language). */
  explanation: string;
  param: number | null;
  paramLabel: string | null;
  hint: string;
  weight: number;
  state: CheckState;
}

export interface Checklist {
  score: number;
  badge: string;
  computedAt: Date;
  items: ChecklistItem[];
}

/** What the rule form needs of a rule's parameter (null: the rule has none). */
export function paramOf(rule: QualityRule): { label: string; min: number; max: number } | null {
  return rule.param_label ? { label: rule.param_label, min: rule.param_min ?? 0, max: rule.param_max ?? 100 } : null;
}

/** The rule's explanation with its parameter ("… 3 năm"). */
export function describe(rule: QualityRule): string {
  return rule.param !== null && rule.param_label ? `${rule.description} ${rule.param_label}: ${rule.param}.` : rule.description;
}

type RuleText = Pick<QualityRule, 'code' | 'label' | 'description' | 'hint' | 'param' | 'param_label'>;

/**
 * A rule's words in the reader's language. The rules are stored in Vietnamese (seeded by the migration that made
 * them, not edited on screen); their English is in the quality messages by code (`quality:ruleTexts.<code>`), the
 * Vietnamese row standing in for a rule the messages do not know.
 */
export function ruleWords(rule: RuleText, tr: Pick<Translator, 'lang' | 't'>) {
  const word = (part: string, vi: string) => (tr.lang === 'vi' ? vi : tr.t(`quality:ruleTexts.${rule.code}.${part}`, { defaultValue: vi }));
  const paramLabel = rule.param_label === null ? null : word('param', rule.param_label);
  const explanation = word('description', rule.description);
  return {
    label: word('label', rule.label),
    description: rule.param !== null && paramLabel ? `${explanation} ${paramLabel}: ${rule.param}.` : explanation,
    hint: word('hint', rule.hint),
    paramLabel,
  };
}

export function createQualityService({ db, repo, report, audit, clock }: Deps) {
  const today = () => vietnamToday(clock.now());
  return {
    today,
    rules: () => repo.rules(),
    /** Stored scores of these associations (the staff list's page). */
    scores: (ids: readonly number[]) => repo.scores(ids),
    requiredLabels: REQUIRED_LABELS,

    async rule(code: string): Promise<QualityRule> {
      const rule = await repo.rule(code);
      if (!rule || !(code in RULE_SQL)) throw new NotFoundError('Không tìm thấy quy tắc này.');
      return rule;
    },

    /**
     * Save a rule's weight, on/off and parameter (ValidationError with Vietnamese messages per field, nothing saved);
     * one transaction with its audit row; then every stored score is recomputed in batches (a failure there leaves
     * the rule saved and the nightly job recomputes). Returns the number of records recomputed.
     */
    async updateRule(actor: Actor, code: string, body: unknown): Promise<{ recomputed: number }> {
      const rule = await this.rule(code);
      const parsed = ruleFormSchema(paramOf(rule)).safeParse(body ?? {});
      if (!parsed.success) {
        const errors: Record<string, string> = {};
        for (const issue of parsed.error.issues) {
          const key = String(issue.path[0] ?? 'weight');
          errors[key] ??= issue.message;
        }
        throw new ValidationError(errors);
      }
      const next = parsed.data;
      const at = clock.now();
      await db.transaction(async (trx) => {
        await repo.updateRule(trx, code, next, actor.userId, at);
        const others = (await repo.rules(trx)).filter((r) => r.code !== code);
        if (activeRules([...others, { ...rule, ...next }]).length === 0) {
          throw new ValidationError({ weight: 'Phải còn ít nhất một quy tắc được áp dụng với trọng số lớn hơn 0.' });
        }
        await audit.record(
          actor,
          {
            action: 'quality_rule.update',
            targetType: 'quality_rule',
            targetId: code,
            details: {
              before: { weight: rule.weight, enabled: rule.enabled, param: rule.param },
              after: next,
            },
          },
          trx,
        );
      });
      const { associations } = await repo.recomputeAll(today(), clock.now());
      return { recomputed: associations };
    },

    /** Every stored score recomputed (the nightly job). */
    recomputeAll: () => repo.recomputeAll(today(), clock.now()),

    /** The record page's checklist: the stored outcomes with the rules' words; null before the first computation. */
    async checklist(associationId: number): Promise<Checklist | null> {
      const [stored, rules] = await Promise.all([repo.stored(associationId), repo.rules()]);
      if (!stored) return null;
      const items = activeRules(rules).map((r) => ({
        code: r.code,
        label: r.label,
        description: describe(r),
        explanation: r.description,
        param: r.param,
        paramLabel: r.param_label,
        hint: r.hint,
        weight: r.weight,
        state: (stored.passed.includes(r.code) ? 'dat' : stored.failed.includes(r.code) ? 'chua_dat' : 'khong_ap_dung') as CheckState,
      }));
      return { score: stored.score, badge: scoreBadge(stored.score), computedAt: stored.computed_at, items };
    },

    weakest: (f: ReportFilters, page: number, pageSize: number) => report.weakest(f, page, pageSize),
    weakestAfter: report.weakestAfter,
    summary: (f: ReportFilters, by: 'province' | 'field', codes: readonly string[]) => report.summary(f, by, codes),

    /** The report's CSV is an export: audited like the other reports'. */
    recordExport(actor: Actor, filters: ReportFilters): Promise<unknown> {
      return audit.record(actor, {
        action: 'quality_report.export',
        targetType: 'report',
        targetId: 'chat-luong-du-lieu',
        details: { ...filters },
      });
    },
  };
}

export type QualityService = ReturnType<typeof createQualityService>;
