/** CSV/Excel helpers of the reports: formula neutralisation (RELIABILITY check 20), quoting, file names, quarters. */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { quarterStart } from '../../src/features/reports/dashboard.js';
import type { ReportTable } from '../../src/features/reports/report-model.js';
import { contentDisposition, csvValue, sheetName, toCsv, writeCsv } from '../../src/features/reports/reports.export.js';
import { neutralise, unneutralise } from '../../src/lib/excel.js';

describe('report exports', () => {
  it('neutralises cells that a spreadsheet would run as a formula', () => {
    for (const s of ['=1+2', '+SUM(A1)', '-2+3', '@cmd', '\tx', '\rx']) expect(neutralise(s)).toBe(`'${s}`);
    for (const s of ['Hội =1', 'a-b', '', '1.500']) expect(neutralise(s)).toBe(s);
    // Reversible: an apostrophe already in front of a formula is kept behind the one added.
    for (const s of ["'=1", "''+2", "'text", "'", '=1', 'Hội', '']) expect(unneutralise(neutralise(s))).toBe(s);
  });

  it('writes numbers plain (negative ones too), dates dd/mm/yyyy, text neutralised', () => {
    expect(csvValue({ key: 'n', label: 'n', type: 'money' }, 1_500_000_000)).toBe('1500000000');
    expect(csvValue({ key: 'n', label: 'n', type: 'int' }, -5)).toBe('-5');
    expect(csvValue({ key: 'd', label: 'd', type: 'date' }, '2026-03-15')).toBe('15/03/2026');
    expect(csvValue({ key: 't', label: 't', type: 'text' }, '-1+1')).toBe("'-1+1");
    expect(csvValue({ key: 'b', label: 'b', type: 'bool' }, true)).toBe('Có');
  });

  it('builds RFC 4180 CSV with a BOM and a totals row', () => {
    const table: ReportTable = {
      id: 'x',
      title: 'X',
      columns: [
        { key: 'name', label: 'Tên', type: 'text' },
        { key: 'n', label: 'Số hội', type: 'int' },
      ],
      rows: [{ name: 'Hội "A", B\nC', n: 2 }],
      totals: { name: 'Tổng cộng', n: 2 },
    };
    expect(toCsv([table])).toBe('\uFEFFTên,Số hội\r\n"Hội ""A"", B\nC",2\r\nTổng cộng,2\r\n');
  });

  it('streams a batched table batch by batch, the same bytes as the rows in memory, waiting for a full stream', async () => {
    const columns: ReportTable['columns'] = [
      { key: 'code', label: 'Mã hội', type: 'text' },
      { key: 'on', label: 'Ngày', type: 'date' },
    ];
    const all = Array.from({ length: 2500 }, (_, i) => ({ code: `H${String(i).padStart(6, '0')}`, on: '2026-03-15' }));
    let read = 0;
    const batched: ReportTable = {
      id: 'x',
      title: 'X',
      columns,
      rows: [],
      totals: null,
      count: all.length,
      async *batches() {
        for (let i = 0; i < all.length; i += 1000) {
          read += 1;
          yield all.slice(i, i + 1000);
        }
      },
    };
    const chunks: string[] = [];
    let waits = 0;
    // A slow client: room for one piece at a time.
    const slow = new Writable({
      highWaterMark: 1,
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk.toString('utf8'));
        waits += 1;
        setImmediate(done);
      },
    });
    await writeCsv([batched], slow);
    expect(read).toBe(3);
    expect(waits).toBeGreaterThanOrEqual(4);
    expect(chunks.join('')).toBe(toCsv([{ ...batched, rows: all, batches: undefined }]));
  });

  it('stops reading batches when the client goes away', async () => {
    let read = 0;
    const table: ReportTable = {
      id: 'x',
      title: 'X',
      columns: [{ key: 'code', label: 'Mã hội', type: 'text' }],
      rows: [],
      totals: null,
      async *batches() {
        for (let i = 0; i < 100; i++) {
          read += 1;
          yield [{ code: 'x'.repeat(1000) }];
        }
      },
    };
    const gone = new Writable({
      highWaterMark: 1,
      write(_chunk, _enc, _done) {
        // Never acknowledges: the client stopped reading, then the connection closes.
        setImmediate(() => this.destroy());
      },
    });
    await expect(writeCsv([table], gone)).rejects.toThrow('export stream closed');
    expect(read).toBeLessThan(3);
  });

  it('gives a Vietnamese file name with an ASCII fallback (RFC 5987)', () => {
    expect(contentDisposition('Báo cáo đ - Chủ tịch.csv')).toBe(
      `attachment; filename="Bao-cao-d-Chu-tich.csv"; filename*=UTF-8''B%C3%A1o%20c%C3%A1o%20%C4%91%20-%20Ch%E1%BB%A7%20t%E1%BB%8Bch.csv`,
    );
  });

  it('makes valid, distinct Excel sheet names', () => {
    const used = new Set<string>();
    const a = sheetName('Kinh phí: năm [2024] / nguồn?', 0, used);
    expect(a).not.toMatch(/[:\\/?*[\]]/);
    expect(a.length).toBeLessThanOrEqual(31);
    expect(sheetName('Kinh phí: năm [2024] / nguồn?', 1, used)).not.toBe(a);
  });

  it('finds the first day of the quarter in Viet Nam', () => {
    expect(quarterStart('2026-06-15').toISOString()).toBe('2026-03-31T17:00:00.000Z');
    expect(quarterStart('2026-01-01').toISOString()).toBe('2025-12-31T17:00:00.000Z');
    expect(quarterStart('2026-12-31').toISOString()).toBe('2026-09-30T17:00:00.000Z');
  });
});
