// The script-tag entry (build/web/loyalty.js): reads its own tag's data-api, data-token,
// data-locale (and data-refresh, seconds between member refreshes) and starts the widget as
// window.Loyalty. The WebAssembly core is fetched from the folder this script came from.
import { createLoyalty } from './index.js';

function ownScript() {
  return document.currentScript ?? document.querySelector('script[src*="loyalty.js"][data-api]');
}

if (!window.Loyalty) {
  performance.mark('loyalty:script');
  const script = ownScript();
  const data = script?.dataset ?? {};
  const refresh = Number.parseInt(data.refresh ?? '', 10);
  try {
    window.Loyalty = createLoyalty({
      api: data.api ?? '',
      token: data.token ?? '',
      locale: data.locale ?? '',
      base: data.coreBase ? new URL(data.coreBase, location.href).href : new URL('.', script?.src ?? location.href).href,
      refreshSeconds: Number.isFinite(refresh) ? refresh : 30,
    });
  } catch (e) {
    // A widget that cannot start must leave the shop working: its fallback content stays.
    console.warn('loyalty widget did not start:', e);
  }
}
