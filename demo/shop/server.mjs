// The demo shop's backend: a small café and a fashion store with one loyalty widget.
//
// It plays the merchant's own web shop: it renders the catalogue, keeps orders, "takes payment",
// then posts the paid order to the loyalty server's admin API (the admin key stays here), mints
// the shopper's HS256 token for the widget, and proxies /loyalty-api/<shop>/* to the loyalty
// server of that shop so the widget talks to its own origin. /merchant is the program editor.
//
//   node demo/shop/server.mjs --port 8080 --cafe-api http://127.0.0.1:8181 \
//        --fashion-api http://127.0.0.1:8182 --admin-key K --token-secret S --data demo/.data
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { SHOPS, buildCart, product } from './catalog.mjs';
import { SHOPPERS, shopper as findShopper } from './shoppers.mjs';
import { LoyaltyAdmin, loyaltyFetch, mintToken } from './loyalty-client.mjs';
import { T } from './i18n.mjs';
import { localText } from '../../web/src/local-text.js';
import { art } from './art.mjs';
import { MERCHANT_LANGUAGES, translator } from './public/merchant-i18n.mjs';

const HERE = path.dirname(fileURLToPath(import.meta.url));
const DEMO = path.resolve(HERE, '..');

function arg(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  if (i > 0 && i + 1 < process.argv.length) return process.argv[i + 1];
  const env = process.env[`DEMO_${name.replace(/-/g, '_').toUpperCase()}`];
  return env ?? fallback;
}

const CONFIG = {
  port: Number(arg('port', 8080)),
  bind: arg('bind', '127.0.0.1'),
  root: path.resolve(arg('root', path.resolve(DEMO, '..'))),
  data: path.resolve(arg('data', path.join(DEMO, '.data'))),
  adminKey: arg('admin-key', 'demo-admin-key'),
  tokenSecret: arg('token-secret', 'demo-token-secret'),
  apis: { cafe: arg('cafe-api', 'http://127.0.0.1:8181'), fashion: arg('fashion-api', 'http://127.0.0.1:8182') },
};
const WEB_DIR = path.join(CONFIG.root, 'build', 'web');
const WASM_DIR = path.join(CONFIG.root, 'build', 'wasm');
const PUBLIC_DIR = path.join(HERE, 'public');
const FONTS_DIR = path.join(DEMO, 'node_modules', '@fontsource-variable');

const loyalty = Object.fromEntries(
  Object.keys(SHOPS).map((id) => [id, new LoyaltyAdmin(CONFIG.apis[id], CONFIG.adminKey, CONFIG.tokenSecret)]),
);

// ---------------------------------------------------------------------------------------------
// Orders: the shop's own records (a JSON file in the data dir; a real shop has a database).

fs.mkdirSync(CONFIG.data, { recursive: true });
const ORDERS_FILE = path.join(CONFIG.data, 'shop-orders.json');
const readJson = (file, fallback) => { try { return JSON.parse(fs.readFileSync(file, 'utf8')); } catch { return fallback; } };
let orders = readJson(ORDERS_FILE, {});
function saveOrders() { fs.writeFileSync(ORDERS_FILE, JSON.stringify(orders, null, 1)); }

// Each store numbers its orders as its receipts do (#1001, #1002, …) and posts that number as the
// loyalty order id, so the shopper's history names the order they know ("Refund on order
// #1042"), never an internal key. A number is taken synchronously, once per checkout key, so two
// clicks at once cannot share one and a retried post carries the same id.
const numbers = {};
function orderNumber(shopId, id) {
  if (orders[id]?.number) return orders[id].number;
  if (numbers[id]) return numbers[id];
  const used = Object.values(orders).filter((o) => o.shop === shopId && o.number).map((o) => o.number);
  const reserved = Object.entries(numbers).filter(([k]) => k.startsWith(`${shopId}-`)).map(([, n]) => n);
  numbers[id] = Math.max(1000, ...used, ...reserved) + 1;
  return numbers[id];
}
// What the shopper reads: "#1042" (orders saved before numbers existed show their key's tail).
const orderLabel = (o) => (o.number ? `#${o.number}` : `#${o.id.slice(-6).toUpperCase()}`);
const loyaltyOrderId = (o) => o.loyalty_order_id ?? o.id;

// ---------------------------------------------------------------------------------------------
// Small HTTP helpers.

const esc = (s) => String(s ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
// JSON inside <script type="application/json">: nothing in it may close the tag.
const scriptJson = (v) => JSON.stringify(v).replace(/</g, '\\u003c');

function cookies(req) {
  const out = {};
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i).trim()] = decodeURIComponent(part.slice(i + 1).trim());
  }
  return out;
}
const setCookie = (name, value) => `${name}=${encodeURIComponent(value)}; Path=/; SameSite=Lax; Max-Age=31536000`;

function send(res, status, body, headers = {}) {
  res.writeHead(status, { 'cache-control': 'no-store', ...headers });
  res.end(body);
}
const sendJson = (res, status, obj, headers = {}) => send(res, status, JSON.stringify(obj), { 'content-type': 'application/json; charset=utf-8', ...headers });
const redirect = (res, to, headers = {}) => send(res, 303, '', { location: to, ...headers });

async function readBody(req, limit = 1 << 20) {
  const chunks = [];
  let size = 0;
  for await (const c of req) {
    size += c.length;
    if (size > limit) throw Object.assign(new Error('too large'), { status: 413 });
    chunks.push(c);
  }
  return Buffer.concat(chunks);
}
async function readJsonBody(req) {
  const buf = await readBody(req);
  if (!buf.length) return {};
  try { return JSON.parse(buf.toString('utf8')); } catch { throw Object.assign(new Error('invalid JSON'), { status: 400 }); }
}

const TYPES = {
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.wasm': 'application/wasm', '.json': 'application/json', '.svg': 'image/svg+xml', '.woff2': 'font/woff2',
  '.html': 'text/html; charset=utf-8', '.map': 'application/json', '.png': 'image/png',
};
// Text and WebAssembly go out compressed (brotli, else gzip) when the browser accepts it: the
// wasm core is 289 KB raw and about a third of that compressed, which is seconds on a slow phone
// connection. Each file is compressed once per version (path, size, mtime) and kept in memory; a
// real shop does the same with precompressed files or its CDN (web/README.md "Serving").
const COMPRESSIBLE = new Set(['.js', '.mjs', '.css', '.wasm', '.json', '.svg', '.html', '.map']);
const compressed = new Map();
function encodingFor(req, ext) {
  if (!COMPRESSIBLE.has(ext)) return null;
  const accept = String(req?.headers['accept-encoding'] ?? '');
  if (/\bbr\b/.test(accept)) return 'br';
  if (/\bgzip\b/.test(accept)) return 'gzip';
  return null;
}
function compressedFile(file, st, encoding) {
  const key = `${encoding}:${file}:${st.size}:${st.mtimeMs}`;
  if (!compressed.has(key)) {
    const raw = fs.readFileSync(file);
    const body = encoding === 'br'
      ? zlib.brotliCompressSync(raw, { params: { [zlib.constants.BROTLI_PARAM_QUALITY]: 11, [zlib.constants.BROTLI_PARAM_SIZE_HINT]: raw.length } })
      : zlib.gzipSync(raw, { level: 9 });
    compressed.set(key, body);
  }
  return compressed.get(key);
}
function serveFile(res, dir, rel, req = null) {
  const file = path.resolve(dir, '.' + path.posix.normalize('/' + rel));
  if (!file.startsWith(path.resolve(dir) + path.sep)) return send(res, 404, 'not found');
  fs.stat(file, (err, st) => {
    if (err || !st.isFile()) return send(res, 404, 'not found', { 'content-type': 'text/plain' });
    const ext = path.extname(file);
    const headers = { 'content-type': TYPES[ext] ?? 'application/octet-stream', 'cache-control': 'no-cache' };
    if (COMPRESSIBLE.has(ext)) headers.vary = 'Accept-Encoding'; // caches keep one copy per encoding
    const encoding = encodingFor(req, ext);
    if (encoding) {
      const body = compressedFile(file, st, encoding);
      res.writeHead(200, { ...headers, 'content-encoding': encoding, 'content-length': body.length });
      return res.end(req?.method === 'HEAD' ? undefined : body);
    }
    res.writeHead(200, { ...headers, 'content-length': st.size });
    fs.createReadStream(file).pipe(res);
  });
}

// ---------------------------------------------------------------------------------------------
// Who is shopping: cookies pick the store, the demo shopper and the language.

function session(req, url) {
  const c = cookies(req);
  const shopId = SHOPS[url.searchParams.get('shop')] ? url.searchParams.get('shop') : (SHOPS[c.shop] ? c.shop : 'cafe');
  const lang = c.lang === 'es' ? 'es' : 'en';
  // The merchant page speaks four languages; the shop's own pages English and Spanish.
  const merchantLang = MERCHANT_LANGUAGES.includes(c.lang) ? c.lang : lang;
  const who = findShopper(c.shopper) ?? SHOPPERS[0];
  // A guest who joined in this demo becomes a member of that one store.
  const joined = c[`joined_${shopId}`];
  const memberId = who.member ?? (joined || null);
  return { shop: SHOPS[shopId], shopId, lang, merchantLang, t: T[lang], who, memberId, joined: !who.member && !!joined };
}

function points(s) {
  return s.state ? new Intl.NumberFormat(s.lang === 'es' ? 'es-PE' : 'en-US').format(s.state.balance) : '—';
}

function money(minor, shop, lang) {
  const digits = 2;
  return new Intl.NumberFormat(shop.currency === 'PEN' ? 'es-PE' : (lang === 'es' ? 'es-US' : 'en-US'), { style: 'currency', currency: shop.currency, minimumFractionDigits: digits }).format(minor / 10 ** digits);
}

// ---------------------------------------------------------------------------------------------
// Pages.

function layout(s, { title, page, body, widget = true }) {
  const { shop, t, lang } = s;
  const token = s.memberId ? mintToken(s.memberId, CONFIG.tokenSecret, 8 * 3600) : '';
  const nav = [['/', t.shop, 'shop'], ['/rewards', t.rewards, 'rewards'], ['/orders', t.orders, 'orders']]
    .map(([href, label, id]) => `<a href="${href}"${page === id ? ' aria-current="page"' : ''}>${esc(label)}</a>`).join('');
  const shopperOptions = SHOPPERS.map((p) => {
    const about = (lang === 'es' ? p.about_es : p.about)[s.shopId];
    const label = p.member ? `${p.name} — ${about}` : (s.joined ? `${lang === 'es' ? 'Tú (recién unido)' : 'You (just joined)'}` : `${p.name} — ${about}`);
    return `<option value="${p.id}"${p.id === s.who.id ? ' selected' : ''}>${esc(label)}</option>`;
  }).join('');
  const shopTabs = Object.values(SHOPS).map((x) => `<a class="store-tab${x.id === s.shopId ? ' active' : ''}" href="/switch?shop=${x.id}&to=${encodeURIComponent(page === 'order' ? '/orders' : '')}">${esc(x.name)}</a>`).join('');
  return `<!doctype html>
<html lang="${lang}" data-theme="${shop.theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(title ? `${title} · ${shop.name}` : shop.name)}</title>
<link rel="stylesheet" href="/assets/shop.css">
<style>.hero-portal { min-height: var(--portal-reserve, 120px); } @media (max-width: 860px) { .hero-portal { min-height: var(--portal-reserve-narrow, 120px); } }</style>
<link rel="icon" href="data:,">
${widget && s.program ? `<script type="application/json" id="loyalty-bootstrap">${scriptJson({ program: s.program.program, etag: s.program.etag, state: s.state ?? null })}</script>` : ''}
${widget ? '<link rel="preload" href="/loyalty/loyalty_core.wasm" as="fetch" crossorigin="anonymous"><link rel="preload" href="/loyalty/loyalty_core.js" as="script">' : ''}
${widget ? `<script src="/loyalty/loyalty.js" async data-api="/loyalty-api/${s.shopId}" data-token="${esc(token)}" data-locale="${lang}-${shop.id === 'cafe' ? 'PE' : 'US'}"${s.program ? ' data-bootstrap="loyalty-bootstrap"' : ''}></script>` : ''}
<script type="module" src="/assets/shop.js"></script>
</head>
<body data-page="${page}" data-shop="${s.shopId}" data-lang="${lang}" data-member="${esc(s.memberId ?? '')}">
<div class="demo-bar" role="region" aria-label="Demo controls">
  <div class="wrap demo-bar-inner">
    <nav class="store-tabs" aria-label="${esc(t.switch_shop)}">${shopTabs}</nav>
    <form class="shopper-form" action="/switch" method="get">
      <label for="shopper">${esc(t.viewing_as)}</label>
      <select id="shopper" name="shopper" data-autosubmit>${shopperOptions}</select>
      <noscript><button>OK</button></noscript>
    </form>
    <div class="demo-links">
      <a class="lang" href="/switch?lang=${lang === 'es' ? 'en' : 'es'}" hreflang="${lang === 'es' ? 'en' : 'es'}">${lang === 'es' ? 'English' : 'Español'}</a>
      <a href="/merchant">${esc(t.merchant)}</a>
    </div>
  </div>
</div>
<header class="site-header">
  <div class="wrap header-inner">
    <a class="brand" href="/"><span class="brand-mark" aria-hidden="true">${shop.id === 'cafe' ? '☕︎' : 'A'}</span><span class="brand-name">${esc(shop.name)}</span></a>
    <nav class="main-nav" aria-label="Main">${nav}</nav>
    <div class="header-loyalty">
      ${s.memberId ? `<a class="points-pill" href="/rewards" data-loyalty-open="rewards"><span data-loyalty-points>${points(s)}</span><span class="pill-label"> ${esc(t.points)}</span><span class="tier-chip" data-loyalty-tier>${esc(s.state?.tier?.name ?? '')}</span></a>` : `<button class="join-btn small" data-join>${esc(t.join)}</button>`}
      <a class="cart-link" href="/cart"><span class="sr-only">${esc(t.cart)}: </span><svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true"><path d="M3 4h2l2.4 11.2a2 2 0 0 0 2 1.6h7.7a2 2 0 0 0 2-1.5L21 8H6.2" fill="none" stroke="currentColor" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/><circle cx="10" cy="20" r="1.4" fill="currentColor"/><circle cx="17" cy="20" r="1.4" fill="currentColor"/></svg><span class="cart-count" data-cart-count>0</span></a>
    </div>
  </div>
</header>
<main id="main" class="wrap">
${body}
</main>
<footer class="site-footer"><div class="wrap">${esc(t.demo_note)}</div></footer>
<loyalty-launcher></loyalty-launcher>
<script type="application/json" id="shop-data">${scriptJson({ shop: s.shopId, currency: shop.currency, shipping_minor: shop.shipping_minor, lang, member: s.memberId, products: shop.products.map((p) => ({ sku: p.sku, name: lang === 'es' ? p.name_es : p.name, category: p.category, price: p.price })), t })}</script>
</body>
</html>`;
}

// What <loyalty-portal> shows if the widget cannot load: the balance the server knows. It is
// light DOM with slot="fallback", so once the widget attaches its shadow root it is not rendered.
function portalFallback(s) {
  const { t, shop, lang, state } = s;
  if (!s.memberId) return `<div slot="fallback" class="portal-fallback"><strong>${esc(t.join)}</strong><p>${esc(lang === 'es' ? shop.id === 'cafe' ? '1 punto por sol, un café gratis cada 10.' : '1 punto por dólar, niveles Silver y Gold.' : shop.id === 'cafe' ? '1 point per sol, a free coffee every 10.' : '1 point per dollar, Silver and Gold tiers.')}</p></div>`;
  if (!state) return '';
  const rows = [[t.balance, `${points(s)} ${t.points}`]];
  if (state.tier?.id) rows.push([t.tier, `${state.tier.name ?? state.tier.id}${state.tier.next ? ` · ${money(state.tier.next.remaining, shop, lang)} ${lang === 'es' ? 'para' : 'to'} ${state.tier.next.name ?? state.tier.next.id}` : ''}`]);
  for (const [card, n] of Object.entries(state.punch_cards ?? {})) rows.push([lang === 'es' ? 'Tarjeta de café' : 'Coffee card', `${n} / 10`]);
  if (state.vouchers?.length) rows.push([lang === 'es' ? 'Vales' : 'Vouchers', String(state.vouchers.length)]);
  if (state.next_expiry && Date.parse(state.next_expiry.at) - Date.now() < 60 * 86_400_000) rows.push([lang === 'es' ? 'Vencen pronto' : 'Expiring soon', `${state.next_expiry.points} · ${new Date(state.next_expiry.at).toLocaleDateString(lang === 'es' ? 'es-PE' : 'en-US', { dateStyle: 'medium' })}`]);
  return `<dl slot="fallback" class="portal-fallback">${rows.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${esc(v)}</dd></div>`).join('')}</dl>`;
}

// The height the compact portal will take once the widget renders it, reserved on the first
// paint so the menu below does not move when it does (CLS 0 on a slow connection, issue 22 9d).
// Sizes of the widget's compact pieces as drawn at 1280 px and 375 px (measured in Chromium);
// a reserve slightly too large leaves a little space under the portal, never a shift.
function portalReserve(s) {
  const state = s.state;
  if (!s.memberId || !state) return null;
  const program = s.program?.program ?? {};
  const wide = []; const narrow = [];
  const add = (w, n = w) => { wide.push(w); narrow.push(n); };
  add(48); // balance and tier badge
  if (state.tier?.id && program.tiers) add(44); // progress to the next tier (two lines at most)
  if (state.next_expiry?.points && Date.parse(state.next_expiry.at) - Date.now() < 60 * 86_400_000) add(40);
  const cards = (program.punch_cards ?? []).filter(Boolean);
  if (cards.length) add(34); // the "Punch cards" heading over them
  for (const card of cards) add(113, 147); // ten stamps wrap at 375 px
  const groups = new Set((state.vouchers ?? []).map((v) => v.reward)).size;
  if (groups) add(23 + 73 * groups);
  add(36); // "See all"
  const total = (xs, gap, frame) => xs.reduce((a, b) => a + b, 0) + gap * (xs.length - 1) + frame + 8;
  return { wide: total(wide, 12, 34), narrow: total(narrow, 14, 30) };
}

function homePage(s) {
  const { shop, t, lang } = s;
  const cards = shop.products.map((p) => `
    <article class="product-card">
      <div class="product-art">${art(p.art, p.color)}</div>
      <div class="product-body">
        <h3>${esc(lang === 'es' ? p.name_es : p.name)}</h3>
        <p class="product-note">${esc(lang === 'es' ? p.note_es : p.note)}</p>
        <div class="product-foot">
          <span class="price">${esc(money(p.price, shop, lang))}</span>
          <span class="earn-hint" data-loyalty-earn-preview="${p.price}" data-sku="${p.sku}" data-category="${p.category}" data-price-minor="${p.price}"></span>
        </div>
        <button class="add-btn" data-add="${p.sku}">${esc(t.add)}</button>
      </div>
    </article>`).join('');
  const hero = shop.id === 'cafe' ? [t.hero_cafe, t.hero_cafe_sub] : [t.hero_fashion, t.hero_fashion_sub];
  const reserve = portalReserve(s);
  return layout(s, {
    page: 'shop',
    body: `
<section class="hero">
  <div class="hero-text">
    <p class="eyebrow">${esc(lang === 'es' ? shop.tagline_es : shop.tagline)}</p>
    <h1>${esc(hero[0])}</h1>
    <p class="lede">${esc(hero[1])}</p>
    ${s.memberId ? `<p class="hero-member">${esc(s.who.member ? s.who.name : (lang === 'es' ? 'Socio nuevo' : 'New member'))} · <span data-loyalty-points>${points(s)}</span> ${esc(t.points)}${s.state?.tier?.next && shop.id === 'fashion' ? ` · ${esc(s.state.tier.name ?? s.state.tier.id)}, ${esc(money(s.state.tier.next.remaining, shop, lang))} ${lang === 'es' ? 'para' : 'to'} ${esc(s.state.tier.next.name ?? s.state.tier.next.id)}` : ''} · <a href="/rewards">${esc(t.your_rewards)} →</a></p>`
      : `<div class="hero-cta"><button class="join-btn" data-join>${esc(t.join)}</button><span>${esc(t.join_sub)}</span></div>`}
  </div>
  <aside class="hero-portal" aria-label="${esc(t.your_rewards)}"${reserve ? ` style="--portal-reserve: ${reserve.wide}px; --portal-reserve-narrow: ${reserve.narrow}px"` : ''}><loyalty-portal compact>${portalFallback(s)}</loyalty-portal></aside>
</section>
<section aria-labelledby="menu-h">
  <h2 id="menu-h" class="section-title">${shop.id === 'cafe' ? (lang === 'es' ? 'La carta' : 'The menu') : (lang === 'es' ? 'Colección' : 'The collection')}</h2>
  <div class="product-grid">${cards}</div>
</section>`,
  });
}

function rewardsPage(s) {
  const { t } = s;
  return layout(s, {
    title: t.rewards, page: 'rewards',
    body: `<h1 class="page-title">${esc(t.your_rewards)}</h1>
${s.memberId ? '' : `<div class="join-banner"><div><strong>${esc(t.join)}</strong><span>${esc(t.join_sub)}</span></div><button class="join-btn" data-join>${esc(t.join)}</button></div>`}
<div class="portal-page"><loyalty-portal>${portalFallback(s)}</loyalty-portal></div>`,
  });
}

function cartPage(s) {
  const { t } = s;
  return layout(s, {
    title: t.cart, page: 'cart',
    body: `${s.shop.products.map((p) => `<template data-art="${p.sku}">${art(p.art, p.color)}</template>`).join('')}
<h1 class="page-title">${esc(t.checkout)}</h1>
<div class="checkout-grid">
  <section class="cart-panel" aria-label="${esc(t.cart)}">
    <div data-cart-lines></div>
    <div class="cart-empty" data-cart-empty hidden><p>${esc(t.cart_empty)}</p><a class="btn-secondary" href="/">${esc(t.continue)}</a></div>
  </section>
  <aside class="summary-panel">
    <loyalty-checkout></loyalty-checkout>
    <div class="summary" data-summary>
      <div data-applied></div>
      <dl>
        <div><dt>${esc(t.subtotal)}</dt><dd data-sum="merchandise">—</dd></div>
        <div${s.shop.shipping_minor ? '' : ' hidden'}><dt>${esc(t.shipping)}</dt><dd data-sum="shipping">—</dd></div>
        <div class="discount-row" hidden><dt>${esc(t.discount)}</dt><dd data-sum="discount">—</dd></div>
        <div class="total-row"><dt>${esc(t.total)}</dt><dd data-sum="total">—</dd></div>
        ${s.memberId ? `<div class="points-row" hidden><dt>${esc(t.you_earn)}</dt><dd data-sum="points">—</dd></div>` : ''}
      </dl>
      ${s.memberId ? '' : `<p class="guest-note">${esc(t.guest_checkout)} <button class="linklike" data-join>${esc(t.join)}</button></p>`}
      <button class="pay-btn" data-pay disabled>${esc(t.pay)}</button>
      <p class="pay-error" role="alert" data-pay-error></p>
    </div>
  </aside>
</div>`,
  });
}

function ordersPage(s) {
  const { t, shop, lang } = s;
  const mine = Object.values(orders).filter((o) => o.shop === s.shopId && o.member === (s.memberId ?? null) && (s.memberId || o.session === 'guest')).sort((a, b) => b.created.localeCompare(a.created));
  const rows = mine.map((o) => `<a class="order-row" href="/orders/${esc(o.id)}"><span class="order-id">${esc(orderLabel(o))}</span><span>${esc(new Date(o.created).toLocaleString(lang === 'es' ? 'es-PE' : 'en-US', { dateStyle: 'medium', timeStyle: 'short' }))}</span><span>${o.cart.lines.reduce((n, l) => n + l.quantity, 0)} ×</span><span class="order-total">${esc(money(o.totals.total_minor, shop, lang))}</span>${o.points != null ? `<span class="order-points">+${o.points} ${esc(t.points)}</span>` : '<span></span>'}</a>`).join('');
  return layout(s, { title: t.orders, page: 'orders', body: `<h1 class="page-title">${esc(t.orders)}</h1><div class="orders-list">${rows || `<p class="muted">${esc(t.no_orders)}</p>`}</div>` });
}

function orderPage(s, o) {
  const { t, shop, lang } = s;
  const lines = o.cart.lines.map((l, i) => {
    const p = product(o.shop, l.sku);
    const refunded = o.refunded?.[l.sku] ?? 0;
    const left = l.quantity - refunded;
    return `<div class="order-line"><div class="mini-art">${art(p?.art, p?.color ?? '#ccc')}</div><div class="ol-name"><strong>${esc(lang === 'es' ? p?.name_es : p?.name ?? l.sku)}</strong><span class="muted">${l.quantity} × ${esc(money(l.unit_price_minor, shop, lang))}${refunded ? ` · ${refunded} ${esc(t.refunded)}` : ''}</span></div>
      <div class="ol-act">${o.member && left > 0 ? `<button class="btn-secondary small" data-refund='${esc(JSON.stringify([{ sku: l.sku, quantity: 1 }]))}' data-line="${i}">${esc(t.refund_one)}</button>` : ''}</div></div>`;
  }).join('');
  const anyLeft = o.cart.lines.some((l) => l.quantity - (o.refunded?.[l.sku] ?? 0) > 0);
  const applied = (o.applied ?? []).map((a) => `<div><dt>${esc(a.name ?? a.reward)}</dt><dd>−${esc(money(a.discount_minor, shop, lang))}</dd></div>`).join('');
  return layout(s, {
    title: `${t.order} ${orderLabel(o)}`, page: 'order',
    body: `<p><a href="/orders">← ${esc(t.back_to_orders)}</a></p>
<h1 class="page-title">${esc(t.order)} ${esc(orderLabel(o))} <span class="badge">${esc(t.order_paid)}</span></h1>
<div class="order-grid">
  <section class="card">${lines}
    ${o.member && anyLeft ? `<div class="refund-all"><button class="btn-secondary" data-refund="all">${esc(t.refund_all)}</button></div>` : ''}
    <p class="notice" role="status" data-refund-status></p>
  </section>
  <aside class="card summary"><dl>
    <div><dt>${esc(t.subtotal)}</dt><dd>${esc(money(o.totals.merchandise_minor, shop, lang))}</dd></div>
    ${o.totals.shipping_minor ? `<div><dt>${esc(t.shipping)}</dt><dd>${esc(money(o.totals.shipping_minor, shop, lang))}</dd></div>` : ''}
    ${applied}
    <div class="total-row"><dt>${esc(t.total)}</dt><dd>${esc(money(o.totals.total_minor, shop, lang))}</dd></div>
    ${o.points != null ? `<div class="points-row"><dt>${esc(t.points_earned)}</dt><dd>+${o.points}</dd></div>` : ''}
  </dl>
  ${o.member ? `<p class="muted small-text">${esc(t.balance)}: <span data-loyalty-points>${points(s)}</span> ${esc(t.points)}</p>` : `<p class="muted">${esc(t.guest_checkout)}</p>`}
  </aside>
</div>
<script type="application/json" id="order-data">${scriptJson({ id: o.id })}</script>`,
  });
}

const LANGUAGE_NAMES = { en: 'English', es: 'Español', pl: 'Polski', ro: 'Română' };

function merchantPage(s) {
  const lang = s.merchantLang;
  const shopsJson = Object.fromEntries(Object.values(SHOPS).map((x) => [x.id, { name: x.name, currency: x.currency, shipping_minor: x.shipping_minor, products: x.products.map((p) => ({ sku: p.sku, name: lang === 'es' ? p.name_es ?? p.name : p.name, category: p.category, price: p.price })) }]));
  const tr = translator(lang);
  const shopperJson = SHOPPERS.filter((p) => p.member).map((p) => ({ id: p.member, name: p.name, about: p.about }));
  // Each language is offered in its own words; the current one is marked for screen readers.
  const languages = MERCHANT_LANGUAGES.map((l) => `<a href="/switch?lang=${l}&to=${encodeURIComponent(`/merchant?shop=${s.shopId}`)}" hreflang="${l}" lang="${l}"${l === lang ? ' aria-current="true"' : ''}>${LANGUAGE_NAMES[l]}</a>`).join('');
  return `<!doctype html>
<html lang="${lang}">
<head>
<meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(tr('Merchant · {shop} loyalty program').replace('{shop}', s.shop.name))}</title>
<link rel="stylesheet" href="/assets/merchant.css"><link rel="icon" href="data:,">
<script type="module" src="/assets/merchant.js"></script>
</head>
<body data-shop="${s.shopId}">
<header class="m-header">
  <div class="m-brand"><strong>Loyalty</strong> · ${esc(tr('merchant console'))}</div>
  <nav class="m-shops" aria-label="${esc(tr('Program'))}">${Object.values(SHOPS).map((x) => `<a href="/merchant?shop=${x.id}"${x.id === s.shopId ? ' aria-current="page"' : ''}>${esc(x.name)}</a>`).join('')}</nav>
  <nav class="m-lang" aria-label="${esc(tr('Language'))}">${languages}</nav>
  <a class="m-back" href="/switch?shop=${s.shopId}&to=/">${esc(tr('← Back to the shop'))}</a>
</header>
<main class="m-main">
<h1 class="sr-only">${esc(tr('{shop} loyalty program').replace('{shop}', s.shop.name))}</h1>
  <section class="m-editor" aria-labelledby="ed-h">
    <div class="m-panel-head"><h2 id="ed-h">${esc(tr('Program document'))}</h2><span class="m-status" id="m-status" data-status role="status" aria-live="polite">${esc(tr('Loading…'))}</span></div>
    <div class="m-tabs" role="tablist" aria-label="${esc(tr('How to edit'))}">
      <button type="button" role="tab" id="tab-form" aria-controls="panel-form" aria-selected="true" data-tab="form">${esc(tr('Form'))}</button>
      <button type="button" role="tab" id="tab-json" aria-controls="panel-json" aria-selected="false" tabindex="-1" data-tab="json">${esc(tr('Advanced (JSON)'))}</button>
    </div>
    <div class="m-tabpanel" role="tabpanel" id="panel-form" aria-labelledby="tab-form" data-panel="form">
      <div class="f-toolbar"><button type="button" class="m-btn small" data-new-program>${esc(tr('Start from an empty program'))}</button><button type="button" class="m-btn small" data-undo-new hidden>${esc(tr('Undo: back to the program before'))}</button><p class="f-hint" data-form-note hidden>${esc(tr('The JSON has a syntax error: the form shows the last valid document until it is fixed.'))}</p></div>
      <div class="f-editor" data-form-editor></div>
    </div>
    <div class="m-tabpanel" role="tabpanel" id="panel-json" aria-labelledby="tab-json" data-panel="json" hidden>
    <div class="editor" data-editor>
      <pre class="gutter" aria-hidden="true" data-gutter></pre>
      <div class="code-wrap"><pre class="highlight" aria-hidden="true" data-highlight></pre><textarea spellcheck="false" autocomplete="off" autocapitalize="off" aria-label="${esc(tr('Program JSON'))}" aria-describedby="m-status m-problems" aria-invalid="false" data-source></textarea></div>
    </div>
    </div>
    <ul class="m-problems" id="m-problems" data-problems aria-label="${esc(tr('Validation messages'))}"></ul>
    <div class="m-publish"><button class="m-btn primary" data-publish disabled>${esc(tr('Publish version'))}</button><span data-publish-status role="status"></span></div>
    <h3>${esc(tr('Version history'))}</h3>
    <ol class="m-versions" data-versions></ol>
    <div class="m-diff" data-diff role="region" aria-live="polite" aria-label="${esc(tr('Differences'))}"></div>
  </section>
  <section class="m-preview" aria-labelledby="pv-h">
    <div class="m-panel-head"><h2 id="pv-h">${esc(tr('Live preview'))}</h2><span class="m-sub">${esc(tr('computed in your browser by the WebAssembly core'))}</span></div>
    <div class="m-preview-controls">
      <label>${esc(tr('Shopper'))} <select data-preview-member><option value="">${esc(tr('Guest (no history)'))}</option>${shopperJson.map((p) => `<option value="${esc(p.id)}">${esc(p.name)}</option>`).join('')}</select></label>
      <label>${esc(tr('Time'))} <input type="datetime-local" data-preview-at></label>
      <label>${esc(tr('Store time zone'))} <input list="m-zones" size="18" autocomplete="off" data-program-zone><datalist id="m-zones"></datalist></label>
    </div>
    <div class="m-cart" data-sample-cart></div>
    <div class="m-result" data-preview-result aria-live="polite"></div>
  </section>
  <section class="m-metrics" aria-labelledby="mx-h">
    <div class="m-panel-head"><h2 id="mx-h">${esc(tr('Program metrics'))}</h2><span class="m-sub">${esc(tr('last 12 months · GET /v1/metrics'))}</span></div>
    <div class="m-kpis" data-kpis></div>
    <div class="m-charts" data-charts></div>
  </section>
</main>
<script type="application/json" id="merchant-data">${scriptJson({ shop: s.shopId, lang, shops: shopsJson, shoppers: shopperJson })}</script>
</body>
</html>`;
}

// ---------------------------------------------------------------------------------------------
// API for the shop's own pages.

function authHeaders(req) {
  const h = {};
  for (const k of ['authorization', 'content-type', 'if-none-match', 'idempotency-key', 'accept', 'accept-language']) {
    if (req.headers[k]) h[k] = req.headers[k];
  }
  return h; // x-admin-key is never forwarded from a browser
}

async function proxy(req, res, shopId, rest) {
  const target = new URL(rest, CONFIG.apis[shopId]);
  const body = ['GET', 'HEAD'].includes(req.method) ? undefined : await readBody(req, 4 << 20);
  try {
    const r = await loyaltyFetch(target, { method: req.method, headers: authHeaders(req), body });
    const buf = r.buffer;
    const headers = { 'cache-control': r.headers.get('cache-control') ?? 'no-store' };
    for (const k of ['content-type', 'etag', 'retry-after']) if (r.headers.get(k)) headers[k] = r.headers.get(k);
    res.writeHead(r.status, headers);
    res.end(req.method === 'HEAD' ? undefined : buf);
  } catch (e) {
    sendJson(res, 502, { error: { code: 'unavailable', message: `loyalty server for ${shopId} is not reachable`, path: '' } });
  }
}

// Each shop's published program, kept by its ETag and revalidated on every page (a 304 costs the
// loyalty server almost nothing), so a merchant's publish shows on the next page load.
const programs = {};
async function currentProgram(shopId) {
  const kept = programs[shopId];
  const r = await loyalty[shopId].request('GET', '/v1/program', { admin: false, headers: kept ? { 'if-none-match': kept.etag } : {} }).catch(() => null);
  if (r?.status === 304 && kept) return kept;
  if (r?.ok && r.data) programs[shopId] = { etag: r.headers.get('etag') ?? '', program: r.data };
  return programs[shopId] ?? null;
}

// The program versions the loyalty server keeps (newest first), each with the note the merchant
// wrote when publishing it (kept by the loyalty server with the version).
async function versionList(shopId) {
  const r = await loyalty[shopId].programVersions().catch(() => null);
  if (!r?.ok || !Array.isArray(r.data?.versions)) return [];
  return r.data.versions.map((v) => ({ version: v.version, at: v.stored_at, name: v.name, note: v.note ?? '' }));
}

async function quote(s, items, redeem, vouchers) {
  // Whole seconds: a refund posted in the same second must still sort after its order.
  const cart = buildCart(s.shopId, items, new Date().toISOString().replace(/\.\d+Z$/, 'Z'));
  const merchandise = cart.lines.reduce((n, l) => n + l.unit_price_minor * l.quantity, 0);
  const plain = { merchandise_minor: merchandise, discount_minor: 0, shipping_minor: cart.shipping_minor, total_minor: merchandise + cart.shipping_minor };
  if (!s.memberId || !cart.lines.length) return { cart, totals: plain, points: null, applied: [] };
  const r = await loyalty[s.shopId].preview(s.memberId, { cart, redeem: redeem ?? [], vouchers: vouchers ?? [] });
  if (!r.ok) return { cart, totals: plain, points: null, applied: [], error: r.data?.error };
  const pv = r.data;
  const names = await rewardNames(s.shopId, s.lang);
  const applied = (pv.redeem?.applied ?? []).map((a) => ({ ...a, name: names[a.reward] ?? a.reward }));
  const rejected = (pv.redeem?.rejected ?? []).map((x) => ({ ...x, name: names[x.reward] ?? x.reward }));
  return { cart, totals: pv.totals, points: pv.points?.total ?? 0, applied, rejected };
}

let nameCache = {};
// Reward names in the shopper's language (a program may give a name per language).
async function rewardNames(shopId, lang) {
  if (!(nameCache[shopId] && nameCache[shopId].at > Date.now() - 5000)) {
    const r = await loyalty[shopId].program();
    nameCache[shopId] = { at: Date.now(), program: r.data ?? {} };
  }
  const program = nameCache[shopId].program;
  return Object.fromEntries((program.rewards ?? []).map((x) => [x.id, localText(x.name ?? x.id, lang, program.default_language)]));
}

async function checkout(s, body) {
  const key = String(body.key ?? randomUUID()).slice(0, 80);
  const id = `${s.shopId}-${key}`;
  if (orders[id]) return { status: 200, order: orders[id] }; // the same click twice pays once
  const redeem = Array.isArray(body.redeem) ? body.redeem : [];
  const vouchers = Array.isArray(body.vouchers) ? body.vouchers.map(String) : [];
  const q = await quote(s, body.items, redeem, vouchers);
  if (!q.cart.lines.length) return { status: 400, error: { code: 'empty_cart', message: 'The cart is empty', path: '' } };
  if (q.error) return { status: 422, error: q.error };
  // A chosen reward that does nothing on this cart: the loyalty server would refuse the whole
  // order, so say which one and why, for the page to offer removing it.
  if (q.rejected?.length) {
    const r = q.rejected[0];
    const names = await rewardNames(s.shopId, s.lang);
    return { status: 422, error: { code: 'reward_not_usable', status: r.status, reward: r.reward, voucher: r.voucher ?? null, name: names[r.reward] ?? r.reward, message: `reward ${r.reward} is ${r.status}`, path: '' } };
  }
  // "Payment" succeeds here; then the paid order goes to the loyalty server.
  const order = { id, number: orderNumber(s.shopId, id), shop: s.shopId, member: s.memberId ?? null, session: s.memberId ? 'member' : 'guest', created: new Date().toISOString(), cart: q.cart, totals: q.totals, applied: q.applied, points: null, refunded: {} };
  if (s.memberId) {
    order.loyalty_order_id = `#${order.number}`;
    const post = { member_id: s.memberId, order_id: order.loyalty_order_id, cart: q.cart, redeem, vouchers };
    const r = await loyalty[s.shopId].postOrder(post, { idempotencyKey: `order-${id}` });
    if (!r.ok) return { status: r.status, error: await explainRefusal(s, r.data?.error, redeem, vouchers, q) };
    order.points = q.points;
    order.balance_after = r.data?.balance;
  }
  orders[id] = order;
  saveOrders();
  return { status: 200, order };
}

// The loyalty server's refusal of a paid order, with the reward it is about when its path says
// (/redeem/0, /vouchers/1): the page turns the code into a sentence and offers removing it.
async function explainRefusal(s, error, redeem, vouchers, q) {
  const e = error ?? { code: 'loyalty_failed', message: 'loyalty server refused the order', path: '' };
  const m = /^\/(redeem|vouchers)\/(\d+)/.exec(e.path ?? '');
  if (!m) return e;
  const i = Number(m[2]);
  const voucher = m[1] === 'vouchers' ? vouchers[i] : null;
  const reward = voucher ? (q.applied.find((a) => a.voucher === voucher)?.reward ?? null) : redeem[i]?.reward;
  const names = await rewardNames(s.shopId, s.lang);
  const status = { insufficient_points: 'insufficient_points', limit_exceeded: 'limit_reached' }[e.code] ?? 'not_applicable';
  return { ...e, code: 'reward_not_usable', status, reward, voucher, name: names[reward] ?? reward ?? '' };
}

async function refund(s, id, body) {
  const o = orders[id];
  if (!o || o.shop !== s.shopId) return { status: 404, error: { code: 'not_found', message: 'no such order', path: '' } };
  if (!o.member) return { status: 400, error: { code: 'guest_order', message: 'guest orders earn no points', path: '' } };
  let lines;
  if (body.lines === 'all') {
    lines = o.cart.lines.map((l) => ({ sku: l.sku, quantity: l.quantity - (o.refunded[l.sku] ?? 0) })).filter((l) => l.quantity > 0);
  } else {
    lines = (Array.isArray(body.lines) ? body.lines : []).filter((l) => {
      const line = o.cart.lines.find((x) => x.sku === l.sku);
      return line && l.quantity >= 1 && l.quantity <= line.quantity - (o.refunded[l.sku] ?? 0);
    }).map((l) => ({ sku: String(l.sku), quantity: Math.floor(l.quantity) }));
  }
  if (!lines.length) return { status: 400, error: { code: 'nothing_to_refund', message: 'nothing left to refund', path: '' } };
  const n = (o.refunds ?? 0) + 1;
  const r = await loyalty[s.shopId].refund({ member_id: o.member, order_id: loyaltyOrderId(o), lines }, { idempotencyKey: `refund-${o.id}-${n}` });
  if (!r.ok) return { status: r.status, error: r.data?.error };
  o.refunds = n;
  for (const l of lines) o.refunded[l.sku] = (o.refunded[l.sku] ?? 0) + l.quantity;
  saveOrders();
  return { status: 200, order: o, balance: r.data?.balance };
}

async function join(s) {
  if (s.memberId) return { status: 200, member_id: s.memberId };
  const memberId = `guest-${randomUUID().slice(0, 8)}`;
  const r = await loyalty[s.shopId].enroll({ member_id: memberId, email: `${memberId}@guest.example`, channel: 'web', name: 'Demo guest' }, { idempotencyKey: `enroll-${memberId}` });
  if (!r.ok) return { status: r.status, error: r.data?.error };
  return { status: 200, member_id: memberId, cookie: setCookie(`joined_${s.shopId}`, memberId) };
}

// Metrics for the merchant page: one call per month for the charts, one for the whole year.
async function merchantMetrics(shopId) {
  const api = loyalty[shopId];
  const now = new Date();
  const months = [];
  for (let i = 11; i >= 0; i--) {
    const from = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1, 5));
    const until = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i + 1, 1, 5));
    months.push({ label: from.toLocaleString('en-US', { month: 'short', timeZone: 'UTC' }), from: from.toISOString().replace('.000Z', 'Z'), until: until.toISOString().replace('.000Z', 'Z') });
  }
  const results = [];
  for (const m of months) results.push(await api.metrics(m.from, m.until)); // one connection, in turn
  const yearFrom = months[0].from;
  const year = await api.metrics(yearFrom, new Date(now.getTime() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z'));
  // Retention over the last 90 days: over a whole year most members are new, and CRR
  // (E − N) / S goes negative when N > E, which tells a merchant nothing.
  const quarter = await api.metrics(new Date(now.getTime() - 90 * 86_400_000).toISOString().replace(/\.\d+Z$/, 'Z'), new Date(now.getTime() + 60_000).toISOString().replace(/\.\d+Z$/, 'Z'));
  const failed = [year, quarter, ...results].find((r) => !r.ok);
  if (failed) return { status: failed.status || 502, error: failed.data?.error ?? { code: 'unavailable', message: 'metrics unavailable', path: '' } };
  return { status: 200, months: months.map((m, i) => ({ ...m, metrics: results[i].data })), year: year.data, quarter: quarter.data };
}

// What-if simulator (issue 21): the loyalty server's sample of anonymised member ledgers,
// passed through as it answers (status and body), so the page sees its errors as they are.
async function ledgerSample(res, shopId, params) {
  const size = Math.max(1, Math.min(20000, Math.floor(Number(params.get('size'))) || 1000));
  const seed = Math.floor(Number(params.get('seed'))) >>> 0;
  const page = Math.max(0, Math.floor(Number(params.get('page'))) || 0);
  const api = loyalty[shopId];
  const r = await loyaltyFetch(`${api.baseUrl}/v1/ledger-sample?size=${size}&seed=${seed}&page=${page}`, { headers: { accept: 'application/json', 'x-admin-key': api.adminKey } });
  send(res, r.status, r.buffer, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
}

// ---------------------------------------------------------------------------------------------
// Router.

async function handle(req, res) {
  const url = new URL(req.url, 'http://localhost');
  const p = url.pathname;
  const s = session(req, url);

  if (p.startsWith('/loyalty-api/')) {
    const m = /^\/loyalty-api\/(cafe|fashion)(\/.*)$/.exec(p);
    if (m) return proxy(req, res, m[1], m[2] + url.search);
    return proxy(req, res, s.shopId, p.slice('/loyalty-api'.length) + url.search);
  }
  if (p.startsWith('/loyalty/wasm/')) return serveFile(res, WASM_DIR, p.slice('/loyalty/wasm/'.length), req);
  if (p.startsWith('/loyalty/')) return serveFile(res, WEB_DIR, p.slice('/loyalty/'.length), req);
  if (p.startsWith('/assets/')) return serveFile(res, PUBLIC_DIR, p.slice('/assets/'.length), req);
  if (p.startsWith('/fonts/')) return serveFile(res, FONTS_DIR, p.slice('/fonts/'.length), req);
  if (p === '/healthz') return sendJson(res, 200, { ok: true });

  if (p === '/switch') {
    const set = [];
    if (SHOPS[url.searchParams.get('shop')]) set.push(setCookie('shop', url.searchParams.get('shop')));
    if (findShopper(url.searchParams.get('shopper'))) set.push(setCookie('shopper', url.searchParams.get('shopper')));
    if (MERCHANT_LANGUAGES.includes(url.searchParams.get('lang'))) set.push(setCookie('lang', url.searchParams.get('lang')));
    const to = url.searchParams.get('to');
    const back = to && to.startsWith('/') && !to.startsWith('//') ? to : (req.headers.referer ? new URL(req.headers.referer).pathname : '/');
    return redirect(res, back.startsWith('/orders/') ? '/orders' : back, { 'set-cookie': set });
  }

  if (req.method === 'GET') {
    const html = (body) => send(res, 200, body, { 'content-type': 'text/html; charset=utf-8' });
    if (!p.startsWith('/api/') && p !== '/merchant') {
      // The first paint shows the balance the server knows, and the page hands the program and
      // that state to the widget (data-bootstrap), which renders at once and keeps them current.
      const [r, program] = await Promise.all([s.memberId ? loyalty[s.shopId].memberState(s.memberId).catch(() => null) : null, currentProgram(s.shopId)]);
      s.program = program;
      if (r?.ok) s.state = r.data;
      else if (r?.status === 404 && s.joined) { s.memberId = null; s.joined = false; } // data was reset
    }
    if (p === '/') return html(homePage(s));
    if (p === '/rewards') return html(rewardsPage(s));
    if (p === '/cart') return html(cartPage(s));
    if (p === '/orders') return html(ordersPage(s));
    const om = /^\/orders\/([\w-]+)$/.exec(p);
    if (om) {
      const o = orders[om[1]];
      if (!o || o.shop !== s.shopId) return send(res, 404, layout(s, { page: 'order', body: '<h1 class="page-title">Order not found</h1>' }), { 'content-type': 'text/html; charset=utf-8' });
      return html(orderPage(s, o));
    }
    if (p === '/merchant') return html(merchantPage(s));
    if (p === '/api/merchant/program' && url.searchParams.get('version')) {
      const r = await loyalty[s.shopId].program(url.searchParams.get('version'));
      return sendJson(res, r.status, { program: r.data });
    }
    if (p === '/api/merchant/program') {
      const r = await loyalty[s.shopId].program();
      return sendJson(res, r.status, { program: r.data, etag: r.headers.get('etag'), versions: await versionList(s.shopId) });
    }
    if (p === '/api/merchant/metrics') {
      const r = await merchantMetrics(s.shopId);
      return sendJson(res, r.status, r.error ? { error: r.error } : r);
    }
    if (p === '/api/merchant/ledger-sample') return ledgerSample(res, s.shopId, url.searchParams); // what-if simulator
    if (p === '/api/merchant/events') {
      const member = url.searchParams.get('member') ?? '';
      const r = await loyalty[s.shopId].events(member);
      return sendJson(res, r.status, r.data);
    }
  }

  if (req.method === 'POST' || req.method === 'PUT') {
    const body = await readJsonBody(req);
    const reply = (r, extra = {}) => sendJson(res, r.status, r.error ? { error: r.error } : r, extra);
    if (p === '/api/join') {
      const r = await join(s);
      return reply(r, r.cookie ? { 'set-cookie': r.cookie } : {});
    }
    if (p === '/api/quote') return reply({ status: 200, ...(await quote(s, body.items, body.redeem, body.vouchers)) });
    if (p === '/api/checkout') return reply(await checkout(s, body));
    const rm = /^\/api\/orders\/([\w-]+)\/refund$/.exec(p);
    if (rm) return reply(await refund(s, rm[1], body));
    if (p === '/api/merchant/program' && req.method === 'PUT') {
      // The page's key for this publish: a retried request publishes once.
      const key = typeof body.key === 'string' && /^[\w-]{8,64}$/.test(body.key) ? body.key : undefined;
      // The version the merchant edited: a publish over a newer one (another tab, another
      // merchant) is refused by the loyalty server (412) instead of overwriting it.
      const base = Number.isInteger(body.base_version) ? body.base_version : undefined;
      const r = await loyalty[s.shopId].putProgram(body.program, { idempotencyKey: key, note: String(body.note ?? '').slice(0, 200), baseVersion: base });
      return sendJson(res, r.status, { result: r.data, versions: await versionList(s.shopId) });
    }
  }
  send(res, 404, 'not found', { 'content-type': 'text/plain' });
}

const server = http.createServer((req, res) => {
  handle(req, res).catch((e) => {
    if (!res.headersSent) sendJson(res, e.status ?? 500, { error: { code: e.status ? 'bad_request' : 'internal', message: e.message, path: '' } });
    else res.end();
  });
});
server.listen(CONFIG.port, CONFIG.bind, () => {
  console.log(`shop listening on http://${CONFIG.bind}:${CONFIG.port}`);
  // Compress the widget's files now, not on the first shopper's request.
  setTimeout(() => {
    for (const f of ['loyalty.js', 'loyalty_core.js', 'loyalty_core.wasm']) {
      const file = path.join(WEB_DIR, f);
      fs.stat(file, (err, st) => {
        if (!err) for (const enc of ['br', 'gzip']) compressedFile(file, st, enc);
      });
    }
  }, 0);
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => server.close(() => process.exit(0)));
