/**
 * Report a (R-17.1a): the general information of associations — without a code, the list of the filtered associations,
 * one row each (paged on screen; the exports stream every row batch by batch); with a code (`?ma=`), one association's
 * page: its fields group by group, then a table per sub-list.
 *
 * What "thông tin chung" holds is every field and sub-list field flagged 'a' in the form definition, decided from
 * FORM-1.md (issue 15 item 12) as the information that describes an association as it stands:
 *  - A. identification, all of it, with the representative offices (FORM-1 §A marks every row "a");
 *  - B. legal life: the founding decision (the list; one association's page lists every decision);
 *  - C. purpose and scope (marked "a"), and the main and other fields, the managing ministry, the nature and the
 *    Party/State-tasked flag with its legal basis and dates: the rest of §C, which the public page of an association
 *    already shows (R-17.2 publishes report a, so report a is never poorer than that page);
 *  - D. organisation and E. members: the counts;
 *  - F. the leaders in office by name and position, the two leader fields every reader may see (a grant's `personal`
 *    covers the others, R-8.5: report a never carries them, so it is not a personal-data view);
 *  - G. the congresses: each one on the association's page; the latest one and how many in the list;
 *  - H. the headquarters' area, origin and document (with its address in A: where and on what terms the association sits);
 *  - K. the status.
 * Left out: H's per-year staff quota and funds (statistics h and i), I (supervision: inspections, violations, awards),
 * K's record keeping (data level, paper dossier), the legal entities and congress extensions (reports of their own, e),
 * and leaders' personal fields. A field flagged 'a' in the definition appears here, in the CSV, Excel and print
 * renderings, with nothing else to change.
 */

import type { Clock } from '../../lib/clock.js';
import { NotFoundError } from '../../lib/errors.js';
import { formatNumber, lowerFirst, vietnamToday } from '../../lib/format.js';
import { type FieldDef, SECTIONS, SUBLISTS, type SubListDef } from '../register-form/definition.js';
import type { WithholdingsRepository } from '../withholdings/withholdings.repository.js';
import type { SubListPick, SubListRow } from './general-report.repository.js';
import {
  type BuildContext,
  CODE_COLUMN,
  CODE_FIELD,
  fieldColumn,
  fieldValue,
  limitOf,
  type Options,
  offsetOf,
  type Paging,
  paged,
  type ReportBuilder,
} from './report-builder.js';
import type { ReportColumn, ReportRow, ReportTable } from './report-model.js';
import type { ReportsRepository } from './reports.repository.js';
import type { ReportFilters } from './reports.schemas.js';

/**
 * Fields withheld from the public (issue 16 item 1): an exploiter's report a leaves them out too (R-17.2 publishes
 * report a). `inForce` reads them for a page or an export batch in one statement; null for the ministry's readers.
 */
export interface Withheld {
  withholdings: Pick<WithholdingsRepository, 'inForce'>;
  clock: Clock;
}
type WithheldOf = (ids: readonly number[]) => Promise<Map<number, Set<string>>>;
const NONE_WITHHELD: WithheldOf = async () => new Map();

/** The withheld fields' reader for this report's reader: none for the ministry's readers. */
export function withheldReader(w: Withheld | undefined, ctx: BuildContext): WithheldOf {
  return w && ctx.withhold ? (ids) => w.withholdings.inForce(ids, vietnamToday(w.clock.now())) : NONE_WITHHELD;
}

type Repo = Pick<
  ReportsRepository,
  'countTotal' | 'generalPage' | 'generalIds' | 'generalByIds' | 'generalByCode' | 'codesByIds' | 'subListByIds'
>;

const feedsA = (def: FieldDef): boolean => def.reports?.includes('a') ?? false;

/** How a sub-list shows in the list of associations: its rows summarised in one cell, or the one row picked, a column per field. */
interface ListSummary {
  shape: 'joined' | 'one';
  pick: SubListPick;
  title: string;
  /** A column counting the rows the pick matched. */
  countLabel?: string;
  /** Fields the title already says (the decision's event). */
  omit?: readonly string[];
  /** The title (and count) are the sub-list's own, from the form: its title's key in the form's messages. */
  formTitle?: boolean;
}

interface GeneralSubList {
  def: SubListDef;
  /** Its fields flagged 'a', personal ones never. */
  fields: readonly FieldDef[];
  /** The rows one association's page shows, under this title. */
  pagePick: SubListPick;
  pageTitle: string;
  list: ListSummary;
}

/** Sub-lists whose rows report a chooses or shows otherwise than "every row, joined in one cell". */
const SUBLIST_SHAPES: Record<string, { pagePick?: SubListPick; pageTitle?: string; list: ListSummary }> = {
  decisions: { list: { shape: 'one', pick: { kind: 'founding' }, title: 'Quyết định cho phép thành lập', omit: ['event_type'] } },
  leaders: {
    pagePick: { kind: 'in_office' },
    pageTitle: 'Lãnh đạo hội đương nhiệm',
    list: { shape: 'joined', pick: { kind: 'in_office' }, title: 'Lãnh đạo đương nhiệm', countLabel: 'Số lãnh đạo đương nhiệm' },
  },
  congresses: { list: { shape: 'one', pick: { kind: 'latest' }, title: 'Đại hội gần nhất', countLabel: 'Số lần đại hội' } },
};

function generalSubList(def: SubListDef): GeneralSubList | null {
  const fields = def.fields.filter((f) => feedsA(f) && !f.personal);
  if (fields.length === 0) return null;
  const shape = SUBLIST_SHAPES[def.name];
  return {
    def,
    fields,
    pagePick: shape?.pagePick ?? { kind: 'all', orderBy: def.orderBy },
    pageTitle: shape?.pageTitle ?? def.title,
    list: shape?.list ?? {
      shape: 'joined',
      pick: { kind: 'all', orderBy: def.orderBy },
      title: def.title,
      countLabel: `Số ${def.itemLabel}`,
      formTitle: true,
    },
  };
}

/** Report a's part of each section of the form: its record fields, then its sub-lists, in the form's order. */
const GENERAL_SECTIONS = SECTIONS.map((s) => ({
  key: s.key,
  title: s.title,
  fields: s.fields.filter(feedsA),
  subLists: s.sublists
    .map((name) => SUBLISTS.find((l) => l.name === name))
    .flatMap((def) => (def ? [generalSubList(def)] : []))
    .filter((l): l is GeneralSubList => l !== null),
})).filter((s) => s.fields.length > 0 || s.subLists.length > 0);

const RECORD_FIELDS = GENERAL_SECTIONS.flatMap((s) => s.fields);
/**
 * The one-association page's values that are the form's words (yes, no, a fixed option's label), to their keys in
 * the interface's messages; any other value is data, printed as stored.
 */
const VALUE_KEYS: Record<string, string> = {
  ...Object.fromEntries(
    RECORD_FIELDS.flatMap((f) => {
      const column = fieldColumn(f);
      return column.valueKeys ? Object.entries(column.valueKeys) : [];
    }).reverse(),
  ),
  Có: 'reports:table.yes',
  Không: 'reports:table.no',
};
/** The record's own columns (a multiselect lives in its own table). */
const RECORD_COLUMNS = RECORD_FIELDS.filter((f) => !f.table).map((f) => f.name);
const MULTI_FIELDS = RECORD_FIELDS.filter((f) => f.table);
const SUB_LISTS = GENERAL_SECTIONS.flatMap((s) => s.subLists);

/** At most this many rows of a sub-list in one cell of the list; the count column says how many there are. */
export const JOINED_CAP = 10;
/** Associations read per statement while an export streams. */
const EXPORT_BATCH = 500;

const oneKey = (l: GeneralSubList, f: FieldDef) => `${l.def.name}.${f.name}`;
const countKey = (l: GeneralSubList) => `${l.def.name}.n`;
const shownFields = (l: GeneralSubList) => l.fields.filter((f) => !l.list.omit?.includes(f.name));

/** The sub-list's title in the form's messages, for a column whose header is the sub-list's own title. */
const listTitle = (l: GeneralSubList) => ({ key: `form:lists.${l.def.name}.title`, label: l.def.title });

function summaryColumns(l: GeneralSubList): ReportColumn[] {
  const own = l.list.formTitle ? { form: listTitle(l) } : {};
  const cols: ReportColumn[] =
    l.list.shape === 'joined'
      ? [{ key: l.def.name, label: l.list.title, type: 'text', long: true, ...own }]
      : shownFields(l).map((f) => {
          const column = fieldColumn(f, l.def.name);
          const form = column.form ? { ...column.form, prefix: l.list.title } : undefined;
          return { ...column, key: oneKey(l, f), label: `${l.list.title}: ${lowerFirst(f.label)}`, ...(form ? { form } : {}) };
        });
  // A count under the form's title ("Số văn phòng đại diện") reads, translated, as the title and a count.
  if (l.list.countLabel)
    cols.push({
      key: countKey(l),
      label: l.list.countLabel,
      type: 'int',
      ...(l.list.formTitle ? { form: { ...listTitle(l), count: true } } : {}),
    });
  return cols;
}

/** The list's columns: the code, then section by section the record's fields and its sub-lists' summaries. */
export const GENERAL_COLUMNS: readonly ReportColumn[] = [
  CODE_COLUMN,
  ...GENERAL_SECTIONS.flatMap((s) => [
    ...s.fields.map((f) => ({ ...fieldColumn(f), ...(f.type === 'textarea' ? { long: true } : {}) })),
    ...s.subLists.flatMap(summaryColumns),
  ]),
];

/** A field's value as a person reads it in one text (all types mixed): the page's "Nội dung" column, a joined cell. */
function shownValue(def: FieldDef, value: unknown, options: Options): string {
  const v = fieldValue(def, value, options);
  if (def.type === 'bool') return v ? 'Có' : 'Không';
  if (v === null || v === undefined) return '';
  if (def.options) return String(v);
  switch (def.type) {
    case 'int':
    case 'decimal':
    case 'money':
      return Number.isFinite(Number(v)) ? formatNumber(Number(v)) : String(v);
    case 'date': {
      const s = String(v);
      return /^\d{4}-\d{2}-\d{2}/.test(s) ? `${s.slice(8, 10)}/${s.slice(5, 7)}/${s.slice(0, 4)}` : s;
    }
    default:
      return String(v);
  }
}

/** One row of a sub-list in a cell: its first field, the others in brackets ("Nguyễn Văn A (Chủ tịch)"). */
function joinedRow(l: GeneralSubList, row: Record<string, unknown>, options: Options): string {
  const [first, ...rest] = shownFields(l).map((f) => shownValue(f, row[f.name], options));
  const others = rest.filter((v) => v !== '');
  return others.length ? `${first} (${others.join(', ')})` : (first ?? '');
}

function summaryCells(l: GeneralSubList, rows: readonly SubListRow[], options: Options): ReportRow {
  const n = rows[0]?.n ?? 0;
  const out: ReportRow = {};
  if (l.list.countLabel) out[countKey(l)] = n;
  if (l.list.shape === 'one') {
    for (const f of shownFields(l)) out[oneKey(l, f)] = rows[0] ? fieldValue(f, rows[0][f.name], options) : null;
    return out;
  }
  const parts = rows.map((r) => joinedRow(l, r, options));
  if (n > rows.length) parts.push(`… và ${formatNumber(n - rows.length)} ${l.def.itemLabel} khác`);
  out[l.def.name] = parts.join('; ') || null;
  return out;
}

function byAssociation<T extends { association_id: number }>(rows: readonly T[]): Map<number, T[]> {
  const out = new Map<number, T[]>();
  for (const r of rows) out.set(r.association_id, [...(out.get(r.association_id) ?? []), r]);
  return out;
}

/**
 * The list's rows for these associations (a page, or an export batch): their sub-lists read for all of them at once,
 * one statement per sub-list and per multi-valued field.
 */
async function listRows(
  repo: Repo,
  records: ReadonlyArray<Record<string, unknown>>,
  options: Options,
  withheldOf: WithheldOf,
): Promise<ReportRow[]> {
  const ids = records.map((r) => Number(r.id));
  const [multi, subs, withheld] = await Promise.all([
    Promise.all(MULTI_FIELDS.map((f) => repo.codesByIds(f.table?.name as string, f.table?.column as string, ids))),
    Promise.all(
      SUB_LISTS.map(async (l) =>
        byAssociation(
          await repo.subListByIds(
            { table: l.def.table, columns: l.fields.map((f) => f.name), pick: l.list.pick, cap: l.list.shape === 'one' ? 1 : JOINED_CAP },
            ids,
          ),
        ),
      ),
    ),
    withheldOf(ids),
  ]);
  return records.map((r) => {
    const id = Number(r.id);
    const row: ReportRow = { code: r.code };
    const hidden = withheld.get(id);
    for (const f of RECORD_FIELDS) {
      const i = MULTI_FIELDS.indexOf(f);
      row[f.name] = hidden?.has(f.name) ? null : fieldValue(f, i >= 0 ? (multi[i]?.get(id) ?? []) : r[f.name], options);
    }
    for (const [i, l] of SUB_LISTS.entries()) Object.assign(row, summaryCells(l, subs[i]?.get(id) ?? [], options));
    return row;
  });
}

const LIST_TABLE = {
  id: 'thong-tin-chung-cac-hoi',
  title: 'Thông tin chung của các hội',
  columns: [...GENERAL_COLUMNS],
  totals: null,
  wide: true,
};

/** The list of associations: a page, or (exports) every row, read and written batch by batch. */
async function associationList(
  repo: Repo,
  f: ReportFilters,
  options: Options,
  paging: Paging,
  withheldOf: WithheldOf,
): Promise<ReportTable> {
  if (paging.page !== null) {
    // The count first: how many match decides how the page is read (general-report.repository.ts).
    const count = await repo.countTotal(f);
    const records = await repo.generalPage(f, RECORD_COLUMNS, limitOf(paging) as number, offsetOf(paging), count);
    return paged({ ...LIST_TABLE, rows: await listRows(repo, records, options, withheldOf) }, count, paging);
  }
  const all = await repo.generalIds(f);
  async function* batches(): AsyncGenerator<ReportRow[]> {
    for (let i = 0; i < all.length; i += EXPORT_BATCH) {
      const ids = all.slice(i, i + EXPORT_BATCH).map((a) => a.id);
      const found = new Map((await repo.generalByIds(ids, RECORD_COLUMNS)).map((r) => [Number(r.id), r]));
      // In report order; an association deleted since the ids were read is left out.
      const records = ids.flatMap((id) => (found.has(id) ? [found.get(id) as Record<string, unknown>] : []));
      yield await listRows(repo, records, options, withheldOf);
    }
  }
  return { ...LIST_TABLE, rows: [], count: all.length, batches, associationCodes: all.map((a) => a.code) };
}

/** One association's page: its fields group by group, then each sub-list's rows (leaders: those in office). */
async function onePage(repo: Repo, code: string, options: Options, withheldOf: WithheldOf): Promise<ReportTable[]> {
  const record = await repo.generalByCode(code, RECORD_COLUMNS);
  if (!record) throw new NotFoundError(`Không có hội mang mã ${code}.`);
  const id = Number(record.id);
  const [multi, subs, withheld] = await Promise.all([
    Promise.all(MULTI_FIELDS.map((f) => repo.codesByIds(f.table?.name as string, f.table?.column as string, [id]))),
    Promise.all(
      SUB_LISTS.map((l) =>
        repo.subListByIds({ table: l.def.table, columns: l.fields.map((f) => f.name), pick: l.pagePick, cap: l.def.maxRows }, [id]),
      ),
    ),
    withheldOf([id]),
  ]);
  const hidden = withheld.get(id);
  const rows: ReportRow[] = [{ group: CODE_FIELD.label, label: CODE_FIELD.label, value: code }];
  const sectionKeys: Record<string, string> = {};
  const fieldKeys: Record<string, string> = {};
  for (const s of GENERAL_SECTIONS) {
    sectionKeys[s.title] = `form:sections.${s.key}`;
    for (const def of s.fields) {
      fieldKeys[def.label] ??= `form:fields.${def.name}.label`;
      if (hidden?.has(def.name)) continue;
      const i = MULTI_FIELDS.indexOf(def);
      rows.push({
        group: s.title,
        label: def.label,
        value: shownValue(def, i >= 0 ? (multi[i]?.get(id) ?? []) : record[def.name], options),
      });
    }
  }
  const general: ReportTable = {
    id: 'thong-tin-chung',
    title: `Thông tin chung: ${String(record.name)}`,
    columns: [
      { key: 'group', label: 'Nhóm thông tin', type: 'text', translate: true, valueKeys: sectionKeys },
      { key: 'label', label: 'Thông tin', type: 'text', translate: true, valueKeys: fieldKeys },
      { key: 'value', label: 'Nội dung', type: 'text', valueKeys: VALUE_KEYS },
    ],
    rows,
    totals: null,
  };
  // A sub-list without rows is left out of the page.
  const subLists = SUB_LISTS.flatMap((l, i): ReportTable[] => {
    const found = subs[i] ?? [];
    if (found.length === 0) return [];
    return [
      {
        id: l.def.name,
        title: l.pageTitle,
        ...(l.pageTitle === l.def.title ? { titleKey: `form:lists.${l.def.name}.title` } : {}),
        columns: l.fields.map((d) => fieldColumn(d, l.def.name)),
        rows: found.map((r) => Object.fromEntries(l.fields.map((d) => [d.name, fieldValue(d, r[d.name], options)]))),
        totals: null,
      },
    ];
  });
  return [general, ...subLists];
}

export function generalReport(repo: Repo, w?: Withheld): ReportBuilder {
  return async (f, options, paging, ctx) => {
    const withheldOf: WithheldOf = w && ctx.withhold ? (ids) => w.withholdings.inForce(ids, vietnamToday(w.clock.now())) : NONE_WITHHELD;
    return {
      tables: f.code ? await onePage(repo, f.code, options, withheldOf) : [await associationList(repo, f, options, paging, withheldOf)],
      chart: null,
    };
  };
}
