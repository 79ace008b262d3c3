/** A chart's caption names the chart it is (issue 18 item 8): no "Biểu đồ cột" under horizontal bars. */
import { describe, expect, it } from 'vitest';
import { barChart, barChartKind } from '../../src/lib/bar-chart.js';

describe('bar chart captions', () => {
  it('names vertical, horizontal and stacked bars', () => {
    expect(barChartKind({})).toBe('Biểu đồ cột');
    expect(barChartKind({ stacked: true })).toBe('Biểu đồ cột chồng');
    expect(barChartKind({ horizontal: true })).toBe('Biểu đồ thanh ngang');
    expect(barChartKind({ horizontal: true, stacked: true })).toBe('Biểu đồ thanh ngang chồng');
  });

  it('builds the spec the page draws, its description from the kind and what it shows', () => {
    const chart = barChart({ horizontal: true, labels: ['A'], datasets: [{ label: 'Số hội', data: [3] }], about: 'số hội theo lĩnh vực.' });
    expect(chart).toEqual({
      type: 'bar',
      horizontal: true,
      labels: ['A'],
      datasets: [{ label: 'Số hội', data: [3] }],
      description: 'Biểu đồ thanh ngang: số hội theo lĩnh vực.',
      kind: 'Biểu đồ thanh ngang',
      about: 'số hội theo lĩnh vực.',
    });
  });
});
