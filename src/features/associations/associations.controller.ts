import type { Request, Response } from 'express';
import { z } from 'zod';
import { actorFromRequest } from '../../lib/auth-context.js';
import { NotFoundError, StaleVersionError, ValidationError } from '../../lib/errors.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { DATA_LEVELS, DECISION_EVENTS, FUND_SOURCES, GROUPS, SCOPES, SECTIONS, SUBLISTS } from '../register-form/definition.js';
import { type FormValues, parseAssociationForm, valuesFromRecord } from '../register-form/schema.js';
import type { ListCursor, SortKey } from './associations.repository.js';
import { COUNT_CAP, decodeCursor, encodeCursor, SORTS } from './associations.repository.js';
import type { AssociationsService } from './associations.service.js';
import { TERM_COMPLIANCE, TERM_STATE_LABELS } from './congress-term.js';

export const EDIT_ROLES = ['ngo_staff', 'ngo_lead'] as const;
export const READ_ROLES = ['ngo_staff', 'ngo_lead', 'leader'] as const;
const PAGE_SIZE = 25;
const CODE = /^H\d{6}$/;

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));
const listQuery = z.object({
  q: optionalText(200),
  'linh-vuc': optionalText(40),
  'bo-nganh': optionalText(40),
  'pham-vi': z
    .enum(SCOPES.map(([c]) => c) as [string, ...string[]])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  tinh: optionalText(40),
  'tinh-chat': optionalText(40),
  'trang-thai': optionalText(40),
  'muc-du-lieu': z
    .enum(['raw', 'basic', 'advanced'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  'cong-khai': z
    .enum(['co', 'khong'])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  'lanh-dao': optionalText(120),
  'sap-xep': z
    .enum(Object.keys(SORTS) as [SortKey, ...SortKey[]])
    .optional()
    .or(z.literal('').transform(() => undefined)),
  trang: z.coerce.number().int().min(1).max(100_000).optional(),
  // Keyset links of a list past COUNT_CAP matches: the page after / before a row (register-list.repository.ts).
  sau: optionalText(2000),
  truoc: optionalText(2000),
});

const versionSchema = z.object({ version: z.coerce.number().int().min(1) });

function codeParam(req: Request): string {
  const code = String(req.params.code ?? '').toUpperCase();
  if (!CODE.test(code)) throw new NotFoundError('Không tìm thấy hội với mã này.');
  return code;
}

function reasonOf(body: unknown): string | null {
  const r = (body as Record<string, unknown> | undefined)?.reason;
  return typeof r === 'string' && r.trim() ? r.trim().slice(0, 500) : null;
}

/** Biểu mẫu 1's definition for the form and record views. */
const FORM_VIEW = {
  groups: GROUPS,
  sublists: SUBLISTS,
  sections: SECTIONS,
};

/** The staff register list: filters, sorts, pages (by keyset past COUNT_CAP matches). */
async function listPage(service: AssociationsService, req: Request, res: Response) {
  const parsed = listQuery.safeParse(req.query);
  if (!parsed.success) throw new ValidationError({ q: 'Điều kiện tìm kiếm không hợp lệ.' });
  const q = parsed.data;
  const filters = {
    q: q.q,
    field: q['linh-vuc'],
    ministry: q['bo-nganh'],
    scope: q['pham-vi'],
    province: q.tinh,
    nature: q['tinh-chat'],
    status: q['trang-thai'],
    dataLevel: q['muc-du-lieu'],
    published: q['cong-khai'] === undefined ? undefined : q['cong-khai'] === 'co',
    leader: q['lanh-dao'],
  };
  const page = q.trang ?? 1;
  const sort: SortKey = q['sap-xep'] ?? (q.q ? 'ten' : 'cap-nhat');
  const token = q.sau ?? q.truoc;
  const cursor: ListCursor | null =
    token === undefined || (q.sau !== undefined && q.truoc !== undefined)
      ? null
      : decodeCursor(sort, q.sau !== undefined ? 'after' : 'before', token);
  if (token !== undefined && !cursor)
    throw new ValidationError({ q: 'Liên kết phân trang không hợp lệ. Hãy mở lại danh sách từ trang đầu.' });
  const [{ rows, total, more, next, prev }, options] = await Promise.all([
    service.list(filters, sort, page, PAGE_SIZE, cursor),
    service.catalogueOptions(),
  ]);
  // The rows carry catalogue codes; their names come from the catalogues loaded for the filter form.
  const nameIn = (table: string) => {
    const names = new Map((options[table] ?? []).map((o) => [o.code, o.name]));
    return (code: string | null) => (code === null ? null : (names.get(code) ?? code));
  };
  const [status, field, ministry, province] = ['statuses', 'fields', 'ministries', 'provinces'].map(nameIn) as [
    ReturnType<typeof nameIn>,
    ReturnType<typeof nameIn>,
    ReturnType<typeof nameIn>,
    ReturnType<typeof nameIn>,
  ];
  const named = rows.map((r) => ({
    ...r,
    status_name: status(r.status),
    field_name: field(r.main_field_code),
    ministry_name: ministry(r.managing_ministry_code),
    province_name: province(r.hq_province_code),
  }));
  const query = Object.fromEntries(
    Object.entries(q).filter(([k, v]) => v !== undefined && k !== 'trang' && k !== 'sau' && k !== 'truoc'),
  ) as Record<string, string>;
  // Past COUNT_CAP matches the pages follow by keyset: links to the neighbouring pages carry their cursor.
  const href = (p: number, c: ListCursor | null) => {
    const params = new URLSearchParams(query);
    if (p > 1) params.set('trang', String(p));
    if (c && p > 1) params.set(c.dir === 'after' ? 'sau' : 'truoc', encodeCursor(c));
    return paths.register.list(params.toString());
  };
  res.render('associations/list', {
    title: 'Sổ đăng ký hội',
    rows: named,
    total,
    more,
    countCap: COUNT_CAP,
    page,
    pages: more ? page : Math.max(1, Math.ceil(total / PAGE_SIZE)),
    keyset: more
      ? {
          first: page > 1 ? href(1, null) : null,
          prev: prev && page > 1 ? href(page - 1, prev) : null,
          next: next ? href(page + 1, next) : null,
          // A page number past the counted rows (typed or an old link): it says how to get there.
          tooDeep: !cursor && rows.length === 0 && page > 1,
        }
      : null,
    query,
    sort,
    options,
    scopes: SCOPES,
    dataLevels: DATA_LEVELS,
    canEdit: hasAnyRole(req.user?.roles ?? [], [...EDIT_ROLES]),
  });
}

/** Biểu mẫu 1 on the staff form: new record, edit, the 400 and 409 round trips. */
function formHandlers(service: AssociationsService) {
  async function renderForm(
    res: Response,
    status: number,
    locals: {
      mode: 'create' | 'edit';
      values: FormValues;
      errors: Record<string, string>;
      record?: unknown;
      version?: number;
      reason?: string;
      conflict?: unknown;
    },
  ) {
    const options = await service.catalogueOptions();
    res.status(status).render('associations/form', {
      title: locals.mode === 'create' ? 'Thêm hội mới' : 'Sửa hồ sơ hội',
      ...FORM_VIEW,
      options,
      record: null,
      version: 0,
      reason: '',
      conflict: null,
      ...locals,
    });
  }

  return {
    async newForm(_req: Request, res: Response) {
      await renderForm(res, 200, {
        mode: 'create',
        values: { fields: { scope: 'toan_quoc', status: 'hoat_dong', data_level: 'raw', kind_code: 'hoi' }, lists: {} },
        errors: {},
      });
    },

    async create(req: Request, res: Response) {
      const options = await service.catalogueOptions();
      const parsed = parseAssociationForm(req.body, service.codesOf(options));
      const reason = reasonOf(req.body);
      if (!parsed.ok) return renderForm(res, 400, { mode: 'create', values: parsed.values, errors: parsed.errors, reason: reason ?? '' });
      try {
        const row = await service.create(actorFromRequest(req), parsed.input, reason);
        flash(req, 'success', `Đã thêm hội ${row.name} (mã ${row.code}).`);
        res.redirect(303, paths.register.record(row.code));
      } catch (err) {
        if (err instanceof ValidationError)
          return renderForm(res, 400, { mode: 'create', values: parsed.values, errors: err.fieldErrors, reason: reason ?? '' });
        throw err;
      }
    },

    async editForm(req: Request, res: Response) {
      const code = codeParam(req);
      const full = await service.get(code);
      await renderForm(res, 200, {
        mode: 'edit',
        values: valuesFromRecord(full.record, full.lists),
        errors: {},
        record: full.record,
        version: full.record.version,
      });
    },

    async update(req: Request, res: Response) {
      const code = codeParam(req);
      const options = await service.catalogueOptions();
      const parsed = parseAssociationForm(req.body, service.codesOf(options));
      const reason = reasonOf(req.body);
      const v = versionSchema.safeParse(req.body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của hồ sơ. Hãy mở lại trang sửa.' });
      const rerender = async (status: number, errors: Record<string, string>) => {
        const current = await service.get(code);
        return renderForm(res, status, {
          mode: 'edit',
          values: parsed.values,
          record: current.record,
          version: v.data.version,
          reason: reason ?? '',
          errors,
        });
      };
      if (!parsed.ok) return rerender(400, parsed.errors);
      try {
        await service.update(actorFromRequest(req), code, parsed.input, v.data.version, reason);
        flash(req, 'success', 'Đã lưu hồ sơ hội.');
        res.redirect(303, paths.register.record(code));
      } catch (err) {
        if (err instanceof ValidationError) return rerender(400, err.fieldErrors);
        if (err instanceof StaleVersionError) {
          // No lost update: keep what the user typed and show what the other person changed meanwhile.
          const latest = await service.get(code);
          const conflict = await service.diff(code, v.data.version, latest.record.version).catch(() => null);
          return renderForm(res, 409, {
            mode: 'edit',
            values: parsed.values,
            reason: reason ?? '',
            errors: {
              _form:
                'Hồ sơ đã được người khác lưu sau khi bạn mở trang. Thay đổi của bạn CHƯA được lưu. Xem thay đổi của họ bên dưới, rồi lưu lại nếu vẫn muốn.',
            },
            record: latest.record,
            version: latest.record.version,
            conflict: conflict ? { ...conflict, by: latest.updatedBy, at: latest.record.updated_at } : null,
          });
        }
        throw err;
      }
    },
  };
}

/** The record page and its actions: publish, paper check, history with diffs. */
function recordHandlers(service: AssociationsService, documents: { listForAssociation(associationId: number): Promise<unknown[]> }) {
  return {
    async show(req: Request, res: Response) {
      const code = codeParam(req);
      const full = await service.get(code);
      const options = await service.catalogueOptions();
      if ((full.lists.leaders ?? []).length > 0) await service.recordPersonalDataView(actorFromRequest(req), code);
      res.render('associations/show', {
        title: full.record.name,
        full,
        documents: await documents.listForAssociation(full.record.id),
        options,
        ...FORM_VIEW,
        termLabels: TERM_STATE_LABELS,
        termCompliance: TERM_COMPLIANCE,
        display: service.display,
        decisionEvents: DECISION_EVENTS,
        fundSources: FUND_SOURCES,
        canEdit: hasAnyRole(req.user?.roles ?? [], [...EDIT_ROLES]),
      });
    },

    async publish(req: Request, res: Response) {
      const code = codeParam(req);
      const v = versionSchema.safeParse(req.body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của hồ sơ.' });
      const published = (req.body as Record<string, unknown>).published === '1';
      await service.setPublished(actorFromRequest(req), code, published, v.data.version);
      flash(req, 'success', published ? 'Hồ sơ đã được công khai trên cổng thông tin.' : 'Hồ sơ đã thôi công khai.');
      res.redirect(303, paths.register.record(code));
    },

    async paperCheck(req: Request, res: Response) {
      const code = codeParam(req);
      const v = versionSchema.safeParse(req.body);
      if (!v.success) throw new ValidationError({ version: 'Thiếu phiên bản của hồ sơ.' });
      const ref = (req.body as Record<string, unknown>).paper_dossier_ref;
      const dossierRef = typeof ref === 'string' && ref.trim() ? ref.trim().slice(0, 200) : null;
      await service.markPaperChecked(actorFromRequest(req), code, v.data.version, dossierRef);
      flash(req, 'success', 'Đã ghi nhận đối chiếu hồ sơ với hồ sơ giấy.');
      res.redirect(303, paths.register.record(code));
    },

    async history(req: Request, res: Response) {
      const code = codeParam(req);
      const { record, versions } = await service.history(code);
      const q = z
        .object({ tu: z.coerce.number().int().min(1).optional(), den: z.coerce.number().int().min(1).optional() })
        .safeParse(req.query);
      let comparison = null;
      if (q.success && q.data.tu && q.data.den) comparison = await service.diff(code, q.data.tu, q.data.den);
      res.render('associations/history', { title: `Lịch sử hồ sơ: ${record.name}`, record, versions, comparison });
    },
  };
}

export function createAssociationsController(
  service: AssociationsService,
  documents: { listForAssociation(associationId: number): Promise<unknown[]> },
) {
  return {
    list: (req: Request, res: Response) => listPage(service, req, res),
    ...formHandlers(service),
    ...recordHandlers(service, documents),
  };
}
