/**
 * The bulk import's plug for `npm run bench` (bench/steps/import.ts; SPEC §7: a 10,000-row Excel file with
 * validation at ≥ 2,000 rows/s) and the file `npm run bench:import` (src/cli/bench-import.ts) imports.
 *
 * The bench imports a generated .xlsx of new associations through the real service (`runImport`: parse, validate
 * every row against the catalogues and the register, then apply in one transaction), into the bench's data set,
 * so the duplicate checks run against the generated register. The names carry a per-run tag, so a reused bench
 * database (BENCH_REUSE_DB) gets new rows each time rather than "unchanged" ones.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import { loadConfig } from '../../config.js';
import { createFakeClock } from '../../lib/clock.js';
import { excel } from '../../lib/excel.js';
import { createLogger } from '../../logger.js';
import { createServices } from '../../services.js';
import { SUBLIST_FIRST_ROW } from '../register-form/workbook.js';
import { bulkColumns, LIST_SHEET } from './bulk-file.js';

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

/** bench/steps/import.ts: import `rows` generated rows from an .xlsx file; the time is the service's own total. */
export async function benchImport(args: { knex: Knex; rows: number; baseUrl: string; cookie: string }): Promise<{
  rows: number;
  seconds: number;
}> {
  const uploadDir = mkdtempSync(path.join(os.tmpdir(), 'csdl-hoi-bench-import-'));
  try {
    const config = loadConfig({ ...process.env, UPLOAD_DIR: uploadDir, SEED_DEMO: 'false', LOG_LEVEL: 'silent' });
    const services = createServices({ db: args.knex, config, clock: createFakeClock(new Date()), logger: createLogger('silent') });
    const tag = Date.now().toString(36).toUpperCase();
    const data = await benchFile(args.rows, true, tag);
    const actor = { userId: null, username: 'bench', roles: ['ngo_staff'], ip: null, requestId: null };
    const s = await services.imports.runImport({ actor, data, originalName: 'bench.xlsx', format: 'xlsx', mode: 'all' });
    if (s.status !== 'applied' || s.created !== args.rows) {
      throw new Error(`bench import: status ${s.status}, ${s.created} created of ${args.rows} (${s.invalid} invalid)`);
    }
    return { rows: s.created, seconds: s.timings.totalMs / 1000 };
  } finally {
    rmSync(uploadDir, { recursive: true, force: true });
  }
}
