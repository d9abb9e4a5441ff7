// <loyalty-launcher [corner="bottom-right|bottom-left"] [label="…"] [button="none"]>: a floating
// button that opens the portal as a side panel (a modal dialog), for shops that give the widget
// no room on the page. Deep links (data-loyalty-open="rewards", #loyalty-rewards) open the panel
// at that section; button="none" keeps only the panel for shops with their own entry points.
// The button steps aside while a portal or checkout widget on the page is in view.
import { h } from '../dom.js';
import { LoyaltyElement, getApp, onPageWidgetView, pageWidgetInView } from './base.js';

export class LoyaltyLauncher extends LoyaltyElement {
  static get observedAttributes() {
    return ['corner', 'label', 'button'];
  }

  attributeChangedCallback() {
    this.invalidate();
  }

  dependencies(v) {
    return [v.phase, v.state, v.signedOut, v.guest, this.section, pageWidgetInView()];
  }

  attach() {
    super.attach();
    this.onOpen = (e) => this.open(e.detail);
    getApp().addEventListener('open', this.onOpen);
    this.stopWatching ??= onPageWidgetView(() => this.refresh());
  }

  disconnectedCallback() {
    if (this.onOpen) getApp()?.removeEventListener('open', this.onOpen);
    this.stopWatching?.();
    this.stopWatching = null;
    super.disconnectedCallback();
  }

  build(view, t, app) {
    const frag = document.createDocumentFragment();
    const wanted = this.getAttribute('button') !== 'none' && view.phase !== 'unavailable';
    if (wanted && this.section == null && !pageWidgetInView()) {
      const label = this.getAttribute('label') || t.t('launcher.label');
      const balance = app.isMember ? ` · ${t.number(view.state.balance)}` : '';
      frag.append(h('button', { class: 'launcher', part: 'launcher', 'data-key': 'launcher', 'aria-haspopup': 'dialog', 'aria-expanded': String(!!this.section), onclick: () => this.open('') }, `${label}${balance}`));
    }
    if (this.section != null) {
      const close = () => this.close();
      frag.append(
        h('div', { class: 'backdrop', onclick: close }),
        h(
          'div',
          { class: 'drawer', part: 'drawer', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'drawer-title', onkeydown: (e) => this.onKey(e) },
          h('div', { class: 'drawer-head' }, h('h2', { id: 'drawer-title' }, t.t('portal.title')), h('button', { class: 'secondary', 'data-key': 'close', onclick: close }, t.t('panel.close'))),
          this.portal(),
        ),
      );
    }
    return frag;
  }

  // The portal inside the panel is kept across renders so its own state (scroll, confirmations) survives.
  portal() {
    if (!this.inner) this.inner = document.createElement('loyalty-portal');
    return this.inner;
  }

  /** The panel's controls in tab order: its own close button, then the inner portal's. */
  tabbables() {
    const selector = 'button:not([disabled]), a[href], select:not([disabled]), input:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';
    const own = [...(this.shadowRoot?.querySelectorAll('.drawer-head button') ?? [])];
    const inner = [...(this.inner?.shadowRoot?.querySelectorAll(selector) ?? [])].filter((el) => el.getClientRects().length > 0);
    return [...own, ...inner];
  }

  /** The focused control, looking through the inner portal's shadow root. */
  focused() {
    const here = this.shadowRoot?.activeElement;
    return here === this.inner ? this.inner.shadowRoot?.activeElement : here;
  }

  // A modal dialog keeps focus: Tab from the last control goes to the first and Shift+Tab from
  // the first to the last; Escape closes the panel and focus returns where it came from.
  onKey(e) {
    if (e.key === 'Escape') {
      e.preventDefault();
      this.close();
      return;
    }
    if (e.key !== 'Tab') return;
    const list = this.tabbables();
    if (!list.length) return;
    const at = list.indexOf(this.focused());
    const next = e.shiftKey ? (at <= 0 ? list.length - 1 : null) : at === list.length - 1 || at < 0 ? 0 : null;
    if (next == null) return;
    e.preventDefault();
    list[next].focus();
  }

  open(section) {
    // Focus goes back where it was on close: our own button (re-rendered, so found by its key) or
    // the shop's element that opened the panel.
    const inner = this.shadowRoot?.activeElement;
    this.returnKey = inner?.dataset?.key ?? null;
    this.returnFocus = inner ? null : document.activeElement;
    this.section = section || '';
    this.invalidate();
    this.shadowRoot?.querySelector('[data-key="close"]')?.focus();
    // Focus that lands outside the open panel (a click on the page behind, a screen reader's
    // jump) comes back to it; Escape works wherever focus is.
    this.onOutside ??= (e) => {
      if (this.section == null) return;
      if (e.type === 'keydown') {
        if (e.key === 'Escape' && !e.composedPath().includes(this)) this.close();
        return;
      }
      if (!e.composedPath().includes(this)) this.shadowRoot?.querySelector('[data-key="close"]')?.focus();
    };
    document.addEventListener('focusin', this.onOutside);
    document.addEventListener('keydown', this.onOutside);
    if (this.section) {
      requestAnimationFrame(() => this.inner?.shadowRoot?.getElementById(this.section)?.scrollIntoView({ block: 'start' }));
    }
  }

  close() {
    document.removeEventListener('focusin', this.onOutside);
    document.removeEventListener('keydown', this.onOutside);
    this.section = null;
    this.invalidate();
    if (this.returnKey) this.shadowRoot?.querySelector(`[data-key="${this.returnKey}"]`)?.focus();
    else if (this.returnFocus?.focus) this.returnFocus.focus();
  }
}
