/**
 * The bulk-import file the benchmarks import (`npm run bench:import`, and `npm run bench`'s import step): `n` new
 * associations on the template's list sheet (.xlsx) or as CSV, their names tagged per run so that a reused bench
 * database gets new rows each time rather than "unchanged" ones.
 */
import { bulkColumns, LIST_SHEET } from '../features/imports/bulk-file.js';
import { SUBLIST_FIRST_ROW } from '../features/register-form/workbook.js';
import { excel } from '../lib/excel.js';

const KEYS = [
  'name',
  'kind_code',
  'scope',
  'main_field_code',
  'status',
  'data_level',
  'hq_province_code',
  'members_total',
  'hq_address',
  'tasked_from',
];

function rowsOf(n: number, tag: string): string[][] {
  const prefix = tag ? `Hội Đo Hiệu Năng ${tag} số` : 'Hội Đo Hiệu Năng số';
  return Array.from({ length: n }, (_, i) => [
    `${prefix} ${i + 1}`,
    'hoi',
    i % 3 ? 'toan_quoc' : 'tinh',
    'XHND',
    'hoat_dong',
    'raw',
    i % 2 ? '01' : '79',
    String(100 + i),
    `${i + 1} Đường Thử`,
    '01/03/2010',
  ]);
}

/** A bulk-import file of `n` new associations (the template's list sheet, or CSV). */
export async function benchFile(n: number, xlsx: boolean, tag = ''): Promise<Buffer> {
  const labels = KEYS.map((k) => bulkColumns().find((c) => c.key === k)?.label ?? k);
  if (!xlsx) {
    const quote = (s: string) => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
    const lines = [labels.map(quote).join(','), ...rowsOf(n, tag).map((r) => r.map(quote).join(','))];
    return Buffer.from(`${lines.join('\r\n')}\r\n`);
  }
  const { Workbook } = await excel();
  const wb = new Workbook();
  const ws = wb.addWorksheet(LIST_SHEET);
  ws.getRow(1).values = labels;
  ws.getRow(2).values = KEYS;
  rowsOf(n, tag).forEach((r, i) => {
    ws.getRow(SUBLIST_FIRST_ROW + i).values = r;
  });
  return Buffer.from(await wb.xlsx.writeBuffer());
}
