/**
 * Public pages (SPEC §5, §6): home, list with search and filters, record page, list by field, open data.
 * No page here renders a form that needs a CSRF token, so anonymous browsing creates no session (RELIABILITY 10).
 */

import { once } from 'node:events';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { ValidationError } from '../../lib/errors.js';
import { associationCodeParam } from '../../lib/params.js';
import { paths } from '../../lib/urls.js';
import type { AnonymousPage, AnonymousPageResolver, PageView } from '../../middleware/anonymous-pages.js';
import { SCOPES } from '../register-form/definition.js';
import { NO_PROVINCE } from '../reports/province-grouping.js';
import { PROVINCE_MAPS, type ProvinceMap } from '../reports/reports.schemas.js';
import { BOM, csvHeader, csvRow, jsonMetadata, openApi } from './open-data.js';
import type { PublicFilters, PublicSort } from './public.repository.js';
import type { PublicService } from './public.service.js';
import { PUBLIC_GROUP_TITLES } from './public-fields.js';
import { searchWords } from './search-query.js';

export const PAGE_SIZE = 20;
/** The record page's values that are a catalogue entry's name (printed in English where the entry has one). */
const CATALOGUE_VALUES = [
  'kind',
  'status',
  'main_field',
  'other_fields',
  'managing_ministry',
  'hq_province',
  'nature',
  'president_position',
];
const CATALOGUE_CODE = /^[A-Za-z0-9_.-]{1,40}$/;
const BAD_QUERY = 'Điều kiện tìm kiếm không hợp lệ. Hãy kiểm tra lại từ khóa, lĩnh vực, phạm vi, tỉnh hoặc số trang.';

const catalogueCode = z.string().regex(CATALOGUE_CODE, { error: 'Mã danh mục không hợp lệ.' }).optional();
const listQuery = z.object({
  q: searchWords,
  'linh-vuc': catalogueCode,
  'pham-vi': z.enum(SCOPES.map(([c]) => c) as [string, ...string[]], { error: 'Phạm vi hoạt động không hợp lệ.' }).optional(),
  tinh: catalogueCode,
  'sap-xep': z.enum(['phu-hop', 'ten', 'ma'], { error: 'Cách sắp xếp không hợp lệ.' }).optional(),
  trang: z.coerce.number({ error: 'Số trang không hợp lệ.' }).int().min(1).max(10_000).optional(),
});
type ListQuery = z.output<typeof listQuery>;

const statisticsQuery = z.object({
  'dia-gioi': z.enum(PROVINCE_MAPS, { error: 'Cách thống kê theo tỉnh, thành phố không hợp lệ.' }).optional(),
});

/** The query without empty values (a form submits "Tất cả" as an empty string); 400 on anything malformed. */
function parseQuery(req: Request): ListQuery {
  const raw = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
  const parsed = listQuery.safeParse(raw);
  if (!parsed.success) throw new ValidationError({ q: parsed.error.issues[0]?.message ?? BAD_QUERY }, BAD_QUERY);
  return parsed.data;
}

function filtersOf(q: ListQuery): PublicFilters {
  return {
    ...(q.q ? { q: q.q } : {}),
    ...(q['linh-vuc'] ? { field: q['linh-vuc'] } : {}),
    ...(q['pham-vi'] ? { scope: q['pham-vi'] } : {}),
    ...(q.tinh ? { province: q.tinh } : {}),
  };
}

function sortOf(q: ListQuery): PublicSort {
  return q['sap-xep'] ?? (q.q ? 'phu-hop' : 'ten');
}

/** The statistics' grouping (`dia-gioi`, default the 34 provinces in force); 400 on anything else. */
function provinceMapOf(req: Request): ProvinceMap {
  const raw = Object.fromEntries(Object.entries(req.query).filter(([, v]) => v !== ''));
  const parsed = statisticsQuery.safeParse(raw);
  if (!parsed.success) {
    const message = parsed.error.issues[0]?.message ?? 'Điều kiện thống kê không hợp lệ.';
    throw new ValidationError({ 'dia-gioi': message }, message);
  }
  return parsed.data['dia-gioi'] ?? 'hien-nay';
}

/** The current query as link parameters (without the page). */
function linkQuery(q: ListQuery): Record<string, string> {
  return Object.fromEntries(
    Object.entries(q)
      .filter(([k, v]) => v !== undefined && k !== 'trang')
      .map(([k, v]) => [k, String(v)]),
  );
}

/** The record code of /hoi/:code, upper-cased; 404 for anything that is not a code. */
function codeOf(req: Request): string {
  return associationCodeParam(req, 'Không tìm thấy hội với mã này trong danh sách công khai.');
}

/** Open data may be cached by browsers and proxies; a signed-in user's responses stay no-store (RELIABILITY 26). */
function openDataCache(req: Request, res: Response): void {
  if (!req.user) res.setHeader('Cache-Control', 'public, max-age=300');
}

/** Writes text, waiting when the client reads slowly; false when the client has gone. */
async function write(res: Response, text: string): Promise<boolean> {
  if (res.destroyed) return false;
  if (!res.write(text)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
  return !res.destroyed;
}

/**
 * Each public page's view and locals: rendered by the controller's routes, or by the anonymous page path. Catalogue
 * names come with their English names (`namesEn`); the view picks the language (`localName`).
 */
function publicPageViews(service: PublicService) {
  const regime = service.regime;
  const groups = (Object.keys(PUBLIC_GROUP_TITLES) as Array<keyof typeof PUBLIC_GROUP_TITLES>)
    .map((g) => ({ key: g, title: PUBLIC_GROUP_TITLES[g], fields: service.fields.filter((f) => f.group === g) }))
    .filter((g) => g.fields.length > 0);

  return {
    async home(): Promise<PageView> {
      const [home, namesEn] = await Promise.all([service.home(), service.englishNames()]);
      return { view: 'public/home', locals: { ...home, namesEn } };
    },

    async list(q: ListQuery): Promise<PageView> {
      const page = q.trang ?? 1;
      const [{ rows, total, more }, options, namesEn] = await Promise.all([
        service.list(filtersOf(q), sortOf(q), page, PAGE_SIZE),
        service.filterOptions(),
        service.englishNames(),
      ]);
      const query = linkQuery(q);
      // Past the capped count the pages go on while a page is full (the pager then shows no last page).
      const counted = Math.max(1, Math.ceil(total / PAGE_SIZE));
      const pages = more ? Math.max(counted, rows.length === PAGE_SIZE ? page + 1 : page) : counted;
      // Open data takes the list's own parameters (without the page).
      const search = new URLSearchParams(query).toString();
      return {
        view: 'public/list',
        locals: {
          rows,
          total,
          more,
          page,
          pages,
          query,
          sort: sortOf(q),
          options,
          scopes: SCOPES,
          namesEn,
          csvHref: paths.public.openDataCsv(search),
          jsonHref: paths.public.openDataJson(search),
        },
      };
    },

    async show(code: string): Promise<PageView> {
      const [{ record, updatedAt, quarterly }, namesEn] = await Promise.all([service.detailPage(code), service.englishNames()]);
      return {
        view: 'public/show',
        locals: {
          title: record.name,
          record,
          updatedAt,
          quarterly,
          groups,
          regime,
          namesEn,
          scopes: SCOPES,
          catalogueKeys: CATALOGUE_VALUES,
        },
      };
    },

    async fields(): Promise<PageView> {
      const [byField, namesEn] = await Promise.all([service.fieldCounts(), service.englishNames()]);
      return { view: 'public/fields', locals: { byField, namesEn } };
    },

    async statistics(map: ProvinceMap): Promise<PageView> {
      const [table, namesEn] = await Promise.all([service.provinceStatistics(map), service.englishNames()]);
      return { view: 'public/statistics', locals: { map, maps: PROVINCE_MAPS, table, namesEn, noProvince: NO_PROVINCE } };
    },
  };
}

export function createPublicController(service: PublicService, publicUrl: string | null) {
  const pageViews = publicPageViews(service);

  const render = (res: Response, page: PageView) => res.render(page.view, page.locals);

  return {
    /** The record page's view for a staff preview ("xem như công chúng", issue 16): the same build as `show`. */
    recordPage: (code: string) => pageViews.show(code),

    async home(_req: Request, res: Response) {
      render(res, await pageViews.home());
    },

    async list(req: Request, res: Response) {
      render(res, await pageViews.list(parseQuery(req)));
    },

    async show(req: Request, res: Response) {
      render(res, await pageViews.show(codeOf(req)));
    },

    async fields(_req: Request, res: Response) {
      render(res, await pageViews.fields());
    },

    /** GET /thong-ke: the public statistics by province, `dia-gioi` choosing the 34 or the 63 provinces. */
    async statistics(req: Request, res: Response) {
      render(res, await pageViews.statistics(provinceMapOf(req)));
    },

    /**
     * The same four pages for a visitor without a session (src/middleware/anonymous-pages.ts): each request resolved
     * to a key naming everything its HTML depends on besides the data — the path and, for the list, the query as
     * parsed above (empty values dropped, parameter order irrelevant, the search words' blanks collapsed, unknown
     * parameters ignored, the page number) — and the page's build. A bad query or code throws here, and the request
     * takes the normal path, whose error pages answer.
     */
    anonymous: {
      home: (): AnonymousPage => ({ key: '/', path: '/', build: pageViews.home }),
      list(req: Request): AnonymousPage {
        const q = parseQuery(req);
        const key = JSON.stringify([q.q, q['linh-vuc'], q['pham-vi'], q.tinh, q['sap-xep'], q.trang ?? 1]);
        return { key: `/hoi?${key}`, path: '/hoi', build: () => pageViews.list(q) };
      },
      show(req: Request): AnonymousPage {
        const code = codeOf(req);
        return { key: `/hoi/${code}`, path: `/hoi/${code}`, build: () => pageViews.show(code) };
      },
      fields: (): AnonymousPage => ({ key: '/linh-vuc', path: '/linh-vuc', build: pageViews.fields }),
    } satisfies Record<string, AnonymousPageResolver>,

    async csv(req: Request, res: Response) {
      const q = parseQuery(req);
      const data = await service.openData(filtersOf(q), sortOf(q));
      openDataCache(req, res);
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', 'attachment; filename="hoi-cong-khai.csv"');
      if (!(await write(res, BOM + csvHeader(service.fields)))) return;
      for await (const chunk of data.chunks()) {
        if (!(await write(res, chunk.map((r) => csvRow(service.fields, r)).join('')))) return;
      }
      res.end();
    },

    async json(req: Request, res: Response) {
      const q = parseQuery(req);
      const data = await service.openData(filtersOf(q), sortOf(q));
      openDataCache(req, res);
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
      const metadata = jsonMetadata(service.regime, service.fields, data.count, data.generatedAt);
      if (!(await write(res, `{"metadata":${JSON.stringify(metadata)},"data":[`))) return;
      let first = true;
      for await (const chunk of data.chunks()) {
        if (chunk.length === 0) continue;
        const text = chunk.map((r) => JSON.stringify(r)).join(',');
        if (!(await write(res, first ? text : `,${text}`))) return;
        first = false;
      }
      res.end(']}');
    },

    openApi(req: Request, res: Response) {
      openDataCache(req, res);
      res.json(openApi(service.regime, service.fields, publicUrl));
    },
  };
}
