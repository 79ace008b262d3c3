// Print view: the "In báo cáo" button opens the browser's print dialog (no inline script: CSP).
document.getElementById('nut-in')?.addEventListener('click', () => window.print());
