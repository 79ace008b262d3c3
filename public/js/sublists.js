// Progressive enhancement for repeatable sub-lists: an "add a row" button that copies the blank row.
// Without JavaScript the form still offers blank rows and works the same.
(() => {
  for (const fieldset of document.querySelectorAll('fieldset[data-sublist]')) {
    const name = fieldset.dataset.sublist;
    const blank = fieldset.querySelector('.sublist-row--blank');
    if (!blank) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn btn-sm btn-outline-primary';
    button.textContent = 'Thêm dòng';
    button.addEventListener('click', () => {
      const rows = fieldset.querySelectorAll('.sublist-row');
      const next = Math.max(...Array.from(rows, (r) => Number(r.dataset.index))) + 1;
      const copy = blank.cloneNode(true);
      copy.dataset.index = String(next);
      for (const el of copy.querySelectorAll('[name], [id], [for], [aria-describedby]')) {
        for (const attr of ['name', 'id', 'for', 'aria-describedby']) {
          const v = el.getAttribute(attr);
          if (v)
            el.setAttribute(
              attr,
              v
                .replace(new RegExp(`^${name}([.-])\\d+([.-])`), `${name}$1${next}$2`)
                .replace(new RegExp(`(^| )${name}-\\d+-`, 'g'), `$1${name}-${next}-`),
            );
        }
        if (el.matches('input:not([type=checkbox]), textarea')) el.value = '';
        if (el.matches('select')) el.selectedIndex = 0;
        if (el.matches('input[type=checkbox]')) el.checked = false;
      }
      button.before(copy);
      copy.querySelector('input, select, textarea')?.focus();
    });
    fieldset.append(button);
  }
})();
