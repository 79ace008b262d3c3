/** How a report prints (issue 18 item 3): orientation by width, and the page estimate behind the long-print warning. */
import { describe, expect, it } from 'vitest';
import { estimatePrintPages, PRINT_WARN_PAGES, printOrientation } from '../../src/features/reports/print-layout.js';
import type { ReportColumn, ReportTable } from '../../src/features/reports/report-model.js';

const columns = (n: number): ReportColumn[] => Array.from({ length: n }, (_, i) => ({ key: `c${i}`, label: `Cột ${i}`, type: 'text' }));
const table = (cols: number, count: number, extra: Partial<ReportTable> = {}): ReportTable => ({
  id: 't',
  title: 'Bảng',
  columns: columns(cols),
  rows: [],
  totals: null,
  count,
  ...extra,
});

describe('print layout', () => {
  it('prints a report in landscape when a table has more than six columns, unless it prints as blocks', () => {
    expect(printOrientation({ tables: [table(6, 10)] })).toBe('portrait');
    expect(printOrientation({ tables: [table(6, 10), table(9, 10)] })).toBe('landscape');
    expect(printOrientation({ tables: [table(30, 10, { wide: true })] })).toBe('portrait');
  });

  it('estimates pages from every row of the report, not the page shown, and warns beyond fifty', () => {
    expect(estimatePrintPages({ tables: [table(5, 5)] })).toBe(2);
    expect(estimatePrintPages({ tables: [] })).toBe(1);
    // Report d of the demo register: 2,593 rows, 10 text and 2 numeric columns, printed by Chromium on 431
    // landscape pages: the estimate is within a tenth.
    const d = estimatePrintPages({
      tables: [
        table(10, 2593, { columns: [...columns(10), { key: 'y', label: 'Năm', type: 'year' }, { key: 'b', label: 'Có', type: 'bool' }] }),
      ],
    });
    expect(Math.abs(d - 431) / 431).toBeLessThan(0.1);
    expect(d).toBeGreaterThan(PRINT_WARN_PAGES);
    // Numbers do not wrap: a table of figures takes fewer pages than one of text.
    const figures = {
      ...table(1, 1000),
      columns: [...columns(1), ...Array.from({ length: 5 }, (_, i) => ({ key: `n${i}`, label: 'Số', type: 'int' as const }))],
    };
    expect(estimatePrintPages({ tables: [figures] })).toBeLessThan(estimatePrintPages({ tables: [table(6, 1000)] }));
    // More rows, more pages; landscape holds fewer rows than portrait.
    expect(estimatePrintPages({ tables: [table(5, 2000)] })).toBeGreaterThan(estimatePrintPages({ tables: [table(5, 1000)] }));
    expect(estimatePrintPages({ tables: [table(5, 1000)] }, 'landscape')).toBeGreaterThan(
      estimatePrintPages({ tables: [table(5, 1000)] }, 'portrait'),
    );
    // A wide table prints a block per row: its lines count.
    expect(estimatePrintPages({ tables: [table(20, 100, { wide: true })] })).toBe(Math.ceil((100 * 21) / 50 + 1));
  });
});
