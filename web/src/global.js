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

// The core's glue and its .wasm start downloading now, side by side, instead of one after the
// other (the glue used to ask for the .wasm only once it had arrived and run). A page that lists
// them as <link rel="preload"> itself (web/README.md) gets them earlier still; those are reused.
function preloadCore(base) {
  for (const [file, as] of [['loyalty_core.wasm', 'fetch'], ['loyalty_core.js', 'script']]) {
    const href = new URL(file, base).href;
    if ([...document.querySelectorAll('link[rel=preload]')].some((l) => l.href === href)) continue;
    const link = document.createElement('link');
    link.rel = 'preload';
    link.as = as;
    link.href = href;
    if (as === 'fetch') link.crossOrigin = 'anonymous'; // the credentials mode the glue's fetch uses
    document.head.append(link);
  }
}

if (!window.Loyalty) {
  performance.mark('loyalty:script');
  const script = ownScript();
  const data = script?.dataset ?? {};
  const coreBase = data.coreBase ? new URL(data.coreBase, location.href).href : new URL('.', script?.src ?? location.href).href;
  try {
    preloadCore(coreBase);
  } catch {
    // no preload: the core still loads, one file after the other
  }
  const refresh = Number.parseInt(data.refresh ?? '', 10);
  try {
    window.Loyalty = createLoyalty({
      api: data.api ?? '',
      token: data.token ?? '',
      locale: data.locale ?? '',
      base: coreBase,
      refreshSeconds: Number.isFinite(refresh) ? refresh : 30,
      signInUrl: data.signInUrl ?? '',
      bootstrap: readBootstrap(data.bootstrap),
    });
  } catch (e) {
    // A widget that cannot start must leave the shop working: its fallback content stays.
    console.warn('loyalty widget did not start:', e);
  }
}
