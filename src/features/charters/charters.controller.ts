/**
 * "So sánh điều lệ": the charter versions of one association, the comparison of two of them (a GET form, so it
 * works without JavaScript), and the forms that add a version from a typed text or give a file version its text.
 * The same pages serve NGO staff on a record (/quan-tri/hoi/:code/dieu-le) and the association's officer on their
 * own association (/hoi-cua-toi/dieu-le); the area decides the association, the links and the provenance.
 */
import type { Request, Response } from 'express';
import multer from 'multer';
import { actorFromRequest } from '../../lib/auth-context.js';
import { NotFoundError, ValidationError } from '../../lib/errors.js';
import { fieldErrors, keptValues } from '../../lib/forms.js';
import { type Translate, translatorOf } from '../../lib/i18n.js';
import { idParam } from '../../lib/params.js';
import { hasAnyRole } from '../../lib/roles.js';
import { paths } from '../../lib/urls.js';
import { flash } from '../../middleware/locals.js';
import { cleanFormBody } from '../../middleware/parameters.js';
import { MalformedUploadError } from '../documents/documents.storage.js';
import type { AssociationRef } from './charters.repository.js';
import { charterTextForm, compareQuery, newCharterTextForm, TOO_LONG } from './charters.schemas.js';
import { type CharterComparison, type ChartersService, type CharterVersion, NOT_FOUND_VERSION } from './charters.service.js';

export const CHARTER_READ_ROLES = ['ngo_staff', 'ngo_lead', 'leader'] as const;
export const CHARTER_EDIT_ROLES = ['ngo_staff', 'ngo_lead'] as const;

/** Where the pages are used: the association, its links, and who supplies a text typed there. */
export interface CharterArea {
  kind: 'staff' | 'officer';
  association: AssociationRef;
  canEdit: boolean;
  provenance: 'edit' | 'officer';
  urls: {
    page: (query?: Record<string, string | number>) => string;
    newText: (query?: Record<string, string>) => string;
    text: (id: number, query?: Record<string, string>) => string;
    /** The association's documents (staff) or the officer's home (officer). */
    home: string;
    documents: string | null;
  };
}

/** A typed charter can be long: the text form is sent as multipart, outside the 200 kB limit of ordinary forms. */
const MAX_TEXT_FIELD_BYTES = 1_500_000;
const receiveTextForm = multer({
  limits: { fields: 4, parts: 4, files: 0, fieldNameSize: 50, fieldSize: MAX_TEXT_FIELD_BYTES, headerPairs: 20 },
}).none();

/** The text form's fields; a text over the limit is a field error (the rest of the form is kept). */
function readTextForm(req: Request, res: Response): Promise<{ tooLong: boolean }> {
  return new Promise((resolve, reject) => {
    receiveTextForm(req, res, (err?: unknown) => {
      if (!err) {
        cleanFormBody(req.body);
        return resolve({ tooLong: false });
      }
      if (err instanceof multer.MulterError && err.code === 'LIMIT_FIELD_VALUE') return resolve({ tooLong: true });
      if (err instanceof Error && 'syscall' in err) return reject(err);
      reject(new MalformedUploadError('Biểu mẫu gửi lên không hợp lệ. Văn bản chưa được lưu; vui lòng thử lại.'));
    });
  });
}

export function staffArea(association: AssociationRef, roles: readonly string[]): CharterArea {
  const code = association.code;
  return {
    kind: 'staff',
    association,
    canEdit: hasAnyRole(roles, CHARTER_EDIT_ROLES),
    provenance: 'edit',
    urls: {
      page: (q) => paths.charters.staff(code, q ?? {}),
      newText: (q) => paths.charters.staffNew(code, q ?? {}),
      text: (id, q) => paths.charters.staffText(code, id, q ?? {}),
      home: paths.register.record(code),
      documents: paths.register.documents(code),
    },
  };
}

export function officerArea(association: AssociationRef): CharterArea {
  return {
    kind: 'officer',
    association,
    canEdit: true,
    provenance: 'officer',
    urls: {
      page: (q) => paths.charters.officer(q ?? {}),
      newText: (q) => paths.charters.officerNew(q ?? {}),
      text: (id, q) => paths.charters.officerText(id, q ?? {}),
      home: paths.submissions.officerHome(),
      documents: null,
    },
  };
}

type AreaOf = (req: Request) => Promise<CharterArea>;

/**
 * What the pages print for a version's source, who supplied its text, and an entry's status, in the reader's
 * language (locales/<lang>/charters.json).
 */
export function charterLabels(t: Translate) {
  const sources = ['docx', 'pdf', 'image', 'other', 'entered'] as const;
  const statuses = ['added', 'removed', 'changed', 'unchanged'] as const;
  return Object.freeze({
    source: Object.fromEntries(sources.map((k) => [k, t(`charters:source.${k}`)])) as Record<string, string>,
    noText: { ...Object.fromEntries(sources.slice(0, 4).map((k) => [k, t(`charters:noText.${k}`)])), entered: '' } as Record<
      string,
      string
    >,
    status: Object.fromEntries(statuses.map((k) => [k, t(`charters:status.${k}`)])) as Record<string, string>,
    provenance(p: string): string {
      if (p === 'edit') return t('charters:provenance.edit');
      if (p === 'officer') return t('charters:provenance.officer');
      const m = /^submission:(\d+)$/.exec(p);
      if (m) return t('charters:provenance.submission', { n: m[1] });
      if (p.startsWith('import:')) return t('charters:provenance.import');
      return t('charters:provenance.unknown');
    },
  });
}

/** The selects' defaults: the last two versions that have a text. */
function defaultChoice(versions: CharterVersion[]): { tu: string; den: string } {
  const withText = versions.filter((v) => v.hasText);
  const to = withText[withText.length - 1];
  const from = withText[withText.length - 2];
  return { tu: from ? String(from.id) : '', den: to ? String(to.id) : '' };
}

/** Parse the comparison's query; the field errors of a choice that cannot be compared. */
function readChoice(query: unknown): { tu: string; den: string; asked: boolean; errors: Record<string, string> } {
  const parsed = compareQuery.safeParse(query);
  // A value that is no version id is a version that does not exist.
  if (!parsed.success) throw new NotFoundError(NOT_FOUND_VERSION);
  const tu = parsed.data.tu ?? '';
  const den = parsed.data.den ?? '';
  const asked = parsed.data.tu !== undefined || parsed.data.den !== undefined;
  const errors: Record<string, string> = {};
  if (asked) {
    if (tu === '') errors.tu = 'Chọn bản điều lệ cũ (so sánh từ).';
    if (den === '') errors.den = 'Chọn bản điều lệ mới (so sánh đến).';
    if (tu !== '' && tu === den) errors.den = 'Chọn hai phiên bản khác nhau để so sánh.';
  }
  return { tu, den, asked, errors };
}

export function createChartersController(service: ChartersService, areas: { staff: AreaOf; officer: AreaOf }) {
  async function page(req: Request, res: Response, area: CharterArea) {
    const versions = await service.versions(area.association);
    const choice = readChoice(req.query);
    let errors = choice.errors;
    let comparison: CharterComparison | null = null;
    if (choice.asked && Object.keys(errors).length === 0) {
      try {
        comparison = await service.compare(area.association, Number(choice.tu), Number(choice.den));
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        errors = err.fieldErrors;
      }
    }
    const values = choice.asked ? { tu: choice.tu, den: choice.den } : defaultChoice(versions);
    res.status(Object.keys(errors).length > 0 ? 400 : 200).render('charters/index', {
      title: translatorOf(req).t('charters:titles.compare', { name: area.association.name }),
      area,
      versions,
      values,
      errors,
      comparison,
      labels: charterLabels(translatorOf(req).t),
    });
  }

  function renderTextForm(
    res: Response,
    status: number,
    area: CharterArea,
    form: { version: CharterVersion | null; values: Record<string, string>; errors: Record<string, string> },
  ) {
    res.status(status).render('charters/text-form', {
      title: form.version
        ? translatorOf(res.req).t('charters:text.titleVersion', { n: form.version.number })
        : translatorOf(res.req).t('charters:text.titleNew'),
      area,
      ...form,
    });
  }

  /** Receive the text form; on bad input render it again (400) and answer null. */
  async function received<S extends typeof newCharterTextForm | typeof charterTextForm>(
    req: Request,
    res: Response,
    area: CharterArea,
    schema: S,
    version: CharterVersion | null,
  ) {
    const { tooLong } = await readTextForm(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const parsed = schema.safeParse(body);
    const errors = parsed.success ? {} : fieldErrors(parsed.error);
    if (tooLong) errors.text = TOO_LONG;
    if (!parsed.success || tooLong) {
      renderTextForm(res, 400, area, { version, values: keptValues(body), errors });
      return null;
    }
    return parsed.data;
  }

  const handlers = (areaOf: AreaOf) => ({
    async show(req: Request, res: Response) {
      await page(req, res, await areaOf(req));
    },
    async newForm(req: Request, res: Response) {
      renderTextForm(res, 200, await areaOf(req), { version: null, values: {}, errors: {} });
    },
    async create(req: Request, res: Response) {
      const area = await areaOf(req);
      const data = await received(req, res, area, newCharterTextForm, null);
      if (!data) return;
      const input = data as { title: string; text: string };
      const row = await service.createText(actorFromRequest(req), area.association, input, area.provenance);
      flash(req, 'success', translatorOf(req).t('charters:flash.created', { n: row.version_no, title: input.title }));
      res.redirect(303, area.urls.page());
    },
    async textForm(req: Request, res: Response) {
      const area = await areaOf(req);
      const version = await service.version(area.association, idParam(req, NOT_FOUND_VERSION));
      renderTextForm(res, 200, area, { version, values: {}, errors: {} });
    },
    async saveText(req: Request, res: Response) {
      const area = await areaOf(req);
      // Not this association's version: 404 before the body is read.
      const version = await service.version(area.association, idParam(req, NOT_FOUND_VERSION));
      const data = await received(req, res, area, charterTextForm, version);
      if (!data) return;
      const n = await service.enterText(actorFromRequest(req), area.association, version.id, data.text, area.provenance);
      flash(req, 'success', translatorOf(req).t('charters:flash.text', { n }));
      res.redirect(303, area.urls.page());
    },
  });

  return { staff: handlers(areas.staff), officer: handlers(areas.officer) };
}

export type ChartersController = ReturnType<typeof createChartersController>;
