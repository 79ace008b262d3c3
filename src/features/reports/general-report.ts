/**
 * Report a (R-17.1a): the general information of one association — every field of Biểu mẫu 1 that feeds report a
 * (`reports` includes 'a' in the form definition): the record's own fields group by group, then a table per sub-list
 * with such fields (today the decisions). Labels, order and types come from the definition: a field marked 'a' there
 * appears here, and in the CSV, Excel and print renderings of this report, with nothing else to change.
 */
import { NotFoundError } from '../../lib/errors.js';
import { formatNumber } from '../../lib/format.js';
import { type FieldDef, GROUPS, SUBLISTS } from '../register-form/definition.js';
import { CODE_FIELD, fieldColumn, fieldValue, type Options, type ReportBuilder } from './report-builder.js';
import type { ReportRow, ReportTable } from './report-model.js';
import type { ReportsRepository } from './reports.repository.js';

const feedsA = (def: FieldDef): boolean => def.reports?.includes('a') ?? false;

/** The record's fields in report a, by group of the form. */
const GENERAL_GROUPS: ReadonlyArray<{ title: string; fields: readonly FieldDef[] }> = GROUPS.map((g) => ({
  title: g.title,
  fields: g.fields.filter(feedsA),
})).filter((g) => g.fields.length > 0);

/**
 * The sub-lists in report a, each with its fields that feed it. Leaders' personal fields never appear here (report a
 * is not audited as a personal-data view): reports d and đ show them to readers entitled to them.
 */
const GENERAL_SUBLISTS: ReadonlyArray<{ def: (typeof SUBLISTS)[number]; fields: readonly FieldDef[] }> = SUBLISTS.map((def) => ({
  def,
  fields: def.fields.filter((f) => feedsA(f) && !f.personal),
})).filter((s) => s.fields.length > 0);

/** A field's value as the page, the files and the print show it in the one "Nội dung" column (all types mixed). */
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

export function generalReport(repo: Pick<ReportsRepository, 'general'>): ReportBuilder {
  return async (f, options) => {
    if (!f.code) return { tables: [], chart: null, message: 'Nhập mã hội (ví dụ H000001) để xem thông tin chung của hội.' };
    const found = await repo.general(
      f.code,
      GENERAL_SUBLISTS.map((s) => ({ table: s.def.table, columns: s.fields.map((d) => d.name), orderBy: s.def.orderBy })),
    );
    if (!found) throw new NotFoundError(`Không có hội mang mã ${f.code}.`);
    const rows: ReportRow[] = [{ group: CODE_FIELD.label, label: CODE_FIELD.label, value: found.record.code }];
    for (const g of GENERAL_GROUPS) {
      for (const def of g.fields) rows.push({ group: g.title, label: def.label, value: shownValue(def, found.record[def.name], options) });
    }
    const general: ReportTable = {
      id: 'thong-tin-chung',
      title: `Thông tin chung: ${String(found.record.name)}`,
      columns: [
        { key: 'group', label: 'Nhóm thông tin', type: 'text' },
        { key: 'label', label: 'Thông tin', type: 'text' },
        { key: 'value', label: 'Nội dung', type: 'text' },
      ],
      rows,
      totals: null,
    };
    const subLists = GENERAL_SUBLISTS.map(
      ({ def, fields }, i): ReportTable => ({
        id: def.name,
        title: def.title,
        columns: fields.map(fieldColumn),
        rows: (found.subLists[i] ?? []).map((r) => Object.fromEntries(fields.map((d) => [d.name, fieldValue(d, r[d.name], options)]))),
        totals: null,
      }),
    );
    return { tables: [general, ...subLists], chart: null };
  };
}
