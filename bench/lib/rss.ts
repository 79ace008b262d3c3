/**
 * The resident set size of a bench child (the app, the ceilings), sampled every 50 ms; the parent asks for it over
 * the IPC channel ({type:'rss'} → current and peak; {type:'reset-peak'} starts a new peak).
 */
export function reportRss(): void {
  let peak = process.memoryUsage().rss;
  setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().rss);
  }, 50).unref();

  process.on('message', (msg: { type?: string }) => {
    if (msg.type === 'rss') process.send?.({ type: 'rss', rss: process.memoryUsage().rss, peak });
    if (msg.type === 'reset-peak') {
      peak = process.memoryUsage().rss;
      process.send?.({ type: 'reset-peak' });
    }
  });
}
