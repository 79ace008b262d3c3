// Tables wider than the screen scroll sideways inside their `.table-responsive` box (issue 18 item 1). A keyboard
// can only scroll a box it can focus: each box that really overflows becomes a focusable, named region (its table's
// caption, else the nearest heading before it); a box that fits stays out of the tab order. Set again on resize.
(() => {
  const nameOf = (box) => {
    const caption = box.querySelector('caption');
    if (caption?.textContent.trim()) return caption.textContent.trim();
    let el = box;
    while (el) {
      let prev = el.previousElementSibling;
      while (prev) {
        if (/^H[1-6]$/.test(prev.tagName)) return prev.textContent.trim();
        prev = prev.previousElementSibling;
      }
      el = el.parentElement;
    }
    return 'Bảng';
  };
  const mark = () => {
    for (const box of document.querySelectorAll('.table-responsive:not([data-region-fixed])')) {
      if (box.hasAttribute('tabindex') && !box.hasAttribute('data-region-auto')) continue; // the view made it a region
      const overflows = box.scrollWidth > box.clientWidth + 1;
      if (overflows && !box.hasAttribute('data-region-auto')) {
        box.setAttribute('tabindex', '0');
        box.setAttribute('role', 'region');
        box.setAttribute('aria-label', `${nameOf(box)} (cuộn ngang)`);
        box.setAttribute('data-region-auto', '');
      } else if (!overflows && box.hasAttribute('data-region-auto')) {
        for (const a of ['tabindex', 'role', 'aria-label', 'data-region-auto']) box.removeAttribute(a);
      }
    }
  };
  mark();
  let timer;
  window.addEventListener('resize', () => {
    clearTimeout(timer);
    timer = setTimeout(mark, 150);
  });
})();
