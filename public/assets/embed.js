// Seatwise embed helper (served from /assets, since the CSP forbids inline scripts).
// Connect, Reconnect and the other Seatwise pages open in a popup: BlueJeans' consent
// page must never load inside the host portal's frame. Without this script the same
// buttons lead to /embed/open/*, which offers a link that opens a new window.
(() => {
  const OUTSIDE = {
    '/embed/open/connect': '/connections/bluejeans/connect',
    '/embed/open/audit': '/connections/bluejeans/audit',
    '/embed/open/invites': '/connections/bluejeans/invites',
  };
  // The popup's page sends COOP, so the frame cannot watch it close; instead the card
  // refreshes itself for a while after a popup opens.
  const REFRESH_MS = 5000;
  const REFRESH_FOR_MS = 10 * 60 * 1000;
  let refresher;

  function outsideUrl(url) {
    const u = new URL(url, location.href);
    return u.origin === location.origin ? OUTSIDE[u.pathname] : undefined;
  }

  function refreshCardForAWhile() {
    clearInterval(refresher);
    const until = Date.now() + REFRESH_FOR_MS;
    refresher = setInterval(() => {
      const card = document.getElementById('bluejeans-card');
      if (Date.now() > until || !card || !window.htmx) return clearInterval(refresher);
      window.htmx.ajax('GET', '/embed/card', { target: '#bluejeans-card', swap: 'outerMorph' });
    }, REFRESH_MS);
  }

  function open(target, event, refresh) {
    const popup = window.open(target, 'seatwise', 'popup,width=720,height=820');
    if (!popup) return; // Blocked: let the frame fall back to the /embed/open page.
    event.preventDefault();
    if (refresh) refreshCardForAWhile();
  }

  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method.toLowerCase() !== 'get') return;
    const target = outsideUrl(form.action);
    if (target) open(target, event, true);
  });

  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    const target = link ? outsideUrl(link.href) : undefined;
    if (target) open(target, event, false);
  });
})();
