/** Catalogue pages: the list of catalogues, one catalogue's entries, and the add / edit forms. */
import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import { ValidationError } from '../../lib/errors.js';
import { fieldErrors, keptValues, submitForm } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import type { CatalogueKind } from './catalogue-kinds.js';
import { CODE_PATTERN, entrySchema, isoToVietnamese, listQuerySchema } from './catalogues.schemas.js';
import type { CataloguesService } from './catalogues.service.js';

export const CATALOGUES_PATH = '/quan-tri/danh-muc';

type FormValues = Record<string, string>;

/** The form's field order, so the error summary lists mistakes top to bottom. */
const FIELD_ORDER = [
  '_form',
  'code',
  'name',
  'nameEn',
  'sortOrder',
  'validFrom',
  'validTo',
  'successorCode',
  'defaultMinistryCode',
  'note',
];

function inFormOrder(errors: Record<string, string>): Record<string, string> {
  const rank = (k: string) => (FIELD_ORDER.includes(k) ? FIELD_ORDER.indexOf(k) : FIELD_ORDER.length);
  return Object.fromEntries(Object.entries(errors).sort(([a], [b]) => rank(a) - rank(b)));
}

function param(req: Request, name: string): string {
  const v = req.params[name];
  return typeof v === 'string' ? v : '';
}

export function createCataloguesController(deps: { catalogues: CataloguesService }) {
  const { catalogues } = deps;

  async function renderForm(
    res: Response,
    status: number,
    kind: CatalogueKind,
    mode: 'create' | 'edit',
    values: FormValues,
    errors: Record<string, string>,
    entry: { code: string; successor_code: string | null; default_ministry_code?: string | null } | null,
  ) {
    const options = await catalogues.formOptions(kind, entry);
    res.status(status).render('catalogues/form', {
      kind,
      mode,
      code: entry?.code ?? null,
      values,
      errors: inFormOrder(errors),
      successors: options.successors,
      ministries: options.ministries,
    });
  }

  return {
    async index(_req: Request, res: Response) {
      res.render('catalogues/index', { rows: await catalogues.overview() });
    },

    async entries(req: Request, res: Response) {
      const kind = catalogues.kind(param(req, 'kind'));
      const query = listQuerySchema.safeParse(req.query);
      const currentOnly = query.success && query.data['hieu-luc'] === '1';
      const entries = await catalogues.entries(kind, { currentOnly });
      res.render('catalogues/entries', { kind, entries, currentOnly });
    },

    async showCreate(req: Request, res: Response) {
      const kind = catalogues.kind(param(req, 'kind'));
      catalogues.assertCanAdd(kind);
      await renderForm(res, 200, kind, 'create', {}, {}, null);
    },

    async create(req: Request, res: Response) {
      const kind = catalogues.kind(param(req, 'kind'));
      catalogues.assertCanAdd(kind);
      const values = keptValues(req.body);
      const parsed = entrySchema(kind, 'create').safeParse(req.body ?? {});
      if (!parsed.success) {
        // Show a taken code together with the other mistakes, not only after they are fixed.
        const errors = fieldErrors(parsed.error);
        const code = values.code?.trim() ?? '';
        if (!errors.code && CODE_PATTERN.test(code)) {
          const taken = await catalogues.codeTaken(kind, code);
          if (taken) errors.code = taken;
        }
        return renderForm(res, 400, kind, 'create', values, errors, null);
      }
      try {
        const row = await catalogues.create(actorFromRequest(req), kind, parsed.data);
        const { t, lang } = translatorOf(req);
        const label = t(`catalogues:kinds.${kind.slug}.label`, { defaultValue: kind.label });
        flash(
          req,
          'success',
          t('catalogues:flash.created', { name: row.name, code: row.code, label: lang === 'vi' ? label.toLowerCase() : label }),
        );
        res.redirect(303, paths.catalogues.entries(kind.slug));
      } catch (err) {
        if (err instanceof ValidationError) return renderForm(res, 400, kind, 'create', values, err.fieldErrors, null);
        throw err;
      }
    },

    async showEdit(req: Request, res: Response) {
      const kind = catalogues.kind(param(req, 'kind'));
      const entry = await catalogues.entry(kind, param(req, 'code'));
      const values: FormValues = {
        name: entry.name,
        nameEn: entry.name_en ?? '',
        note: entry.note ?? '',
        sortOrder: String(entry.sort_order),
        validFrom: isoToVietnamese(entry.valid_from),
        validTo: isoToVietnamese(entry.valid_to),
        successorCode: entry.successor_code ?? '',
        defaultMinistryCode: entry.default_ministry_code ?? '',
        version: entry.version,
      };
      await renderForm(res, 200, kind, 'edit', values, {}, entry);
    },

    async update(req: Request, res: Response) {
      const kind = catalogues.kind(param(req, 'kind'));
      // The code comes from the address only: a posted `code` is ignored, so it can never change.
      const entry = await catalogues.entry(kind, param(req, 'code'));
      const done = await submitForm(req.body ?? {}, entrySchema(kind, 'edit'), {
        save: (data) => catalogues.update(actorFromRequest(req), kind, entry.code, data),
        refused: ({ values, errors }) => renderForm(res, 400, kind, 'edit', values, errors, entry),
        values: (body) => keptValues(body, ['code']),
      });
      if (!done) return;
      flash(req, 'success', translatorOf(req).t('catalogues:flash.updated', { name: done.saved.name, code: done.saved.code }));
      res.redirect(303, paths.catalogues.entries(kind.slug));
    },
  };
}

export type CataloguesController = ReturnType<typeof createCataloguesController>;
