// The widget's state on one page: the program, the member state from the server, the shop's cart,
// the shopper's reward choice, and what the WebAssembly core makes of them (catalog, preview).
// Elements read `app.view` and re-render on "change"; they never compute loyalty rules.
import { LoyaltyCore } from '../../wasm/js/loyalty-core.mjs';
import { I18n, chooseLocale } from './i18n.js';
import { SyncClient, SyncError, newKey } from './sync.js';

const ONE_TIME = new Set(['earn.signup', 'earn.signup_held', 'earn.birthday', 'earn.birthday_reward', 'earn.referral_referee', 'earn.referral_referrer']);
const CART_REWARDS = new Set(['fixed_discount', 'percent_discount', 'free_item', 'free_shipping', 'points_discount']);

/** RFC 3339 in UTC with whole seconds, as the core reads it. */
export function nowStamp(date = new Date()) {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * The copy of the program and the member state that the shop's own server embedded in the page
 * (config.bootstrap, or the script tag's data-bootstrap): used like the local cache, to render
 * before any request returns; the requests still go out and their answers replace it. A state for
 * another member than the token's, or a malformed one, is ignored.
 */
export function acceptBootstrap(boot, member) {
  if (!boot || typeof boot !== 'object') return {};
  const program = boot.program && typeof boot.program === 'object' && !Array.isArray(boot.program) ? boot.program : null;
  const etag = program && typeof boot.etag === 'string' ? boot.etag : '';
  const s = boot.state;
  const state = member && s && typeof s === 'object' && typeof s.balance === 'number' && (s.member_id === undefined || s.member_id === member) ? s : null;
  return { program, etag, state };
}

/** A sign-in link the merchant configured: http(s) or relative only (never javascript:). */
export function safeUrl(value) {
  if (!value) return '';
  try {
    const url = new URL(String(value), globalThis.location?.href ?? 'http://localhost/');
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : '';
  } catch {
    return '';
  }
}

export class LoyaltyApp extends EventTarget {
  /**
   * config: {api, token, locale, base (URL of the folder holding loyalty_core.js/.wasm),
   *          refreshSeconds (member state refresh while visible; 0 = off), signInUrl (where a
   *          signed-out shopper signs in again), bootstrap, storage,
   *          fetch, core}
   */
  constructor(config = {}) {
    super();
    this.config = config;
    this.sync = new SyncClient({ api: config.api ?? '', token: config.token ?? '', storage: config.storage, fetch: config.fetch });
    this.i18n = new I18n(chooseLocale(config.locale), null);
    this.engine = null;
    this.stateJson = '';
    this.view = {
      phase: 'loading', // loading → ready | unavailable
      core: 'loading', // the WebAssembly core: loading → ready | failed
      program: null,
      state: null,
      guest: !config.token,
      signedOut: false,
      offline: false,
      cart: null,
      selection: { redeem: [], vouchers: [], coupons: [] }, // read in start(), after the requests are sent
      catalog: null,
      preview: null,
      trials: null, // what each voucher (and pay-with-points) would do on this cart
      queueSize: 0,
      queued: [], // the writes waiting to be sent: [{key, path, body, made_at}] (replaced, never mutated)
      signInUrl: safeUrl(config.signInUrl),
      notice: null,
    };
    this.sync.addEventListener('state', (e) => this.setState(e.detail));
    this.sync.addEventListener('signed-out', () => this.update({ signedOut: true }));
    this.sync.addEventListener('queue', (e) => this.update({ queueSize: e.detail.size, queued: e.detail.items }));
    this.sync.addEventListener('applied', (e) => this.notify('sent', e.detail.item, null, e.detail.answer));
    this.spinKeys = new Map(); // wheel → the Idempotency-Key of a spin whose answer never came
    this.sync.addEventListener('rejected', (e) => {
      this.notify('refused', e.detail.item, e.detail.error);
      // A refusal means the page's picture was wrong (another tab spent the points, say): the
      // server's state replaces it now, not at the next poll.
      this.refresh();
    });
  }

  get isMember() {
    return !this.view.guest && !this.view.signedOut && !!this.view.state;
  }

  /**
   * Loads the program, the member state and the core in parallel. The page's bootstrap copy or
   * the caches render at once; the server's program and state render as soon as they arrive
   * (balance, tier, history need no core); the catalog and previews follow when the WebAssembly
   * core has compiled.
   */
  async start() {
    // A local copy (the page's bootstrap, else the cache of an earlier visit) shows first, before
    // any request or core load; then the requests go out. A bootstrap copy is painted before
    // storage is first touched (the cache path has read storage already).
    const boot = acceptBootstrap(this.config.bootstrap, this.sync.member);
    const local = boot.program ? boot : { program: this.sync.cachedProgram(), state: this.sync.cachedMember() };
    if (local.program) {
      this.setProgram(local.program, false);
      if (local.state) this.view.state = local.state;
      this.emit();
    }
    const memberP = this.sync.memberState().catch((e) => e);
    const base = this.config.base ?? '';
    const coreP = this.config.core
      ? Promise.resolve(this.config.core)
      : LoyaltyCore.load({ scriptUrl: new URL('loyalty_core.js', base).href, wasmUrl: new URL('loyalty_core.wasm', base).href });
    coreP.catch(() => {}); // handled below, after the program
    if (boot.program) await new Promise((resolve) => setTimeout(resolve, 0)); // paint before storage
    const programP = this.sync.program(boot.etag ? boot : null);
    this.view.selection = this.readSelection();
    this.view.queued = this.sync.queue();
    this.view.queueSize = this.view.queued.length;
    // Nothing local: the Intl formatters (tens of ms on a page's first use) are made while the
    // requests are in flight.
    if (!local.program) this.i18n.warm();
    try {
      const { program, fresh } = await programP;
      this.view.offline = !fresh;
      this.setProgram(program, false);
    } catch (e) {
      if (!this.view.program) {
        this.update({ phase: 'unavailable', core: 'failed' });
        this.dispatchEvent(new CustomEvent('error', { detail: e }));
        return;
      }
    }
    const member = await memberP;
    if (member instanceof SyncError) {
      // 401: the token is refused; 404: the token names no member (docs/decisions.md). A 403 is
      // a refusal of this call, not of the session: the local copy stays on screen.
      if (member.status === 401 || member.status === 404) this.view.signedOut = true;
      else if (member.status === 0 || member.status === 429 || member.status >= 500) this.view.offline = true;
    }
    this.view.phase = 'ready';
    this.emit();
    try {
      this.core = await coreP;
      this.view.core = 'ready';
      this.setProgram(this.view.program, false, true);
    } catch (e) {
      this.core = null; // the portal keeps showing the server's numbers; previews are off
      this.view.core = 'failed';
      this.dispatchEvent(new CustomEvent('error', { detail: e }));
    }
    this.recompute();
    if (this.engine) performance.mark('loyalty:core-ready'); // catalog and previews on screen
    this.sync.flush();
  }

  setProgram(program, notify, force = false) {
    if (!program) return;
    const same = this.view.program && JSON.stringify(this.view.program) === JSON.stringify(program);
    if (same && (this.engine || !this.core) && !force) return;
    this.view.program = program;
    this.i18n.setProgram(program);
    if (this.core) {
      try {
        this.engine?.delete();
        this.engine = this.core.engine(program);
      } catch (e) {
        this.engine = null;
        this.dispatchEvent(new CustomEvent('error', { detail: e }));
      }
    }
    if (notify) this.recompute();
  }

  setState(state) {
    const before = this.view.state?.balance;
    this.view.state = state;
    this.view.signedOut = false;
    this.view.offline = false;
    this.stateJson = '';
    if (this.view.phase === 'ready') this.recompute();
    if (before !== undefined && before !== state.balance) {
      this.dispatchEvent(new CustomEvent('balance', { detail: { before, after: state.balance } }));
    }
  }

  /** The shop's cart (program.md "Cart"); null or an empty cart clears the preview. */
  setCart(cart) {
    this.view.cart = cart && typeof cart === 'object' ? cart : null;
    this.recomputePreview();
    this.emit();
  }

  update(patch) {
    Object.assign(this.view, patch);
    this.emit();
  }

  emit() {
    this.dispatchEvent(new Event('change'));
  }

  recompute() {
    this.recomputeCatalog();
    this.recomputePreview();
    this.emit();
  }

  memberStateJson() {
    if (!this.isMember) return '';
    if (!this.stateJson) this.stateJson = JSON.stringify(this.view.state);
    return this.stateJson;
  }

  // One request as JSON text with the state spliced in, so a cart change never re-serialises it.
  call(operation, request, errors = false) {
    if (!this.engine) return null;
    const state = this.memberStateJson();
    let text = JSON.stringify({ ...request, now: nowStamp() });
    if (state) text = `${text.slice(0, -1)},"state":${state}}`;
    const answer = JSON.parse(this.engine.callJson(operation, text));
    if (answer.error) {
      if (errors) return answer;
      this.dispatchEvent(new CustomEvent('error', { detail: answer.error }));
      return null;
    }
    return answer;
  }

  recomputeCatalog() {
    this.view.catalog = this.call('catalog', {});
  }

  recomputePreview() {
    const cart = this.view.cart;
    if (!cart || !Array.isArray(cart.lines) || cart.lines.length === 0) {
      this.view.preview = null;
      this.view.trials = null;
      return;
    }
    let sel = this.isMember ? this.view.selection : { redeem: [], vouchers: [], coupons: [] };
    let preview = this.call('preview', this.previewRequest(cart, sel), sel.coupons.length > 0);
    if (preview?.error) {
      // A code that cannot apply to this cart (it changed since) refuses the whole preview: the
      // cart is shown without the codes, and the checkout says which one does not apply.
      sel = { ...sel, coupons: [] };
      preview = this.call('preview', this.previewRequest(cart, sel));
    }
    this.view.preview = preview;
    this.view.trials = preview && this.isMember ? this.trials(cart, sel, preview) : null;
  }

  /**
   * What each choice not made yet would do on this cart, asked of the core with the current
   * choice plus that one (a voucher's own row in the preview's `rewards` is for buying the
   * reward with points, which says nothing of the voucher): {vouchers: {reward → {status,
   * discount_minor, total_minor}}, costs: {reward → points}} for pay-with-points rewards, whose
   * cost depends on the cart. A voucher chosen already is read from the preview itself.
   */
  trials(cart, sel, preview) {
    const vouchers = {};
    const costs = {};
    const held = new Map();
    for (const v of this.view.state.vouchers ?? []) if (!held.has(v.reward)) held.set(v.reward, []);
    for (const v of this.view.state.vouchers ?? []) held.get(v.reward).push(v.id);
    for (const [reward, ids] of held) {
      const used = ids.filter((id) => sel.vouchers.includes(id));
      const id = used.length ? used[0] : ids[0];
      const answer = used.length ? preview : this.call('preview', this.previewRequest(cart, sel, { vouchers: [id] }));
      vouchers[reward] = this.voucherOutcome(answer, id);
    }
    for (const r of preview.rewards) {
      if (r.status !== 'available' || this.i18n.rewards.get(r.id)?.type !== 'points_discount') continue;
      const chosen = sel.redeem.some((x) => x.reward === r.id);
      const answer = chosen ? preview : this.call('preview', this.previewRequest(cart, sel, { redeem: [{ reward: r.id, points: this.view.state.balance }] }));
      const applied = answer?.redeem.applied.find((a) => a.reward === r.id && !a.voucher);
      if (applied) costs[r.id] = applied.cost;
    }
    return { vouchers, costs };
  }

  voucherOutcome(answer, id) {
    if (!answer) return { status: 'not_applicable', discount_minor: 0 };
    const applied = answer.redeem.applied.find((a) => a.voucher === id);
    if (applied) return { status: 'available', discount_minor: applied.discount_minor, total_minor: answer.totals.total_minor };
    const rejected = answer.redeem.rejected.find((r) => r.voucher === id);
    return { status: rejected?.status ?? 'not_applicable', discount_minor: 0 };
  }

  /** A preview request for the choice `sel` (coupons only when there are some). */
  previewRequest(cart, sel, more = {}) {
    const coupons = [...(sel.coupons ?? []), ...(more.coupons ?? [])];
    const request = { cart, redeem: [...sel.redeem, ...(more.redeem ?? [])], vouchers: [...sel.vouchers, ...(more.vouchers ?? [])] };
    if (coupons.length) request.coupons = coupons;
    return request;
  }

  /** Points one unit of a product earns ("earn 24 points" beside its price); null when unknown. */
  earnFor({ sku, category, price }) {
    if (!this.engine || !sku || !Number.isSafeInteger(price) || price < 0) return null;
    const currency = this.view.program.currency;
    const line = { sku, unit_price_minor: price, quantity: 1 };
    if (category) line.category = category;
    const p = this.call('preview', { cart: { currency, lines: [line] } });
    if (!p) return null;
    // What the product itself earns: a welcome or birthday bonus the member's next order would
    // also collect is not the product's doing, and would show on a gift card that earns nothing.
    return p.points.lines.filter((l) => !ONE_TIME.has(l.explain?.key)).reduce((n, l) => n + l.points, 0);
  }

  isCartReward(id) {
    const r = this.i18n.rewards.get(id);
    return !!r && CART_REWARDS.has(r.type);
  }

  // --- the shopper's choices --------------------------------------------------------------

  selectionKey() {
    return `loyalty:v1:selection:${this.sync.api}:${this.sync.member}`;
  }

  readSelection() {
    try {
      const s = JSON.parse(globalThis.sessionStorage?.getItem(this.selectionKey()) ?? 'null');
      if (s && Array.isArray(s.redeem) && Array.isArray(s.vouchers)) return { ...s, coupons: Array.isArray(s.coupons) ? s.coupons : [] };
    } catch {
      // unreadable: start with no choice
    }
    return { redeem: [], vouchers: [], coupons: [] };
  }

  writeSelection(selection) {
    this.view.selection = selection;
    try {
      globalThis.sessionStorage?.setItem(this.selectionKey(), JSON.stringify(selection));
    } catch {
      // storage off: the choice lives as long as the page
    }
    this.recomputePreview();
    this.emit();
  }

  /** Uses a cart reward on this order (or stops using it); tells the shop with loyalty:redeem. */
  useReward(id, on = true) {
    const sel = this.view.selection;
    const item = { reward: id };
    const reward = this.i18n.rewards.get(id);
    if (reward?.type === 'points_discount') item.points = this.view.state?.balance ?? 0;
    const redeem = sel.redeem.filter((x) => x.reward !== id);
    this.writeSelection({ ...sel, redeem: on ? [...redeem, item] : redeem });
    this.announce('loyalty:redeem', on ? { ...item } : { reward: id, remove: true });
  }

  useVoucher(id, on = true) {
    const sel = this.view.selection;
    const vouchers = sel.vouchers.filter((v) => v !== id);
    this.writeSelection({ ...sel, vouchers: on ? [...vouchers, id] : vouchers });
    this.announce('loyalty:redeem', on ? { voucher: id } : { voucher: id, remove: true });
  }

  /** Forgets the choice (after the shop's order went through). */
  clearSelection() {
    this.writeSelection({ redeem: [], vouchers: [], coupons: [] });
  }

  // --- issue 16: coupons and store credit at checkout, spins and claims in the portal ----------

  /** The program's store_credit_spend reward (what a redeem item spending credit names). */
  creditReward() {
    return (this.view.program?.rewards ?? []).find((r) => r.type === 'store_credit_spend')?.id ?? null;
  }

  /**
   * Tries a coupon code on the cart (with the current choice) and keeps it when the core applies
   * it: {ok: true} or {ok: false, code: 'unknown_reward' | 'not_eligible' | 'limit_exceeded' | …}.
   * An unusable code never reaches the preview the checkout shows (it would refuse the whole cart).
   */
  addCoupon(raw) {
    const code = String(raw ?? '').trim();
    const sel = this.view.selection;
    const same = (c) => c.toLowerCase() === code.toLowerCase();
    if (!code) return { ok: false, code: 'empty' };
    if (sel.coupons.some(same)) return { ok: true, code };
    const cart = this.view.cart;
    if (cart?.lines?.length && this.engine) {
      const answer = this.call('preview', this.previewRequest(cart, sel, { coupons: [code] }), true);
      if (!answer) return { ok: false, code: 'other' };
      if (answer.error) return { ok: false, code: answer.error.code };
      const rejected = answer.redeem?.rejected?.find((r) => r.coupon && same(r.coupon));
      if (rejected) return { ok: false, code: rejected.code ?? (rejected.status === 'limit_reached' ? 'limit_exceeded' : 'not_eligible') };
    }
    this.writeSelection({ ...sel, coupons: [...sel.coupons, code] });
    this.announce('loyalty:redeem', { coupon: code });
    return { ok: true, code };
  }

  removeCoupon(code) {
    const sel = this.view.selection;
    this.writeSelection({ ...sel, coupons: sel.coupons.filter((c) => c !== code) });
    this.announce('loyalty:redeem', { coupon: code, remove: true });
  }

  /** Pays with store credit on this order (all that is held; the core caps it) or stops. */
  useCredit(on = true) {
    const reward = this.creditReward();
    if (!reward) return;
    const sel = this.view.selection;
    const item = { reward, credit_minor: this.view.state?.store_credit_minor ?? 0 };
    const redeem = sel.redeem.filter((x) => x.reward !== reward);
    this.writeSelection({ ...sel, redeem: on ? [...redeem, item] : redeem });
    this.announce('loyalty:redeem', on ? { ...item } : { reward, remove: true });
  }

  /**
   * Spins a wheel on the server, which draws the prize: {prize, state} or {error}. Not queued (the
   * shopper waits for the wheel), but a spin whose answer was lost is retried with the same
   * Idempotency-Key on the next press, so it can only ever count once. The new state is handed
   * back for the caller to apply (app.setServerState) once the wheel has stopped.
   */
  async spin(wheel) {
    if (!this.isMember) return { error: 'signed_out' };
    const key = this.spinKeys.get(wheel) ?? newKey();
    this.spinKeys.set(wheel, key);
    let r;
    try {
      r = await this.sync.request('POST', '/v1/members/me/spins', { body: { wheel }, headers: { 'idempotency-key': key } });
    } catch {
      return { error: 'offline' };
    }
    if (r.status === 429 || r.status >= 500) return { error: r.data?.error?.code ?? 'offline' };
    this.spinKeys.delete(wheel);
    if (r.ok && r.data?.state) return { prize: r.data.prize ?? {}, state: r.data.state };
    this.refresh();
    return { error: r.data?.error?.code ?? 'other' };
  }

  /** The server's state after a write the page answered itself (a spin). */
  setServerState(state) {
    this.sync.accept(state);
  }

  /** Claims a coupon code into the member's vouchers (queued while offline). */
  claim(raw) {
    const code = String(raw ?? '').trim();
    if (!this.isMember || !code) return null;
    const item = this.sync.enqueue('/v1/members/me/claims', { code });
    if (!navigator.onLine) this.notify('queued', item);
    return item.key;
  }

  /** Redeems a non-cart reward on the server (queued while offline). */
  redeem(id, option) {
    if (!this.isMember) return null;
    const body = option ? { reward: id, option } : { reward: id };
    const item = this.sync.enqueue('/v1/members/me/redemptions', body);
    if (!navigator.onLine) this.notify('queued', item);
    return item.key;
  }

  /** Reports a non-purchase action (review, survey, ...) to the server (queued while offline). */
  action(name) {
    if (!this.isMember) return null;
    const item = this.sync.enqueue('/v1/members/me/actions', { action: String(name) });
    return item.key;
  }

  /** Fetches the program and the member state now; calls made while one runs share it. */
  refresh() {
    this.refreshing ??= this.refreshNow().finally(() => {
      this.refreshing = null;
    });
    return this.refreshing;
  }

  /**
   * The member's punch cards as the catalog lists them; before the core has compiled, the same
   * rows from the program and the server's state, so the cards the page showed first stay on
   * screen (no disappearing card, no layout shift when the core arrives).
   */
  punchCards() {
    if (this.view.catalog?.punch_cards) return this.view.catalog.punch_cards;
    if (!this.isMember) return [];
    const punches = this.view.state.punch_cards ?? {};
    return (this.view.program?.punch_cards ?? []).map((c) => ({ id: c.id, name: c.name, required: c.required, reward: c.reward, punches: punches[c.id] ?? 0, punch: c.punch ?? 'per_order' }));
  }

  /** The writes waiting to be sent that redeem `reward` (what the portal shows as pending). */
  queuedRedemptions(reward) {
    return this.view.queued.filter((q) => q.path === '/v1/members/me/redemptions' && (reward === undefined || q.body?.reward === reward));
  }

  async refreshNow() {
    try {
      const { program } = await this.sync.program();
      // A member's fresh state recomputes on arrival (the "state" event); a guest's view only
      // needs it when the program changed.
      this.setProgram(program, !this.sync.token);
      await this.sync.memberState();
    } catch (e) {
      if (e instanceof SyncError && e.status === 0) this.update({ offline: true });
    }
  }

  notify(kind, item, error, answer) {
    const reward = item?.body?.reward ?? answer?.reward;
    const notice = { kind, reward: reward ?? null, action: item?.body?.action ?? null, coupon: item?.body?.code ?? null, code: error?.code ?? null, at: Date.now() };
    this.update({ notice });
    this.dispatchEvent(new CustomEvent(kind === 'refused' ? 'rejected' : kind, { detail: { ...notice, error } }));
  }

  announce(type, detail) {
    document.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
    this.dispatchEvent(new CustomEvent(type.replace(/^loyalty:/, ''), { detail }));
  }
}
