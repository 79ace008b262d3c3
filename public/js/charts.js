// Draws the report charts with the locally served Chart.js. Each <canvas data-chart="…"> carries its numbers as
// JSON (the same numbers as the table next to it, which stays the accessible source). No inline script (CSP).
(() => {
  if (typeof window.Chart !== 'function') return;
  /** A label as lines of at most `width` characters, broken between words (a longer word stays whole). */
  const wrap = (label, width) => {
    const lines = [];
    for (const word of label.split(/\s+/)) {
      const last = lines.length - 1;
      if (last >= 0 && `${lines[last]} ${word}`.length <= width) lines[last] += ` ${word}`;
      else lines.push(word);
    }
    return lines.length > 1 ? lines : label;
  };
  const palette = ['#a4161a', '#0b4f9c', '#e09f3e', '#2a9d8f', '#6c757d', '#8338ec', '#588157'];
  // Numbers as the page writes them: 1.234.567 in Vietnamese, 1,234,567 in English (<html lang>).
  const numbers = new Intl.NumberFormat(document.documentElement.lang === 'en' ? 'en-GB' : 'vi-VN');
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
    // On a narrow screen long category names are wrapped onto several lines instead of being cut off (horizontal
    // bars) or turned sideways (columns); a horizontal chart grows to give each wrapped name its lines.
    const narrow = canvas.parentElement.clientWidth < 576;
    const width = horizontal ? 18 : 8;
    const labels = narrow ? spec.labels.map((l) => wrap(String(l), width)) : spec.labels;
    if (narrow && horizontal) {
      const lines = labels.reduce((n, l) => n + (Array.isArray(l) ? l.length : 1), 0);
      const wanted = lines * 15 + labels.length * 12 + 90;
      if (wanted > canvas.parentElement.clientHeight) canvas.parentElement.style.height = `${wanted}px`;
    }
    new window.Chart(canvas, {
      type: spec.type || 'bar',
      data: {
        labels,
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
          tooltip: { callbacks: { label: (ctx) => `${ctx.dataset.label}: ${numbers.format(ctx.parsed[valueAxis])}` } },
        },
        scales: {
          [valueAxis]: { stacked: !!spec.stacked, beginAtZero: true, ticks: { callback: (v) => numbers.format(v) } },
          [labelAxis]: { stacked: !!spec.stacked, ticks: { autoSkip: false, ...(narrow ? { maxRotation: 0, font: { size: 11 } } : {}) } },
        },
      },
    });
  }
})();
