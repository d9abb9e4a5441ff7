// The script-tag entry (build/web/loyalty.js): reads its own tag's data-api, data-token,
// data-locale (and data-refresh, seconds between member refreshes; data-sign-in-url, where a
// signed-out shopper signs in again; data-bootstrap, below) and
// starts the widget as window.Loyalty. The WebAssembly core is fetched from the folder this script came from.
import { createLoyalty } from './index.js';

function ownScript() {
  return document.currentScript ?? document.querySelector('script[src*="loyalty.js"][data-api]');
}

// data-bootstrap="id": a <script type="application/json" id="id"> holding {program, etag, state}
// as the shop's server fetched them for this page; unreadable JSON is simply not used.
function readBootstrap(id) {
  if (!id) return null;
  try {
    return JSON.parse(document.getElementById(id)?.textContent ?? 'null');
  } catch {
    return null;
  }
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
      signInUrl: data.signInUrl ?? '',
      bootstrap: readBootstrap(data.bootstrap),
    });
  } catch (e) {
    // A widget that cannot start must leave the shop working: its fallback content stays.
    console.warn('loyalty widget did not start:', e);
  }
}
