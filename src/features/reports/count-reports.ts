/**
 * Reports b, c, k and l: associations counted by a grouping (field, ministry, headquarters origin, nature) with
 * totals and a chart, and — a group chosen — the list of its associations, whose columns are fields of Biểu mẫu 1
 * (labels from the form definition).
 */

import { barChart } from '../../lib/bar-chart.js';
import { upperFirst } from '../../lib/format.js';
import { ALL_FIELDS, type FieldDef, SCOPES } from '../register-form/definition.js';
import { type Withheld, withheldReader } from './general-report.js';
import { provinceTable } from './province-grouping.js';
import {
  CODE_COLUMN,
  fieldColumn,
  limitOf,
  nameOf,
  type Options,
  offsetOf,
  type Paging,
  paged,
  type ReportBuilder,
  SCOPE_SHORT,
  sum,
} from './report-builder.js';
import type { ChartSpec, ReportColumn, ReportRow, ReportTable } from './report-model.js';
import type { ReportsRepository } from './reports.repository.js';
import type { ReportFilters } from './reports.schemas.js';

type Repo = Pick<ReportsRepository, 'countBy' | 'countTotal' | 'listAssociations' | 'hqByOrigin' | 'byNature' | 'countByProvince'>;

/** The detail lists' fields (a compact set; the repository names each column by its field). */
const LIST_FIELDS = ['name', 'scope', 'hq_province_code', 'main_field_code', 'managing_ministry_code', 'nature_code', 'status'];
const LIST_COLUMNS: ReportColumn[] = [
  CODE_COLUMN,
  ...LIST_FIELDS.map((name) => {
    const column = fieldColumn(ALL_FIELDS.find((d) => d.name === name) as FieldDef);
    // The scope's cells are its short names (SCOPE_SHORT), not the form's option labels.
    if (name !== 'scope') return column;
    const { valueKeys: _long, ...short } = column;
    return { ...short, translate: true };
  }),
];

/** A detail list's row for its reader: fields withheld from the public left empty for readers outside the ministry. */
function listRow(r: Record<string, unknown>, withheld: ReadonlySet<string> | undefined): ReportRow {
  const { id: _id, ...row } = r;
  for (const field of withheld ?? []) if (field in row) row[field] = null;
  return { ...row, scope: SCOPE_SHORT[String(row.scope)] ?? row.scope } as ReportRow;
}

async function associationList(
  repo: Repo,
  title: string,
  f: ReportFilters,
  paging: Paging,
  withheldOf: ReturnType<typeof withheldReader>,
): Promise<ReportTable> {
  const [count, rows] = await Promise.all([repo.countTotal(f), repo.listAssociations(f, limitOf(paging), offsetOf(paging))]);
  // Issue 16 item 1: a field withheld from the public stays out of an exploiter's list as it does of report a.
  const withheld = await withheldOf(rows.map((r) => Number(r.id)));
  return paged(
    {
      id: 'danh-sach',
      title,
      columns: LIST_COLUMNS,
      rows: rows.map((r) => listRow(r, withheld.get(Number(r.id)))),
      totals: null,
    },
    count,
    paging,
  );
}

/**
 * b, c: associations per group value, one column per scope, with totals and a bar chart. `texts`: the table's title
 * and what the chart shows, whole sentences (each has its English text).
 */
async function countByScope(
  repo: Repo,
  group: 'field' | 'ministry',
  table: string,
  label: string,
  texts: { title: string; about: string },
  f: ReportFilters,
  options: Options,
) {
  const counts = await repo.countBy(group, f);
  const byKey = new Map<string | null, ReportRow>();
  for (const c of counts) {
    const row = byKey.get(c.key) ?? { key: c.key, name: nameOf(options, table, c.key), total: 0 };
    row[c.scope] = Number(row[c.scope] ?? 0) + c.n;
    row.total = Number(row.total) + c.n;
    byKey.set(c.key, row);
  }
  const scopes = SCOPES.map(([s]) => s).filter((s) => s !== 'huyen' || counts.some((c) => c.scope === 'huyen'));
  const rows = [...byKey.values()].sort((a, b) => Number(b.total) - Number(a.total) || String(a.name).localeCompare(String(b.name), 'vi'));
  for (const r of rows) for (const s of scopes) r[s] ??= 0;
  const totals: ReportRow = { name: 'Tổng cộng', total: sum(rows, 'total') };
  for (const s of scopes) totals[s] = sum(rows, s);
  const summary: ReportTable = {
    id: 'tong-hop',
    title: texts.title,
    columns: [
      { key: 'name', label: upperFirst(label), type: 'text', translate: true },
      ...scopes.map((s) => ({ key: s, label: SCOPE_SHORT[s] ?? s, type: 'int' as const })),
      { key: 'total', label: 'Tổng số hội', type: 'int' },
    ],
    rows,
    totals,
  };
  const chart: ChartSpec = barChart({
    horizontal: true,
    stacked: true,
    labels: rows.map((r) => String(r.name)),
    datasets: scopes.map((s) => ({ label: SCOPE_SHORT[s] ?? s, data: rows.map((r) => Number(r[s] ?? 0)) })),
    about: texts.about,
  });
  return { summary, chart };
}

/** b: associations by main field; a field chosen, its associations. */
export function fieldReport(repo: Repo, w?: Withheld): ReportBuilder {
  return async (f, options, paging, ctx) => {
    const texts = {
      title: 'Số hội theo lĩnh vực',
      about: 'số hội theo lĩnh vực, chia theo phạm vi hoạt động. Số liệu ở bảng bên dưới.',
    };
    const { summary, chart } = await countByScope(repo, 'field', 'fields', 'lĩnh vực', texts, f, options);
    const tables = [summary];
    if (f.field)
      tables.push(
        await associationList(
          repo,
          `Danh sách hội thuộc lĩnh vực ${nameOf(options, 'fields', f.field)}`,
          f,
          paging,
          withheldReader(w, ctx),
        ),
      );
    return { tables, chart };
  };
}

/** c: associations by managing ministry; a ministry chosen, its associations. */
export function ministryReport(repo: Repo, w?: Withheld): ReportBuilder {
  return async (f, options, paging, ctx) => {
    const texts = {
      title: 'Số hội theo bộ, ngành quản lý',
      about: 'số hội theo bộ, ngành quản lý, chia theo phạm vi hoạt động. Số liệu ở bảng bên dưới.',
    };
    const { summary, chart } = await countByScope(repo, 'ministry', 'ministries', 'bộ, ngành quản lý', texts, f, options);
    const tables = [summary];
    if (f.ministry)
      tables.push(
        await associationList(
          repo,
          `Danh sách hội do ${nameOf(options, 'ministries', f.ministry)} quản lý`,
          f,
          paging,
          withheldReader(w, ctx),
        ),
      );
    return { tables, chart };
  };
}

/**
 * k: associations, headquarters area and average area by headquarters origin; and associations by the province of
 * their headquarters, by the 34 provinces in force or the 63 before 01/07/2025 (`dia-gioi`, issue 16 item 7).
 */
export function headquartersReport(repo: Repo): ReportBuilder {
  return async (f, options) => {
    const [data, provinces] = await Promise.all([repo.hqByOrigin(f), repo.countByProvince(f)]);
    const rows: ReportRow[] = data
      .map((d) => ({
        name: nameOf(options, 'hq_origins', d.key),
        n: d.n,
        with_area: d.with_area,
        area: d.area,
        average: d.with_area ? Math.round((d.area / d.with_area) * 100) / 100 : null,
      }))
      .sort((a, b) => b.n - a.n);
    const withArea = sum(rows, 'with_area');
    const area = sum(rows, 'area');
    const summary: ReportTable = {
      id: 'nguon-goc',
      title: 'Trụ sở theo nguồn gốc',
      columns: [
        { key: 'name', label: 'Nguồn gốc trụ sở', type: 'text', translate: true },
        { key: 'n', label: 'Số hội', type: 'int' },
        { key: 'with_area', label: 'Số hội có số liệu diện tích', type: 'int' },
        { key: 'area', label: 'Tổng diện tích (m²)', type: 'decimal' },
        { key: 'average', label: 'Diện tích bình quân (m²)', type: 'decimal' },
      ],
      rows,
      totals: {
        name: 'Tổng cộng',
        n: sum(rows, 'n'),
        with_area: withArea,
        area,
        average: withArea ? Math.round((area / withArea) * 100) / 100 : null,
      },
    };
    const chart: ChartSpec = barChart({
      labels: rows.map((r) => String(r.name)),
      datasets: [{ label: 'Số hội', data: rows.map((r) => Number(r.n)) }],
      about: 'số hội theo nguồn gốc trụ sở. Số liệu ở bảng bên dưới.',
    });
    return { tables: [summary, provinceTable(provinces, f.provinceMap ?? 'hien-nay', options.provinces ?? [])], chart };
  };
}

/** l: associations by nature, of which Party/State-tasked; a nature chosen, its associations. */
export function natureReport(repo: Repo, w?: Withheld): ReportBuilder {
  return async (f, options, paging, ctx) => {
    const data = await repo.byNature(f);
    const rows: ReportRow[] = data
      .map((d) => ({ name: nameOf(options, 'natures', d.key), n: d.n, tasked: d.tasked, other: d.n - d.tasked }))
      .sort((a, b) => b.n - a.n);
    const summary: ReportTable = {
      id: 'tinh-chat',
      title: 'Số hội theo tính chất',
      columns: [
        { key: 'name', label: 'Tính chất', type: 'text', translate: true },
        { key: 'n', label: 'Tổng số hội', type: 'int' },
        { key: 'tasked', label: 'Trong đó: được Đảng, Nhà nước giao nhiệm vụ', type: 'int' },
        { key: 'other', label: 'Hội khác', type: 'int' },
      ],
      rows,
      totals: { name: 'Tổng cộng', n: sum(rows, 'n'), tasked: sum(rows, 'tasked'), other: sum(rows, 'other') },
    };
    const chart: ChartSpec = barChart({
      horizontal: true,
      stacked: true,
      labels: rows.map((r) => String(r.name)),
      datasets: [
        { label: 'Được Đảng, Nhà nước giao nhiệm vụ', data: rows.map((r) => Number(r.tasked)) },
        { label: 'Hội khác', data: rows.map((r) => Number(r.other)) },
      ],
      about: 'số hội theo tính chất, trong đó hội được Đảng, Nhà nước giao nhiệm vụ. Số liệu ở bảng bên dưới.',
    });
    const tables = [summary];
    if (f.nature)
      tables.push(
        await associationList(
          repo,
          `Danh sách hội có tính chất ${nameOf(options, 'natures', f.nature)}`,
          f,
          paging,
          withheldReader(w, ctx),
        ),
      );
    return { tables, chart };
  };
}
