/**
 * Pages of the data-quality scores (issue 16 item 4): the rules catalogue (NGO staff edit weights, on/off and
 * parameters; leaders read it), and the report of the weakest records with its per-province / per-field summary and
 * CSV export.
 */
import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { neutralise } from '../../lib/excel.js';
import { translatorOf } from '../../lib/i18n.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import type { CatalogueOptions } from '../register-form/display.js';
import { contentDisposition } from '../reports/reports.export.js';
import { reportQuery } from './quality.schemas.js';
import { paramOf, type QualityService, ruleWords } from './quality.service.js';
import type { ReportFilters } from './quality-report.repository.js';
import { activeRules, SCORE_BANDS, scoreBadge } from './quality-rules.js';

export const EDIT_ROLES = ['ngo_staff', 'ngo_lead'] as const;
export const READ_ROLES = ['ngo_staff', 'ngo_lead', 'leader'] as const;
const PAGE_SIZE = 25;
const CSV_CHUNK = 1000;

interface Deps {
  quality: QualityService;
  catalogues: { loadAll(): Promise<CatalogueOptions> };
}

const codeParam = (req: Request): string => {
  const code = String(req.params.code ?? '');
  if (!/^[a-z_]{1,40}$/.test(code)) throw new NotFoundError('Không tìm thấy quy tắc này.');
  return code;
};

function parseReport(req: Request) {
  const parsed = reportQuery.safeParse(req.query);
  if (!parsed.success) throw new ValidationError({ 'linh-vuc': 'Điều kiện lọc không hợp lệ.' });
  const q = parsed.data;
  const filters: ReportFilters = { field: q['linh-vuc'], province: q.tinh, band: q.diem };
  const query = Object.fromEntries(Object.entries(q).filter(([k, v]) => v !== undefined && k !== 'trang')) as Record<string, string>;
  return { q, filters, query };
}

const csvCell = (v: string | number | null): string => {
  const text = v === null ? '' : typeof v === 'number' ? String(v) : neutralise(v);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The rule's edit form, with the reader's words for the rule (a refused save shows it again with status 400). */
async function renderRuleForm(
  quality: Deps['quality'],
  res: Response,
  code: string,
  values: Record<string, string>,
  errors: Record<string, string>,
  status: number,
) {
  const rule = await quality.rule(code);
  const tr = translatorOf(res.req);
  const words = ruleWords(rule, tr);
  const param = paramOf(rule);
  res.status(status).render('quality/rule-form', {
    title: tr.t('quality:titles.editRule', { label: words.label }),
    rule: { ...rule, label: words.label },
    description: words.description,
    param: param ? { ...param, label: words.paramLabel ?? param.label } : null,
    values,
    errors,
  });
}

export function createQualityController({ quality, catalogues }: Deps) {
  const namesOf = (options: CatalogueOptions, table: string) => new Map((options[table] ?? []).map((o) => [o.code, o.name]));

  return {
    async rules(req: Request, res: Response) {
      const rules = await quality.rules();
      const active = activeRules(rules);
      const total = active.reduce((n, r) => n + r.weight, 0);
      const tr = translatorOf(req);
      res.render('quality/rules', {
        title: tr.t('quality:rules.title'),
        rules: rules.map((r) => {
          const words = ruleWords(r, tr);
          return {
            ...r,
            label: words.label,
            text: words.description,
            share: r.enabled && total > 0 ? Math.round((100 * r.weight) / total) : 0,
          };
        }),
        canEdit: hasAnyRole(req.user?.roles ?? [], [...EDIT_ROLES]),
      });
    },

    async editRule(req: Request, res: Response) {
      const rule = await quality.rule(codeParam(req));
      await renderRuleForm(
        quality,
        res,
        rule.code,
        { weight: String(rule.weight), enabled: rule.enabled ? 'co' : 'khong', param: rule.param === null ? '' : String(rule.param) },
        {},
        200,
      );
    },

    async updateRule(req: Request, res: Response) {
      const code = codeParam(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      try {
        const { recomputed } = await quality.updateRule(actorFromRequest(req), code, body);
        const tr = translatorOf(req);
        flash(req, 'success', tr.t('quality:flash.saved', { count: recomputed, n: tr.fmt.number(recomputed) }));
        res.redirect(303, paths.quality.rules());
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        const values = Object.fromEntries(
          ['weight', 'enabled', 'param'].map((k) => [k, typeof body[k] === 'string' ? String(body[k]) : '']),
        );
        await renderRuleForm(quality, res, code, values, err.fieldErrors, 400);
      }
    },

    async report(req: Request, res: Response) {
      const { q, filters, query } = parseReport(req);
      const page = q.trang ?? 1;
      const by = q.theo === 'linh-vuc' ? 'field' : 'province';
      const [options, rules] = await Promise.all([catalogues.loadAll(), quality.rules()]);
      const active = activeRules(rules);
      const [weakest, summary] = await Promise.all([
        quality.weakest(filters, page, PAGE_SIZE),
        quality.summary(
          filters,
          by,
          active.map((r) => r.code),
        ),
      ]);
      const fields = namesOf(options, 'fields');
      const provinces = namesOf(options, 'provinces');
      const tr = translatorOf(req);
      const { t } = tr;
      const labels = new Map(rules.map((r) => [r.code, ruleWords(r, tr).label]));
      const opt = (table: string) =>
        (options[table] ?? []).map((o) => ({ value: o.code, text: o.current ? o.name : t('quality:report.expired', { name: o.name }) }));
      res.render('quality/report', {
        title: t('quality:report.title'),
        rows: weakest.rows.map((r) => ({
          ...r,
          badge: scoreBadge(r.score),
          field_name: fields.get(r.main_field_code) ?? r.main_field_code,
          province_name: r.hq_province_code ? (provinces.get(r.hq_province_code) ?? r.hq_province_code) : '',
          failed_labels: r.failed.map((c) => labels.get(c) ?? c),
        })),
        total: weakest.total,
        more: weakest.more,
        page,
        pages: Math.max(1, Math.ceil(weakest.total / PAGE_SIZE)),
        query,
        by,
        summary: summary.map((s) => ({
          ...s,
          name: s.key === null ? t('quality:report.notRecorded') : ((by === 'field' ? fields : provinces).get(s.key) ?? s.key),
        })),
        active: active.map((r) => ({ ...r, label: ruleWords(r, tr).label })),
        fieldOptions: opt('fields'),
        provinceOptions: opt('provinces'),
        bandOptions: Object.entries(SCORE_BANDS).map(([value, b]) => ({ value, text: b.label })),
        csvHref: paths.quality.reportCsv(new URLSearchParams(query).toString()),
        canEdit: hasAnyRole(req.user?.roles ?? [], [...EDIT_ROLES]),
      });
    },

    /** Every match of the report's filters, weakest first, streamed in chunks; audited before any row is sent. */
    async reportCsv(req: Request, res: Response) {
      const { filters } = parseReport(req);
      const [options, rules] = await Promise.all([catalogues.loadAll(), quality.rules()]);
      await quality.recordExport(actorFromRequest(req), filters);
      const fields = namesOf(options, 'fields');
      const provinces = namesOf(options, 'provinces');
      const labels = new Map(rules.map((r) => [r.code, r.label]));
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      // server-text: the CSV export's file name and header row: an export, in Vietnamese whatever the reader's language
      res.setHeader('Content-Disposition', contentDisposition(`Chất lượng dữ liệu - ${quality.today()}.csv`));
      res.write('\uFEFF');
      res.write(
        // server-text: the CSV export's header row (an export, in Vietnamese)
        `${['Mã hội', 'Tên hội', 'Lĩnh vực chính', 'Tỉnh, thành phố (trụ sở)', 'Điểm', 'Tiêu chí chưa đạt'].map(csvCell).join(',')}\r\n`,
      );
      let after: { score: number; id: number } | null = null;
      for (;;) {
        const rows = await quality.weakestAfter(filters, after, CSV_CHUNK);
        if (rows.length === 0) break;
        const text = rows
          .map((r) =>
            [
              r.code,
              r.name,
              fields.get(r.main_field_code) ?? r.main_field_code,
              r.hq_province_code ? (provinces.get(r.hq_province_code) ?? r.hq_province_code) : '',
              r.score,
              r.failed.map((c) => labels.get(c) ?? c).join('; '),
            ]
              .map(csvCell)
              .join(','),
          )
          .join('\r\n');
        if (!res.write(`${text}\r\n`)) await new Promise((resolve) => res.once('drain', resolve));
        const last = rows[rows.length - 1];
        after = last ? { score: last.score, id: last.id } : null;
        if (rows.length < CSV_CHUNK) break;
      }
      res.end();
    },
  };
}

export type QualityController = ReturnType<typeof createQualityController>;
