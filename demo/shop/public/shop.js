// The demo shop's own page code: the cart (localStorage), telling the widget about it, the
// checkout that pays through the shop's backend, joining, and refunds. The loyalty widget is the
// one script tag in the page head; this file only talks to it through its public surface:
// Loyalty.setCart / the loyalty:cart event in, the loyalty:redeem event out.

const data = JSON.parse(document.getElementById('shop-data').textContent);
const { t } = data;
const page = document.body.dataset.page;
const CART_KEY = `demo-cart:${data.shop}`;
const SEL_KEY = `demo-redeem:${data.shop}:${data.member ?? 'guest'}`;

const fmt = new Intl.NumberFormat(data.currency === 'PEN' ? 'es-PE' : (data.lang === 'es' ? 'es-US' : 'en-US'), { style: 'currency', currency: data.currency });
const money = (minor) => fmt.format(minor / 100);
const bySku = Object.fromEntries(data.products.map((p) => [p.sku, p]));

function readCart() {
  try { return (JSON.parse(localStorage.getItem(CART_KEY)) ?? []).filter((l) => bySku[l.sku] && l.quantity > 0); } catch { return []; }
}
function writeCart(items) {
  localStorage.setItem(CART_KEY, JSON.stringify(items));
  cartChanged();
}
function readSelection() {
  try { return JSON.parse(sessionStorage.getItem(SEL_KEY)) ?? { redeem: [], vouchers: [] }; } catch { return { redeem: [], vouchers: [] }; }
}
function writeSelection(sel) { sessionStorage.setItem(SEL_KEY, JSON.stringify(sel)); }

// The cart as the loyalty engine reads it (program.md "Cart").
function engineCart(items = readCart()) {
  const lines = items.map((l) => ({ sku: l.sku, name: bySku[l.sku].name, category: bySku[l.sku].category, unit_price_minor: bySku[l.sku].price, quantity: l.quantity }));
  return { currency: data.currency, lines, shipping_minor: lines.length ? data.shipping_minor : 0 };
}

function tellWidget() {
  const cart = engineCart();
  document.dispatchEvent(new CustomEvent('loyalty:cart', { detail: cart }));
  if (window.Loyalty && typeof window.Loyalty.setCart === 'function') {
    try { window.Loyalty.setCart(cart); } catch (e) { console.warn('Loyalty.setCart failed', e); }
  }
}
// The widget loads asynchronously: give it the cart as soon as it is there.
let widgetPolls = 0;
(function waitForWidget() {
  if (window.Loyalty && typeof window.Loyalty.setCart === 'function') return tellWidget();
  if (widgetPolls++ < 100) setTimeout(waitForWidget, 100);
})();
window.addEventListener('loyalty:ready', tellWidget);
document.addEventListener('loyalty:ready', tellWidget);

function updateCount() {
  const n = readCart().reduce((a, l) => a + l.quantity, 0);
  for (const el of document.querySelectorAll('[data-cart-count]')) {
    el.textContent = String(n);
    el.toggleAttribute('data-zero', n === 0);
  }
}

function cartChanged() {
  updateCount();
  tellWidget();
  if (page === 'cart') renderCart();
}

function toast(text) {
  const el = document.createElement('div');
  el.className = 'toast';
  el.setAttribute('role', 'status');
  el.textContent = text;
  document.body.append(el);
  setTimeout(() => el.remove(), 2600);
}

// --- everywhere ------------------------------------------------------------------------------

document.querySelector('[data-autosubmit]')?.addEventListener('change', (e) => e.target.form.submit());

for (const btn of document.querySelectorAll('[data-add]')) {
  btn.addEventListener('click', () => {
    const items = readCart();
    const line = items.find((l) => l.sku === btn.dataset.add);
    if (line) line.quantity += 1; else items.push({ sku: btn.dataset.add, quantity: 1 });
    writeCart(items);
    btn.textContent = `✓ ${t.added}`;
    btn.setAttribute('data-done', '');
    setTimeout(() => { btn.textContent = t.add; btn.removeAttribute('data-done'); }, 1200);
  });
}

async function join() {
  const r = await fetch('/api/join', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
  if (r.ok) {
    sessionStorage.setItem('demo-flash', t.joined);
    location.reload();
  } else {
    toast((await r.json()).error?.message ?? 'Could not join');
  }
}
for (const btn of document.querySelectorAll('[data-join]')) btn.addEventListener('click', join);
// The widget's own "join" invitation, if it raises one.
for (const name of ['loyalty:join', 'loyalty:signup']) document.addEventListener(name, (e) => { e.preventDefault?.(); join(); });

const flash = sessionStorage.getItem('demo-flash');
if (flash) { sessionStorage.removeItem('demo-flash'); setTimeout(() => toast(flash), 300); }

// --- checkout --------------------------------------------------------------------------------

let quoteSeq = 0;
let lastQuote = null;
const checkoutKey = sessionStorage.getItem(`demo-checkout-key:${data.shop}`) ?? crypto.randomUUID();
sessionStorage.setItem(`demo-checkout-key:${data.shop}`, checkoutKey);

function renderCart() {
  const items = readCart();
  const box = document.querySelector('[data-cart-lines]');
  const empty = document.querySelector('[data-cart-empty]');
  empty.hidden = items.length > 0;
  box.replaceChildren(...items.map((l) => {
    const p = bySku[l.sku];
    const row = document.createElement('div');
    row.className = 'cart-line';
    const art = document.querySelector(`template[data-art="${l.sku}"]`);
    row.innerHTML = `<div class="mini-art"></div><div class="cl-name"><strong></strong><span></span></div>
      <div class="qty" role="group"><button type="button" data-d="-1">−</button><output></output><button type="button" data-d="1">+</button></div><div class="line-total"></div>`;
    if (art) row.querySelector('.mini-art').append(art.content.cloneNode(true));
    row.querySelector('strong').textContent = p.name;
    row.querySelector('.cl-name span').textContent = money(p.price);
    row.querySelector('output').textContent = String(l.quantity);
    row.querySelector('.qty').setAttribute('aria-label', `${t.qty} ${p.name}`);
    row.querySelector('[data-d="-1"]').setAttribute('aria-label', `−1 ${p.name}`);
    row.querySelector('[data-d="1"]').setAttribute('aria-label', `+1 ${p.name}`);
    row.querySelector('.line-total').textContent = money(p.price * l.quantity);
    for (const b of row.querySelectorAll('[data-d]')) {
      b.addEventListener('click', () => {
        const next = readCart().map((x) => (x.sku === l.sku ? { ...x, quantity: x.quantity + Number(b.dataset.d) } : x)).filter((x) => x.quantity > 0);
        writeCart(next);
      });
    }
    return row;
  }));
  requestQuote();
}

async function requestQuote() {
  const seq = ++quoteSeq;
  const items = readCart();
  const sel = readSelection();
  const pay = document.querySelector('[data-pay]');
  pay.disabled = items.length === 0;
  const r = await fetch('/api/quote', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ items, ...sel }) });
  if (seq !== quoteSeq) return;
  const q = await r.json();
  lastQuote = q;
  const tot = q.totals ?? {};
  const set = (k, v) => { document.querySelector(`[data-sum="${k}"]`).textContent = v; };
  set('merchandise', money(tot.merchandise_minor ?? 0));
  set('shipping', money(tot.shipping_minor ?? 0));
  set('total', money(tot.total_minor ?? 0));
  const pointsRow = document.querySelector('.summary .points-row');
  if (pointsRow) {
    pointsRow.hidden = q.points == null;
    set('points', q.points != null ? `+${q.points} ${t.points}` : '');
  }
  const disc = tot.discount_minor ?? 0;
  document.querySelector('.discount-row').hidden = disc === 0;
  set('discount', `−${money(disc)}`);
  const applied = document.querySelector('[data-applied]');
  applied.replaceChildren(...(q.applied ?? []).map((a) => {
    const chip = document.createElement('div');
    chip.className = 'applied-chip';
    chip.innerHTML = '<span><span class="lbl"></span>: <b></b> <strong></strong></span><button type="button"></button>';
    // A voucher and the same reward bought with points read differently.
    chip.querySelector('.lbl').textContent = a.voucher ? t.voucher_applied : t.reward_applied;
    chip.querySelector('b').textContent = a.name;
    chip.querySelector('strong').textContent = a.discount_minor ? `−${money(a.discount_minor)}` : '';
    chip.querySelector('button').textContent = t.remove;
    chip.querySelector('button').setAttribute('aria-label', fill(t.remove_named, { name: a.name }));
    chip.querySelector('button').addEventListener('click', () => removeChoice(a));
    return chip;
  }));
  // A chosen reward that does nothing on this cart (the shopper removed the coffee): say which
  // and why, with the way out, before Pay is pressed.
  const refused = (q.rejected ?? [])[0];
  showPayProblem(refused ? { code: 'reward_not_usable', ...refused } : null);
  if (q.error && (sel.redeem.length || sel.vouchers.length)) {
    writeSelection({ redeem: [], vouchers: [] });
    requestQuote();
  }
}

const fill = (text, args) => text.replace(/\{(\w+)\}/g, (whole, k) => (k in args ? String(args[k]) : whole));

/** Stops using one reward or voucher: through the widget (it tells us back), else here. */
function removeChoice(choice) {
  const item = choice.voucher ? { voucher: choice.voucher } : { reward: choice.reward };
  if (window.Loyalty && typeof window.Loyalty.remove === 'function') {
    window.Loyalty.remove(item);
    return;
  }
  const s = readSelection();
  if (item.voucher) s.vouchers = s.vouchers.filter((v) => v !== item.voucher);
  else s.redeem = s.redeem.filter((x) => x.reward !== item.reward);
  writeSelection(s);
  tellWidget();
  requestQuote();
}

/**
 * A refused payment as a sentence in the shopper's language with a way out: remove the reward
 * that does not fit, or try again. Never the server's raw code or message.
 */
function showPayProblem(error) {
  const box = document.querySelector('[data-pay-error]');
  if (!box) return;
  if (!error) {
    box.replaceChildren();
    return;
  }
  const text = document.createElement('span');
  const action = document.createElement('button');
  action.type = 'button';
  action.className = 'linklike';
  if (error.code === 'reward_not_usable' && (error.reward || error.voucher)) {
    const name = error.name || error.reward || '';
    text.textContent = fill(t.pay_unusable, { name, why: t[`why_${error.status}`] ?? t.why_not_applicable });
    action.textContent = fill(t.remove_named, { name });
    action.addEventListener('click', () => removeChoice(error));
  } else {
    text.textContent = t.pay_error;
    action.textContent = t.retry;
    action.addEventListener('click', pay);
  }
  box.replaceChildren(text, ' ', action);
}

// The widget reports the shopper's reward choice; the shop applies it to the order.
function onRedeem(e) {
  const d = e.detail ?? {};
  const sel = readSelection();
  if (d.cleared || d.reward === null || d.remove) {
    const id = d.reward ?? d.remove;
    sel.redeem = id ? sel.redeem.filter((x) => x.reward !== id) : [];
    sel.vouchers = d.voucher ? sel.vouchers.filter((v) => v !== d.voucher) : (id ? sel.vouchers : []);
  } else if (d.voucher || d.voucher_id) {
    const v = d.voucher ?? d.voucher_id;
    if (!sel.vouchers.includes(v)) sel.vouchers.push(v);
  } else if (Array.isArray(d.redeem) || Array.isArray(d.vouchers)) {
    sel.redeem = d.redeem ?? [];
    sel.vouchers = d.vouchers ?? [];
  } else if (d.reward) {
    const item = { reward: d.reward };
    if (d.points != null) item.points = d.points;
    sel.redeem = sel.redeem.filter((x) => x.reward !== d.reward).concat(item);
  }
  writeSelection(sel);
  if (page === 'cart') requestQuote();
  else location.href = '/cart';
}
document.addEventListener('loyalty:redeem', onRedeem);

async function pay() {
  const btn = document.querySelector('[data-pay]');
  const err = document.querySelector('[data-pay-error]');
  btn.disabled = true;
  btn.textContent = t.paying;
  err.textContent = '';
  const sel = readSelection();
  let r;
  let out = {};
  try {
    r = await fetch('/api/checkout', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key: checkoutKey, items: readCart(), ...sel }) });
    out = await r.json().catch(() => ({}));
  } catch {
    r = { ok: false }; // no connection: the same sentence and Try again
  }
  if (!r.ok) {
    showPayProblem(out.error ?? {});
    btn.disabled = false;
    btn.textContent = t.pay;
    return;
  }
  localStorage.removeItem(CART_KEY);
  sessionStorage.removeItem(SEL_KEY);
  window.Loyalty?.clearSelection?.(); // the widget's own memory of the chosen rewards
  sessionStorage.removeItem(`demo-checkout-key:${data.shop}`);
  sessionStorage.setItem('demo-flash', out.order.points != null ? `${t.order_paid} · +${out.order.points} ${t.points}` : t.order_paid);
  location.href = `/orders/${out.order.id}`;
}

if (page === 'cart') {
  document.querySelector('[data-pay]').addEventListener('click', pay);
  renderCart();
}

// --- order page: refunds ---------------------------------------------------------------------

if (page === 'order') {
  const order = JSON.parse(document.getElementById('order-data')?.textContent ?? '{}');
  for (const btn of document.querySelectorAll('[data-refund]')) {
    btn.addEventListener('click', async () => {
      btn.disabled = true;
      const lines = btn.dataset.refund === 'all' ? 'all' : JSON.parse(btn.dataset.refund);
      const r = await fetch(`/api/orders/${order.id}/refund`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ lines }) });
      const out = await r.json();
      if (r.ok) {
        sessionStorage.setItem('demo-flash', t.refund_done);
        location.reload();
      } else {
        document.querySelector('[data-refund-status]').textContent = `${t.refund_failed}: ${out.error?.message ?? r.status}`;
        btn.disabled = false;
      }
    });
  }
}

updateCount();
