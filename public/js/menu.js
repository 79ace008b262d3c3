// The main navigation on a phone (issue 18 item 1): closed behind its "Menu" button (a <details>), open on wider
// screens. Without JavaScript the <details> stays open, as the whole menu always was. No inline script (CSP).
(() => {
  const menu = document.querySelector('[data-site-menu]');
  if (!menu) return;
  const wide = window.matchMedia('(min-width: 768px)');
  const follow = () => {
    menu.open = wide.matches;
  };
  follow();
  wide.addEventListener('change', follow);
})();
