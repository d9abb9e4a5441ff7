// What the three elements share: the page's one LoyaltyApp, a shadow root made only once there is
// something to show (until then the shop's light-DOM fallback stays visible), the styles, a
// polite live region that survives re-renders, and focus kept on the same control across them.
import css from '../styles.css';

let app = null;
const marked = new Set();
const waiting = new Set();

/** Called once by the loader; elements connected earlier render now. */
export function setApp(a) {
  app = a;
  for (const el of waiting) el.attach();
  waiting.clear();
}

export function getApp() {
  return app;
}

// Portals and checkout widgets the page itself shows (not the launcher's own panel), and which of
// them are in the viewport: the launcher steps aside while one is, since it would open the same
// thing again and, on a phone, covered that widget's buttons.
const inView = new Set();
const viewWatchers = new Set();
let viewObserver = null;

function watchView(el) {
  if (el.localName === 'loyalty-launcher' || el.getRootNode() !== document || typeof IntersectionObserver !== 'function') return;
  viewObserver ??= new IntersectionObserver((entries) => {
    for (const e of entries) {
      if (e.isIntersecting) inView.add(e.target);
      else inView.delete(e.target);
    }
    for (const fn of viewWatchers) fn();
  });
  viewObserver.observe(el);
}

function unwatchView(el) {
  viewObserver?.unobserve(el);
  if (inView.delete(el)) for (const fn of viewWatchers) fn();
}

/** Whether a portal or checkout widget on the page is in the viewport now. */
export function pageWidgetInView() {
  return inView.size > 0;
}

/** Calls `fn` when that changes; returns the function that stops it. */
export function onPageWidgetView(fn) {
  viewWatchers.add(fn);
  return () => viewWatchers.delete(fn);
}

let sheet = null;
function styleInto(root) {
  if (!sheet && typeof CSSStyleSheet === 'function' && 'replaceSync' in CSSStyleSheet.prototype) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(css);
  }
  if (sheet && 'adoptedStyleSheets' in root) root.adoptedStyleSheets = [sheet];
  else {
    const style = document.createElement('style');
    style.textContent = css;
    root.append(style);
  }
}

export class LoyaltyElement extends HTMLElement {
  connectedCallback() {
    watchView(this);
    if (app) this.attach();
    else waiting.add(this);
  }

  disconnectedCallback() {
    unwatchView(this);
    waiting.delete(this);
    if (this.listener) app?.removeEventListener('change', this.listener);
    this.listener = null;
  }

  attach() {
    if (this.listener) return;
    this.listener = () => this.refresh();
    app.addEventListener('change', this.listener);
    this.refresh();
  }

  /** True when the element has something of its own to show (else the fallback stays). */
  ready() {
    return app.view.phase !== 'loading' || !!app.view.program;
  }

  refresh() {
    if (!this.isConnected || !app || !this.ready()) return;
    if (!this.shadowRoot) {
      const root = this.attachShadow({ mode: 'open' });
      styleInto(root);
      this.live = document.createElement('div');
      this.live.className = 'sr-only';
      this.live.setAttribute('role', 'status');
      this.live.setAttribute('aria-live', 'polite');
      this.content = document.createElement('div');
      root.append(this.live, this.content);
    }
    // Skip the rebuild when nothing this element shows has changed (a cart change must not
    // rebuild the portal's long history; the view's objects are replaced, never mutated).
    const deps = this.dependencies(app.view);
    if (this.lastDeps && deps.length === this.lastDeps.length && deps.every((d, i) => d === this.lastDeps[i]) && !this.dirty) return;
    this.lastDeps = deps;
    this.dirty = false;
    const focused = this.shadowRoot.activeElement?.dataset?.key;
    // What the shopper is typing (a coupon code) survives a re-render from a poll or a refusal.
    const typed = [...this.content.querySelectorAll('input[data-key]')].filter((i) => i.value).map((i) => [i.dataset.key, i.value]);
    this.hTag = `h${this.headingLevel()}`;
    this.content.replaceChildren(this.build(app.view, app.i18n, app));
    for (const [key, value] of typed) {
      const input = this.content.querySelector(`input[data-key="${CSS.escape(key)}"]`);
      if (input && !input.value) input.value = value;
    }
    if (focused) this.content.querySelector(`[data-key="${CSS.escape(focused)}"]`)?.focus();
    // For the budget script: when each kind of element first showed the member's data.
    if (!marked.has(this.localName) && app.view.program && (app.view.state || app.view.guest || app.view.phase !== 'loading')) {
      marked.add(this.localName);
      performance.mark(`loyalty:first-render:${this.localName}`);
    }
  }

  /**
   * The level of this element's headings: its `heading-level` attribute (2-6), else one below
   * the last heading before it on the page (or in the launcher's panel), so the page's outline
   * never skips a level (an h1 then the widget's h2s; an h2 section then h3s).
   */
  headingLevel() {
    const asked = Number(this.getAttribute('heading-level'));
    if (asked >= 2 && asked <= 6) return Math.floor(asked);
    const root = this.getRootNode();
    let level = 1;
    for (const el of root.querySelectorAll?.('h1, h2, h3, h4, h5, h6') ?? []) {
      if (this.compareDocumentPosition(el) & Node.DOCUMENT_POSITION_PRECEDING && !this.contains(el)) level = Number(el.localName[1]);
    }
    return Math.min(6, Math.max(2, level + 1));
  }

  /** Says something to screen readers without moving focus. */
  say(text) {
    if (!this.live) return;
    this.live.textContent = '';
    // A fresh text node after a tick makes every screen reader announce it, even if repeated.
    setTimeout(() => {
      this.live.textContent = text;
    }, 50);
  }

  /** The parts of the view this element shows; the default is all of them. */
  dependencies(view) {
    return Object.values(view);
  }

  /** Forces the next refresh to rebuild (local state such as an open confirmation changed). */
  invalidate() {
    this.dirty = true;
    this.refresh();
  }

  build() {
    return document.createTextNode('');
  }
}
