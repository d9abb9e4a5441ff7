// Values the widget writes into the shop's own templates, and the deep links into the panel:
//   <span data-loyalty-points>            available points ("pending", "lifetime" for the others)
//   <span data-loyalty-tier>              the tier's name
//   <span data-loyalty-earn-preview data-sku data-category data-price-minor>  "earn 24 points"
//   <a data-loyalty-open="rewards">       opens the panel at rewards (earn, history, tiers too)
//   #loyalty-rewards in the URL            the same on page load
// Only textContent is ever written, so nothing here can inject markup.

const SECTIONS = new Set(['rewards', 'earn', 'history', 'tiers', 'vouchers', 'cards']);

function pointsOf(state, which) {
  if (which === 'pending') return (state.pending ?? []).reduce((n, p) => n + p.points, 0);
  if (which === 'lifetime') return state.lifetime?.earned ?? 0;
  return state.balance;
}

/** Fills the inline values under root (and root itself with includeRoot). */
export function fillInline(app, root = document, withEarn = true, includeRoot = false) {
  const { view, i18n } = app;
  const member = app.isMember;
  const all = (selector) => {
    const list = [...root.querySelectorAll(selector)];
    if (includeRoot && root.matches?.(selector)) list.unshift(root);
    return list;
  };
  // Signed out: the page's own copy of the balance is stale, so it goes ("—", no tier).
  const gone = view.signedOut;
  for (const el of all('[data-loyalty-points]')) {
    if (member) el.textContent = i18n.number(pointsOf(view.state, el.dataset.loyaltyPoints));
    else if (gone) el.textContent = '—';
  }
  for (const el of all('[data-loyalty-tier]')) {
    if (member && view.state.tier?.id) el.textContent = i18n.tierName(view.state.tier.id);
    else if (gone) el.textContent = '';
  }
  if (!withEarn) return;
  for (const el of all('[data-loyalty-earn-preview]')) {
    const price = Number.parseInt(el.dataset.priceMinor ?? el.dataset.loyaltyEarnPreview, 10);
    const points = app.earnFor({ sku: el.dataset.sku, category: el.dataset.category, price });
    el.textContent = points > 0 ? i18n.t('inline.earn', { points: i18n.points(points) }) : '';
  }
}

/** Wires the deep links; returns a function that opens a section (creating a launcher if needed). */
export function wireDeepLinks(app) {
  const open = (section) => {
    if (!document.querySelector('loyalty-launcher')) {
      const launcher = document.createElement('loyalty-launcher');
      launcher.setAttribute('button', 'none');
      document.body.append(launcher);
    }
    app.dispatchEvent(new CustomEvent('open', { detail: SECTIONS.has(section) ? section : '' }));
  };
  document.addEventListener('click', (e) => {
    const target = e.target instanceof Element ? e.target.closest('[data-loyalty-open]') : null;
    if (!target || e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey) return;
    e.preventDefault();
    open(target.getAttribute('data-loyalty-open'));
  });
  const fromHash = () => {
    const m = /^#loyalty-([a-z]+)$/.exec(location.hash);
    if (m) open(m[1]);
  };
  window.addEventListener('hashchange', fromHash);
  fromHash();
  return open;
}
