/**
 * Public pages and open data (R-17.2, SPEC §5): only published associations, only the fields of the configured
 * public-field regime (public-fields.ts). No session, no personal data.
 */
import type { Clock } from '../../lib/clock.js';
import { NotFoundError } from '../../lib/errors.js';
import { vietnamToday } from '../../lib/format.js';
import { SCOPES } from '../associations/form-definition.js';
import type { PublicFilters, PublicListItem, PublicRepository, PublicSort, PublicSourceRow } from './public.repository.js';
import { type PublicField, type PublicRecord, type PublicRegime, publicFields, regimeIncludes, toPublic } from './public-fields.js';

export const SCOPE_LABELS: Record<string, string> = Object.fromEntries(SCOPES);
/** Open data reads this many records per query. */
const CHUNK = 500;

export interface PublicListPage {
  rows: Array<PublicListItem & { scope_label: string }>;
  total: number;
}

export interface OpenData {
  count: number;
  generatedAt: Date;
  /** The matching records, chunk by chunk, in list order. */
  chunks(): AsyncGenerator<PublicRecord[]>;
}

export function createPublicService(deps: { repo: PublicRepository; regime: PublicRegime; clock: Clock }) {
  const { repo, regime, clock } = deps;
  const fields: readonly PublicField[] = publicFields(regime);
  const withPresident = regimeIncludes(regime, 'president_name');

  function project(src: PublicSourceRow): PublicRecord {
    return toPublic({ ...src, scope: SCOPE_LABELS[src.scope_code] ?? src.scope_code }, regime);
  }

  return {
    regime,
    fields,

    async home() {
      const [total, byField, byScope] = await Promise.all([repo.total(), repo.countsByField(), repo.countsByScope()]);
      const scopeCount = new Map(byScope.map((s) => [s.scope, s.count]));
      const scopes = SCOPES.map(([code, label]) => ({ code, label, count: scopeCount.get(code) ?? 0 })).filter(
        (s) => s.count > 0 || s.code === 'toan_quoc' || s.code === 'lien_tinh',
      );
      return { total, byField, scopes };
    },

    fieldCounts() {
      return repo.countsByField();
    },

    filterOptions() {
      return repo.filterOptions(vietnamToday(clock.now()));
    },

    async list(filters: PublicFilters, sort: PublicSort, page: number, pageSize: number): Promise<PublicListPage> {
      const { rows, total } = await repo.list(filters, sort, page, pageSize);
      return { rows: rows.map((r) => ({ ...r, scope_label: SCOPE_LABELS[r.scope] ?? r.scope })), total };
    },

    /** A published association's public fields; 404 for an unknown or unpublished code. */
    async detail(code: string): Promise<PublicRecord> {
      const id = await repo.publishedId(code);
      const [src] = id === null ? [] : await repo.sources([id], withPresident);
      if (!src) throw new NotFoundError('Không tìm thấy hội với mã này trong danh sách công khai.');
      return project(src);
    },

    /** Everything the list shows for these filters (all pages), read in chunks: for CSV and JSON. */
    async openData(filters: PublicFilters, sort: PublicSort): Promise<OpenData> {
      const ids = await repo.matchingIds(filters, sort);
      return {
        count: ids.length,
        generatedAt: clock.now(),
        async *chunks() {
          for (let i = 0; i < ids.length; i += CHUNK) {
            const sources = await repo.sources(ids.slice(i, i + CHUNK), withPresident);
            yield sources.map(project);
          }
        },
      };
    },
  };
}

export type PublicService = ReturnType<typeof createPublicService>;
