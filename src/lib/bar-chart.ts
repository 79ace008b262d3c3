/**
 * A bar chart's spec (drawn by public/js/charts.js from `data-chart`), with its caption and text alternative named
 * after the chart it really is (issue 18 item 8): "Biểu đồ cột" (vertical), "Biểu đồ thanh ngang" (horizontal),
 * "… chồng" when the series are stacked — one place, so a caption never says "cột" under horizontal bars.
 */
export interface BarChart {
  type: 'bar';
  labels: string[];
  datasets: Array<{ label: string; data: number[] }>;
  stacked?: boolean;
  horizontal?: boolean;
  /** The caption and the canvas's text alternative: the kind of chart, then what it shows. */
  description: string;
  /** The two parts of the description, for a view that translates them (`tx(kind)`, `tx(about)`). */
  kind: string;
  about: string;
}

/** Whole phrases, one per kind, so that each has its English text (locales/texts/en/common.json). */
export function barChartKind(chart: { horizontal?: boolean; stacked?: boolean }): string {
  if (chart.horizontal) return chart.stacked ? 'Biểu đồ thanh ngang chồng' : 'Biểu đồ thanh ngang';
  return chart.stacked ? 'Biểu đồ cột chồng' : 'Biểu đồ cột';
}

/** `about`: what the chart shows, after the kind ("số hội theo lĩnh vực. Số liệu ở bảng bên dưới."). */
export function barChart(spec: Omit<BarChart, 'type' | 'description' | 'kind' | 'about'> & { about: string }): BarChart {
  const { about, ...rest } = spec;
  const kind = barChartKind(rest);
  return { type: 'bar', ...rest, description: `${kind}: ${about}`, kind, about };
}
