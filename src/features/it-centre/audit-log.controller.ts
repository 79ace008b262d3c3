/**
 * The IT Centre's audit log (SPEC §1): GET /quan-tri/he-thong/nhat-ky (a page of 50, newest first, "Trang sau" /
 * "Trang trước" by keyset) and GET /quan-tri/he-thong/nhat-ky.csv (every filtered row, streamed). Bad filters: the
 * page again with status 400, the message next to each field and the values typed (also for the CSV link).
 */
import { once } from 'node:events';
import type { Request, Response } from 'express';
import { actorFromRequest } from '../../lib/auth-context.js';
import type { FieldErrors } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import { fieldErrors } from '../../lib/forms.js';
import { translatorOf } from '../../lib/i18n.js';
import { paths, type Query } from '../../lib/urls.js';
import { ACTION_LABELS, TARGET_TYPES } from '../audit/audit-labels.js';
import type { AuditLogCursor, AuditLogFilters } from '../audit/audit-log.repository.js';
import type { AuditLogFilterRecord, AuditLogService } from '../audit/audit-log.service.js';
import { BOM, csvLine } from '../public/open-data.js';
import { contentDisposition } from '../reports/reports.export.js';
import { CSV_HEADER, csvCells, presentEntry } from './audit-log.present.js';
import { auditLogQuery, FILTER_FIELDS } from './audit-log.schemas.js';

type Values = Record<(typeof FILTER_FIELDS)[number], string>;

type Parsed =
  | { ok: true; values: Values; filters: AuditLogFilters; recorded: AuditLogFilterRecord; cursor: AuditLogCursor | null }
  | { ok: false; values: Values; errors: FieldErrors };

const ACTION_OPTIONS = Object.entries(ACTION_LABELS).map(([value, text]) => ({ value, text }));
const TARGET_OPTIONS = TARGET_TYPES.map((t) => ({ value: t.type, text: t.label }));

/** A day in Viet Nam (UTC+7 all year) as the instant it starts. */
const startOfDay = (iso: string, plusDays = 0) => new Date(Date.parse(`${iso}T00:00:00+07:00`) + plusDays * 86_400_000);

function valuesOf(req: Request): Values {
  const out = {} as Values;
  for (const k of FILTER_FIELDS) {
    const v = req.query[k];
    out[k] = typeof v === 'string' ? v : '';
  }
  return out;
}

/** Writes text, waiting when the client reads slowly; false when the client has gone. */
async function write(res: Response, text: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

export function createAuditLogController(service: AuditLogService, clock: { now(): Date }) {
  /** The filters checked (zod), then the names they give resolved to accounts (an unknown name is a field error). */
  async function parse(req: Request): Promise<Parsed> {
    const values = valuesOf(req);
    const parsed = auditLogQuery.safeParse(req.query);
    if (!parsed.success) {
      const errors = fieldErrors(parsed.error);
      for (const k of ['sau', 'truoc'] as const) {
        if (errors[k]) {
          errors._form ??= errors[k];
          delete errors[k];
        }
      }
      return { ok: false, values, errors };
    }
    const q = parsed.data;
    const errors: FieldErrors = {};
    let actorUserId: number | undefined;
    if (q['nguoi-dung']) {
      actorUserId = await service.userIdByUsername(q['nguoi-dung']);
      if (actorUserId === undefined) errors['nguoi-dung'] = 'Không có tài khoản nào có tên đăng nhập này.';
    }
    let targetId = q['ma-doi-tuong'];
    if (q['doi-tuong'] === 'user' && targetId !== undefined && !/^\d{1,15}$/.test(targetId)) {
      const id = await service.userIdByUsername(targetId);
      if (id === undefined) errors['ma-doi-tuong'] = 'Không có tài khoản nào có tên đăng nhập này.';
      targetId = String(id);
    }
    // Codes of the register are written in capitals (H000042).
    if (q['doi-tuong'] === 'association' && targetId && /^h\d+$/i.test(targetId)) targetId = targetId.toUpperCase();
    if (Object.keys(errors).length > 0) return { ok: false, values, errors };
    const filters: AuditLogFilters = {
      actorUserId,
      action: q['thao-tac'],
      from: q['tu-ngay'] ? startOfDay(q['tu-ngay']) : undefined,
      before: q['den-ngay'] ? startOfDay(q['den-ngay'], 1) : undefined,
      targetType: q['doi-tuong'],
      targetId,
      ip: q.ip,
    };
    const recorded: AuditLogFilterRecord = {};
    const named = {
      user: q['nguoi-dung'],
      action: q['thao-tac'],
      from: q['tu-ngay'],
      to: q['den-ngay'],
      targetType: q['doi-tuong'],
      targetId,
      ip: q.ip,
    };
    for (const [k, v] of Object.entries(named)) if (v !== undefined) recorded[k] = v;
    const cursor: AuditLogCursor | null =
      q.sau !== undefined ? { dir: 'after', id: q.sau } : q.truoc !== undefined ? { dir: 'before', id: q.truoc } : null;
    return { ok: true, values, filters, recorded, cursor };
  }

  function render(res: Response, status: number, locals: Record<string, unknown> & { values: Values }) {
    const query: Query = Object.fromEntries(Object.entries(locals.values).filter(([, v]) => v !== ''));
    res.status(status).render('it-centre/audit-log', {
      title: translatorOf(res.req).t('it-centre:auditLog.title'),
      actionOptions: ACTION_OPTIONS,
      targetOptions: TARGET_OPTIONS,
      errors: {},
      entries: [],
      olderHref: null,
      newerHref: null,
      firstHref: null,
      csvHref: paths.itCentre.auditLogCsv(query),
      ...locals,
    });
  }

  return {
    async page(req: Request, res: Response) {
      const p = await parse(req);
      if (!p.ok) return render(res, 400, { values: p.values, errors: p.errors });
      const page = await service.page(actorFromRequest(req), p.filters, p.recorded, p.cursor);
      const entries = page.rows.map((r) => presentEntry(r, page.users));
      const query: Query = Object.fromEntries(Object.entries(p.values).filter(([, v]) => v !== ''));
      const last = entries.at(-1);
      const first = entries[0];
      render(res, 200, {
        values: p.values,
        entries,
        olderHref: page.hasOlder && last ? paths.itCentre.auditLog(query, { sau: last.id }) : null,
        newerHref: page.hasNewer && first ? paths.itCentre.auditLog(query, { truoc: first.id }) : null,
        firstHref: page.hasNewer ? paths.itCentre.auditLog(query) : null,
      });
    },

    async csv(req: Request, res: Response) {
      const p = await parse(req);
      if (!p.ok) return render(res, 400, { values: p.values, errors: p.errors });
      const batches = await service.export(actorFromRequest(req), p.filters, p.recorded);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      // server-text: the CSV export's file name, in Vietnamese as the export is
      res.setHeader('Content-Disposition', contentDisposition(`Nhật ký thao tác - ${vietnamToday(clock.now())}.csv`));
      if (!(await write(res, BOM + csvLine(CSV_HEADER)))) return;
      for await (const { rows, users } of batches) {
        const text = rows.map((r) => csvLine(csvCells(r, presentEntry(r, users)))).join('');
        if (!(await write(res, text))) return;
      }
      res.end();
    },
  };
}
