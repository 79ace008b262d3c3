// Progressive enhancement of Biểu mẫu 1's repeatable sub-lists. Without JavaScript every button posts the form and
// the page comes back with the row added or marked for removal; with it, the same buttons act in the page.
(() => {
  // Section pages (views/associations/_row-table.ejs): "Thêm …" copies the row template, "Xóa" drops a new row.
  for (const fieldset of document.querySelectorAll('fieldset[data-row-list]')) {
    const name = fieldset.dataset.rowList;
    const table = fieldset.querySelector('table.row-table');
    const template = fieldset.querySelector(`template[data-row-template="${name}"]`);
    const add = fieldset.querySelector(`[data-row-add="${name}"]`);
    if (!table || !template || !add) continue;
    const count = fieldset.querySelector('[data-row-count]');
    const live = () => table.querySelectorAll('tbody.row-table__row:not(.row-table__row--removed)').length;
    const renumber = () => {
      table.querySelectorAll('tbody.row-table__row').forEach((row, i) => {
        for (const n of row.querySelectorAll('[data-row-number]')) n.textContent = String(i + 1);
      });
      if (count) count.textContent = String(live());
      table.classList.toggle('d-none', table.tBodies.length === 0);
      fieldset.querySelector('[data-row-empty]')?.classList.toggle('d-none', table.tBodies.length > 0);
    };
    const removable = (row) => {
      const button = row.querySelector('[data-row-remove]');
      // A stored row (with its id) is marked for removal by the server round trip, which can undo it.
      if (!button || row.querySelector('input[name$=".id"]')) return;
      button.addEventListener('click', (event) => {
        event.preventDefault();
        row.remove();
        renumber();
        add.focus();
      });
    };
    table.querySelectorAll('tbody.row-table__row').forEach(removable);
    add.addEventListener('click', (event) => {
      event.preventDefault();
      const indices = Array.from(table.querySelectorAll('tbody.row-table__row'), (r) => Number(r.dataset.index) || 0);
      const next = indices.length ? Math.max(...indices) + 1 : 0;
      const holder = document.createElement('tbody');
      table.append(holder);
      holder.outerHTML = template.innerHTML.replaceAll('__INDEX__', String(next));
      const row = table.tBodies[table.tBodies.length - 1];
      removable(row);
      renumber();
      row.querySelector('input:not([type=hidden]), select, textarea')?.focus();
    });
  }

  // The create form (views/associations/_sublist.ejs): an "add a row" button that copies the blank row.
  for (const fieldset of document.querySelectorAll('fieldset[data-sublist]')) {
    const name = fieldset.dataset.sublist;
    const blank = fieldset.querySelector('.sublist-row--blank');
    if (!blank) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'btn btn-sm btn-outline-primary';
    button.textContent = fieldset.dataset.addLabel || 'Thêm dòng';
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
