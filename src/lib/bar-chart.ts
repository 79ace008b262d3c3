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
}

export function barChartKind(chart: { horizontal?: boolean; stacked?: boolean }): string {
  return `Biểu đồ ${chart.horizontal ? 'thanh ngang' : 'cột'}${chart.stacked ? ' chồng' : ''}`;
}

/** `about`: what the chart shows, after the kind ("số hội theo lĩnh vực. Số liệu ở bảng bên dưới."). */
export function barChart(spec: Omit<BarChart, 'type' | 'description'> & { about: string }): BarChart {
  const { about, ...rest } = spec;
  return { type: 'bar', ...rest, description: `${barChartKind(rest)}: ${about}` };
}
