// The widget's public surface, for shops with a bundler (ES module) and, through global.js, for
// the one script tag: createLoyalty(config) starts the widget on this page and returns `Loyalty`.
//   Loyalty.setCart(cart)          the shop's cart (program.md "Cart"); also the loyalty:cart event
//   Loyalty.on(type, fn) → off()   change, balance, redeem, join, sent, queued, rejected, error, ready
//   Loyalty.open(section)          the panel at rewards | earn | history | tiers ('' = top)
//   Loyalty.action(name)           a non-purchase action (review, ...), queued while offline
//   Loyalty.redeem(reward, option) a non-cart reward, queued while offline
//   Loyalty.refresh()              fetch the program and the member state now
//   Loyalty.clearSelection()       forget the rewards chosen for this cart (after the order)
//   Loyalty.remove({reward}|{voucher})  stop using one chosen reward or voucher (the shop's own
//                                  "remove" link, or its way out of a refused payment)
//   Loyalty.ready                  a promise, resolved once the first full render is done
import { LoyaltyApp } from './app.js';
import { setApp } from './elements/base.js';
import { LoyaltyCheckout } from './elements/checkout.js';
import { LoyaltyLauncher } from './elements/launcher.js';
import { LoyaltyPortal } from './elements/portal.js';
import { fillInline, wireDeepLinks } from './inline.js';

export { LoyaltyApp } from './app.js';
export { I18n, CATALOGS } from './i18n.js';
export { SyncClient } from './sync.js';

export function defineElements(registry = globalThis.customElements) {
  if (!registry) return;
  for (const [name, ctor] of [['loyalty-portal', LoyaltyPortal], ['loyalty-checkout', LoyaltyCheckout], ['loyalty-launcher', LoyaltyLauncher]]) {
    if (!registry.get(name)) registry.define(name, ctor);
  }
}

/**
 * config: {api, token, locale, base (URL of the folder with loyalty_core.js/.wasm; by default
 *          the folder this module was loaded from),
 *          refreshSeconds (default 30; 0 = only on focus and reconnect),
 *          signInUrl (a link shown to a signed-out shopper: the token was refused, 401),
 *          bootstrap ({program, etag, state} the shop's server embedded: the first render needs
 *          no request; see README "Bootstrap")}
 */
export function createLoyalty(config = {}) {
  // Imported as a module, the core files lie beside this file (the package's dist/, or build/web);
  // the script-tag bundle always passes its own folder (global.js).
  const here = import.meta.url;
  const base = config.base ?? (here ? new URL('.', here).href : undefined);
  const app = new LoyaltyApp({ ...config, base });
  const refreshSeconds = Number.isFinite(config.refreshSeconds) ? config.refreshSeconds : 30;
  let earnKey = null;

  // Inline values: balances on every change, the per-product earn hints only when the program or
  // the member state changed (a cart change does not move them, and they cost a preview each).
  const fill = () => {
    if (app.view.phase !== 'ready') return;
    const key = `${app.view.program?.version}|${app.view.state?.balance}|${app.view.state?.tier?.id}|${app.engine ? 1 : 0}`;
    fillInline(app, document, key !== earnKey);
    earnKey = key;
  };
  app.addEventListener('change', fill);
  const observer = new MutationObserver((records) => {
    if (app.view.phase !== 'ready') return;
    for (const r of records) for (const n of r.addedNodes) if (n instanceof Element) fillInline(app, n, true, true);
  });

  document.addEventListener('loyalty:cart', (e) => app.setCart(e.detail));
  let open = () => {};

  const api = {
    app,
    setCart: (cart) => app.setCart(cart),
    on(type, fn) {
      app.addEventListener(type, fn);
      return () => app.removeEventListener(type, fn);
    },
    open: (section = '') => open(section),
    action: (name) => app.action(name),
    redeem: (reward, option) => app.redeem(reward, option),
    refresh: () => app.refresh(),
    clearSelection: () => app.clearSelection(),
    remove: (choice = {}) => (choice.voucher ? app.useVoucher(String(choice.voucher), false) : choice.reward ? app.useReward(String(choice.reward), false) : undefined),
    get state() {
      return app.view.state;
    },
    get preview() {
      return app.view.preview;
    },
    ready: null,
  };

  defineElements();
  setApp(app);
  api.ready = app.start().then(() => {
    open = wireDeepLinks(app);
    observer.observe(document.body, { childList: true, subtree: true });
    fill();
    window.addEventListener('online', () => app.sync.online().then(() => app.refresh()));
    window.addEventListener('offline', () => app.update({ offline: true }));
    // The shopper comes back to the page (another tab may have spent points): refresh now.
    // Both events fire on a tab switch; refresh() shares one request between them.
    document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && app.refresh());
    window.addEventListener('focus', () => app.refresh());
    if (refreshSeconds > 0) {
      setInterval(() => document.visibilityState === 'visible' && navigator.onLine && app.refresh(), refreshSeconds * 1000);
    }
    document.dispatchEvent(new CustomEvent('loyalty:ready', { bubbles: true }));
    app.dispatchEvent(new Event('ready'));
    return api;
  });
  return api;
}
