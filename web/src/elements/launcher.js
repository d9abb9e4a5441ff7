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
          { class: 'drawer', part: 'drawer', role: 'dialog', 'aria-modal': 'true', 'aria-labelledby': 'drawer-title', onkeydown: (e) => e.key === 'Escape' && close() },
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

  open(section) {
    // Focus goes back where it was on close: our own button (re-rendered, so found by its key) or
    // the shop's element that opened the panel.
    const inner = this.shadowRoot?.activeElement;
    this.returnKey = inner?.dataset?.key ?? null;
    this.returnFocus = inner ? null : document.activeElement;
    this.section = section || '';
    this.invalidate();
    this.shadowRoot?.querySelector('[data-key="close"]')?.focus();
    if (this.section) {
      requestAnimationFrame(() => this.inner?.shadowRoot?.getElementById(this.section)?.scrollIntoView({ block: 'start' }));
    }
  }

  close() {
    this.section = null;
    this.invalidate();
    if (this.returnKey) this.shadowRoot?.querySelector(`[data-key="${this.returnKey}"]`)?.focus();
    else if (this.returnFocus?.focus) this.returnFocus.focus();
  }
}
