/** What a report is once computed: tables with typed columns, totals and an optional chart (HTML, CSV, Excel, print). */
/** `year`: a number printed without thousands separators (2024, a birth year). */
export type ColumnType = 'text' | 'int' | 'year' | 'decimal' | 'money' | 'date' | 'bool';

export interface ReportColumn {
  key: string;
  label: string;
  type: ColumnType;
  /** The cell links to the association's record page (its value is the association code). */
  link?: 'association';
  /** Long text (a textarea of the form): the cell keeps a readable width in a wide table. */
  long?: boolean;
  /**
   * A field of Biểu mẫu 1: its label's key in the form's messages (locales/<lang>/form.json), the Vietnamese label,
   * and a server text before it ("Đại hội gần nhất: ngày"). The screen prints the header from there; exports and
   * prints keep `label`, the language of record.
   */
  form?: { key: string; label: string; prefix?: string; count?: boolean };
  /** The cells are option labels of the form: each label's key in the form's messages (the screen translates them). */
  valueKeys?: Record<string, string>;
  /** The cells are labels the code makes (a scope, a state, "Chưa xác định"): the screen prints them with `tx`. */
  translate?: boolean;
}

export type ReportRow = Record<string, unknown>;

export interface ReportTable {
  id: string;
  title: string;
  /** The title's key in the interface's messages (a sub-list's title from the form), when it has one. */
  titleKey?: string;
  columns: ReportColumn[];
  rows: ReportRow[];
  totals: ReportRow | null;
  /** Paged lists: every matching row's count (the page shows `rows`). */
  count?: number;
  /** The list has more than `count` rows: a page of a very long list counts only up to a cap (SPEC §7). */
  countAtLeast?: boolean;
  page?: number;
  pages?: number;
  note?: string;
  /** Many columns: on screen the cells keep a readable width and the table scrolls; the print view prints a block per row. */
  wide?: boolean;
  /**
   * An export's rows read batch by batch (`rows` is then empty and `count` says how many): the CSV and Excel writers
   * stream them, so a list of 100,000 associations is never held in memory whole.
   */
  batches?: () => AsyncIterable<ReportRow[]>;
  /** The association codes a batched table carries, known before its rows are read (the exploitation log, R-16). */
  associationCodes?: readonly string[];
}

export interface ChartSpec {
  type: 'bar' | 'doughnut';
  labels: string[];
  /** `labelKey`: the series label's key in the interface's messages (a form option), when it has one. */
  datasets: Array<{ label: string; labelKey?: string; data: number[] }>;
  stacked?: boolean;
  horizontal?: boolean;
  /** Alternative text: what the chart shows (the table stays the accessible source). */
  description: string;
  /** The description's two parts (lib/bar-chart.ts), translated apart on screen. */
  kind?: string;
  about?: string;
  /** Labels (`labels`) to their keys in the interface's messages, where they have one. */
  labelKeys?: Record<string, string>;
}

export interface Report {
  category: string;
  title: string;
  /** Human-readable filters applied ("Lĩnh vực: Y tế …"). */
  filterText: Array<[string, string]>;
  tables: ReportTable[];
  chart: ChartSpec | null;
  /** Rows in the report (for the audit of exports). */
  rowCount: number;
  message?: string;
}
