// Draws the report charts with the locally served Chart.js. Each <canvas data-chart="…"> carries its numbers as
// JSON (the same numbers as the table next to it, which stays the accessible source). No inline script (CSP).
(() => {
  if (typeof window.Chart !== 'function') return;
  const palette = ['#a4161a', '#0b4f9c', '#e09f3e', '#2a9d8f', '#6c757d', '#8338ec', '#588157'];
  const vi = new Intl.NumberFormat('vi-VN');
  for (const canvas of document.querySelectorAll('canvas[data-chart]')) {
    let spec;
    try {
      spec = JSON.parse(canvas.getAttribute('data-chart'));
    } catch {
      continue;
    }
    // A chart kept hidden until drawn (its table is the content without JavaScript) is shown now.
    const box = canvas.closest('[data-chart-box]');
    if (box) box.hidden = false;
    const horizontal = !!spec.horizontal;
    const valueAxis = horizontal ? 'x' : 'y';
    const labelAxis = horizontal ? 'y' : 'x';
    new window.Chart(canvas, {
      type: spec.type || 'bar',
      data: {
        labels: spec.labels,
        datasets: spec.datasets.map((d, i) => ({
          label: d.label,
          data: d.data,
          backgroundColor: palette[i % palette.length],
          borderWidth: 0,
        })),
      },
      options: {
        indexAxis: horizontal ? 'y' : 'x',
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: {
          legend: { display: spec.datasets.length > 1, position: 'bottom' },
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${vi.format(ctx.parsed[valueAxis])}` } },
        },
        scales: {
          [valueAxis]: { stacked: !!spec.stacked, beginAtZero: true, ticks: { callback: (v) => vi.format(v) } },
          [labelAxis]: { stacked: !!spec.stacked, ticks: { autoSkip: false } },
        },
      },
    });
  }
})();
