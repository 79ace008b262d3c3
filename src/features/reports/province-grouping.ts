/**
 * Statistics by province (issue 16 item 7): the grouped counts of the repository (per current province, former
 * province and scope) as the table of report k and of the public statistics — one row per province in force
 * (34), or per former province (63) with, for records whose former province cannot be told, one row
 * "… (chưa xác định tỉnh cũ)" per province in force. Each record is in exactly one row in either grouping, so the
 * two totals are equal. Works on the aggregated rows only (about a hundred), never on records.
 */
import type { CatalogueOption } from '../catalogues/catalogues.service.js';
import { SCOPES } from '../register-form/definition.js';
import type { ProvinceCount } from './province-reports.repository.js';
import { SCOPE_SHORT } from './report-builder.js';
import type { ReportColumn, ReportRow, ReportTable } from './report-model.js';
import type { ProvinceMap } from './reports.schemas.js';

export const NO_PROVINCE = 'Chưa có tỉnh, thành phố';
export const UNDETERMINED = 'chưa xác định tỉnh cũ';

/** The grouping key of a count: its current province, or its former one ("?<current>" when not determined). */
export function provinceKey(c: Pick<ProvinceCount, 'current' | 'former'>, map: ProvinceMap): string | null {
  if (map === 'hien-nay') return c.current;
  if (c.former) return c.former;
  return c.current ? `?${c.current}` : null;
}

/** The rows of the table: key, name, the current province (63 grouping), a count per scope and the total. */
export function provinceRows(
  counts: readonly ProvinceCount[],
  map: ProvinceMap,
  provinces: readonly CatalogueOption[],
): { rows: ReportRow[]; scopes: string[] } {
  const nameOf = (code: string | null) => (code ? (provinces.find((o) => o.code === code)?.name ?? code) : NO_PROVINCE);
  const rank = (code: string | null) => {
    const i = code ? provinces.findIndex((o) => o.code === code) : -1;
    return i < 0 ? provinces.length : i;
  };
  const byKey = new Map<string | null, ReportRow & { _order: [number, number] }>();
  for (const c of counts) {
    const key = provinceKey(c, map);
    let row = byKey.get(key);
    if (!row) {
      const undetermined = map === 'truoc-sap-nhap' && !c.former && c.current !== null;
      row = {
        key,
        name: undetermined ? `${nameOf(c.current)} (chưa xác định tỉnh cũ)` : nameOf(map === 'hien-nay' ? c.current : c.former),
        ...(map === 'truoc-sap-nhap' ? { current: c.current ? nameOf(c.current) : NO_PROVINCE } : {}),
        total: 0,
        // Former provinces under their current one, the undetermined row last; no province at the very end.
        _order: [rank(c.current), map === 'hien-nay' ? 0 : c.former ? rank(c.former) : provinces.length + 1],
      };
      byKey.set(key, row);
    }
    row[c.scope] = Number(row[c.scope] ?? 0) + c.n;
    row.total = Number(row.total) + c.n;
  }
  const scopes = SCOPES.map(([s]) => s as string).filter((s) => s !== 'huyen' || counts.some((c) => c.scope === 'huyen'));
  const rows = [...byKey.values()]
    .sort((a, b) => a._order[0] - b._order[0] || a._order[1] - b._order[1])
    .map(({ _order, ...r }) => {
      for (const s of scopes) r[s] ??= 0;
      return r as ReportRow;
    });
  return { rows, scopes };
}

/** The table of report k (and of the CSV, Excel and print renderings): one row per province, a column per scope. */
export function provinceTable(counts: readonly ProvinceCount[], map: ProvinceMap, provinces: readonly CatalogueOption[]): ReportTable {
  const { rows, scopes } = provinceRows(counts, map, provinces);
  const totals: ReportRow = { name: 'Tổng cộng', total: rows.reduce((s, r) => s + Number(r.total), 0) };
  if (map === 'truoc-sap-nhap') totals.current = '';
  for (const s of scopes) totals[s] = rows.reduce((sum, r) => sum + Number(r[s] ?? 0), 0);
  const columns: ReportColumn[] = [
    {
      key: 'name',
      label: map === 'hien-nay' ? 'Tỉnh, thành phố (hiện nay)' : 'Tỉnh, thành phố trước 01/07/2025',
      type: 'text',
      translate: true,
    },
    ...(map === 'truoc-sap-nhap' ? [{ key: 'current', label: 'Nay thuộc tỉnh, thành phố', type: 'text' as const, translate: true }] : []),
    ...scopes.map((s) => ({ key: s, label: SCOPE_SHORT[s] ?? s, type: 'int' as const })),
    { key: 'total', label: 'Tổng số hội', type: 'int' },
  ];
  return {
    id: 'tinh-thanh-pho',
    title:
      map === 'hien-nay'
        ? 'Số hội theo tỉnh, thành phố nơi đặt trụ sở (34 tỉnh, thành phố hiện nay)'
        : 'Số hội theo tỉnh, thành phố nơi đặt trụ sở (63 tỉnh, thành phố trước 01/07/2025)',
    columns,
    rows,
    totals,
  };
}
